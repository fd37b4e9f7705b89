/** The `portcullis` command line: thin commands over the modules. */
import { Command, CommanderError } from 'commander';
import { PortcullisError } from '../core/index.js';
import { reportError } from './output.js';
import { TOOL_VERSION } from './version.js';

type Loader = () => Promise<Command[]>;

/**
 * Every command, loaded on demand: a run of `portcullis scan …` imports the scan command's modules
 * (and their libraries) only, which keeps start-up short; `--help` loads them all.
 */
const LOADERS: [readonly string[], Loader][] = [
  [['sbom'], async () => [(await import('./sbom.js')).sbomCommand()]],
  [['inspect'], async () => [(await import('./inspect.js')).inspectCommand()]],
  [['version'], async () => [(await import('./version-compare.js')).versionCommand()]],
  [['db'], async () => [(await import('./db.js')).dbCommand()]],
  [['scan'], async () => [(await import('./scan.js')).scanCommand()]],
  [['diff'], async () => [(await import('./diff.js')).diffCommand()]],
  [['audit'], async () => [(await import('./audit.js')).auditCommand()]],
  [['server'], async () => [(await import('./server.js')).serverCommand()]],
  [['key'], async () => [(await import('./key.js')).keyCommand()]],
  [['sign'], async () => [(await import('./sign.js')).signCommand()]],
  [['attest'], async () => [(await import('./attest.js')).attestCommand()]],
  [['verify', 'verify-attestation'], async () => {
    const m = await import('./verify.js');
    return [m.verifyCommand(), m.verifyAttestationCommand()];
  }],
  [['verify-bundle', 'verify-blob'], async () => {
    const m = await import('./verify-bundle.js');
    return [m.verifyBundleCommand(), m.verifyBlobCommand()];
  }],
  [['copy'], async () => [(await import('./copy.js')).copyCommand()]],
  [['policy'], async () => [(await import('./policy.js')).policyCommand()]],
  [['admission'], async () => [(await import('./admission.js')).admissionCommand()]],
];

/** The program with every command, or only the one `argv` names (the common case). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('portcullis')
    .description('Container and Kubernetes supply-chain security: SBOMs, vulnerabilities, secrets, configuration checks, image diffs, cosign-compatible signatures, and a Grafeas-compatible metadata server with an audit log.')
    .version(TOOL_VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const first = argv.slice(2).find((a) => !a.startsWith('-'));
  const named = LOADERS.find(([names]) => first !== undefined && names.includes(first));
  const versionOnly = !named && argv.slice(2).length > 0 && argv.slice(2).every((a) => a === '-v' || a === '--version');
  for (const [, load] of named ? [named] : versionOnly ? [] : LOADERS) for (const c of await load()) program.addCommand(c.exitOverride());
  program.addHelpText(
    'after',
    `
Exit status: 0 ok; the --exit-code value when a scan reports findings; 1 when a verification
fails (verify, verify-attestation, audit verify); 2 usage or input error; 3 internal error.
Errors print a stable code, e.g. "error [DIGEST_MISMATCH]: ...", and a hint.`,
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram(argv);
  } catch (err) {
    return reportError(err);
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof PortcullisError) return reportError(err);
    return reportError(err);
  }
}

const isEntry = process.argv[1] !== undefined && /(?:cli\.js|main\.ts)$/.test(process.argv[1]);
if (isEntry) {
  // A reader that went away (`portcullis … | head`) ends the output, not the process with a stack.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      process.exitCode = 3;
    });
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportError(err);
    },
  );
}

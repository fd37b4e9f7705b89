/** The `portcullis` command line: thin commands over the modules. */
import { Command, CommanderError } from 'commander';
import { PortcullisError } from '../core/errors.js';
import { reportError } from './output.js';
import { auditCommand } from './audit.js';
import { attestCommand } from './attest.js';
import { copyCommand } from './copy.js';
import { keyCommand } from './key.js';
import { signCommand } from './sign.js';
import { verifyAttestationCommand, verifyCommand } from './verify.js';
import { verifyBlobCommand, verifyBundleCommand } from './verify-bundle.js';
import { dbCommand } from './db.js';
import { diffCommand } from './diff.js';
import { inspectCommand } from './inspect.js';
import { sbomCommand } from './sbom.js';
import { scanCommand } from './scan.js';
import { serverCommand } from './server.js';
import { versionCommand } from './version-compare.js';
import { TOOL_VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('portcullis')
    .description('Container and Kubernetes supply-chain security: SBOMs, vulnerabilities, secrets, configuration checks, image diffs, cosign-compatible signatures, and a Grafeas-compatible metadata server with an audit log.')
    .version(TOOL_VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.addCommand(sbomCommand().exitOverride());
  program.addCommand(inspectCommand().exitOverride());
  program.addCommand(versionCommand().exitOverride());
  program.addCommand(dbCommand().exitOverride());
  program.addCommand(scanCommand().exitOverride());
  program.addCommand(diffCommand().exitOverride());
  program.addCommand(auditCommand().exitOverride());
  program.addCommand(serverCommand().exitOverride());
  for (const c of [keyCommand(), signCommand(), attestCommand(), verifyCommand(), verifyAttestationCommand(), verifyBundleCommand(), verifyBlobCommand(), copyCommand()]) program.addCommand(c.exitOverride());
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
  const program = buildProgram();
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
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportError(err);
    },
  );
}

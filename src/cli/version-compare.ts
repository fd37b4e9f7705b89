/** `portcullis version compare --scheme S A B` (or `--batch` pairs on stdin): prints <, = or >. */
import { Command, Option } from 'commander';
import { createInterface } from 'node:readline';
import { ANSI, useColor } from './color.js';
import { PortcullisError, type ErrorCode } from '../core/index.js';
import { VERSION_SCHEMES, type VersionScheme } from '../versions/index.js';

const CHOICES = [
  'dpkg',
  'apk',
  'rpm',
  'semver',
  'npm',
  'pep440',
  'maven',
  'go',
  'rubygems',
  'nuget',
  'composer',
  'generic',
];

function symbol(n: number): string {
  return n < 0 ? '<' : n > 0 ? '>' : '=';
}

interface LineFailure {
  line: number;
  code: ErrorCode;
  exit: number;
  message: string;
}

/** Compares one batch line; a failure is returned with the error text to report (with its line number). */
function compareLine(scheme: VersionScheme, text: string, lineNo: number): string | LineFailure {
  try {
    const parts = text.split(/\s+/);
    if (parts.length !== 2)
      throw new PortcullisError({ code: 'USAGE', message: `expected "A B", got "${text}"` });
    return symbol(scheme.compare(parts[0]!, parts[1]!));
  } catch (err) {
    const code: ErrorCode = err instanceof PortcullisError ? err.code : 'INTERNAL';
    const message = `Line ${lineNo}: ${(err as Error)?.message ?? String(err)}`;
    return { line: lineNo, code, exit: code === 'INTERNAL' ? 3 : 2, message };
  }
}

async function runBatch(scheme: VersionScheme): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out: string[] = [];
  const errors: string[] = [];
  const failures: LineFailure[] = [];
  const color = useColor(process.stderr);
  const flush = () => {
    if (out.length) process.stdout.write(out.splice(0).join('\n') + '\n');
    if (errors.length) process.stderr.write(errors.splice(0).join(''));
  };
  let lineNo = 0;
  let pairs = 0;
  // A bad line is an expected outcome here, not a bug: no stack traces for the per-line errors.
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      const t = line.trim();
      if (t === '') continue;
      pairs++;
      const r = compareLine(scheme, t, lineNo);
      if (typeof r === 'string') out.push(r);
      else {
        failures.push(r);
        errors.push(`${color ? ANSI.red('error') : 'error'} [${r.code}]: ${r.message}\n`);
      }
      if (out.length + errors.length >= 4096) flush();
    }
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
  flush();
  if (failures.length > 0) {
    const first = failures[0]!;
    const worst = failures.find((f) => f.exit === 3) ?? first;
    throw new PortcullisError({
      code: worst.code,
      message: `${failures.length} of ${pairs} lines could not be compared (line${failures.length > 1 ? 's' : ''} ${failures
        .slice(0, 10)
        .map((f) => f.line)
        .join(', ')}${failures.length > 10 ? ', …' : ''}); the other lines were compared`,
      hint: `One pair of ${scheme.id} versions per line, separated by whitespace; results are printed for the lines that could be compared, in order.`,
    });
  }
}

export function versionCommand(): Command {
  const version = new Command('version').description(
    'Version-scheme tools (compare versions as an ecosystem does)',
  );
  const compare = new Command('compare')
    .description('Compare two versions under a scheme and print <, = or >')
    .addOption(new Option('--scheme <scheme>', 'version scheme').choices(CHOICES).makeOptionMandatory())
    .option(
      '--batch',
      'read "A B" pairs, one per line, from stdin; print one result per line; a line that cannot be compared is reported on stderr with its line number and the rest go on (exit 2 at the end)',
    )
    .argument('[a]', 'first version')
    .argument('[b]', 'second version')
    .addHelpText(
      'after',
      '\nExamples:\n  portcullis version compare --scheme dpkg 1:2.0-1 2.0~rc1-1\n  printf "1.0 1.0.0\\n1.0a 1.0\\n" | portcullis version compare --scheme maven --batch',
    )
    .action(
      async (a: string | undefined, b: string | undefined, flags: { scheme: string; batch?: boolean }) => {
        const scheme = VERSION_SCHEMES.get(flags.scheme)!;
        if (!flags.batch) {
          if (a === undefined || b === undefined)
            throw new PortcullisError({
              code: 'USAGE',
              message: 'version compare needs two versions',
              hint: 'Pass A B, or --batch with "A B" lines on stdin.',
            });
          process.stdout.write(symbol(scheme.compare(a, b)) + '\n');
          return;
        }
        if (a !== undefined)
          throw new PortcullisError({
            code: 'USAGE',
            message: '--batch reads pairs from stdin and takes no version arguments',
            hint: 'Drop A B, or drop --batch.',
          });
        await runBatch(scheme);
      },
    );
  version.addCommand(compare.exitOverride());
  return version;
}

/** `portcullis version compare --scheme S A B` (or `--batch` pairs on stdin): prints <, = or >. */
import { Command, Option } from 'commander';
import { createInterface } from 'node:readline';
import { PortcullisError } from '../core/errors.js';
import { VERSION_SCHEMES } from '../versions/registry.js';

const CHOICES = ['dpkg', 'apk', 'rpm', 'semver', 'npm', 'pep440', 'maven', 'go', 'rubygems', 'nuget', 'generic'];

function symbol(n: number): string {
  return n < 0 ? '<' : n > 0 ? '>' : '=';
}

export function versionCommand(): Command {
  const version = new Command('version').description('Version-scheme tools (compare versions as an ecosystem does)');
  const compare = new Command('compare')
    .description('Compare two versions under a scheme and print <, = or >')
    .addOption(new Option('--scheme <scheme>', 'version scheme').choices(CHOICES).makeOptionMandatory())
    .option('--batch', 'read "A B" pairs, one per line, from stdin; print one result per line')
    .argument('[a]', 'first version')
    .argument('[b]', 'second version')
    .addHelpText('after', '\nExamples:\n  portcullis version compare --scheme dpkg 1:2.0-1 2.0~rc1-1\n  printf "1.0 1.0.0\\n1.0a 1.0\\n" | portcullis version compare --scheme maven --batch')
    .action(async (a: string | undefined, b: string | undefined, flags: { scheme: string; batch?: boolean }) => {
      const scheme = VERSION_SCHEMES.get(flags.scheme)!;
      if (!flags.batch) {
        if (a === undefined || b === undefined) throw new PortcullisError({ code: 'USAGE', message: 'version compare needs two versions', hint: 'Pass A B, or --batch with "A B" lines on stdin.' });
        process.stdout.write(symbol(scheme.compare(a, b)) + '\n');
        return;
      }
      const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
      const out: string[] = [];
      let lineNo = 0;
      for await (const line of rl) {
        lineNo++;
        const t = line.trim();
        if (t === '') continue;
        const parts = t.split(/\s+/);
        if (parts.length !== 2) throw new PortcullisError({ code: 'USAGE', message: `Line ${lineNo}: expected "A B", got "${t}"`, hint: 'One pair of versions per line, separated by whitespace.' });
        try {
          out.push(symbol(scheme.compare(parts[0]!, parts[1]!)));
        } catch (err) {
          if (err instanceof PortcullisError) throw new PortcullisError({ code: err.code, message: `Line ${lineNo}: ${err.message}`, ...(err.hint ? { hint: err.hint } : {}) });
          throw err;
        }
        if (out.length >= 4096) process.stdout.write(out.splice(0).join('\n') + '\n');
      }
      if (out.length) process.stdout.write(out.join('\n') + '\n');
    });
  version.addCommand(compare.exitOverride());
  return version;
}

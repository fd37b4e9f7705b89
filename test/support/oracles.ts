/**
 * Reference tools ("oracles") the tests compare against, and what to install when one is missing.
 * A missing oracle is a failed test that names the Debian package, never a silent skip: a green
 * run then means every comparison really ran.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

export interface Need {
  /** What is needed, as a reader would look for it: a command or a file. */
  what: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  ok: boolean;
}

/** A command on PATH. */
export function command(name: string, debianPackage: string): Need {
  const ok = spawnSync('sh', ['-c', `command -v '${name.replace(/'/g, '')}'`], { stdio: 'ignore' }).status === 0;
  return { what: `the command "${name}"`, debianPackage, ok };
}

/** A file (a library, a jar, a module) at a fixed path. */
export function file(path: string, debianPackage: string): Need {
  return { what: `the file "${path}"`, debianPackage, ok: existsSync(path) };
}

export function missingMessage(needs: readonly Need[]): string | undefined {
  const missing = needs.filter((n) => !n.ok);
  if (missing.length === 0) return undefined;
  const pkgs = [...new Set(missing.map((n) => n.debianPackage))];
  return (
    `Missing test oracle: ${missing.map((n) => n.what).join(', ')} ` +
    `(Debian package${pkgs.length > 1 ? 's' : ''} ${pkgs.join(', ')}). ` +
    `Install with \`apt-get install ${pkgs.join(' ')}\`, or run \`bash scripts/setup-test-deps.sh\`.`
  );
}

/** Throws the missing-oracle message when any need is unmet. */
export function requireOracle(...needs: Need[]): void {
  const msg = missingMessage(needs);
  if (msg) throw new Error(msg);
}

/** `describe` when every need is met; otherwise one failing test that says what to install. */
export function describeWith(needs: readonly Need[], title: string, body: () => void): void {
  const msg = missingMessage(needs);
  if (!msg) describe(title, body);
  else
    describe(title, () =>
      it('has its reference tools installed', () => {
        throw new Error(msg);
      }),
    );
}

/** `it` when every need is met; otherwise a failing test that says what to install. */
export function itWith(needs: readonly Need[], title: string, body: () => unknown, timeout?: number): void {
  const msg = missingMessage(needs);
  if (!msg) it(title, body, timeout);
  else
    it(title, () => {
      throw new Error(msg);
    });
}

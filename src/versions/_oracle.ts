/**
 * Test support (not imported by production code): runs an ecosystem's own version-comparison
 * tool once for a whole batch of vectors. A missing tool is a failure that names the Debian
 * package providing it, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface OracleRun {
  /** Debian package that provides the oracle (also listed in scripts/test-deps.txt). */
  pkg: string;
  cmd: string;
  args: string[];
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

function missing(pkg: string, what: string): Error {
  return new Error(`version oracle missing: ${what}. It comes from the Debian package "${pkg}" (apt-get install -y ${pkg}; scripts/setup-test-deps.sh installs everything in scripts/test-deps.txt).`);
}

export function runOracle(o: OracleRun): string {
  const r = spawnSync(o.cmd, o.args, { encoding: 'utf8', maxBuffer: 256 << 20, ...(o.input !== undefined ? { input: o.input } : {}), ...(o.cwd ? { cwd: o.cwd } : {}), ...(o.env ? { env: o.env } : {}) });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw missing(o.pkg, `${o.cmd} is not installed (${r.error.message})`);
  if (r.error) throw new Error(`running the version oracle ${o.cmd} failed: ${r.error.message}`);
  if (r.status !== 0) throw missing(o.pkg, `${o.cmd} exited with status ${r.status}: ${r.stderr.slice(0, 1500).trim()}`);
  return r.stdout;
}

export function requireFile(path: string, pkg: string): string {
  if (!existsSync(path)) throw missing(pkg, `${path} does not exist`);
  return path;
}

/** Deterministic PRNG so failures are reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const sym = (n: number): '<' | '=' | '>' => (n < 0 ? '<' : n > 0 ? '>' : '=');

/** Pairs for which our result differs from the oracle's, formatted for the assertion message. */
export function mismatches(pairs: readonly (readonly [string, string])[], oracle: readonly string[], ours: (a: string, b: string) => number): string[] {
  if (oracle.length !== pairs.length) return [`oracle answered ${oracle.length} lines for ${pairs.length} pairs`];
  const out: string[] = [];
  pairs.forEach(([a, b], i) => {
    const o = sym(ours(a, b));
    if (o !== oracle[i]) out.push(`${a} ${b}: ours ${o}, oracle ${oracle[i]}`);
  });
  return out;
}

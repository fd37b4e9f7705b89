/**
 * Image config diff: user, entrypoint, cmd, working directory, environment, labels, exposed
 * ports, OS and platform, and the layer stack (how many bottom layers both sides share).
 *
 * Values of environment variables and labels whose names look like they hold a secret
 * (`…PASSWORD`, `…TOKEN`, `…SECRET`, `…API_KEY`, …), and values that embed URL credentials
 * (`scheme://user:password@host`), are replaced by `<redacted>`: a diff is often pasted into a
 * pull request.
 */
import type { CatalogResult, ImageConfigSummary } from '../core/index.js';
import type { ConfigDiff, MapDiff, ValueChange } from './types.js';

export const REDACTED = '<redacted>';

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pw',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'credential',
  'credentials',
  'creds',
  'auth',
  'apikey',
  'dsn',
  'cookie',
  'salt',
  'privatekey',
]);
const SECRET_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey'];
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'private',
  'secret',
  'signing',
  'encryption',
  'master',
  'license',
]);
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

/** Splits `GITHUB_TOKEN`, `apiKey`, `db.password` into lower-case words. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a variable or label value should not be printed: by its name's words, or URL credentials in the value. */
export function isSecretLike(name: string, value: string): boolean {
  if (URL_CREDENTIALS.test(value)) return true;
  const words = wordsOf(name);
  return words.some(
    (w, i) =>
      SECRET_WORDS.has(w) ||
      SECRET_SUFFIXES.some((s) => w.endsWith(s)) ||
      (w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)),
  );
}

/** `KEY=VALUE` entries into a map; a later duplicate wins, like the runtime's environment. */
export function parseEnv(env: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i < 0) m.set(e, '');
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

/** Added, removed and changed keys, with secret-like values redacted. */
export function diffMap(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): MapDiff {
  const out: MapDiff = { added: [], removed: [], changed: [] };
  const show = (k: string, v: string) =>
    isSecretLike(k, v) ? { value: REDACTED, redacted: true as const } : { value: v };
  for (const [k, v] of after) {
    if (!before.has(k)) out.added.push({ key: k, ...show(k, v) });
    else if (before.get(k) !== v) {
      const old = before.get(k)!;
      if (isSecretLike(k, v) || isSecretLike(k, old))
        out.changed.push({ key: k, before: REDACTED, after: REDACTED, redacted: true });
      else out.changed.push({ key: k, before: old, after: v });
    }
  }
  for (const [k, v] of before) if (!after.has(k)) out.removed.push({ key: k, ...show(k, v) });
  const byKey = (x: { key: string }, y: { key: string }) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
  out.added.sort(byKey);
  out.removed.sort(byKey);
  out.changed.sort(byKey);
  return out;
}

function valueChange<T>(before: T | undefined, after: T | undefined): ValueChange<T> | undefined {
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  return { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

/** Number of bottom layers with the same diffID on both sides. */
export function sharedBaseLayers(before: readonly string[], after: readonly string[]): number {
  let n = 0;
  while (n < before.length && n < after.length && before[n] !== '' && before[n] === after[n]) n++;
  return n;
}

function osName(r: CatalogResult): string | undefined {
  return r.os ? (r.os.prettyName ?? [r.os.id, r.os.versionId].filter(Boolean).join(' ')) : undefined;
}

function platformName(r: CatalogResult): string | undefined {
  const p = r.artifact.platform;
  return p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : undefined;
}

/** Compares the config and layer stacks of two catalogued targets. */
export function diffConfig(before: CatalogResult, after: CatalogResult): ConfigDiff {
  const a: ImageConfigSummary = before.artifact.config ?? {};
  const b: ImageConfigSummary = after.artifact.config ?? {};
  const la = before.artifact.layers.map((l) => l.diffId);
  const lb = after.artifact.layers.map((l) => l.diffId);
  const portsA = new Set(a.exposedPorts ?? []);
  const portsB = new Set(b.exposedPorts ?? []);
  const fields = {
    user: valueChange(a.user, b.user),
    entrypoint: valueChange(a.entrypoint, b.entrypoint),
    cmd: valueChange(a.cmd, b.cmd),
    workingDir: valueChange(a.workingDir, b.workingDir),
    os: valueChange(osName(before), osName(after)),
    platform: valueChange(platformName(before), platformName(after)),
  };
  const out: ConfigDiff = {
    env: diffMap(parseEnv(a.env), parseEnv(b.env)),
    labels: diffMap(new Map(Object.entries(a.labels ?? {})), new Map(Object.entries(b.labels ?? {}))),
    exposedPorts: {
      added: [...portsB].filter((p) => !portsA.has(p)).sort(),
      removed: [...portsA].filter((p) => !portsB.has(p)).sort(),
    },
    layers: { before: la.length, after: lb.length, shared: sharedBaseLayers(la, lb) },
  };
  for (const [k, v] of Object.entries(fields)) if (v) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

/** How many config entries changed (each scalar field, env var, label and port counts once). */
export function countConfigChanges(c: ConfigDiff): number {
  const scalars = [c.user, c.entrypoint, c.cmd, c.workingDir, c.os, c.platform].filter(Boolean).length;
  const map = (m: MapDiff) => m.added.length + m.removed.length + m.changed.length;
  return scalars + map(c.env) + map(c.labels) + c.exposedPorts.added.length + c.exposedPorts.removed.length;
}

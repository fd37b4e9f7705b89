/** Helpers shared by the JavaScript catalogers. */
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';

export function npmPurl(name: string, version: string): string {
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    return new PackageURL('npm', name.slice(0, slash), name.slice(slash + 1), version, undefined, undefined).toString();
  }
  return new PackageURL('npm', undefined, name, version, undefined, undefined).toString();
}

/** `license` as a string, the legacy `{type}` object, or a `licenses` array. */
export function npmLicenses(doc: { license?: unknown; licenses?: unknown }): string[] {
  const raw: string[] = [];
  const take = (v: unknown) => {
    if (typeof v === 'string') raw.push(v);
    else if (v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string') raw.push((v as { type: string }).type);
  };
  take(doc.license);
  if (Array.isArray(doc.licenses)) doc.licenses.forEach(take);
  else take(doc.licenses);
  return normaliseLicenses(raw.map((r) => (/^SEE LICEN[CS]E IN /i.test(r) ? undefined : r)));
}

/**
 * Node's module resolution over package directories: from the directory of a package
 * (`app/node_modules/a`), find the nearest `node_modules/<dep>` walking up.
 */
export function resolveNodeModule(fromDir: string, dep: string, has: (dir: string) => boolean): string | undefined {
  let base = fromDir;
  for (let guard = 0; guard < 200; guard++) {
    const cand = base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`;
    if (has(cand)) return cand;
    const i = base.lastIndexOf('/node_modules/');
    if (i >= 0) {
      base = base.slice(0, i);
      continue;
    }
    if (base.startsWith('node_modules/')) {
      base = '';
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** Package name from a `node_modules/...` path (last package segment, scoped or not). */
export function nameFromModulePath(path: string): string {
  const i = path.lastIndexOf('node_modules/');
  return i >= 0 ? path.slice(i + 'node_modules/'.length) : path;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function parseJsonObject(buf: Buffer, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new Error(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what} is not a JSON object`);
  return doc as Record<string, unknown>;
}

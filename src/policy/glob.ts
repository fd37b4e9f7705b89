/**
 * Image globs on normalised references (`docker.io/library/*`, `registry.example/team/**`):
 * `*` matches within one path component, `**` (a whole component) any number of components,
 * `?` one character other than `/`. A glob matches the repository (`registry/repo`) or, when it
 * names a tag or digest, the whole reference.
 */

export interface ImageGlob {
  source: string;
  matches(repository: string, reference: string): boolean;
}

/** Why a glob is not valid, or undefined when it is. */
export function globProblem(glob: string): string | undefined {
  if (glob === '') return 'the glob is empty';
  if (/\s/.test(glob)) return 'the glob contains white space';
  if (glob.includes('://')) return 'the glob names a transport; write the reference only (registry.example/team/*)';
  if (!/^[A-Za-z0-9._\-/:@*?[\]]+$/.test(glob)) return 'the glob contains characters that cannot appear in an image reference';
  if (glob.includes('***')) return '"***" is not a glob; use "**" for any number of path components';
  const parts = glob.split('/');
  if (parts.some((p) => p === '')) return 'the glob has an empty path component';
  for (const p of parts) if (p.includes('**') && p !== '**') return `"**" must be a whole path component, not part of "${p}"`;
  const head = parts[0]!;
  const isHost = head.includes('.') || head.includes(':') || head === 'localhost' || head === '*' || head === '**';
  if (!isHost) return `the glob must start with a registry host: references are normalised (docker.io/${parts.length === 1 ? 'library/' : ''}${glob})`;
  if (/[[\]]/.test(glob)) return 'character classes are not supported';
  return undefined;
}

function escape(s: string): string {
  return s.replace(/[.+^${}()|\\]/g, '\\$&');
}

/** Compiles a glob (check it with `globProblem` first; an invalid glob matches nothing). */
export function compileGlob(glob: string): ImageGlob {
  if (globProblem(glob) !== undefined) return { source: glob, matches: () => false };
  const parts = glob.split('/');
  let re = '';
  parts.forEach((p, i) => {
    if (p === '**') {
      re += parts.length === 1 ? '.*' : i === 0 ? '(?:[^/]+/)*' : '(?:/[^/]+)*';
      return;
    }
    const sep = i === 0 || (i === 1 && parts[0] === '**') ? '' : '/';
    re += sep + escape(p).replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  });
  const rx = new RegExp(`^${re}$`);
  const whole = /[:@]/.test(parts[parts.length - 1]!) && parts.length > 1;
  return { source: glob, matches: (repository, reference) => rx.test(repository) || (whole && rx.test(reference)) };
}

/** Namespace and service-account globs: `*` any characters, `?` one. */
export function matchesName(glob: string, name: string): boolean {
  if (glob === '*') return true;
  if (!/[*?]/.test(glob)) return glob === name;
  return new RegExp(`^${escape(glob).replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(name);
}

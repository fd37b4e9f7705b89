/**
 * `go.mod` and `go.sum` files (https://go.dev/ref/mod#go-mod-file): the directives that name
 * modules — `module`, `require`, `replace`, `exclude` — single-line or in `( … )` blocks, with
 * `//` comments, `// indirect` markers and quoted paths. Other directives (`go`, `toolchain`,
 * `retract`, `godebug`, `tool`) are skipped.
 */

export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface GoModReplace {
  from: string;
  /** Only this version is replaced; absent = every version. */
  fromVersion?: string;
  to: string;
  /** Absent for a filesystem path (`../fork`). */
  toVersion?: string;
}

export interface GoModFile {
  module?: string;
  requires: GoModRequire[];
  replaces: GoModReplace[];
  excludes: { path: string; version: string }[];
}

/** Splits a go.mod line into tokens: bare words, `"…"` and `` `…` `` strings; `//` starts a comment. */
function tokenize(line: string): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && line[i + 1] === '/') {
      return { tokens, comment: line.slice(i + 2).trim() };
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' && c === '"' ? 2 : 1;
      const raw = line.slice(i, Math.min(j + 1, line.length));
      tokens.push(c === '"' ? safeJsonString(raw) : raw.slice(1, -1));
      i = j + 1;
    } else {
      let j = i;
      while (j < line.length && !' \t\r'.includes(line[j]!) && !(line[j] === '/' && line[j + 1] === '/')) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}

function safeJsonString(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

/** Whether a replacement target is a directory rather than a module path (go.dev/ref/mod#go-mod-file-replace). */
export function isLocalPath(p: string): boolean {
  return (
    p.startsWith('./') ||
    p.startsWith('../') ||
    p.startsWith('/') ||
    p === '.' ||
    p === '..' ||
    /^[A-Za-z]:[\\/]/.test(p) ||
    p.startsWith('.\\') ||
    p.startsWith('..\\')
  );
}

const BLOCK_VERBS = new Set(['require', 'replace', 'exclude', 'retract', 'godebug', 'tool', 'ignore']);

export function parseGoMod(text: string): GoModFile {
  const out: GoModFile = { requires: [], replaces: [], excludes: [] };
  let block: string | undefined;
  for (const line of text.split('\n')) {
    const { tokens, comment } = tokenize(line);
    if (tokens.length === 0) continue;
    if (block !== undefined) {
      if (tokens[0] === ')') block = undefined;
      else directive(block, tokens, comment);
      continue;
    }
    const verb = tokens[0]!;
    if (tokens[1] === '(' && BLOCK_VERBS.has(verb)) {
      block = verb;
      continue;
    }
    directive(verb, tokens.slice(1), comment);
  }

  function directive(verb: string, t: string[], comment: string): void {
    if (verb === 'module' && t[0]) out.module = t[0];
    else if (verb === 'require' && t[0] && t[1])
      out.requires.push({ path: t[0], version: t[1], indirect: /^indirect\b|;\s*indirect\b/.test(comment) });
    else if (verb === 'exclude' && t[0] && t[1]) out.excludes.push({ path: t[0], version: t[1] });
    else if (verb === 'replace') {
      const arrow = t.indexOf('=>');
      if (arrow !== 1 && arrow !== 2) return;
      const to = t[arrow + 1];
      if (!to) return;
      out.replaces.push({
        from: t[0]!,
        ...(arrow === 2 ? { fromVersion: t[1]! } : {}),
        to,
        ...(t[arrow + 2] && !isLocalPath(to) ? { toVersion: t[arrow + 2]! } : {}),
      });
    }
  }
  return out;
}

/** The replacement that applies to `path@version`: a version-specific one wins over a wildcard. */
export function replacementFor(mod: GoModFile, path: string, version: string): GoModReplace | undefined {
  return (
    mod.replaces.find((r) => r.from === path && r.fromVersion === version) ??
    mod.replaces.find((r) => r.from === path && r.fromVersion === undefined)
  );
}

/** `go.sum`: `path version[/go.mod] h1:hash` → `path@version` → hash of the module zip (go.mod-only lines skipped). */
export function parseGoSum(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [path, version, hash] = line.trim().split(/\s+/);
    if (!path || !version || !hash || version.endsWith('/go.mod')) continue;
    out[`${path}@${version}`] = hash;
  }
  return out;
}

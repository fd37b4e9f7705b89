/**
 * The module-info text the Go linker embeds in binaries (what `go version -m` prints and
 * `runtime/debug.ParseBuildInfo` reads): tab-separated lines `path`, `mod`, `dep`, `=>` (a
 * replacement of the module on the line above) and, since Go 1.18, `build key=value` settings
 * whose key or value is written as a Go double-quoted string when it holds spaces, tabs, quotes
 * or (for keys) `=`.
 */

export interface GoModule {
  path: string;
  version: string;
  /** `h1:` hash of the module zip, when recorded. */
  sum?: string;
  replace?: { path: string; version: string; sum?: string };
}

export interface GoModInfo {
  /** The `path` line: the main package's import path (`cmd/go`, `example.com/app/cmd/x`). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** Build settings in file order (`-ldflags`, `GOOS`, `vcs.revision`, …). */
  settings: Record<string, string>;
}

/** Parses module-info text (sentinels already stripped). Unknown lines are ignored, as Go does for forward compatibility. */
export function parseModinfo(text: string): GoModInfo {
  const info: GoModInfo = { deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const kind = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    switch (kind) {
      case 'path':
        info.path = rest;
        last = undefined;
        break;
      case 'mod':
        info.main = moduleOf(rest);
        last = info.main;
        break;
      case 'dep':
        last = moduleOf(rest);
        if (last.path) info.deps.push(last);
        break;
      case '=>':
        if (last && !last.replace) {
          const r = moduleOf(rest);
          last.replace = { path: r.path, version: r.version, ...(r.sum ? { sum: r.sum } : {}) };
        }
        last = undefined;
        break;
      case 'build': {
        const kv = parseSetting(rest);
        if (kv) info.settings[kv[0]] = kv[1];
        break;
      }
      default:
        break;
    }
  }
  return info;
}

function moduleOf(rest: string): GoModule {
  const f = rest.split('\t');
  return { path: f[0] ?? '', version: f[1] ?? '', ...(f[2] ? { sum: f[2] } : {}) };
}

function parseSetting(s: string): [string, string] | undefined {
  let key: string;
  let i: number;
  if (s.startsWith('"')) {
    const q = quotedPrefix(s);
    if (q === undefined) return undefined;
    key = unquoteGo(q);
    i = q.length;
  } else {
    i = s.indexOf('=');
    if (i < 0) return undefined;
    key = s.slice(0, i);
  }
  if (s[i] !== '=' || key === '') return undefined;
  const raw = s.slice(i + 1);
  return [key, raw.startsWith('"') ? unquoteGo(raw) : raw];
}

/** The leading double-quoted Go string literal of `s`, including its quotes. */
function quotedPrefix(s: string): string | undefined {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return s.slice(0, i + 1);
  }
  return undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Decodes a Go double-quoted string literal (as `strconv.Quote` writes it). `\x` and octal
 * escapes are bytes; the result is decoded as UTF-8 like Go strings.
 */
export function unquoteGo(lit: string): string {
  if (lit.length < 2 || !lit.startsWith('"') || !lit.endsWith('"'))
    throw new SyntaxError(`Not a Go string literal: ${JSON.stringify(lit)}`);
  const body = lit.slice(1, -1);
  const bytes: number[] = [];
  const pushText = (t: string) => bytes.push(...Buffer.from(t, 'utf8'));
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length - 1;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new SyntaxError(`Bad escape at the end of ${JSON.stringify(lit)}`);
    if (e in SIMPLE_ESCAPES) pushText(SIMPLE_ESCAPES[e]!);
    else if (e === 'x') {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      pushText(String.fromCodePoint(parseInt(body.slice(i + 1, i + 1 + n), 16)));
      i += n;
    } else if (e >= '0' && e <= '7') {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else throw new SyntaxError(`Unknown escape \\${e} in ${JSON.stringify(lit)}`);
  }
  return Buffer.from(bytes).toString('utf8');
}

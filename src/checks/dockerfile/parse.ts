/**
 * A small Dockerfile parser with positions, for the checks (not a builder): parser directives
 * (`# syntax=`, `# escape=`), comments, line continuations with the escape character (comment
 * and empty lines inside a continuation are skipped, as BuildKit does), JSON (exec) and shell
 * form, leading `--flag=value` options, and heredocs (`<<EOF`, `<<-EOF`, quoted delimiters)
 * whose bodies are kept aside and never read as instructions.
 *
 * @see https://docs.docker.com/reference/dockerfile/
 */

export interface Heredoc {
  delimiter: string;
  body: string;
  /** Line of the first body line. */
  line: number;
}

export interface Instruction {
  /** Upper-cased keyword (`FROM`, `RUN`). */
  keyword: string;
  /** Arguments with continuations joined (escape + newline removed), flags included. */
  raw: string;
  /** Arguments after the leading `--flag` options. */
  args: string;
  flags: Record<string, string>;
  /** Set when the arguments are a JSON array of strings (exec form). */
  json?: string[];
  heredocs: Heredoc[];
  line: number;
  column: number;
  endLine: number;
  /** Column where `args` starts on the first line, when it starts there. */
  argsColumn?: number;
}

export interface ParsedDockerfile {
  directives: Record<string, string>;
  escape: '\\' | '`';
  instructions: Instruction[];
  /** Problems that do not stop parsing (unterminated heredoc, bad escape directive). */
  warnings: { line: number; message: string }[];
}

const DIRECTIVE = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const FLAG_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);

/** Reads leading `--name=value` / `--name` options off an argument string. */
function splitFlags(s: string): { flags: Record<string, string>; rest: string; offset: number } {
  const flags: Record<string, string> = {};
  let i = 0;
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (!s.startsWith('--', i)) break;
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    const tok = s.slice(i + 2, j);
    const eq = tok.indexOf('=');
    flags[eq < 0 ? tok : tok.slice(0, eq)] = eq < 0 ? 'true' : tok.slice(eq + 1);
    i = j;
  }
  return { flags, rest: s.slice(i), offset: i };
}

function tryJson(s: string): string[] | undefined {
  const t = s.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined; // not JSON: shell form that happens to start with "["
  }
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: ParsedDockerfile = { directives: {}, escape: '\\', instructions: [], warnings: [] };
  let i = 0;
  // Parser directives: only at the very top, before any comment, blank line or instruction.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (Object.hasOwn(out.directives, key)) break; // a repeated directive is a comment
    out.directives[key] = m[2]!;
    if (key === 'escape') {
      if (m[2] === '`' || m[2] === '\\') out.escape = m[2];
      else out.warnings.push({ line: i + 1, message: `Invalid escape directive ${JSON.stringify(m[2])}; using "\\"` });
    }
  }
  const esc = out.escape;
  const continues = (l: string) => {
    const t = l.replace(/\s+$/, '');
    return t.endsWith(esc) ? t.slice(0, -1) : undefined;
  };
  while (i < lines.length) {
    const first = lines[i]!;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const startLine = i + 1;
    const column = first.length - first.trimStart().length + 1;
    const kw = /^\S+/.exec(first.slice(column - 1))![0];
    let argsStart = column - 1 + kw.length;
    while (argsStart < first.length && /\s/.test(first[argsStart]!)) argsStart++;
    let raw = '';
    let line = first.slice(argsStart);
    for (;;) {
      const c = continues(line);
      if (c === undefined) {
        raw += line;
        break;
      }
      raw += c;
      i++;
      // Comment and empty lines inside a continuation are dropped.
      while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.trimStart().startsWith('#'))) i++;
      if (i >= lines.length) break;
      line = lines[i]!;
    }
    const endLine = i + 1;
    i++;
    const keyword = kw.toUpperCase();
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword)) {
      for (const m of raw.matchAll(HEREDOC)) {
        const strip = m[1] === '-';
        const delimiter = m[3]!;
        const body: string[] = [];
        const bodyLine = i + 1;
        let closed = false;
        while (i < lines.length) {
          const l = lines[i++]!;
          if ((strip ? l.replace(/^\t+/, '') : l) === delimiter) {
            closed = true;
            break;
          }
          body.push(strip ? l.replace(/^\t+/, '') : l);
        }
        if (!closed) out.warnings.push({ line: startLine, message: `Heredoc <<${delimiter} is not terminated` });
        heredocs.push({ delimiter, body: body.join('\n'), line: bodyLine });
      }
    }
    const { flags, rest, offset } = FLAG_KEYWORDS.has(keyword) ? splitFlags(raw) : { flags: {}, rest: raw, offset: 0 };
    const args = rest.trim();
    const json = tryJson(args);
    const inst: Instruction = { keyword, raw, args, flags, heredocs, line: startLine, column, endLine, ...(json ? { json } : {}) };
    const argsCol = argsStart + offset + (rest.length - rest.trimStart().length);
    if (argsCol < first.length) inst.argsColumn = argsCol + 1;
    out.instructions.push(inst);
  }
  return out;
}

/** Whether a file's first instruction is FROM or ARG (how an explicitly passed file is recognised). */
export function looksLikeDockerfile(text: string): boolean {
  for (const l of text.replace(/^\uFEFF/, '').split(/\r?\n/, 200)) {
    const t = l.trim();
    if (t === '' || t.startsWith('#')) continue;
    return /^(FROM|ARG)\s+\S/i.test(t);
  }
  return false;
}

/** Dockerfile names looked for in directories: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`. */
export function isDockerfileName(name: string): boolean {
  return /^dockerfile$/i.test(name) || /^dockerfile\.[^/]+$/i.test(name) || /\.dockerfile$/i.test(name);
}

/**
 * Splits shell-like words honouring quotes (`KEY="a b"` is one word); quotes are removed.
 * Enough for ENV/ARG/FROM/USER arguments, not a shell.
 */
export function splitWords(s: string, escape: string = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let any = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === escape && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (ch === escape && i + 1 < s.length) {
      cur += s[++i];
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur !== '' || any) out.push(cur);
  return out;
}

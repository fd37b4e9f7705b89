/**
 * The source tree's import graph, read with the TypeScript compiler API, and the checks the
 * architecture test runs over it: module boundaries (a map of module → modules it may import),
 * public surfaces (another module is entered through its `index.ts`), file-level cycles and file
 * size. Pure apart from `readSourceTree`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** How an import is written: they all make a dependency, only `static` and `dynamic` load code. */
export type ImportKind = 'static' | 'type' | 'dynamic';

export interface ImportEdge {
  /** Importing file, relative to the repository root, with `/` separators (`src/scan/run.ts`). */
  from: string;
  /** The specifier as written (`../store/index.js`). */
  specifier: string;
  /** Imported file, relative to the repository root (`src/store/index.ts`). */
  to: string;
  kind: ImportKind;
  line: number;
}

export interface SourceFile {
  path: string;
  lines: number;
  imports: ImportEdge[];
}

const toPosix = (p: string) => p.split(sep).join('/');

/** The file a relative specifier names (`./x.js` → `x.ts`, `./dir/index.js` → `dir/index.ts`). */
export function resolveSpecifier(from: string, specifier: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  return joined.replace(/\.js$/, '.ts');
}

/**
 * The relative imports of one file: `import … from`, `export … from`, `import('…')` and
 * `import('…').T` in types. Package imports (`node:fs`, `zod`) are not edges of the tree.
 */
export function importsOf(path: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifier: string, kind: ImportKind) => {
    if (!specifier.startsWith('.')) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    edges.push({ from: path, specifier, to: resolveSpecifier(path, specifier), kind, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly = c !== undefined && (c.isTypeOnly || (c.name === undefined && c.namedBindings !== undefined && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, typeOnly ? 'type' : 'static');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const ec = node.exportClause;
      const typeOnly = node.isTypeOnly || (ec !== undefined && ts.isNamedExports(ec) && ec.elements.length > 0 && ec.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, typeOnly ? 'type' : 'static');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) add(node, arg.text, 'dynamic');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, 'type');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** Every `.ts` file under `dir` (relative to `root`), recursively, sorted. */
export function listTsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ts')) out.push(toPosix(relative(root, p)));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** Reads and parses the given files (paths relative to `root`). */
export function readSourceTree(root: string, paths: readonly string[]): SourceFile[] {
  return paths.map((path) => {
    const text = readFileSync(join(root, path), 'utf8');
    return { path, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), imports: importsOf(path, text) };
  });
}

/** `src/scan/run.ts` → `scan`; undefined outside `src/<module>/`. */
export function moduleOf(path: string): string | undefined {
  const m = /^src\/([^/]+)\//.exec(path);
  return m?.[1];
}

export interface ModuleRules {
  /** Module → the other modules its files may import. */
  allowed: Readonly<Record<string, readonly string[]>>;
  /** Imports the map does not allow but the tree has, each with its reason. */
  deviations: readonly { from: string; to: string; reason: string }[];
  /** Imports of another module's internal file instead of its `index.ts`, each with its reason. */
  internalEntries: readonly { from: string; to: string; kind: ImportKind; reason: string }[];
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: 'unknown-module' | 'layering' | 'public-surface';
  detail: string;
}

/** Whether `to` is the public surface of its module: `src/<module>/index.ts`. */
const isIndex = (to: string) => /^src\/[^/]+\/index\.ts$/.test(to);

/** The imports that break the module map or reach past a module's `index.ts`. */
export function checkBoundaries(files: readonly SourceFile[], rules: ModuleRules): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    const from = moduleOf(f.path);
    for (const e of f.imports) {
      const to = moduleOf(e.to);
      if (from === undefined || to === undefined || from === to) continue;
      const at = { file: e.from, line: e.line, specifier: e.specifier };
      const allowed = rules.allowed[from];
      if (allowed === undefined) {
        out.push({ ...at, rule: 'unknown-module', detail: `module "${from}" is not in the module map` });
        continue;
      }
      if (rules.allowed[to] === undefined) {
        out.push({ ...at, rule: 'unknown-module', detail: `module "${to}" is not in the module map` });
        continue;
      }
      if (!allowed.includes(to) && !rules.deviations.some((d) => d.from === from && d.to === to)) {
        out.push({ ...at, rule: 'layering', detail: `"${from}" may not import "${to}" (it may import: ${allowed.join(', ') || 'nothing'})` });
      }
      if (!isIndex(e.to) && !rules.internalEntries.some((x) => x.from === e.from && x.to === e.to && x.kind === e.kind)) {
        out.push({ ...at, rule: 'public-surface', detail: `import "${e.to}" through src/${to}/index.ts, the module's public surface` });
      }
    }
  }
  return out;
}

/** The dependency cycles between files (each as a path that returns to its start), at most one per strongly connected group. */
export function findCycles(files: readonly SourceFile[]): string[][] {
  const graph = new Map<string, string[]>(files.map((f) => [f.path, [...new Set(f.imports.map((e) => e.to))]]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const s = state.get(next);
      if (s === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...new Set(cycle)].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** One line per violation: `file:line  import "spec"  rule: detail`. */
export function formatViolations(vs: readonly Violation[]): string {
  return vs.map((v) => `${v.file}:${v.line}  import "${v.specifier}"  ${v.rule}: ${v.detail}`).join('\n');
}

// An esbuild plugin for the CLI bundle: an import of another module's public surface
// (`import { defaultDataDir } from '../store/index.js'`) is bundled as an import of the file that
// defines the name (`../store/data-dir.js`).
//
// Why: esbuild's code splitting puts whole files into chunks by which entry points reach them, and
// it follows every re-export of an index it passes through. Through an index that re-exports all
// of a module (the store's database code, the SBOM library, the policy engine), a command that
// needs one light name would load the whole module and its packages at start. Resolved here, each
// command loads what it uses; the source keeps one public surface per module (see
// test/architecture.test.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const toPosix = (p) => p.split(sep).join('/');

/** Top-level statements of a file, parsed once. */
function statementsOf(cache, file) {
  let s = cache.get(file);
  if (!s) {
    s = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true).statements;
    cache.set(file, s);
  }
  return s;
}

const hasExport = (node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const targetOf = (from, spec) => resolve(dirname(from), spec.replace(/\.js$/, '.ts'));

/**
 * Where a value export of `file` is defined: `{ file, name }` of the declaration, following
 * `export { a as b } from` and `export * from`; undefined when `file` does not export it as a value.
 */
function definitionOf(cache, file, name, seen = new Set()) {
  const key = `${file}#${name}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  let viaStar;
  for (const st of statementsOf(cache, file)) {
    if (ts.isExportDeclaration(st)) {
      if (st.isTypeOnly) continue;
      const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      if (!st.exportClause) {
        if (spec?.startsWith('.') && !viaStar) viaStar = definitionOf(cache, targetOf(file, spec), name, seen);
        continue;
      }
      if (!ts.isNamedExports(st.exportClause)) continue;
      for (const el of st.exportClause.elements) {
        if (el.isTypeOnly || el.name.text !== name) continue;
        const local = (el.propertyName ?? el.name).text;
        if (spec === undefined) return { file, name: local };
        return spec.startsWith('.') ? definitionOf(cache, targetOf(file, spec), local, seen) : undefined;
      }
    } else if (hasExport(st)) {
      if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) {
        if (st.name?.text === name) return { file, name };
      } else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return { file, name };
      }
    }
  }
  return viaStar;
}

function specifierFrom(fromFile, toFile) {
  const p = posix.relative(toPosix(dirname(fromFile)), toPosix(toFile)).replace(/\.ts$/, '.js');
  return p.startsWith('.') ? p : `./${p}`;
}

/**
 * The file's text with imports (and re-exports) of module indexes under `srcDir` pointed at the
 * defining files; undefined when nothing changes. Line numbers are kept (for source maps).
 */
export function resolveIndexImports(cache, srcDir, file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edits = [];
  for (const st of sf.statements) {
    const isImport = ts.isImportDeclaration(st);
    if (!isImport && !ts.isExportDeclaration(st)) continue;
    if (!st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    if (!spec.startsWith('.') || !spec.endsWith('/index.js')) continue;
    const index = targetOf(file, spec);
    if (!/^[^/\\]+[/\\]index\.ts$/.test(relative(srcDir, index))) continue;
    let elements;
    if (isImport) {
      const c = st.importClause;
      if (!c || c.isTypeOnly || c.name || !c.namedBindings || !ts.isNamedImports(c.namedBindings)) continue;
      elements = c.namedBindings.elements;
    } else {
      if (st.isTypeOnly || !st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
      elements = st.exportClause.elements;
    }
    // Type-only names are erased; left on an import of the index they would keep it (and, under
    // verbatimModuleSyntax, the whole module) in the bundle.
    const stay = [];
    const moved = new Map();
    let changed = false;
    for (const el of elements) {
      if (el.isTypeOnly) {
        changed = true;
        continue;
      }
      const imported = (el.propertyName ?? el.name).text;
      const def = definitionOf(cache, index, imported);
      if (!def || def.file === index) {
        stay.push(el.getText(sf));
        continue;
      }
      changed = true;
      const list = moved.get(def.file) ?? [];
      list.push(def.name === el.name.text ? def.name : `${def.name} as ${el.name.text}`);
      moved.set(def.file, list);
    }
    if (!changed) continue;
    const kw = isImport ? 'import' : 'export';
    const parts = [...moved].map(([f, names]) => `${kw} { ${names.join(', ')} } from '${specifierFrom(file, f)}';`);
    if (stay.length) parts.unshift(`${kw} { ${stay.join(', ')} } from '${spec}';`);
    const original = text.slice(st.getStart(sf), st.getEnd());
    edits.push({ start: st.getStart(sf), end: st.getEnd(), text: parts.join(' ') + '\n'.repeat(original.split('\n').length - 1) });
  }
  if (edits.length === 0) return undefined;
  let out = text;
  for (const e of edits.reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The plugin: `srcDir` is the directory whose `<module>/index.ts` files are resolved. */
export function indexImportsPlugin({ srcDir }) {
  const root = resolve(srcDir);
  const cache = new Map();
  return {
    name: 'index-imports',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(join(root, sep)) || args.path.endsWith('.d.ts')) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('/index.js')) return undefined;
        const contents = resolveIndexImports(cache, root, args.path, text);
        return contents === undefined ? undefined : { contents, loader: 'ts', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * The module map, enforced. Every source file under `src/` (not tests, test support or the ambient
 * declarations in `src/types/`) is parsed with the TypeScript compiler API; the test fails when an
 * import crosses a boundary the map below does not allow, reaches past another module's
 * `index.ts`, closes a cycle between files, or a source file grows past 400 lines.
 *
 * The map is the one in the architecture document (`ARCHITECTURE.md`, kept beside the repository);
 * it is encoded here so the test needs nothing outside the checkout. When the document is found
 * (`../shared/ARCHITECTURE.md` from the repository root, or the path in `PORTCULLIS_ARCHITECTURE_MD`),
 * its module rows are checked against this table as well.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBoundaries, findCycles, formatViolations, importsOf, listTsFiles, moduleOf, readSourceTree, type ImportKind, type ModuleRules, type SourceFile } from './support/import-graph.js';

const ROOT = resolve(import.meta.dirname, '..');

/** What `scan` may import: every module above it in the map. */
const BELOW_SCAN = ['core', 'versions', 'http', 'oci', 'catalog', 'sbom', 'vulndb', 'secrets', 'checks', 'host', 'attest', 'store', 'metadata', 'audit', 'policy', 'jobs'] as const;
/** The adapters (admission, pipeline, workers) sit on the use cases: scan and diff. */
const BELOW_ADAPTERS = [...BELOW_SCAN, 'scan', 'diff'] as const;
const BELOW_SERVER = [...BELOW_ADAPTERS, 'admission', 'pipeline', 'workers', 'report'] as const;

/** Module → the modules it may import (ARCHITECTURE.md, "Module map"). */
const MODULE_MAP: Readonly<Record<string, readonly string[]>> = {
  core: [],
  versions: ['core'],
  http: ['core'],
  oci: ['core', 'http'],
  catalog: ['core', 'versions'],
  sbom: ['core'],
  vulndb: ['core', 'versions', 'store', 'http'],
  secrets: ['core'],
  checks: ['core'],
  host: ['core'],
  attest: ['core', 'oci'],
  store: ['core'],
  metadata: ['core', 'store'],
  audit: ['core', 'store'],
  policy: ['core', 'versions', 'checks', 'attest'],
  jobs: ['core', 'store'],
  scan: BELOW_SCAN,
  // A use case next to scan (comparing two scanned images); not a row of the published map.
  diff: [...BELOW_SCAN, 'scan'],
  admission: BELOW_ADAPTERS,
  pipeline: BELOW_ADAPTERS,
  workers: BELOW_ADAPTERS,
  report: ['core'],
  server: BELOW_SERVER,
  // The browser console: talks to the public API only, imports no module.
  web: [],
  cli: [...BELOW_SERVER, 'server'],
};

/** Imports the map does not allow that the tree has today, each with its reason. Keep it short. */
const DEVIATIONS: ModuleRules['deviations'] = [
  { from: 'attest', to: 'http', reason: 'recording a signature or attestation as an occurrence (attest/record.ts) goes through the one outbound HTTP helper' },
  { from: 'report', to: 'sbom', reason: 'the SBOM writers are the cyclonedx and spdx renderers, and the vulnerability CycloneDX report extends the SBOM document' },
  { from: 'report', to: 'checks', reason: 'the config and compliance renderers read those result types and the rule definitions (titles, remediation)' },
  { from: 'report', to: 'diff', reason: 'the diff renderers read the diff result type and its schema version' },
  { from: 'report', to: 'admission', reason: 'the recheck renderer reads the re-check result type (admission/recheck.ts)' },
  { from: 'store', to: 'vulndb', reason: 'the migration runner collects the DDL each module owns (its migrations.ts, which imports nothing of the module)' },
  { from: 'store', to: 'audit', reason: 'the migration runner collects the DDL each module owns (its migrations.ts, which imports nothing of the module)' },
  { from: 'store', to: 'metadata', reason: 'the migration runner collects the DDL each module owns (its migrations.ts, which imports nothing of the module)' },
];

/**
 * Imports of another module's internal file rather than its index.ts, each with its reason: only
 * the store's migration runner, which reads each module's migrations.ts. Lazy loading needs none. The store's index exports `openStore`, which a command
 * imports dynamically (`import('../store/index.js')`) so the database code loads on first use, and
 * the CLI bundle resolves index imports to the files that define the names
 * (scripts/index-imports.mjs), so importing one name of an index loads no more than that name
 * needs (test/bundle.test.ts checks it per command).
 */
const INTERNAL_ENTRIES: ModuleRules['internalEntries'] = [
  // Each module's DDL, not its index: the store must not load the modules whose tables it creates.
  ...(['vulndb', 'audit', 'metadata'] as const).map((m) => ({ from: 'src/store/migrations.ts', to: `src/${m}/migrations.ts`, kind: 'static' as const, reason: 'module-owned migrations, collected by the store runner' })),
];

const RULES: ModuleRules = { allowed: MODULE_MAP, deviations: DEVIATIONS, internalEntries: INTERNAL_ENTRIES };

/** Modules whose index.ts is optional: the top of the map, which nothing imports. */
const INDEX_OPTIONAL = new Set(['cli']);

const MAX_LINES = 400;

/** Test code and test data inside src/: exempt from the rules, and never imported by source. */
const isTestSupport = (p: string) => /\.test\.ts$/.test(p) || /(^|\/)_?testing\.ts$/.test(p) || /\/testdata\//.test(p);

function sourceFiles(): SourceFile[] {
  const paths = listTsFiles(ROOT, 'src').filter((p) => !p.startsWith('src/types/') && !isTestSupport(p));
  return readSourceTree(ROOT, paths);
}

const files = sourceFiles();

describe('the module map', () => {
  it('names every module under src/, and each has an index.ts', () => {
    const dirs = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'types')
      .map((d) => d.name);
    expect(dirs.filter((d) => MODULE_MAP[d] === undefined)).toEqual([]);
    expect(dirs.filter((d) => !INDEX_OPTIONAL.has(d) && !existsSync(join(ROOT, 'src', d, 'index.ts')))).toEqual([]);
  });

  it('is a map of known modules without cycles', () => {
    const unknown = Object.entries(MODULE_MAP).flatMap(([m, to]) => to.filter((t) => MODULE_MAP[t] === undefined || t === m).map((t) => `${m} → ${t}`));
    expect(unknown).toEqual([]);
    const asFiles = Object.entries(MODULE_MAP).map(([m, to]) => ({ path: m, lines: 0, imports: to.map((t) => ({ from: m, specifier: t, to: t, kind: 'static' as const, line: 0 })) }));
    expect(findCycles(asFiles)).toEqual([]);
  });

  it('is kept: no import crosses a boundary it does not allow', () => {
    const vs = checkBoundaries(files, RULES).filter((v) => v.rule !== 'public-surface');
    expect(vs, formatViolations(vs)).toEqual([]);
  });

  it('enters other modules through their index.ts', () => {
    const vs = checkBoundaries(files, RULES).filter((v) => v.rule === 'public-surface');
    expect(vs, formatViolations(vs)).toEqual([]);
  });

  it('lists only deviations and internal entries the tree still has', () => {
    const edges = files.flatMap((f) => f.imports);
    const unusedDeviations = DEVIATIONS.filter((d) => !edges.some((e) => moduleOf(e.from) === d.from && moduleOf(e.to) === d.to));
    const unusedEntries = INTERNAL_ENTRIES.filter((x) => !edges.some((e) => e.from === x.from && e.to === x.to && e.kind === x.kind));
    expect(unusedDeviations).toEqual([]);
    expect(unusedEntries).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const cycles = findCycles(files);
    expect(cycles, cycles.map((c) => c.join(' → ')).join('\n')).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files.filter((f) => f.lines > MAX_LINES).map((f) => `${f.path} (${f.lines} lines)`);
    expect(long).toEqual([]);
  });

  it('imports no test support from source', () => {
    const bad = files.flatMap((f) => f.imports).filter((e) => isTestSupport(e.to)).map((e) => `${e.from}:${e.line} imports ${e.to}`);
    expect(bad).toEqual([]);
  });

  const doc = process.env.PORTCULLIS_ARCHITECTURE_MD ?? join(ROOT, '..', 'shared', 'ARCHITECTURE.md');
  it.skipIf(!existsSync(doc))('has a row for every module row of ARCHITECTURE.md, with the same explicit imports', () => {
    const rows = documentedModules(readFileSync(doc, 'utf8'));
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((r) => MODULE_MAP[r.module] === undefined).map((r) => r.module)).toEqual([]);
    const differing = rows.filter((r) => r.imports !== undefined && [...r.imports].sort().join() !== [...MODULE_MAP[r.module]!].sort().join());
    expect(differing).toEqual([]);
  });
});

/**
 * The module rows of the document's module map table: `| \`core/\` | owns | may import |`.
 * `imports` is set when the last cell is an explicit list of modules ("core, store", "nothing").
 */
function documentedModules(md: string): { module: string; imports?: string[] }[] {
  const out: { module: string; imports?: string[] }[] = [];
  for (const line of md.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[1]!.startsWith('`')) continue;
    const names = [...cells[1]!.matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1]!);
    if (names.length === 0) continue;
    const last = cells[cells.length - 2]!.replace(/\([^)]*\)/g, '').trim();
    const list = last === 'nothing' ? [] : last.split(',').map((s) => s.trim());
    const explicit = list.every((m) => /^[a-z]+$/.test(m) && MODULE_MAP[m] !== undefined);
    for (const module of names) out.push(explicit ? { module, imports: list } : { module });
  }
  return out;
}

// The checks on small trees: each rule fires on the import that breaks it, and only there.
const file = (path: string, ...specifiers: [string, ImportKind?][]): SourceFile => ({
  path,
  lines: 1,
  imports: specifiers.map(([s, kind]) => ({ ...importsOf(path, `import '${s}';`)[0]!, kind: kind ?? 'static' })),
});

describe('the boundary checks', () => {
  const rules: ModuleRules = {
    allowed: { core: [], store: ['core'], scan: ['core', 'store'], report: ['core'] },
    deviations: [{ from: 'report', to: 'store', reason: 'test' }],
    internalEntries: [{ from: 'src/scan/a.ts', to: 'src/store/heavy.ts', kind: 'dynamic', reason: 'test' }],
  };
  it.each([
    ['a downward import through the index', file('src/scan/a.ts', ['../store/index.js']), []],
    ['an import inside the module', file('src/store/a.ts', ['./db.js'], ['../store/x/y.js']), []],
    ['an upward import', file('src/core/a.ts', ['../scan/index.js']), ['layering']],
    ['an upward type-only import', file('src/store/a.ts', ['../scan/index.js', 'type']), ['layering']],
    ['an upward import from a nested file', file('src/store/x/a.ts', ['../../scan/index.js']), ['layering']],
    ['a listed deviation', file('src/report/a.ts', ['../store/index.js']), []],
    ['an import past the index', file('src/scan/a.ts', ['../store/db.js']), ['public-surface']],
    ['a listed internal entry', file('src/scan/a.ts', ['../store/heavy.js', 'dynamic']), []],
    ['the listed internal entry, imported statically', file('src/scan/a.ts', ['../store/heavy.js']), ['public-surface']],
    ['an upward import past the index', file('src/core/a.ts', ['../scan/run.js']), ['layering', 'public-surface']],
    ['a module not in the map', file('src/extra/a.ts', ['../core/index.js']), ['unknown-module']],
  ] as const)('%s', (_name, f, expected) => {
    expect(checkBoundaries([f], rules).map((v) => v.rule)).toEqual(expected);
  });

  it.each([
    ['no cycle', [file('src/a/x.ts', ['./y.js']), file('src/a/y.ts')], []],
    ['a two-file cycle', [file('src/a/x.ts', ['./y.js']), file('src/a/y.ts', ['./x.js', 'type'])], [['src/a/x.ts', 'src/a/y.ts', 'src/a/x.ts']]],
    ['a cycle through an index', [file('src/a/index.ts', ['./x.js']), file('src/a/x.ts', ['../b/index.js']), file('src/b/index.ts', ['../a/index.js'])], [['src/a/index.ts', 'src/a/x.ts', 'src/b/index.ts', 'src/a/index.ts']]],
  ] as const)('finds cycles: %s', (_name, fs, expected) => {
    expect(findCycles(fs)).toEqual(expected);
  });

  it('reads static, type-only, re-export and dynamic imports', () => {
    const text = [
      "import { a } from '../core/index.js';",
      "import type { B } from '../store/index.js';",
      "import { type C } from './c.js';",
      "export { d } from './d.js';",
      "export type { E } from './e.js';",
      "const f = await import('../store/store.js');",
      "type G = import('../oci/index.js').G;",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(importsOf('src/scan/run.ts', text).map((e) => [e.to, e.kind, e.line])).toEqual([
      ['src/core/index.ts', 'static', 1],
      ['src/store/index.ts', 'type', 2],
      ['src/scan/c.ts', 'type', 3],
      ['src/scan/d.ts', 'static', 4],
      ['src/scan/e.ts', 'type', 5],
      ['src/store/store.ts', 'dynamic', 6],
      ['src/oci/index.ts', 'type', 7],
    ]);
  });
});

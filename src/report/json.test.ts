/** JSON report: golden files validated against our published schema, and a stable key order. */
import { describe, expect, it } from 'vitest';
import type { CatalogResult } from '../core/types.js';
import { DEBIAN_IMAGE, golden, RESULTS, WRITER_OPTS } from '../sbom/testdata/results.js';
import { REPORT_SCHEMA_VERSION, toJsonReport } from './json.js';
import { validateJsonReport } from './validate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const opts = { toolVersion: WRITER_OPTS.toolVersion, now: WRITER_OPTS.now };
const render = (r: CatalogResult) => JSON.stringify(toJsonReport(r, opts), null, 2) + '\n';

/** The same result with every object's keys in reverse order. */
function reversed<T>(x: T): T {
  if (Array.isArray(x)) return x.map(reversed) as T;
  if (x && typeof x === 'object')
    return Object.fromEntries(
      Object.entries(x)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    ) as T;
  return x;
}

describe('toJsonReport', () => {
  it.each(Object.entries(RESULTS))(
    '%s matches its golden file, which validates against the report schema',
    (name, result) => {
      const text = render(result);
      const expected = golden(`${name}.report.json`, text);
      expect(text).toBe(expected);
      expect(validateJsonReport(JSON.parse(expected))).toEqual({ valid: true, errors: [] });
    },
  );

  it('carries every package field and counts by type', () => {
    const r = toJsonReport(DEBIAN_IMAGE, opts);
    expect(r.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(r.tool).toEqual({ name: 'portcullis', version: '0.0.0-test' });
    expect(r.createdAt).toBe('2026-01-02T03:04:05.678Z');
    expect(r.packages).toEqual(DEBIAN_IMAGE.packages);
    expect(r.unknowns).toEqual(DEBIAN_IMAGE.unknowns);
    expect(r.summary).toEqual({ packages: 12, byType: { deb: 6, maven: 1, npm: 3, pypi: 2 }, unknowns: 1 });
    expect(Object.keys(r)).toEqual([
      'schemaVersion',
      'tool',
      'createdAt',
      'artifact',
      'os',
      'packages',
      'unknowns',
      'summary',
    ]);
  });

  it('writes keys in the documented order whatever order the result was built in', () => {
    expect(render(reversed(DEBIAN_IMAGE))).toBe(render(DEBIAN_IMAGE));
  });

  it.each<[string, (d: Doc) => void]>([
    ['an unknown package type', (d) => (d.packages[0].type = 'exe')],
    ['a relative location path', (d) => (d.packages[0].locations[0].path = 'var/lib/dpkg/status')],
    ['a malformed package id', (d) => (d.packages[0].id = 'xyz')],
    ['a missing purl', (d) => delete d.packages[0].purl],
    ['an unknown top-level field', (d) => (d.vulnerabilities = [])],
    ['another schemaVersion', (d) => (d.schemaVersion = 2)],
    ['a non-string metadata value', (d) => (d.packages[0].metadata = { n: 1 })],
    ['a layer digest that is not a digest', (d) => (d.artifact.layers[0].diffId = 'abc')],
    ['a summary count for an unknown type', (d) => (d.summary.byType.exe = 1)],
    ['a repeated dependency', (d) => (d.packages[1].dependsOn = [d.packages[0].id, d.packages[0].id])],
  ])('the schema rejects %s', (_name, mutate) => {
    const d = JSON.parse(render(DEBIAN_IMAGE));
    mutate(d);
    expect(validateJsonReport(d).valid).toBe(false);
  });
});

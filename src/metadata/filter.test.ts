import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import { parseFilter, type FilterNode } from './filter.js';
import { testBackends } from './_testing.js';
import { batchCreateNotes, batchCreateOccurrences, listNotes, listOccurrences } from './service.js';

const eq = (field: string, text: string, quoted = true): FilterNode => ({ type: 'compare', field: field.split('.'), op: '=', value: { text, quoted } });

describe('parseFilter', () => {
  it.each<[string, FilterNode | undefined]>([
    ['', undefined],
    ['   ', undefined],
    ['kind="VULNERABILITY"', eq('kind', 'VULNERABILITY')],
    ['kind = VULNERABILITY', eq('kind', 'VULNERABILITY', false)],
    ["resourceUri='https://r/a@sha256:1'", eq('resourceUri', 'https://r/a@sha256:1')],
    ['resource_uri="x"', eq('resourceUri', 'x')],
    ['note_name="projects/p/notes/n"', eq('noteName', 'projects/p/notes/n')],
    ['kind="VULNERABILITY" AND resourceUri="u"', { type: 'and', items: [eq('kind', 'VULNERABILITY'), eq('resourceUri', 'u')] }],
    ['kind="BUILD" OR kind="IMAGE"', { type: 'or', items: [eq('kind', 'BUILD'), eq('kind', 'IMAGE')] }],
    // AIP-160: OR binds tighter than AND.
    ['a.b="1" AND c.d="2" OR c.d="3"', { type: 'and', items: [eq('a.b', '1'), { type: 'or', items: [eq('c.d', '2'), eq('c.d', '3')] }] }],
    ['(kind="BUILD" AND noteName="n") OR kind="IMAGE"', { type: 'or', items: [{ type: 'and', items: [eq('kind', 'BUILD'), eq('noteName', 'n')] }, eq('kind', 'IMAGE')] }],
    ['NOT kind="BUILD"', { type: 'not', item: eq('kind', 'BUILD') }],
    ['NOT (kind="BUILD" OR kind="IMAGE")', { type: 'not', item: { type: 'or', items: [eq('kind', 'BUILD'), eq('kind', 'IMAGE')] } }],
    ['kind="BUILD" resourceUri="u"', { type: 'and', items: [eq('kind', 'BUILD'), eq('resourceUri', 'u')] }],
    ['resourceUri:"sha256"', { type: 'compare', field: ['resourceUri'], op: ':', value: { text: 'sha256', quoted: true } }],
    ['remediation:*', { type: 'compare', field: ['remediation'], op: ':', value: { text: '*', quoted: false } }],
    ['vulnerability.cvss_score>=7.5', { type: 'compare', field: ['vulnerability', 'cvssScore'], op: '>=', value: { text: '7.5', quoted: false } }],
    ['createTime < "2024-01-01T00:00:00Z"', { type: 'compare', field: ['createTime'], op: '<', value: { text: '2024-01-01T00:00:00Z', quoted: true } }],
    ['kind != "BUILD"', { type: 'compare', field: ['kind'], op: '!=', value: { text: 'BUILD', quoted: true } }],
    ['resourceUri="a \\"quoted\\" uri"', eq('resourceUri', 'a "quoted" uri')],
  ])('parses %j', (src, ast) => {
    expect(parseFilter(src)).toEqual(ast);
  });

  it.each([
    ['kind=', '"kind ="'],
    ['kind', '"kind"'],
    ['(kind="BUILD"', '")"'],
    ['kind="BUILD")', '")"'],
    ['kind="BUILD" AND', undefined],
    ['AND kind="BUILD"', '"AND"'],
    ['resourceUri="unterminated', 'position 13'],
    ['has(resourceUri)', '"has(…)"'],
    ['kind == "BUILD"', '"kind ="'],
    ['!kind="BUILD"', '"!"'],
    ['9lives="x"', '"9lives"'],
    ['NOT', undefined],
  ])('refuses %j with FILTER_INVALID, naming what it stopped at', (src, token) => {
    expect(() => parseFilter(src)).toThrowCode('FILTER_INVALID', token);
  });

  it('refuses filters nested too deeply or too long', () => {
    expect(() => parseFilter(`${'('.repeat(100)}kind="BUILD"${')'.repeat(100)}`)).toThrowCode('FILTER_INVALID');
    expect(() => parseFilter(`resourceUri="${'x'.repeat(9000)}"`)).toThrowCode('FILTER_INVALID');
  });
});

const P = { project: 'p1', location: '' };
const ctx = { actor: 'test' };
const U1 = 'https://registry.example/app@sha256:1111';
const U2 = 'https://registry.example/app@sha256:2222';

describe.each(testBackends('filter'))('filters as SQL on $name', (backend) => {
  let store: Store | undefined;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    store = await backend.open();
    if (!store) return;
    await batchCreateNotes(
      store.db,
      P,
      {
        notes: {
          'CVE-1': { shortDescription: 'one', vulnerability: { severity: 'HIGH', cvssScore: 8.1 } },
          'CVE-2': { shortDescription: 'two', vulnerability: { severity: 'LOW', cvssScore: 2 } },
          build: { build: { builderVersion: '1' } },
          img: { image: { resourceUrl: 'https://registry.example/base' } },
        },
      },
      ctx,
    );
    const made = await batchCreateOccurrences(
      store.db,
      P,
      {
        occurrences: [
          { resourceUri: U1, noteName: 'projects/p1/notes/CVE-1', vulnerability: { effectiveSeverity: 'HIGH', cvssScore: 8.1, fixAvailable: true, packageIssue: [{ affectedPackage: 'openssl' }] }, remediation: 'upgrade openssl' },
          { resourceUri: U1, noteName: 'projects/p1/notes/CVE-2', vulnerability: { effectiveSeverity: 'LOW', cvssScore: 2, fixAvailable: false } },
          { resourceUri: U2, noteName: 'projects/p1/notes/CVE-1', vulnerability: { effectiveSeverity: 'HIGH', cvssScore: 8.1 } },
          { resourceUri: U1, noteName: 'projects/p1/notes/build', build: { provenance: { id: 'b1' } } },
          { resourceUri: U2, noteName: 'projects/p1/notes/img', image: { distance: 1 } },
        ],
      },
      ctx,
    );
    ['v1a', 'v2a', 'v1b', 'b1', 'i2'].forEach((k, i) => ids.set(made.occurrences[i]!.name as string, k));
  });

  afterAll(async () => {
    await store?.close();
    backend.cleanup();
  });

  it.for<[string, string[]]>([
    ['', ['v1a', 'v2a', 'v1b', 'b1', 'i2']],
    ['kind="VULNERABILITY"', ['v1a', 'v2a', 'v1b']],
    [`kind="VULNERABILITY" AND resourceUri="${U1}"`, ['v1a', 'v2a']],
    [`resource_uri="${U2}"`, ['v1b', 'i2']],
    ['noteName="projects/p1/notes/CVE-1"', ['v1a', 'v1b']],
    ['noteId="CVE-2"', ['v2a']],
    ['noteProjectId="p1" AND kind="BUILD"', ['b1']],
    ['kind="BUILD" OR kind="IMAGE"', ['b1', 'i2']],
    [`NOT kind="VULNERABILITY"`, ['b1', 'i2']],
    [`kind="VULNERABILITY" AND NOT (resourceUri="${U2}" OR noteId="CVE-2")`, ['v1a']],
    [`(kind="BUILD" OR kind="IMAGE") AND resourceUri="${U1}"`, ['b1']],
    [`kind="BUILD" OR kind="IMAGE" AND resourceUri="${U1}"`, ['b1']],
    ['kind!="VULNERABILITY"', ['b1', 'i2']],
    ['resourceUri:"2222"', ['v1b', 'i2']],
    ['resourceUri="https://registry.example/app@sha256:1*"', ['v1a', 'v2a', 'b1']],
    ['remediation:*', ['v1a']],
    ['remediation:"openssl"', ['v1a']],
    ['vulnerability.effectiveSeverity="HIGH"', ['v1a', 'v1b']],
    ['vulnerability.effective_severity="HIGH" AND vulnerability.fixAvailable=true', ['v1a']],
    ['vulnerability.cvssScore>=8', ['v1a', 'v1b']],
    ['vulnerability.cvssScore<8', ['v2a']],
    ['vulnerability.fixAvailable!=true', ['v2a', 'v1b', 'b1', 'i2']],
    ['build.provenance.id="b1"', ['b1']],
    ['image.distance=1', ['i2']],
    ['createTime>="2000-01-01T00:00:00Z"', ['v1a', 'v2a', 'v1b', 'b1', 'i2']],
    ['createTime<"2000-01-01T00:00:00Z"', []],
    ['resourceUri="x%_"', []],
  ])('occurrences %j', async ([filter, expected], tc) => {
    if (!store) return tc.skip();
    const r = await listOccurrences(store.db, P, { filter, pageSize: 100 });
    expect(r.occurrences.map((o) => ids.get(o.name as string))).toEqual(expected);
  });

  it.for<[string, string[]]>([
    ['kind="VULNERABILITY"', ['CVE-1', 'CVE-2']],
    ['vulnerability.severity="HIGH"', ['CVE-1']],
    ['shortDescription:"tw"', ['CVE-2']],
    ['name="projects/p1/notes/img"', ['img']],
    ['NOT kind="VULNERABILITY" AND NOT kind="IMAGE"', ['build']],
  ])('notes %j', async ([filter, expected], tc) => {
    if (!store) return tc.skip();
    const r = await listNotes(store.db, P, { filter });
    expect(r.notes.map((n) => (n.name as string).split('/').pop())).toEqual(expected);
  });

  it.for<[string, RegExp]>([
    ['kind="NOPE"', /Unknown kind "NOPE"/],
    ['kind>"BUILD"', /Operator ">" is not supported on "kind"/],
    ['resourceUri<"x"', /not supported on "resourceUri"/],
    ['bogus="x"', /Unknown filter field "bogus"/],
    ['vulnerability.cvssScore>"high"', /needs a number/],
    ['createTime>"yesterday"', /not an RFC 3339 timestamp/],
    ['createTime:"2024"', /":" is not supported/],
  ])('refuses %j', async ([filter, message], tc) => {
    if (!store) return tc.skip();
    await expect(listOccurrences(store.db, P, { filter })).rejects.toMatchObject({ code: 'FILTER_INVALID', message: expect.stringMatching(message) });
  });
});

/**
 * `occurrences:replaceScan` (the Portcullis extension behind `scan --push`) through the Hono app
 * on PGlite and PostgreSQL: notes created when missing, the previous scan of the resource replaced
 * and nothing else touched, one audit entry per replace, the scan's invariants and permissions
 * checked before anything is written, and readers polling during concurrent re-scans that only
 * ever see a whole scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, readAudit, verifyAudit, type AuditRecord } from '../audit/log.js';
import { testBackends } from '../metadata/_testing.js';
import type { Store } from '../store/store.js';
import { createApp, type ServerApp } from './app.js';
import { createToken } from './tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const URI = 'https://registry.example/team/app@sha256:' + 'ab'.repeat(32);
const OTHER = 'https://registry.example/team/other@sha256:' + 'cd'.repeat(32);
const NP = 'scanner-notes';

/** A scan of `n` vulnerabilities (ids `CVE-2024-<tag><i>`), one package and the DISCOVERY occurrence. */
function scan(tag: string, n: number, uri = URI): Json {
  const notes: Json = {
    'portcullis-scan': { discovery: { analysisKind: 'VULNERABILITY' } },
    'pkg-deb-openssl': { package: { name: 'openssl' } },
  };
  const occurrences: Json[] = [
    { noteName: `projects/${NP}/notes/portcullis-scan`, discovery: { analysisStatus: 'FINISHED_SUCCESS' } },
    {
      noteName: `projects/${NP}/notes/pkg-deb-openssl`,
      package: { name: 'openssl', version: { name: '3.0.7', kind: 'NORMAL' } },
    },
  ];
  for (let i = 0; i < n; i++) {
    const id = `CVE-2024-${tag}${i}`;
    notes[id] = {
      shortDescription: id,
      vulnerability: {
        severity: 'HIGH',
        cvssScore: 7.5,
        details: [{ affectedPackage: 'openssl', affectedCpeUri: 'cpe:/o:debian' }],
      },
    };
    occurrences.push({
      noteName: `projects/${NP}/notes/${id}`,
      vulnerability: {
        effectiveSeverity: i % 2 ? 'HIGH' : 'LOW',
        fixAvailable: i % 3 === 0,
        packageIssue: [{ affectedPackage: 'openssl' }],
      },
    });
  }
  return { resourceUri: uri, notesProject: NP, notes, occurrences };
}

describe.each(testBackends('replacescan'))('occurrences:replaceScan on $name', (backend) => {
  let store: Store | undefined;
  let s: ServerApp;
  const tok: Record<string, string> = {};

  async function call(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> {
    const res = await s.app.request(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : {} };
  }

  async function count(filter: string): Promise<number> {
    const r = await call(
      'GET',
      `/v1/projects/p1/occurrences?pageSize=1000&filter=${encodeURIComponent(filter)}`,
      tok.writer,
    );
    expect(r.status).toBe(200);
    return r.json.occurrences.length;
  }

  async function auditEntries(): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    for await (const r of readAudit(store!.db)) out.push(r);
    return out;
  }

  beforeAll(async () => {
    store = await backend.open();
    if (!store) return;
    s = createApp({ db: store.db, audit: (db, e) => appendAudit(db, e), rateLimit: false });
    tok.writer = (await createToken(store.db, { projects: ['p1', NP], role: 'writer' })).token;
    tok.p1only = (await createToken(store.db, { projects: ['p1'], role: 'writer' })).token;
    tok.viewer = (await createToken(store.db, { projects: ['p1', NP], role: 'viewer' })).token;
  });

  afterAll(async () => {
    await store?.close();
    backend.cleanup();
  });

  it('creates the missing notes and the occurrences, then a re-scan replaces exactly the previous scan', async (tc) => {
    if (!store) return tc.skip();
    // Occurrences the replace must not touch: another resource, and a note of another project.
    expect(
      (await call('POST', '/v1/projects/p1/notes?noteId=manual', tok.writer, { vulnerability: {} })).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/v1/projects/p1/occurrences', tok.writer, {
          resourceUri: URI,
          noteName: 'projects/p1/notes/manual',
          vulnerability: {},
        })
      ).status,
    ).toBe(200);
    const first = await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.writer, scan('1', 5));
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      resourceUri: URI,
      notesProject: NP,
      kinds: ['DISCOVERY', 'PACKAGE', 'VULNERABILITY'],
      deletedCount: 0,
      createdCount: 7,
      notesCreatedCount: 7,
    });
    expect(
      (await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.writer, scan('9', 2, OTHER))).status,
    ).toBe(200);
    expect(await count(`resourceUri="${URI}" AND kind="VULNERABILITY"`)).toBe(6);
    const again = await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.writer, scan('2', 3));
    expect(again.json).toMatchObject({ deletedCount: 7, createdCount: 5, notesCreatedCount: 3 });
    const vulns = await call(
      'GET',
      `/v1/projects/p1/occurrences?pageSize=1000&filter=${encodeURIComponent(`resourceUri="${URI}" AND kind="VULNERABILITY"`)}`,
      tok.writer,
    );
    expect(vulns.json.occurrences.map((o: Json) => o.noteName).sort()).toEqual([
      'projects/p1/notes/manual',
      ...[0, 1, 2].map((i) => `projects/${NP}/notes/CVE-2024-2${i}`),
    ]);
    expect(await count(`resourceUri="${OTHER}"`)).toBe(4);
    // The notes of the first scan stay (notes are shared knowledge, never deleted by a replace).
    expect(
      (await call('GET', `/v1/projects/${NP}/notes/CVE-2024-10`, tok.writer)).json.vulnerability,
    ).toMatchObject({ severity: 'HIGH', cvssScore: 7.5 });
    const summary = await call(
      'GET',
      `/v1/projects/p1/occurrences:vulnerabilitySummary?filter=${encodeURIComponent(`resourceUri="${URI}"`)}`,
      tok.writer,
    );
    expect(summary.json.counts[0]).toMatchObject({
      resourceUri: URI,
      severity: 'SEVERITY_UNSPECIFIED',
      totalCount: '4',
    });
    // One audit entry per replace, with what it did.
    const entries = (await auditEntries()).filter((e) => e.action === 'occurrences.replaceScan');
    expect(entries).toHaveLength(3);
    expect(entries[2]).toMatchObject({
      outcome: 'ok',
      resource: 'projects/p1',
      detail: {
        resourceUri: URI,
        notesProject: NP,
        deleted: 7,
        created: 5,
        notesCreated: ['CVE-2024-20', 'CVE-2024-21', 'CVE-2024-22'],
      },
    });
    expect((entries[2]!.detail as Json).ids).toHaveLength(5);
    expect((await verifyAudit(store.db)).ok).toBe(true);
  });

  const REFUSALS: [string, (b: Json) => unknown, string[]][] = [
    [
      'another resource',
      (b: Json) => (b.occurrences[1].resourceUri = OTHER),
      ['occurrences [1]', 'resourceUri'],
    ],
    [
      'a kind outside the scan',
      (b: Json) => (b.kinds = ['VULNERABILITY']),
      ['DISCOVERY'],
    ],
    [
      'a note of another project',
      (b: Json) => (b.occurrences[2].noteName = 'projects/p1/notes/manual'),
      ['occurrences [2]', '"scanner-notes"'],
    ],
    ['an unknown field', (b: Json) => (b.replace = true), ['"replace"']],
    [
      'an invalid note',
      (b: Json) => (b.notes['CVE-2024-30'].vulnerability.severity = 'BAD'),
      ['notes "CVE-2024-30"'],
    ],
  ];
  for (const [what, mutate, naming] of REFUSALS) {
    it(`refuses ${what} with 400 and writes nothing`, async (tc) => {
      if (!store) return tc.skip();
      const before = await count(`resourceUri="${URI}"`);
      const body = scan('3', 2);
      mutate(body);
      const r = await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.writer, body);
      expect(r).toBeApiError('METADATA_INVALID', { http: 400, naming });
      expect(await count(`resourceUri="${URI}"`)).toBe(before);
      expect((await call('GET', `/v1/projects/${NP}/notes/CVE-2024-30`, tok.writer)).status).toBe(404);
    });
  }

  it('needs writer on the path project and, for missing notes, on the notes project; a refusal writes nothing', async (tc) => {
    if (!store) return tc.skip();
    const before = await count(`resourceUri="${URI}"`);
    expect(
      (await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.viewer, scan('2', 3))).status,
    ).toBe(403);
    expect(
      (await call('POST', '/v1/projects/p1/occurrences:replaceScan', undefined, scan('2', 3))).status,
    ).toBe(401);
    // Writer on p1 only: may not create notes in the notes project, nor attach to its existing ones.
    const missing = await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.p1only, scan('4', 1));
    expect(missing).toBeApiError('PERMISSION_DENIED', { http: 403, naming: '"scanner-notes"' });
    const existing = await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.p1only, scan('2', 3));
    expect(existing).toBeApiError('PERMISSION_DENIED', { http: 403, naming: '"scanner-notes"' });
    expect(await count(`resourceUri="${URI}"`)).toBe(before);
    expect((await call('GET', `/v1/projects/${NP}/notes/CVE-2024-40`, tok.writer)).status).toBe(404);
    const denied = (await auditEntries()).filter(
      (e) => e.action === 'occurrences.replaceScan' && e.outcome === 'denied',
    );
    expect(denied.map((e) => (e.detail as Json).status)).toEqual([403, 401, 403, 403]);
  });

  it('readers polling during concurrent re-scans see the old scan or the new one, never a mixture', async (tc) => {
    if (!store) return tc.skip();
    const SIZES = [150, 400];
    const sizes = new Set(SIZES.map((n) => n + 1)); // + the `manual` occurrence of the first test
    expect(
      (await call('POST', '/v1/projects/p1/occurrences:replaceScan', tok.writer, scan('5', SIZES[0]!)))
        .status,
    ).toBe(200);
    let writing = true;
    const seen: number[] = [];
    const summaries: number[] = [];
    const reader = async () => {
      while (writing) {
        seen.push(await count(`kind="VULNERABILITY" AND resourceUri="${URI}"`));
        const sum = await call(
          'GET',
          `/v1/projects/p1/occurrences:vulnerabilitySummary?filter=${encodeURIComponent(`resourceUri="${URI}"`)}`,
          tok.writer,
        );
        summaries.push(Number(sum.json.counts[0].totalCount));
      }
    };
    const readers = [reader(), reader(), reader()];
    // Three writers at once, each alternating between the two scan sizes.
    const writer = async (w: number) => {
      for (let i = 0; i < 6; i++) {
        const r = await call(
          'POST',
          '/v1/projects/p1/occurrences:replaceScan',
          tok.writer,
          scan('5', SIZES[(i + w) % 2]!),
        );
        expect(r.status).toBe(200);
      }
    };
    await Promise.all([writer(0), writer(1), writer(2)]);
    writing = false;
    await Promise.all(readers);
    expect(seen.length).toBeGreaterThan(3);
    expect([...new Set(seen)].filter((n) => !sizes.has(n))).toEqual([]);
    expect([...new Set(summaries)].filter((n) => !sizes.has(n))).toEqual([]);
    // After it all, exactly one scan is there.
    expect(sizes.has(await count(`kind="VULNERABILITY" AND resourceUri="${URI}"`))).toBe(true);
    expect(await count(`kind="DISCOVERY" AND resourceUri="${URI}"`)).toBe(1);
  });
});

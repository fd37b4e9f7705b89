/**
 * The audit chain binds content, on the embedded database and on the machine's PostgreSQL: notes
 * and occurrences written through the metadata service are re-checked by `verifyAudit` against
 * the newest digest the chain holds for each, so a row updated, deleted or inserted with SQL
 * behind the API's back is named (resource, expected and actual digest); untouched data passes,
 * also after concurrent writes to one resource and with entries left pending (a crash between a
 * write's commit and its link).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../metadata/_testing.js';
import {
  createNote,
  createOccurrence,
  batchCreateOccurrences,
  deleteOccurrence,
  updateOccurrence,
  replaceScan,
  type WriteContext,
} from '../metadata/service.js';
import type { Store } from '../store/store.js';
import { AUDITED_COLLECTIONS, contentHash, contentLine, linkOf, rowDigest } from './content.js';
import { linkPending } from './linker.js';
import { appendAudit, pendingAuditCtes, readAudit, verifyAudit } from './log.js';

const backends = testBackends('auditcontent');
afterAll(() => backends.forEach((b) => b.cleanup()));

const parent = { project: 'p', location: '' };
const ctx: WriteContext = { actor: 'token:t1', record: (trx, e) => appendAudit(trx, e) };
const occ = (i: number) => ({ resourceUri: `https://registry.example/app@sha256:${String(i).padStart(64, '0')}`, noteName: 'projects/p/notes/cve', vulnerability: { severity: 'HIGH', cvssScore: 7.5 } });

describe('content lines and digests', () => {
  it('a row digest is over the bound columns only, whatever their order or form', () => {
    const c = AUDITED_COLLECTIONS.find((x) => x.collection === 'notes')!;
    const row = { seq: '7', project: 'p', location: '', note_id: 'n', kind: 'VULNERABILITY', body: { b: 1, a: 2 }, create_time: new Date(0), update_time: new Date(1000) };
    const same = { update_time: new Date(1000), create_time: new Date(0), body: '{"a":2,"b":1}', kind: 'VULNERABILITY', note_id: 'n', location: '', project: 'p', seq: 7, extra_generated_column: 'x' };
    expect(rowDigest(c, same)).toBe(rowDigest(c, row));
    expect(rowDigest(c, { ...row, body: { a: 2, b: 2 } })).not.toBe(rowDigest(c, row));
  });
  it('content lines are self-delimiting, so moving bytes between fields changes the hash', () => {
    const a = { collection: 'notes' as const, project: 'ab', location: '', rid: 'c', digest: 'f'.repeat(64), deleted: false };
    const b = { ...a, project: 'a', rid: 'bc' };
    expect(contentLine(a)).toBe(`5:notes2:ab0:1:cw${'f'.repeat(64)}`);
    expect(contentHash([a])).not.toBe(contentHash([b]));
    expect(contentHash([])).toBeNull();
    expect(linkOf({ collection: 'notes', row: { project: 'p', location: '', note_id: 'x' }, deleted: true }).deleted).toBe(true);
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('content binding on %s', (_name, backend) => {
  let store: Store | undefined;
  let names: string[] = [];
  beforeAll(async () => {
    store = await backend.open();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(async (tc) => {
    if (!store) return tc.skip();
    for (const t of ['audit_log', 'audit_head', 'audit_pending', 'audit_resources', 'metadata_occurrences', 'metadata_notes'])
      await sql`delete from ${sql.table(t)}`.execute(store.db);
    await createNote(store.db, parent, 'cve', { vulnerability: { severity: 'HIGH' } }, ctx);
    names = [];
    for (let i = 0; i < 4; i++) names.push((await createOccurrence(store.db, parent, occ(i), ctx)).name as string);
    await updateOccurrence(store.db, { ...parent, collection: 'occurrences', id: names[1]!.split('/').pop()! }, { vulnerability: { severity: 'LOW' } }, 'vulnerability.severity', ctx);
    await deleteOccurrence(store.db, { ...parent, collection: 'occurrences', id: names[3]!.split('/').pop()! }, ctx);
    expect(await linkPending(store.db)).toBe(7);
  });
  const idOf = (name: string) => name.split('/').pop()!;

  it('untouched data passes; every entry of a write binds the rows it left', async () => {
    const v = await verifyAudit(store!.db);
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, entries: 7, resources: { checked: 4, legacy: 0 } });
    const entries = [];
    for await (const e of readAudit(store!.db)) entries.push(e);
    expect(entries.map((e) => e.action)).toEqual(['notes.create', 'occurrences.create', 'occurrences.create', 'occurrences.create', 'occurrences.create', 'occurrences.update', 'occurrences.delete']);
    expect(entries.every((e) => typeof e.entryId === 'number' && /^[0-9a-f]{64}$/.test(e.contentHash ?? ''))).toBe(true);
    const links = await store!.db.selectFrom('audit_resources').select(['rid', 'deleted']).orderBy('entry_id').execute();
    expect(links.map((l) => [l.rid, l.deleted])).toEqual([['cve', false], ...names.map((n) => [idOf(n), false]), [idOf(names[1]!), false], [idOf(names[3]!), true]]);
  });

  it('an occurrence row edited with SQL is named, with expected and actual digest', async () => {
    const before = await verifyAudit(store!.db);
    expect(before.ok).toBe(true);
    await sql`update metadata_occurrences set body = jsonb_set(body, '{vulnerability,severity}', '"LOW"') where occurrence_id = ${idOf(names[0]!)}`.execute(store!.db);
    const v = await verifyAudit(store!.db);
    expect(v.ok).toBe(false);
    expect(v.problems).toHaveLength(1);
    const p = v.problems[0]!;
    expect(p).toMatchObject({ kind: 'content-altered', n: 2, resource: names[0] });
    expect(p.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(p.actual).toMatch(/^[0-9a-f]{64}$/);
    expect(p.actual).not.toBe(p.expected);
    expect(p.message).toContain(names[0]!);
    // A column outside the body counts too (the update entry is the newest for names[1]).
    await sql`update metadata_occurrences set resource_uri = 'https://elsewhere.example/x' where occurrence_id = ${idOf(names[1]!)}`.execute(store!.db);
    expect((await verifyAudit(store!.db)).problems.map((x) => [x.kind, x.resource, x.n])).toEqual([
      ['content-altered', names[0], 2],
      ['content-altered', names[1], 6],
    ]);
  });

  it('an occurrence deleted with SQL is named', async () => {
    await sql`delete from metadata_occurrences where occurrence_id = ${idOf(names[2]!)}`.execute(store!.db);
    const v = await verifyAudit(store!.db);
    expect(v.ok).toBe(false);
    expect(v.problems).toMatchObject([{ kind: 'content-deleted', n: 4, resource: names[2], actual: 'missing' }]);
    expect(v.problems[0]!.expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rows inserted with SQL are named: a new one, and one deleted through the API', async () => {
    const copy = (id: string, as: string) =>
      sql`insert into metadata_occurrences (project, location, occurrence_id, kind, resource_uri, note_name, body, create_time, update_time)
        select project, location, ${as}, kind, resource_uri, note_name, body, create_time, update_time from metadata_occurrences where occurrence_id = ${id}`.execute(store!.db);
    await copy(idOf(names[0]!), 'smuggled');
    await copy(idOf(names[0]!), idOf(names[3]!));
    const v = await verifyAudit(store!.db);
    expect(v.problems.map((p) => [p.kind, p.resource])).toEqual([
      ['content-unaudited', 'projects/p/occurrences/smuggled'],
      ['content-reappeared', names[3]],
    ]);
  });

  it('a note edited with SQL is named', async () => {
    await sql`update metadata_notes set kind = 'BUILD' where note_id = 'cve'`.execute(store!.db);
    expect((await verifyAudit(store!.db)).problems).toMatchObject([{ kind: 'content-altered', n: 1, resource: 'projects/p/notes/cve' }]);
  });

  it('re-binding an edited row by rewriting its digest breaks the entry that holds it', async () => {
    await sql`update metadata_occurrences set body = '{"vulnerability":{"severity":"CRITICAL"}}' where occurrence_id = ${idOf(names[0]!)}`.execute(store!.db);
    const row = await store!.db.selectFrom('metadata_occurrences').selectAll().where('occurrence_id', '=', idOf(names[0]!)).executeTakeFirstOrThrow();
    const digest = rowDigest(AUDITED_COLLECTIONS[1]!, row as unknown as Record<string, unknown>);
    await sql`update audit_resources set digest = ${digest} where rid = ${idOf(names[0]!)}`.execute(store!.db);
    expect((await verifyAudit(store!.db)).problems.map((p) => [p.kind, p.n])).toEqual([['altered', 2]]);
  });

  it('batches and scan replacement bind every row; concurrent updates of one row end on its newest digest', async () => {
    await batchCreateOccurrences(store!.db, parent, { occurrences: Array.from({ length: 50 }, (_, i) => occ(100 + i)) }, ctx);
    const uri = 'https://registry.example/scanned@sha256:' + 'a'.repeat(64);
    const scan = (sev: string) => ({ resourceUri: uri, notes: { 'CVE-1': { vulnerability: { severity: sev } } }, occurrences: [{ noteName: 'projects/p/notes/CVE-1', vulnerability: { severity: sev } }] });
    await replaceScan(store!.db, parent, scan('HIGH'), ctx);
    await replaceScan(store!.db, parent, scan('LOW'), ctx);
    const id = { ...parent, collection: 'occurrences' as const, id: idOf(names[0]!) };
    await Promise.all(Array.from({ length: 12 }, (_, i) => updateOccurrence(store!.db, id, { vulnerability: { severity: 'HIGH', cvssScore: i } }, 'vulnerability.cvssScore', ctx)));
    const v = await verifyAudit(store!.db);
    expect(v.problems).toEqual([]);
    expect(v.resources).toEqual({ checked: 4 + 50 + 2, legacy: 0 });
    await sql`delete from metadata_occurrences where resource_uri = ${uri}`.execute(store!.db);
    expect((await verifyAudit(store!.db)).problems.map((p) => p.kind)).toEqual(['content-deleted']);
  });

  it('entries left pending (committed, not yet linked) are linked by verify and bind their rows', async () => {
    // Write without linking: the state a crash right after the commit leaves behind.
    const pendingCtx: WriteContext = { actor: 'token:t2', record: (trx, e) => appendAudit(trx, e) };
    for (let i = 0; i < 5; i++) await createOccurrence(store!.db, parent, occ(200 + i), pendingCtx);
    expect(Number((await sql<{ n: string }>`select count(*) as n from audit_pending`.execute(store!.db)).rows[0]!.n)).toBe(5);
    const v = await verifyAudit(store!.db);
    expect(v).toMatchObject({ ok: true, entries: 12, resources: { checked: 9 } });
    expect(Number((await sql<{ n: string }>`select count(*) as n from audit_pending`.execute(store!.db)).rows[0]!.n)).toBe(0);
    expect(await linkPending(store!.db)).toBe(0);
  });

  it('a single create in one statement (inline audit) binds the row as stored; a missing note writes nothing', async () => {
    const inline: WriteContext = { actor: 'token:t3', recordInline: (e, guard) => pendingAuditCtes(e, guard) };
    const made = await createOccurrence(store!.db, parent, occ(300), inline);
    const row = await store!.db.selectFrom('metadata_occurrences').selectAll().where('occurrence_id', '=', idOf(made.name as string)).executeTakeFirstOrThrow();
    const link = await store!.db.selectFrom('audit_resources').selectAll().where('rid', '=', row.occurrence_id).executeTakeFirstOrThrow();
    expect(link.digest).toBe(rowDigest(AUDITED_COLLECTIONS[1]!, row as unknown as Record<string, unknown>));
    await expect(createOccurrence(store!.db, parent, { ...occ(301), noteName: 'projects/p/notes/absent' }, inline)).rejects.toMatchObject({ code: 'METADATA_NOT_FOUND' });
    await expect(createOccurrence(store!.db, parent, occ(302), { ...inline, canUseNotesOf: () => false })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(Number((await sql<{ n: string }>`select count(*) as n from audit_pending`.execute(store!.db)).rows[0]!.n)).toBe(1);
    const v = await verifyAudit(store!.db);
    expect(v).toMatchObject({ ok: true, entries: 8, resources: { checked: 5 } });
    const last = [];
    for await (const e of readAudit(store!.db, { since: 7 })) last.push(e);
    expect(last).toMatchObject([{ n: 8, actor: 'token:t3', action: 'occurrences.create', resource: made.name, detail: { kind: 'VULNERABILITY' } }]);
  });

  it('rows from before content binding are counted as legacy, not reported', async () => {
    await sql`delete from audit_resources`.execute(store!.db);
    await sql`update audit_log set entry_id = null, content_hash = null`.execute(store!.db);
    await sql`update audit_baseline set max_seq = (select max(seq) from metadata_occurrences) where collection = 'occurrences'`.execute(store!.db);
    await sql`update audit_baseline set max_seq = (select max(seq) from metadata_notes) where collection = 'notes'`.execute(store!.db);
    const v = await verifyAudit(store!.db, { content: true });
    // The chain itself now fails (entries rewritten), but no row is blamed.
    expect(v.resources).toEqual({ checked: 4, legacy: 4 });
    expect(v.problems.every((p) => !p.kind.startsWith('content-'))).toBe(true);
  });
});

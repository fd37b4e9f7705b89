/**
 * The hash-chained audit log, on the embedded database and on the machine's PostgreSQL: appends
 * (also concurrent and inside rolled-back transactions) and every kind of tampering that
 * `verifyAudit` must name: altered, deleted (middle and end), inserted, and a rewrite caught by an
 * anchor.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store.js';
import { canonicalJson } from './canonical.js';
import { appendAudit, GENESIS_HASH, hashEntry, readAudit, verifyAudit, type AuditRecord } from './log.js';

const work = mkdtempSync(join(tmpdir(), 'portcullis-audit-'));
const pgDb = `portcullis_audit_${process.pid}`;
const pgUp = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `create database ${pgDb}`], { encoding: 'utf8' }).status === 0;

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (pgUp) spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-c', `drop database if exists ${pgDb} with (force)`]);
});

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [{ d: 2, c: null }] }, '{"a":[{"c":null,"d":2}],"b":1}'],
    [{ x: undefined, y: 'é' }, '{"y":"é"}'],
    [[1, 'two', true], '[1,"two",true]'],
  ])('%j → %s', (v, want) => expect(canonicalJson(v)).toBe(want));
});

const backends: [string, () => Promise<Store>][] = [['PGlite', () => openStore({ dataDir: join(work, 'pglite') })]];
if (pgUp) backends.push(['PostgreSQL', () => openStore({ databaseUrl: `postgres://postgres@127.0.0.1:5432/${pgDb}` })]);

describe.each(backends)('audit log on %s', (_name, open) => {
  let store: Store;
  const entry = (i: number) => ({ actor: `token:${i % 3}`, action: 'occurrences.create', resource: `projects/p/occurrences/${i}`, outcome: 'ok' as const, remote: '127.0.0.1', detail: { count: i, nested: { z: 1, a: 2 } } });
  const all = async () => {
    const out: AuditRecord[] = [];
    for await (const r of readAudit(store.db)) out.push(r);
    return out;
  };
  const reset = async (n: number) => {
    await sql`delete from audit_log`.execute(store.db);
    await sql`delete from audit_head`.execute(store.db);
    await sql`delete from audit_pending`.execute(store.db);
    await sql`delete from audit_resources`.execute(store.db);
    for (let i = 1; i <= n; i++) await appendAudit(store.db, entry(i));
  };

  beforeAll(async () => {
    store = await open();
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('appends a contiguous chain that verifies, from the genesis hash', async () => {
    await reset(5);
    const rows = await all();
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    rows.slice(1).forEach((r, i) => expect(r.prevHash).toBe(rows[i]!.hash));
    expect(rows[2]).toMatchObject({ actor: 'token:0', remote: '127.0.0.1', detail: { count: 3, nested: { a: 2, z: 1 } } });
    const v = await verifyAudit(store.db);
    expect(v).toEqual({ ok: true, entries: 5, head: { n: 5, hash: rows[4]!.hash }, resources: { checked: 0, legacy: 0 }, problems: [] });
  });

  it('concurrent appends from many callers still make one chain', async () => {
    await reset(0);
    await Promise.all(Array.from({ length: 25 }, (_, i) => appendAudit(store.db, entry(i))));
    const v = await verifyAudit(store.db);
    expect(v.ok).toBe(true);
    expect(v.entries).toBe(25);
  });

  it('an entry appended in a transaction that rolls back leaves no trace', async () => {
    await reset(2);
    await expect(
      store.db.transaction().execute(async (trx) => {
        await appendAudit(trx, entry(99));
        throw new Error('write failed');
      }),
    ).rejects.toThrow('write failed');
    expect((await all()).map((r) => r.n)).toEqual([1, 2]);
    expect((await verifyAudit(store.db)).ok).toBe(true);
  });

  it.each([
    ['an altered field', async () => sql`update audit_log set actor = 'someone-else' where n = 3`.execute(store.db), [['altered', 3]]],
    ['altered detail (jsonb)', async () => sql`update audit_log set detail = '{"count": 300}'::jsonb where n = 4`.execute(store.db), [['altered', 4]]],
    ['a deleted middle entry', async () => sql`delete from audit_log where n = 3`.execute(store.db), [['missing', 3], ['broken-link', 4]]],
    ['entries deleted from the end (head kept)', async () => sql`delete from audit_log where n >= 5`.execute(store.db), [['truncated', 5]]],
    ['entries deleted from the end with the head rewound', async () => {
      await sql`delete from audit_log where n >= 5`.execute(store.db);
      await sql`update audit_head set n = 4`.execute(store.db);
    }, [['head-mismatch', 4]]],
    ['a forged entry with a valid own hash in place of a real one', async () => {
      const rows = await all();
      const forged = { ...rows[2]!, actor: 'forger', prevHash: 'f'.repeat(64) };
      const hash = hashEntry(forged);
      await sql`update audit_log set actor = 'forger', prev_hash = ${forged.prevHash}, hash = ${hash} where n = 3`.execute(store.db);
    }, [['inserted', 3], ['inserted', 4]]],
  ] as const)('detects %s', async (_what, tamper, want) => {
    await reset(6);
    await tamper();
    const v = await verifyAudit(store.db);
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => [p.kind, p.n])).toEqual(want);
  });

  it('a log rewritten whole (every hash recomputed) is caught only by an anchor', async () => {
    await reset(4);
    const before = await all();
    const anchor = { n: 2, hash: before[1]!.hash };
    // Rewrite: change entry 2, then re-chain every later entry and the head.
    let prev = before[0]!.hash;
    for (const r of before.slice(1)) {
      const rec = { ...r, prevHash: prev, ...(r.n === 2 ? { actor: 'rewritten' } : {}) };
      const hash = hashEntry(rec);
      await sql`update audit_log set actor = ${rec.actor}, prev_hash = ${rec.prevHash}, hash = ${hash} where n = ${String(r.n)}`.execute(store.db);
      prev = hash;
    }
    await sql`update audit_head set hash = ${prev}`.execute(store.db);
    expect((await verifyAudit(store.db)).ok).toBe(true);
    const v = await verifyAudit(store.db, { anchor });
    expect(v.problems.map((p) => [p.kind, p.n])).toEqual([['anchor-mismatch', 2]]);
  });
});

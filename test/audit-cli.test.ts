/** `portcullis audit verify|export` through the CLI on an embedded store. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../src/audit/log.js';
import { createNote, createOccurrence, type WriteContext } from '../src/metadata/service.js';
import { openStore, type Store } from '../src/store/store.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-audit-cli-'));
const dataDir = join(work, 'db');
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--data-dir', dataDir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

beforeAll(async () => {
  const store = await openStore({ dataDir });
  for (let i = 1; i <= 4; i++) await appendAudit(store.db, { actor: 'token:abc', action: 'notes.create', resource: `projects/p/notes/n${i}`, outcome: i === 4 ? 'denied' : 'ok', remote: '127.0.0.1' });
  await store.close();
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('audit CLI', () => {
  it('verify passes on an intact log and prints the head as an anchor; export writes JSON lines', () => {
    const v = cli(['audit', 'verify']);
    expect(v.status).toBe(0);
    const head = /head (4:[0-9a-f]{64})/.exec(v.stdout)![1]!;
    expect(cli(['audit', 'verify', '--anchor', head]).status).toBe(0);
    const out = join(work, 'audit.jsonl');
    expect(cli(['audit', 'export', '-o', out]).status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.n, l.outcome, l.resource])).toEqual([
      [1, 'ok', 'projects/p/notes/n1'],
      [2, 'ok', 'projects/p/notes/n2'],
      [3, 'ok', 'projects/p/notes/n3'],
      [4, 'denied', 'projects/p/notes/n4'],
    ]);
    expect(cli(['audit', 'export', '--since', '3']).stdout.trim().split('\n')).toHaveLength(1);
    expect(cli(['audit', 'verify', '--anchor', 'nonsense']).status).toBe(2);
  });

  it('verify names the altered entry and exits 1', async () => {
    const store = await openStore({ dataDir });
    await sql`update audit_log set outcome = 'ok' where n = 4`.execute(store.db);
    await store.close();
    const v = cli(['audit', 'verify']);
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/TAMPERED: 1 problem/);
    expect(v.stdout).toMatch(/entry 4: altered/);
    const j = JSON.parse(cli(['audit', 'verify', '--format', 'json']).stdout);
    expect(j).toMatchObject({ ok: false, entries: 4, problems: [{ kind: 'altered', n: 4 }] });
  }, 60_000);

  it('verify names an occurrence edited or deleted with SQL and exits 1; untouched data passes', async () => {
    const dir = join(work, 'content');
    const store = await openStore({ dataDir: dir });
    const ctx = { actor: 'cli', record: (trx: never, e: never) => appendAudit(trx, e) } as unknown as WriteContext;
    await createNote(store.db, { project: 'p', location: '' }, 'cve', { vulnerability: {} }, ctx);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await createOccurrence(store.db, { project: 'p', location: '' }, { resourceUri: `https://r.example/${i}`, noteName: 'projects/p/notes/cve', vulnerability: { severity: 'HIGH' } }, ctx)).name as string);
    await store.close();
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--data-dir', dir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(run(['audit', 'verify']).status).toBe(0);
    const edit = async (q: (db: Store['db']) => Promise<unknown>) => {
      const s = await openStore({ dataDir: dir });
      await q(s.db);
      await s.close();
    };
    const id = (n: string) => n.split('/').pop()!;
    await edit((db) => sql`update metadata_occurrences set body = '{"vulnerability":{"severity":"LOW"}}' where occurrence_id = ${id(made[0]!)}`.execute(db));
    let v = run(['audit', 'verify']);
    expect(v.status).toBe(1);
    expect(v.stdout).toContain(`content-altered: occurrence ${made[0]} was changed outside the API`);
    await edit((db) => sql`delete from metadata_occurrences where occurrence_id = ${id(made[1]!)}`.execute(db));
    v = run(['audit', 'verify', '--format', 'json']);
    expect(v.status).toBe(1);
    expect(JSON.parse(v.stdout).problems.map((p: { kind: string; resource: string }) => [p.kind, p.resource])).toEqual([
      ['content-altered', made[0]],
      ['content-deleted', made[1]],
    ]);
  }, 120_000);
});

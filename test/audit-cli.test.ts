/** `portcullis audit verify|export` through the CLI on an embedded store. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../src/audit/log.js';
import { openStore } from '../src/store/store.js';

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
});

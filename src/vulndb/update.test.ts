/** What `db update` fetches: the default feeds on an empty store, each source from where it came, the mirror for feeds. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/store.js';
import { importAdvisories } from './import.js';
import { DEFAULT_SOURCES } from './sources/defaults.js';
import { checkMirror, planUpdate } from './update.js';

const TD = join(import.meta.dirname, 'testdata');
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-plan-'));
  store = await openStore({ dataDir: join(dir, 'db'), env: {} });
}, 120_000);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('planUpdate', () => {
  it('an empty store: every default feed, public or under the mirror', async () => {
    expect((await planUpdate(store)).map((i) => i.input)).toEqual(DEFAULT_SOURCES.map((s) => s.url));
    const m = await planUpdate(store, { mirror: 'http://mirror.test/base/' });
    expect(m.find((i) => i.id === 'osv:crates.io')).toEqual({ id: 'osv:crates.io', input: 'http://mirror.test/base/osv/crates.io/all.zip', expectKind: 'osv' });
    expect(m.find((i) => i.id === 'alpine-secdb:3.19:community')!.input).toBe('http://mirror.test/base/alpine/v3.19/community.json');
  });

  it('a store with sources: only those, a local tracker stays local, a feed-fetched one follows the mirror', async () => {
    await importAdvisories(store, join(TD, 'debian-tracker.json'));
    await importAdvisories(store, join(TD, 'GO-2023-1878.json'), { sourceId: 'osv:Go', location: 'https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip' });
    const plan = await planUpdate(store, { mirror: 'http://mirror.test' });
    expect(plan).toEqual([
      { id: 'osv:Go', input: 'http://mirror.test/osv/Go/all.zip', expectKind: 'osv' },
      { id: 'debian-tracker', input: join(TD, 'debian-tracker.json') },
    ]);
    expect((await planUpdate(store)).map((i) => i.input)).toEqual(['https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip', join(TD, 'debian-tracker.json')]);
    // --default-sources adds the missing feeds, keeping the local tracker.
    const all = await planUpdate(store, { defaultSources: true });
    expect(all).toHaveLength(DEFAULT_SOURCES.length);
    expect(all.find((i) => i.id === 'debian-tracker')!.input).toBe(join(TD, 'debian-tracker.json'));
  }, 120_000);

  it.each(['notaurl', 'ftp://x', 'file:///srv/mirror'])('refuses the mirror %j', (m) => {
    expect(() => checkMirror(m)).toThrowCode('USAGE', JSON.stringify(m));
  });
});

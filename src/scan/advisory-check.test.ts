/** DB_EMPTY with the fix command, --allow-empty-db, notes and the stale warning from one check. */
import { describe, expect, it } from 'vitest';
import { PortcullisError } from '../core/errors.js';
import type { CatalogResult, Package } from '../core/types.js';
import type { DataPresence } from '../vulndb/coverage.js';
import { checkAdvisoryData } from './advisory-check.js';

const pkg = (name: string, type: Package['type']): Package => ({ id: name, name, version: '1', type, purl: `pkg:${type}/${name}@1`, foundBy: 't', licenses: [], locations: [{ path: '/x' }] });
const result: CatalogResult = { artifact: { reference: 'rootfs:/r', transport: 'rootfs', layers: [] }, os: { id: 'debian', versionId: '12', codename: 'bookworm' }, packages: [pkg('tar', 'deb'), pkg('semver', 'npm')], unknowns: [] } as unknown as CatalogResult;
const none: DataPresence = { hasLanguageData: () => false, hasOsData: () => false, hasOsvData: () => false };
const npmOnly: DataPresence = { ...none, hasLanguageData: (e) => e === 'npm' };
const now = new Date('2026-12-03T00:00:00Z');

function thrown(fn: () => unknown): PortcullisError {
  try {
    fn();
  } catch (e) {
    return e as PortcullisError;
  }
  throw new Error('did not throw');
}

describe('checkAdvisoryData', () => {
  it('an empty store: DB_EMPTY naming what was found and `portcullis db update`', () => {
    const e = thrown(() => checkAdvisoryData(result, none, [], { allowEmpty: false, maxAgeDays: 7, now }));
    expect(e.code).toBe('DB_EMPTY');
    expect(e.message).toBe('The advisory database is empty: nothing in rootfs:/r could be checked (debian bookworm (1 package), npm (1 package)). This is not "0 vulnerabilities".');
    expect(e.hint).toMatch(/^Run `portcullis db update`/);
  });

  it('a store with data for none of the ecosystems found: DB_EMPTY, and the fix adds the default feeds', () => {
    const e = thrown(() => checkAdvisoryData(result, none, [{ id: 'osv:Go', importedAt: now }], { allowEmpty: false, maxAgeDays: 7, now }));
    expect(e.code).toBe('DB_EMPTY');
    expect(e.hint).toMatch(/^Run `portcullis db update --default-sources`/);
  });

  it('--allow-empty-db: the scan goes on and every ecosystem is listed as not checked', () => {
    const c = checkAdvisoryData(result, none, [], { allowEmpty: true, maxAgeDays: 7, now });
    expect(c.coverage.checked).toEqual([]);
    expect(c.coverage.uncovered).toHaveLength(2);
    expect(c.notes).toEqual(['No advisory data for npm: its 1 package was not checked (this is not "0 vulnerabilities").']);
  });

  it('partial coverage is no error; stale data gives one warning', () => {
    const c = checkAdvisoryData(result, npmOnly, [{ id: 'osv:npm', importedAt: new Date(now.getTime() - 9 * 86400_000) }], { allowEmpty: false, maxAgeDays: 7, now });
    expect(c.coverage.uncovered).toEqual([{ ecosystem: 'debian', release: 'bookworm', packages: 1, reason: 'no-data' }]);
    expect(c.staleWarning).toMatch(/^advisory data is older than 7 days: osv:npm was last updated 9 d ago/);
  });
});

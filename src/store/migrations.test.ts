import { describe, expect, it } from 'vitest';
import { MIGRATION_OWNERS, MIGRATIONS } from './migrations.js';

describe('module-owned migrations', () => {
  it('keep every shipped name, each owned by the module of its tables', () => {
    expect(MIGRATION_OWNERS).toEqual({
      '0001-advisories': 'vulndb',
      '0002-audit': 'audit',
      '0003-metadata': 'metadata',
      '0004-audit-content': 'audit',
      '0005-feeds-source-state': 'vulndb',
      '0006-filters-occurrence-indexes': 'metadata',
    });
    expect(Object.keys(MIGRATIONS).sort()).toEqual(Object.keys(MIGRATION_OWNERS).sort());
    for (const m of Object.values(MIGRATIONS)) expect(typeof m.up).toBe('function');
  });
});

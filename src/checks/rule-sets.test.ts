import { describe, expect, it } from 'vitest';
import { IMAGE_RULE_SET, RULE_SETS, ruleDefinition } from './rule-sets.js';

describe('rule-set table (contract)', () => {
  it('names are the --rules contract, in order, all built', () => {
    expect(RULE_SETS.map((r) => r.name)).toEqual(['pss', 'hardening', 'rbac', 'network', 'secrets', 'dockerfile', 'custom']);
    expect(RULE_SETS.every((r) => typeof r.run === 'function')).toBe(true);
  });

  it('rule ids are unique, prefixed with their rule set, and built-in ones have definitions with rationale and links', () => {
    const all = [...RULE_SETS.flatMap((r) => r.rules({}).map((x) => ({ set: r.name, id: x.id }))), ...IMAGE_RULE_SET.rules().map((x) => ({ set: 'image', id: x.id }))];
    expect(new Set(all.map((x) => x.id)).size).toBe(all.length);
    for (const { set, id } of all) {
      expect(id.startsWith(`${set}/`), id).toBe(true);
      if (set === 'pss') continue;
      const def = ruleDefinition(id)!;
      expect(def.rationale.length, id).toBeGreaterThan(20);
      expect(def.remediation.length, id).toBeGreaterThan(10);
      expect(def.links.length, id).toBeGreaterThan(0);
      expect(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(def.severity);
    }
  });
});

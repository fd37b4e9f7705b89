import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDocs } from '../k8s/_test-input.js';
import { customFindings } from './evaluate.js';
import { loadCustomRules, parseCustomRules } from './load.js';

const work = mkdtempSync(join(tmpdir(), 'portcullis-custom-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rule = (expression: string, extra = '') => `id: r\nseverity: HIGH\nmatch: {kinds: [Deployment]}\nvalidation:\n  expression: ${JSON.stringify(expression)}\n  message: nope\n${extra}`;
const deploy = (spec: Record<string, unknown>, labels?: Record<string, string>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', ...(labels ? { labels } : {}) }, spec: { selector: {}, template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'x' }] } }, ...spec } });

describe('custom CEL rules', () => {
  it.each([
    ['object.spec.replicas <= 5', { replicas: 3 }, []],
    ['object.spec.replicas <= 5', { replicas: 7 }, ['custom/r nope']],
    ['object.spec.replicas <= 5', {}, ['custom/r nope (evaluation error: No such key: replicas)']], // failurePolicy Fail
    ['podSpec.containers.all(c, c.image.contains(":"))', {}, ['custom/r nope']],
    ['has(object.spec.replicas) && object.spec.replicas <= 5', {}, ['custom/r nope']],
  ])('%s on %j', (expr, spec, want) => {
    const r = customFindings(loadDocs([deploy(spec)]), parseCustomRules(rule(expr), 'rules.yaml'));
    expect(r.findings.map((f) => `${f.ruleId} ${f.message}`)).toEqual(want);
  });

  it('failurePolicy Ignore skips evaluation errors; kinds select objects; the finding points at the field read', () => {
    expect(customFindings(loadDocs([deploy({})]), parseCustomRules(rule('object.spec.replicas <= 5', 'failurePolicy: Ignore\n'), 'f')).findings).toEqual([]);
    const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    const r = customFindings(loadDocs([other, deploy({ replicas: 9 })]), parseCustomRules(rule('object.spec.replicas <= 5'), 'f'));
    expect(r.findings.map((f) => `${f.object.kind} ${f.field} ${f.line}:${f.column} ${f.severity}`)).toEqual(['Deployment spec.replicas 19:3 HIGH']);
  });

  it('the fixture rules: team label, host network via podSpec, replicas', () => {
    const rules = loadCustomRules('test/fixtures/config/custom-rules');
    expect(rules.map((r) => `${r.id} ${r.kinds.join(',')} ${r.compliance.join(',')}`)).toEqual(['custom/max-replicas Deployment cis-k8s:5.7.1', 'custom/team-label workload ', 'custom/no-host-network workload ']);
    const docs = [deploy({ replicas: 2, template: { spec: { hostNetwork: true, containers: [] } } }, { team: 'a' })];
    expect(customFindings(loadDocs(docs), rules).findings.map((f) => `${f.ruleId} ${f.field}`)).toEqual(['custom/no-host-network spec.template.spec.hostNetwork']);
  });

  it.each([
    ['object.spec.replicas <= '],
    ['frobnicate(object)'],
    ['request.userInfo.username == "x"'], // unknown variable
    ['1 + 2'], // returns int, not bool
  ])('a bad expression %s is a load-time error naming file and rule', (expr) => {
    expect(() => parseCustomRules(rule(expr), 'bad.yaml')).toThrowCode('RULE_INVALID', ['"custom/r"', 'bad.yaml', JSON.stringify(expr)]);
  });

  it('bad documents: missing fields, bad severity, duplicate ids across files, an empty directory', () => {
    expect(() => parseCustomRules('id: x\nseverity: HIGH\n', 'f.yaml')).toThrowCode('RULE_INVALID', ['"custom/x"', 'f.yaml', 'validation.expression']);
    expect(() => parseCustomRules(rule('true').replace('HIGH', 'SEVERE'), 'f.yaml')).toThrowCode('RULE_INVALID', ['f.yaml', 'severity', '"SEVERE"']);
    writeFileSync(join(work, 'a.yaml'), rule('true'));
    writeFileSync(join(work, 'b.yaml'), rule('true'));
    expect(() => loadCustomRules(work)).toThrowCode('RULE_INVALID', ['"custom/r"', join(work, 'b.yaml'), join(work, 'a.yaml')]);
    const empty = mkdtempSync(join(work, 'empty-'));
    expect(() => loadCustomRules(empty)).toThrowCode('RULE_INVALID', `"${empty}"`);
    expect(() => loadCustomRules(join(work, 'missing.yaml'))).toThrowCode('FILE_NOT_FOUND', join(work, 'missing.yaml'));
  });
});

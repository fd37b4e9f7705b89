/** `policy lint` diagnostics: each problem with its file, line, rule and a hint. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasErrors } from './diagnostics.js';
import { lintPolicyFiles, loadPolicies, PolicyInvalidError } from './load.js';
import { parsePolicyText } from './parse.js';
import { lintPolicies } from './lint.js';

const TD = join(import.meta.dirname, 'testdata');
const NOW = new Date('2026-12-01T00:00:00Z');

describe('policy lint', () => {
  it('reports every problem of bad.yaml at its line', async () => {
    const ds = await lintPolicyFiles([join(TD, 'bad.yaml')], { now: NOW });
    const got = ds.map((d) => `${d.line}:${d.severity}:${d.rule}`);
    expect(got).toEqual([
      '1:warning:no-match-unset',
      '6:error:bad-glob', // nginx: no registry
      '6:error:bad-glob', // a**
      '7:error:unknown-field', // digest (for digests)
      '11:error:bad-regex',
      '14:error:bad-cel',
      '15:error:unknown-authority',
      '19:error:expired-allow',
      '21:error:expired-exemption',
      '26:error:invalid-value', // noMatch: maybe
    ]);
    for (const d of ds) {
      expect(d.file).toBe(join(TD, 'bad.yaml'));
      expect(d.hint.length).toBeGreaterThan(10);
    }
  });

  it('accepts the policies users write first (key files relative to the policy)', async () => {
    const ds = await lintPolicyFiles([join(TD, 'good.yaml')], { now: NOW, readFile: () => '' , checkKeys: false });
    expect(ds).toEqual([]);
  });

  it.each([
    ['an unknown top-level field', 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterWorkloadPolicy\nmetadata: {name: a}\nspce: {}\n', 'unknown-field', 4],
    ['a wrong apiVersion', 'apiVersion: portcullis.dev/v1\nkind: ClusterWorkloadPolicy\nmetadata: {name: a}\nspec: {}\n', 'not-a-policy', 1],
    ['an ImagePolicy without a namespace', 'apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nmetadata: {name: a}\nspec: {images: ["x.example/*"]}\n', 'missing-namespace', 3],
    ['a bad PSS version', 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterWorkloadPolicy\nmetadata: {name: a}\nspec:\n  podSecurity: {level: baseline, version: "1.30"}\n', 'bad-version', 5],
    ['a threshold above the authorities', 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: a}\nspec:\n  images: ["x.example/*"]\n  signatures:\n    threshold: 2\n    authorities: [{name: k, key: {file: k.pub}}]\n', 'invalid-value', 7],
    ['an authority with both key and keyless', 'apiVersion: portcullis.dev/v1alpha1\nkind: ClusterImagePolicy\nmetadata: {name: a}\nspec:\n  images: ["x.example/*"]\n  signatures:\n    authorities:\n      - {name: k, key: {file: k.pub}, keyless: {issuer: i, subject: s}}\n', 'invalid-value', 8],
    ['bad YAML', 'apiVersion: portcullis.dev/v1alpha1\nkind: [\n', 'yaml', 3],
  ])('%s', (_name, text, rule, line) => {
    const p = parsePolicyText(text, 'p.yaml');
    const ds = [...p.diagnostics, ...lintPolicies(p.policies, { now: NOW })];
    expect(ds.filter((d) => d.severity === 'error').map((d) => [d.rule, d.line])).toContainEqual([rule, line]);
  });

  it('two documents that disagree on noMatch', () => {
    const doc = (v: string, n: string) => `apiVersion: portcullis.dev/v1alpha1\nkind: ClusterWorkloadPolicy\nmetadata: {name: ${n}}\nnoMatch: ${v}\nspec: {}\n`;
    const p = parsePolicyText(`${doc('deny', 'a')}---\n${doc('allow', 'b')}`, 'p.yaml');
    expect(lintPolicies(p.policies).map((d) => [d.rule, d.line])).toEqual([['no-match-conflict', 10]]);
  });

  it('loading refuses a policy set with errors (POLICY_INVALID) and a missing key file', async () => {
    await expect(loadPolicies([join(TD, 'bad.yaml')], { now: NOW })).rejects.toMatchObject({ code: 'POLICY_INVALID' });
    const err = await loadPolicies([join(TD, 'good.yaml')], { now: NOW }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyInvalidError);
    expect((err as PolicyInvalidError).diagnostics.map((d) => [d.rule, d.line])).toEqual([['key-unreadable', 22]]);
    expect(hasErrors((err as PolicyInvalidError).diagnostics)).toBe(true);
  });
});

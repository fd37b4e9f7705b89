import { describe, expect, it } from 'vitest';
import { loadDocs } from '../_test-input.js';
import { secretsFindings } from './evaluate.js';

const secret = (name: string, data: Record<string, string>, type?: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'app' }, ...(type ? { type } : {}), data });
const b64 = (s: string) => Buffer.from(s).toString('base64');
const enc = (resources: unknown[]) => ({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources });
const ids = (docs: unknown[]) => secretsFindings(loadDocs(docs)).findings.map((f) => `${f.ruleId} ${f.field}`);

describe('secrets rules: a passing object and the minimal failing change', () => {
  it.each([
    ['encrypted with aescbc first', [enc([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k', secret: 'x' }] } }, { identity: {} }] }])], []],
    ['wildcard *.* entry with kms first', [enc([{ resources: ['*.*'], providers: [{ kms: { apiVersion: 'v2', name: 'k' } }] }])], []],
    ['identity first', [enc([{ resources: ['secrets'], providers: [{ identity: {} }, { aescbc: {} }] }])], ['secrets/encryption-at-rest resources[0].providers[0]']],
    ['no entry for secrets', [enc([{ resources: ['configmaps'], providers: [{ aescbc: {} }] }])], ['secrets/encryption-at-rest resources']],
    ['first matching entry wins', [enc([{ resources: ['*.'], providers: [{ identity: {} }] }, { resources: ['secrets'], providers: [{ aescbc: {} }] }])], ['secrets/encryption-at-rest resources[0].providers[0]']],
    ['a Secret of 1 MiB passes', [secret('s', { a: b64('x'.repeat(1 << 20)) })], []],
    ['a Secret above 1 MiB', [secret('s', { a: b64('x'.repeat(1 << 19)), b: b64('y'.repeat((1 << 19) + 1)) })], ['secrets/too-large data']],
    ['a TLS key in a kubernetes.io/tls Secret passes', [secret('s', { 'tls.key': b64('-----BEGIN PRIVATE KEY-----\nMII\n') }, 'kubernetes.io/tls')], []],
    ['a private key in an Opaque Secret', [secret('s', { id_rsa: b64('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n') })], ['secrets/private-key-in-opaque data.id_rsa']],
  ])('%s', (_name, docs, want) => {
    expect(ids(docs)).toEqual(want);
  });

  it('env exposure (secretKeyRef, envFrom) is flagged with the Secret related; volumes are not', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'app' },
      spec: {
        containers: [{ name: 'c', image: 'x', env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }], envFrom: [{ secretRef: { name: 'other' } }] }],
        volumes: [{ name: 's', secret: { secretName: 'db' } }],
      },
    };
    const r = secretsFindings(loadDocs([secret('db', { password: b64('pw') }), pod])).findings;
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ ruleId: 'secrets/env-exposure', severity: 'LOW', field: 'spec.containers[0].env[0].valueFrom.secretKeyRef', message: 'container "c" reads key "password" of Secret "db" into env "DB_PASSWORD"; container "c" loads every key of Secret "other" into env (envFrom)' });
    expect(r[0]!.related!.map((x) => `${x.object?.kind ?? 'self'}/${x.object?.name ?? ''} ${x.field}`)).toEqual(['Secret/db metadata.name', 'self/ spec.containers[0].envFrom[0].secretRef']);
    const mountedOnly = { ...pod, spec: { ...pod.spec, containers: [{ name: 'c', image: 'x' }] } };
    expect(secretsFindings(loadDocs([mountedOnly])).findings).toEqual([]);
  });
});

/**
 * The generated deployment: our own `scan config` (PSS restricted, hardening, network rules) finds
 * nothing in it; the webhook configurations cannot lock kube-system or the webhook's namespace;
 * the certificate verifies against the caBundle for the Service's name.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanConfig } from '../checks/config-scan.js';
import { RULE_SETS } from '../checks/rule-sets.js';
import { generateWebhookCertificates, serviceDnsNames } from './certs.js';
import { renderManifests, webhookObjects, WEBHOOK_NAME, type ManifestOptions } from './manifests.js';

const work = mkdtempSync(join(tmpdir(), 'portcullis-manifests-'));
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let generated: Obj[];
let base: ManifestOptions;

beforeAll(async () => {
  const certs = await generateWebhookCertificates({ dnsNames: serviceDnsNames(WEBHOOK_NAME, 'guard') });
  base = { namespace: 'guard', image: `registry.example/portcullis@sha256:${'a'.repeat(64)}`, replicas: 2, timeoutSeconds: 10, validateFailurePolicy: 'Fail', mutateFailurePolicy: 'Ignore', tls: { kind: 'generated', certs }, policyFiles: { 'p.yaml': 'x: 1\n' }, serveArgs: ['--registry'] };
  generated = parseAllDocuments(renderManifests(webhookObjects(base))).map((d) => d.toJS() as Obj);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const find = (objs: Obj[], kind: string) => objs.find((o) => o.kind === kind)!;

describe('admission manifests', () => {
  it.each([['generated certificate'], ['cert-manager']])('pass our own scan config at PSS restricted with no findings (%s)', async (variant) => {
    const objs = variant === 'cert-manager' ? webhookObjects({ ...base, tls: { kind: 'cert-manager' } }) : webhookObjects(base);
    const file = join(work, `${variant.replace(/ /g, '-')}.yaml`);
    writeFileSync(file, renderManifests(objs));
    const r = await scanConfig([file], { ruleSets: RULE_SETS.map((s) => s.name), pss: { level: 'restricted', version: 'latest' } });
    expect(r.unknowns).toEqual([]);
    expect(r.findings.map((f) => f.ruleId)).toEqual([]);
    expect(r.stats.workloads).toBe(1);
  });

  it('webhooks: NoneOnDryRun, failurePolicy each, timeout, kube-system and own namespace excluded twice, IfNeeded on mutate', () => {
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const [w] = find(generated, kind).webhooks as Obj[];
      expect(w).toMatchObject({ sideEffects: 'NoneOnDryRun', timeoutSeconds: 10, admissionReviewVersions: ['v1'] });
      expect(w!.namespaceSelector.matchExpressions).toEqual([{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'guard'] }]);
      expect(w!.matchConditions.map((c: Obj) => c.expression)).toEqual(["request.namespace != 'kube-system'", "request.namespace != 'guard'"]);
      expect(w!.rules.flatMap((r: Obj) => r.resources)).toEqual(expect.arrayContaining(['pods', 'pods/ephemeralcontainers', 'deployments', 'replicasets', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicationcontrollers']));
    }
    expect(find(generated, 'ValidatingWebhookConfiguration').webhooks[0]).toMatchObject({ failurePolicy: 'Fail', clientConfig: { service: { path: '/validate' } } });
    expect(find(generated, 'ValidatingWebhookConfiguration').webhooks[0].reinvocationPolicy).toBeUndefined();
    expect(find(generated, 'MutatingWebhookConfiguration').webhooks[0]).toMatchObject({ failurePolicy: 'Ignore', reinvocationPolicy: 'IfNeeded', clientConfig: { service: { path: '/mutate' } } });
  });

  it('Deployment: 2+ replicas, anti-affinity, PDB, restricted context', () => {
    const d = find(generated, 'Deployment');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    expect(find(generated, 'PodDisruptionBudget').spec.minAvailable).toBe(1);
    expect(d.spec.template.spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(d.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['--tls-dir', '--timeout-seconds', '10', '--registry']));
  });

  it('the serving certificate verifies against the caBundle and names the Service', () => {
    const ca = new X509Certificate(Buffer.from(find(generated, 'ValidatingWebhookConfiguration').webhooks[0].clientConfig.caBundle, 'base64'));
    const cert = new X509Certificate(Buffer.from(find(generated, 'Secret').data['tls.crt'], 'base64'));
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost(`${WEBHOOK_NAME}.guard.svc`)).toBe(`${WEBHOOK_NAME}.guard.svc`);
    expect(cert.checkHost('evil.example')).toBeUndefined();
    expect(ca.ca).toBe(true);
  });

  it('rotation keeps the CA: a new serving certificate under the same caBundle', async () => {
    const first = (base.tls as { certs: { caCert: string; caKey: string; cert: string } }).certs;
    const next = await generateWebhookCertificates({ dnsNames: serviceDnsNames(WEBHOOK_NAME, 'guard'), ca: { cert: first.caCert, key: first.caKey } });
    expect(next.caCert.trim()).toBe(first.caCert.trim());
    expect(next.cert).not.toBe(first.cert);
    expect(new X509Certificate(next.cert).verify(new X509Certificate(first.caCert).publicKey)).toBe(true);
  });

  it('cert-manager: Certificates and the CA injection annotation instead of a Secret', () => {
    const objs = webhookObjects({ ...base, tls: { kind: 'cert-manager' } });
    expect(objs.some((o) => o.kind === 'Secret')).toBe(false);
    expect(objs.filter((o) => o.kind === 'Certificate')).toHaveLength(2);
    expect((find(objs as Obj[], 'MutatingWebhookConfiguration').metadata.annotations as Obj)['cert-manager.io/inject-ca-from']).toBe(`guard/${WEBHOOK_NAME}`);
  });
});

import { describe, expect, it } from 'vitest';
import { loadDocs } from '../_test-input.js';
import { hardeningFindings } from './evaluate.js';
import { parseImageName, isTrustedImage } from './images.js';
import { HARDENING_RULES } from './rules.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A workload and its neighbours that pass every hardening rule. */
function base(): Doc[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web', tier: 'front' } },
          spec: {
            serviceAccountName: 'web',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'web',
                image: `registry.example.org/shop/web:1.2.3@${DIGEST}`,
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
                env: [
                  { name: 'LOG_LEVEL', value: 'info' },
                  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                  { name: 'PASSWORD_FILE', value: '/run/secrets/db' },
                ],
              },
            ],
            volumes: [{ name: 'data', hostPath: { path: '/var/data' } }],
          },
        },
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { tls: [{ hosts: ['*.example.org'], secretName: 'tls' }], rules: [{ host: 'shop.example.org' }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'shop' }, data: { 'app.yaml': 'level: info\npassword_file: /run/secrets/db\n', TOKEN_URL: 'https://auth.example.org/token' } },
  ];
}

const dep = (d: Doc[]) => d[0]!.spec.template.spec;
const ctr = (d: Doc[]) => dep(d).containers[0];
const run = (docs: Doc[], trustedRegistries: string[] | null = ['registry.example.org']) => hardeningFindings(loadDocs(docs), trustedRegistries ? { trustedRegistries } : {});

describe('hardening rules: a passing object and the minimal failing change', () => {
  it('the base passes every rule', () => {
    expect(run(base()).findings).toEqual([]);
  });

  const cases: [string, (d: Doc[]) => void, string, string, string?][] = [
    ['runAsNonRoot missing', (d) => delete dep(d).securityContext.runAsNonRoot && delete dep(d).securityContext.runAsUser, 'hardening/run-as-non-root', 'spec.template.spec.containers[0].securityContext.runAsNonRoot'],
    ['runAsUser 0 on the container', (d) => (ctr(d).securityContext.runAsUser = 0), 'hardening/run-as-non-root', 'spec.template.spec.containers[0].securityContext.runAsUser', 'HIGH'],
    ['capabilities not dropped', (d) => (ctr(d).securityContext.capabilities = { drop: ['NET_RAW'] }), 'hardening/drop-capabilities', 'spec.template.spec.containers[0].securityContext.capabilities.drop'],
    ['allowPrivilegeEscalation unset', (d) => delete ctr(d).securityContext.allowPrivilegeEscalation, 'hardening/allow-privilege-escalation', 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation'],
    ['writable root filesystem', (d) => (ctr(d).securityContext.readOnlyRootFilesystem = false), 'hardening/read-only-root-filesystem', 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem'],
    ['seccomp Unconfined on the container', (d) => (ctr(d).securityContext.seccompProfile = { type: 'Unconfined' }), 'hardening/seccomp-profile', 'spec.template.spec.containers[0].securityContext.seccompProfile.type'],
    ['no memory limit', (d) => delete ctr(d).resources.limits, 'hardening/resources', 'spec.template.spec.containers[0].resources'],
    ['default service account', (d) => delete dep(d).serviceAccountName, 'hardening/default-service-account', 'spec.template.spec.serviceAccountName'],
    ['token automounted', (d) => delete dep(d).automountServiceAccountToken, 'hardening/automount-service-account-token', 'spec.template.spec.automountServiceAccountToken'],
    ['tag without digest', (d) => (ctr(d).image = 'registry.example.org/shop/web:1.2.3'), 'hardening/image-digest', 'spec.template.spec.containers[0].image'],
    ['untrusted registry', (d) => (ctr(d).image = `quay.io/shop/web:1.2.3@${DIGEST}`), 'hardening/trusted-registry', 'spec.template.spec.containers[0].image'],
    ['sensitive hostPath (docker socket)', (d) => (dep(d).volumes[0].hostPath.path = '/var/run/docker.sock'), 'hardening/sensitive-host-path', 'spec.template.spec.volumes[0].hostPath.path', 'CRITICAL'],
    ['sensitive hostPath below /etc', (d) => (dep(d).volumes[0].hostPath.path = '/etc/kubernetes/'), 'hardening/sensitive-host-path', 'spec.template.spec.volumes[0].hostPath.path', 'HIGH'],
    ['literal password in env', (d) => ctr(d).env.push({ name: 'DB_PASSWORD', value: 'hunter2-prod' }), 'hardening/secret-in-env', 'spec.template.spec.containers[0].env[3].value'],
    ['ConfigMap with a password key', (d) => (d[4]!.data.password = 's3cr3t-value'), 'hardening/configmap-credentials', 'data.password'],
    ['ConfigMap with a private key in a file', (d) => (d[4]!.data['tls.key'] = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n'), 'hardening/configmap-credentials', 'data["tls.key"]'],
    ['Service of type LoadBalancer', (d) => (d[2]!.spec.type = 'LoadBalancer'), 'hardening/service-type', 'spec.type'],
    ['Service of type NodePort', (d) => (d[2]!.spec.type = 'NodePort'), 'hardening/service-type', 'spec.type', 'LOW'],
    ['Ingress without TLS', (d) => delete d[3]!.spec.tls, 'hardening/ingress-tls', 'spec.tls'],
    ['Ingress host not covered by TLS', (d) => d[3]!.spec.rules.push({ host: 'a.b.example.org' }), 'hardening/ingress-tls', 'spec.rules[1].host'],
    ['PDB selecting other pods', (d) => (d[1]!.spec.selector = { matchLabels: { app: 'api' } }), 'hardening/pod-disruption-budget', 'spec.replicas'],
    ['PDB in another namespace', (d) => (d[1]!.metadata.namespace = 'other'), 'hardening/pod-disruption-budget', 'spec.replicas'],
  ];

  it.each(cases)('%s → %s', (_name, mutate, ruleId, field, severity) => {
    const docs = base();
    mutate(docs);
    const r = run(docs);
    expect(r.findings.map((f) => f.ruleId)).toEqual([ruleId]);
    expect(r.findings[0]!.field).toBe(field);
    if (severity) expect(r.findings[0]!.severity).toBe(severity);
    expect(r.findings[0]!.links.length).toBeGreaterThan(0);
  });

  it('pod-level settings count for every container; container settings override them', () => {
    const docs = base();
    ctr(docs).securityContext.runAsNonRoot = false;
    ctr(docs).securityContext.runAsUser = undefined;
    dep(docs).securityContext.runAsUser = undefined;
    expect(run(docs).findings.map((f) => f.ruleId)).toEqual(['hardening/run-as-non-root']);
    const ok = base();
    delete ok[0]!.spec.template.spec.securityContext.seccompProfile;
    ctr(ok).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    expect(run(ok).findings).toEqual([]);
  });

  it('a limit alone sets the request; a PDB with an empty selector covers the namespace; a matchExpressions PDB', () => {
    const docs = base();
    ctr(docs).resources = { limits: { cpu: '1', memory: '1Gi' } };
    docs[1]!.spec.selector = {};
    expect(run(docs).findings).toEqual([]);
    docs[1]!.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] };
    expect(run(docs).findings).toEqual([]);
    docs[1]!.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] };
    expect(run(docs).findings.map((f) => f.ruleId)).toEqual(['hardening/pod-disruption-budget']);
    docs[0]!.spec.replicas = 1;
    expect(run(docs).findings).toEqual([]);
  });

  it('a ServiceAccount with automountServiceAccountToken: false in the input is enough', () => {
    const docs = base();
    delete dep(docs).automountServiceAccountToken;
    docs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: false });
    expect(run(docs).findings).toEqual([]);
  });

  it('images: latest or no tag, Docker Hub is a warning without a trusted list, trusted prefixes', () => {
    const docs = base();
    ctr(docs).image = 'nginx';
    expect(run(docs, null).findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`)).toEqual([
      'hardening/image-digest LOW image "nginx" of container "web" is referenced by tag, not by digest',
      'hardening/image-latest MEDIUM image "nginx" of container "web" has no tag (means "latest")',
      'hardening/trusted-registry LOW image "nginx" of container "web" comes from Docker Hub (no --trusted-registries given)',
    ]);
    ctr(docs).image = `registry.example.org/shop/web:latest@${DIGEST}`;
    expect(run(docs).findings).toEqual([]); // a digest pins it whatever the tag says
    expect(parseImageName('localhost:5000/app:1')).toEqual({ registry: 'localhost:5000', repository: 'app', tag: '1' });
    expect(parseImageName('index.docker.io/nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx' });
    expect(isTrustedImage(parseImageName('ghcr.io/acme/app:1'), ['ghcr.io/acme'])).toBe(true);
    expect(isTrustedImage(parseImageName('ghcr.io/acme-evil/app:1'), ['ghcr.io/acme'])).toBe(false);
    expect(isTrustedImage(parseImageName('nginx:1'), ['docker.io'])).toBe(true);
  });

  it('every rule has an id, rationale, remediation, links and kinds', () => {
    for (const r of HARDENING_RULES) {
      expect(r.id).toMatch(/^hardening\/[a-z-]+$/);
      expect(r.rationale.length).toBeGreaterThan(20);
      expect(r.remediation.length).toBeGreaterThan(10);
      expect(r.links.every((l) => l.startsWith('https://'))).toBe(true);
      expect(r.kinds.length).toBeGreaterThan(0);
    }
    expect(new Set(HARDENING_RULES.map((r) => r.id)).size).toBe(HARDENING_RULES.length);
  });
});

/**
 * `portcullis admission manifests`: everything that deploys the webhook so that it cannot lock a
 * cluster — a Namespace enforcing Pod Security `restricted`, a ServiceAccount without a token, the
 * policies as a ConfigMap, the TLS Secret (or cert-manager Issuers and Certificates), a Deployment
 * (2+ replicas, spread and anti-affinity, restricted security context, read-only root, HTTPS
 * probes), a PodDisruptionBudget, NetworkPolicies (default deny, HTTPS in), the Service, and the Validating and Mutating
 * WebhookConfigurations: `sideEffects: NoneOnDryRun`, `failurePolicy` per webhook,
 * `timeoutSeconds`, a namespaceSelector and `matchConditions` that skip kube-system and the
 * webhook's own namespace, `reinvocationPolicy: IfNeeded` on the mutating one.
 */
import { stringify } from 'yaml';
import type { WebhookCertificates } from './certs.js';
import { TLS_CERT_FILE, TLS_KEY_FILE } from './serve.js';

export const WEBHOOK_NAME = 'portcullis-webhook';
export const WEBHOOK_PORT = 8443;
const POLICY_DIR = '/etc/portcullis/policies';
const TLS_DIR = '/etc/portcullis/tls';

export interface ManifestOptions {
  namespace: string;
  image: string;
  replicas: number;
  /** The webhook configurations' timeoutSeconds (1–30); the server's budget is derived from it. */
  timeoutSeconds: number;
  validateFailurePolicy: 'Fail' | 'Ignore';
  mutateFailurePolicy: 'Fail' | 'Ignore';
  /** Generated certificates, or cert-manager. */
  tls: { kind: 'generated'; certs: WebhookCertificates } | { kind: 'cert-manager' };
  /** Policy files (name → text) for the ConfigMap; empty: the ConfigMap is expected to exist. */
  policyFiles: Readonly<Record<string, string>>;
  /** More `admission serve` arguments (evidence flags, failure modes). */
  serveArgs: readonly string[];
}

type Obj = Record<string, unknown>;

const b64 = (s: string) => Buffer.from(s).toString('base64');

function labels(): Record<string, string> {
  return { 'app.kubernetes.io/name': WEBHOOK_NAME, 'app.kubernetes.io/part-of': 'portcullis' };
}

function deployment(o: ManifestOptions): Obj {
  const selector = { 'app.kubernetes.io/name': WEBHOOK_NAME };
  const probe = (path: string) => ({ httpGet: { path, port: 'https', scheme: 'HTTPS' }, periodSeconds: 10, timeoutSeconds: 2 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: WEBHOOK_NAME, namespace: o.namespace, labels: labels() },
    spec: {
      replicas: o.replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels() },
        spec: {
          serviceAccountName: WEBHOOK_NAME,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          // Preferred, not required: a rollout (maxSurge 1) on as many nodes as replicas must not stall.
          affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' } }] } },
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
          containers: [
            {
              name: 'webhook',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              args: ['admission', 'serve', '--policy', POLICY_DIR, '--listen', `0.0.0.0:${WEBHOOK_PORT}`, '--tls-dir', TLS_DIR, '--timeout-seconds', String(o.timeoutSeconds), ...o.serveArgs],
              ports: [{ name: 'https', containerPort: WEBHOOK_PORT, protocol: 'TCP' }],
              readinessProbe: probe('/readyz'),
              livenessProbe: probe('/healthz'),
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
              volumeMounts: [
                { name: 'tls', mountPath: TLS_DIR, readOnly: true },
                { name: 'policies', mountPath: POLICY_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'tls', secret: { secretName: `${WEBHOOK_NAME}-tls`, items: [{ key: 'tls.crt', path: TLS_CERT_FILE }, { key: 'tls.key', path: TLS_KEY_FILE }] } },
            { name: 'policies', configMap: { name: `${WEBHOOK_NAME}-policies` } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

/** The resources whose pods the webhook reviews. */
const RULES = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'] },
].map((r) => ({ operations: ['CREATE', 'UPDATE'], ...r, scope: 'Namespaced' }));

function webhook(o: ManifestOptions, kind: 'validate' | 'mutate', caBundle: string | undefined): Obj {
  const excluded = [...new Set(['kube-system', o.namespace])];
  return {
    name: `${kind}.portcullis.dev`,
    admissionReviewVersions: ['v1'],
    sideEffects: 'NoneOnDryRun',
    failurePolicy: kind === 'validate' ? o.validateFailurePolicy : o.mutateFailurePolicy,
    timeoutSeconds: o.timeoutSeconds,
    matchPolicy: 'Equivalent',
    clientConfig: { service: { namespace: o.namespace, name: WEBHOOK_NAME, path: `/${kind}`, port: 443 }, ...(caBundle ? { caBundle } : {}) },
    rules: RULES,
    namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] },
    matchConditions: excluded.map((ns) => ({ name: `exclude-${ns}`, expression: `request.namespace != '${ns}'` })),
    ...(kind === 'mutate' ? { reinvocationPolicy: 'IfNeeded' } : {}),
  };
}

function certManagerObjects(o: ManifestOptions): Obj[] {
  const ns = o.namespace;
  const dns = [`${WEBHOOK_NAME}.${ns}.svc`, `${WEBHOOK_NAME}.${ns}.svc.cluster.local`];
  return [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: `${WEBHOOK_NAME}-selfsigned`, namespace: ns }, spec: { selfSigned: {} } },
    { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: `${WEBHOOK_NAME}-ca`, namespace: ns }, spec: { isCA: true, commonName: 'portcullis admission webhook CA', secretName: `${WEBHOOK_NAME}-ca`, duration: '87600h', privateKey: { algorithm: 'ECDSA', size: 256 }, issuerRef: { name: `${WEBHOOK_NAME}-selfsigned`, kind: 'Issuer' } } },
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: `${WEBHOOK_NAME}-ca`, namespace: ns }, spec: { ca: { secretName: `${WEBHOOK_NAME}-ca` } } },
    { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: WEBHOOK_NAME, namespace: ns }, spec: { secretName: `${WEBHOOK_NAME}-tls`, dnsNames: dns, duration: '2160h', renewBefore: '360h', privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' }, usages: ['server auth', 'digital signature', 'key encipherment'], issuerRef: { name: `${WEBHOOK_NAME}-ca`, kind: 'Issuer' } } },
  ];
}

/** Every object, in the order to apply them. */
export function webhookObjects(o: ManifestOptions): Obj[] {
  const ns = o.namespace;
  const meta = (name: string) => ({ name, namespace: ns, labels: labels() });
  const caBundle = o.tls.kind === 'generated' ? b64(o.tls.certs.caCert) : undefined;
  const injected = o.tls.kind === 'cert-manager' ? { annotations: { 'cert-manager.io/inject-ca-from': `${ns}/${WEBHOOK_NAME}` } } : {};
  const out: Obj[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns, 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(WEBHOOK_NAME), automountServiceAccountToken: false },
  ];
  if (Object.keys(o.policyFiles).length) out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${WEBHOOK_NAME}-policies`), data: { ...o.policyFiles } });
  if (o.tls.kind === 'generated') out.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: meta(`${WEBHOOK_NAME}-tls`), data: { 'tls.crt': b64(o.tls.certs.cert), 'tls.key': b64(o.tls.certs.key), 'ca.crt': b64(o.tls.certs.caCert) } });
  else out.push(...certManagerObjects(o));
  out.push(
    deployment(o),
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(WEBHOOK_NAME), spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': WEBHOOK_NAME } } } },
    // Default deny in the namespace; the webhook takes HTTPS from the API server (any source: its
    // address is the control plane's) and reaches DNS, registries and the metadata server (TCP).
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(WEBHOOK_NAME),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': WEBHOOK_NAME } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: WEBHOOK_PORT }] }],
        egress: [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }, { ports: [{ protocol: 'TCP' }] }],
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta(WEBHOOK_NAME), spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': WEBHOOK_NAME }, ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] } },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: WEBHOOK_NAME, labels: labels(), ...injected }, webhooks: [webhook(o, 'validate', caBundle)] },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: WEBHOOK_NAME, labels: labels(), ...injected }, webhooks: [webhook(o, 'mutate', caBundle)] },
  );
  return out;
}

/** A multi-document YAML stream. */
export function renderManifests(objects: readonly Obj[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}

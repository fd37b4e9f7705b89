/**
 * The `secrets` rule set: Secrets and how they are used, across the input.
 *
 * - Encryption at rest: when an EncryptionConfiguration (apiserver.config.k8s.io/v1) is in the
 *   input, the first `resources` entry covering secrets (`secrets`, `*.` or `*.*`) must exist and
 *   its first provider (the one that writes) must not be `identity`.
 * - Size: the API server refuses Secrets above 1 MiB (data decoded plus stringData).
 * - Exposure: secrets read through env (`env[].valueFrom.secretKeyRef`, `envFrom[].secretRef`)
 *   leak into child processes, crash dumps and `/proc/<pid>/environ`; volumes are preferred.
 * - Opaque Secrets holding private keys should use the typed kinds (`kubernetes.io/tls`,
 *   `kubernetes.io/ssh-auth`) so tools treat them as keys (informational).
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
import { looksLikePrivateKey } from '../../_credentials.js';
import type { RuleDef } from '../../rule.js';
import { type ConfigFinding, isRecord } from '../../../core/index.js';
import { findingFromHits, type Hit, type RelatedField } from '../_finding.js';
import type { LoadResult, ManifestObject } from '../load.js';
import { asArray, containersOf, str } from '../pss/_helpers.js';
import { podTemplateOf } from '../workloads.js';

const DOC = 'https://kubernetes.io/docs/concepts/configuration/secret/';
export const MAX_SECRET_BYTES = 1 << 20;

export const SECRETS_RULES = {
  encryptionAtRest: {
    id: 'secrets/encryption-at-rest',
    title: 'Secrets not encrypted at rest',
    severity: 'HIGH',
    rationale: 'With identity first (or no entry for secrets), Secrets are written to etcd in plain text: anyone with an etcd backup or disk reads every credential.',
    remediation: 'Add a resources entry for secrets whose first provider is kms (v2), aescbc, aesgcm or secretbox; keep identity only last, for reading old data.',
    links: ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/'],
    kinds: ['EncryptionConfiguration'],
  },
  tooLarge: {
    id: 'secrets/too-large',
    title: 'Secret larger than 1 MiB',
    severity: 'MEDIUM',
    rationale: 'The API server rejects Secrets above 1 MiB; large Secrets also strain the API server and kubelet memory.',
    remediation: 'Split the Secret, or keep large material in a volume or an external store and reference it.',
    links: [`${DOC}#restriction-data-size`],
    kinds: ['Secret'],
  },
  envExposure: {
    id: 'secrets/env-exposure',
    title: 'Secret exposed as environment variables',
    severity: 'LOW',
    rationale: 'Environment variables are inherited by child processes, printed in crash reports and debug endpoints and readable in /proc; files in a secret volume are not, and are updated on rotation.',
    remediation: 'Mount the Secret as a volume and read the file, instead of env.valueFrom.secretKeyRef or envFrom.secretRef.',
    links: [`${DOC}#using-secrets-as-files-from-a-pod`, 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/'],
    kinds: ['workload'],
  },
  privateKeyInOpaque: {
    id: 'secrets/private-key-in-opaque',
    title: 'Private key in an Opaque Secret (informational)',
    severity: 'LOW',
    rationale: 'Keys in Opaque Secrets are invisible to tooling that manages and rotates certificates and SSH keys by Secret type.',
    remediation: 'Store TLS keys as type kubernetes.io/tls and SSH keys as type kubernetes.io/ssh-auth.',
    links: [`${DOC}#secret-types`],
    kinds: ['Secret'],
  },
} as const satisfies Record<string, RuleDef>;

export const SECRETS_RULE_LIST: readonly RuleDef[] = Object.values(SECRETS_RULES);

const quote = (s: string) => JSON.stringify(s);
const isSecret = (o: ManifestObject) => o.kind === 'Secret' && o.apiVersion === 'v1';

function decodedSize(v: unknown): number {
  if (typeof v !== 'string') return 0;
  return Buffer.from(v.replace(/\s+/g, ''), 'base64').length;
}

function decoded(v: unknown): string {
  return typeof v === 'string' ? Buffer.from(v.replace(/\s+/g, ''), 'base64').toString('latin1') : '';
}

/** Whether an EncryptionConfiguration resources entry names secrets. */
const coversSecrets = (resources: unknown) => asArray(resources).some((r) => r === 'secrets' || r === '*.' || r === '*.*');

function checkEncryption(obj: ManifestObject, secrets: readonly ManifestObject[]): Hit[] {
  const rel: RelatedField[] = secrets.map((s) => ({ obj: s, path: ['metadata', 'name'] }));
  const entries = asArray(obj.value.resources);
  const i = entries.findIndex((e) => isRecord(e) && coversSecrets(e.resources));
  if (i < 0) return [{ path: ['resources'], message: 'no resources entry covers secrets: Secrets are stored unencrypted', related: rel }];
  const providers = asArray((entries[i] as Record<string, unknown>).providers);
  const first = providers[0];
  const firstName = isRecord(first) ? Object.keys(first)[0] : undefined;
  if (firstName === undefined) return [{ path: ['resources', i, 'providers'], message: 'the entry for secrets has no providers', related: rel }];
  if (firstName === 'identity') return [{ path: ['resources', i, 'providers', 0], message: 'the first provider for secrets is identity: new Secrets are written unencrypted', related: rel }];
  return [];
}

export function secretsFindings(load: LoadResult): { findings: ConfigFinding[]; notes: string[] } {
  const findings: ConfigFinding[] = [];
  const secrets = load.objects.filter(isSecret);
  const byName = new Map(secrets.map((s) => [`${s.namespace ?? 'default'}/${s.name}`, s]));
  const push = (rule: RuleDef, obj: ManifestObject, hits: Hit[]) => {
    const f = findingFromHits('secrets', rule, obj, hits);
    if (f) findings.push(f);
  };
  for (const obj of load.objects) {
    if (obj.kind === 'EncryptionConfiguration' && obj.apiVersion === 'apiserver.config.k8s.io/v1') push(SECRETS_RULES.encryptionAtRest, obj, checkEncryption(obj, secrets));
    else if (isSecret(obj)) {
      const data = isRecord(obj.value.data) ? obj.value.data : {};
      const stringData = isRecord(obj.value.stringData) ? obj.value.stringData : {};
      let size = 0;
      for (const v of Object.values(data)) size += decodedSize(v);
      for (const v of Object.values(stringData)) size += Buffer.byteLength(str(v));
      if (size > MAX_SECRET_BYTES) push(SECRETS_RULES.tooLarge, obj, [{ path: ['data'], message: `Secret holds ${size} bytes of data, more than the 1 MiB (${MAX_SECRET_BYTES} bytes) the API server accepts`, properties: { bytes: size } }]);
      const type = obj.value.type ?? 'Opaque';
      if (type === 'Opaque') {
        const keys: Hit[] = [];
        for (const [k, v] of Object.entries(data)) if (looksLikePrivateKey(decoded(v))) keys.push({ path: ['data', k], message: `key ${quote(k)} holds a private key in an Opaque Secret` });
        for (const [k, v] of Object.entries(stringData)) if (looksLikePrivateKey(str(v))) keys.push({ path: ['stringData', k], message: `key ${quote(k)} holds a private key in an Opaque Secret` });
        push(SECRETS_RULES.privateKeyInOpaque, obj, keys);
      }
    } else {
      const tpl = podTemplateOf(obj);
      if (!tpl) continue;
      const ns = obj.namespace ?? 'default';
      const hits: Hit[] = [];
      for (const c of containersOf(tpl.spec)) {
        const at = [...tpl.base, ...c.path];
        asArray(c.container.env).forEach((e, i) => {
          const ref = isRecord(e) && isRecord(e.valueFrom) && isRecord(e.valueFrom.secretKeyRef) ? e.valueFrom.secretKeyRef : undefined;
          if (!ref) return;
          const secret = byName.get(`${ns}/${str(ref.name)}`);
          hits.push({ path: [...at, 'env', i, 'valueFrom', 'secretKeyRef'], container: c.name, message: `container ${quote(c.name)} reads key ${quote(str(ref.key))} of Secret ${quote(str(ref.name))} into env ${quote(str((e as Record<string, unknown>).name))}`, ...(secret ? { related: [{ obj: secret, path: ['metadata', 'name'] }] } : {}) });
        });
        asArray(c.container.envFrom).forEach((e, i) => {
          const ref = isRecord(e) && isRecord(e.secretRef) ? e.secretRef : undefined;
          if (!ref) return;
          const secret = byName.get(`${ns}/${str(ref.name)}`);
          hits.push({ path: [...at, 'envFrom', i, 'secretRef'], container: c.name, message: `container ${quote(c.name)} loads every key of Secret ${quote(str(ref.name))} into env (envFrom)`, ...(secret ? { related: [{ obj: secret, path: ['metadata', 'name'] }] } : {}) });
        });
      }
      push(SECRETS_RULES.envExposure, obj, hits);
    }
  }
  return { findings, notes: [] };
}

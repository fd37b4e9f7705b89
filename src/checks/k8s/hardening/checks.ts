/**
 * The small check functions of the hardening rules. Each reads one object (with its pod
 * template for workloads) and answers hits; definitions, severities and texts are in `rules.ts`.
 */
import { credentialInValue, isCredentialName, isLiteralSecretValue } from '../../_credentials.js';
import type { Hit } from '../_finding.js';
import type { ManifestObject } from '../load.js';
import { containersOf, asArray, str, type VisitedContainer } from '../pss/_helpers.js';
import type { FieldPath, PodSpecLike, SecurityContextLike } from '../pss/types.js';
import { labelsOf, type ParsedSelector } from '../selectors.js';
import type { PodTemplate } from '../workloads.js';
import { DOCKER_HUB, isTrustedImage, parseImageName } from './images.js';
import { isRecord } from '../../../core/index.js';

/** What the checks can see besides the object: other objects of the input, and options. */
export interface HardeningIndex {
  /** PodDisruptionBudgets by namespace, with their parsed selectors. */
  pdbs: Map<string, { obj: ManifestObject; selector: ParsedSelector }[]>;
  /** ServiceAccounts by `namespace/name`. */
  serviceAccounts: Map<string, ManifestObject>;
  /** `--trusted-registries`; undefined when not given (then Docker Hub images are a warning). */
  trustedRegistries?: readonly string[];
}

export interface HardeningContext {
  obj: ManifestObject;
  /** Set for workloads. */
  tpl?: PodTemplate;
  index: HardeningIndex;
}

export type HardeningCheck = (ctx: HardeningContext) => Hit[];

type PlacedContainer = VisitedContainer & { at: FieldPath };

/** Containers per pod template, visited once for all rules (the checks only read them). */
const placedContainers = new WeakMap<PodTemplate, readonly PlacedContainer[]>();

/** Containers of a workload with paths relative to the object. */
function containers(ctx: HardeningContext, opts: { ephemeral?: boolean } = {}): readonly PlacedContainer[] {
  if (!ctx.tpl) return [];
  let all = placedContainers.get(ctx.tpl);
  if (!all) {
    const base = ctx.tpl.base;
    all = containersOf(ctx.tpl.spec).map((c) => ({ ...c, at: [...base, ...c.path] }));
    placedContainers.set(ctx.tpl, all);
  }
  return opts.ephemeral === false ? all.filter((c) => c.path[1] !== 'ephemeralContainers') : all;
}

const sc = (x: { securityContext?: SecurityContextLike | null } | undefined): SecurityContextLike => (isRecord(x?.securityContext) ? x!.securityContext! : {});
const podSc = (spec: PodSpecLike): SecurityContextLike => sc(spec);
const quote = (s: string) => JSON.stringify(s);

export const checkRunAsNonRoot: HardeningCheck = (ctx) => {
  const hits: Hit[] = [];
  const pod = podSc(ctx.tpl!.spec);
  const base = ctx.tpl!.base;
  for (const c of containers(ctx)) {
    const own = sc(c.container);
    const user = own.runAsUser ?? pod.runAsUser;
    const nonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
    if (user === 0) {
      const where: FieldPath = own.runAsUser !== undefined ? [...c.at, 'securityContext', 'runAsUser'] : [...base, 'spec', 'securityContext', 'runAsUser'];
      hits.push({ path: where, container: c.name, severity: 'HIGH', message: `container ${quote(c.name)} runs as root (runAsUser=0)` });
    } else if (nonRoot !== true && !(typeof user === 'number' && user > 0)) {
      hits.push({ path: [...c.at, 'securityContext', 'runAsNonRoot'], container: c.name, message: `container ${quote(c.name)} may run as root: runAsNonRoot is not true and runAsUser is not set above 0` });
    }
  }
  return hits;
};

export const checkDropCapabilities: HardeningCheck = (ctx) =>
  containers(ctx).flatMap((c) => {
    const drop = asArray(sc(c.container).capabilities?.drop).map(str);
    return drop.includes('ALL') ? [] : [{ path: [...c.at, 'securityContext', 'capabilities', 'drop'], container: c.name, message: `container ${quote(c.name)} does not drop all capabilities (capabilities.drop lacks "ALL")` }];
  });

export const checkAllowPrivilegeEscalation: HardeningCheck = (ctx) =>
  containers(ctx).flatMap((c) => {
    const v = sc(c.container).allowPrivilegeEscalation;
    return v === false ? [] : [{ path: [...c.at, 'securityContext', 'allowPrivilegeEscalation'], container: c.name, message: `container ${quote(c.name)} ${v === true ? 'sets allowPrivilegeEscalation=true' : 'does not set allowPrivilegeEscalation=false'}` }];
  });

export const checkReadOnlyRootFilesystem: HardeningCheck = (ctx) =>
  containers(ctx).flatMap((c) => {
    const v = (sc(c.container) as { readOnlyRootFilesystem?: unknown }).readOnlyRootFilesystem;
    return v === true ? [] : [{ path: [...c.at, 'securityContext', 'readOnlyRootFilesystem'], container: c.name, message: `container ${quote(c.name)} has a writable root filesystem (readOnlyRootFilesystem is not true)` }];
  });

const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

export const checkSeccomp: HardeningCheck = (ctx) => {
  const pod = podSc(ctx.tpl!.spec).seccompProfile;
  const podType = isRecord(pod) ? pod.type : undefined;
  return containers(ctx).flatMap((c) => {
    const own = sc(c.container).seccompProfile;
    const type = (isRecord(own) ? own.type : undefined) ?? podType;
    if (typeof type === 'string' && SECCOMP_OK.has(type)) return [];
    const path: FieldPath = isRecord(own) && own.type !== undefined ? [...c.at, 'securityContext', 'seccompProfile', 'type'] : [...c.at, 'securityContext', 'seccompProfile'];
    return [{ path, container: c.name, message: `container ${quote(c.name)} ${type === undefined ? 'has no seccomp profile' : `uses seccomp profile ${quote(str(type))}`} (want RuntimeDefault or Localhost)` }];
  });
};

/** Requests default to limits when only limits are set, so a limit satisfies its request. */
export const checkResources: HardeningCheck = (ctx) =>
  containers(ctx, { ephemeral: false }).flatMap((c) => {
    const res = isRecord((c.container as { resources?: unknown }).resources) ? ((c.container as { resources: Record<string, unknown> }).resources) : {};
    const req = isRecord(res.requests) ? res.requests : {};
    const lim = isRecord(res.limits) ? res.limits : {};
    const missing: string[] = [];
    if (req.cpu === undefined && lim.cpu === undefined) missing.push('requests.cpu');
    if (req.memory === undefined && lim.memory === undefined) missing.push('requests.memory');
    if (lim.memory === undefined) missing.push('limits.memory');
    if (missing.length === 0) return [];
    return [{ path: [...c.at, 'resources'], container: c.name, message: `container ${quote(c.name)} has no resources.${missing.join(', resources.')}` }];
  });

function serviceAccountName(spec: PodSpecLike): string | undefined {
  const s = spec as { serviceAccountName?: unknown; serviceAccount?: unknown };
  const v = s.serviceAccountName ?? s.serviceAccount;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export const checkDefaultServiceAccount: HardeningCheck = (ctx) => {
  const name = serviceAccountName(ctx.tpl!.spec);
  if (name && name !== 'default') return [];
  return [{ path: [...ctx.tpl!.base, 'spec', 'serviceAccountName'], message: name ? 'pod uses the "default" service account' : 'pod uses the namespace\'s "default" service account (no serviceAccountName)' }];
};

export const checkAutomountToken: HardeningCheck = (ctx) => {
  const spec = ctx.tpl!.spec as PodSpecLike & { automountServiceAccountToken?: unknown };
  if (spec.automountServiceAccountToken === false) return [];
  const path: FieldPath = [...ctx.tpl!.base, 'spec', 'automountServiceAccountToken'];
  if (spec.automountServiceAccountToken === true) return [{ path, message: 'pod sets automountServiceAccountToken=true' }];
  const sa = serviceAccountName(spec) ?? 'default';
  const saObj = ctx.index.serviceAccounts.get(`${ctx.obj.namespace ?? 'default'}/${sa}`);
  if (saObj && saObj.value.automountServiceAccountToken === false) return [];
  return [
    {
      path,
      message: `the token of service account ${quote(sa)} is mounted (automountServiceAccountToken is not false on the pod${saObj ? ' or the ServiceAccount' : ''})`,
      ...(saObj ? { related: [{ obj: saObj, path: ['automountServiceAccountToken'] }] } : {}),
    },
  ];
};

function images(ctx: HardeningContext) {
  return containers(ctx).flatMap((c) => (typeof c.container.image === 'string' ? [{ c, image: c.container.image as string, path: [...c.at, 'image'] as FieldPath }] : []));
}

export const checkImageDigest: HardeningCheck = (ctx) =>
  images(ctx).flatMap(({ c, image, path }) => (parseImageName(image).digest ? [] : [{ path, container: c.name, message: `image ${quote(image)} of container ${quote(c.name)} is referenced by tag, not by digest` }]));

export const checkImageLatest: HardeningCheck = (ctx) =>
  images(ctx).flatMap(({ c, image, path }) => {
    const n = parseImageName(image);
    if (n.digest) return [];
    if (n.tag === 'latest') return [{ path, container: c.name, message: `image ${quote(image)} of container ${quote(c.name)} uses the "latest" tag` }];
    if (n.tag === undefined) return [{ path, container: c.name, message: `image ${quote(image)} of container ${quote(c.name)} has no tag (means "latest")` }];
    return [];
  });

export const checkTrustedRegistry: HardeningCheck = (ctx) =>
  images(ctx).flatMap(({ c, image, path }) => {
    const n = parseImageName(image);
    const trusted = ctx.index.trustedRegistries;
    if (trusted) {
      if (isTrustedImage(n, trusted)) return [];
      return [{ path, container: c.name, message: `image ${quote(image)} of container ${quote(c.name)} comes from registry ${quote(n.registry)}, not in the trusted list`, properties: { registry: n.registry } }];
    }
    if (n.registry !== DOCKER_HUB) return [];
    return [{ path, container: c.name, severity: 'LOW', message: `image ${quote(image)} of container ${quote(c.name)} comes from Docker Hub (no --trusted-registries given)`, properties: { registry: n.registry } }];
  });

/** Host paths that give a container the node: exact path or anything below it (`/` only exactly). */
export const SENSITIVE_HOST_PATHS: readonly { path: string; severity: 'CRITICAL' | 'HIGH'; what: string; exact?: boolean }[] = [
  { path: '/', severity: 'CRITICAL', what: "the node's root filesystem", exact: true },
  { path: '/var/run/docker.sock', severity: 'CRITICAL', what: 'the Docker socket' },
  { path: '/run/docker.sock', severity: 'CRITICAL', what: 'the Docker socket' },
  { path: '/var/run/docker', severity: 'CRITICAL', what: 'the Docker runtime directory' },
  { path: '/run/containerd', severity: 'CRITICAL', what: 'the containerd socket directory' },
  { path: '/var/run/containerd', severity: 'CRITICAL', what: 'the containerd socket directory' },
  { path: '/var/run/crio', severity: 'CRITICAL', what: 'the CRI-O socket directory' },
  { path: '/run/crio', severity: 'CRITICAL', what: 'the CRI-O socket directory' },
  { path: '/var/lib/kubelet', severity: 'HIGH', what: "the kubelet's state (pod volumes, credentials)" },
  { path: '/var/lib/docker', severity: 'HIGH', what: "Docker's state" },
  { path: '/var/lib/containerd', severity: 'HIGH', what: "containerd's state" },
  { path: '/etc', severity: 'HIGH', what: "the node's configuration" },
  { path: '/proc', severity: 'HIGH', what: "the node's /proc" },
  { path: '/sys', severity: 'HIGH', what: "the node's /sys" },
  { path: '/dev', severity: 'HIGH', what: "the node's devices" },
  { path: '/boot', severity: 'HIGH', what: "the node's boot files" },
  { path: '/root', severity: 'HIGH', what: "root's home directory" },
  { path: '/home', severity: 'HIGH', what: 'home directories' },
  { path: '/usr', severity: 'HIGH', what: "the node's programs" },
  { path: '/bin', severity: 'HIGH', what: "the node's programs" },
  { path: '/sbin', severity: 'HIGH', what: "the node's programs" },
  { path: '/lib', severity: 'HIGH', what: "the node's libraries" },
];

export function normaliseHostPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

export const checkSensitiveHostPath: HardeningCheck = (ctx) => {
  const hits: Hit[] = [];
  asArray(ctx.tpl!.spec.volumes).forEach((vol, i) => {
    if (!isRecord(vol) || !isRecord(vol.hostPath) || typeof vol.hostPath.path !== 'string') return;
    const p = normaliseHostPath(vol.hostPath.path);
    const m = SENSITIVE_HOST_PATHS.find((s) => p === s.path || (!s.exact && p.startsWith(`${s.path}/`)));
    if (m) hits.push({ path: [...ctx.tpl!.base, 'spec', 'volumes', i, 'hostPath', 'path'], severity: m.severity, message: `volume ${quote(str(vol.name))} mounts host path ${quote(vol.hostPath.path)} (${m.what})` });
  });
  return hits;
};

export const checkSecretInEnv: HardeningCheck = (ctx) =>
  containers(ctx).flatMap((c) =>
    asArray((c.container as { env?: unknown }).env).flatMap((e, i) => {
      if (!isRecord(e) || typeof e.name !== 'string' || e.valueFrom !== undefined) return [];
      if (!isCredentialName(e.name) || !isLiteralSecretValue(e.value)) return [];
      return [{ path: [...c.at, 'env', i, 'value'], container: c.name, message: `container ${quote(c.name)} passes ${quote(e.name)} as a literal env value` }];
    }),
  );

export const checkConfigMapCredentials: HardeningCheck = (ctx) => {
  const data = ctx.obj.value.data;
  if (!isRecord(data)) return [];
  const hits: Hit[] = [];
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const value = String(v);
    if (isCredentialName(k) && isLiteralSecretValue(value) && !value.includes('\n')) hits.push({ path: ['data', k], message: `key ${quote(k)} holds what looks like a credential` });
    else {
      const why = credentialInValue(value);
      if (why) hits.push({ path: ['data', k], message: `key ${quote(k)} holds ${why}` });
    }
  }
  return hits;
};

export const checkServiceType: HardeningCheck = (ctx) => {
  const t = isRecord(ctx.obj.value.spec) ? ctx.obj.value.spec.type : undefined;
  if (t === 'LoadBalancer') return [{ path: ['spec', 'type'], message: 'Service of type LoadBalancer exposes the pods outside the cluster' }];
  if (t === 'NodePort') return [{ path: ['spec', 'type'], severity: 'LOW', message: 'Service of type NodePort opens a port on every node' }];
  return [];
};

function hostCovered(host: string, tlsHosts: readonly string[]): boolean {
  return tlsHosts.some((t) => t === host || (t.startsWith('*.') && host.endsWith(t.slice(1)) && !host.slice(0, -t.length + 1).includes('.')));
}

export const checkIngressTls: HardeningCheck = (ctx) => {
  const spec = isRecord(ctx.obj.value.spec) ? ctx.obj.value.spec : {};
  const tls = asArray(spec.tls).filter(isRecord);
  if (tls.length === 0) return [{ path: ['spec', 'tls'], message: 'Ingress has no TLS section: traffic is served over plain HTTP' }];
  const tlsHosts = tls.flatMap((t) => asArray(t.hosts).map(str));
  const hits: Hit[] = [];
  asArray(spec.rules).forEach((r, i) => {
    if (isRecord(r) && typeof r.host === 'string' && r.host !== '' && !hostCovered(r.host, tlsHosts)) hits.push({ path: ['spec', 'rules', i, 'host'], message: `host ${quote(r.host)} is not covered by spec.tls` });
  });
  return hits;
};

const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

export const checkPodDisruptionBudget: HardeningCheck = (ctx) => {
  if (!REPLICATED_KINDS.has(ctx.obj.kind)) return [];
  const spec = isRecord(ctx.obj.value.spec) ? ctx.obj.value.spec : {};
  const replicas = spec.replicas === undefined ? 1 : spec.replicas;
  if (typeof replicas !== 'number' || replicas <= 1) return [];
  const labels = labelsOf(ctx.tpl!.meta);
  const pdbs = ctx.index.pdbs.get(ctx.obj.namespace ?? 'default') ?? [];
  if (pdbs.some((p) => p.selector.matches(labels))) return [];
  return [{ path: ['spec', 'replicas'], message: `${replicas} replicas and no PodDisruptionBudget in namespace ${quote(ctx.obj.namespace ?? 'default')} selects the pod labels`, properties: { replicas, podDisruptionBudgetsInNamespace: pdbs.length } }];
};

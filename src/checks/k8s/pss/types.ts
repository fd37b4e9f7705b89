/**
 * Types for the Pod Security Standards checks: the levels, policy versions, the slice of the pod
 * API the controls read, and the shape of a control (id, level, versioned checks).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

/** The levels a namespace can be labelled with. `privileged` means no checks. */
export const PSS_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PssLevel = (typeof PSS_LEVELS)[number];

/** A control belongs to one of the two checking levels. */
export type CheckLevel = 'baseline' | 'restricted';

/** A policy version `v1.NN`; only the minor matters (there is one major). */
export interface PssVersion {
  major: 1;
  minor: number;
}

/** A field path inside the pod (`['spec', 'containers', 0, 'securityContext', 'privileged']`). */
export type FieldPath = readonly (string | number)[];

/* The pod API as the controls read it: every field optional, unknown fields ignored. */

export interface SecurityContextLike {
  privileged?: unknown;
  allowPrivilegeEscalation?: unknown;
  runAsNonRoot?: unknown;
  runAsUser?: unknown;
  procMount?: unknown;
  capabilities?: { add?: unknown; drop?: unknown } | null;
  seLinuxOptions?: { type?: unknown; user?: unknown; role?: unknown; level?: unknown } | null;
  seccompProfile?: { type?: unknown; localhostProfile?: unknown } | null;
  appArmorProfile?: { type?: unknown; localhostProfile?: unknown } | null;
  windowsOptions?: { hostProcess?: unknown } | null;
  sysctls?: unknown;
  /* Container-level resource limits (alpha API field); forbidden by baseline from v1.37. */
  ulimits?: unknown;
}

export interface HandlerLike {
  httpGet?: { host?: unknown } | null;
  tcpSocket?: { host?: unknown } | null;
}

export interface ContainerLike {
  name?: unknown;
  /* Not read by the standards; read by the hardening and secrets rule sets. */
  image?: unknown;
  env?: unknown;
  envFrom?: unknown;
  resources?: unknown;
  securityContext?: SecurityContextLike | null;
  ports?: unknown;
  livenessProbe?: HandlerLike | null;
  readinessProbe?: HandlerLike | null;
  startupProbe?: HandlerLike | null;
  lifecycle?: { postStart?: HandlerLike | null; preStop?: HandlerLike | null } | null;
}

export interface VolumeLike {
  name?: unknown;
  [type: string]: unknown;
}

export interface PodSpecLike {
  hostNetwork?: unknown;
  hostPID?: unknown;
  hostIPC?: unknown;
  hostUsers?: unknown;
  os?: { name?: unknown } | null;
  securityContext?: SecurityContextLike | null;
  containers?: unknown;
  initContainers?: unknown;
  ephemeralContainers?: unknown;
  volumes?: unknown;
}

export interface PodMetaLike {
  name?: unknown;
  namespace?: unknown;
  annotations?: Record<string, unknown> | null;
}

/** What one control says about one pod. */
export interface CheckResult {
  allowed: boolean;
  /** Succinct reason, exactly as Pod Security Admission prints it (`host namespaces`). */
  forbiddenReason?: string;
  /** Detail, exactly as Pod Security Admission prints it (`hostNetwork=true`). */
  forbiddenDetail?: string;
  /** Offending fields, most relevant first (relative to the pod: `metadata…` or `spec…`). */
  paths?: FieldPath[];
  /** Names of the containers involved, in visiting order. */
  containers?: string[];
}

export type CheckPodFn = (meta: PodMetaLike, spec: PodSpecLike) => CheckResult;

/** One revision of a control, in force from `minimumVersion` until the next revision. */
export interface VersionedCheck {
  minimumVersion: PssVersion;
  check: CheckPodFn;
  /** Baseline control ids this restricted revision replaces when restricted is evaluated. */
  overrides?: readonly string[];
}

/** A control of the standard: one file under `pss/`, registered in `registry.ts`. */
export interface PssCheck {
  /** The Pod Security Admission check id (`runAsNonRoot`, `capabilities_baseline`). */
  id: string;
  level: CheckLevel;
  /** Title of the control in the standard (`Running as Non-root`). */
  title: string;
  /** What to change. */
  remediation: string;
  /** Revisions with strictly increasing minimum versions. */
  versions: readonly VersionedCheck[];
}

/**
 * One finding shape for every kind — vulnerability, secret, config, host — so policy, gates,
 * exit codes and summaries read the same fields whatever found it: the id, severity, title, what
 * is affected (`target`) and where, the evidence, and the fix. `detail` keeps the kind's own
 * record (the one its reports render) unchanged.
 */
import type { ConfigFinding } from './config-finding.js';
import type { HostFinding } from './host-finding.js';
import type { SecretFinding } from './secret-finding.js';
import type { Severity } from './severity.js';
import type { VulnerabilityFinding } from './vulnerability.js';

export const FINDING_KINDS = ['vulnerability', 'secret', 'config', 'host'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Where in the target a finding is: a file (and line, column), a layer, a field of an object. */
export interface FindingLocation {
  /** Absolute path in an image, a manifest file, or where a host fact was read. */
  path?: string;
  layerDiffId?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** Dotted field path (`spec.containers[0].securityContext`) or the host fact's name. */
  field?: string;
}

/** One piece of evidence: what was looked at (`advisory`, `layer`, `match`, `field`, …) and its value. */
export interface FindingEvidence {
  name: string;
  value: string;
}

interface FindingOf<K extends FindingKind, D> {
  kind: K;
  /** Vulnerability id (`CVE-…`) or rule id (`secret/github-pat`, `pss/restricted/runAsNonRoot`). */
  id: string;
  severity: Severity;
  title: string;
  /** What is affected: a package purl, a file, an object (`Deployment/ns/name`), a host. */
  target: string;
  location?: FindingLocation;
  evidence: FindingEvidence[];
  /** What fixes it, when something does. */
  fix?: string;
  detail: D;
}

type AnyFinding =
  | FindingOf<'vulnerability', VulnerabilityFinding>
  | FindingOf<'secret', SecretFinding>
  | FindingOf<'config', ConfigFinding>
  | FindingOf<'host', HostFinding>;

/** A finding of any kind, or of one kind: `Finding<'secret'>`. */
export type Finding<K extends FindingKind = FindingKind> = Extract<AnyFinding, { kind: K }>;

const ev = (name: string, value: string | undefined): FindingEvidence[] => (value ? [{ name, value }] : []);

export function findingOfVulnerability(v: VulnerabilityFinding): Finding<'vulnerability'> {
  const location = { ...(v.location ? { path: v.location } : {}), ...(v.layerDiffId ? { layerDiffId: v.layerDiffId } : {}) };
  return {
    kind: 'vulnerability',
    id: v.id,
    severity: v.severity?.severity ?? 'UNKNOWN',
    title: v.title ?? v.id,
    target: v.purl ?? `${v.packageName}@${v.installedVersion}`,
    ...(Object.keys(location).length > 0 ? { location } : {}),
    evidence: [...ev('installed', `${v.packageName} ${v.installedVersion}`), ...v.sources.map((s) => ({ name: 'advisory', value: s })), ...ev('layer', v.layerDiffId)],
    ...(v.fixedVersions.length > 0 ? { fix: `Upgrade ${v.packageName} to ${v.fixedVersions.join(' or ')}` } : {}),
    detail: v,
  };
}

export function findingOfSecret(s: SecretFinding): Finding<'secret'> {
  return {
    kind: 'secret',
    id: `secret/${s.ruleId}`,
    severity: s.severity,
    title: s.title,
    target: s.path,
    location: { path: s.path, line: s.line, ...(s.layer ? { layerDiffId: s.layer.diffId } : {}) },
    evidence: [{ name: 'match', value: s.match }, ...ev('layer', s.layer?.diffId)],
    fix: 'Remove the secret from the image (every layer, not only the last), and revoke or rotate it.',
    detail: s,
  };
}

export function findingOfConfig(c: ConfigFinding): Finding<'config'> {
  const o = c.object;
  return {
    kind: 'config',
    id: c.ruleId,
    severity: c.severity,
    title: c.title,
    target: `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`,
    location: { path: c.file, line: c.line, column: c.column, field: c.field },
    evidence: [{ name: 'message', value: c.message }, { name: 'field', value: c.field }, ...(c.related ?? []).map((r) => ({ name: 'field', value: r.field }))],
    fix: c.remediation,
    detail: c,
  };
}

export function findingOfHost(h: HostFinding): Finding<'host'> {
  return {
    kind: 'host',
    id: h.ruleId,
    severity: h.severity,
    title: h.title,
    target: h.host,
    location: { path: h.source, field: h.fact },
    evidence: [{ name: 'expected', value: h.expected }, { name: 'actual', value: h.actual ?? '(not set)' }],
    fix: h.remediation,
    detail: h,
  };
}

/**
 * The one place where results of Kubernetes rules (hardening, rbac, network, secrets, custom)
 * become findings: a rule's hits on one object are one finding at the first hit's field, the
 * other hits and the related objects of cross-object rules in `related`.
 */
import type { RuleDef } from '../rule.js';
import { formatFieldPath } from '../types.js';
import type { ManifestObject } from './load.js';
import type { FieldPath } from './pss/types.js';
import {
  type ConfigFinding,
  type ConfigLocation,
  type ConfigObjectRef,
  maxSeverity,
  type Severity,
} from '../../core/index.js';

/** A field of another object a finding depends on (the NetworkPolicy, the Role, the Secret). */
export interface RelatedField {
  obj: ManifestObject;
  path: FieldPath;
}

/** What a check says about one object: where, what, and optionally how bad and what else. */
export interface Hit {
  /** Offending field, relative to the object (`['spec', 'template', 'spec', 'containers', 0]`). */
  path: FieldPath;
  message: string;
  container?: string;
  /** Overrides the rule's severity for this hit. */
  severity?: Severity;
  related?: readonly RelatedField[];
  properties?: Record<string, unknown>;
}

const MAX_RELATED = 50;

export function objectRef(obj: Pick<ManifestObject, 'apiVersion' | 'kind' | 'namespace' | 'name'>): ConfigObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, ...(obj.namespace !== undefined ? { namespace: obj.namespace } : {}), name: obj.name };
}

/** A field of `obj` as a location; `from` is the finding's own object (no file/object repeated). */
export function locationOf(obj: ManifestObject, path: FieldPath, from?: ManifestObject): ConfigLocation {
  const pos = obj.locate(path);
  const loc: ConfigLocation = { field: formatFieldPath(obj.base.length ? [...obj.base, ...path] : path), line: pos.line, column: pos.column };
  if (from && from !== obj) {
    loc.file = obj.file;
    loc.object = objectRef(obj);
  }
  return loc;
}

/** Folds the hits of one rule on one object into a finding; undefined when there are none. */
export function findingFromHits(ruleSet: string, rule: RuleDef, obj: ManifestObject, hits: readonly Hit[]): ConfigFinding | undefined {
  if (hits.length === 0) return undefined;
  const first = hits[0]!;
  const at = locationOf(obj, first.path);
  const related: ConfigLocation[] = [];
  let severity: Severity = first.severity ?? rule.severity;
  let message = first.message;
  const containers: string[] = first.container !== undefined ? [first.container] : [];
  const properties: Record<string, unknown>[] = first.properties ? [first.properties] : [];
  // The common case, one hit with nothing related, needs none of the folding below.
  if (hits.length > 1 || first.related?.length) {
    const key = (o: ManifestObject, field: string) => `${o.file}\u0000${o.docIndex}\u0000${field}`;
    const seen = new Set<string>([key(obj, at.field)]);
    const push = (o: ManifestObject, p: FieldPath) => {
      if (related.length >= MAX_RELATED) return;
      const loc = locationOf(o, p, obj);
      const k = key(o, loc.field);
      if (seen.has(k)) return;
      seen.add(k);
      related.push(loc);
    };
    const messages: string[] = [first.message];
    for (const h of hits) {
      if (h !== first) push(obj, h.path);
      for (const r of h.related ?? []) push(r.obj, r.path);
      if (h === first) continue;
      severity = maxSeverity(severity, h.severity ?? rule.severity);
      if (!messages.includes(h.message)) messages.push(h.message);
      if (h.container !== undefined && !containers.includes(h.container)) containers.push(h.container);
      if (h.properties) properties.push(h.properties);
    }
    message = messages.join('; ');
  }
  return {
    ruleId: rule.id,
    ruleSet,
    title: rule.title,
    severity,
    message,
    object: objectRef(obj),
    ...(containers.length ? { container: containers[0], containers } : {}),
    file: obj.file,
    line: at.line,
    column: at.column,
    field: at.field,
    ...(related.length ? { related } : {}),
    remediation: rule.remediation,
    links: [...rule.links],
    ...(properties.length ? { properties: properties.length === 1 ? { ...properties[0] } : { hits: properties } } : {}),
  };
}

/** The API group of an apiVersion (`''` for the core group). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/**
 * NetworkPolicy semantics (networking.k8s.io/v1) the coverage analysis needs: which pods of its
 * namespace a policy selects, for which directions, and whether it is a default deny.
 *
 * - `spec.podSelector` selects pods of the policy's own namespace; `{}` selects all of them.
 * - `spec.policyTypes` defaults (when empty) to `Ingress`, plus `Egress` when `spec.egress` has
 *   at least one rule (the API server's defaulting).
 * - A pod is isolated for a direction when at least one policy of its namespace selects it with
 *   that policy type; the policy's rules then are the only traffic allowed.
 * - A default deny for a direction is a policy with an empty podSelector, that direction in its
 *   policy types, and no rules for it.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import type { ManifestObject } from '../load.js';
import { isRecord } from '../../../core/index.js';
import { parseLabelSelector, type ParsedSelector } from '../selectors.js';

export const DIRECTIONS = ['Ingress', 'Egress'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface NetworkPolicyInfo {
  obj: ManifestObject;
  namespace: string;
  selector: ParsedSelector;
  types: ReadonlySet<Direction>;
  /** Directions for which this policy is a default deny. */
  defaultDeny: ReadonlySet<Direction>;
}

const ruleCount = (x: unknown) => (Array.isArray(x) ? x.length : 0);

export function readNetworkPolicy(obj: ManifestObject, notes: string[]): NetworkPolicyInfo {
  const spec = isRecord(obj.value.spec) ? obj.value.spec : {};
  const sel = spec.podSelector === undefined || spec.podSelector === null ? {} : spec.podSelector;
  const selector = parseLabelSelector(sel);
  if (selector.invalid) notes.push(`NetworkPolicy "${obj.name}" (${obj.file}): podSelector ${selector.invalid}; it selects no pods`);
  const listed = Array.isArray(spec.policyTypes) ? spec.policyTypes.filter((t): t is Direction => t === 'Ingress' || t === 'Egress') : [];
  const types = new Set<Direction>(listed.length > 0 ? listed : ['Ingress', ...(ruleCount(spec.egress) > 0 ? (['Egress'] as const) : [])]);
  const defaultDeny = new Set<Direction>();
  if (selector.empty) {
    if (types.has('Ingress') && ruleCount(spec.ingress) === 0) defaultDeny.add('Ingress');
    if (types.has('Egress') && ruleCount(spec.egress) === 0) defaultDeny.add('Egress');
  }
  return { obj, namespace: obj.namespace ?? 'default', selector, types, defaultDeny };
}

export const isNetworkPolicy = (o: ManifestObject) => o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1';

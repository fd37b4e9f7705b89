import { isRecord } from '../../core/index.js';
/**
 * Kubernetes label selectors (metav1.LabelSelector) with the API's semantics: `matchLabels` and
 * `matchExpressions` are ANDed; an empty selector matches everything. Operators: `In` (key present
 * and value listed), `NotIn` (key absent or value not listed), `Exists`, `DoesNotExist`. A selector
 * the API server would reject (unknown operator, `In`/`NotIn` without values, `Exists` with
 * values) matches nothing and says why.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */

export type Labels = Readonly<Record<string, string>>;

export interface ParsedSelector {
  /** Matches every label set (`{}`). */
  empty: boolean;
  matches(labels: Labels): boolean;
  /** Set when the selector is invalid (and then matches nothing). */
  invalid?: string;
}


const NOTHING = (invalid: string): ParsedSelector => ({ empty: false, matches: () => false, invalid });

/** Labels of an object's metadata (non-string values are ignored, as the API would refuse them). */
export function labelsOf(meta: unknown): Labels {
  const l = isRecord(meta) && isRecord(meta.labels) ? meta.labels : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(l)) if (typeof v === 'string') out[k] = v;
  else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return out;
}

/**
 * Parses a LabelSelector. `null`/absent is passed as `undefined` and is the caller's decision
 * (a NetworkPolicy requires podSelector; a null PodDisruptionBudget selector matches nothing).
 */
export function parseLabelSelector(sel: unknown): ParsedSelector {
  if (!isRecord(sel)) return NOTHING('selector is not an object');
  const ml = sel.matchLabels;
  const me = sel.matchExpressions;
  const labels: [string, string][] = [];
  if (ml !== undefined && ml !== null) {
    if (!isRecord(ml)) return NOTHING('matchLabels is not a map');
    for (const [k, v] of Object.entries(ml)) labels.push([k, String(v)]);
  }
  type Req = (l: Labels) => boolean;
  const reqs: Req[] = [];
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) return NOTHING('matchExpressions is not a list');
    for (const [i, e] of me.entries()) {
      if (!isRecord(e) || typeof e.key !== 'string') return NOTHING(`matchExpressions[${i}] has no key`);
      const key = e.key;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      switch (e.operator) {
        case 'In':
          if (values.length === 0) return NOTHING(`matchExpressions[${i}]: operator In needs values`);
          reqs.push((l) => Object.hasOwn(l, key) && values.includes(l[key]!));
          break;
        case 'NotIn':
          if (values.length === 0) return NOTHING(`matchExpressions[${i}]: operator NotIn needs values`);
          reqs.push((l) => !Object.hasOwn(l, key) || !values.includes(l[key]!));
          break;
        case 'Exists':
          if (values.length > 0) return NOTHING(`matchExpressions[${i}]: operator Exists takes no values`);
          reqs.push((l) => Object.hasOwn(l, key));
          break;
        case 'DoesNotExist':
          if (values.length > 0) return NOTHING(`matchExpressions[${i}]: operator DoesNotExist takes no values`);
          reqs.push((l) => !Object.hasOwn(l, key));
          break;
        default:
          return NOTHING(`matchExpressions[${i}]: unknown operator ${JSON.stringify(e.operator)}`);
      }
    }
  }
  return {
    empty: labels.length === 0 && reqs.length === 0,
    matches: (l) => labels.every(([k, v]) => Object.hasOwn(l, k) && l[k] === v) && reqs.every((r) => r(l)),
  };
}

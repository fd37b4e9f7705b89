/**
 * The AdmissionReview v1 response, exactly as the API server accepts it:
 *
 * - `uid` echoed from the request;
 * - `patch` (base64 of a JSONPatch) and `patchType: JSONPatch` together or not at all, and only
 *   from the mutating endpoint;
 * - `warnings`: each one line of at most 120 characters, at most 4,096 characters in all (the
 *   server drops or truncates past that);
 * - `auditAnnotations`: keys `[A-Za-z0-9][-A-Za-z0-9_.]*`, ≤ 63 characters, no `/` (the server
 *   prefixes them with the webhook's name);
 * - on deny `status.code` and `status.message` (one paragraph), the full explanation per rule in
 *   `status.details.causes` (rule, evidence, fix).
 *
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#response
 */
import type { Decision, JsonPatchOperation, RuleResult } from '../core/index.js';
import { AUDIT_ANNOTATION_KEY, denialMessage, shortWarning } from '../policy/index.js';
import { ADMISSION_API_VERSION, ADMISSION_KIND } from './review.js';

export type Endpoint = 'validate' | 'mutate';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { status?: 'Failure'; code: number; reason?: string; message: string; details?: { causes: StatusCause[] } };
  patch?: string;
  patchType?: 'JSONPatch';
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_KIND;
  response: AdmissionResponse;
}

export const MAX_WARNINGS_TOTAL = 4096;
const MAX_MESSAGE = 4096;
const MAX_CAUSE = 2048;
const MAX_CAUSES = 50;
const MAX_ANNOTATION_VALUE = 8192;

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Warnings as the API server keeps them: one line, ≤ 120 characters each, ≤ 4,096 in all. */
export function boundedWarnings(list: readonly string[]): string[] {
  const out: string[] = [];
  let total = 0;
  for (const w of new Set(list.map(shortWarning))) {
    if (w === '') continue;
    if (total + w.length > MAX_WARNINGS_TOTAL) break;
    out.push(w);
    total += w.length;
  }
  return out;
}

/** Audit annotations with only valid keys and bounded values. */
export function boundedAnnotations(a: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (AUDIT_ANNOTATION_KEY.test(k)) out[k] = cut(v, MAX_ANNOTATION_VALUE);
  return out;
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image` (a Status cause field). */
export function fieldOfPointer(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function causeOf(r: RuleResult): StatusCause {
  const evidence = r.evidence.map((e) => `${e.kind} ${e.id}${e.detail ? ` (${e.detail})` : ''}`).join('; ');
  const text = `${r.policy} ${r.rule}${r.image ? ` ${r.image}${r.digest && !r.image.includes('@') ? `@${r.digest}` : ''}` : ''}: ${r.message}${evidence ? `; evidence: ${evidence}` : ''}${r.fix.length ? `; fix: ${r.fix.join(' / ')}` : ''}`;
  return { reason: r.code ?? 'POLICY_FAILED', message: cut(text, MAX_CAUSE), ...(r.pointer ? { field: fieldOfPointer(r.pointer) } : {}) };
}

export interface ResponseOptions {
  endpoint: Endpoint;
  uid: string;
  /** Only these patches may be sent (e.g. `pods/ephemeralcontainers` may change nothing else). */
  patchFilter?: (p: JsonPatchOperation) => boolean;
  /** Warnings besides the decision's (controller-owned objects: none from the decision). */
  extraWarnings?: readonly string[];
  /** Leave out the decision's warnings (the controller was warned already). */
  quiet?: boolean;
  extraAnnotations?: Readonly<Record<string, string>>;
}

/** The response to a review the engine decided. */
export function responseOfDecision(d: Decision, opts: ResponseOptions): AdmissionResponse {
  const warnings = boundedWarnings([...(opts.quiet ? [] : d.warnings), ...(opts.extraWarnings ?? [])]);
  const res: AdmissionResponse = { uid: opts.uid, allowed: d.allowed };
  if (!d.allowed) {
    const failing = d.results.filter((r) => r.mode === 'enforce' && (r.outcome === 'fail' || r.outcome === 'error'));
    res.status = { status: 'Failure', code: 403, reason: 'Forbidden', message: cut(`portcullis: ${denialMessage(d)}`, MAX_MESSAGE), details: { causes: failing.slice(0, MAX_CAUSES).map(causeOf) } };
  }
  const patches = opts.endpoint === 'mutate' && d.allowed ? d.patches.filter(opts.patchFilter ?? (() => true)) : [];
  if (patches.length > 0) {
    res.patchType = 'JSONPatch';
    res.patch = Buffer.from(JSON.stringify(patches)).toString('base64');
  }
  if (warnings.length) res.warnings = warnings;
  const annotations = boundedAnnotations({ ...d.auditAnnotations, ...opts.extraAnnotations });
  if (Object.keys(annotations).length) res.auditAnnotations = annotations;
  return res;
}

/** A response without evaluation: admitted as not reviewed, or the failure mode's answer. */
export function plainResponse(uid: string, allowed: boolean, opts: { code?: number; message?: string; reason?: string; warnings?: readonly string[]; annotations?: Readonly<Record<string, string>> } = {}): AdmissionResponse {
  const res: AdmissionResponse = { uid, allowed };
  if (!allowed) res.status = { status: 'Failure', code: opts.code ?? 403, ...(opts.reason ? { reason: opts.reason } : {}), message: cut(opts.message ?? 'denied', MAX_MESSAGE) };
  const warnings = boundedWarnings(opts.warnings ?? []);
  if (warnings.length) res.warnings = warnings;
  const annotations = boundedAnnotations(opts.annotations ?? {});
  if (Object.keys(annotations).length) res.auditAnnotations = annotations;
  return res;
}

export function reviewOf(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response };
}

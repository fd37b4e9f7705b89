/**
 * Parsing the AdmissionReview v1 (`admission.k8s.io/v1`) the API server POSTs to a webhook:
 * bounded body, valid UTF-8 JSON, the right apiVersion and kind, a request with a uid. Unknown
 * fields are tolerated (the API server adds some over releases); what the webhook relies on is
 * checked, and every refusal is an `ADMISSION_REVIEW_INVALID` error naming the field, which the
 * server answers with a 400.
 *
 * https://kubernetes.io/docs/reference/config-api/apiserver-admission.v1/
 */
import { z } from 'zod';
import { PortcullisError } from '../core/index.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_KIND = 'AdmissionReview';
/** The API server caps objects near 3 MiB; a review carries object and oldObject. */
export const DEFAULT_MAX_REVIEW_BYTES = 8 << 20;

const gvk = z.object({ group: z.string(), version: z.string(), kind: z.string() });
const gvr = z.object({ group: z.string(), version: z.string(), resource: z.string() });
const object = z.record(z.string(), z.unknown());

const requestSchema = z.object({
  uid: z.string().min(1, 'request.uid is required'),
  kind: gvk,
  resource: gvr,
  subResource: z.string().optional(),
  requestKind: gvk.optional(),
  requestResource: gvr.optional(),
  requestSubResource: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  userInfo: z.object({ username: z.string().optional(), uid: z.string().optional(), groups: z.array(z.string()).optional() }).loose().optional(),
  object: object.nullable().optional(),
  oldObject: object.nullable().optional(),
  dryRun: z.boolean().optional(),
  options: z.unknown().optional(),
});

export type AdmissionRequest = z.infer<typeof requestSchema>;

function invalid(message: string, hint?: string): PortcullisError {
  return new PortcullisError({ code: 'ADMISSION_REVIEW_INVALID', message, hint: hint ?? `POST an AdmissionReview (apiVersion ${ADMISSION_API_VERSION}) as the Kubernetes API server sends it.` });
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a request body into the review's request (throws ADMISSION_REVIEW_INVALID / REQUEST_TOO_LARGE). */
export function parseAdmissionReview(body: Uint8Array, maxBytes = DEFAULT_MAX_REVIEW_BYTES): AdmissionRequest {
  if (body.byteLength > maxBytes) throw new PortcullisError({ code: 'REQUEST_TOO_LARGE', message: `The AdmissionReview is ${body.byteLength} bytes, over the limit of ${maxBytes}` });
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw invalid('The request body is not valid UTF-8');
  }
  if (text.trim() === '') throw invalid('The request body is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(`The request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw invalid('The request body is not a JSON object');
  if (doc.apiVersion !== ADMISSION_API_VERSION) throw invalid(`apiVersion is ${JSON.stringify(doc.apiVersion ?? null)}, not "${ADMISSION_API_VERSION}"`, 'Set admissionReviewVersions: ["v1"] in the webhook configuration.');
  if (doc.kind !== ADMISSION_KIND) throw invalid(`kind is ${JSON.stringify(doc.kind ?? null)}, not "${ADMISSION_KIND}"`);
  if (!isRecord(doc.request)) throw invalid('request is missing');
  if (typeof doc.request.uid !== 'string' || doc.request.uid === '') throw invalid('request.uid is missing');
  const r = requestSchema.safeParse(doc.request);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw invalid(`request.${issue.path.join('.')}: ${issue.message}`);
  }
  return r.data;
}

/** Workload kinds whose pods the engine reviews (`pods/ephemeralcontainers` is a Pod). */
export const REVIEWED_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController'] as const;

/** Subresources that carry a pod spec to review; others (status, scale, binding, …) are not about images. */
const REVIEWED_SUBRESOURCES = new Set(['', 'ephemeralcontainers']);

/**
 * What the webhook does with a request: review its object, or admit it without a look (deletes,
 * connects, subresources without a pod spec, kinds without a pod template).
 */
export function reviewTarget(req: AdmissionRequest): { review: true; object: Record<string, unknown> } | { review: false; reason: string } {
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return { review: false, reason: `${req.operation} is not reviewed` };
  if (!REVIEWED_SUBRESOURCES.has(req.subResource ?? '')) return { review: false, reason: `subresource ${req.subResource} is not reviewed` };
  if (!(REVIEWED_KINDS as readonly string[]).includes(req.kind.kind)) return { review: false, reason: `kind ${req.kind.kind} is not reviewed` };
  if (!req.object) throw invalid(`request.object is missing for ${req.operation} of ${req.kind.kind}`);
  const o = req.object;
  // The API server sends apiVersion and kind; fill them from request.kind if a client did not.
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : req.kind.group ? `${req.kind.group}/${req.kind.version}` : req.kind.version;
  return { review: true, object: { ...o, apiVersion, kind: typeof o.kind === 'string' ? o.kind : req.kind.kind } };
}

/** Whether the object is managed by a controller (a ReplicaSet's Pod, a Deployment's ReplicaSet, a CronJob's Job). */
export function isControllerOwned(object: Record<string, unknown>): boolean {
  const meta = isRecord(object.metadata) ? object.metadata : {};
  return Array.isArray(meta.ownerReferences) && meta.ownerReferences.some((o) => isRecord(o) && o.controller === true);
}

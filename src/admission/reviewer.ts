/**
 * One admission review, request in, response out: the object is evaluated by the policy engine
 * within the time budget (below the webhook configuration's `timeoutSeconds`, so the webhook —
 * not the API server's timeout — says what happens), and the decision becomes the response.
 *
 * When the webhook cannot decide — the engine failed, the budget ran out, or the only denials are
 * evidence it could not obtain (a registry or metadata server down) — the namespace's failure
 * mode answers, with the reason: `closed` denies, `open` admits with a warning and annotation.
 *
 * A controller-owned object (a Deployment's ReplicaSet, a ReplicaSet's Pod) is re-verified but
 * gets no warnings and no record: its controller was warned and recorded.
 */
import type { Logger } from 'pino';
import type { Decision, JsonPatchOperation } from '../core/index.js';
import { evaluate, type EvidenceProvider, type PolicySet } from '../policy/index.js';
import { failureModeFor, type FailureModes } from './failure-mode.js';
import type { AdmissionMetrics } from './metrics.js';
import type { DecisionRecorder, ReviewResult } from './record.js';
import { plainResponse, responseOfDecision, type AdmissionResponse, type Endpoint } from './response.js';
import { isControllerOwned, reviewTarget, type AdmissionRequest } from './review.js';

export interface ReviewerOptions {
  policies: PolicySet;
  evidence: EvidenceProvider;
  /** The internal deadline per review, milliseconds. */
  budgetMs: number;
  failureModes: FailureModes;
  recorder?: DecisionRecorder;
  metrics?: AdmissionMetrics;
  logger?: Logger;
  now?: () => Date;
}

export interface ReviewOutcome {
  response: AdmissionResponse;
  result: ReviewResult;
  decision?: Decision;
  reason?: string;
}

export type Reviewer = (endpoint: Endpoint, req: AdmissionRequest) => Promise<ReviewOutcome>;

const DEADLINE = Symbol('deadline');

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | typeof DEADLINE> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof DEADLINE>((resolve) => {
    timer = setTimeout(() => resolve(DEADLINE), ms);
    timer.unref?.();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Whether every denial is evidence that could not be obtained (no rule said "no"). */
function deniedOnlyByErrors(d: Decision): boolean {
  const denying = d.results.filter((r) => r.mode === 'enforce' && (r.outcome === 'fail' || r.outcome === 'error'));
  return denying.length > 0 && denying.every((r) => r.outcome === 'error');
}

function errorReasons(d: Decision): string {
  return [...new Set(d.results.filter((r) => r.mode === 'enforce' && r.outcome === 'error').map((r) => `[${r.code ?? 'ERROR'}] ${r.message}`))].join('; ');
}

function classify(d: Decision, quiet: boolean): ReviewResult {
  if (!d.allowed) return 'denied';
  if (d.breakglass) return 'breakglass';
  return !quiet && d.warnings.length > 0 ? 'warned' : 'allowed';
}

/** `pods/ephemeralcontainers` may change the ephemeral containers only. */
function patchFilterOf(req: AdmissionRequest): ((p: JsonPatchOperation) => boolean) | undefined {
  return req.subResource === 'ephemeralcontainers' ? (p) => p.path.startsWith('/spec/ephemeralContainers/') : undefined;
}

export function createReviewer(opts: ReviewerOptions): Reviewer {
  const now = opts.now ?? (() => new Date());

  function failure(req: AdmissionRequest, namespace: string, reason: string, code: number, decision?: Decision): ReviewOutcome {
    const mode = failureModeFor(opts.failureModes, namespace);
    const annotations = { 'failure-mode': `${mode}: ${reason}` };
    if (mode === 'open') {
      return { result: 'fail-open', reason, ...(decision ? { decision } : {}), response: plainResponse(req.uid, true, { warnings: [`portcullis could not decide (failure mode open): ${reason}`], annotations: { ...(decision?.auditAnnotations ?? {}), ...annotations } }) };
    }
    const message = `portcullis could not decide; failure mode closed for namespace "${namespace}": ${reason}`;
    if (decision) {
      const response = responseOfDecision(decision, { endpoint: 'validate', uid: req.uid, extraAnnotations: annotations });
      response.status = { ...response.status!, code, reason: code === 503 ? 'ServiceUnavailable' : 'InternalError', message: `${message}`.slice(0, 4096) };
      return { result: 'fail-closed', reason, decision, response };
    }
    return { result: 'fail-closed', reason, response: plainResponse(req.uid, false, { code, reason: code === 503 ? 'ServiceUnavailable' : 'InternalError', message, annotations }) };
  }

  async function decide(endpoint: Endpoint, req: AdmissionRequest): Promise<ReviewOutcome> {
    const target = reviewTarget(req);
    if (!target.review) return { result: 'skipped', reason: target.reason, response: plainResponse(req.uid, true) };
    const namespace = req.namespace || (typeof (target.object.metadata as { namespace?: unknown } | undefined)?.namespace === 'string' ? ((target.object.metadata as { namespace: string }).namespace) : 'default');
    let decision: Decision | typeof DEADLINE;
    try {
      decision = await withDeadline(evaluate(opts.policies, { object: target.object, namespace }, opts.evidence, { now: now() }), opts.budgetMs);
    } catch (err) {
      opts.logger?.error({ err, uid: req.uid }, 'policy evaluation failed');
      return failure(req, namespace, `[INTERNAL] policy evaluation failed: ${(err as Error)?.message ?? String(err)}`, 500);
    }
    if (decision === DEADLINE) return failure(req, namespace, `[DEADLINE_EXCEEDED] the evidence was not complete within the internal deadline of ${opts.budgetMs} ms`, 503);
    if (!decision.allowed && deniedOnlyByErrors(decision)) return failure(req, namespace, errorReasons(decision), 503, decision);
    const quiet = isControllerOwned(target.object);
    const extra = endpoint === 'validate' && decision.allowed && decision.patches.length > 0 ? ['images not pinned to the verified digest: the mutating webhook did not run'] : [];
    const response = responseOfDecision(decision, { endpoint, uid: req.uid, quiet, extraWarnings: quiet ? [] : extra, ...(patchFilterOf(req) ? { patchFilter: patchFilterOf(req)! } : {}) });
    return { result: classify(decision, quiet), decision, response };
  }

  return async (endpoint, req) => {
    const t0 = performance.now();
    const out = await decide(endpoint, req);
    const policies = out.decision ? [...new Set(out.decision.results.map((r) => r.policy).filter((p) => p !== 'noMatch'))] : [];
    opts.metrics?.review({ endpoint, result: out.result, policies }, (performance.now() - t0) / 1000);
    // The validating webhook sees the final object: it records. An admitted controller-owned
    // object was recorded with its controller; a denied one is recorded (its controller was not).
    const owned = req.object ? isControllerOwned(req.object) : false;
    const refused = out.result === 'denied' || out.result === 'fail-closed';
    if (endpoint === 'validate' && out.result !== 'skipped' && (!owned || refused)) opts.recorder?.record({ request: req, result: out.result, ...(out.decision ? { decision: out.decision } : {}), ...(out.reason ? { reason: out.reason } : {}), at: now() });
    return out;
  };
}

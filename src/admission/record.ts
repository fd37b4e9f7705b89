/**
 * Every decision of the validating webhook is recorded, off the response path:
 *
 * - admitted (breakglass included), with a metadata server: one DEPLOYMENT occurrence per image
 *   digest (`occurrences:batchCreate` under the note `portcullis-admission`, created on first use),
 *   as Kritis does — `deployment.config` holds the object, the request uid and the verdict. The
 *   metadata server audits the write itself (action `occurrences.batchCreate`, content bound).
 * - denied, admitted by breakglass, or answered by the failure mode: an entry in the audit log of
 *   the store (`--data-dir` / `--database-url`; with the metadata server's PostgreSQL it is the
 *   same hash chain), action `admission.deny`, `admission.breakglass`, `admission.failure-mode`.
 *
 * Dry runs record nothing. Records queue in memory (bounded; beyond it they are counted as
 * failed) and are written one at a time; a failed write is logged and counted, never retried
 * into an unbounded backlog.
 */
import type { Logger } from 'pino';
import type { Decision } from '../core/index.js';
import { createHttpClient, type HttpClient } from '../http/index.js';
import { uriOf } from '../scan/index.js';
import type { MetadataEvidenceOptions } from './evidence/index.js';
import { normaliseImage } from '../policy/index.js';
import type { AdmissionRequest } from './review.js';

export const DEPLOYMENT_NOTE_ID = 'portcullis-admission';

/** An audit entry as src/audit appends it. */
export interface AuditRecordEntry {
  actor: string;
  action: string;
  resource: string;
  outcome: 'ok' | 'denied' | 'error';
  detail?: Record<string, unknown>;
}

export type ReviewResult = 'allowed' | 'warned' | 'denied' | 'breakglass' | 'fail-open' | 'fail-closed' | 'skipped';

export interface DecisionRecord {
  request: AdmissionRequest;
  result: ReviewResult;
  decision?: Decision;
  /** Why the failure mode answered. */
  reason?: string;
  at: Date;
}

export interface RecorderOptions {
  metadata?: MetadataEvidenceOptions;
  audit?: (entry: AuditRecordEntry) => Promise<unknown>;
  logger?: Logger;
  onFailure?: (kind: 'occurrence' | 'audit' | 'queue') => void;
  /** Records waiting at most (default 10,000). */
  maxQueue?: number;
}

export interface DecisionRecorder {
  record(r: DecisionRecord): void;
  /** Resolves when everything queued so far is written (or failed). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

function resourceOf(req: AdmissionRequest, d?: Decision): string {
  const ns = req.namespace ?? d?.object.namespace ?? '';
  const name = req.name || d?.object.name || '';
  return `${ns ? `namespaces/${ns}/` : ''}${req.resource.resource}${req.subResource ? `/${req.subResource}` : ''}/${name}`;
}

function summary(r: DecisionRecord): Record<string, unknown> {
  const d = r.decision;
  return {
    uid: r.request.uid,
    result: r.result,
    operation: r.request.operation,
    kind: r.request.kind.kind,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(d
      ? {
          images: d.images.map((i) => (i.digest && !i.reference.includes('@') ? `${i.reference}@${i.digest}` : i.reference)),
          denied: d.results.filter((x) => x.mode === 'enforce' && (x.outcome === 'fail' || x.outcome === 'error')).map((x) => ({ policy: x.policy, rule: x.rule, code: x.code, image: x.image })),
          ...(d.breakglass ? { breakglass: d.breakglass } : {}),
        }
      : {}),
  };
}

/** The DEPLOYMENT occurrences of an admitted decision: one per image with a digest (pure). */
export function deploymentOccurrences(r: DecisionRecord, project: string): Record<string, unknown>[] {
  const d = r.decision;
  if (!d) return [];
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const img of d.images) {
    const n = normaliseImage(img.reference).name;
    const digest = img.digest ?? n?.digest;
    if (!n || !digest) continue;
    const uri = uriOf(n.registry, n.repository, digest);
    if (seen.has(uri)) continue;
    seen.add(uri);
    out.push({
      resourceUri: uri,
      noteName: `projects/${project}/notes/${DEPLOYMENT_NOTE_ID}`,
      kind: 'DEPLOYMENT',
      remediation: r.result === 'breakglass' ? `admitted by breakglass: ${d.breakglass?.reason ?? ''}` : '',
      deployment: {
        userEmail: r.request.userInfo?.username ?? '',
        deployTime: r.at.toISOString(),
        config: JSON.stringify({ object: `${d.object.kind}/${d.object.namespace}/${d.object.name}`, container: img.container, ...summary(r) }),
        resourceUri: [uri],
        platform: 'CUSTOM',
      },
    });
  }
  return out;
}

export function createRecorder(opts: RecorderOptions): DecisionRecorder {
  const max = opts.maxQueue ?? 10_000;
  const queue: DecisionRecord[] = [];
  let running: Promise<void> | undefined;
  const meta = opts.metadata;
  const http: HttpClient | undefined = meta ? createHttpClient({ tls: meta.tls ?? {}, timeouts: { headersMs: meta.timeoutMs ?? 10_000, bodyMs: meta.timeoutMs ?? 10_000 }, peer: 'the metadata server' }) : undefined;
  let note: Promise<void> | undefined;

  async function call(method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown): Promise<{ status: number; text: string }> {
    const base = new URL(meta!.url);
    const u = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
    const res = await http!.request(u, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json', ...(meta!.token ? { authorization: `Bearer ${meta!.token}` } : {}) } });
    return { status: res.status, text: (await res.text()).slice(0, 500) };
  }

  function ensureNote(): Promise<void> {
    note ??= call('POST', `/v1/projects/${encodeURIComponent(meta!.project)}/notes?noteId=${DEPLOYMENT_NOTE_ID}`, {
      kind: 'DEPLOYMENT',
      shortDescription: 'Admitted by the Portcullis admission webhook',
      longDescription: 'Each occurrence is one image digest admitted into a cluster by `portcullis admission serve`.',
      deployment: { resourceUri: [`portcullis://admission/${meta!.project}`] },
    }).then((r) => {
      if (r.status !== 200 && r.status !== 409) {
        note = undefined;
        throw new Error(`creating the note ${DEPLOYMENT_NOTE_ID} answered ${r.status}: ${r.text}`);
      }
    });
    return note;
  }

  async function write(r: DecisionRecord): Promise<void> {
    const admitted = r.result === 'allowed' || r.result === 'warned' || r.result === 'breakglass' || r.result === 'fail-open';
    if (meta && admitted) {
      const occurrences = deploymentOccurrences(r, meta.project);
      if (occurrences.length) {
        try {
          await ensureNote();
          const res = await call('POST', `/v1/projects/${encodeURIComponent(meta.project)}/occurrences:batchCreate`, { occurrences });
          if (res.status !== 200) throw new Error(`occurrences:batchCreate answered ${res.status}: ${res.text}`);
        } catch (err) {
          opts.onFailure?.('occurrence');
          opts.logger?.error({ err, uid: r.request.uid }, 'recording the DEPLOYMENT occurrence failed');
        }
      }
    }
    const action = r.result === 'denied' ? 'admission.deny' : r.result === 'breakglass' ? 'admission.breakglass' : r.result === 'fail-open' || r.result === 'fail-closed' ? 'admission.failure-mode' : undefined;
    if (opts.audit && action) {
      try {
        await opts.audit({ actor: r.request.userInfo?.username ? `user:${r.request.userInfo.username}` : 'anonymous', action, resource: resourceOf(r.request, r.decision), outcome: r.result === 'denied' || r.result === 'fail-closed' ? 'denied' : 'ok', detail: summary(r) });
      } catch (err) {
        opts.onFailure?.('audit');
        opts.logger?.error({ err, uid: r.request.uid }, 'appending the audit entry failed');
      }
    }
  }

  function drain(): Promise<void> {
    running ??= (async () => {
      while (queue.length) await write(queue.shift()!);
      running = undefined;
    })();
    return running;
  }

  return {
    record(r) {
      if (r.request.dryRun) return;
      if (queue.length >= max) {
        opts.onFailure?.('queue');
        opts.logger?.error({ uid: r.request.uid }, 'decision record dropped: the record queue is full');
        return;
      }
      queue.push(r);
      void drain();
    },
    async flush() {
      while (running || queue.length) await drain();
    },
    async close() {
      await this.flush();
      await http?.close();
    },
  };
}

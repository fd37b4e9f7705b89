/**
 * Continuous re-check: what runs now, evaluated against today's evidence (new advisories, expired
 * allowlist entries, revoked signatures). Running Pods (a `kubectl get pods -A -o json` List) are
 * pinned to the digests their containers actually run (`status.containerStatuses[].imageID`), so
 * the verdict is about what is running, not what a tag points at today. The result says what
 * would now be denied and why, and — against the state of the previous run — what changed.
 */
import type { Decision, RuleResult } from '../core/index.js';
import { evaluate, type EvidenceProvider, type PolicySet } from '../policy/index.js';

export interface RecheckInput {
  value: Record<string, unknown>;
  namespace?: string;
  /** Where it came from (file:line). */
  source?: string;
}

export interface RecheckDenial {
  policy: string;
  rule: string;
  image?: string;
  digest?: string;
  code?: string;
  message: string;
  fix: string[];
}

export interface RecheckedObject {
  /** `namespace/Kind/name`. */
  key: string;
  source?: string;
  allowed: boolean;
  images: string[];
  denials: RecheckDenial[];
  decision: Decision;
}

export const RECHECK_CHANGES = ['newly-denied', 'no-longer-denied', 'reasons-changed', 'new', 'gone'] as const;
export type RecheckChangeKind = (typeof RECHECK_CHANGES)[number];

export interface RecheckChange {
  key: string;
  change: RecheckChangeKind;
  /** Denial ids (`policy rule image [code]`) added and removed since the last run. */
  added: string[];
  removed: string[];
}

/** What one run leaves for the next (`--state FILE`). */
export interface RecheckState {
  schemaVersion: 1;
  checkedAt: string;
  objects: Record<string, { allowed: boolean; denials: string[] }>;
}

export interface RecheckResult {
  checkedAt: string;
  objects: RecheckedObject[];
  changes: RecheckChange[];
  state: RecheckState;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const RUNNING_DIGEST = /@(sha256:[0-9a-f]{64})$/;
const STATUS_FIELDS: Record<string, string> = { containers: 'containerStatuses', initContainers: 'initContainerStatuses', ephemeralContainers: 'ephemeralContainerStatuses' };

/** A Pod with each container's image pinned to the digest it runs (others unchanged; pure). */
export function pinRunningImages(pod: Record<string, unknown>): Record<string, unknown> {
  if (pod.kind !== 'Pod' || !isRecord(pod.spec) || !isRecord(pod.status)) return pod;
  const status = pod.status;
  const spec: Record<string, unknown> = { ...pod.spec };
  for (const [field, statusField] of Object.entries(STATUS_FIELDS)) {
    const list = spec[field];
    const statuses = Array.isArray(status[statusField]) ? (status[statusField] as unknown[]).filter(isRecord) : [];
    if (!Array.isArray(list) || statuses.length === 0) continue;
    spec[field] = list.map((c: unknown) => {
      if (!isRecord(c) || typeof c.image !== 'string' || c.image.includes('@')) return c;
      const st = statuses.find((s) => s.name === c.name);
      const digest = RUNNING_DIGEST.exec(String(st?.imageID ?? ''))?.[1];
      return digest ? { ...c, image: `${c.image}@${digest}` } : c;
    });
  }
  return { ...pod, spec };
}

function denialsOf(d: Decision): RecheckDenial[] {
  return d.results
    .filter((r: RuleResult) => r.mode === 'enforce' && (r.outcome === 'fail' || r.outcome === 'error'))
    .map((r) => ({ policy: r.policy, rule: r.rule, ...(r.image ? { image: r.image } : {}), ...(r.digest ? { digest: r.digest } : {}), ...(r.code ? { code: r.code } : {}), message: r.message, fix: r.fix }));
}

const denialId = (x: RecheckDenial) => `${x.policy} ${x.rule}${x.image ? ` ${x.image}` : ''}${x.code ? ` [${x.code}]` : ''}`;

/** The changes between two states (pure). */
export function changesBetween(previous: RecheckState | undefined, next: RecheckState): RecheckChange[] {
  if (!previous) return [];
  const out: RecheckChange[] = [];
  for (const [key, now] of Object.entries(next.objects)) {
    const before = previous.objects[key];
    const added = now.denials.filter((d) => !before?.denials.includes(d));
    const removed = before ? before.denials.filter((d) => !now.denials.includes(d)) : [];
    if (!before) out.push({ key, change: 'new', added, removed });
    else if (before.allowed && !now.allowed) out.push({ key, change: 'newly-denied', added, removed });
    else if (!before.allowed && now.allowed) out.push({ key, change: 'no-longer-denied', added, removed });
    else if (added.length || removed.length) out.push({ key, change: 'reasons-changed', added, removed });
  }
  for (const [key, before] of Object.entries(previous.objects)) if (!next.objects[key]) out.push({ key, change: 'gone', added: [], removed: before.denials });
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

export interface RecheckOptions {
  now?: Date;
  previous?: RecheckState;
  /** Objects evaluated at once (default 8). */
  concurrency?: number;
}

export async function recheck(set: PolicySet, inputs: readonly RecheckInput[], evidence: EvidenceProvider, opts: RecheckOptions = {}): Promise<RecheckResult> {
  const now = opts.now ?? new Date();
  const objects: RecheckedObject[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < inputs.length; i = next++) {
      const input = inputs[i]!;
      const value = pinRunningImages(input.value);
      const meta = isRecord(value.metadata) ? value.metadata : {};
      const namespace = input.namespace ?? (typeof meta.namespace === 'string' ? meta.namespace : 'default');
      const decision = await evaluate(set, { object: value, namespace }, evidence, { now });
      const denials = denialsOf(decision);
      objects[i] = {
        key: `${namespace}/${String(value.kind)}/${String(meta.name ?? meta.generateName ?? '')}`,
        ...(input.source ? { source: input.source } : {}),
        allowed: decision.allowed,
        images: decision.images.map((img) => (img.digest && !img.reference.includes('@') ? `${img.reference}@${img.digest}` : img.reference)),
        denials,
        decision,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, Math.max(1, inputs.length)) }, worker));
  const state: RecheckState = { schemaVersion: 1, checkedAt: now.toISOString(), objects: {} };
  for (const o of objects) state.objects[o.key] = { allowed: o.allowed, denials: [...new Set(o.denials.map(denialId))].sort() };
  return { checkedAt: state.checkedAt, objects, changes: changesBetween(opts.previous, state), state };
}

/** Reads a state file's JSON (undefined when it is not one). */
export function tryParseRecheckState(doc: unknown): RecheckState | undefined {
  if (!isRecord(doc) || doc.schemaVersion !== 1 || typeof doc.checkedAt !== 'string' || !isRecord(doc.objects)) return undefined;
  for (const v of Object.values(doc.objects)) if (!isRecord(v) || typeof v.allowed !== 'boolean' || !Array.isArray(v.denials) || !v.denials.every((d) => typeof d === 'string')) return undefined;
  return doc as unknown as RecheckState;
}

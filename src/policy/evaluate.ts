/**
 * The one engine: (policies, the object under review, an evidence provider) → a Decision. Pure
 * apart from the provider's lookups; with warm evidence (a cached provider) it verifies nothing
 * twice and answers in well under a millisecond.
 *
 * Every image policy whose namespaces and image globs match an image applies to it, and every
 * workload policy whose namespaces match applies to the pod. Per result the policy's mode
 * decides: `enforce` denies on `fail` or `error`, `warn` admits with a warning, `audit` admits and
 * records it in the audit annotations. An unexpired exemption turns a policy's results into
 * `exempt`; the breakglass annotation, on a policy that allows it, turns failures into
 * `breakglass` (admitted, warned, recorded). An image no image policy covers gets `noMatch`.
 */
import type { Decision, PolicyMode, ReviewedImage, RuleOutcome, RuleResult } from '../core/index.js';
import type { Exemption, ImagePolicy, Policy, PolicySet, WorkloadPolicy } from './compile.js';
import type { Evidence, EvidenceProvider, ImageName } from './evidence.js';
import { matchesName } from './glob.js';
import { imagesOf, podOf, type ObjectImage } from './images.js';
import { podSecurityDrafts } from './rules/pod-security.js';
import { IMAGE_RULES } from './rules/registry.js';
import type { RuleDraft } from './rules/types.js';
import { BREAKGLASS_ANNOTATION } from './schema.js';
import { auditAnnotationsOf, shortWarning } from './annotations.js';

export interface Review {
  /** The object: a Pod or any workload kind. */
  object: Record<string, unknown>;
  /** The request's namespace (AdmissionReview `request.namespace`); default the object's, else `default`. */
  namespace?: string;
}

export interface EvaluateOptions {
  /** The evaluation time (expiry of exemptions and allowlist entries, evidence age). */
  now?: Date;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

interface Subject {
  namespace: string;
  serviceAccount: string;
  breakglass?: string;
  controllerOwned: boolean;
}

function subjectOf(review: Review): Subject {
  const meta = isRecord(review.object.metadata) ? review.object.metadata : {};
  const pod = podOf(review.object);
  const annotations = [meta.annotations, pod?.meta.annotations].filter(isRecord);
  const breakglass = annotations.map((a) => str(a[BREAKGLASS_ANNOTATION])?.trim()).find((r) => r !== undefined && r !== '');
  const owners = Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [];
  return {
    namespace: review.namespace || str(meta.namespace) || 'default',
    serviceAccount: str((pod?.spec as Record<string, unknown> | undefined)?.serviceAccountName) || 'default',
    ...(breakglass ? { breakglass } : {}),
    controllerOwned: review.object.kind === 'Pod' && owners.some((o) => isRecord(o) && o.controller === true),
  };
}

function inNamespace(p: Policy, ns: string): boolean {
  if (p.namespace !== undefined) return p.namespace === ns;
  return (p.namespaces ?? ['*']).some((g) => matchesName(g, ns));
}

function exemptionFor(p: Policy, s: Subject, now: number, image?: ObjectImage): Exemption | undefined {
  return p.exemptions.find(
    (e) =>
      (e.until === undefined || e.until > now) &&
      (e.namespaces !== undefined || e.serviceAccounts !== undefined || e.images !== undefined) &&
      (e.namespaces === undefined || e.namespaces.some((g) => matchesName(g, s.namespace))) &&
      (e.serviceAccounts === undefined || e.serviceAccounts.some((g) => matchesName(g, s.serviceAccount) || matchesName(g, `${s.namespace}:${s.serviceAccount}`))) &&
      (e.images === undefined || (image !== undefined && e.images.some((g) => g.matches(image.repository, image.reference)))),
  );
}

function coversImage(p: ImagePolicy, image: ObjectImage): boolean {
  return p.images.some((g) => g.matches(image.repository, image.reference));
}

/** Applies mode, breakglass and the image to a rule's draft. */
function finish(p: Policy | undefined, d: RuleDraft, s: Subject, image?: ObjectImage & { digest?: string }): RuleResult {
  const mode: PolicyMode = p?.mode ?? 'enforce';
  let outcome: RuleOutcome = d.outcome;
  if ((outcome === 'fail' || outcome === 'error') && p?.breakglass && s.breakglass) outcome = 'breakglass';
  return {
    policy: p?.id ?? 'noMatch',
    rule: d.rule,
    mode,
    outcome,
    message: d.message,
    ...(d.code ? { code: d.code } : {}),
    ...(image ? { image: image.reference, container: image.container, pointer: image.pointer, ...(image.digest ? { digest: image.digest } : {}) } : {}),
    evidence: d.evidence,
    fix: d.fix,
  };
}

function exemptDraft(e: Exemption, rule: string): RuleDraft {
  const until = e.until !== undefined ? ` until ${new Date(e.until - 1).toISOString().slice(0, 10)}` : '';
  return { rule, outcome: 'skip', message: `exempted by spec.exemptions[${e.index}]${e.reason ? ` (${e.reason})` : ''}${until}`, evidence: [{ kind: 'exemption', id: `spec.exemptions[${e.index}]` }], fix: [] };
}

/** Evaluates one object under review against every policy that applies. */
export async function evaluate(set: PolicySet, review: Review, evidence: EvidenceProvider, opts: EvaluateOptions = {}): Promise<Decision> {
  const nowDate = opts.now ?? new Date();
  const now = nowDate.getTime();
  const obj = review.object;
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const s = subjectOf(review);
  const results: RuleResult[] = [];
  const passWarnings: string[] = [];
  const patches = new Map<string, { op: 'replace'; path: string; value: unknown }>();

  // Workload policies: the pod itself.
  const pod = podOf(obj);
  for (const p of set.policies) {
    if (p.type !== 'workload' || !inNamespace(p, s.namespace) || !pod) continue;
    const e = exemptionFor(p, s, now);
    if (e) {
      results.push({ ...finish(p, exemptDraft(e, 'podSecurity'), s), outcome: 'exempt' });
      continue;
    }
    for (const d of podSecurityDrafts(p as WorkloadPolicy, pod)) results.push(finish(p, d, s));
  }

  // Image policies: each image.
  const images = imagesOf(obj);
  const reviewed: ReviewedImage[] = [];
  const imagePolicies = set.policies.filter((p): p is ImagePolicy => p.type === 'image' && inNamespace(p, s.namespace));
  const unmatched: string[] = [];
  await Promise.all(
    images.map(async (img) => {
      const entry: ReviewedImage = { container: img.container, field: img.field, pointer: img.pointer, raw: img.raw, reference: img.reference, ...(img.name?.digest ? { digest: img.name.digest } : {}) };
      reviewed.push(entry);
      if (!img.name) {
        if (imagePolicies.length > 0) results.push(finish(undefined, { rule: 'reference', outcome: 'error', code: 'INVALID_REFERENCE', message: `cannot parse image "${img.raw}": ${img.problem}`, evidence: [], fix: ['fix the image reference'] }, s, img));
        return;
      }
      const named = img as ObjectImage & { name: ImageName };
      let digest: Promise<Evidence<string>> | undefined;
      const digestOf = () =>
        (digest ??= evidence.resolveDigest(named.name).then((r) => {
          if (r.ok) entry.digest = r.value;
          return r;
        }));
      const matching = imagePolicies.filter((p) => coversImage(p, img));
      if (matching.length === 0) {
        unmatched.push(img.reference);
        return;
      }
      for (const p of matching) {
        const e = exemptionFor(p, s, now, img);
        if (e) {
          results.push({ ...finish(p, exemptDraft(e, 'image'), s, img), outcome: 'exempt' });
          continue;
        }
        const drafts: RuleDraft[] = [];
        for (const rule of IMAGE_RULES) if (rule.applies(p)) drafts.push(...(await rule.evaluate({ policy: p, image: named, digest: digestOf, evidence, now: nowDate })));
        if (drafts.length === 0) drafts.push({ rule: 'images', outcome: 'pass', message: 'covered by the policy (no rules configured)', evidence: [], fix: [] });
        for (const d of drafts) {
          if (d.warning) passWarnings.push(d.warning);
          if (d.patch && d.outcome === 'pass') patches.set(d.patch.path, d.patch as { op: 'replace'; path: string; value: unknown });
          results.push(finish(p, d, s, { ...img, ...(entry.digest ? { digest: entry.digest } : {}) }));
        }
      }
    }),
  );
  // Results in the object's container order (the lookups above finish in any order); stable sort.
  const order = new Map(images.map((i, n) => [i.pointer, n]));
  const rank = (r: RuleResult) => (r.pointer === undefined ? -1 : (order.get(r.pointer) ?? -1));
  results.sort((a, b) => rank(a) - rank(b));

  const noMatch = { ...set.noMatch, images: unmatched.sort() };
  if (unmatched.length > 0 && set.noMatch.action === 'deny') {
    for (const ref of noMatch.images) {
      const img = images.find((i) => i.reference === ref)!;
      results.push(finish(undefined, { rule: 'noMatch', outcome: 'fail', code: 'NO_POLICY', message: `${ref} matches no image policy and noMatch is deny (${set.noMatch.source})`, evidence: [], fix: [`add a ClusterImagePolicy or ImagePolicy whose spec.images covers ${img.repository}`] }, s, img));
    }
  }

  const denied = results.filter((r) => r.mode === 'enforce' && (r.outcome === 'fail' || r.outcome === 'error'));
  const allowed = denied.length === 0;
  const warnings: string[] = [];
  if (!s.controllerOwned) {
    for (const w of passWarnings) warnings.push(shortWarning(w));
    for (const r of results) {
      if (r.outcome === 'breakglass') warnings.push(shortWarning(`breakglass: ${r.policy} ${r.rule}${r.image ? ` ${r.image}` : ''}: ${r.message}`));
      else if (r.mode === 'warn' && (r.outcome === 'fail' || r.outcome === 'error')) warnings.push(shortWarning(`${r.policy} ${r.rule}${r.image ? ` ${r.image}` : ''}: ${r.message}`));
    }
    if (unmatched.length > 0 && set.noMatch.action === 'warn') for (const ref of noMatch.images) warnings.push(shortWarning(`${ref} matches no image policy`));
  }
  const glassPolicies = [...new Set(results.filter((r) => r.outcome === 'breakglass').map((r) => r.policy))];
  const decision: Decision = {
    allowed,
    object: { apiVersion: str(obj.apiVersion) ?? '', kind: str(obj.kind) ?? '', namespace: s.namespace, name: str(meta.name) ?? str(meta.generateName) ?? '' },
    images: reviewed,
    results,
    warnings: [...new Set(warnings)],
    patches: allowed ? [...patches.values()] : [],
    auditAnnotations: {},
    noMatch,
    ...(glassPolicies.length && s.breakglass ? { breakglass: { reason: s.breakglass, policies: glassPolicies } } : {}),
    evaluatedAt: nowDate.toISOString(),
  };
  decision.auditAnnotations = auditAnnotationsOf(decision);
  return decision;
}

/**
 * Checks beyond the schema, on parsed documents: globs, CEL conditions, regular expressions,
 * Pod Security versions, authority references, dates that have passed, namespaces of the
 * namespaced kinds, and the one `noMatch` setting. Pure: key files are checked by `compile.ts`.
 */
import { resolvePredicateType } from '../attest/index.js';
import { tryParsePssVersion, type FieldPath } from '../checks/index.js';
import { compileCondition } from './cel.js';
import type { Diagnostic, DiagnosticRule } from './diagnostics.js';
import { globProblem } from './glob.js';
import type { ParsedPolicy } from './parse.js';
import type { ExemptionSpec, ImagePolicySpec, WorkloadPolicySpec } from './schema.js';
import { formatUntil, untilInstant } from './time.js';

type Report = (path: FieldPath, rule: DiagnosticRule, message: string, hint: string, severity?: 'error' | 'warning') => void;

function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function checkExemptions(exemptions: readonly ExemptionSpec[] | undefined, isImagePolicy: boolean, now: number, report: Report): void {
  exemptions?.forEach((e, i) => {
    const at: FieldPath = ['spec', 'exemptions', i];
    if (!e.namespaces && !e.serviceAccounts && !e.images) report(at, 'ineffective', 'the exemption names no namespaces, service accounts or images', 'Name what it exempts; an empty exemption would exempt everything.');
    if (e.images && !isImagePolicy) report([...at, 'images'], 'invalid-value', 'image exemptions belong to image policies', 'Exempt namespaces or service accounts here, or move the exemption to a ClusterImagePolicy/ImagePolicy.');
    e.images?.forEach((g, j) => {
      const p = globProblem(g);
      if (p) report([...at, 'images', j], 'bad-glob', `bad image glob "${g}": ${p}`, 'Globs match normalised references: registry.example/team/*, docker.io/library/**.');
    });
    if (e.until !== undefined) {
      const t = untilInstant(e.until);
      if (Number.isNaN(t)) report([...at, 'until'], 'invalid-value', `"${String(e.until)}" is not a date`, 'Write a date (2027-01-31) or an RFC 3339 time.');
      else if (t <= now) report([...at, 'until'], 'expired-exemption', `the exemption expired on ${formatUntil(e.until)}`, 'Remove it, or extend until with a reason; an expired exemption exempts nothing.');
    }
  });
}

function checkImageSpec(spec: ImagePolicySpec, now: number, report: Report): void {
  spec.images.forEach((g, i) => {
    const p = globProblem(g);
    if (p) report(['spec', 'images', i], 'bad-glob', `bad image glob "${g}": ${p}`, 'Globs match normalised references: registry.example/team/*, docker.io/library/**.');
  });
  const names = new Set(spec.signatures?.authorities.map((a) => a.name) ?? []);
  spec.signatures?.authorities.forEach((a, i) => {
    for (const f of ['issuerRegex', 'subjectRegex'] as const) {
      const src = a.keyless?.[f];
      const p = src === undefined ? undefined : regexProblem(src);
      if (p) report(['spec', 'signatures', 'authorities', i, 'keyless', f], 'bad-regex', `${f} does not compile: ${p}`, 'A JavaScript regular expression, unanchored unless you write ^ and $.');
    }
  });
  if (spec.signatures && spec.signatures.threshold > spec.signatures.authorities.length) {
    report(['spec', 'signatures', 'threshold'], 'invalid-value', `threshold ${spec.signatures.threshold} is more than the ${spec.signatures.authorities.length} authorities`, 'No image could ever pass: lower the threshold or add authorities.');
  }
  spec.attestations?.forEach((a, i) => {
    try {
      resolvePredicateType(a.predicateType);
    } catch (err) {
      report(['spec', 'attestations', i, 'predicateType'], 'invalid-value', (err as Error).message, (err as { hint?: string }).hint ?? 'A short name or a predicate type URI.');
    }
    if (a.condition !== undefined) {
      const c = compileCondition(a.condition);
      if ('error' in c) report(['spec', 'attestations', i, 'condition'], 'bad-cel', `the condition does not compile: ${c.error}`, 'A CEL expression returning bool over predicate, predicateType, subject and now.');
    }
    a.authorities.forEach((ref, j) => {
      if (typeof ref === 'string' && !names.has(ref)) report(['spec', 'attestations', i, 'authorities', j], 'unknown-authority', `no authority named "${ref}" in spec.signatures.authorities`, 'Name an authority defined under signatures.authorities, or define it here.');
    });
  });
  const v = spec.vulnerabilities;
  if (v) {
    v.allow?.forEach((a, i) => {
      if (a.until === undefined) return;
      const t = untilInstant(a.until);
      if (Number.isNaN(t)) report(['spec', 'vulnerabilities', 'allow', i, 'until'], 'invalid-value', `"${String(a.until)}" is not a date`, 'Write a date (2027-01-31) or an RFC 3339 time.');
      else if (t <= now) report(['spec', 'vulnerabilities', 'allow', i, 'until'], 'expired-allow', `the allowlist entry for ${a.id} expired on ${formatUntil(a.until)}`, `Fix ${a.id} (rebuild the image) or extend until with a fresh reason; an expired entry allows nothing.`);
    });
    if (v.maxSeverity === undefined && v.maxUnfixableSeverity === undefined && v.maxCounts === undefined) {
      report(['spec', 'vulnerabilities'], 'ineffective', 'no maxSeverity, maxUnfixableSeverity or maxCounts: only the presence (and age) of a scan is required', 'Add maxSeverity (e.g. HIGH) to deny worse findings.', 'warning');
    }
    if (v.fixableOnly && v.maxUnfixableSeverity !== undefined) report(['spec', 'vulnerabilities', 'fixableOnly'], 'ineffective', 'fixableOnly with maxUnfixableSeverity: unfixable findings are counted by neither maxCounts nor maxSeverity, only by maxUnfixableSeverity', 'Drop one of them if that is not what you meant.', 'warning');
  }
  checkExemptions(spec.exemptions, true, now, report);
}

function checkWorkloadSpec(spec: WorkloadPolicySpec, now: number, report: Report): void {
  if (spec.podSecurity && tryParsePssVersion(spec.podSecurity.version) === undefined) {
    report(['spec', 'podSecurity', 'version'], 'bad-version', `"${spec.podSecurity.version}" is not a Pod Security Standards version`, 'Use v1.NN (for example v1.30) or latest.');
  }
  checkExemptions(spec.exemptions, false, now, report);
}

/** Every semantic problem of a set of parsed policies. */
export function lintPolicies(policies: readonly ParsedPolicy[], opts: { now?: Date } = {}): Diagnostic[] {
  const now = (opts.now ?? new Date()).getTime();
  const out: Diagnostic[] = [];
  const seen = new Map<string, ParsedPolicy>();
  let noMatch: { value: string; where: string } | undefined;
  for (const p of policies) {
    const report: Report = (path, rule, message, hint, severity = 'error') => out.push({ file: p.file, ...p.locate(path), severity, rule, message, hint });
    const { doc } = p;
    const namespaced = doc.kind === 'ImagePolicy' || doc.kind === 'WorkloadPolicy';
    if (namespaced && !doc.metadata.namespace) report(['metadata'], 'missing-namespace', `a ${doc.kind} needs metadata.namespace`, `It applies in one namespace; use Cluster${doc.kind} for every namespace.`);
    if (!namespaced && doc.metadata.namespace) report(['metadata', 'namespace'], 'ineffective', `a ${doc.kind} is cluster-wide: metadata.namespace is ignored`, 'Use spec.namespaces to choose namespaces.', 'warning');
    const id = `${doc.kind}/${namespaced ? `${doc.metadata.namespace ?? ''}/` : ''}${doc.metadata.name}`;
    const dup = seen.get(id);
    if (dup) report(['metadata', 'name'], 'duplicate-policy', `${id} is also defined in ${dup.file}:${dup.locate(['metadata', 'name']).line}`, 'Give each policy its own name.');
    seen.set(id, p);
    if (doc.kind === 'ClusterImagePolicy' || doc.kind === 'ClusterWorkloadPolicy') {
      (doc.spec.namespaces ?? []).forEach((n, i) => {
        if (!/^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?$/.test(n)) report(['spec', 'namespaces', i], 'bad-glob', `"${n}" is not a namespace name or glob`, 'Namespaces are lower-case DNS labels; * and ? are wildcards.');
      });
    }
    if (doc.kind === 'ClusterImagePolicy' || doc.kind === 'ImagePolicy') checkImageSpec(doc.spec, now, report);
    else checkWorkloadSpec(doc.spec, now, report);
    if (doc.noMatch !== undefined) {
      const where = `${p.file}:${p.locate(['noMatch']).line}`;
      if (noMatch && noMatch.value !== doc.noMatch) report(['noMatch'], 'no-match-conflict', `noMatch: ${doc.noMatch} contradicts noMatch: ${noMatch.value} at ${noMatch.where}`, 'Set noMatch once, or to the same value everywhere.');
      noMatch ??= { value: doc.noMatch, where };
    }
  }
  if (!noMatch && policies.some((p) => p.doc.kind === 'ClusterImagePolicy' || p.doc.kind === 'ImagePolicy')) {
    const p = policies[0]!;
    out.push({ file: p.file, ...p.locate([]), severity: 'warning', rule: 'no-match-unset', message: 'noMatch is not set: images that no image policy covers are admitted with a warning', hint: 'Set noMatch: allow, warn or deny at the top level of one policy document.' });
  }
  return out;
}

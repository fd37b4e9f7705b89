/**
 * `vulnerabilities`, as Kritis defines the thresholds: the allowlist is checked first (an entry
 * past its `until` allows nothing); fixable findings above `maxSeverity` deny; findings without a
 * fix deny only above `maxUnfixableSeverity` (by default they never block); `maxCounts` caps the
 * number per severity and in total (`fixableOnly`: counting fixable findings only). A scan older
 * than `maxEvidenceAge` does not count — the image is treated as unscanned.
 */
import { type DecisionEvidence, SEVERITIES, severityRank, type Severity } from '../../core/index.js';
import type { VulnerabilityFinding } from '../evidence.js';
import { evidenceError, pinned, type ImageRule } from './types.js';

const MAX_LISTED = 10;

function ageText(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 ? `${Math.floor(h / 24)} days` : h >= 1 ? `${Math.floor(h)} hours` : `${Math.max(0, Math.floor(ms / 60_000))} minutes`;
}

export const vulnerabilitiesRule: ImageRule = {
  id: 'vulnerabilities',
  applies: (p) => p.vulnerabilities !== undefined,
  async evaluate(ctx) {
    const rule = ctx.policy.vulnerabilities!;
    const d = await ctx.digest();
    if (!d.ok) return [evidenceError('vulnerabilities', { code: d.code, message: `cannot resolve ${ctx.image.reference} to a digest to look up its scan: ${d.message}` })];
    const digest = d.value;
    const scanFix = `portcullis scan image ${pinned(ctx.image.name, digest)} --push URL --push-project PROJECT`;
    const r = await ctx.evidence.vulnerabilities({ ...ctx.image.name, digest });
    if (!r.ok) return [evidenceError('vulnerabilities', { code: r.code, message: `no vulnerability scan of ${digest}: ${r.message}` }, [scanFix])];
    const report = r.value;
    const scanEv: DecisionEvidence = { kind: 'scan', id: report.scanId ?? `${report.source}:${digest}`, detail: `scanned ${report.scannedAt.toISOString()} (${report.source}), ${report.findings.length} findings` };
    const age = ctx.now.getTime() - report.scannedAt.getTime();
    if (rule.maxEvidenceAgeMs !== undefined && age > rule.maxEvidenceAgeMs) {
      return [{ rule: 'vulnerabilities', outcome: 'fail', code: 'EVIDENCE_STALE', message: `the latest scan of ${digest} is ${ageText(age)} old, more than maxEvidenceAge ${rule.maxEvidenceAge}: it does not count`, evidence: [scanEv], fix: [scanFix] }];
    }
    const now = ctx.now.getTime();
    const evidence: DecisionEvidence[] = [scanEv];
    const violations: { f: VulnerabilityFinding; why: string }[] = [];
    const counts = new Map<Severity | 'total', number>();
    let allowed = 0;
    for (const f of report.findings) {
      const entry = rule.allow.find((a) => a.id === f.id);
      if (entry && (entry.until === undefined || entry.until > now)) {
        allowed++;
        if (evidence.length < MAX_LISTED) evidence.push({ kind: 'allowlist', id: f.id, detail: `allowed: ${entry.reason}` });
        continue;
      }
      const expired = entry ? ' (its allowlist entry has expired)' : '';
      const rank = severityRank(f.severity);
      if (f.fixable && rule.maxSeverity !== undefined && rank > severityRank(rule.maxSeverity)) violations.push({ f, why: `${f.severity} with a fix, above maxSeverity ${rule.maxSeverity}${expired}` });
      else if (!f.fixable && rule.maxUnfixableSeverity !== undefined && rank > severityRank(rule.maxUnfixableSeverity)) violations.push({ f, why: `${f.severity} without a fix, above maxUnfixableSeverity ${rule.maxUnfixableSeverity}${expired}` });
      if (rule.fixableOnly && !f.fixable) continue;
      counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
      counts.set('total', (counts.get('total') ?? 0) + 1);
    }
    const over: string[] = [];
    for (const k of [...SEVERITIES, 'total'] as const) {
      const max = rule.maxCounts?.[k];
      const n = counts.get(k) ?? 0;
      if (max !== undefined && n > max) over.push(`${n} ${k === 'total' ? 'findings in total' : k}${rule.fixableOnly ? ' (fixable)' : ''}, more than ${max}`);
    }
    for (const v of violations.slice(0, MAX_LISTED)) evidence.push({ kind: 'advisory', id: v.f.id, detail: `${v.f.package ? `${v.f.package}: ` : ''}${v.why} (${v.f.evidenceId})` });
    if (violations.length === 0 && over.length === 0) {
      return [{ rule: 'vulnerabilities', outcome: 'pass', message: `scan of ${ageText(age)} ago: ${report.findings.length} findings, ${allowed} allowlisted, none above the thresholds`, evidence, fix: [] }];
    }
    const ids = [...new Set(violations.map((v) => v.f.id))];
    const listed = ids.slice(0, 5).join(', ') + (ids.length > 5 ? ` and ${ids.length - 5} more` : '');
    const until = new Date(now + 30 * 86_400_000).toISOString().slice(0, 10);
    return [
      {
        rule: 'vulnerabilities',
        outcome: 'fail',
        code: violations.length ? 'VULNERABILITY_SEVERITY' : 'VULNERABILITY_COUNT',
        message: [violations.length ? `${violations.length} findings above the thresholds: ${listed}` : '', ...over].filter(Boolean).join('; '),
        evidence,
        fix: [
          'rebuild the image with the fixed packages, then scan it again: ' + scanFix,
          ...ids.slice(0, 3).map((id) => `or accept the risk in ${ctx.policy.id}: spec.vulnerabilities.allow: [{id: ${id}, reason: "…", until: ${until}}]`),
        ],
      },
    ];
  },
};

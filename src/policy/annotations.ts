/**
 * What the API server accepts besides the verdict: warnings of at most 120 characters on one line
 * (it drops ones with newlines and truncates past 4,096 in total), and audit annotations whose keys
 * have no `/`, are at most 63 characters and match `[A-Za-z0-9][-A-Za-z0-9_.]*` (the server
 * prefixes them with the webhook's name). The full explanation goes in the annotations.
 */
import type { Decision, RuleResult } from '../core/index.js';

export const MAX_WARNING_LENGTH = 120;
const MAX_ANNOTATION_VALUE = 8_192;
export const AUDIT_ANNOTATION_KEY = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;

/** One line, at most 120 characters (an ellipsis marks a cut). */
export function shortWarning(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_WARNING_LENGTH ? line : `${line.slice(0, MAX_WARNING_LENGTH - 1)}…`;
}

function describe(r: RuleResult): string {
  return `${r.policy} ${r.rule}${r.image ? ` ${r.image}` : ''}${r.digest ? `@${r.digest}` : ''}: ${r.code ? `[${r.code}] ` : ''}${r.message}`;
}

function cap(s: string): string {
  return s.length <= MAX_ANNOTATION_VALUE ? s : `${s.slice(0, MAX_ANNOTATION_VALUE - 1)}…`;
}

/** The audit annotations of a decision (keys valid for the API server). */
export function auditAnnotationsOf(d: Omit<Decision, 'auditAnnotations'>): Record<string, string> {
  const out: Record<string, string> = { decision: d.allowed ? 'allowed' : 'denied' };
  const policies = [...new Set(d.results.map((r) => r.policy).filter((p) => p !== 'noMatch'))];
  if (policies.length) out.policies = cap(policies.join(','));
  const failing = (mode: string) => d.results.filter((r) => r.mode === mode && (r.outcome === 'fail' || r.outcome === 'error')).map(describe);
  const denied = failing('enforce');
  const warned = failing('warn');
  const audited = failing('audit');
  if (denied.length) out['denied-by'] = cap(denied.join('\n'));
  if (warned.length) out['warned-by'] = cap(warned.join('\n'));
  if (audited.length) out['audit-violations'] = cap(audited.join('\n'));
  if (d.breakglass) out.breakglass = cap(`${d.breakglass.reason} (${d.breakglass.policies.join(',')})`);
  const exempt = d.results.filter((r) => r.outcome === 'exempt').map(describe);
  if (exempt.length) out.exempted = cap(exempt.join('\n'));
  if (d.patches.length) out.mutated = cap(d.patches.map((p) => `${p.path}=${String(p.value)}`).join('\n'));
  if (d.noMatch.images.length) out['no-match'] = cap(`${d.noMatch.action}: ${d.noMatch.images.join(',')}`);
  return out;
}

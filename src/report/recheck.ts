/** Renderers of `policy recheck`: what would now be denied and why, and what changed since the last run. */
import type { RecheckResult } from '../admission/index.js';

export function renderRecheckJson(r: RecheckResult, meta: { toolVersion: string; policies: readonly string[]; previousAt?: string }): string {
  const doc = {
    schemaVersion: 1,
    kind: 'policy-recheck',
    toolVersion: meta.toolVersion,
    checkedAt: r.checkedAt,
    ...(meta.previousAt ? { previousCheckAt: meta.previousAt } : {}),
    policies: meta.policies,
    summary: { objects: r.objects.length, denied: r.objects.filter((o) => !o.allowed).length, changes: r.changes.length },
    denied: r.objects.filter((o) => !o.allowed).map(({ key, source, images, denials }) => ({ key, ...(source ? { source } : {}), images, denials })),
    changes: r.changes,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

export function renderRecheckTable(r: RecheckResult, meta: { previousAt?: string }): string {
  const lines: string[] = [];
  const denied = r.objects.filter((o) => !o.allowed);
  lines.push(`${r.objects.length} running objects re-checked at ${r.checkedAt}: ${denied.length} would now be denied`);
  for (const o of denied) {
    lines.push('', `DENIED ${o.key}${o.source ? ` (${o.source})` : ''}`);
    for (const d of o.denials) {
      lines.push(`  ${d.policy} ${d.rule}${d.image ? ` ${d.image}${d.digest && !d.image.includes('@') ? `@${d.digest}` : ''}` : ''}: ${d.code ? `[${d.code}] ` : ''}${d.message}`);
      for (const f of d.fix) lines.push(`    fix: ${f}`);
    }
  }
  lines.push('');
  if (!meta.previousAt) lines.push('No previous run (--state): nothing to compare.');
  else if (r.changes.length === 0) lines.push(`No change since ${meta.previousAt}.`);
  else {
    lines.push(`Changes since ${meta.previousAt}:`);
    for (const c of r.changes) {
      lines.push(`  ${c.change.toUpperCase()} ${c.key}`);
      for (const a of c.added) lines.push(`    + ${a}`);
      for (const x of c.removed) lines.push(`    - ${x}`);
    }
  }
  return lines.join('\n') + '\n';
}

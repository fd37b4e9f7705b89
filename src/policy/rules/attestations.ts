/**
 * `attestations`: for each required predicate type, a statement about the digest signed by one of
 * the rule's authorities whose predicate satisfies the CEL condition.
 */
import type { DecisionEvidence } from '../../core/index.js';
import { PREDICATE_KINDS } from '../../attest/index.js';
import type { AttestationRule } from '../compile.js';
import { verifyWith } from '../verify.js';
import { evidenceError, pinned, type ImageRule, type ImageRuleContext, type RuleDraft } from './types.js';

const MAX_EVIDENCE = 10;

function typeName(uri: string): string {
  return PREDICATE_KINDS.find((k) => k.uri === uri)?.name ?? uri;
}

function attestFix(ctx: ImageRuleContext, rule: AttestationRule, digest: string): string[] {
  return rule.authorities.map((a) =>
    a.keys ? `portcullis attest ${pinned(ctx.image.name, digest)} --type ${typeName(rule.predicateType)} --predicate FILE ${a.signArgs}` : `attest ${pinned(ctx.image.name, digest)} (${typeName(rule.predicateType)}) keyless ${a.signArgs}`,
  );
}

function condition(rule: AttestationRule, statement: { predicate: unknown; predicateType: string; subject: unknown }, now: Date): { ok: boolean; why: string } {
  if (!rule.condition) return { ok: true, why: 'no condition' };
  try {
    const r = rule.condition.program({ predicate: statement.predicate, predicateType: statement.predicateType, subject: statement.subject, now });
    return r === true ? { ok: true, why: `condition holds: ${rule.condition.source}` } : { ok: false, why: `condition is ${String(r)}: ${rule.condition.source}` };
  } catch (err) {
    return { ok: false, why: `condition failed to evaluate (${String((err as Error)?.message ?? err).split('\n')[0]}): ${rule.condition.source}` };
  }
}

export const attestationsRule: ImageRule = {
  id: 'attestations',
  applies: (p) => (p.attestations?.length ?? 0) > 0,
  async evaluate(ctx) {
    const d = await ctx.digest();
    if (!d.ok) return [evidenceError('attestations', { code: d.code, message: `cannot resolve ${ctx.image.reference} to a digest to verify: ${d.message}` })];
    const digest = d.value;
    const a = await ctx.evidence.artifacts({ ...ctx.image.name, digest });
    const out: RuleDraft[] = [];
    for (const rule of ctx.policy.attestations!) {
      const id = `attestations/${rule.name}`;
      if (!a.ok) {
        out.push(evidenceError(id, { code: a.code, message: `cannot read the attestations of ${digest}: ${a.message}` }, attestFix(ctx, rule, digest)));
        continue;
      }
      const evidence: DecisionEvidence[] = [];
      let passed: string | undefined;
      let closest: { code: string; why: string } | undefined;
      for (const auth of rule.authorities) {
        const v = verifyWith(a.value, auth, digest, 'attestation', rule.predicateType);
        for (const c of v.checks) {
          if (!c.verified) {
            closest ??= { code: c.code ?? 'SIGNATURE_INVALID', why: `${auth.name}: ${c.reason}` };
            if (evidence.length < MAX_EVIDENCE) evidence.push({ kind: 'attestation', id: c.layerDigest, detail: `${auth.name}: [${c.code}] ${c.reason}` });
            continue;
          }
          const st = c.statement!;
          const cond = condition(rule, st, ctx.now);
          if (evidence.length < MAX_EVIDENCE) evidence.push({ kind: 'attestation', id: c.layerDigest, detail: `${auth.name}: ${typeName(st.predicateType)} verified; ${cond.why}` });
          if (cond.ok) passed ??= `${typeName(rule.predicateType)} attestation by ${auth.name} (${c.layerDigest.slice(0, 19)}…)`;
          else closest = { code: 'ATTESTATION_CONDITION', why: `${auth.name}: ${cond.why}` };
        }
        if (v.checks.length === 0) closest ??= { code: 'SIGNATURE_MISSING', why: `no ${typeName(rule.predicateType)} attestation by ${auth.name}` };
      }
      if (passed) out.push({ rule: id, outcome: 'pass', message: passed, evidence, fix: [] });
      else out.push({ rule: id, outcome: 'fail', code: closest?.code ?? 'SIGNATURE_MISSING', message: `no ${typeName(rule.predicateType)} attestation for ${digest} passes: ${closest?.why ?? 'none found'}`, evidence, fix: attestFix(ctx, rule, digest) });
    }
    return out;
  },
};

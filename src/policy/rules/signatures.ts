/**
 * `signatures`: at least `threshold` of the named authorities signed the digest the image runs
 * (public keys, PKCS#11 keys, or keyless identities under a trusted root), in either layout that
 * `portcullis sign` writes (`.sig` tag, OCI 1.1 referrer bundles).
 */
import type { DecisionEvidence } from '../../core/index.js';
import { verifyWith } from '../verify.js';
import { evidenceError, pinned, type ImageRule } from './types.js';

const MAX_EVIDENCE = 10;

export const signaturesRule: ImageRule = {
  id: 'signatures',
  applies: (p) => p.signatures !== undefined,
  async evaluate(ctx) {
    const { threshold, authorities } = ctx.policy.signatures!;
    const signFix = (digest: string) => authorities.map((a) => (a.keys ? `portcullis sign ${pinned(ctx.image.name, digest)} ${a.signArgs}` : `sign ${pinned(ctx.image.name, digest)} keyless ${a.signArgs}`));
    const d = await ctx.digest();
    if (!d.ok) return [evidenceError('signatures', { code: d.code, message: `cannot resolve ${ctx.image.reference} to a digest to verify: ${d.message}` })];
    const digest = d.value;
    const a = await ctx.evidence.artifacts({ ...ctx.image.name, digest });
    if (!a.ok) return [evidenceError('signatures', { code: a.code, message: `cannot read the signatures of ${digest}: ${a.message}` }, signFix(digest))];
    const evidence: DecisionEvidence[] = [];
    const verified: string[] = [];
    const failed: string[] = [];
    let code: string | undefined;
    for (const auth of authorities) {
      const v = verifyWith(a.value, auth, digest, 'signature');
      if (v.verified) verified.push(auth.name);
      else {
        failed.push(`${auth.name}: ${v.reason}`);
        code ??= v.code;
      }
      for (const c of v.checks) {
        if (evidence.length >= MAX_EVIDENCE) break;
        evidence.push({ kind: 'signature', id: c.layerDigest, detail: `${auth.name} (${auth.describe}): ${c.verified ? 'verified' : `[${c.code}] `}${c.verified ? '' : c.reason}${c.source === 'referrer' ? ' (referrer)' : ''}` });
      }
    }
    if (verified.length >= threshold) {
      return [{ rule: 'signatures', outcome: 'pass', message: `signed by ${verified.join(', ')} (${verified.length} of ${threshold} required)`, evidence, fix: [] }];
    }
    const missing = authorities.filter((x) => !verified.includes(x.name));
    return [
      {
        rule: 'signatures',
        outcome: 'fail',
        code: verified.length > 0 ? 'SIGNATURE_THRESHOLD' : (code ?? 'SIGNATURE_MISSING'),
        message: `${verified.length} of ${threshold} required signatures for ${digest}; ${failed.join('; ')}`,
        evidence,
        fix: missing.slice(0, threshold - verified.length).map((x) => (x.keys ? `portcullis sign ${pinned(ctx.image.name, digest)} ${x.signArgs}` : `sign ${pinned(ctx.image.name, digest)} keyless ${x.signArgs}`)),
      },
    ];
  },
};

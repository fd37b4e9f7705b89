/**
 * `digests`: `deny` refuses an image named by tag alone; `mutate` resolves the tag to the digest
 * the other rules verified and patches the object to run exactly that; `allow` accepts tags.
 */
import type { ImageRule } from './types.js';

export const digestsRule: ImageRule = {
  id: 'digests',
  applies: (p) => p.digests !== 'allow',
  async evaluate(ctx) {
    const { image } = ctx;
    if (image.name.digest) return [{ rule: 'digests', outcome: 'pass', message: `pinned to ${image.name.digest}`, evidence: [{ kind: 'digest', id: image.name.digest }], fix: [] }];
    const d = await ctx.digest();
    const pin = d.ok ? `${image.raw}@${d.value}` : `${image.raw}@sha256:…`;
    if (ctx.policy.digests === 'deny') {
      return [{ rule: 'digests', outcome: 'fail', code: 'DIGEST_REQUIRED', message: `${image.reference} is named by tag, not by digest`, evidence: d.ok ? [{ kind: 'digest', id: d.value, detail: `the tag resolves to it now` }] : [], fix: [`pin the image: image: ${pin}`] }];
    }
    if (!d.ok) return [{ rule: 'digests', outcome: 'error', code: d.code, message: `cannot resolve ${image.reference} to a digest: ${d.message}`, evidence: [], fix: [`pin the image: image: ${pin}`] }];
    return [
      {
        rule: 'digests',
        outcome: 'pass',
        message: `${image.reference} resolves to ${d.value}: mutated to the digest`,
        evidence: [{ kind: 'digest', id: d.value, detail: `resolved from the tag ${image.name.tag ?? 'latest'}` }],
        fix: [],
        patch: { op: 'replace', path: image.pointer, value: `${image.raw}@${d.value}` },
      },
    ];
  },
};

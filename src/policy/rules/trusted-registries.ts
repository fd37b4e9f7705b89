/**
 * `trustedRegistries`: an image from any other registry (or repository prefix) is denied. An
 * image that reached Docker Hub through the implicit default (`nginx`) is warned about even when
 * Docker Hub is trusted: the name does not say where it comes from.
 */
import { isTrustedImage } from '../../checks/index.js';
import type { ImageRule, RuleDraft } from './types.js';

export const trustedRegistriesRule: ImageRule = {
  id: 'trustedRegistries',
  applies: (p) => p.trustedRegistries !== undefined,
  evaluate(ctx) {
    const trusted = ctx.policy.trustedRegistries!;
    const { name } = ctx.image;
    const implicit = ctx.image.implicitRegistry ? `image "${ctx.image.raw}" names no registry: it resolves to ${ctx.image.repository} (Docker Hub)` : undefined;
    const ev = [{ kind: 'registry', id: name.registry, detail: `trusted: ${trusted.join(', ')}` }];
    const draft: RuleDraft = isTrustedImage(name, trusted)
      ? { rule: 'trustedRegistries', outcome: 'pass', message: `${name.registry} is trusted`, evidence: ev, fix: [], ...(implicit ? { warning: implicit } : {}) }
      : {
          rule: 'trustedRegistries',
          outcome: 'fail',
          code: 'REGISTRY_UNTRUSTED',
          message: `${ctx.image.repository} is not in a trusted registry (${trusted.join(', ')})`,
          evidence: ev,
          fix: [`copy the image to a trusted registry: portcullis copy docker://${ctx.image.reference} docker://${trusted[0]}/${name.repository}:${name.tag ?? 'latest'}`],
        };
    if (implicit && draft.outcome === 'fail') draft.message += `; ${implicit}`;
    return Promise.resolve([draft]);
  },
};

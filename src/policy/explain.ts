/** The one-paragraph summary of a denial (the admission response's `status.message`). */
import type { Decision } from '../core/index.js';

/** `denied by ClusterImagePolicy/x signatures docker.io/…@sha256:…: [SIGNATURE_MISSING] …; fix: portcullis sign …`. */
export function denialMessage(d: Decision): string {
  const parts = d.results
    .filter((r) => r.mode === 'enforce' && (r.outcome === 'fail' || r.outcome === 'error'))
    .map((r) => `${r.policy} ${r.rule}${r.image ? ` ${r.image}${r.digest && !r.image.includes('@') ? `@${r.digest}` : ''}` : ''}: ${r.code ? `[${r.code}] ` : ''}${r.message}${r.fix.length ? `; fix: ${r.fix[0]}` : ''}`);
  return parts.length ? `denied by ${parts.join(' | ')}` : 'allowed';
}

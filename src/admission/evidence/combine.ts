/** One provider from parts: registry for digests and signatures, metadata server for scans. */
import { offlineEvidence, type EvidenceProvider } from '../../policy/index.js';

export function combineEvidence(parts: { registry?: Pick<EvidenceProvider, 'resolveDigest' | 'artifacts'>; metadata?: Pick<EvidenceProvider, 'vulnerabilities'> }): EvidenceProvider {
  return {
    resolveDigest: (i) => (parts.registry ?? offlineEvidence).resolveDigest(i),
    artifacts: (i) => (parts.registry ?? offlineEvidence).artifacts(i),
    vulnerabilities: (i) => (parts.metadata ?? offlineEvidence).vulnerabilities(i),
  };
}

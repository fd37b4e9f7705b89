/**
 * Kubernetes admission: evidence providers for the policy engine (registry signatures and
 * attestations, the metadata server's vulnerability occurrences), combined.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { combineEvidence, metadataEvidence, registryEvidence } from './evidence/index.js';

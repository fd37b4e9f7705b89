/** Evidence providers over the network, for `policy test` and the admission webhook. */
export { registryEvidence, type RegistryEvidenceOptions, type RegistryEvidenceProvider } from './registry.js';
export { metadataEvidence, reportOfOccurrences, type MetadataEvidenceOptions, type MetadataEvidenceProvider } from './metadata.js';
export { combineEvidence } from './combine.js';

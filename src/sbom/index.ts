/**
 * SBOM writers and readers: CycloneDX and SPDX documents from a catalog, and a catalog from an
 * SBOM.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { toCycloneDx } from './cyclonedx.js';
export { readSbom } from './read.js';
export { toSpdx } from './spdx.js';
export type { ValidationResult } from './validate.js';

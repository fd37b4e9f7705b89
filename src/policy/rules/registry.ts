/** Every image rule, in the order the engine runs them. A new rule is a new file listed here. */
import { attestationsRule } from './attestations.js';
import { digestsRule } from './digests.js';
import { signaturesRule } from './signatures.js';
import { trustedRegistriesRule } from './trusted-registries.js';
import type { ImageRule } from './types.js';
import { vulnerabilitiesRule } from './vulnerabilities.js';

export const IMAGE_RULES: readonly ImageRule[] = [trustedRegistriesRule, digestsRule, signaturesRule, attestationsRule, vulnerabilitiesRule];

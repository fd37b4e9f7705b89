/**
 * Seccomp (restricted, v1.19+). A seccomp profile must be set to RuntimeDefault or Localhost:
 * at pod level, or on every container. From v1.25 pods with `spec.os.name: windows` are exempt.
 * Replaces `seccompProfile_baseline` when restricted is evaluated.
 */
import { ALLOWED, isWindowsPod, v } from './_helpers.js';
import { seccompFields } from './_seccomp.js';
import type { PssCheck } from './types.js';

export const checkSeccompProfileRestricted: PssCheck = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  title: 'Seccomp',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a localhostProfile).',
  versions: [
    { minimumVersion: v(19), check: (_meta, spec) => seccompFields(spec, true) ?? ALLOWED, overrides: ['seccompProfile_baseline'] },
    { minimumVersion: v(25), check: (_meta, spec) => (isWindowsPod(spec) ? ALLOWED : (seccompFields(spec, true) ?? ALLOWED)), overrides: ['seccompProfile_baseline'] },
  ],
};

/**
 * /proc Mount Type (restricted, v1.35+). Restricted keeps forbidding anything but `Default`, even
 * for pods in a user namespace, and replaces the relaxed baseline `procMount` control.
 */
import { v } from './_helpers.js';
import { procMount_1_0 } from './check-proc-mount.js';
import type { PssCheck } from './types.js';

export const checkProcMountRestricted: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  title: '/proc Mount Type',
  remediation: 'Remove securityContext.procMount or set it to Default.',
  versions: [{ minimumVersion: v(35), check: procMount_1_0, overrides: ['procMount'] }],
};

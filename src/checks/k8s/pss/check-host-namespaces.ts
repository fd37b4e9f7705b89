/**
 * Host Namespaces (baseline). Sharing the host namespaces must be disallowed.
 *
 * Restricted fields: spec.hostNetwork, spec.hostPID, spec.hostIPC.
 * Allowed values: undefined/nil, false.
 */
import { ALLOWED, v } from './_helpers.js';
import type { FieldPath, PssCheck } from './types.js';

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export const checkHostNamespaces: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  title: 'Host Namespaces',
  remediation: 'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC, or set them to false.',
  versions: [
    {
      minimumVersion: v(0),
      check: (_meta, spec) => {
        const bad = FIELDS.filter((f) => spec[f] === true);
        if (bad.length === 0) return ALLOWED;
        return { allowed: false, forbiddenReason: 'host namespaces', forbiddenDetail: bad.map((f) => `${f}=true`).join(', '), paths: bad.map((f): FieldPath => ['spec', f]) };
      },
    },
  ],
};

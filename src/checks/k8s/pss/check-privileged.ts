/**
 * Privileged Containers (baseline). Privileged pods disable most security mechanisms.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.privileged.
 * Allowed values: undefined/nil, false.
 */
import { ALLOWED, containersOf, joinQuote, pluralize, v } from './_helpers.js';
import type { PssCheck } from './types.js';

export const checkPrivileged: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  title: 'Privileged Containers',
  remediation: 'Remove securityContext.privileged or set it to false.',
  versions: [
    {
      minimumVersion: v(0),
      check: (_meta, spec) => {
        const bad = containersOf(spec).filter((c) => c.container.securityContext?.privileged === true);
        if (bad.length === 0) return ALLOWED;
        const names = bad.map((c) => c.name);
        return {
          allowed: false,
          forbiddenReason: 'privileged',
          forbiddenDetail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.privileged=true`,
          paths: bad.map((c) => [...c.path, 'securityContext', 'privileged']),
          containers: names,
        };
      },
    },
  ],
};

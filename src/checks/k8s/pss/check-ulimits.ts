/**
 * Container ulimits (baseline, v1.37+). Only the privileged level may set per-container resource
 * limits; baseline and restricted forbid the field whatever its value.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.ulimits.
 * Allowed values: undefined/nil.
 */
import { ALLOWED, containersOf, joinQuote, pluralize, v } from './_helpers.js';
import type { PssCheck } from './types.js';

export const checkUlimits: PssCheck = {
  id: 'ulimits',
  level: 'baseline',
  title: 'Container ulimits',
  remediation: 'Remove securityContext.ulimits from every container; raise limits on the node or the runtime instead.',
  versions: [
    {
      minimumVersion: v(37),
      check: (_meta, spec) => {
        const bad = containersOf(spec).filter((c) => {
          const u = c.container.securityContext?.ulimits;
          return u !== undefined && u !== null;
        });
        if (bad.length === 0) return ALLOWED;
        const names = bad.map((c) => c.name);
        return {
          allowed: false,
          forbiddenReason: 'ulimits',
          forbiddenDetail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.ulimits`,
          paths: bad.map((c) => [...c.path, 'securityContext', 'ulimits']),
          containers: names,
        };
      },
    },
  ],
};

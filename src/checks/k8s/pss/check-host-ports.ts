/**
 * Host Ports (baseline). HostPorts should be disallowed entirely.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].ports[*].hostPort.
 * Allowed values: undefined, 0.
 */
import { ALLOWED, asArray, containersOf, joinQuote, pluralize, sortedSet, v } from './_helpers.js';
import type { FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

export const checkHostPorts: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  title: 'Host Ports',
  remediation: 'Remove ports[*].hostPort; expose the container through a Service instead.',
  versions: [
    {
      minimumVersion: v(0),
      check: (_meta, spec) => {
        const names: string[] = [];
        const ports: string[] = [];
        const paths: FieldPath[] = [];
        for (const c of containersOf(spec)) {
          let valid = true;
          asArray(c.container.ports).forEach((p, i) => {
            if (isRecord(p) && p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) {
              valid = false;
              ports.push(String(p.hostPort));
              paths.push([...c.path, 'ports', i, 'hostPort']);
            }
          });
          if (!valid) names.push(c.name);
        }
        if (names.length === 0) return ALLOWED;
        const list = sortedSet(ports);
        return {
          allowed: false,
          forbiddenReason: 'hostPort',
          forbiddenDetail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
          paths,
          containers: names,
        };
      },
    },
  ],
};

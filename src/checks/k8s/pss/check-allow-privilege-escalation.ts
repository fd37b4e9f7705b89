/**
 * Privilege Escalation (restricted, v1.8+). Privilege escalation (such as via set-user-ID or
 * set-group-ID file mode) must not be allowed.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.allowPrivilegeEscalation.
 * Allowed values: false. From v1.25 pods with `spec.os.name: windows` are exempt.
 */
import { ALLOWED, containersOf, isWindowsPod, joinQuote, pluralize, v } from './_helpers.js';
import type { CheckPodFn, PssCheck } from './types.js';

const allowPrivilegeEscalation_1_8: CheckPodFn = (_meta, spec) => {
  const bad = containersOf(spec).filter((c) => c.container.securityContext?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return ALLOWED;
  const names = bad.map((c) => c.name);
  return {
    allowed: false,
    forbiddenReason: 'allowPrivilegeEscalation != false',
    forbiddenDetail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must set securityContext.allowPrivilegeEscalation=false`,
    paths: bad.map((c) => [...c.path, 'securityContext', 'allowPrivilegeEscalation']),
    containers: names,
  };
};

export const checkAllowPrivilegeEscalation: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  title: 'Privilege Escalation',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  versions: [
    { minimumVersion: v(8), check: allowPrivilegeEscalation_1_8 },
    { minimumVersion: v(25), check: (meta, spec) => (isWindowsPod(spec) ? ALLOWED : allowPrivilegeEscalation_1_8(meta, spec)) },
  ],
};

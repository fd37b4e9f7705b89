/**
 * /proc Mount Type (baseline). The default /proc masks reduce attack surface and are required.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.procMount.
 * Allowed values: undefined/nil, Default. From v1.35 a pod in a user namespace
 * (`spec.hostUsers: false`) may use any value under baseline; restricted keeps the v1.0 rule
 * (see `procMount_restricted`).
 */
import { ALLOWED, containersOf, isUserNamespacePod, joinQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import type { CheckPodFn, PssCheck } from './types.js';

/** Anything but `Default` is forbidden. Shared with `procMount_restricted`. */
export const procMount_1_0: CheckPodFn = (_meta, spec) => {
  const bad = containersOf(spec).filter((c) => {
    const pm = c.container.securityContext?.procMount;
    return pm !== undefined && pm !== null && pm !== 'Default';
  });
  if (bad.length === 0) return ALLOWED;
  const names = bad.map((c) => c.name);
  return {
    allowed: false,
    forbiddenReason: 'procMount',
    forbiddenDetail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not set securityContext.procMount to ${joinQuote(sortedSet(bad.map((c) => str(c.container.securityContext?.procMount))))}`,
    paths: bad.map((c) => [...c.path, 'securityContext', 'procMount']),
    containers: names,
  };
};

export const checkProcMount: PssCheck = {
  id: 'procMount',
  level: 'baseline',
  title: '/proc Mount Type',
  remediation: 'Remove securityContext.procMount or set it to Default (or run the pod in a user namespace with hostUsers: false, baseline v1.35+).',
  versions: [
    { minimumVersion: v(0), check: procMount_1_0 },
    { minimumVersion: v(35), check: (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : procMount_1_0(meta, spec)) },
  ],
};

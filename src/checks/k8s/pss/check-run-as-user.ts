/**
 * Running as Non-root user (restricted, v1.23+). Containers must not set runAsUser to 0.
 *
 * Restricted fields: spec.securityContext.runAsUser and
 * spec.{containers,initContainers,ephemeralContainers}[*].securityContext.runAsUser.
 * Allowed values: any non-zero value, undefined. From v1.35 a pod in a user namespace
 * (`spec.hostUsers: false`) is exempt.
 */
import { ALLOWED, containersOf, isUserNamespacePod, joinQuote, pluralize, v } from './_helpers.js';
import type { CheckPodFn, FieldPath, PssCheck } from './types.js';

const runAsUser_1_23: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const paths: FieldPath[] = [];
  if (spec.securityContext?.runAsUser === 0) {
    setters.push('pod');
    paths.push(['spec', 'securityContext', 'runAsUser']);
  }
  const bad = containersOf(spec).filter((c) => c.container.securityContext?.runAsUser === 0);
  for (const c of bad) paths.push([...c.path, 'securityContext', 'runAsUser']);
  const names = bad.map((c) => c.name);
  if (names.length > 0) setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
  if (setters.length === 0) return ALLOWED;
  return { allowed: false, forbiddenReason: 'runAsUser=0', forbiddenDetail: `${setters.join(' and ')} must not set runAsUser=0`, paths, containers: names };
};

export const checkRunAsUser: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  title: 'Running as Non-root user',
  remediation: 'Set runAsUser to a non-zero UID (or leave it unset and rely on a non-root image user).',
  versions: [
    { minimumVersion: v(23), check: runAsUser_1_23 },
    { minimumVersion: v(35), check: (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : runAsUser_1_23(meta, spec)) },
  ],
};

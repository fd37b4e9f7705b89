/**
 * Running as Non-root (restricted). Containers must run as non-root users.
 *
 * Restricted fields: spec.securityContext.runAsNonRoot and
 * spec.{containers,initContainers,ephemeralContainers}[*].securityContext.runAsNonRoot.
 * Allowed values: true; undefined at container level when the pod sets true.
 * From v1.35 a pod in a user namespace (`spec.hostUsers: false`) is exempt.
 */
import { ALLOWED, containersOf, isUserNamespacePod, joinQuote, pluralize, v } from './_helpers.js';
import type { CheckPodFn, FieldPath, PssCheck } from './types.js';

const runAsNonRoot_1_0: CheckPodFn = (_meta, spec) => {
  const setters: string[] = [];
  const paths: FieldPath[] = [];
  let podNonRoot = false;
  const pod = spec.securityContext?.runAsNonRoot;
  if (pod === false) {
    setters.push('pod');
    paths.push(['spec', 'securityContext', 'runAsNonRoot']);
  } else if (pod === true) podNonRoot = true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  const implicitPaths: FieldPath[] = [];
  for (const c of containersOf(spec)) {
    const val = c.container.securityContext?.runAsNonRoot;
    if (typeof val === 'boolean') {
      if (!val) {
        explicit.push(c.name);
        paths.push([...c.path, 'securityContext', 'runAsNonRoot']);
      }
    } else if (!podNonRoot) {
      implicit.push(c.name);
      implicitPaths.push([...c.path, 'securityContext', 'runAsNonRoot']);
    }
  }
  if (explicit.length > 0) setters.push(`${pluralize('container', 'containers', explicit.length)} ${joinQuote(explicit)}`);
  if (setters.length > 0) return { allowed: false, forbiddenReason: 'runAsNonRoot != true', forbiddenDetail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, paths, containers: explicit };
  if (implicit.length > 0) {
    return {
      allowed: false,
      forbiddenReason: 'runAsNonRoot != true',
      forbiddenDetail: `pod or ${pluralize('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.runAsNonRoot=true`,
      paths: [['spec', 'securityContext', 'runAsNonRoot'], ...implicitPaths],
      containers: implicit,
    };
  }
  return ALLOWED;
};

export const checkRunAsNonRoot: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  title: 'Running as Non-root',
  remediation: 'Set spec.securityContext.runAsNonRoot: true (and do not set it to false on any container).',
  versions: [
    { minimumVersion: v(0), check: runAsNonRoot_1_0 },
    { minimumVersion: v(35), check: (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : runAsNonRoot_1_0(meta, spec)) },
  ],
};

/** Shared pieces of the two seccomp controls. */
import { containersOf, joinQuote, pluralize, sortedSet, str } from './_helpers.js';
import type { CheckResult, FieldPath, PodSpecLike } from './types.js';
import { isRecord } from '../../../core/index.js';

export const validSeccompType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';

/**
 * Explicitly bad seccompProfile types (pod and containers), and with `requireSet` the containers
 * left without a profile when the pod sets none.
 */
export function seccompFields(spec: PodSpecLike, requireSet: boolean): CheckResult | undefined {
  const setters: string[] = [];
  const badValues: string[] = [];
  const paths: FieldPath[] = [];
  let podSet = false;
  const pod = spec.securityContext?.seccompProfile;
  if (isRecord(pod)) {
    if (!validSeccompType(pod.type)) {
      setters.push('pod');
      badValues.push(str(pod.type));
      paths.push(['spec', 'securityContext', 'seccompProfile', 'type']);
    } else podSet = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  const implicitPaths: FieldPath[] = [];
  for (const c of containersOf(spec)) {
    const p = c.container.securityContext?.seccompProfile;
    if (isRecord(p)) {
      if (!validSeccompType(p.type)) {
        explicit.push(c.name);
        badValues.push(str(p.type));
        paths.push([...c.path, 'securityContext', 'seccompProfile', 'type']);
      }
    } else if (!podSet) {
      implicit.push(c.name);
      implicitPaths.push([...c.path, 'securityContext', 'seccompProfile', 'type']);
    }
  }
  if (explicit.length > 0) setters.push(`${pluralize('container', 'containers', explicit.length)} ${joinQuote(explicit)}`);
  if (setters.length > 0) {
    return { allowed: false, forbiddenReason: 'seccompProfile', forbiddenDetail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}`, paths, containers: explicit };
  }
  if (requireSet && implicit.length > 0) {
    return {
      allowed: false,
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: `pod or ${pluralize('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      paths: implicitPaths,
      containers: implicit,
    };
  }
  return undefined;
}

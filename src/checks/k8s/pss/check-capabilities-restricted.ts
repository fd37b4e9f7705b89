/**
 * Capabilities (restricted, v1.22+). Containers must drop ALL capabilities and may add back only
 * NET_BIND_SERVICE. From v1.25 pods with `spec.os.name: windows` are exempt.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.capabilities.drop
 * (must include ALL) and …capabilities.add (undefined/empty or NET_BIND_SERVICE).
 * Replaces `capabilities_baseline` when restricted is evaluated.
 */
import { ALLOWED, asArray, containersOf, isWindowsPod, joinQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import type { CheckPodFn, FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

const capabilitiesRestricted_1_22: CheckPodFn = (_meta, spec) => {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  const paths: FieldPath[] = [];
  for (const c of containersOf(spec)) {
    const capabilities = c.container.securityContext?.capabilities;
    if (!isRecord(capabilities)) {
      missingDrop.push(c.name);
      paths.push([...c.path, 'securityContext', 'capabilities', 'drop']);
      continue;
    }
    if (!asArray(capabilities.drop).some((d) => d === 'ALL')) {
      missingDrop.push(c.name);
      paths.push([...c.path, 'securityContext', 'capabilities', 'drop']);
    }
    let bad = false;
    asArray(capabilities.add).forEach((a, i) => {
      if (a !== 'NET_BIND_SERVICE') {
        bad = true;
        caps.push(str(a));
        paths.push([...c.path, 'securityContext', 'capabilities', 'add', i]);
      }
    });
    if (bad) adding.push(c.name);
  }
  const details: string[] = [];
  if (missingDrop.length > 0) details.push(`${pluralize('container', 'containers', missingDrop.length)} ${joinQuote(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length > 0) details.push(`${pluralize('container', 'containers', adding.length)} ${joinQuote(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
  if (details.length === 0) return ALLOWED;
  return { allowed: false, forbiddenReason: 'unrestricted capabilities', forbiddenDetail: details.join('; '), paths, containers: [...new Set([...missingDrop, ...adding])] };
};

export const checkCapabilitiesRestricted: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  title: 'Capabilities',
  remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add back at most NET_BIND_SERVICE.',
  versions: [
    { minimumVersion: v(22), check: capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
    { minimumVersion: v(25), check: (meta, spec) => (isWindowsPod(spec) ? ALLOWED : capabilitiesRestricted_1_22(meta, spec)), overrides: ['capabilities_baseline'] },
  ],
};

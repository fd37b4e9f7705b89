/**
 * Capabilities (baseline). Adding capabilities beyond the default set must be disallowed.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.capabilities.add.
 * Allowed values: undefined/empty, AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
 * NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.
 */
import { ALLOWED, asArray, containersOf, joinQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import type { FieldPath, PssCheck } from './types.js';

export const BASELINE_CAPABILITIES_1_0: ReadonlySet<string> = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

export const checkCapabilitiesBaseline: PssCheck = {
  id: 'capabilities_baseline',
  level: 'baseline',
  title: 'Capabilities',
  remediation: 'Add only capabilities of the default set to securityContext.capabilities.add (never NET_RAW, SYS_ADMIN, …).',
  versions: [
    {
      minimumVersion: v(0),
      check: (_meta, spec) => {
        const names: string[] = [];
        const caps: string[] = [];
        const paths: FieldPath[] = [];
        for (const c of containersOf(spec)) {
          let valid = true;
          asArray(c.container.securityContext?.capabilities?.add).forEach((cap, i) => {
            if (!BASELINE_CAPABILITIES_1_0.has(str(cap))) {
              valid = false;
              caps.push(str(cap));
              paths.push([...c.path, 'securityContext', 'capabilities', 'add', i]);
            }
          });
          if (!valid) names.push(c.name);
        }
        if (names.length === 0) return ALLOWED;
        return {
          allowed: false,
          forbiddenReason: 'non-default capabilities',
          forbiddenDetail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
          paths,
          containers: names,
        };
      },
    },
  ],
};

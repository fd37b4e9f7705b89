/**
 * HostProcess (baseline). Windows HostProcess containers give privileged access to the host.
 *
 * Restricted fields: spec.securityContext.windowsOptions.hostProcess and
 * spec.{containers,initContainers,ephemeralContainers}[*].securityContext.windowsOptions.hostProcess.
 * Allowed values: undefined/nil, false.
 */
import { ALLOWED, containersOf, joinQuote, pluralize, v } from './_helpers.js';
import type { FieldPath, PssCheck } from './types.js';

export const checkWindowsHostProcess: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  title: 'HostProcess',
  remediation: 'Remove securityContext.windowsOptions.hostProcess or set it to false.',
  versions: [
    {
      minimumVersion: v(0),
      check: (_meta, spec) => {
        const paths: FieldPath[] = [];
        const setters: string[] = [];
        if (spec.securityContext?.windowsOptions?.hostProcess === true) {
          setters.push('pod');
          paths.push(['spec', 'securityContext', 'windowsOptions', 'hostProcess']);
        }
        const bad = containersOf(spec).filter((c) => c.container.securityContext?.windowsOptions?.hostProcess === true);
        for (const c of bad) paths.push([...c.path, 'securityContext', 'windowsOptions', 'hostProcess']);
        const names = bad.map((c) => c.name);
        if (names.length > 0) setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
        if (setters.length === 0) return ALLOWED;
        return { allowed: false, forbiddenReason: 'hostProcess', forbiddenDetail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, paths, containers: names };
      },
    },
  ],
};

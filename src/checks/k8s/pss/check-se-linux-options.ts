/**
 * SELinux (baseline). Setting the SELinux type is restricted; a custom user or role is forbidden.
 *
 * Restricted fields: spec.securityContext.seLinuxOptions.{type,user,role} and the same under
 * spec.{containers,initContainers,ephemeralContainers}[*].securityContext.
 * Allowed types: undefined/empty, container_t, container_init_t, container_kvm_t, and from v1.31
 * container_engine_t. User and role: undefined/empty.
 */
import { ALLOWED, containersOf, joinQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import type { CheckPodFn, FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

function seLinuxOptions(allowedTypes: ReadonlySet<string>): CheckPodFn {
  return (_meta, spec) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const paths: FieldPath[] = [];
    const valid = (opts: Record<string, unknown>, at: FieldPath): boolean => {
      let ok = true;
      if (!allowedTypes.has(str(opts.type))) {
        ok = false;
        badTypes.push(str(opts.type));
        paths.push([...at, 'type']);
      }
      if (str(opts.user).length > 0) {
        ok = false;
        setUser = true;
        paths.push([...at, 'user']);
      }
      if (str(opts.role).length > 0) {
        ok = false;
        setRole = true;
        paths.push([...at, 'role']);
      }
      return ok;
    };
    const setters: string[] = [];
    const pod = spec.securityContext?.seLinuxOptions;
    if (isRecord(pod) && !valid(pod, ['spec', 'securityContext', 'seLinuxOptions'])) setters.push('pod');
    const names: string[] = [];
    for (const c of containersOf(spec)) {
      const o = c.container.securityContext?.seLinuxOptions;
      if (isRecord(o) && !valid(o, [...c.path, 'securityContext', 'seLinuxOptions'])) names.push(c.name);
    }
    if (names.length > 0) setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
    if (setters.length === 0) return ALLOWED;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return { allowed: false, forbiddenReason: 'seLinuxOptions', forbiddenDetail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`, paths, containers: names };
  };
}

export const checkSeLinuxOptions: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  title: 'SELinux',
  remediation: 'Remove seLinuxOptions.user and .role; set seLinuxOptions.type only to container_t, container_init_t, container_kvm_t or container_engine_t.',
  versions: [
    { minimumVersion: v(0), check: seLinuxOptions(new Set(TYPES_1_0)) },
    { minimumVersion: v(31), check: seLinuxOptions(new Set(TYPES_1_31)) },
  ],
};

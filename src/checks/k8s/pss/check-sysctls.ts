/**
 * Sysctls (baseline). Only the "safe" namespaced sysctls may be set.
 *
 * Restricted field: spec.securityContext.sysctls[*].name. The safe list grows with the versions:
 * v1.0 kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start,
 * net.ipv4.tcp_syncookies, net.ipv4.ping_group_range; v1.27 net.ipv4.ip_local_reserved_ports;
 * v1.29 net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl,
 * net.ipv4.tcp_keepalive_probes; v1.32 net.ipv4.tcp_rmem, net.ipv4.tcp_wmem; v1.37
 * net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat. (v1.36 changed nothing here.)
 */
import { ALLOWED, asArray, str, v } from './_helpers.js';
import type { CheckPodFn, FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

export const SAFE_SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range'];
export const SAFE_SYSCTLS_1_27 = [...SAFE_SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
export const SAFE_SYSCTLS_1_29 = [...SAFE_SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
export const SAFE_SYSCTLS_1_32 = [...SAFE_SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
export const SAFE_SYSCTLS_1_37 = [...SAFE_SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctls(list: readonly string[]): CheckPodFn {
  const safe = new Set(list);
  return (_meta, spec) => {
    const bad: string[] = [];
    const paths: FieldPath[] = [];
    asArray(spec.securityContext?.sysctls).forEach((s, i) => {
      const name = isRecord(s) ? str(s.name) : '';
      if (!safe.has(name)) {
        bad.push(name);
        paths.push(['spec', 'securityContext', 'sysctls', i, 'name']);
      }
    });
    if (bad.length === 0) return ALLOWED;
    return { allowed: false, forbiddenReason: 'forbidden sysctls', forbiddenDetail: bad.join(', '), paths };
  };
}

export const checkSysctls: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  title: 'Sysctls',
  remediation: 'Set only the safe sysctls in spec.securityContext.sysctls; node-level tuning belongs to the node.',
  versions: [
    { minimumVersion: v(0), check: sysctls(SAFE_SYSCTLS_1_0) },
    { minimumVersion: v(27), check: sysctls(SAFE_SYSCTLS_1_27) },
    { minimumVersion: v(29), check: sysctls(SAFE_SYSCTLS_1_29) },
    { minimumVersion: v(32), check: sysctls(SAFE_SYSCTLS_1_32) },
    { minimumVersion: v(37), check: sysctls(SAFE_SYSCTLS_1_37) },
  ],
};

/**
 * Every Pod Security Standards control at its boundaries: a pod that passes, the smallest change
 * that fails, and the versions where the behaviour changes. Expected messages are the admission
 * controller's `reason (detail)` texts.
 */
import { describe, expect, it } from 'vitest';
import { checksFor, evaluatePod, formatViolation, maxPolicyVersion, resolveVersion } from './evaluate.js';
import { PSS_CHECKS } from './registry.js';
import type { PodMetaLike, PodSpecLike, PssLevel } from './types.js';
import { parsePssVersion, tryParsePssVersion } from './version.js';

/** A pod that passes restricted at every version. */
function restrictedPod(): PodSpecLike {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  };
}
const c0 = (spec: PodSpecLike) => (spec.containers as Record<string, unknown>[])[0] as { securityContext: Record<string, unknown> } & Record<string, unknown>;

/** Messages of the failing controls, keyed by check id. */
function violations(level: PssLevel, version: string, spec: PodSpecLike, meta: PodMetaLike = {}): Record<string, string> {
  return Object.fromEntries(evaluatePod({ level, version: parsePssVersion(version), meta, spec }).map((e) => [e.check.id, formatViolation(e.result)]));
}
const only = (id: string, level: PssLevel, version: string, spec: PodSpecLike, meta: PodMetaLike = {}) => violations(level, version, spec, meta)[id];

describe('registry and evaluator', () => {
  it('ids are unique, versions strictly increase, overrides name baseline checks', () => {
    const ids = PSS_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of PSS_CHECKS) {
      for (let i = 1; i < c.versions.length; i++) expect(c.versions[i]!.minimumVersion.minor).toBeGreaterThan(c.versions[i - 1]!.minimumVersion.minor);
      for (const r of c.versions)
        for (const o of r.overrides ?? []) {
          expect(c.level).toBe('restricted');
          expect(PSS_CHECKS.find((x) => x.id === o)?.level).toBe('baseline');
        }
    }
  });

  it('latest is the newest revision (v1.37); newer versions clamp to it', () => {
    expect(maxPolicyVersion()).toEqual({ major: 1, minor: 37 });
    expect(resolveVersion('latest')).toEqual({ major: 1, minor: 37 });
    expect(resolveVersion({ major: 1, minor: 99 })).toEqual({ major: 1, minor: 37 });
    expect(resolveVersion({ major: 1, minor: 20 })).toEqual({ major: 1, minor: 20 });
  });

  it('parses v1.NN and latest only', () => {
    expect(tryParsePssVersion('v1.25')).toEqual({ major: 1, minor: 25 });
    expect(tryParsePssVersion('v1.0')).toEqual({ major: 1, minor: 0 });
    for (const bad of ['1.25', 'v2.1', 'v1.025', 'v1.', 'Latest', '']) expect(tryParsePssVersion(bad)).toBeUndefined();
    expect(() => parsePssVersion('v1')).toThrowCode('USAGE', '"v1"');
  });

  it('privileged checks nothing; baseline and restricted sets per version (with overrides)', () => {
    expect(checksFor('privileged', 'latest')).toEqual([]);
    const ids = (l: PssLevel, ver: string) => checksFor(l, parsePssVersion(ver)).map((c) => c.check.id);
    expect(ids('baseline', 'latest')).toEqual(['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'ulimits', 'windowsHostProcess']);
    expect(ids('restricted', 'latest')).toEqual(['appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'seLinuxOptions', 'sysctls', 'ulimits', 'windowsHostProcess', 'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted']);
    // Before v1.19/v1.22 the baseline seccomp/capabilities controls still run under restricted.
    expect(ids('restricted', 'v1.18')).toEqual(['appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPorts', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess', 'allowPrivilegeEscalation', 'restrictedVolumes', 'runAsNonRoot']);
    expect(ids('restricted', 'v1.0')).not.toContain('allowPrivilegeEscalation');
    expect(ids('restricted', 'v1.8')).toContain('allowPrivilegeEscalation');
  });

  it('a minimal pod passes baseline everywhere; the restricted pod passes restricted everywhere', () => {
    for (const ver of ['v1.0', 'v1.8', 'v1.19', 'v1.22', 'v1.23', 'v1.25', 'v1.34', 'v1.35', 'v1.36', 'v1.37', 'v1.38', 'latest']) {
      expect(violations('baseline', ver, { containers: [{ name: 'a' }] })).toEqual({});
      expect(violations('restricted', ver, restrictedPod())).toEqual({});
    }
  });
});

describe('baseline controls', () => {
  it('hostNamespaces', () => {
    expect(only('hostNamespaces', 'baseline', 'latest', { hostNetwork: false, hostPID: false, hostIPC: false })).toBeUndefined();
    expect(only('hostNamespaces', 'baseline', 'v1.0', { hostNetwork: true })).toBe('host namespaces (hostNetwork=true)');
    expect(only('hostNamespaces', 'baseline', 'latest', { hostNetwork: true, hostPID: true, hostIPC: true })).toBe('host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)');
  });

  it('privileged, on containers, init containers and ephemeral containers', () => {
    expect(only('privileged', 'baseline', 'latest', { containers: [{ name: 'a', securityContext: { privileged: false } }] })).toBeUndefined();
    expect(only('privileged', 'baseline', 'latest', { containers: [{ name: 'a', securityContext: { privileged: true } }] })).toBe('privileged (container "a" must not set securityContext.privileged=true)');
    expect(only('privileged', 'restricted', 'v1.0', { initContainers: [{ name: 'i', securityContext: { privileged: true } }], containers: [{ name: 'a' }], ephemeralContainers: [{ name: 'e', securityContext: { privileged: true } }] })).toBe('privileged (containers "i", "e" must not set securityContext.privileged=true)');
  });

  it('capabilities_baseline: the default set may be added, nothing else; replaced by restricted from v1.22', () => {
    const spec = (add: string[]) => ({ containers: [{ name: 'a', securityContext: { capabilities: { add } } }] });
    expect(only('capabilities_baseline', 'baseline', 'latest', spec(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']))).toBeUndefined();
    expect(only('capabilities_baseline', 'baseline', 'latest', spec(['NET_RAW', 'CHOWN', 'SYS_ADMIN']))).toBe('non-default capabilities (container "a" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)');
    expect(only('capabilities_baseline', 'restricted', 'v1.21', spec(['NET_RAW']))).toBe('non-default capabilities (container "a" must not include "NET_RAW" in securityContext.capabilities.add)');
    expect(only('capabilities_baseline', 'restricted', 'v1.22', spec(['NET_RAW']))).toBeUndefined();
  });

  it('hostPathVolumes; replaced by restrictedVolumes under restricted', () => {
    const spec = { volumes: [{ name: 'cfg', configMap: { name: 'x' } }, { name: 'host', hostPath: { path: '/' } }, { name: 'run', hostPath: { path: '/run' } }] };
    expect(only('hostPathVolumes', 'baseline', 'latest', { volumes: [{ name: 'cfg', configMap: {} }] })).toBeUndefined();
    expect(only('hostPathVolumes', 'baseline', 'v1.0', spec)).toBe('hostPath volumes (volumes "host", "run")');
    expect(only('hostPathVolumes', 'restricted', 'latest', spec)).toBeUndefined();
    expect(only('restrictedVolumes', 'restricted', 'latest', spec)).toBe('restricted volume types (volumes "host", "run" use restricted volume type "hostPath")');
  });

  it('hostPorts: 0 and unset pass', () => {
    expect(only('hostPorts', 'baseline', 'latest', { containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }] }] })).toBeUndefined();
    expect(only('hostPorts', 'baseline', 'latest', { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 80 }] }] })).toBe('hostPort (container "a" uses hostPort 80)');
    expect(only('hostPorts', 'baseline', 'latest', { containers: [{ name: 'a', ports: [{ hostPort: 8080 }] }, { name: 'b', ports: [{ hostPort: 443 }] }] })).toBe('hostPort (containers "a", "b" use hostPorts 443, 8080)');
  });

  it('appArmorProfile: field and annotations at every version', () => {
    expect(only('appArmorProfile', 'baseline', 'latest', { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } }] })).toBeUndefined();
    expect(only('appArmorProfile', 'baseline', 'latest', { containers: [{ name: 'a' }] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/b': 'localhost/foo', 'container.apparmor.security.beta.kubernetes.io/c': '' } })).toBeUndefined();
    expect(only('appArmorProfile', 'baseline', 'v1.0', { securityContext: { appArmorProfile: { type: 'Unconfined' } } })).toBe('forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")');
    expect(only('appArmorProfile', 'baseline', 'latest', { containers: [{ name: 'foo', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] })).toBe('forbidden AppArmor profile (container "foo" must not set AppArmor profile type to "Unconfined")');
    expect(only('appArmorProfile', 'restricted', 'v1.10', { containers: [{ name: 'a' }] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/e': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/f': 'unknown' } })).toBe(
      'forbidden AppArmor profiles (annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/e="unconfined"", "container.apparmor.security.beta.kubernetes.io/f="unknown"")',
    );
  });

  it('seLinuxOptions: allowed types grow at v1.31 (container_engine_t); user and role never', () => {
    const pod = (o: Record<string, unknown>) => ({ securityContext: { seLinuxOptions: o } });
    for (const t of ['container_t', 'container_init_t', 'container_kvm_t', '']) expect(only('seLinuxOptions', 'baseline', 'v1.0', pod({ type: t, level: 's0:c1' }))).toBeUndefined();
    expect(only('seLinuxOptions', 'baseline', 'v1.30', pod({ type: 'container_engine_t' }))).toBe('seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "container_engine_t")');
    expect(only('seLinuxOptions', 'baseline', 'v1.31', pod({ type: 'container_engine_t' }))).toBeUndefined();
    expect(only('seLinuxOptions', 'baseline', 'latest', pod({ user: 'u' }))).toBe('seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set)');
    expect(only('seLinuxOptions', 'baseline', 'latest', { ...pod({ type: 'spc_t' }), containers: [{ name: 'a', securityContext: { seLinuxOptions: { type: 'foo', role: 'r', user: 'u' } } }] })).toBe(
      'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: types "foo", "spc_t"; user may not be set; role may not be set)',
    );
  });

  it('procMount: Default passes; hostUsers: false relaxes baseline from v1.35 but never restricted', () => {
    const spec = (pm: string, hostUsers?: boolean) => ({ ...(hostUsers === undefined ? {} : { hostUsers }), containers: [{ name: 'a', securityContext: { procMount: pm } }] });
    expect(only('procMount', 'baseline', 'latest', spec('Default'))).toBeUndefined();
    const msg = 'procMount (container "a" must not set securityContext.procMount to "Unmasked")';
    expect(only('procMount', 'baseline', 'latest', spec('Unmasked'))).toBe(msg);
    expect(only('procMount', 'baseline', 'v1.34', spec('Unmasked', false))).toBe(msg);
    expect(only('procMount', 'baseline', 'v1.35', spec('Unmasked', false))).toBeUndefined();
    expect(only('procMount', 'restricted', 'v1.34', spec('Unmasked', false))).toBe(msg);
    expect(only('procMount_restricted', 'restricted', 'v1.35', spec('Unmasked', false))).toBe(msg);
    expect(violations('restricted', 'v1.35', spec('Unmasked', false)).procMount).toBeUndefined();
  });

  it('seccompProfile_baseline: annotations before v1.19, the field from v1.19', () => {
    const ann = (v: string) => ({ annotations: { 'seccomp.security.alpha.kubernetes.io/pod': v } });
    const spec = { containers: [{ name: 'a' }] };
    for (const ok of ['runtime/default', 'docker/default', 'localhost/p']) expect(only('seccompProfile_baseline', 'baseline', 'v1.18', spec, ann(ok))).toBeUndefined();
    expect(only('seccompProfile_baseline', 'baseline', 'v1.18', spec, { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/a': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/other': 'unconfined' } })).toBe(
      'seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined")',
    );
    expect(only('seccompProfile_baseline', 'baseline', 'v1.19', spec, ann('unconfined'))).toBeUndefined();
    const field = { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }] };
    expect(only('seccompProfile_baseline', 'baseline', 'v1.18', field)).toBeUndefined();
    expect(only('seccompProfile_baseline', 'baseline', 'v1.19', field)).toBe('seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined")');
    expect(only('seccompProfile_baseline', 'baseline', 'latest', { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'x' } } })).toBeUndefined();
  });

  it('sysctls: the safe list grows at v1.27, v1.29, v1.32 and v1.37', () => {
    const spec = (name: string) => ({ securityContext: { sysctls: [{ name, value: '1' }] } });
    for (const n of ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range']) expect(only('sysctls', 'baseline', 'v1.0', spec(n))).toBeUndefined();
    const steps: [string, string, string][] = [
      ['net.ipv4.ip_local_reserved_ports', 'v1.26', 'v1.27'],
      ['net.ipv4.tcp_keepalive_time', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_fin_timeout', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_keepalive_intvl', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_keepalive_probes', 'v1.28', 'v1.29'],
      ['net.ipv4.tcp_rmem', 'v1.31', 'v1.32'],
      ['net.ipv4.tcp_wmem', 'v1.31', 'v1.32'],
      ['net.ipv4.tcp_slow_start_after_idle', 'v1.36', 'v1.37'],
      ['net.ipv4.tcp_notsent_lowat', 'v1.36', 'v1.37'],
    ];
    for (const [name, before, from] of steps) {
      expect(only('sysctls', 'baseline', before, spec(name))).toBe(`forbidden sysctls (${name})`);
      expect(only('sysctls', 'baseline', from, spec(name))).toBeUndefined();
      expect(only('sysctls', 'restricted', 'latest', spec(name))).toBeUndefined();
    }
    expect(only('sysctls', 'baseline', 'latest', { securityContext: { sysctls: [{ name: 'kernel.msgmax' }, { name: 'net.core.somaxconn' }] } })).toBe('forbidden sysctls (kernel.msgmax, net.core.somaxconn)');
  });

  it('windowsHostProcess', () => {
    expect(only('windowsHostProcess', 'baseline', 'latest', { securityContext: { windowsOptions: { hostProcess: false } } })).toBeUndefined();
    expect(only('windowsHostProcess', 'baseline', 'latest', { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'a', securityContext: { windowsOptions: { hostProcess: true } } }] })).toBe(
      'hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)',
    );
  });

  it('hostProbesAndHostLifecycle: from v1.34', () => {
    const spec = { containers: [{ name: 'b', livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } }, { name: 'a', lifecycle: { preStop: { tcpSocket: { host: 'metadata', port: 80 } } }, readinessProbe: { httpGet: { host: '', port: 80 } } }] };
    expect(only('hostProbesAndHostLifecycle', 'baseline', 'v1.33', spec)).toBeUndefined();
    expect(only('hostProbesAndHostLifecycle', 'baseline', 'v1.34', spec)).toBe('probe or lifecycle host (containers "a", "b" use probe or lifecycle hosts "10.0.0.1", "metadata")');
    expect(only('hostProbesAndHostLifecycle', 'restricted', 'latest', { containers: [{ name: 'a', startupProbe: { tcpSocket: { host: 'x', port: 1 } } }] })).toBe('probe or lifecycle host (container "a" uses probe or lifecycle host "x")');
    expect(only('hostProbesAndHostLifecycle', 'baseline', 'latest', { containers: [{ name: 'a', livenessProbe: { httpGet: { port: 80 } } }] })).toBeUndefined();
  });
});

describe('restricted controls', () => {
  it('restrictedVolumes: the nine allowed types; a source-less volume is emptyDir', () => {
    const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
    expect(only('restrictedVolumes', 'restricted', 'v1.0', { volumes: [...allowed.map((t) => ({ name: t, [t]: {} })), { name: 'none' }] })).toBeUndefined();
    expect(only('restrictedVolumes', 'restricted', 'latest', { volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] })).toBe('restricted volume types (volume "n" uses restricted volume type "nfs")');
    expect(only('restrictedVolumes', 'restricted', 'latest', { volumes: [{ name: 'a', gitRepo: {} }, { name: 'b', hostPath: {} }, { name: 'c', cephfs: {} }] })).toBe('restricted volume types (volumes "a", "b", "c" use restricted volume types "cephfs", "gitRepo", "hostPath")');
    expect(only('restrictedVolumes', 'baseline', 'latest', { volumes: [{ name: 'n', nfs: {} }] })).toBeUndefined();
  });

  it('allowPrivilegeEscalation: from v1.8; Windows pods exempt from v1.25', () => {
    const spec = restrictedPod();
    c0(spec).securityContext.allowPrivilegeEscalation = true;
    const msg = 'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)';
    expect(only('allowPrivilegeEscalation', 'restricted', 'v1.7', spec)).toBeUndefined();
    expect(only('allowPrivilegeEscalation', 'restricted', 'v1.8', spec)).toBe(msg);
    delete c0(spec).securityContext.allowPrivilegeEscalation;
    expect(only('allowPrivilegeEscalation', 'restricted', 'latest', spec)).toBe(msg);
    const win = { ...spec, os: { name: 'windows' } };
    expect(only('allowPrivilegeEscalation', 'restricted', 'v1.24', win)).toBe(msg);
    expect(only('allowPrivilegeEscalation', 'restricted', 'v1.25', win)).toBeUndefined();
    expect(only('allowPrivilegeEscalation', 'restricted', 'v1.25', { ...spec, os: { name: 'linux' } })).toBe(msg);
  });

  it('runAsNonRoot: pod-level true covers containers; explicit false anywhere fails; user namespaces exempt from v1.35', () => {
    const spec = restrictedPod();
    expect(only('runAsNonRoot', 'restricted', 'latest', spec)).toBeUndefined();
    delete spec.securityContext!.runAsNonRoot;
    expect(only('runAsNonRoot', 'restricted', 'v1.0', spec)).toBe('runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)');
    c0(spec).securityContext.runAsNonRoot = true;
    expect(only('runAsNonRoot', 'restricted', 'latest', spec)).toBeUndefined();
    spec.securityContext!.runAsNonRoot = false;
    expect(only('runAsNonRoot', 'restricted', 'latest', spec)).toBe('runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)');
    spec.securityContext!.runAsNonRoot = true;
    c0(spec).securityContext.runAsNonRoot = false;
    expect(only('runAsNonRoot', 'restricted', 'latest', spec)).toBe('runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)');
    const userns = { ...spec, hostUsers: false };
    expect(only('runAsNonRoot', 'restricted', 'v1.34', userns)).toBe('runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)');
    expect(only('runAsNonRoot', 'restricted', 'v1.35', userns)).toBeUndefined();
  });

  it('runAsUser: from v1.23, 0 fails at pod or container; user namespaces exempt from v1.35', () => {
    const spec = restrictedPod();
    spec.securityContext!.runAsUser = 1000;
    expect(only('runAsUser', 'restricted', 'latest', spec)).toBeUndefined();
    spec.securityContext!.runAsUser = 0;
    c0(spec).securityContext.runAsUser = 0;
    expect(only('runAsUser', 'restricted', 'v1.22', spec)).toBeUndefined();
    expect(only('runAsUser', 'restricted', 'v1.23', spec)).toBe('runAsUser=0 (pod and container "app" must not set runAsUser=0)');
    expect(only('runAsUser', 'restricted', 'v1.34', { ...spec, hostUsers: false })).toBeDefined();
    expect(only('runAsUser', 'restricted', 'v1.35', { ...spec, hostUsers: false })).toBeUndefined();
  });

  it('seccompProfile_restricted: from v1.19; pod-level covers containers; Windows pods exempt from v1.25', () => {
    const spec = restrictedPod();
    delete spec.securityContext!.seccompProfile;
    const msg = 'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
    expect(only('seccompProfile_restricted', 'restricted', 'v1.18', spec)).toBeUndefined();
    expect(only('seccompProfile_restricted', 'restricted', 'v1.19', spec)).toBe(msg);
    c0(spec).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
    expect(only('seccompProfile_restricted', 'restricted', 'v1.19', spec)).toBeUndefined();
    c0(spec).securityContext.seccompProfile = { type: 'Unconfined' };
    expect(only('seccompProfile_restricted', 'restricted', 'latest', spec)).toBe('seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")');
    expect(only('seccompProfile_restricted', 'restricted', 'v1.24', { ...spec, os: { name: 'windows' } })).toBeDefined();
    expect(only('seccompProfile_restricted', 'restricted', 'v1.25', { ...spec, os: { name: 'windows' } })).toBeUndefined();
    // the baseline field check is replaced under restricted (no double report)
    expect(violations('restricted', 'latest', spec).seccompProfile_baseline).toBeUndefined();
  });

  it('capabilities_restricted: from v1.22 drop ALL, add only NET_BIND_SERVICE; Windows pods exempt from v1.25', () => {
    const spec = restrictedPod();
    c0(spec).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
    expect(only('capabilities_restricted', 'restricted', 'latest', spec)).toBeUndefined();
    c0(spec).securityContext.capabilities = { drop: ['NET_RAW'], add: ['CHOWN', 'NET_BIND_SERVICE'] };
    expect(only('capabilities_restricted', 'restricted', 'v1.21', spec)).toBeUndefined();
    expect(only('capabilities_restricted', 'restricted', 'v1.22', spec)).toBe('unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CHOWN" in securityContext.capabilities.add)');
    delete c0(spec).securityContext.capabilities;
    expect(only('capabilities_restricted', 'restricted', 'latest', spec)).toBe('unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])');
    expect(only('capabilities_restricted', 'restricted', 'v1.24', { ...spec, os: { name: 'windows' } })).toBeDefined();
    expect(only('capabilities_restricted', 'restricted', 'v1.25', { ...spec, os: { name: 'windows' } })).toBeUndefined();
  });

  it('Windows pods are not exempt from the other controls', () => {
    const spec: PodSpecLike = { os: { name: 'windows' }, containers: [{ name: 'w' }] };
    expect(Object.keys(violations('restricted', 'latest', spec))).toEqual(['runAsNonRoot']);
  });
});

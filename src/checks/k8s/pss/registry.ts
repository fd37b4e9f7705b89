/**
 * Every control of the Pod Security Standards, in one table. A new control is a new
 * `check-<control>.ts` file added here; a new version of a control is a new entry in its
 * `versions` list.
 */
import { checkAllowPrivilegeEscalation } from './check-allow-privilege-escalation.js';
import { checkAppArmorProfile } from './check-app-armor-profile.js';
import { checkCapabilitiesBaseline } from './check-capabilities-baseline.js';
import { checkCapabilitiesRestricted } from './check-capabilities-restricted.js';
import { checkHostNamespaces } from './check-host-namespaces.js';
import { checkHostPathVolumes } from './check-host-path-volumes.js';
import { checkHostPorts } from './check-host-ports.js';
import { checkHostProbesAndHostLifecycle } from './check-host-probes-and-host-lifecycle.js';
import { checkPrivileged } from './check-privileged.js';
import { checkProcMount } from './check-proc-mount.js';
import { checkProcMountRestricted } from './check-proc-mount-restricted.js';
import { checkRestrictedVolumes } from './check-restricted-volumes.js';
import { checkRunAsNonRoot } from './check-run-as-non-root.js';
import { checkRunAsUser } from './check-run-as-user.js';
import { checkSeccompProfileBaseline } from './check-seccomp-profile-baseline.js';
import { checkSeccompProfileRestricted } from './check-seccomp-profile-restricted.js';
import { checkSeLinuxOptions } from './check-se-linux-options.js';
import { checkSysctls } from './check-sysctls.js';
import { checkUlimits } from './check-ulimits.js';
import { checkWindowsHostProcess } from './check-windows-host-process.js';
import type { PssCheck } from './types.js';

export const PSS_CHECKS: readonly PssCheck[] = [
  // baseline
  checkHostNamespaces,
  checkPrivileged,
  checkCapabilitiesBaseline,
  checkHostPathVolumes,
  checkHostPorts,
  checkAppArmorProfile,
  checkSeLinuxOptions,
  checkProcMount,
  checkSeccompProfileBaseline,
  checkSysctls,
  checkWindowsHostProcess,
  checkHostProbesAndHostLifecycle,
  checkUlimits,
  // restricted
  checkRestrictedVolumes,
  checkAllowPrivilegeEscalation,
  checkRunAsNonRoot,
  checkRunAsUser,
  checkSeccompProfileRestricted,
  checkCapabilitiesRestricted,
  checkProcMountRestricted,
];

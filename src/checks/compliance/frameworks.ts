/**
 * Compliance frameworks as data: each control with the rule ids that assess it. A control
 * whose rules did not run (rule set not selected, or no rule maps to it) is "not assessed" —
 * never "pass".
 *
 * - NIST SP 800-190 "Application Container Security Guide", section 4 (countermeasures for
 *   the major risks), at the subsection level.
 * - CIS Kubernetes Benchmark, section 5 (Policies): the recommendations a manifest scan can
 *   judge. Section numbers follow v1.8–v1.10 of the benchmark.
 *
 * @see https://csrc.nist.gov/pubs/sp/800/190/final
 * @see https://www.cisecurity.org/benchmark/kubernetes
 */

export interface Control {
  id: string;
  title: string;
  /** Rule ids (exact) whose findings fail the control. */
  rules: readonly string[];
}

export interface Framework {
  id: string;
  title: string;
  controls: readonly Control[];
}

const PSS_RUNTIME = [
  'pss/baseline/hostNamespaces',
  'pss/baseline/privileged',
  'pss/baseline/capabilities_baseline',
  'pss/baseline/hostPathVolumes',
  'pss/baseline/hostPorts',
  'pss/baseline/appArmorProfile',
  'pss/baseline/seLinuxOptions',
  'pss/baseline/procMount',
  'pss/baseline/seccompProfile_baseline',
  'pss/baseline/sysctls',
  'pss/baseline/windowsHostProcess',
  'pss/baseline/hostProbesAndHostLifecycle',
  'pss/baseline/ulimits',
  'pss/restricted/restrictedVolumes',
  'pss/restricted/allowPrivilegeEscalation',
  'pss/restricted/runAsNonRoot',
  'pss/restricted/runAsUser',
  'pss/restricted/seccompProfile_restricted',
  'pss/restricted/capabilities_restricted',
  'pss/restricted/procMount_restricted',
];
const HARDENING_RUNTIME = ['hardening/run-as-non-root', 'hardening/drop-capabilities', 'hardening/allow-privilege-escalation', 'hardening/read-only-root-filesystem', 'hardening/seccomp-profile', 'hardening/resources', 'hardening/sensitive-host-path'];
const RBAC_GRANTS = ['rbac/wildcard', 'rbac/escalate', 'rbac/bind', 'rbac/impersonate', 'rbac/read-secrets', 'rbac/pods-exec', 'rbac/nodes-proxy', 'rbac/cluster-admin-service-account'];
const NETWORK_ALL = ['network/ingress-not-isolated', 'network/egress-not-isolated', 'network/no-default-deny-ingress', 'network/no-default-deny-egress'];
const IMAGE_DEFECTS = ['dockerfile/user-root', 'dockerfile/add-url', 'dockerfile/curl-pipe-shell', 'dockerfile/unpinned-base-image', 'dockerfile/latest-base-image', 'dockerfile/no-healthcheck', 'image/root-user', 'image/privileged-port', 'image/setuid-setgid', 'image/world-writable-dir'];
const CLEAR_TEXT_SECRETS = ['dockerfile/secret-in-env-arg', 'image/secret-in-env', 'image/secret-in-history', 'hardening/secret-in-env', 'hardening/configmap-credentials'];

export const NIST_800_190: Framework = {
  id: 'nist-800-190',
  title: 'NIST SP 800-190 Application Container Security Guide, section 4 countermeasures',
  controls: [
    { id: '4.1.1', title: 'Image vulnerabilities', rules: [] },
    { id: '4.1.2', title: 'Image configuration defects', rules: IMAGE_DEFECTS },
    { id: '4.1.3', title: 'Embedded malware', rules: [] },
    { id: '4.1.4', title: 'Embedded clear text secrets', rules: CLEAR_TEXT_SECRETS },
    { id: '4.1.5', title: 'Use of untrusted images', rules: ['hardening/trusted-registry', 'hardening/image-digest', 'dockerfile/unpinned-base-image', 'dockerfile/latest-base-image', 'dockerfile/curl-pipe-shell', 'dockerfile/add-url'] },
    { id: '4.2.1', title: 'Insecure connections to registries', rules: [] },
    { id: '4.2.2', title: 'Stale images in registries', rules: ['hardening/image-latest', 'hardening/image-digest', 'dockerfile/latest-base-image'] },
    { id: '4.2.3', title: 'Insufficient authentication and authorization restrictions', rules: [] },
    { id: '4.3.1', title: 'Unbounded administrative access', rules: RBAC_GRANTS },
    { id: '4.3.2', title: 'Unauthorized access', rules: ['rbac/anonymous-binding', 'rbac/authenticated-broad-role', 'secrets/encryption-at-rest', 'hardening/automount-service-account-token', 'hardening/default-service-account'] },
    { id: '4.3.3', title: 'Poorly separated inter-container network traffic', rules: NETWORK_ALL },
    { id: '4.3.4', title: 'Mixing of workload sensitivity levels', rules: [] },
    { id: '4.3.5', title: 'Orchestrator node trust', rules: ['rbac/nodes-proxy'] },
    { id: '4.4.1', title: 'Vulnerabilities within the runtime software', rules: [] },
    { id: '4.4.2', title: 'Unbounded network access from containers', rules: ['network/egress-not-isolated', 'network/no-default-deny-egress', 'hardening/service-type', 'hardening/ingress-tls'] },
    { id: '4.4.3', title: 'Insecure container runtime configurations', rules: [...PSS_RUNTIME, ...HARDENING_RUNTIME] },
    { id: '4.4.4', title: 'App vulnerabilities', rules: ['hardening/read-only-root-filesystem'] },
    { id: '4.4.5', title: 'Rogue containers', rules: ['hardening/trusted-registry'] },
    { id: '4.5.1', title: 'Large attack surface', rules: [] },
    { id: '4.5.2', title: 'Shared kernel', rules: ['pss/baseline/hostNamespaces', 'pss/baseline/privileged', 'hardening/seccomp-profile'] },
    { id: '4.5.3', title: 'Host OS component vulnerabilities', rules: [] },
    { id: '4.5.4', title: 'Improper user access rights', rules: ['rbac/pods-exec'] },
    { id: '4.5.5', title: 'Host file system tampering', rules: ['hardening/sensitive-host-path', 'pss/baseline/hostPathVolumes', 'pss/restricted/restrictedVolumes', 'hardening/read-only-root-filesystem'] },
  ],
};

export const CIS_K8S: Framework = {
  id: 'cis-k8s',
  title: 'CIS Kubernetes Benchmark, section 5 Policies',
  controls: [
    { id: '5.1.1', title: 'Ensure that the cluster-admin role is only used where required', rules: ['rbac/cluster-admin-service-account', 'rbac/wildcard'] },
    { id: '5.1.2', title: 'Minimize access to secrets', rules: ['rbac/read-secrets'] },
    { id: '5.1.3', title: 'Minimize wildcard use in Roles and ClusterRoles', rules: ['rbac/wildcard'] },
    { id: '5.1.4', title: 'Minimize access to create pods', rules: [] },
    { id: '5.1.5', title: 'Ensure that default service accounts are not actively used', rules: ['hardening/default-service-account'] },
    { id: '5.1.6', title: 'Ensure that Service Account Tokens are only mounted where necessary', rules: ['hardening/automount-service-account-token'] },
    { id: '5.1.7', title: 'Avoid use of system:masters group', rules: [] },
    { id: '5.1.8', title: 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster', rules: ['rbac/bind', 'rbac/impersonate', 'rbac/escalate'] },
    { id: '5.1.9', title: 'Minimize access to create persistent volumes', rules: [] },
    { id: '5.1.10', title: 'Minimize access to the proxy sub-resource of nodes', rules: ['rbac/nodes-proxy'] },
    { id: '5.1.11', title: 'Minimize access to the approval sub-resource of certificatesigningrequests objects', rules: [] },
    { id: '5.1.12', title: 'Minimize access to webhook configuration objects', rules: [] },
    { id: '5.1.13', title: 'Minimize access to the service account token creation', rules: [] },
    { id: '5.2.1', title: 'Ensure that the cluster has at least one active policy control mechanism in place', rules: [] },
    { id: '5.2.2', title: 'Minimize the admission of privileged containers', rules: ['pss/baseline/privileged'] },
    { id: '5.2.3', title: 'Minimize the admission of containers wishing to share the host process ID namespace', rules: ['pss/baseline/hostNamespaces'] },
    { id: '5.2.4', title: 'Minimize the admission of containers wishing to share the host IPC namespace', rules: ['pss/baseline/hostNamespaces'] },
    { id: '5.2.5', title: 'Minimize the admission of containers wishing to share the host network namespace', rules: ['pss/baseline/hostNamespaces'] },
    { id: '5.2.6', title: 'Minimize the admission of containers with allowPrivilegeEscalation', rules: ['pss/restricted/allowPrivilegeEscalation', 'hardening/allow-privilege-escalation'] },
    { id: '5.2.7', title: 'Minimize the admission of root containers', rules: ['pss/restricted/runAsNonRoot', 'pss/restricted/runAsUser', 'hardening/run-as-non-root'] },
    { id: '5.2.8', title: 'Minimize the admission of containers with the NET_RAW capability', rules: ['pss/restricted/capabilities_restricted', 'hardening/drop-capabilities'] },
    { id: '5.2.9', title: 'Minimize the admission of containers with added capabilities', rules: ['pss/baseline/capabilities_baseline', 'pss/restricted/capabilities_restricted'] },
    { id: '5.2.10', title: 'Minimize the admission of containers with capabilities assigned', rules: ['pss/restricted/capabilities_restricted', 'hardening/drop-capabilities'] },
    { id: '5.2.11', title: 'Minimize the admission of Windows HostProcess containers', rules: ['pss/baseline/windowsHostProcess'] },
    { id: '5.2.12', title: 'Minimize the admission of HostPath volumes', rules: ['pss/baseline/hostPathVolumes', 'pss/restricted/restrictedVolumes', 'hardening/sensitive-host-path'] },
    { id: '5.2.13', title: 'Minimize the admission of containers which use HostPorts', rules: ['pss/baseline/hostPorts'] },
    { id: '5.3.1', title: 'Ensure that the CNI in use supports NetworkPolicies', rules: [] },
    { id: '5.3.2', title: 'Ensure that all Namespaces have NetworkPolicies defined', rules: NETWORK_ALL },
    { id: '5.4.1', title: 'Prefer using Secrets as files over Secrets as environment variables', rules: ['secrets/env-exposure'] },
    { id: '5.4.2', title: 'Consider external secret storage', rules: ['secrets/encryption-at-rest', 'hardening/configmap-credentials', 'hardening/secret-in-env'] },
    { id: '5.5.1', title: 'Configure Image Provenance using ImagePolicyWebhook admission controller', rules: [] },
    { id: '5.7.1', title: 'Create administrative boundaries between resources using namespaces', rules: [] },
    { id: '5.7.2', title: 'Ensure that the seccomp profile is set to docker/default in your Pod definitions', rules: ['pss/baseline/seccompProfile_baseline', 'pss/restricted/seccompProfile_restricted', 'hardening/seccomp-profile'] },
    { id: '5.7.3', title: 'Apply SecurityContext to your Pods and Containers', rules: ['hardening/run-as-non-root', 'hardening/allow-privilege-escalation', 'hardening/drop-capabilities', 'hardening/read-only-root-filesystem'] },
    { id: '5.7.4', title: 'The default namespace should not be used', rules: [] },
  ],
};

/** The frameworks `--compliance` accepts, in one table. */
export const FRAMEWORKS: readonly Framework[] = [NIST_800_190, CIS_K8S];

/**
 * CPE 2.2 URIs for Grafeas `affectedCpeUri` (required on every PackageIssue and
 * VulnerabilityNote.Detail): the operating system's, as NVD names it (`cpe:/o:debian:debian_linux:12`),
 * or, for a scan without a known OS, one derived from the package's purl
 * (`cpe:/a:npm:%40scope%2flib:1.2.3`).
 */
import { PackageURL } from 'packageurl-js';
import type { OsInfo } from '../core/index.js';

/** os-release ID → NVD vendor:product of the OS. Others: `ID:ID_linux`. */
const OS_CPE: Record<string, string> = {
  debian: 'debian:debian_linux',
  ubuntu: 'canonical:ubuntu_linux',
  alpine: 'alpinelinux:alpine_linux',
  rhel: 'redhat:enterprise_linux',
  centos: 'centos:centos',
  rocky: 'rocky:rocky_linux',
  almalinux: 'almalinux:almalinux',
  fedora: 'fedoraproject:fedora',
  amzn: 'amazon:linux',
  ol: 'oracle:linux',
  sles: 'suse:linux_enterprise_server',
  'opensuse-leap': 'opensuse:leap',
  photon: 'vmware:photon_os',
  wolfi: 'chainguard:wolfi',
};

/** A CPE 2.2 URI component: lower case, characters outside `[a-z0-9._~-]` percent-encoded. */
function component(s: string): string {
  return [...Buffer.from(s.toLowerCase(), 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[a-z0-9._~-]/.test(c) ? c : `%${b.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

/** `cpe:/o:VENDOR:PRODUCT:VERSION` of an OS (the version left out when unknown). */
export function osCpeUri(os: OsInfo): string {
  const product = OS_CPE[os.id] ?? `${component(os.id)}:${component(os.id)}_linux`;
  return `cpe:/o:${product}${os.versionId ? `:${component(os.versionId)}` : ''}`;
}

/** `cpe:/a:NAMESPACE-or-TYPE:NAME:VERSION` from a purl (its version unless one is given), or from type, name and version. */
export function packageCpeUri(p: { purl?: string; type: string; name: string; version?: string }): string {
  let vendor = p.type;
  let name = p.name;
  let version = p.version;
  if (p.purl) {
    try {
      const u = PackageURL.fromString(p.purl);
      vendor = u.namespace ?? u.type;
      name = u.name;
      version = version ?? u.version ?? undefined;
    } catch {
      // keep type, name and version
    }
  }
  return `cpe:/a:${component(vendor)}:${component(name)}${version ? `:${component(version)}` : ''}`;
}

/** The affectedCpeUri of a finding: the OS's when the scan knows it, else the package's. */
export function affectedCpeUri(os: OsInfo | undefined, p: { purl?: string; type: string; name: string; version?: string }): string {
  return os ? osCpeUri(os) : packageCpeUri(p);
}

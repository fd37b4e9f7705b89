/**
 * Advisory data shaped after a real root filesystem, for tests and benchmarks that need many
 * findings on the fixture image: for the rootfs's own dpkg source packages and npm packages, a
 * Debian-tracker file (fixed, open and not-affected entries) and OSV records (Debian:12 records
 * sharing CVE ids with the tracker, so aliases merge; npm records), with versions placed on both
 * sides of what is installed. Deterministic: the same rootfs gives the same files.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface DpkgEntry {
  name: string;
  source: string;
  version: string;
}

export function dpkgSources(rootfs: string): DpkgEntry[] {
  const text = readFileSync(join(rootfs, 'var', 'lib', 'dpkg', 'status'), 'utf8');
  const out: DpkgEntry[] = [];
  for (const para of text.split(/\n\n+/)) {
    const f = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(para)?.[1]?.trim();
    const name = f('Package');
    const version = f('Version');
    if (!name || !version) continue;
    const src = f('Source');
    const m = src ? /^(\S+)(?: \((.+)\))?$/.exec(src) : undefined;
    out.push({ name, source: m?.[1] ?? name, version: m?.[2] ?? version });
  }
  return out;
}

function npmPackages(rootfs: string): { name: string; version: string }[] {
  const lock = join(rootfs, 'app', 'package-lock.json');
  if (!existsSync(lock)) return [];
  const doc = JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { version?: string }> };
  return Object.entries(doc.packages ?? {})
    .filter(([k, v]) => k.includes('node_modules/') && v.version)
    .map(([k, v]) => ({ name: k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length), version: v.version! }));
}

const VECTORS = ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H'];

/** Writes `tracker.json`, `osv-debian.json` and `osv-npm.json` into `dir`; returns their paths. */
export function writeRootfsAdvisories(rootfs: string, dir: string, opts: { copies?: number } = {}): string[] {
  const copies = opts.copies ?? 1;
  const sources = [...new Map(dpkgSources(rootfs).map((p) => [p.source, p])).values()].sort((a, b) => (a.source < b.source ? -1 : 1));
  const tracker: Record<string, Record<string, unknown>> = {};
  const osvDebian: unknown[] = [];
  sources.forEach((p, i) => {
    for (let c = 0; c < copies; c++) {
      const cve = `CVE-2099-${String(10000 + i * copies + c)}`;
      const entries = (tracker[p.source] ??= {});
      const kind = (i + c) % 4;
      const releases =
        kind === 0
          ? { bookworm: { status: 'resolved', fixed_version: `${p.version}+x1`, urgency: 'medium' } }
          : kind === 1
            ? { bookworm: { status: 'resolved', fixed_version: '0.1-1', urgency: 'low' } }
            : kind === 2
              ? { bookworm: { status: 'open', urgency: c % 2 ? 'unimportant' : 'high' } }
              : { bullseye: { status: 'resolved', fixed_version: `${p.version}+x1`, urgency: 'high' } };
      entries[cve] = { description: `${p.source} flaw ${c}`, scope: 'remote', releases };
      if ((i + c) % 3 === 0) {
        osvDebian.push({
          id: `DEBIAN-${cve}`,
          modified: '2099-01-01T00:00:00Z',
          upstream: [cve],
          ...(c % 2 ? {} : { summary: `${p.source}: upstream flaw ${c}` }),
          ...(i % 2 ? { severity: [{ type: 'CVSS_V3', score: VECTORS[i % VECTORS.length] }] } : {}),
          affected: [{ package: { ecosystem: 'Debian:12', name: p.source }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...((i + c) % 2 ? [] : [{ fixed: `${p.version}+x2` }])] }] }],
        });
      }
    }
  });
  const osvNpm = npmPackages(rootfs).map((p, i) => ({
    id: `GHSA-test-${String(i).padStart(4, '0')}-${p.name.replace(/[^a-z0-9]/gi, '')}`,
    modified: '2099-01-01T00:00:00Z',
    aliases: [`CVE-2098-${1000 + i}`],
    summary: `${p.name} is affected`,
    severity: [{ type: 'CVSS_V3', score: VECTORS[i % VECTORS.length] }],
    affected: [{ package: { ecosystem: 'npm', name: p.name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: i % 2 ? '0.0.1' : '999.0.0' }] }] }],
  }));
  const files = [join(dir, 'tracker.json'), join(dir, 'osv-debian.json'), join(dir, 'osv-npm.json')];
  writeFileSync(files[0]!, JSON.stringify(tracker));
  writeFileSync(files[1]!, JSON.stringify(osvDebian));
  writeFileSync(files[2]!, JSON.stringify(osvNpm));
  return files;
}

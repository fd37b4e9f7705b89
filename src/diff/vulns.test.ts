import { describe, expect, it } from 'vitest';
import { finding, pkg } from './_testing.js';
import { diffVulnerabilities } from './vulns.js';

describe('diffVulnerabilities', () => {
  const tar1 = pkg('deb', 'tar', '1.34+dfsg-1.2');
  const tar2 = pkg('deb', 'tar', '1.34+dfsg-1.2+deb12u1');
  const curl = pkg('deb', 'curl', '7.88.1-10+deb12u4');

  it('introduced, fixed (by upgrade or removal) and persistent', () => {
    const d = diffVulnerabilities({
      before: {
        packages: [tar1, pkg('deb', 'gzip', '1.12-1')],
        notes: [],
        findings: [
          finding('tar', 'CVE-2022-48303', '1.34+dfsg-1.2', {
            state: 'fixed',
            fixedVersions: ['1.34+dfsg-1.2+deb12u1'],
          }),
          finding('tar', 'CVE-2005-2541', '1.34+dfsg-1.2'),
          finding('gzip', 'CVE-2022-1271', '1.12-1', { state: 'fixed', fixedVersions: ['1.12-1.1'] }),
        ],
      },
      after: {
        packages: [tar2, curl],
        notes: [],
        findings: [
          finding('tar', 'CVE-2005-2541', '1.34+dfsg-1.2+deb12u1'),
          finding('curl', 'CVE-2023-38546', '7.88.1-10+deb12u4'),
        ],
      },
    });
    expect(d.complete).toBe(true);
    expect(
      d.changes.map(
        (c) =>
          `${c.change} ${c.packageName} ${c.id} ${c.before.installedVersions.join('|')} → ${c.after.installedVersions.join('|')}`,
      ),
    ).toEqual([
      'introduced curl CVE-2023-38546  → 7.88.1-10+deb12u4',
      'fixed gzip CVE-2022-1271 1.12-1 → ',
      'fixed tar CVE-2022-48303 1.34+dfsg-1.2 → 1.34+dfsg-1.2+deb12u1',
      'persistent tar CVE-2005-2541 1.34+dfsg-1.2 → 1.34+dfsg-1.2+deb12u1',
    ]);
  });

  it('matches through aliases: a GHSA before and its CVE after are one flaw', () => {
    const before = [finding('lodash', 'GHSA-35jh-r3h4-6jhm', '4.17.20', { packageType: 'npm' })];
    const after = [
      finding('lodash', 'CVE-2021-23337', '4.17.20', {
        packageType: 'npm',
        aliases: ['GHSA-35jh-r3h4-6jhm'],
      }),
    ];
    const d = diffVulnerabilities({
      before: { packages: [], notes: [], findings: before },
      after: { packages: [], notes: [], findings: after },
    });
    expect(d.changes).toEqual([
      expect.objectContaining({
        change: 'persistent',
        id: 'CVE-2021-23337',
        aliases: ['GHSA-35jh-r3h4-6jhm'],
      }),
    ]);
  });

  it('the same flaw in a second package of another name is introduced', () => {
    const d = diffVulnerabilities({
      before: { packages: [], notes: [], findings: [finding('libssl3', 'CVE-2024-0727', '3.0.11-1')] },
      after: {
        packages: [],
        notes: [],
        findings: [
          finding('libssl3', 'CVE-2024-0727', '3.0.11-1'),
          finding('openssl', 'CVE-2024-0727', '3.0.11-1'),
        ],
      },
    });
    expect(d.changes.map((c) => `${c.change} ${c.packageName}`)).toEqual([
      'introduced openssl',
      'persistent libssl3',
    ]);
  });

  it('two instances of one package with one flaw are one entry with both versions', () => {
    const d = diffVulnerabilities({
      before: { packages: [], notes: [], findings: [] },
      after: {
        packages: [],
        notes: [],
        findings: [
          finding('ms', 'CVE-2017-20162', '2.0.0', { packageType: 'npm' }),
          finding('ms', 'CVE-2017-20162', '0.7.3', { packageType: 'npm' }),
        ],
      },
    });
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]!.after.installedVersions).toEqual(['0.7.3', '2.0.0']);
  });

  it('coverage gaps are carried as notes per side and make the result incomplete', () => {
    const d = diffVulnerabilities({
      before: { packages: [], notes: [], findings: [] },
      after: { packages: [], notes: ['No advisory data for debian trixie'], findings: [] },
    });
    expect(d).toMatchObject({
      status: 'matched',
      complete: false,
      notes: [{ side: 'after', message: 'No advisory data for debian trixie' }],
      changes: [],
    });
  });
});

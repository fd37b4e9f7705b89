/**
 * The deployment of the server (deploy/kubernetes, deploy/docker) passes our own configuration
 * checks — every rule set, restricted Pod Security Standard — and the checks do look: the same
 * manifests with the hardening taken out are findings. The Deployment reads the database URL from
 * a mounted Secret through PORTCULLIS_DATABASE_URL_FILE, which works as it says.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../src/metadata/_testing.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-deploy-'));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function findings(args: string[]): { rule: string; message: string }[] {
  const r = cli(['scan', 'config', ...args, '--pss-level', 'restricted', '--format', 'json']);
  expect(r.status).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.unknowns).toEqual([]);
  return doc.findings.map((f: { ruleId?: string; rule?: string | { id: string }; message: string }) => ({
    rule: typeof f.rule === 'object' ? f.rule.id : (f.ruleId ?? f.rule ?? ''),
    message: f.message,
  }));
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('deploy/kubernetes and deploy/docker', () => {
  it('have no findings under every rule set at the restricted level', () => {
    expect(findings(['deploy/kubernetes'])).toEqual([]);
    expect(findings(['deploy/kubernetes', '--rules', 'pss'])).toEqual([]);
    expect(findings(['deploy/kubernetes', '--rules', 'pss,hardening,rbac,network,secrets'])).toEqual([]);
    expect(findings(['deploy/docker', '--rules', 'dockerfile'])).toEqual([]);
    const r = cli(['scan', 'config', 'deploy/kubernetes', '--pss-level', 'restricted', '--format', 'json']);
    expect(JSON.parse(r.stdout).stats).toMatchObject({ workloads: 1 });
  });

  it('are findings again with the hardening taken out', () => {
    const dir = join(work, 'weakened');
    cpSync(join(ROOT, 'deploy', 'kubernetes'), dir, { recursive: true });
    const file = join(dir, 'deployment.yaml');
    const weakened = readFileSync(file, 'utf8')
      .replace(/readOnlyRootFilesystem: true/, 'readOnlyRootFilesystem: false')
      .replace(/allowPrivilegeEscalation: false/, 'allowPrivilegeEscalation: true')
      .replace(/\n {12}capabilities:\n {14}drop:\n {16}- ALL/, '')
      .replace(/@sha256:[0-9a-f]{64}/, ':latest');
    expect(weakened).not.toContain('- ALL');
    writeFileSync(file, weakened);
    const found = findings([dir]);
    expect(found.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(found);
    for (const word of [/allowPrivilegeEscalation/i, /capabilit/i, /read-?only/i, /latest|digest/i])
      expect(text).toMatch(word);
  });
});

describe('--database-url-file', () => {
  it('reads the PostgreSQL URL from a file, also through PORTCULLIS_DATABASE_URL_FILE', (tc) => {
    const pg = createPgDatabase('urlfile');
    if (!pg) return tc.skip();
    try {
      const file = join(work, 'url');
      writeFileSync(file, `${pg.url}\n`);
      const made = cli([
        'server',
        'token',
        'create',
        '--project',
        'p1',
        '--role',
        'viewer',
        '--database-url-file',
        file,
      ]);
      expect(made.status).toBe(0);
      const list = cli(['server', 'token', 'list', '--format', 'json'], {
        PORTCULLIS_DATABASE_URL_FILE: file,
      });
      expect(list.status).toBe(0);
      expect(JSON.parse(list.stdout).tokens).toHaveLength(1);
      expect(cli(['server', 'token', 'list', '--database-url-file', join(work, 'missing')])).toFailWith('FILE_NOT_FOUND', {
        naming: ['--database-url-file', `"${join(work, 'missing')}"`],
      });
    } finally {
      pg.drop();
    }
  });
});

/**
 * `scan image --scanners config` end to end on an OCI layout built here (test/support/oci-builder):
 * an image with no user, a setuid binary, a world-writable directory, a secret in the
 * environment and a build argument in the history — each finding checked by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzLayer, makeTar, writeOciLayout } from './support/oci-builder.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
let work: string;
let ref: string;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  if (!existsSync(CLI)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  work = mkdtempSync(join(tmpdir(), 'portcullis-image-config-'));
  const base = await makeTar([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/sh', content: '#!', mode: 0o755 },
    { name: 'usr/bin/passwd', content: 'ELF', mode: 0o4755 },
    { name: 'tmp/', type: 'directory', mode: 0o1777 },
  ]);
  const app = await makeTar([
    { name: 'srv/uploads/', type: 'directory', mode: 0o777 },
    { name: 'srv/app.js', content: 'console.log(1)', mode: 0o644 },
  ]);
  ref = writeOciLayout(join(work, 'layout'), {
    layers: [gzLayer(base), gzLayer(app)],
    config: {
      config: { Env: ['PATH=/usr/bin:/bin', 'API_TOKEN=tok_live_9f8e7d6c5b4a'], ExposedPorts: { '80/tcp': {}, '8080/tcp': {} }, Cmd: ['node', '/srv/app.js'] },
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:4a3b in / ' },
        { created_by: '/bin/sh -c #(nop) ENV API_TOKEN=tok_live_9f8e7d6c5b4a', empty_layer: true },
        { created_by: 'RUN |1 DB_PASSWORD=s3cr3t-build /bin/sh -c mkdir -p /srv/uploads && chmod 777 /srv/uploads # buildkit' },
      ],
    },
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('portcullis scan image --scanners config', () => {
  it('table: root user, privileged port, setuid file, world-writable directory, secrets in env and history', () => {
    const r = cli(['scan', 'image', ref, '--scanners', 'config', '--no-cache', '-q']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^1:1 /.test(l)).map((l) => l.replace(/ {2,}/g, ' | '));
    expect(rows).toEqual([
      `1:1 | HIGH | image/root-user | Image/${ref} | the image config sets no user: the container runs as root`,
      `1:1 | LOW | image/privileged-port | Image/${ref} | the image exposes privileged port 80/tcp`,
      `1:1 | MEDIUM | image/setuid-setgid | Image/${ref} | /usr/bin/passwd is setuid (mode 4755, owner 0:0)`,
      `1:1 | MEDIUM | image/world-writable-dir | Image/${ref} | /srv/uploads is world-writable without the sticky bit (mode 0777)`,
      `1:1 | HIGH | image/secret-in-env | Image/${ref} | environment variable API_TOKEN holds a literal value`,
      `1:1 | HIGH | image/secret-in-history | Image/${ref} | history entry 2 records DB_PASSWORD with a literal value`,
    ]);
  });

  it('JSON with fields; --severity and --exit-code; config runs alone', () => {
    const r = cli(['scan', 'image', ref, '--scanners', 'config', '--no-cache', '-q', '-f', 'json', '--severity', 'HIGH,CRITICAL', '--exit-code', '5']);
    expect(r.status).toBe(5);
    const doc = JSON.parse(r.stdout);
    expect(doc.scan).toEqual({ targets: [ref], ruleSets: ['image'] });
    expect(doc.findings.map((f: { ruleId: string; field: string }) => `${f.ruleId} ${f.field}`)).toEqual(['image/root-user config.User', 'image/secret-in-env config.Env[1]', 'image/secret-in-history history[2]']);
    const mixed = cli(['scan', 'image', ref, '--scanners', 'vuln,config']);
    expect(mixed).toFailWith('USAGE', { naming: ['"config"', '"vuln"'] });
    expect(cli(['scan', 'image', ref, '--scanners', 'config', '-f', 'cyclonedx']).status).toBe(2);
  });
});

/**
 * The secret scanner end to end through the built CLI: a real OCI image whose lower layer holds a
 * private key that an upper layer deletes, secrets in the config's environment and history, a
 * password in a URL in a config file, and false-positive bait; exact findings, redaction in every
 * output format and in the layer cache, exit codes, and `scan rootfs` on a directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHABETS, leaksSecret, SecretFactory } from '../src/secrets/testing.js';
import { gzLayer, makeTar, sha256, writeOciLayout } from './support/oci-builder.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const f = new SecretFactory(424242);
let work: string;
let image: string;
let rootfs: string;
let diffIds: string[];
let digests: string[];

// Secrets, built at run time (see src/secrets/testing.ts).
const keyBody = f.pemBody(1600);
const privateKey = f.pem('RSA', keyBody);
const awsId = 'AKIA' + f.str(16, ALPHABETS.upper32);
const awsSecret = f.str(40, ALPHABETS.base64);
const ghToken = 'ghp_' + f.str(36);
const dbPassword = f.str(16, ALPHABETS.alnum);
const rootfsToken = 'glpat-' + f.str(20);
const hookPath = `T${f.str(9, ALPHABETS.upperNum)}/B${f.str(11, ALPHABETS.upperNum)}/${f.str(24)}`;
const binaryToken = 'npm_' + f.str(36);
const SECRETS = [keyBody.replace(/\n/g, ''), ...keyBody.split('\n'), awsId, awsSecret, ghToken, dbPassword, rootfsToken, hookPath];

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The store must not be opened for a secrets-only scan: this URL would fail if it were.
const NO_STORE = ['--database-url', 'postgres://nobody@127.0.0.1:1/none'];

function scanImage(extra: string[]) {
  return cli(['scan', 'image', image, '--scanners', 'secret', '--cache-dir', join(work, 'cache'), '-q', ...NO_STORE, ...extra]);
}

function expectNoLeak(text: string) {
  for (const s of SECRETS) expect(leaksSecret(text, s), `leaked ${s.slice(0, 4)}…`).toBe(false);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'portcullis-secrets-'));
  const minified = Array.from({ length: 400 }, (_, i) => `var a${i}="${f.str(48, ALPHABETS.base64)}",b${i}={token:e.token,password:t.password,apiKey:n.apiKey};`).join('');
  const sums = Array.from({ length: 100 }, () => `${f.str(64, ALPHABETS.hex)}  pkg-${f.str(6, ALPHABETS.digits)}.tar.gz`).join('\n') + '\n';
  const base = await makeTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'etc/app/config.yaml', content: `# app settings\ndatabase:\n  url: postgres://svc:${dbPassword}@db.internal:5432/app\n  password: changeme\n  api_key: \${API_KEY}\nsmtp:\n  password: "<password>"\n` },
    { name: 'srv/www/static/app.min.js', content: minified },
    { name: 'usr/share/app/SHA256SUMS', content: sums },
    { name: 'srv/app/README.md', content: `Set DB_PASSWORD=${f.str(14)} in production.\n` },
    { name: 'usr/lib/libdemo.so.1', content: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.from(` ${binaryToken} `)]) },
    { name: 'srv/app/node_modules/ssh-lib/test/fixtures/id_rsa', content: f.pem('RSA') },
  ]);
  const withKey = await makeTar([{ name: 'root/.ssh/id_rsa', content: privateKey, mode: 0o600 }]);
  const deleting = await makeTar([{ name: 'root/.ssh/.wh.id_rsa', content: '' }, { name: 'srv/app/main.py', content: 'import os\npassword = os.environ["DB_PASSWORD"]\n' }]);
  const layers = [gzLayer(base), gzLayer(withKey), gzLayer(deleting)];
  diffIds = [base, withKey, deleting].map(sha256);
  digests = layers.map((l) => sha256(l.blob));
  image = writeOciLayout(join(work, 'image'), {
    layers,
    config: {
      config: {
        Env: ['PATH=/usr/local/bin:/usr/bin', `AWS_ACCESS_KEY_ID=${awsId}`, `AWS_SECRET_ACCESS_KEY=${awsSecret}`, 'DB_PASSWORD=changeme'],
        Labels: { 'org.opencontainers.image.source': 'https://github.com/o/r', 'ci.notify': `https://hooks.slack.com/services/${hookPath}` },
      },
      history: [
        { created_by: 'ADD rootfs.tar /' },
        { created_by: '/bin/sh -c mkdir -p /root/.ssh && cp deploy_key /root/.ssh/id_rsa' },
        { created_by: 'ENV NODE_ENV=production', empty_layer: true },
        { created_by: `/bin/sh -c curl -fsSL -H "Authorization: token ${ghToken}" https://api.github.com/repos/o/r/tarball | tar -xz && rm /root/.ssh/id_rsa` },
      ],
    },
  });

  rootfs = join(work, 'rootfs');
  mkdirSync(join(rootfs, 'etc'), { recursive: true });
  mkdirSync(join(rootfs, 'opt'), { recursive: true });
  writeFileSync(join(rootfs, 'etc', 'gitlab.env'), `GITLAB_TOKEN=${rootfsToken}\n`);
  writeFileSync(join(rootfs, 'opt', 'bad-utf8.txt'), Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(`\nkey=${ghToken}\n`)]));
  writeFileSync(join(rootfs, 'opt', 'blob.bin'), Buffer.concat([Buffer.alloc(16), Buffer.from(binaryToken)]));
  // Over the 10 MiB cap: reported as not scanned, never read.
  writeFileSync(join(rootfs, 'opt', 'huge.log'), Buffer.alloc(11 * 1024 * 1024, 'a'));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface JsonSecret {
  source: string;
  path: string;
  ruleId: string;
  category: string;
  severity: string;
  title: string;
  line: number;
  match: string;
  layer?: { index: number; diffId: string; digest?: string };
}

describe('scan image --scanners secret', () => {
  it('reports exactly the planted secrets, with layer, line and redacted match', () => {
    const r = scanImage(['--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { secrets: JsonSecret[]; secretSummary: Record<string, number>; vulnerabilities?: unknown; secretsSkipped: unknown[]; artifact: { config: { env: string[] }; layers: { createdBy?: string }[] } };
    expect(doc.vulnerabilities).toBeUndefined();
    expect(doc.secrets.map((s) => [s.source, s.path, s.ruleId, s.line, s.layer?.index ?? null])).toEqual([
      ['file', '/etc/app/config.yaml', 'url-password', 3, 0],
      ['file', '/root/.ssh/id_rsa', 'private-key', 1, 1],
      ['config-env', 'config:env/AWS_ACCESS_KEY_ID', 'aws-access-key-id', 1, null],
      ['config-env', 'config:env/AWS_SECRET_ACCESS_KEY', 'aws-secret-access-key', 1, null],
      ['config-label', 'config:label/ci.notify', 'slack-webhook', 1, null],
      ['config-history', 'config:history/3', 'github-pat', 1, 2],
    ]);
    // The deleted key is attributed to the layer that still holds it.
    expect(doc.secrets[1]!.layer).toEqual({ index: 1, diffId: diffIds[1], digest: digests[1] });
    expect(doc.secrets[0]).toMatchObject({ category: 'Password', severity: 'HIGH', title: 'Password in a URL', match: 'postgres://svc:*****@db.internal', layer: { diffId: diffIds[0] } });
    expect(doc.secrets[1]!.match).toBe(`-----BEGIN RSA PRIVATE ${'KEY'}----- ${keyBody.slice(0, 4)}***** -----END RSA PRIVATE ${'KEY'}-----`);
    expect(doc.secrets.slice(2).map((s) => s.match)).toEqual(['AKIA*****', `AWS_SECRET_ACCESS_KEY=${awsSecret.slice(0, 4)}*****`, `https://hooks.slack.com/services/${hookPath.slice(0, 4)}*****`, 'ghp_*****']);
    expect(doc.secretSummary).toEqual({ CRITICAL: 1, HIGH: 4, MEDIUM: 1, LOW: 0 });
    // The artifact echoes the image config: what the scanner found there is masked too.
    expect(doc.artifact.config.env).toEqual(['PATH=/usr/local/bin:/usr/bin', 'AWS_ACCESS_KEY_ID=AKIA*****', `AWS_SECRET_ACCESS_KEY=${awsSecret.slice(0, 4)}*****`, 'DB_PASSWORD=changeme']);
    expect(doc.artifact.layers[2].createdBy).toContain('Authorization: token ghp_*****" https://api.github.com/');
    expect(doc.secretsSkipped).toEqual([]);
    expectNoLeak(r.stdout);
  });

  it('never prints a secret: table and SARIF, and the layer cache', () => {
    const t = scanImage([]);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^Secrets$/m);
    expect(t.stdout).toMatch(/^\/root\/\.ssh\/id_rsa \(layer 1 sha256:[0-9a-f]{12}\)$/m);
    expect(t.stdout).toMatch(/^url-password\s+HIGH\s+3\s+postgres:\/\/svc:\*{5}@db\.internal$/m);
    expect(t.stdout).toMatch(/^Secrets: 6 \(CRITICAL: 1, HIGH: 4, MEDIUM: 1, LOW: 0\)$/m);
    expectNoLeak(t.stdout);

    const s = scanImage(['--format', 'sarif']);
    expect(s.status).toBe(0);
    const log = JSON.parse(s.stdout);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['secret/url-password', 'secret/private-key', 'secret/aws-access-key-id', 'secret/aws-secret-access-key', 'secret/slack-webhook', 'secret/github-pat']);
    expect(run.results[1]).toMatchObject({ ruleId: 'secret/private-key', ruleIndex: 1, level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'root/.ssh/id_rsa' }, region: { startLine: 1 } } }], properties: { layerDiffId: diffIds[1] } });
    expect(run.results[0].locations[0].physicalLocation.region.startLine).toBe(3);
    expectNoLeak(s.stdout);

    // Facts are cached per layer: only redacted text may be stored.
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(join(work, 'cache'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expectNoLeak(readFileSync(file, 'utf8'));
  });

  it('--exit-code applies to secrets at or above --severity', () => {
    expect(scanImage(['--format', 'json', '--exit-code', '7']).status).toBe(7);
    const crit = scanImage(['--format', 'json', '--exit-code', '7', '--severity', 'CRITICAL']);
    expect(crit.status).toBe(7);
    expect(JSON.parse(crit.stdout).secrets.map((s: JsonSecret) => s.ruleId)).toEqual(['aws-secret-access-key']);
    const low = scanImage(['--format', 'json', '--exit-code', '7', '--severity', 'LOW']);
    expect(low.status).toBe(0);
    expect(JSON.parse(low.stdout).secrets).toEqual([]);
  });

  it('an ignore file entry secret/<rule> [path:GLOB] drops a finding', () => {
    const ign = join(work, 'ignore');
    writeFileSync(ign, 'secret/private-key path:/root/**\nsecret/github-pat exp:2000-01-01\n');
    const r = scanImage(['--format', 'json', '--ignorefile', ign]);
    expect(JSON.parse(r.stdout).secrets.map((s: JsonSecret) => s.ruleId)).toEqual(['url-password', 'aws-access-key-id', 'aws-secret-access-key', 'slack-webhook', 'github-pat']);
  });

  it('vuln,secret together: both sections', () => {
    const r = cli(['scan', 'image', image, '--scanners', 'vuln,secret', '--format', 'json', '--cache-dir', join(work, 'cache'), '--data-dir', join(work, 'db'), '-q']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.vulnerabilities).toEqual([]);
    expect(doc.secrets).toHaveLength(6);
    expectNoLeak(r.stdout);
    const s = JSON.parse(cli(['scan', 'image', image, '--scanners', 'vuln,secret', '--format', 'sarif', '--cache-dir', join(work, 'cache'), '--data-dir', join(work, 'db'), '-q']).stdout);
    expect(s.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('secret/private-key');
  });

  it('usage errors: config scanner, scan sbom with secret, a format without secrets', () => {
    const cfg = scanImage(['--scanners', 'vuln,config']);
    expect(cfg).toFailWith('USAGE', { naming: '"config"' });
    const unknown = scanImage(['--scanners', 'vuln,nope']);
    expect(unknown).toFailWith('USAGE', { naming: '"nope"' });
    const sbomFile = join(work, 'x.cdx.json');
    writeFileSync(sbomFile, '{}');
    const sb = cli(['scan', 'sbom', sbomFile, '--scanners', 'secret', ...NO_STORE]);
    expect(sb).toFailWith('USAGE');
    const cdx = scanImage(['--format', 'cyclonedx']);
    expect(cdx).toFailWith('USAGE', { naming: '--format cyclonedx' });
  });
});

describe('scan rootfs --scanners secret', () => {
  it('finds secrets in a directory; binary skipped, invalid UTF-8 read, oversize file listed as not scanned', () => {
    const t0 = Date.now();
    const r = cli(['scan', 'rootfs', rootfs, '--scanners', 'secret', '--format', 'json', '-q', ...NO_STORE, '--exit-code', '9']);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(9);
    const doc = JSON.parse(r.stdout);
    expect(doc.secrets.map((s: JsonSecret) => [s.path, s.ruleId, s.line, s.layer ?? null])).toEqual([
      ['/etc/gitlab.env', 'gitlab-pat', 1, null],
      ['/opt/bad-utf8.txt', 'github-pat', 2, null],
    ]);
    expect(doc.secretsSkipped).toEqual([{ path: '/opt/huge.log', reason: expect.stringMatching(/^FILE_TOO_LARGE: 11534336 bytes/) }]);
    expectNoLeak(r.stdout);
    expect(r.stdout).not.toContain(binaryToken.slice(4));
    const t = cli(['scan', 'rootfs', rootfs, '--scanners', 'secret', '-q', ...NO_STORE]);
    expect(t.stdout).toMatch(/^note: 1 file not scanned for secrets:$/m);
    expectNoLeak(t.stdout);
  });
});

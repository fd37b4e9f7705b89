/**
 * `scan image --push` against a real `portcullis server` process: the scan recorded as DISCOVERY,
 * PACKAGE and VULNERABILITY occurrences with their notes, a re-scan replacing it, the resource URI
 * rule and its refusals, the three ways to trust a self-signed server (pinned fingerprint, the
 * kept certificate as CA, insecure) and the refusal without one, the certificate kept across
 * restarts, `--allow-anonymous`, the CLI's token changes in the audit log, and client
 * certificates (mTLS) mapped to identities.
 */
import 'reflect-metadata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, webcrypto } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures, type FixturePaths } from './support/fixtures.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const TD = join(import.meta.dirname, '..', 'src', 'vulndb', 'testdata');
const REF = '127.0.0.1:5000/team/app:1';
let fx: FixturePaths;
let work: string;
let scanDb: string;
let layout: string;
const children: ChildProcess[] = [];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function newToken(store: string[], project: string, role: string): string {
  const r = cli(['server', 'token', 'create', '--project', project, '--role', role, ...store]);
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n').pop()!;
}

interface Server {
  proc: ChildProcess;
  url: string;
  fingerprint: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startServer(args: string[]): Promise<Server> {
  const proc = spawn(
    process.execPath,
    [CLI, 'server', '--listen', '127.0.0.1:0', '--rate-limit', '0', ...args],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  children.push(proc);
  let err = '';
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d) => {
      err += d;
      const url = /listening on (\S+)/.exec(err)?.[1];
      const fp = /fingerprint: ([0-9A-F:]{95})/.exec(err)?.[1];
      if (url && fp) resolve({ proc, url, fingerprint: fp, stderr: () => err, exited });
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

async function stop(s: Server): Promise<void> {
  s.proc.kill('SIGTERM');
  expect(await s.exited).toBe(0);
}

function send(
  url: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; cert?: string; key?: string } = {},
): Promise<{ status: number; json: Json }> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, url),
      {
        method,
        rejectUnauthorized: false,
        agent: false,
        ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}),
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            json:
              text && res.headers['content-type']?.startsWith('application/json')
                ? JSON.parse(text)
                : { text },
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function auditExport(store: string[]): Json[] {
  const r = cli(['audit', 'export', ...store]);
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

beforeAll(async () => {
  fx = await ensureFixtures();
  work = mkdtempSync(join(tmpdir(), 'portcullis-push-'));
  scanDb = join(work, 'scan-db');
  const imp = cli([
    'db',
    'import',
    join(TD, 'GHSA-c2qf-rxjj-qqgw.json'),
    join(TD, 'debian-tracker.json'),
    '--data-dir',
    scanDb,
    '-q',
  ]);
  expect(imp.status).toBe(0);
  // The fixture layout, its image named by a full reference (as `skopeo copy … oci:DIR:REF` writes it).
  layout = join(work, 'layout');
  cpSync(fx.ociLayout, layout, { recursive: true });
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  for (const m of index.manifests)
    if (m.annotations?.['org.opencontainers.image.ref.name'] === fx.ociTag)
      m.annotations['org.opencontainers.image.ref.name'] = REF;
  writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
}, 900_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('scan --push', () => {
  it('records the scan with its notes, replaces it on re-scan, trusts the server only as told', async () => {
    const db = join(work, 'server-db');
    const store = ['--data-dir', db];
    const token = newToken(store, 'p1,portcullis-vulnerabilities', 'writer');
    const s = await startServer(store);
    expect(s.stderr()).toContain(`generated in ${join(db, 'tls', 'server.crt')}`);
    const scan = (extra: string[], env: Record<string, string> = { PORTCULLIS_TOKEN: token }) =>
      cli(
        [
          'scan',
          'image',
          `oci:${layout}:${REF}`,
          '--data-dir',
          scanDb,
          '--format',
          'json',
          '-q',
          '--push',
          s.url,
          '--push-project',
          'p1',
          ...extra,
        ],
        env,
      );

    const first = scan(['--push-fingerprint', s.fingerprint]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout);
    const digest =
      report.artifact?.digest ??
      report.metadata?.digest ??
      /"digest":\s*"(sha256:[0-9a-f]{64})"/.exec(first.stdout)?.[1];
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const uri = `https://127.0.0.1:5000/team/app@${digest}`;
    const list = async (filter: string) => {
      const r = await send(
        s.url,
        'GET',
        `/v1/projects/p1/occurrences?pageSize=1000&filter=${encodeURIComponent(filter)}`,
        { token },
      );
      expect(r.status).toBe(200);
      return r.json.occurrences as Json[];
    };
    const vulns = await list(`kind="VULNERABILITY" AND resourceUri="${uri}"`);
    expect(vulns.map((o) => o.noteName)).toEqual(['projects/portcullis-vulnerabilities/notes/CVE-2005-2541']);
    expect(vulns[0]).toMatchObject({
      resourceUri: uri,
      kind: 'VULNERABILITY',
      vulnerability: {
        severity: 'LOW',
        effectiveSeverity: 'LOW',
        fixAvailable: false,
        packageIssue: [{ affectedPackage: 'tar', fixedVersion: { kind: 'MAXIMUM' } }],
      },
    });
    const packages = await list(`kind="PACKAGE" AND resourceUri="${uri}"`);
    expect(packages.length).toBeGreaterThan(50);
    expect(packages.find((o) => o.package.name === 'tar')).toMatchObject({
      package: { packageType: 'OS', version: { kind: 'NORMAL' } },
    });
    const discovery = await list(`kind="DISCOVERY" AND resourceUri="${uri}"`);
    expect(discovery).toHaveLength(1);
    expect(discovery[0]!.discovery).toMatchObject({ analysisStatus: 'FINISHED_SUCCESS' });
    const note = await send(s.url, 'GET', '/v1/projects/portcullis-vulnerabilities/notes/CVE-2005-2541', {
      token,
    });
    expect(note.json).toMatchObject({
      kind: 'VULNERABILITY',
      relatedUrl: expect.arrayContaining([
        { url: 'https://nvd.nist.gov/vuln/detail/CVE-2005-2541', label: 'NVD' },
      ]),
      vulnerability: { severity: 'LOW', details: [{ affectedPackage: 'tar', packageType: 'OS' }] },
    });

    // Re-scan, trusting the kept certificate as CA: the same set again, not twice.
    const total = (await list(`resourceUri="${uri}"`)).length;
    const again = scan(['--push-ca', join(db, 'tls', 'server.crt')]);
    expect(again.status).toBe(0);
    expect((await list(`resourceUri="${uri}"`)).length).toBe(total);
    expect(scan(['--push-insecure']).status).toBe(0);
    expect((await list(`resourceUri="${uri}"`)).length).toBe(total);

    // No way to trust the server, a wrong pin, a bad token: refused, exit 2, nothing changes.
    const untrusted = scan([]);
    expect(untrusted).toFailWith('TLS_UNTRUSTED');
    const wrong = scan(['--push-fingerprint', 'AB'.repeat(32)]);
    expect(wrong).toFailWith('TLS_UNTRUSTED', { naming: 'ab'.repeat(32) });
    const badToken = scan(['--push-insecure'], { PORTCULLIS_TOKEN: 'pcs_000000000000_' + 'x'.repeat(43) });
    expect(badToken).toFailWith('AUTH_FAILED');
    expect(scan(['--push-insecure', '--push-token', token], {}).status).toBe(0);

    // Targets without a resolvable digest are refused before anything is sent.
    const noRegistry = cli([
      'scan',
      'image',
      `oci:${fx.ociLayout}:${fx.ociTag}`,
      '--data-dir',
      scanDb,
      '-q',
      '--push',
      s.url,
      '--push-project',
      'p1',
      '--push-insecure',
      '--push-token',
      token,
    ]);
    expect(noRegistry).toFailWith('USAGE', { naming: ['--push-resource-uri', '"app"'] });
    const rootfs = cli([
      'scan',
      'rootfs',
      fx.rootfsApp,
      '--data-dir',
      scanDb,
      '-q',
      '--push',
      s.url,
      '--push-project',
      'p1',
      '--push-insecure',
      '--push-token',
      token,
    ]);
    expect(rootfs).toFailWith('USAGE', { naming: ['--push', '--push-resource-uri'] });
    const named = cli([
      'scan',
      'rootfs',
      fx.rootfsApp,
      '--data-dir',
      scanDb,
      '--format',
      'json',
      '-q',
      '--push',
      s.url,
      '--push-project',
      'p1',
      '--push-insecure',
      '--push-token',
      token,
      '--push-resource-uri',
      'file:///srv/rootfs-app',
    ]);
    expect(named.status).toBe(0);
    expect((await list('resourceUri="file:///srv/rootfs-app" AND kind="DISCOVERY"')).length).toBe(1);
    expect(
      cli(['scan', 'image', `oci:${layout}:${REF}`, '--data-dir', scanDb, '-q', '--push', s.url]).stderr,
    ).toMatch(/--push needs --push-project/);

    await stop(s);
    // One audit entry per push (5 accepted), none for the refused ones but the 401.
    const entries = auditExport(store);
    expect(entries.filter((e) => e.action === 'occurrences.replaceScan' && e.outcome === 'ok')).toHaveLength(
      5,
    );
    expect(
      entries
        .filter((e) => e.action === 'occurrences.replaceScan' && e.outcome === 'denied')
        .map((e) => e.detail.status),
    ).toEqual([401]);
    expect(cli(['audit', 'verify', ...store]).status).toBe(0);

    // The certificate is kept: same fingerprint after a restart.
    const s2 = await startServer(store);
    expect(s2.fingerprint).toBe(s.fingerprint);
    expect(s2.stderr()).toContain(`kept in ${join(db, 'tls', 'server.crt')}`);
    await stop(s2);
  });
});

describe('server --allow-anonymous and the CLI token commands in the audit log', () => {
  it('anonymous reads, no anonymous writes; token create/revoke audited as cli', async () => {
    const store = ['--data-dir', join(work, 'anon-db')];
    const token = newToken(store, 'p1', 'writer');
    const id = token.split('_')[1]!;
    expect(cli(['server', 'token', 'revoke', id, ...store]).status).toBe(0);
    const writer = newToken(store, 'p1', 'writer');
    const s = await startServer([...store, '--allow-anonymous', '--anonymous-projects', 'p1']);
    expect(s.stderr()).toContain('anonymous requests: viewer on p1');
    expect(
      (
        await send(s.url, 'POST', '/v1/projects/p1/notes?noteId=n1', {
          token: writer,
          body: { discovery: {} },
        })
      ).status,
    ).toBe(200);
    expect((await send(s.url, 'GET', '/v1/projects/p1/notes/n1')).status).toBe(200);
    expect((await send(s.url, 'GET', '/v1/projects/p2/notes')).status).toBe(403);
    expect(
      (await send(s.url, 'POST', '/v1/projects/p1/notes?noteId=n2', { body: { discovery: {} } })).status,
    ).toBe(403);
    expect((await send(s.url, 'GET', '/v1/projects/p1/notes', { token })).status).toBe(401);
    await stop(s);
    const entries = auditExport(store);
    expect(entries.filter((e) => e.actor === 'cli').map((e) => [e.action, e.resource])).toEqual([
      ['token.create', `tokens/${id}`],
      ['token.revoke', `tokens/${id}`],
      ['token.create', `tokens/${writer.split('_')[1]}`],
    ]);
    expect(
      entries.find((e) => e.actor === 'anonymous' && e.outcome === 'denied' && e.detail.status === 403),
    ).toBeDefined();
  });
});

// ---------------------------------------------------------------------------------------------
// mTLS

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function keyPair() {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

async function makeCa(name: string) {
  const keys = await keyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + randomBytes(8).toString('hex'),
    name: `CN=${name}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    signingAlgorithm: ALG,
    keys: keys as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { cert, keys, pem: cert.toString('pem') };
}

async function makeClient(
  ca: Awaited<ReturnType<typeof makeCa>>,
  cn: string,
  opts: { uri?: string; expired?: boolean } = {},
) {
  const keys = await keyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02' + randomBytes(8).toString('hex'),
    subject: `CN=${cn}, O=Portcullis Tests`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - (opts.expired ? 3 : 1) * 86_400_000),
    notAfter: new Date(now + (opts.expired ? -86_400_000 : 86_400_000)),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey as never,
    signingKey: ca.keys.privateKey as never,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      ...(opts.uri
        ? [new x509.SubjectAlternativeNameExtension([{ type: 'url' as const, value: opts.uri }])]
        : []),
    ],
  });
  return { cert: cert.toString('pem'), key: await pkcs8Pem(keys.privateKey) };
}

describe('server --client-ca: client certificates as identities', () => {
  it('a mapped certificate authenticates like a token; invalid or unknown ones get 401; audited by subject', async () => {
    x509.cryptoProvider.set(webcrypto as never);
    const ca = await makeCa('Portcullis Test CA');
    const rogueCa = await makeCa('Rogue CA');
    const ci = await makeClient(ca, 'ci-runner');
    const ops = await makeClient(ca, 'someone', { uri: 'spiffe://example.org/ops' });
    const stranger = await makeClient(ca, 'stranger');
    const rogue = await makeClient(rogueCa, 'ci-runner');
    const expired = await makeClient(ca, 'ci-runner', { expired: true });
    const dir = join(work, 'mtls');
    const store = ['--data-dir', join(dir, 'db')];
    const token = newToken(store, 'p1', 'viewer');
    writeFileSync(join(work, 'ca.pem'), ca.pem);
    writeFileSync(
      join(work, 'ids.yaml'),
      [
        '- cn: ci-runner',
        '  projects: [p1]',
        '  role: writer',
        '- san: URI:spiffe://example.org/ops',
        '  projects: ["*"]',
        '  role: admin',
        '',
      ].join('\n'),
    );
    const bad = cli(['server', '--client-cert-identity', join(work, 'ids.yaml'), ...store]);
    expect(bad).toFailWith('USAGE', { naming: ['--client-cert-identity', '--client-ca'] });
    writeFileSync(join(work, 'bad.yaml'), '- cn: x\n  projects: [p1]\n  role: root\n');
    expect(
      cli([
        'server',
        '--client-ca',
        join(work, 'ca.pem'),
        '--client-cert-identity',
        join(work, 'bad.yaml'),
        ...store,
      ]).stderr,
    ).toMatch(/Invalid --client-cert-identity .*role/);

    const s = await startServer([
      ...store,
      '--client-ca',
      join(work, 'ca.pem'),
      '--client-cert-identity',
      join(work, 'ids.yaml'),
    ]);
    expect(s.stderr()).toContain('client certificates: requested, 2 identities mapped');
    const w = await send(s.url, 'POST', '/v1/projects/p1/notes?noteId=from-ci', {
      ...ci,
      body: { build: {} },
    });
    expect(w.status).toBe(200);
    expect((await send(s.url, 'GET', '/v1/projects/p2/notes', ci)).status).toBe(403);
    expect((await send(s.url, 'GET', '/v1/projects/p2/notes', ops)).status).toBe(200);
    expect((await send(s.url, 'GET', '/metrics', ops)).status).toBe(200);
    for (const c of [stranger, rogue, expired]) {
      const r = await send(s.url, 'GET', '/v1/projects/p1/notes', { ...c, token });
      expect(r.status).toBe(401);
    }
    expect((await send(s.url, 'GET', '/v1/projects/p1/notes', { token })).status).toBe(200);
    expect((await send(s.url, 'GET', '/v1/projects/p1/notes')).status).toBe(401);
    await stop(s);
    const entries = auditExport(store);
    expect(entries.find((e) => e.action === 'notes.create')).toMatchObject({
      actor: 'cert:CN=ci-runner, O=Portcullis Tests',
      outcome: 'ok',
      resource: 'projects/p1/notes/from-ci',
    });
    const denied = entries
      .filter((e) => e.outcome === 'denied' && e.detail.status === 401)
      .map((e) => [e.actor, e.detail.reason]);
    expect(denied).toEqual([
      ['cert:CN=stranger, O=Portcullis Tests', 'certificate-unknown'],
      ['cert:CN=ci-runner, O=Portcullis Tests', 'certificate-invalid'],
      ['cert:CN=ci-runner, O=Portcullis Tests', 'certificate-invalid'],
      ['anonymous', 'missing'],
    ]);
    expect(entries.find((e) => e.actor.startsWith('cert:') && e.detail?.status === 403)).toMatchObject({
      actor: 'cert:CN=ci-runner, O=Portcullis Tests',
    });
  });
});

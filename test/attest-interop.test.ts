/**
 * Signing interoperability against Debian's docker-registry and a real `portcullis server`,
 * through the CLI as built in dist/cli.js: COSIGN_PASSWORD, RSA and Ed25519 keys made by openssl
 * (as cosign imports them), re-signing without duplicate layers, `attest --replace`, the
 * predicate-type mismatch code, and `--push` recording ATTESTATION occurrences.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, type Registry } from './support/registry.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-interop-'));
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', PORTCULLIS_PASSWORD: undefined, COSIGN_PASSWORD: undefined, PORTCULLIS_DATA_DIR: join(work, 'db') };
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...base, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
const ok = (r: ReturnType<typeof cli>): Json => {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Json;
};
const skopeoRaw = async (ref: string) => JSON.parse((await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ref])).stdout) as Json;

let reg: Registry;
let img: string;
let digest: string;
const PW = { PORTCULLIS_PASSWORD: 'pw' };
const key = join(work, 'k');

beforeAll(async () => {
  const fx = await ensureFixtures();
  reg = await startRegistry();
  img = `${reg.host}/interop/app`;
  await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${img}:1`);
  for (const name of ['rsa', 'ed', 'keyed', 'replace', 'push']) await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${reg.host}/${name}/app:1`);
  digest = (await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${img}:1`])).stdout.trim();
  expect(cli(['key', 'generate', '-o', key], PW).status).toBe(0);
  writeFileSync(join(work, 'bom.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }));
  writeFileSync(join(work, 'bom2.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library', name: 'x', version: '1' }] }));
  writeFileSync(join(work, 'prov.json'), JSON.stringify({ buildDefinition: { buildType: 'https://example.com/b' }, runDetails: { builder: { id: 'https://example.com/builder' } } }));
}, 600_000);

afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('COSIGN_PASSWORD', () => {
  it('decrypts the key with COSIGN_PASSWORD when PORTCULLIS_PASSWORD is unset; PORTCULLIS_PASSWORD wins when both are set', () => {
    expect(ok(cli(['sign', `docker://${img}:1`, '--key', `${key}.key`, '--output', 'json'], { COSIGN_PASSWORD: 'pw' }))).toMatchObject({ digest });
    // Both set: PORTCULLIS_PASSWORD is used (a wrong one fails even though COSIGN_PASSWORD is right).
    const both = cli(['sign', `docker://${img}:1`, '--key', `${key}.key`], { PORTCULLIS_PASSWORD: 'wrong', COSIGN_PASSWORD: 'pw' });
    expect(both).toFailWith('KEY_INVALID');
    const none = cli(['sign', `docker://${img}:1`, '--key', `${key}.key`]);
    expect(none).toFailWith('PASSWORD_REQUIRED', { naming: 'COSIGN_PASSWORD' });
    // An empty COSIGN_PASSWORD is an empty password, as with cosign.
    expect(cli(['key', 'generate', '-o', join(work, 'empty')], { COSIGN_PASSWORD: '' }).status).toBe(0);
    expect(cli(['key', 'public', '--key', join(work, 'empty.key')], { COSIGN_PASSWORD: '' }).status).toBe(0);
  });
});

describe('RSA and Ed25519 keys', () => {
  it.each([
    ['rsa', ['genrsa', '-traditional', '3072'], 'RSA PKCS#1'],
    ['ed', ['genpkey', '-algorithm', 'ed25519'], 'Ed25519 PKCS#8'],
  ])('imports a %s key from openssl, signs and attests in both layouts, and verifies', (name, gen) => {
    const pem = join(work, `${name}.pem`);
    execFileSync('openssl', [gen[0]!, '-out', pem, ...gen.slice(1)], { stdio: 'ignore' });
    const prefix = join(work, `${name}-imported`);
    expect(cli(['key', 'import', pem, '-o', prefix], PW).status).toBe(0);
    const target = `docker://${reg.host}/${name}/app:1`;
    // The imported, encrypted key and the original PEM both sign.
    ok(cli(['sign', target, '--key', `${prefix}.key`, '--output', 'json'], PW));
    ok(cli(['sign', target, '--key', pem, '--registry-referrers-mode', 'oci-1-1', '--output', 'json']));
    ok(cli(['attest', target, '--type', 'cyclonedx', '--predicate', join(work, 'bom.json'), '--key', `${prefix}.key`, '--output', 'json'], PW));
    ok(cli(['attest', target, '--type', 'slsaprovenance1', '--predicate', join(work, 'prov.json'), '--key', `${prefix}.key`, '--registry-referrers-mode', 'oci-1-1', '--output', 'json'], PW));
    const v = ok(cli(['verify', target, '--key', `${prefix}.pub`, '--output', 'json']));
    expect(v.checks.map((c: Json) => [c.source ?? 'tag', c.verified])).toEqual([['tag', true], ['referrer', true]]);
    expect(ok(cli(['verify-attestation', target, '--key', `${prefix}.pub`, '--type', 'cyclonedx', '--output', 'json'])).verified).toBe(true);
    expect(ok(cli(['verify-attestation', target, '--key', `${prefix}.pub`, '--type', 'slsaprovenance1', '--output', 'json'])).verified).toBe(true);
    // Another key does not verify them.
    const wrong = cli(['verify', target, '--key', `${key}.pub`, '--output', 'json']);
    expect(wrong.status).toBe(1);
    expect(JSON.parse(wrong.stdout).code).toBe('SIGNATURE_INVALID');
  });

  it('refuses an RSA key below 2048 bits with KEY_INVALID (exit 2)', () => {
    const pem = join(work, 'small.pem');
    execFileSync('openssl', ['genrsa', '-out', pem, '1024'], { stdio: 'ignore' });
    const r = cli(['key', 'import', pem, '-o', join(work, 'small')], PW);
    expect(r).toFailWith('KEY_INVALID', { naming: '2048' });
  });
});

describe('re-signing and replacing', () => {
  it('does not append an identical layer when the same key signs the same payload again', async () => {
    const target = `docker://${reg.host}/keyed/app:1`;
    const first = ok(cli(['sign', target, '--key', `${key}.key`, '--output', 'json'], PW));
    const again = ok(cli(['sign', target, '--key', `${key}.key`, '--output', 'json'], PW));
    expect(first).toMatchObject({ signatures: 1, duplicate: false });
    expect(again).toMatchObject({ signatures: 1, duplicate: true, signatureManifest: first.signatureManifest });
    expect((await skopeoRaw(`docker://${reg.host}/keyed/app:${digest.replace(':', '-')}.sig`)).layers).toHaveLength(1);
    // Other annotations are another payload: a second layer.
    expect(ok(cli(['sign', target, '--key', `${key}.key`, '-a', 'env=prod', '--output', 'json'], PW))).toMatchObject({ signatures: 2, duplicate: false });
    // The same for attestations and for referrers.
    const att = (extra: string[] = []) => ok(cli(['attest', target, '--type', 'cyclonedx', '--predicate', join(work, 'bom.json'), '--key', `${key}.key`, '--output', 'json', ...extra], PW));
    expect(att()).toMatchObject({ attestations: 1, duplicate: false });
    expect(att()).toMatchObject({ attestations: 1, duplicate: true });
    const r1 = att(['--registry-referrers-mode', 'oci-1-1']);
    const r2 = att(['--registry-referrers-mode', 'oci-1-1']);
    expect(r1.duplicate).toBe(false);
    expect(r2).toMatchObject({ duplicate: true, referrer: r1.referrer });
    expect((await skopeoRaw(`docker://${reg.host}/keyed/app:${digest.replace(':', '-')}`)).manifests).toHaveLength(1);
  });

  it('attest --replace replaces the attestations of the same predicate type and keeps the others (both layouts)', async () => {
    const target = `docker://${reg.host}/replace/app:1`;
    const attest = (file: string, type: string, extra: string[] = []) => ok(cli(['attest', target, '--type', type, '--predicate', join(work, file), '--key', `${key}.key`, '--output', 'json', ...extra], PW));
    attest('bom.json', 'cyclonedx');
    attest('prov.json', 'slsaprovenance1');
    expect(attest('bom2.json', 'cyclonedx', ['--replace'])).toMatchObject({ attestations: 2, replaced: 1 });
    const m = await skopeoRaw(`docker://${reg.host}/replace/app:${digest.replace(':', '-')}.att`);
    expect(m.layers.map((l: Json) => l.annotations.predicateType)).toEqual(['https://slsa.dev/provenance/v1', 'https://cyclonedx.org/bom']);
    const v = ok(cli(['verify-attestation', target, '--key', `${key}.pub`, '--type', 'cyclonedx', '--output', 'json']));
    expect(v.checks.filter((c: Json) => c.verified).map((c: Json) => c.statement.predicate.components.length)).toEqual([1]);

    // Referrers: the old bundle of the type leaves the fallback index and is deleted.
    const old = attest('bom.json', 'cyclonedx', ['--registry-referrers-mode', 'oci-1-1']);
    attest('prov.json', 'slsaprovenance1', ['--registry-referrers-mode', 'oci-1-1']);
    const repl = attest('bom2.json', 'cyclonedx', ['--registry-referrers-mode', 'oci-1-1', '--replace']);
    expect(repl.replaced).toEqual([old.referrer]);
    const index = await skopeoRaw(`docker://${reg.host}/replace/app:${digest.replace(':', '-')}`);
    expect(index.manifests.map((d: Json) => d.annotations['dev.sigstore.bundle.predicateType']).sort()).toEqual(['https://cyclonedx.org/bom', 'https://slsa.dev/provenance/v1']);
    expect(index.manifests.map((d: Json) => d.digest)).not.toContain(old.referrer);
    await expect(skopeoRaw(`docker://${reg.host}/replace/app@${old.referrer}`)).rejects.toThrow();
    const rv = ok(cli(['verify-attestation', target, '--key', `${key}.pub`, '--type', 'cyclonedx', '--output', 'json']));
    expect(rv.checks.filter((c: Json) => c.verified).map((c: Json) => c.statement.predicate.components.length)).toEqual([1, 1]);
  });
});

describe('predicate type mismatch', () => {
  it('reports PREDICATE_TYPE_MISMATCH (exit 1), not SIGNATURE_MISSING, in each layout and with a URI', () => {
    const target = `docker://${reg.host}/keyed/app:1`; // has a cyclonedx attestation (tag and referrer) from above
    for (const type of ['vuln', 'https://example.com/other/v1', 'spdxjson']) {
      const r = cli(['verify-attestation', target, '--key', `${key}.pub`, '--type', type, '--output', 'json']);
      expect(r.status).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ verified: false, code: 'PREDICATE_TYPE_MISMATCH' });
    }
    const text = cli(['verify-attestation', target, '--key', `${key}.pub`, '--type', 'vuln']);
    expect(text.stderr).toMatch(/not verified \[PREDICATE_TYPE_MISMATCH\]/);
  });
});

describe('--push records ATTESTATION occurrences', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('records signatures and attestations on the image resource URI, once', async () => {
    const db = join(work, 'server-db');
    const tok = cli(['server', 'token', 'create', '--project', 'ci', '--role', 'writer', '--data-dir', db]);
    expect(tok.status, tok.stderr).toBe(0);
    const token = tok.stdout.trim().split('\n').pop()!;
    const proc = spawn(process.execPath, [CLI, 'server', '--listen', '127.0.0.1:0', '--rate-limit', '0', '--data-dir', db], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    server = proc;
    const { url, fingerprint } = await new Promise<{ url: string; fingerprint: string }>((resolve, reject) => {
      let err = '';
      proc.stderr!.on('data', (d) => {
        err += d;
        const u = /listening on (\S+)/.exec(err)?.[1];
        const f = /fingerprint: ([0-9A-F:]{95})/.exec(err)?.[1];
        if (u && f) resolve({ url: u, fingerprint: f });
      });
      proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
    });
    const target = `docker://${reg.host}/push/app:1`;
    const push = ['--push', url, '--push-project', 'ci', '--push-fingerprint', fingerprint];
    const env = { ...PW, PORTCULLIS_TOKEN: token };
    const s = ok(cli(['sign', target, '--key', `${key}.key`, '--output', 'json', ...push], env));
    expect(s.recorded).toMatchObject({ created: true, noteName: 'projects/ci/notes/portcullis-signatures', resourceUri: `https://${reg.host}/push/app@${digest}` });
    const a = ok(cli(['attest', target, '--type', 'cyclonedx', '--predicate', join(work, 'bom.json'), '--key', `${key}.key`, '--registry-referrers-mode', 'oci-1-1', '--output', 'json', ...push], env));
    expect(a.recorded).toMatchObject({ created: true, noteName: 'projects/ci/notes/portcullis-attestations' });
    // Signing again records nothing new.
    expect(ok(cli(['sign', target, '--key', `${key}.key`, '--output', 'json', ...push], env)).recorded).toMatchObject({ created: false, occurrence: s.recorded.occurrence });
    const text = cli(['sign', target, '--key', `${key}.key`, '-a', 'run=2', ...push], env);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/Recorded projects\/ci\/occurrences\/\S+ \(ATTESTATION, note projects\/ci\/notes\/portcullis-signatures\)/);

    const filter = encodeURIComponent(`kind="ATTESTATION" AND resourceUri="https://${reg.host}/push/app@${digest}"`);
    const res = await fetchInsecure(`${url}/v1/projects/ci/occurrences?pageSize=100&filter=${filter}`, token);
    const occs = res.occurrences as Json[];
    expect(occs).toHaveLength(3);
    const sig = occs.find((o) => o.name === s.recorded.occurrence)!;
    expect(sig).toMatchObject({ kind: 'ATTESTATION', noteName: 'projects/ci/notes/portcullis-signatures', attestation: { signatures: [{ publicKeyId: s.keyId }] } });
    // The payload is the simple-signing document naming the digest.
    expect(JSON.parse(Buffer.from(sig.attestation.serializedPayload, 'base64').toString()).critical.image['docker-manifest-digest']).toBe(digest);
    const att = occs.find((o) => o.name === a.recorded.occurrence)!;
    expect(JSON.parse(Buffer.from(att.attestation.serializedPayload, 'base64').toString())).toMatchObject({ predicateType: 'https://cyclonedx.org/bom', subject: [{ digest: { sha256: digest.slice(7) } }] });
    expect(att.envelope.payloadType).toBe('application/vnd.in-toto+json');
    const note = await fetchInsecure(`${url}/v1/projects/ci/notes/portcullis-signatures`, token);
    expect(note).toMatchObject({ kind: 'ATTESTATION', attestation: { hint: { humanReadableName: 'portcullis-signatures' } } });

    // A bad token is refused with AUTH_FAILED (exit 2) after the signature was pushed.
    const bad = cli(['sign', target, '--key', `${key}.key`, ...push], { ...PW, PORTCULLIS_TOKEN: 'nope' });
    expect(bad).toFailWith('AUTH_FAILED');
    // --push-project is required.
    expect(cli(['sign', target, '--key', `${key}.key`, '--push', url], env)).toFailWith('USAGE', { naming: ['--push', '--push-project'] });
  });
});

async function fetchInsecure(url: string, token: string): Promise<Json> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  try {
    const r = await request(url, { dispatcher, headers: { authorization: `Bearer ${token}` } });
    expect(r.statusCode).toBe(200);
    return (await r.body.json()) as Json;
  } finally {
    await dispatcher.close();
  }
}

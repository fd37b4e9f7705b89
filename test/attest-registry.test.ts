/**
 * Signing, attesting, verifying and copying against real peers: Debian's docker-registry on
 * 127.0.0.1, skopeo pushing the fixture image and reading/copying our .sig/.att tags, and the CLI
 * as built in dist/cli.js.
 */
import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCosignLayer, cosignTag, readCosignImage, SIGNATURE_ANNOTATION } from '../src/attest/cosign-storage.js';
import { loadPublicKey } from '../src/attest/keys.js';
import { SIMPLE_SIGNING_MEDIA_TYPE } from '../src/attest/simple-signing.js';
import { digestOf } from '../src/oci/digest.js';
import { RegistryClient } from '../src/oci/registry/client.js';
import { blobExists, getReferrers, listTags, mountBlob, pushBlob, pushBlobStream, pushManifest } from '../src/oci/registry/push.js';
import { ensureFixtures } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, startRegistryWithAuth, type Registry } from './support/registry.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-attest-'));
const PASSWORD = 'correct horse battery staple';

function cli(args: string[], env: Record<string, string | undefined> = { PORTCULLIS_PASSWORD: PASSWORD }) {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { verified: boolean; code?: string; digest: string; checks: { code?: string; verified: boolean; statement?: { predicateType: string; predicate: unknown } }[] };
const skopeoRaw = async (ref: string) => JSON.parse((await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ref])).stdout);

let reg: Registry;
let reg2: Registry;
let img: string;
let digest: string;
let otherDigest: string;
const key1 = join(work, 'k1');
const key2 = join(work, 'k2');

beforeAll(async () => {
  const fx = await ensureFixtures();
  [reg, reg2] = await Promise.all([startRegistry(), startRegistry()]);
  img = `${reg.host}/app`;
  await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${img}:1`);
  // The same image as a Docker schema 2 manifest: another digest in the same repository.
  await run('skopeo', ['copy', '-q', '--dest-tls-verify=false', '--format', 'v2s2', `oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${img}:v2s2`]);
  await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${reg.host}/tamper/app:1`);
  digest = (await skopeoDigest(`docker://${img}:1`))!;
  otherDigest = (await skopeoDigest(`docker://${img}:v2s2`))!;
  for (const k of [key1, key2]) expect(cli(['key', 'generate', '-o', k]).status).toBe(0);
}, 600_000);

afterAll(async () => {
  await Promise.all([reg?.stop(), reg2?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

async function skopeoDigest(ref: string): Promise<string | undefined> {
  const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', ref]);
  return stdout.trim() || undefined;
}

describe('key generate', () => {
  it('writes an encrypted cosign-format .key (0600) and an SPKI .pub; refuses to prompt without a terminal', () => {
    expect(readFileSync(`${key1}.key`, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    expect(statSync(`${key1}.key`).mode & 0o777).toBe(0o600);
    expect(loadPublicKey(readFileSync(`${key1}.pub`, 'utf8')).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const r = cli(['key', 'generate', '-o', join(work, 'k3')], { PORTCULLIS_PASSWORD: undefined });
    expect(r).toFailWith('PASSWORD_REQUIRED');
    expect(existsSync(join(work, 'k3.key'))).toBe(false);
    expect(cli(['key', 'generate', '-o', key1]).status).toBe(2); // no silent overwrite
  });

  it('imports a PKCS#8 key, and public prints the public key of a private key file', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(join(work, 'plain.pem'), pem);
    expect(cli(['key', 'import', join(work, 'plain.pem'), '-o', join(work, 'imported')]).status).toBe(0);
    const pub = cli(['key', 'public', '--key', join(work, 'imported.key')]);
    expect(pub.status).toBe(0);
    expect(pub.stdout).toBe(readFileSync(join(work, 'imported.pub'), 'utf8'));
    expect(cli(['key', 'public', '--key', join(work, 'imported.key')], { PORTCULLIS_PASSWORD: 'wrong' })).toFailWith('KEY_INVALID');
  });
});

describe('sign and verify', () => {
  it('reports SIGNATURE_MISSING (exit 1) before anything is signed', () => {
    const r = cli(['verify', `docker://${img}:1`, '--key', `${key1}.pub`, '--output', 'json']);
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ verified: false, code: 'SIGNATURE_MISSING', digest });
  });

  it('signs; the .sig manifest has cosign\'s shape; skopeo reads it; verify passes with the key and fails with another', async () => {
    const s = cli(['sign', `docker://${img}:1`, '--key', `${key1}.key`, '-a', 'env=prod', '--output', 'json']);
    expect(s.status, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ digest, signatures: 1, signatureTag: `${img}:${cosignTag(digest, 'sig')}` });

    const m = await skopeoRaw(`docker://${img}:${cosignTag(digest, 'sig')}`);
    expect(m).toMatchObject({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json' } });
    expect(m.layers).toHaveLength(1);
    expect(m.layers[0]).toMatchObject({ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, annotations: { [SIGNATURE_ANNOTATION]: expect.stringMatching(/^MEU|^MEQ|^MEY/) } });
    const config = JSON.parse((await run('skopeo', ['inspect', '--config', '--raw', '--tls-verify=false', `docker://${img}:${cosignTag(digest, 'sig')}`])).stdout);
    expect(config).toMatchObject({ architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [m.layers[0].digest] }, history: [{ created: '0001-01-01T00:00:00Z' }], config: {} });

    const ok = cli(['verify', `docker://${img}:1`, '--key', `${key1}.pub`, '--output', 'json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(json(ok)).toMatchObject({ verified: true, digest, checks: [{ verified: true, payload: { critical: { identity: { 'docker-reference': img }, image: { 'docker-manifest-digest': digest } }, optional: { env: 'prod' } } }] });
    expect(cli(['verify', `docker://${img}@${digest}`, '--key', `${key1}.pub`, '-a', 'env=prod']).status).toBe(0);
    const wrongAnnotation = cli(['verify', `docker://${img}:1`, '--key', `${key1}.pub`, '-a', 'env=dev']);
    expect(wrongAnnotation.status).toBe(1);
    const wrong = cli(['verify', `docker://${img}:1`, '--key', `${key2}.pub`, '--output', 'json']);
    expect(wrong.status).toBe(1);
    expect(json(wrong)).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
    expect(cli(['verify', `docker://${img}:1`, '--key', `${key2}.pub`]).stderr).toMatch(/not verified \[SIGNATURE_INVALID\]/);
  });

  it('appends a second signature without dropping the first; both keys verify', async () => {
    expect(cli(['sign', `docker://${img}:1`, '--key', `${key2}.key`]).status).toBe(0);
    const m = await skopeoRaw(`docker://${img}:${cosignTag(digest, 'sig')}`);
    expect(m.layers).toHaveLength(2);
    for (const k of [key1, key2]) expect(cli(['verify', `docker://${img}:1`, '--key', `${k}.pub`]).status).toBe(0);
    const both = json(cli(['verify', `docker://${img}:1`, '--key', `${key1}.pub`, '--key', `${key2}.pub`, '--output', 'json']));
    expect(both.checks.map((c) => c.verified)).toEqual([true, true]);
  });

  it('skips an exact duplicate layer when appending', async () => {
    const client = new RegistryClient(reg.host);
    try {
      const opts = { repo: 'app', digest: otherDigest, kind: 'sig' as const, payload: Buffer.from('{"x":1}'), mediaType: SIMPLE_SIGNING_MEDIA_TYPE, annotations: { [SIGNATURE_ANNOTATION]: 'AAAA' } };
      expect(await appendCosignLayer(client, opts)).toMatchObject({ duplicate: false, layerCount: 1 });
      expect(await appendCosignLayer(client, opts)).toMatchObject({ duplicate: true, layerCount: 1 });
      expect(await appendCosignLayer(client, { ...opts, annotations: { [SIGNATURE_ANNOTATION]: 'BBBB' } })).toMatchObject({ duplicate: false, layerCount: 2 });
      // Leave no bogus signatures behind for the next tests.
      await deleteTag(client, 'app', cosignTag(otherDigest, 'sig'));
    } finally {
      await client.close();
    }
  });

  it('catches a tampered payload (manifest rewritten to point at an altered blob): SIGNATURE_INVALID', async () => {
    const timg = `${reg.host}/tamper/app`;
    expect(cli(['sign', `docker://${timg}:1`, '--key', `${key1}.key`]).status).toBe(0);
    const tdigest = (await skopeoDigest(`docker://${timg}:1`))!;
    const client = new RegistryClient(reg.host);
    try {
      const sig = (await readCosignImage(client, 'tamper/app', tdigest, 'sig'))!;
      const altered = Buffer.from(sig.layers[0]!.payload.toString().replace(timg, `${reg.host}/evil`));
      await pushBlob(client, 'tamper/app', altered);
      const layers = [{ ...sig.layers[0]!.descriptor, digest: digestOf(altered), size: altered.length }];
      const manifest = Buffer.from(JSON.stringify({ ...sig.manifest, layers }));
      await pushManifest(client, 'tamper/app', sig.tag, manifest, 'application/vnd.oci.image.manifest.v1+json');
    } finally {
      await client.close();
    }
    const r = cli(['verify', `docker://${timg}:1`, '--key', `${key1}.pub`, '--output', 'json']);
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
  });

  it('catches a signature moved to another image (skopeo copies the .sig tag): SIGNATURE_DIGEST_MISMATCH', async () => {
    await run('skopeo', ['copy', '-q', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${img}:${cosignTag(digest, 'sig')}`, `docker://${img}:${cosignTag(otherDigest, 'sig')}`]);
    const r = cli(['verify', `docker://${img}:v2s2`, '--key', `${key1}.pub`, '--output', 'json']);
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ verified: false, code: 'SIGNATURE_DIGEST_MISMATCH', digest: otherDigest });
  });

  it('refuses an unknown --registry-referrers-mode (exit 2), and non-registry images', () => {
    expect(cli(['sign', `docker://${img}:1`, '--key', `${key1}.key`, '--registry-referrers-mode', 'oci-2']).status).toBe(2);
    expect(cli(['sign', 'oci:/nonexistent:x', '--key', `${key1}.key`])).toFailWith('USAGE', { naming: 'oci:' });
  });
});

describe('attest and verify-attestation', () => {
  it('attests a CycloneDX SBOM; verifies by type; the envelope also passes @sigstore/verify', async () => {
    const bom = { bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'library', name: 'left-pad', version: '1.3.0' }] };
    writeFileSync(join(work, 'bom.json'), JSON.stringify(bom));
    writeFileSync(join(work, 'prov.json'), JSON.stringify({ buildDefinition: { buildType: 'https://example.com/build/v1', externalParameters: {} }, runDetails: { builder: { id: 'https://example.com/builder' } } }));
    const a = cli(['attest', `docker://${img}:1`, '--predicate', join(work, 'bom.json'), '--type', 'cyclonedx', '--key', `${key1}.key`]);
    expect(a.status, a.stderr).toBe(0);
    expect(cli(['attest', `docker://${img}:1`, '--predicate', join(work, 'prov.json'), '--type', 'slsaprovenance1', '--key', `${key1}.key`]).status).toBe(0);

    const m = await skopeoRaw(`docker://${img}:${cosignTag(digest, 'att')}`);
    expect(m.layers.map((l: { mediaType: string; annotations: Record<string, string> }) => [l.mediaType, l.annotations])).toEqual([
      ['application/vnd.dsse.envelope.v1+json', { [SIGNATURE_ANNOTATION]: '', predicateType: 'https://cyclonedx.org/bom' }],
      ['application/vnd.dsse.envelope.v1+json', { [SIGNATURE_ANNOTATION]: '', predicateType: 'https://slsa.dev/provenance/v1' }],
    ]);

    const v = cli(['verify-attestation', `docker://${img}:1`, '--key', `${key1}.pub`, '--type', 'cyclonedx', '--output', 'json']);
    expect(v.status, v.stderr).toBe(0);
    const verified = json(v).checks.filter((c) => c.verified);
    expect(verified).toHaveLength(1);
    expect(verified[0]!.statement).toMatchObject({ _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://cyclonedx.org/bom', subject: [{ name: img, digest: { sha256: digest.slice(7) } }], predicate: bom });
    expect(cli(['verify-attestation', `docker://${img}:1`, '--key', `${key1}.pub`, '--type', 'slsaprovenance1']).status).toBe(0);
    const wrongType = cli(['verify-attestation', `docker://${img}:1`, '--key', `${key1}.pub`, '--type', 'vuln', '--output', 'json']);
    expect(wrongType.status).toBe(1);
    expect(json(wrongType).code).toBe('PREDICATE_TYPE_MISMATCH');
    expect(json(cli(['verify-attestation', `docker://${img}:1`, '--key', `${key2}.pub`, '--output', 'json'])).code).toBe('SIGNATURE_INVALID');
    expect(json(cli(['verify-attestation', `docker://${img}:v2s2`, '--key', `${key1}.pub`, '--output', 'json'])).code).toBe('SIGNATURE_MISSING');

    const client = new RegistryClient(reg.host);
    try {
      const att = (await readCosignImage(client, 'app', digest, 'att'))!;
      const env = JSON.parse(att.layers[0]!.payload.toString());
      const bundle = bundleFromJSON({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: 'k1' }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } }, dsseEnvelope: env });
      const publicKey = loadPublicKey(readFileSync(`${key1}.pub`, 'utf8'));
      const verifier = new Verifier({ certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [], publicKey: () => ({ publicKey, validFor: () => true }) }, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
      expect(() => verifier.verify(toSignedEntity(bundle))).not.toThrow();
    } finally {
      await client.close();
    }
  });

  it('lets skopeo copy the .sig and .att tags to an OCI layout', async () => {
    for (const kind of ['sig', 'att'] as const) {
      const dir = join(work, `layout-${kind}`);
      await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${img}:${cosignTag(digest, kind)}`, `oci:${dir}:${kind}`]);
      const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
      expect(index.manifests).toHaveLength(1);
    }
  });
});

describe('copy (promotion)', () => {
  it('copies the image with its signatures and attestations to another registry; they verify there', () => {
    const dst = `docker://${reg2.host}/prod/app:1`;
    const c = cli(['copy', `docker://${img}:1`, dst, '--output', 'json']);
    expect(c.status, c.stderr).toBe(0);
    const doc = JSON.parse(c.stdout);
    expect(doc).toMatchObject({ digest, tag: '1' });
    expect(doc.artifacts.map((a: { tag: string }) => a.tag)).toEqual([cosignTag(digest, 'sig'), cosignTag(digest, 'att')]);
    expect(doc.image.blobsCopied).toBeGreaterThan(1);
    for (const k of [key1, key2]) expect(cli(['verify', dst, '--key', `${k}.pub`]).status).toBe(0);
    expect(cli(['verify-attestation', dst, '--key', `${key1}.pub`, '--type', 'cyclonedx']).status).toBe(0);
    // Copying again finds every blob in place.
    const again = JSON.parse(cli(['copy', `docker://${img}:1`, dst, '--output', 'json']).stdout);
    expect(again.image).toMatchObject({ blobsCopied: 0 });
  });

  it('mounts blobs across repositories of one registry and keeps the digest', async () => {
    const c = cli(['copy', `docker://${img}@${digest}`, `docker://${reg.host}/promoted/app:stable`, '--output', 'json']);
    expect(c.status, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout).image.blobsMounted).toBeGreaterThan(1);
    expect(await skopeoDigest(`docker://${reg.host}/promoted/app:stable`)).toBe(digest);
    expect(cli(['verify', `docker://${reg.host}/promoted/app:stable`, '--key', `${key1}.pub`]).status).toBe(0);
  });
});

describe('copy of an index, and signing behind authentication', () => {
  it('copies an index with its child manifests and signs it on a registry with basic auth', async () => {
    const client = new RegistryClient(reg.host);
    let indexDigest: string;
    try {
      const child = (d: string, arch: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d, size: 0, platform: { os: 'linux', architecture: arch } });
      const a = await client.getManifest('app', digest);
      const b = await client.getManifest('app', otherDigest);
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ ...child(digest, 'amd64'), size: a.body.length }, { ...child(otherDigest, 'arm64'), mediaType: b.mediaType, size: b.body.length }] }));
      indexDigest = await pushManifest(client, 'app', 'multi', index, 'application/vnd.oci.image.index.v1+json');
    } finally {
      await client.close();
    }
    const authed = await startRegistryWithAuth();
    try {
      const creds = `${authed.user}:${authed.password}`;
      const dst = `docker://${authed.host}/team/app:multi`;
      const c = cli(['copy', `docker://${img}:multi`, dst, '--dest-creds', creds, '--output', 'json']);
      expect(c.status, c.stderr).toBe(0);
      const doc = JSON.parse(c.stdout);
      expect(doc).toMatchObject({ digest: indexDigest, image: { manifests: 3 } });
      // The child's signatures came along (the amd64 child is the signed app:1).
      expect(doc.artifacts.map((x: { tag: string }) => x.tag)).toContain(cosignTag(digest, 'sig'));
      expect(cli(['verify', `docker://${authed.host}/team/app@${digest}`, '--key', `${key1}.pub`, '--creds', creds]).status).toBe(0);
      expect(cli(['sign', dst, '--key', `${key2}.key`])).toFailWith('AUTH_REQUIRED');
      expect(cli(['sign', dst, '--key', `${key2}.key`, '--creds', creds]).status).toBe(0);
      const v = cli(['verify', dst, '--key', `${key2}.pub`, '--creds', creds, '--output', 'json']);
      expect(v.status, v.stderr).toBe(0);
      expect(json(v).digest).toBe(indexDigest);
    } finally {
      await authed.stop();
    }
  });
});

describe('registry push API', () => {
  it('pushes chunked uploads, lists tags, mounts, and falls back to the referrers tag schema', async () => {
    const client = new RegistryClient(reg.host);
    try {
      const data = Buffer.alloc(300_000, 7);
      const d = digestOf(data);
      expect(await blobExists(client, 'chunks', d)).toBeUndefined();
      await pushBlobStream(client, 'chunks', { digest: d, size: data.length, open: async () => Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]) }, { chunkSize: 64 * 1024 });
      expect(await blobExists(client, 'chunks', d)).toBe(data.length);
      expect((await client.getBlob('chunks', d, 1 << 20)).equals(data)).toBe(true);
      const wrong = digestOf(Buffer.from('other'));
      await expect(pushBlobStream(client, 'chunks', { digest: wrong, size: data.length, open: async () => Readable.from([data]) }, { retry: { maxAttempts: 1 } })).rejects.toBeTruthy();
      expect(await mountBlob(client, 'mounted', d, 'chunks')).toEqual({ mounted: true });
      expect(await listTags(client, 'app', 2)).toEqual(expect.arrayContaining(['1', 'v2s2', cosignTag(digest, 'sig'), cosignTag(digest, 'att')]));
      expect(await getReferrers(client, 'app', digest)).toEqual({ source: 'tag', manifests: [] });
    } finally {
      await client.close();
    }
  });
});

async function deleteTag(client: RegistryClient, repo: string, tag: string): Promise<void> {
  const m = await client.getManifest(repo, tag);
  const res = await client.request(`/v2/${repo}/manifests/${m.digest}`, { method: 'DELETE', scope: `repository:${repo}:pull,push` });
  await res.dump();
  expect(res.status).toBe(202);
}

/**
 * OCI 1.1 referrers (cosign v3 layout), attestations from our own scan and SBOM, and keyless
 * verification of images, against Debian's docker-registry on 127.0.0.1 (distribution 2.8: no
 * referrers API, so the client maintains the `sha256-<hex>` referrers index tag) with skopeo as a
 * second reader, through the CLI as built in dist/cli.js.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCosignLayer, BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, SIGNATURE_ANNOTATION } from '../src/attest/cosign-storage.js';
import { encodePem, loadPublicKey } from '../src/attest/keys.js';
import { pushBundleReferrer } from '../src/attest/referrers.js';
import { SIMPLE_SIGNING_MEDIA_TYPE } from '../src/attest/simple-signing.js';
import { RegistryClient } from '../src/oci/registry/client.js';
import { ensureFixtures } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, type Registry } from './support/registry.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const FX = join(import.meta.dirname, 'fixtures', 'sigstore');
const work = mkdtempSync(join(tmpdir(), 'portcullis-referrers-'));
const PASSWORD = 'referrers';
const BEACON = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const GITHUB = 'https://token.actions.githubusercontent.com';

function cli(args: string[]) {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PORTCULLIS_PASSWORD: PASSWORD, PORTCULLIS_DATA_DIR: join(work, 'db') }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
type Check = { code?: string; verified: boolean; source?: string; signer?: { subjectAlternativeName?: string }; statement?: { predicateType: string; predicate: Record<string, unknown> & { metadata: { scanStartedOn: string; scanFinishedOn: string }; components?: unknown[] } } };
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { verified: boolean; code?: string; digest: string; checks: Check[] };
const skopeoRaw = async (ref: string) => JSON.parse((await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ref])).stdout);

let reg: Registry;
let img: string;
let digest: string;
const key = join(work, 'k');
const other = join(work, 'o');

beforeAll(async () => {
  const fx = await ensureFixtures();
  reg = await startRegistry();
  img = `${reg.host}/ref/app`;
  await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${img}:1`);
  await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${reg.host}/keyless/app:1`);
  digest = (await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${img}:1`])).stdout.trim();
  for (const k of [key, other]) expect(cli(['key', 'generate', '-o', k]).status).toBe(0);
}, 600_000);

afterAll(async () => {
  await reg?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('sign --registry-referrers-mode oci-1-1', () => {
  it('pushes a v0.3 DSSE bundle as a referrer, lists it in the sha256-<hex> index tag, and verify finds it', async () => {
    const s = cli(['sign', `docker://${img}:1`, '--key', `${key}.key`, '--registry-referrers-mode', 'oci-1-1', '-a', 'env=prod', '--output', 'json']);
    expect(s.status, s.stderr).toBe(0);
    const doc = JSON.parse(s.stdout);
    expect(doc).toMatchObject({ digest, referrersIndex: 'tag', referrersTag: `${img}:${digest.replace(':', '-')}` });

    const index = await skopeoRaw(`docker://${img}:${digest.replace(':', '-')}`);
    expect(index).toMatchObject({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ digest: doc.referrer, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', annotations: { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' } }] });
    const manifest = await skopeoRaw(`docker://${img}@${doc.referrer}`);
    expect(manifest).toMatchObject({ artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2 }, subject: { digest }, layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: doc.bundleDigest }] });

    // The bundle is what Sigstore clients read: @sigstore/verify accepts it with the public key.
    const client = new RegistryClient(reg.host);
    try {
      const bundleJson = JSON.parse((await client.getBlob('ref/app', doc.bundleDigest, 1 << 20)).toString());
      expect(bundleJson).toMatchObject({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: doc.keyId } }, dsseEnvelope: { payloadType: 'application/vnd.in-toto+json' } });
      const publicKey = loadPublicKey(readFileSync(`${key}.pub`, 'utf8'));
      const verifier = new Verifier({ certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [], publicKey: () => ({ publicKey, validFor: () => true }) }, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
      expect(() => verifier.verify(toSignedEntity(bundleFromJSON(bundleJson)))).not.toThrow();
    } finally {
      await client.close();
    }

    const v = cli(['verify', `docker://${img}:1`, '--key', `${key}.pub`, '-a', 'env=prod', '--output', 'json']);
    expect(v.status, v.stderr).toBe(0);
    expect(json(v).checks).toMatchObject([{ verified: true, source: 'referrer' }]);
    const wrong = cli(['verify', `docker://${img}:1`, '--key', `${other}.pub`, '--output', 'json']);
    expect(wrong.status).toBe(1);
    expect(json(wrong).code).toBe('SIGNATURE_INVALID');
    expect(json(cli(['verify', `docker://${img}:1`, '--key', `${key}.pub`, '-a', 'env=dev', '--output', 'json'])).code).toBe('SIGNATURE_MISSING');
    // Both layouts at once: a legacy .sig signature by the other key is found next to the referrer.
    expect(cli(['sign', `docker://${img}:1`, '--key', `${other}.key`]).status).toBe(0);
    const both = json(cli(['verify', `docker://${img}:1`, '--key', `${key}.pub`, '--key', `${other}.pub`, '--output', 'json']));
    expect(both.checks.map((c) => [c.source ?? 'tag', c.verified])).toEqual([['tag', true], ['referrer', true]]);
  });
});

describe('attest from our own SBOM and scan', () => {
  it('attests the CycloneDX SBOM of the image as a referrer (--from-sbom) and verifies it by type', () => {
    const a = cli(['attest', `docker://${img}:1`, '--type', 'cyclonedx', '--from-sbom', '--key', `${key}.key`, '--registry-referrers-mode', 'oci-1-1', '--output', 'json']);
    expect(a.status, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ digest, predicateType: 'https://cyclonedx.org/bom', referrersIndex: 'tag' });
    const v = cli(['verify-attestation', `docker://${img}:1`, '--key', `${key}.pub`, '--type', 'cyclonedx', '--output', 'json']);
    expect(v.status, v.stderr).toBe(0);
    const ok = json(v).checks.filter((c) => c.verified);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.statement!.predicate).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(ok[0]!.statement!.predicate.components!.length).toBeGreaterThan(0);
    // The signature referrer is not an attestation, and vice versa.
    expect(json(cli(['verify-attestation', `docker://${img}:1`, '--key', `${key}.pub`, '--type', 'vuln', '--output', 'json'])).code).toBe('PREDICATE_TYPE_MISMATCH');
  });

  it('attests a vulnerability scan in cosign\'s vuln predicate shape (--from-scan, legacy layout)', () => {
    const a = cli(['attest', `docker://${img}:1`, '--type', 'vuln', '--from-scan', '--key', `${key}.key`]);
    expect(a.status, a.stderr).toBe(0);
    const v = cli(['verify-attestation', `docker://${img}:1`, '--key', `${key}.pub`, '--type', 'vuln', '--output', 'json']);
    expect(v.status, v.stderr).toBe(0);
    const predicate = json(v).checks.find((c) => c.verified)!.statement!.predicate;
    expect(Object.keys(predicate)).toEqual(['invocation', 'scanner', 'metadata']);
    expect(predicate).toMatchObject({ invocation: { uri: '', event_id: '', 'builder.id': '' }, scanner: { uri: expect.stringMatching(/^pkg:npm\/portcullis@/), db: { uri: expect.any(String), version: expect.any(String) }, result: { schemaVersion: 1 } } });
    expect(Date.parse(predicate.metadata.scanFinishedOn)).toBeGreaterThanOrEqual(Date.parse(predicate.metadata.scanStartedOn));
    expect(cli(['attest', `docker://${img}:1`, '--type', 'cyclonedx', '--from-scan', '--key', `${key}.key`]).status).toBe(2);
    expect(cli(['attest', `docker://${img}:1`, '--type', 'vuln', '--key', `${key}.key`]).status).toBe(2);
  });
});

describe('keyless verify IMAGE', () => {
  const a = JSON.parse(readFileSync(join(FX, 'a.txt.v01.sigstore.json'), 'utf8'));
  const entry = a.verificationMaterial.tlogEntries[0];

  it('reads cosign v2 keyless annotations (certificate + Rekor bundle): chain, SET and identity verify on real public-good data', async () => {
    // A real public-good keyless signature (of the conformance suite's a.txt) laid out as a cosign
    // v2 `.sig` layer: its payload is a.txt, not simple signing, so it verifies up to the payload.
    const annotations = {
      [SIGNATURE_ANNOTATION]: a.messageSignature.signature,
      [CERTIFICATE_ANNOTATION]: encodePem('CERTIFICATE', Buffer.from(a.verificationMaterial.x509CertificateChain.certificates[0].rawBytes, 'base64')),
      [BUNDLE_ANNOTATION]: JSON.stringify({ SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp, Payload: { body: entry.canonicalizedBody, integratedTime: Number(entry.integratedTime), logIndex: Number(entry.logIndex), logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex') } }),
    };
    const client = new RegistryClient(reg.host);
    const kdigest = (await client.getManifest('keyless/app', '1')).digest;
    try {
      await appendCosignLayer(client, { repo: 'keyless/app', digest: kdigest, kind: 'sig', payload: readFileSync(join(FX, 'a.txt')), mediaType: SIMPLE_SIGNING_MEDIA_TYPE, annotations });
    } finally {
      await client.close();
    }
    const target = `docker://${reg.host}/keyless/app:1`;
    const r = cli(['verify', target, '--certificate-identity', BEACON, '--certificate-oidc-issuer', GITHUB, '--output', 'json']);
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ code: 'PAYLOAD_INVALID', checks: [{ signer: { subjectAlternativeName: BEACON } }] });
    expect(json(cli(['verify', target, '--certificate-identity-regexp', '^https://gitlab\\.com/', '--certificate-oidc-issuer', GITHUB, '--output', 'json'])).code).toBe('IDENTITY_MISMATCH');
    expect(json(cli(['verify', target, '--certificate-identity', BEACON, '--certificate-oidc-issuer-regexp', 'accounts\\.google\\.com', '--output', 'json'])).code).toBe('IDENTITY_MISMATCH');
    expect(json(cli(['verify', target, '--certificate-identity', BEACON, '--certificate-oidc-issuer', GITHUB, '--trusted-root', join(FX, 'trusted_root.d.json'), '--output', 'json'])).code).toBe('CERTIFICATE_INVALID');
    expect(cli(['verify', target, '--certificate-identity', BEACON]).status).toBe(2);
  });

  it('reads keyless Sigstore bundles stored as OCI 1.1 referrers and checks their subject against the image', async () => {
    const client = new RegistryClient(reg.host);
    try {
      const m = await client.getManifest('keyless/app', '1');
      await pushBundleReferrer(client, { repo: 'keyless/app', subject: { mediaType: m.mediaType, digest: m.digest, size: m.body.length }, bundle: readFileSync(join(FX, 'd.txt.v03-dsse.sigstore.json')), predicateType: 'https://slsa.dev/provenance/v1', content: 'dsse-envelope' });
    } finally {
      await client.close();
    }
    const r = cli(['verify-attestation', `docker://${reg.host}/keyless/app:1`, '--certificate-identity', BEACON, '--certificate-oidc-issuer', GITHUB, '--trusted-root', join(FX, 'trusted_root.d.json'), '--output', 'json']);
    expect(r.status).toBe(1);
    // Validly signed by the expected identity, but about d.txt, not this image.
    expect(json(r)).toMatchObject({ code: 'SIGNATURE_DIGEST_MISMATCH', checks: [{ source: 'referrer', signer: { subjectAlternativeName: BEACON } }] });
  });
});

/**
 * Keyless (Sigstore) verification, offline, on real public bundles (test/fixtures/sigstore, see
 * its README for where each comes from): the library API and the `verify-bundle` / `verify-blob`
 * commands as built in dist/cli.js.
 */
import { spawnSync } from 'node:child_process';
import { createECDH, createHash, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from '../src/attest/dsse.js';
import { generateKeyPair, publicKeyPem } from '../src/attest/keys.js';
import { KeySigner, keyIdOf } from '../src/attest/signer.js';
import { buildDsseKeyBundle, parseBundle } from '../src/attest/sigstore/bundle.js';
import { curveOf, multiply, verifyPrehashedEcdsa } from '../src/attest/sigstore/ecdsa-prehashed.js';
import { loadTrustedRootFile, publicGoodTrustedRoot } from '../src/attest/sigstore/trusted-root.js';
import { verifyBundle, type Artifact } from '../src/attest/sigstore/verify-bundle.js';

const FX = join(import.meta.dirname, 'fixtures', 'sigstore');
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-sigstore-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The conformance suite's signing identity ("extremely dangerous public OIDC beacon"). */
const BEACON = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const GITHUB = 'https://token.actions.githubusercontent.com';
const IDENTITY = { identity: BEACON, issuer: GITHUB };

const A_TXT = readFileSync(join(FX, 'a.txt'));
const A_DIGEST = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';
const D_DIGEST = 'sha256:330a043220fa13e01d68a7db39c89e12b0c4c3b6a0346fe624b0903f1303b5b2';
const fixture = (name: string) => readFileSync(join(FX, name), 'utf8');
const publicGood = publicGoodTrustedRoot().root;
const mockRoot = loadTrustedRootFile(join(FX, 'trusted_root.d.json')).root;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach deep into the bundle JSON
function mutate(name: string, edit: (doc: any) => void): string {
  const doc = JSON.parse(fixture(name));
  edit(doc);
  return JSON.stringify(doc);
}
function flipBase64(b64: string, at = 10): string {
  const buf = Buffer.from(b64, 'base64');
  buf[at] = buf[at]! ^ 0x01;
  return buf.toString('base64');
}

describe('verifyBundle on real public-good and conformance bundles', () => {
  const v01 = () => parseBundle(fixture('a.txt.v01.sigstore.json'));

  it('verifies the v0.1 message-signature bundle of a.txt against the embedded public-good root, by file and by digest', () => {
    for (const artifact of [{ bytes: A_TXT }, { digest: A_DIGEST }] as Artifact[]) {
      const r = verifyBundle({ bundle: v01(), artifact, trustedRoot: publicGood, identity: IDENTITY });
      expect(r, r.reason).toMatchObject({ verified: true, content: 'message-signature', signer: { subjectAlternativeName: BEACON, issuer: GITHUB } });
    }
    expect(verifyBundle({ bundle: v01(), artifact: { bytes: A_TXT }, trustedRoot: publicGood, identity: { identityRegexp: '^https://github\\.com/sigstore-conformance/', issuerRegexp: 'githubusercontent\\.com$' } }).verified).toBe(true);
  });

  it('refuses a changed artifact, a flipped signature byte, a wrong identity or issuer, and the wrong trust root', () => {
    const changed = Buffer.from(A_TXT);
    changed[0] = changed[0]! ^ 0x20;
    expect(verifyBundle({ bundle: v01(), artifact: { bytes: changed }, trustedRoot: publicGood, identity: IDENTITY })).toMatchObject({ verified: false, code: 'SIGNATURE_DIGEST_MISMATCH' });
    expect(verifyBundle({ bundle: v01(), artifact: { digest: `sha256:${'00'.repeat(32)}` }, trustedRoot: publicGood, identity: IDENTITY })).toMatchObject({ verified: false, code: 'SIGNATURE_DIGEST_MISMATCH' });

    const flipped = parseBundle(mutate('a.txt.v01.sigstore.json', (d) => (d.messageSignature.signature = flipBase64(d.messageSignature.signature))));
    const f = verifyBundle({ bundle: flipped, artifact: { bytes: A_TXT }, trustedRoot: publicGood, identity: IDENTITY });
    expect(f.verified).toBe(false);
    // The logged entry names the original signature: the altered one no longer matches it.
    expect(f.code).toBe('TLOG_INVALID');

    expect(verifyBundle({ bundle: v01(), artifact: { bytes: A_TXT }, trustedRoot: publicGood, identity: { identity: `${BEACON}x`, issuer: GITHUB } })).toMatchObject({ verified: false, code: 'IDENTITY_MISMATCH' });
    expect(verifyBundle({ bundle: v01(), artifact: { bytes: A_TXT }, trustedRoot: publicGood, identity: { identity: BEACON, issuer: 'https://accounts.google.com' } })).toMatchObject({ verified: false, code: 'IDENTITY_MISMATCH' });
    expect(verifyBundle({ bundle: v01(), artifact: { bytes: A_TXT }, trustedRoot: publicGood, identity: { identityRegexp: '^https://gitlab\\.com/', issuer: GITHUB } })).toMatchObject({ verified: false, code: 'IDENTITY_MISMATCH' });
    expect(verifyBundle({ bundle: v01(), artifact: { bytes: A_TXT }, trustedRoot: mockRoot, identity: IDENTITY })).toMatchObject({ verified: false, code: 'CERTIFICATE_INVALID' });
  });

  it('verifies v0.2 and v0.3 DSSE bundles (in-toto subject = the digest) against a given trusted root', () => {
    for (const name of ['d.txt.v02-dsse.sigstore.json', 'd.txt.v03-dsse.sigstore.json']) {
      const bundle = parseBundle(fixture(name));
      const r = verifyBundle({ bundle, artifact: { digest: D_DIGEST }, trustedRoot: mockRoot, identity: IDENTITY });
      expect(r, `${name}: ${r.reason}`).toMatchObject({ verified: true, content: 'dsse', statement: { predicateType: 'https://slsa.dev/provenance/v1', subject: [{ name: 'd.txt' }] } });
      expect(verifyBundle({ bundle, artifact: { digest: A_DIGEST }, trustedRoot: mockRoot, identity: IDENTITY })).toMatchObject({ verified: false, code: 'SIGNATURE_DIGEST_MISMATCH' });
      expect(verifyBundle({ bundle, artifact: { digest: D_DIGEST }, trustedRoot: publicGood, identity: IDENTITY }).verified).toBe(false);
    }
    const flipped = parseBundle(mutate('d.txt.v03-dsse.sigstore.json', (d) => (d.dsseEnvelope.signatures[0].sig = flipBase64(d.dsseEnvelope.signatures[0].sig))));
    expect(verifyBundle({ bundle: flipped, artifact: { digest: D_DIGEST }, trustedRoot: mockRoot, identity: IDENTITY })).toMatchObject({ verified: false, code: 'TLOG_INVALID' });
    const payload = parseBundle(mutate('d.txt.v03-dsse.sigstore.json', (d) => (d.dsseEnvelope.payload = Buffer.from(Buffer.from(d.dsseEnvelope.payload, 'base64').toString().replace('d.txt', 'e.txt')).toString('base64'))));
    expect(verifyBundle({ bundle: payload, artifact: { digest: D_DIGEST }, trustedRoot: mockRoot, identity: IDENTITY }).verified).toBe(false);
  });

  it('refuses bundles that are not bundles, with BUNDLE_INVALID', () => {
    expect(() => parseBundle('{"mediaType":"application/json"}')).toThrowCode('BUNDLE_INVALID');
    expect(() => parseBundle('nope')).toThrowCode('BUNDLE_INVALID');
    expect(() => parseBundle(mutate('d.txt.v03-dsse.sigstore.json', (d) => delete d.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint))).toThrowCode('BUNDLE_INVALID');
  });
});

describe('bundles signed with a key', () => {
  const key = generateKeyPair();
  const other = generateKeyPair();
  const digest = `sha256:${'ab'.repeat(32)}`;
  async function keyBundle() {
    const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'r.example/app', digest: { sha256: digest.slice(7) } }], predicateType: 'https://sigstore.dev/cosign/sign/v1', predicate: {} };
    const envelope = await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body: Buffer.from(JSON.stringify(statement)), signer: new KeySigner(key.privateKey) });
    return parseBundle(buildDsseKeyBundle({ envelope, keyHint: keyIdOf(key.publicKey) }));
  }

  it('verifies with the key (no transparency log asked), and names wrong key, missing tlog and certificate policies', async () => {
    const bundle = await keyBundle();
    expect(verifyBundle({ bundle, artifact: { digest }, trustedRoot: publicGood, keys: [other.publicKey, key.publicKey], requireTlog: false })).toMatchObject({ verified: true, signer: { keyId: keyIdOf(key.publicKey) } });
    expect(verifyBundle({ bundle, artifact: { digest }, trustedRoot: publicGood, keys: [other.publicKey], requireTlog: false })).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
    expect(verifyBundle({ bundle, artifact: { digest }, trustedRoot: publicGood, keys: [key.publicKey] })).toMatchObject({ verified: false, code: 'TLOG_INVALID' });
    expect(verifyBundle({ bundle, artifact: { digest }, trustedRoot: publicGood, identity: IDENTITY })).toMatchObject({ verified: false, code: 'CERTIFICATE_INVALID' });
    expect(verifyBundle({ bundle: parseBundle(fixture('a.txt.v01.sigstore.json')), artifact: { bytes: A_TXT }, trustedRoot: publicGood, keys: [key.publicKey] })).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
  });
});

describe('ECDSA over a digest', () => {
  it('matches node:crypto on P-256 and P-384 (scalar products and signatures)', () => {
    for (const [crv, ecdhName, hash] of [['P-256', 'prime256v1', 'sha256'], ['P-384', 'secp384r1', 'sha384'], ['P-384', 'secp384r1', 'sha256']] as const) {
      const curve = curveOf(crv)!;
      const k = randomBytes(curve.bytes);
      k[0] = k[0]! & 0x7f;
      const ecdh = createECDH(ecdhName);
      ecdh.setPrivateKey(k);
      const pub = ecdh.getPublicKey();
      const P = multiply(curve, BigInt(`0x${k.toString('hex')}`), curve.g)!;
      expect(P.x.toString(16).padStart(curve.bytes * 2, '0')).toBe(pub.subarray(1, 1 + curve.bytes).toString('hex'));
      expect(multiply(curve, curve.n, curve.g)).toBeNull();

      const pair = generateKeyPairSync('ec', { namedCurve: ecdhName });
      const msg = randomBytes(100);
      const sig = cryptoSign(hash, msg, pair.privateKey);
      const digest = createHash(hash).update(msg).digest();
      expect(verifyPrehashedEcdsa(pair.publicKey, digest, sig)).toBe(true);
      const bad = Buffer.from(digest);
      bad[0] = bad[0]! ^ 1;
      expect(verifyPrehashedEcdsa(pair.publicKey, bad, sig)).toBe(false);
      expect(verifyPrehashedEcdsa(pair.publicKey, digest, Buffer.from('3000', 'hex'))).toBe(false);
    }
  });
});

function cli(args: string[]) {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('verify-bundle and verify-blob (conformance CLI protocol)', () => {
  const aBundle = join(FX, 'a.txt.v01.sigstore.json');
  const id = ['--certificate-identity', BEACON, '--certificate-oidc-issuer', GITHUB];

  it('exits 0 when verified, 1 with a code when not, 2 on usage errors', () => {
    const ok = cli(['verify-bundle', '--bundle', aBundle, ...id, join(FX, 'a.txt')]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/^verified: /);
    expect(cli(['verify-bundle', '--bundle', aBundle, ...id, A_DIGEST]).status).toBe(0);
    const json = cli(['verify-bundle', '--bundle', join(FX, 'd.txt.v03-dsse.sigstore.json'), ...id, '--trusted-root', join(FX, 'trusted_root.d.json'), '--output', 'json', D_DIGEST]);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: 1, verified: true, content: 'dsse', signer: { subjectAlternativeName: BEACON, issuer: GITHUB } });

    const wrong = cli(['verify-bundle', '--bundle', aBundle, '--certificate-identity', 'someone@example.com', '--certificate-oidc-issuer', GITHUB, join(FX, 'a.txt')]);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/not verified \[IDENTITY_MISMATCH\]/);
    writeFileSync(join(work, 'a-changed.txt'), Buffer.concat([A_TXT, Buffer.from('\n')]));
    expect(cli(['verify-bundle', '--bundle', aBundle, ...id, join(work, 'a-changed.txt')]).stderr).toMatch(/\[SIGNATURE_DIGEST_MISMATCH\]/);
    expect(cli(['verify-bundle', '--bundle', aBundle, '--certificate-identity', BEACON, join(FX, 'a.txt')]).status).toBe(2);
    expect(cli(['verify-bundle', '--bundle', join(work, 'missing.json'), ...id, join(FX, 'a.txt')]).status).toBe(2);
  });

  it('verify-blob checks a base64 signature with a key, and a bundle like verify-bundle', () => {
    const pair = generateKeyPair();
    writeFileSync(join(work, 'k.pub'), publicKeyPem(pair.publicKey));
    writeFileSync(join(work, 'blob'), 'hello');
    writeFileSync(join(work, 'blob.sig'), cryptoSign('sha256', Buffer.from('hello'), pair.privateKey).toString('base64'));
    expect(cli(['verify-blob', '--signature', join(work, 'blob.sig'), '--key', join(work, 'k.pub'), join(work, 'blob')]).status).toBe(0);
    writeFileSync(join(work, 'blob2'), 'hellO');
    const bad = cli(['verify-blob', '--signature', join(work, 'blob.sig'), '--key', join(work, 'k.pub'), join(work, 'blob2')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/\[SIGNATURE_INVALID\]/);
    expect(cli(['verify-blob', '--bundle', aBundle, ...id, join(FX, 'a.txt')]).status).toBe(0);
  });
});

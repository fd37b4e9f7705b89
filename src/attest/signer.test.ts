import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from './dsse.js';
import { loadPrivateKey, loadPublicKey } from './keys.js';
import { buildDsseKeyBundle, parseBundle } from './sigstore/bundle.js';
import { emptyTrustedRoot } from './sigstore/trusted-root.js';
import { verifyBundle } from './sigstore/verify-bundle.js';
import { algorithmOf, keyIdOf, KeySigner, verifySignature } from './signer.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-signer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

// Keys as openssl writes them (what users bring to `key import`): RSA as PKCS#1 and PKCS#8, Ed25519 as PKCS#8.
function opensslKey(name: string, genArgs: string[]): { pem: string; pub: string } {
  const key = join(dir, `${name}.pem`);
  openssl([genArgs[0]!, '-out', key, ...genArgs.slice(1)]);
  const pub = join(dir, `${name}.pub`);
  openssl(['pkey', '-in', key, '-pubout', '-out', pub]);
  return { pem: readFileSync(key, 'utf8'), pub: readFileSync(pub, 'utf8') };
}

const KEYS = [
  ['RSA 2048 PKCS#1', 'rsa-pkcs1v15-sha256', ['genrsa', '-traditional', '2048'], /BEGIN RSA PRIVATE KEY/],
  ['RSA 3072 PKCS#8', 'rsa-pkcs1v15-sha256', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'], /BEGIN PRIVATE KEY/],
  ['Ed25519 PKCS#8', 'ed25519', ['genpkey', '-algorithm', 'ed25519'], /BEGIN PRIVATE KEY/],
  ['ECDSA P-256 SEC 1', 'ecdsa-p256-sha256', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout'], /BEGIN EC PRIVATE KEY/],
] as const;

describe('signing with the key types cosign imports', () => {
  it.each(KEYS)('%s: signs as cosign does (openssl verifies it), and verifies', async (name, algorithm, gen, label) => {
    const file = name.replace(/\W+/g, '-');
    const { pem, pub } = opensslKey(file, [...gen]);
    expect(pem).toMatch(label);
    const signer = new KeySigner(await loadPrivateKey(pem));
    expect(signer.algorithm).toBe(algorithm);
    const publicKey = loadPublicKey(pub);
    expect(keyIdOf(publicKey)).toBe(keyIdOf(signer.publicKey));
    const data = Buffer.from(`payload for ${name}`);
    const sig = await signer.sign(data);
    writeFileSync(join(dir, `${file}.data`), data);
    writeFileSync(join(dir, `${file}.sig`), sig);
    // The independent oracle: openssl checks the signature with the public key file.
    if (algorithm === 'ed25519') {
      openssl(['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, `${file}.pub`), '-rawin', '-in', join(dir, `${file}.data`), '-sigfile', join(dir, `${file}.sig`)]);
    } else {
      // RSA: PKCS#1 v1.5 padding is openssl dgst's default; ECDSA: DER, as cosign writes.
      openssl(['dgst', '-sha256', '-verify', join(dir, `${file}.pub`), '-signature', join(dir, `${file}.sig`), join(dir, `${file}.data`)]);
    }
    expect(verifySignature(publicKey, data, sig)).toBe(true);
    expect(verifySignature(publicKey, Buffer.from('other'), sig)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[flipped.length - 1]! ^= 1;
    expect(verifySignature(publicKey, data, flipped)).toBe(false);
  });

  it.each(KEYS)('%s: a DSSE bundle signed with it verifies with the key through @sigstore/verify', async (name, _alg, gen) => {
    const { pem, pub } = opensslKey(`${name.replace(/\W+/g, '-')}-b`, [...gen]);
    const signer = new KeySigner(await loadPrivateKey(pem));
    const digest = 'a'.repeat(64);
    const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: { sha256: digest } }], predicateType: 'https://example.com/p', predicate: {} };
    const envelope = await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body: Buffer.from(JSON.stringify(statement)), signer });
    const bundle = parseBundle(buildDsseKeyBundle({ envelope, keyHint: keyIdOf(signer.publicKey) }));
    const ok = verifyBundle({ bundle, artifact: { digest: `sha256:${digest}` }, trustedRoot: emptyTrustedRoot(), keys: [loadPublicKey(pub)], requireTlog: false });
    expect(ok).toMatchObject({ verified: true });
    const other: KeyObject = generateKeyPairSync('ed25519').publicKey;
    expect(verifyBundle({ bundle, artifact: { digest: `sha256:${digest}` }, trustedRoot: emptyTrustedRoot(), keys: [other], requireTlog: false })).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID' });
  });

  it.each(KEYS)('%s: a message-signature bundle verifies with the key against the file, and against its digest where the algorithm allows', async (name, algorithm, gen) => {
    const { pem, pub } = opensslKey(`${name.replace(/\W+/g, '-')}-m`, [...gen]);
    const signer = new KeySigner(await loadPrivateKey(pem));
    const data = Buffer.from(`blob for ${name}`);
    const sha = createHash('sha256').update(data).digest();
    const doc = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: keyIdOf(signer.publicKey) }, tlogEntries: [], timestampVerificationData: { rfc3161Timestamps: [] } },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: sha.toString('base64') }, signature: (await signer.sign(data)).toString('base64') },
    };
    const bundle = parseBundle(JSON.stringify(doc));
    const keys = [loadPublicKey(pub)];
    const base = { bundle, trustedRoot: emptyTrustedRoot(), keys, requireTlog: false };
    expect(verifyBundle({ ...base, artifact: { bytes: data } })).toMatchObject({ verified: true });
    const byDigest = verifyBundle({ ...base, artifact: { digest: `sha256:${sha.toString('hex')}` } });
    if (algorithm === 'ed25519') expect(byDigest).toMatchObject({ verified: false, code: 'SIGNATURE_INVALID', reason: expect.stringMatching(/pass the file/) });
    else expect(byDigest).toMatchObject({ verified: true });
    // Another artifact's digest, and another key, do not verify.
    expect(verifyBundle({ ...base, artifact: { bytes: Buffer.from('other') } }).verified).toBe(false);
    expect(verifyBundle({ ...base, keys: [generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey], artifact: { bytes: data } }).verified).toBe(false);
  });

  it('reads PKCS#1 RSA public keys, and names the algorithm of each key type', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toMatch(/BEGIN RSA PUBLIC KEY/);
    expect(keyIdOf(loadPublicKey(pkcs1))).toBe(keyIdOf(rsa.publicKey));
    expect(algorithmOf(rsa.publicKey)).toBe('rsa-pkcs1v15-sha256');
    expect(algorithmOf(generateKeyPairSync('ed25519').publicKey)).toBe('ed25519');
  });
});

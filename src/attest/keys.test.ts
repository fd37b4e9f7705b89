import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret } from '../core/secret.js';
import { decodePem, decryptKeyBytes, encodePem, encryptKeyBytes, encryptPrivateKeyPem, ENCRYPTED_KEY_LABEL, generateKeyPair, isEncryptedPrivateKey, loadPrivateKey, loadPublicKey, publicKeyPem } from './keys.js';

const pw = (s: string) => async () => new Secret(s);

// Interoperability vectors of go-securesystemslib's `encrypted` package (which cosign uses for
// its key files), passphrase "supersecret": `Encrypt("reallyimportant")` with scrypt N = 2^15, and
// `Marshal` (JSON of the bytes, i.e. a base64 string) with N = 2^16.
const GO_VECTORS = [
  '{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}',
  '{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}',
];

describe('cosign encrypted key format', () => {
  it.each([
    [GO_VECTORS[0]!, 'reallyimportant'],
    [GO_VECTORS[1]!, JSON.stringify(Buffer.from('reallyimportant').toString('base64'))],
  ])('decrypts the Go implementation\'s output %#', async (v, plain) => {
    expect((await decryptKeyBytes(Buffer.from(v), new Secret('supersecret'))).toString()).toBe(plain);
  });

  it('refuses a wrong password and a tampered ciphertext with KEY_INVALID', async () => {
    await expect(decryptKeyBytes(Buffer.from(GO_VECTORS[0]!), new Secret('supersecreT'))).rejects.toMatchObject({ code: 'KEY_INVALID' });
    const doc = JSON.parse(GO_VECTORS[0]!);
    const ct = Buffer.from(doc.ciphertext, 'base64');
    ct[3]! ^= 1;
    doc.ciphertext = ct.toString('base64');
    await expect(decryptKeyBytes(Buffer.from(JSON.stringify(doc)), new Secret('supersecret'))).rejects.toMatchObject({ code: 'KEY_INVALID' });
  });

  it('refuses scrypt parameters outside the accepted set (bounded memory)', async () => {
    const doc = JSON.parse(GO_VECTORS[0]!);
    doc.kdf.params = { N: 99, r: 99, p: 99 };
    await expect(decryptKeyBytes(Buffer.from(JSON.stringify(doc)), new Secret('supersecret'))).rejects.toMatchObject({ code: 'KEY_INVALID', message: expect.stringMatching(/Unsupported scrypt parameters/) });
  });

  it('writes the same JSON shape as go-securesystemslib (member order, sizes) and reads it back', async () => {
    const enc = await encryptKeyBytes(Buffer.from('hello'), new Secret('pw'), { N: 16384, r: 8, p: 1 });
    const text = enc.toString();
    expect(text).toMatch(/^\{"kdf":\{"name":"scrypt","params":\{"N":16384,"r":8,"p":1\},"salt":"[A-Za-z0-9+/=]{44}"\},"cipher":\{"name":"nacl\/secretbox","nonce":"[A-Za-z0-9+/]{32}"\},"ciphertext":"[A-Za-z0-9+/=]+"\}$/);
    expect(Buffer.from(JSON.parse(text).ciphertext, 'base64')).toHaveLength(5 + 16);
    expect((await decryptKeyBytes(enc, new Secret('pw'))).toString()).toBe('hello');
  });

  it('generates P-256 key files: encrypted PEM (64-column lines) and SPKI public key, which load back', async () => {
    const pair = generateKeyPair();
    const pem = await encryptPrivateKeyPem(pair.privateKey, new Secret(''));
    expect(pem.startsWith(`-----BEGIN ${ENCRYPTED_KEY_LABEL}-----\n`)).toBe(true);
    expect(pem.trimEnd().endsWith(`-----END ${ENCRYPTED_KEY_LABEL}-----`)).toBe(true);
    expect(pem.split('\n').slice(1, -3).every((l) => l.length === 64)).toBe(true);
    expect(JSON.parse(decodePem(pem)!.der.toString()).kdf.params).toEqual({ N: 65536, r: 8, p: 1 });
    expect(isEncryptedPrivateKey(pem)).toBe(true);
    const key = await loadPrivateKey(pem, pw(''));
    expect(createPublicKey(key).export({ type: 'spki', format: 'der' })).toEqual(pair.publicKey.export({ type: 'spki', format: 'der' }));
    await expect(loadPrivateKey(pem)).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await expect(loadPrivateKey(pem, pw('nope'))).rejects.toMatchObject({ code: 'KEY_INVALID' });
    const pub = publicKeyPem(pair.publicKey);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(loadPublicKey(pub).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('reads the older ENCRYPTED COSIGN PRIVATE KEY label', async () => {
    const pair = generateKeyPair();
    const der = decodePem(await encryptPrivateKeyPem(pair.privateKey, new Secret('x'), { N: 16384, r: 8, p: 1 }))!.der;
    const key = await loadPrivateKey(encodePem('ENCRYPTED COSIGN PRIVATE KEY', der), pw('x'));
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });
});

describe('plain PEM keys', () => {
  it('imports PKCS#8 and SEC 1 P-256 keys', async () => {
    const pair = generateKeyPair();
    const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const sec1 = pair.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(isEncryptedPrivateKey(pkcs8)).toBe(false);
    for (const text of [pkcs8, sec1]) expect((await loadPrivateKey(text)).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it.each([
    ['RSA', () => generateKeyPairSync('rsa', { modulusLength: 1024 })],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' })],
  ])('refuses %s keys with KEY_INVALID', async (_name, make) => {
    const pair = make();
    await expect(loadPrivateKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).rejects.toMatchObject({ code: 'KEY_INVALID' });
    expect(() => loadPublicKey(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrowCode('KEY_INVALID');
  });

  it('refuses non-PEM input and certificates as public keys', async () => {
    await expect(loadPrivateKey('not a key')).rejects.toMatchObject({ code: 'KEY_INVALID' });
    expect(() => loadPublicKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrowCode('KEY_INVALID');
  });
});

/**
 * Signing keys: ECDSA P-256 key pairs (what we generate), and, as cosign accepts them on import,
 * RSA (2048 bits and more; signed with PKCS#1 v1.5 over SHA-256) and Ed25519 keys; cosign's
 * encrypted private key format, PKCS#8 / SEC 1 / PKCS#1 PEM private keys and SPKI / PKCS#1 PEM
 * public keys.
 *
 * Our private key file is exactly cosign's: a PEM block `ENCRYPTED SIGSTORE PRIVATE KEY` whose
 * body is the JSON document of go-securesystemslib's `encrypted` package:
 *
 *     {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"<b64, 32 bytes>"},
 *      "cipher":{"name":"nacl/secretbox","nonce":"<b64, 24 bytes>"},
 *      "ciphertext":"<b64 of secretbox(PKCS#8 DER)>"}
 *
 * The secretbox key is scrypt(passphrase, salt, N, r, p, 32 bytes); the ciphertext is NaCl
 * secretbox (XSalsa20-Poly1305, tag first). cosign reads our keys and we read cosign's (including
 * the older `ENCRYPTED COSIGN PRIVATE KEY` label).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scrypt, type KeyObject } from 'node:crypto';
import nacl from 'tweetnacl';
import { PortcullisError, type Secret } from '../core/index.js';

export const ENCRYPTED_KEY_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
const LEGACY_ENCRYPTED_KEY_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';

/** scrypt parameters we write (go-securesystemslib's "standard" strength). */
export const DEFAULT_SCRYPT = { N: 65536, r: 8, p: 1 } as const;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** A PEM block: label and DER bytes. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

function keyError(message: string, hint: string, cause?: unknown): PortcullisError {
  return new PortcullisError({ code: 'KEY_INVALID', message, hint, cause });
}

/** Encodes DER as PEM with 64-character lines, as Go's encoding/pem does. */
export function encodePem(label: string, der: Buffer): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The first PEM block in a text, or undefined. Headers (RFC 1421 `Proc-Type:` lines) are refused. */
export function decodePem(text: string): PemBlock | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const body = m[2]!;
  if (/^[\w-]+:/m.test(body)) return undefined;
  return { label: m[1]!, der: Buffer.from(body.replace(/\s+/g, ''), 'base64') };
}

function scryptAsync(password: Buffer, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // 128 * N * r bytes are needed; allow twice that.
    scrypt(password, salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + (1 << 20) }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function checkScrypt(params: ScryptParams): void {
  const { N, r, p } = params;
  const powerOfTwo = Number.isInteger(N) && N >= 1 << 14 && N <= 1 << 20 && (N & (N - 1)) === 0;
  if (!powerOfTwo || r !== 8 || p !== 1) {
    throw keyError(`Unsupported scrypt parameters N=${N}, r=${r}, p=${p} in encrypted key`, 'Only N = 2^14 … 2^20 with r = 8 and p = 1 are accepted (cosign writes N = 32768 or 65536).');
  }
}

/** Encrypts bytes (a PKCS#8 DER key) into the JSON document of cosign's encrypted key format. */
export async function encryptKeyBytes(plaintext: Buffer, password: Secret, params: ScryptParams = DEFAULT_SCRYPT): Promise<Buffer> {
  checkScrypt(params);
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = await scryptAsync(Buffer.from(password.reveal(), 'utf8'), salt, params);
  const box = nacl.secretbox(new Uint8Array(plaintext), new Uint8Array(nonce), new Uint8Array(key));
  const doc = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(box).toString('base64'),
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/** Decrypts the JSON document of cosign's encrypted key format. */
export async function decryptKeyBytes(doc: Buffer, password: Secret): Promise<Buffer> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc.toString('utf8'));
  } catch (err) {
    throw keyError('Encrypted private key is not the expected JSON document', 'The key file is corrupt; generate or export it again.', err);
  }
  const d = parsed as { kdf?: { name?: unknown; params?: Record<string, unknown>; salt?: unknown }; cipher?: { name?: unknown; nonce?: unknown }; ciphertext?: unknown };
  if (d?.kdf?.name !== 'scrypt' || d.cipher?.name !== 'nacl/secretbox' || typeof d.kdf.salt !== 'string' || typeof d.cipher.nonce !== 'string' || typeof d.ciphertext !== 'string') {
    throw keyError('Encrypted private key uses an unsupported KDF or cipher', 'Only scrypt + nacl/secretbox (cosign and go-securesystemslib) is supported.');
  }
  const params = { N: Number(d.kdf.params?.N), r: Number(d.kdf.params?.r), p: Number(d.kdf.params?.p) };
  checkScrypt(params);
  const salt = Buffer.from(d.kdf.salt, 'base64');
  const nonce = Buffer.from(d.cipher.nonce, 'base64');
  if (nonce.length !== 24) throw keyError(`Encrypted private key has a ${nonce.length}-byte nonce`, 'The key file is corrupt; a secretbox nonce has 24 bytes.');
  const key = await scryptAsync(Buffer.from(password.reveal(), 'utf8'), salt, params);
  const opened = nacl.secretbox.open(new Uint8Array(Buffer.from(d.ciphertext, 'base64')), new Uint8Array(nonce), new Uint8Array(key));
  if (!opened) {
    throw new PortcullisError({ code: 'KEY_INVALID', message: 'Cannot decrypt the private key: wrong password or corrupt key file', hint: 'Check PORTCULLIS_PASSWORD or COSIGN_PASSWORD (or the password you typed).' });
  }
  return Buffer.from(opened);
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh ECDSA P-256 key pair. */
export function generateKeyPair(): KeyPair {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** Smallest RSA modulus accepted (as cosign and the Sigstore algorithm registry). */
export const MIN_RSA_BITS = 2048;

/** The key types we sign and verify with: ECDSA P-256, RSA ≥ 2048 bits, Ed25519. */
export function checkSupportedKey(key: KeyObject, what: string): KeyObject {
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return key;
  if (type === 'ed25519') return key;
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits >= MIN_RSA_BITS) return key;
    throw keyError(`The ${what} is a ${bits}-bit RSA key; RSA keys need at least ${MIN_RSA_BITS} bits`, 'Use a larger RSA key, an ECDSA P-256 or an Ed25519 key.');
  }
  const kind = type === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve}` : String(type).toUpperCase();
  throw keyError(`The ${what} is a ${kind} key; only ECDSA P-256, RSA (${MIN_RSA_BITS} bits or more) and Ed25519 are supported`, 'Generate a key with `portcullis key generate` or `cosign generate-key-pair`.');
}

/** Writes a private key in cosign's encrypted format (PEM text). */
export async function encryptPrivateKeyPem(privateKey: KeyObject, password: Secret, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  return encodePem(ENCRYPTED_KEY_LABEL, await encryptKeyBytes(der, password, params));
}

/** Public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as cosign writes `cosign.pub`. */
export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Whether a private key file needs a password to be read. */
export function isEncryptedPrivateKey(text: string): boolean {
  const block = decodePem(text);
  return block?.label === ENCRYPTED_KEY_LABEL || block?.label === LEGACY_ENCRYPTED_KEY_LABEL;
}

/**
 * Reads a private key: cosign's encrypted format (password required), PKCS#8 `PRIVATE KEY`,
 * SEC 1 `EC PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY` PEM. ECDSA P-256, RSA and Ed25519 keys.
 */
export async function loadPrivateKey(text: string, password?: () => Promise<Secret>): Promise<KeyObject> {
  const block = decodePem(text);
  if (!block) throw keyError('The private key file is not PEM', 'Use a key written by `portcullis key generate` or `cosign generate-key-pair`, or a PKCS#8 PEM key.');
  let key: KeyObject;
  try {
    switch (block.label) {
      case ENCRYPTED_KEY_LABEL:
      case LEGACY_ENCRYPTED_KEY_LABEL: {
        if (!password) throw new PortcullisError({ code: 'PASSWORD_REQUIRED', message: 'The private key is encrypted and no password was given', hint: 'Set PORTCULLIS_PASSWORD (or COSIGN_PASSWORD).' });
        const der = await decryptKeyBytes(block.der, await password());
        key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
        break;
      }
      case 'PRIVATE KEY':
        key = createPrivateKey({ key: block.der, format: 'der', type: 'pkcs8' });
        break;
      case 'EC PRIVATE KEY':
        key = createPrivateKey({ key: block.der, format: 'der', type: 'sec1' });
        break;
      case 'RSA PRIVATE KEY':
        key = createPrivateKey({ key: block.der, format: 'der', type: 'pkcs1' });
        break;
      case 'ENCRYPTED PRIVATE KEY':
        throw keyError('PKCS#8 password-encrypted keys are not supported', 'Convert it with `openssl pkcs8 -in KEY -out plain.pem` and import that with `portcullis key import`.');
      default:
        throw keyError(`Unsupported private key PEM type "${block.label}"`, 'Use an ENCRYPTED SIGSTORE PRIVATE KEY, PRIVATE KEY (PKCS#8), EC PRIVATE KEY or RSA PRIVATE KEY file.');
    }
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    throw keyError(`Cannot parse the private key: ${(err as Error).message}`, 'The key file is corrupt.', err);
  }
  return checkSupportedKey(key, 'private key');
}

/** Reads an SPKI PEM public key (`cosign.pub`) or a PKCS#1 `RSA PUBLIC KEY`. */
export function loadPublicKey(text: string): KeyObject {
  const block = decodePem(text);
  if (!block || (block.label !== 'PUBLIC KEY' && block.label !== 'RSA PUBLIC KEY')) {
    throw keyError(`The public key file is not an SPKI PEM public key${block ? ` (found "${block.label}")` : ''}`, 'Pass the .pub file written by `portcullis key generate` or `cosign generate-key-pair`.');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: block.der, format: 'der', type: block.label === 'PUBLIC KEY' ? 'spki' : 'pkcs1' });
  } catch (err) {
    throw keyError(`Cannot parse the public key: ${(err as Error).message}`, 'The key file is corrupt.', err);
  }
  return checkSupportedKey(key, 'public key');
}

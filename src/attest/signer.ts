/**
 * Signers and signature checks. A `Signer` hides where the private key lives (a key file today;
 * a PKCS#11 token or a KMS later) behind one method, so signing code never touches key material.
 */
import { constants, createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/** The signature algorithm of generated and PKCS#11 keys: ECDSA on P-256 over SHA-256, DER-encoded (as cosign). */
export const SIGNATURE_ALGORITHM = 'ecdsa-p256-sha256' as const;

/** What cosign signs with for each key type it imports: ECDSA/SHA-256, RSA PKCS#1 v1.5/SHA-256, Ed25519. */
export type SignatureAlgorithm = typeof SIGNATURE_ALGORITHM | 'rsa-pkcs1v15-sha256' | 'ed25519';

/** The algorithm a key signs with. */
export function algorithmOf(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'rsa-pkcs1v15-sha256';
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  return SIGNATURE_ALGORITHM;
}

export interface Signer {
  readonly algorithm: SignatureAlgorithm;
  /** The verifying key, for key ids and for writing `.pub` files. */
  readonly publicKey: KeyObject;
  /** Signs `data`: ECDSA over SHA-256 (DER), RSA PKCS#1 v1.5 over SHA-256, or Ed25519. */
  sign(data: Buffer): Promise<Buffer>;
  /** Releases what the signer holds open (a PKCS#11 session); optional. */
  close?(): Promise<void>;
}

/** A signer over a private key held in memory (read from a key file). */
export class KeySigner implements Signer {
  readonly algorithm: SignatureAlgorithm;
  readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    // A private KeyObject converts to its public half.
    this.publicKey = createPublicKey(privateKey);
    this.algorithm = algorithmOf(privateKey);
  }

  sign(data: Buffer): Promise<Buffer> {
    switch (this.algorithm) {
      case 'ed25519':
        return Promise.resolve(cryptoSign(null, data, this.privateKey));
      case 'rsa-pkcs1v15-sha256':
        return Promise.resolve(cryptoSign('sha256', data, { key: this.privateKey, padding: constants.RSA_PKCS1_PADDING }));
      default:
        return Promise.resolve(cryptoSign('sha256', data, { key: this.privateKey, dsaEncoding: 'der' }));
    }
  }
}

/**
 * Checks a signature over `data` with the algorithm of the key: RSA PKCS#1 v1.5 / SHA-256,
 * Ed25519, or ECDSA P-256 / SHA-256. ECDSA signatures are DER as cosign writes them; 64-byte raw
 * `r || s` (IEEE P1363) signatures, as in the DSSE spec's test vector, are accepted too.
 */
export function verifySignature(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  if (signature.length === 0) return false;
  const algorithm = algorithmOf(publicKey);
  if (algorithm !== SIGNATURE_ALGORITHM) {
    try {
      return algorithm === 'ed25519' ? cryptoVerify(null, data, publicKey, signature) : cryptoVerify('sha256', data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
    } catch {
      return false;
    }
  }
  try {
    if (signature[0] === 0x30 && cryptoVerify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature)) return true;
  } catch {
    // not DER: try P1363 below
  }
  if (signature.length === 64) {
    try {
      return cryptoVerify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  }
  return false;
}

/** A stable key id: `sha256:` of the SPKI DER of the public key. */
export function keyIdOf(publicKey: KeyObject): string {
  let id = keyIds.get(publicKey);
  if (!id) {
    id = `sha256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
    keyIds.set(publicKey, id);
  }
  return id;
}

const keyIds = new WeakMap<KeyObject, string>();

/**
 * Signers and signature checks. A `Signer` hides where the private key lives (a key file today;
 * a PKCS#11 token or a KMS later) behind one method, so signing code never touches key material.
 */
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

/** The one signature algorithm we produce: ECDSA on P-256 over SHA-256, DER-encoded (as cosign). */
export const SIGNATURE_ALGORITHM = 'ecdsa-p256-sha256' as const;

export interface Signer {
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  /** The verifying key, for key ids and for writing `.pub` files. */
  readonly publicKey: KeyObject;
  /** Signs `data` (hashing it with SHA-256) and returns a DER-encoded ECDSA signature. */
  sign(data: Buffer): Promise<Buffer>;
  /** Releases what the signer holds open (a PKCS#11 session); optional. */
  close?(): Promise<void>;
}

/** A signer over a private key held in memory (read from a key file). */
export class KeySigner implements Signer {
  readonly algorithm = SIGNATURE_ALGORITHM;
  readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    // A private KeyObject converts to its public half.
    this.publicKey = createPublicKey(privateKey);
  }

  sign(data: Buffer): Promise<Buffer> {
    return Promise.resolve(cryptoSign('sha256', data, { key: this.privateKey, dsaEncoding: 'der' }));
  }
}

/**
 * Checks an ECDSA P-256 / SHA-256 signature over `data`. DER signatures are what cosign writes;
 * 64-byte raw `r || s` (IEEE P1363) signatures, as in the DSSE spec's test vector, are accepted too.
 */
export function verifySignature(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  if (signature.length === 0) return false;
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

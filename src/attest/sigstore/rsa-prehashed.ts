/**
 * RSA PKCS#1 v1.5 verification over a SHA-256 digest (RFC 8017, 8.2.2), for message signatures
 * checked against an artifact's digest alone (`verify-bundle … sha256:<hex>` with an RSA key):
 * the signature, opened with the public key, must be exactly the DER DigestInfo of SHA-256 and the
 * digest. node:crypto does the modular exponentiation and the padding check.
 */
import { constants, publicDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';

/** DER of DigestInfo { AlgorithmIdentifier sha256 with NULL parameters, OCTET STRING (32) } up to the digest. */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export function verifyPrehashedRsa(publicKey: KeyObject, digest: Buffer, signature: Buffer): boolean {
  if (publicKey.asymmetricKeyType !== 'rsa' || digest.length !== 32) return false;
  let opened: Buffer;
  try {
    opened = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  const expected = Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]);
  return opened.length === expected.length && timingSafeEqual(opened, expected);
}

/**
 * Signing and attestation: keys (files, PKCS#11), signers, DSSE envelopes, in-toto statements and
 * their predicates, cosign-compatible signature and attestation storage in registries (tags and
 * referrers), keyless (Sigstore) bundles, verification, and recording results as occurrences.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { mergeCosignImage, readCosignImage } from './cosign-storage.js';
export type { CosignLayer } from './cosign-storage.js';
export type { DsseEnvelope } from './dsse.js';
export { PREDICATE_KINDS, resolvePredicateType } from './intoto.js';
export { encryptPrivateKeyPem, generateKeyPair, isEncryptedPrivateKey, loadPrivateKey, loadPublicKey, publicKeyPem } from './keys.js';
export { attestImage, attestImageReferrer, resolveDigest, signImage, signImageReferrer, verifyImage, verifyImageAttestations } from './operations.js';
export type { ImageVerification, VerifyAgainst } from './operations.js';
export { generatePkcs11KeyPair, isPkcs11Uri, Pkcs11Signer } from './pkcs11.js';
export { imageResourceUri, recordAttestation } from './record.js';
export type { AttestationEvidence, RecordResult, RecordTarget } from './record.js';
export { readBundleReferrers } from './referrers.js';
export type { ReferrerBundle } from './referrers.js';
export { keyIdOf, KeySigner, verifySignature } from './signer.js';
export type { Signer } from './signer.js';
export { parseBundle } from './sigstore/bundle.js';
export { emptyTrustedRoot, loadTrustedRootFile, publicGoodTrustedRoot, resolveTrustedRoot } from './sigstore/trusted-root.js';
export { checkIdentityPolicy, isSha256Digest, verifyBundle } from './sigstore/verify-bundle.js';
export type { Artifact, BundleVerification, IdentityPolicy } from './sigstore/verify-bundle.js';
export { verifyKeylessAttestationLayers, verifyKeylessSignatureLayers, verifyReferrerBundles } from './verify-sigstore.js';
export { summarize, verifyAttestationLayers, verifySignatureLayers } from './verify.js';
export type { LayerCheck, VerificationResult } from './verify.js';
export { buildVulnPredicate } from './vuln-predicate.js';

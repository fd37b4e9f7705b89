/**
 * Keyless attestations in cosign v2's `.att` layout (the DSSE envelope as layer blob, the Fulcio
 * certificate and the Rekor entry with its signed entry timestamp in annotations), built from the
 * conformance suite's real DSSE bundle about d.txt (test/fixtures/sigstore): verified offline,
 * and a mismatching predicate type reported as PREDICATE_TYPE_MISMATCH, not SIGNATURE_MISSING.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLE_ANNOTATION, CERTIFICATE_ANNOTATION, PREDICATE_TYPE_ANNOTATION, SIGNATURE_ANNOTATION, type CosignLayer } from '../src/attest/cosign-storage.js';
import { DSSE_MEDIA_TYPE } from '../src/attest/dsse.js';
import { encodePem } from '../src/attest/keys.js';
import { loadTrustedRootFile } from '../src/attest/sigstore/trusted-root.js';
import { verifyKeylessAttestationLayers } from '../src/attest/verify-sigstore.js';
import { summarize } from '../src/attest/verify.js';
import { digestOf } from '../src/oci/digest.js';

const FX = join(import.meta.dirname, 'fixtures', 'sigstore');
const BEACON = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const identity = { identity: BEACON, issuer: 'https://token.actions.githubusercontent.com' };
const D_DIGEST = 'sha256:330a043220fa13e01d68a7db39c89e12b0c4c3b6a0346fe624b0903f1303b5b2';
const root = loadTrustedRootFile(join(FX, 'trusted_root.d.json')).root;

/** The `.att` layer cosign v2 writes for the bundle's content. */
function attLayer(edit: (env: { payload: string; payloadType: string; signatures: { sig: string; keyid?: string }[] }) => void = () => undefined): CosignLayer {
  const b = JSON.parse(readFileSync(join(FX, 'd.txt.v02-dsse.sigstore.json'), 'utf8'));
  const e = b.verificationMaterial.tlogEntries[0];
  const env = { payloadType: b.dsseEnvelope.payloadType, payload: b.dsseEnvelope.payload, signatures: b.dsseEnvelope.signatures.map((s: { sig: string }) => ({ keyid: '', sig: s.sig })) };
  edit(env);
  const payload = Buffer.from(JSON.stringify(env));
  const rekor = { SignedEntryTimestamp: e.inclusionPromise.signedEntryTimestamp, Payload: { body: e.canonicalizedBody, integratedTime: Number(e.integratedTime), logIndex: Number(e.logIndex), logID: Buffer.from(e.logId.keyId, 'base64').toString('hex') } };
  const cert = encodePem('CERTIFICATE', Buffer.from(b.verificationMaterial.x509CertificateChain.certificates[0].rawBytes, 'base64'));
  return {
    descriptor: { mediaType: DSSE_MEDIA_TYPE, digest: digestOf(payload), size: payload.length, annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: 'https://slsa.dev/provenance/v1', [CERTIFICATE_ANNOTATION]: cert, [BUNDLE_ANNOTATION]: JSON.stringify(rekor) } },
    payload,
  };
}

const verify = (layers: CosignLayer[], extra: { predicateType?: string; manifestDigest?: string; identity?: typeof identity } = {}) =>
  summarize(verifyKeylessAttestationLayers({ layers, trustedRoot: root, identity: extra.identity ?? identity, manifestDigest: extra.manifestDigest ?? D_DIGEST, ...(extra.predicateType ? { predicateType: extra.predicateType } : {}) }), 'attestation', 'SIGNATURE_MISSING', 'none');

describe('keyless .att layers', () => {
  it('verify: certificate chain, SET and identity, the statement about the digest', () => {
    expect(verify([attLayer()])).toMatchObject({ verified: true, checks: [{ verified: true, statement: { predicateType: 'https://slsa.dev/provenance/v1' }, signer: { subjectAlternativeName: BEACON } }] });
    expect(verify([attLayer()], { predicateType: 'https://slsa.dev/provenance/v1' }).verified).toBe(true);
  });

  it('report a mismatching predicate type as PREDICATE_TYPE_MISMATCH', () => {
    expect(verify([attLayer()], { predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1' })).toMatchObject({ verified: false, code: 'PREDICATE_TYPE_MISMATCH' });
  });

  it('refuse another identity, another digest and an altered envelope, each with its code', () => {
    expect(verify([attLayer()], { identity: { ...identity, identity: 'someone@example.com' } }).code).toBe('IDENTITY_MISMATCH');
    expect(verify([attLayer()], { manifestDigest: `sha256:${'0'.repeat(64)}` }).code).toBe('SIGNATURE_DIGEST_MISMATCH');
    const tampered = attLayer((env) => (env.payload = Buffer.from(Buffer.from(env.payload, 'base64').toString().replace('d.txt', 'e.txt')).toString('base64')));
    expect(verify([tampered]).code).toMatch(/TLOG_INVALID|SIGNATURE_INVALID/);
    const keyed = attLayer();
    delete keyed.descriptor.annotations![CERTIFICATE_ANNOTATION];
    expect(verify([keyed]).code).toBe('CERTIFICATE_INVALID');
  });
});

/**
 * Signature benchmark (not a test: machines are noisy). Run with `npm run bench:attest`.
 *
 * 1. Verification once registry responses are cached: N `.sig` layers (simple-signing payloads
 *    with ECDSA P-256 signatures) and N `.att` layers (DSSE envelopes) verified in process, i.e.
 *    signature check + payload parse + digest binding. Floor: bare `crypto.verify` of the same
 *    payloads. Budget: at least 2,000 signatures/s.
 * 2. Sign + push against Debian's docker-registry on 127.0.0.1: `signImage` (resolve the digest,
 *    read the existing `.sig`, sign, push payload, config and manifest) versus pushing the same
 *    kind of blob, config and manifest alone. Budget: at most 2x.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildCosignConfig, buildCosignManifest, SIGNATURE_ANNOTATION, type CosignLayer } from '../src/attest/cosign-storage.js';
import { DSSE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, serializeEnvelope, signEnvelope } from '../src/attest/dsse.js';
import { buildStatement, resolvePredicateType } from '../src/attest/intoto.js';
import { generateKeyPair } from '../src/attest/keys.js';
import { signImage } from '../src/attest/operations.js';
import { KeySigner } from '../src/attest/signer.js';
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from '../src/attest/simple-signing.js';
import { verifyAttestationLayers, verifySignatureLayers } from '../src/attest/verify.js';
import { digestOf } from '../src/oci/digest.js';
import { MEDIA_TYPES } from '../src/oci/media-types.js';
import { RegistryClient } from '../src/oci/registry/client.js';
import { pushBlob, pushManifest } from '../src/oci/registry/push.js';
import { startRegistry } from '../test/support/registry.js';

const N = Number(process.env.BENCH_SIGNATURES ?? 5_000);
const PUSH_RUNS = Number(process.env.BENCH_PUSH_RUNS ?? 40);
const MIN_VERIFY_PER_S = 2_000;
const MAX_SIGN_RATIO = 2;

const pair = generateKeyPair();
const signer = new KeySigner(pair.privateKey);
const digestFor = (i: number) => digestOf(Buffer.from(`image ${i}`));

async function verifyBench(): Promise<boolean> {
  const sigLayers: { layer: CosignLayer; digest: string; sig: Buffer }[] = [];
  const attLayers: { layer: CosignLayer; digest: string }[] = [];
  for (let i = 0; i < N; i++) {
    const digest = digestFor(i);
    const payload = buildSimpleSigningPayload({ dockerReference: 'registry.example/app', manifestDigest: digest, annotations: { build: String(i) } });
    const sig = await signer.sign(payload);
    sigLayers.push({ digest, sig, layer: { descriptor: { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: digestOf(payload), size: payload.length, annotations: { [SIGNATURE_ANNOTATION]: sig.toString('base64') } }, payload } });
    const st = buildStatement({ subjectName: 'registry.example/app', manifestDigest: digest, kind: resolvePredicateType('slsaprovenance1'), predicate: { buildDefinition: { buildType: 'x', externalParameters: { i } }, runDetails: { builder: { id: 'b' } } } });
    const env = serializeEnvelope(await signEnvelope({ payloadType: IN_TOTO_PAYLOAD_TYPE, body: Buffer.from(JSON.stringify(st)), signer }));
    attLayers.push({ digest, layer: { descriptor: { mediaType: DSSE_MEDIA_TYPE, digest: digestOf(env), size: env.length, annotations: { [SIGNATURE_ANNOTATION]: '' } }, payload: env } });
  }
  const keys = [pair.publicKey];

  let t = performance.now();
  for (const s of sigLayers) if (!cryptoVerify('sha256', s.layer.payload, pair.publicKey, s.sig)) throw new Error('floor verify failed');
  const floorS = (performance.now() - t) / 1000;

  t = performance.now();
  for (const s of sigLayers) if (!verifySignatureLayers({ layers: [s.layer], keys, manifestDigest: s.digest }).verified) throw new Error('verify failed');
  const sigS = (performance.now() - t) / 1000;

  t = performance.now();
  for (const a of attLayers) if (!verifyAttestationLayers({ layers: [a.layer], keys, manifestDigest: a.digest, predicateType: 'https://slsa.dev/provenance/v1' }).verified) throw new Error('verify-attestation failed');
  const attS = (performance.now() - t) / 1000;

  const rate = (s: number) => Math.round(N / s);
  console.log(`verify: ${N} signatures, cached layers`);
  console.log(`  floor crypto.verify         ${rate(floorS).toLocaleString('en')} /s`);
  console.log(`  verify (sig+parse+digest)   ${rate(sigS).toLocaleString('en')} /s   ratio to floor ${(sigS / floorS).toFixed(2)}x`);
  console.log(`  verify-attestation (DSSE)   ${rate(attS).toLocaleString('en')} /s   ratio to floor ${(attS / floorS).toFixed(2)}x`);
  const ok = rate(sigS) >= MIN_VERIFY_PER_S && rate(attS) >= MIN_VERIFY_PER_S;
  console.log(`  budget >= ${MIN_VERIFY_PER_S.toLocaleString('en')} /s: ${ok ? 'ok' : 'MISSED'}`);
  return ok;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function pushBench(): Promise<boolean> {
  const reg = await startRegistry();
  const client = new RegistryClient(reg.host);
  try {
    // Images to sign: a config and a layer each, distinct digests.
    const images: string[] = [];
    for (let i = 0; i < PUSH_RUNS; i++) {
      const layer = Buffer.from(`layer ${i}`);
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(layer)] }, config: {} }));
      await pushBlob(client, 'bench', layer);
      await pushBlob(client, 'bench', config);
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: { mediaType: MEDIA_TYPES.ociConfig, size: config.length, digest: digestOf(config) }, layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, size: layer.length, digest: digestOf(layer) }] }));
      images.push(await pushManifest(client, 'bench', `img-${i}`, manifest, MEDIA_TYPES.ociManifest));
    }
    const base: number[] = [];
    const sign: number[] = [];
    for (let i = 0; i < PUSH_RUNS; i++) {
      // Floor: the same blob, config and manifest pushed without resolving, reading or signing.
      const payload = buildSimpleSigningPayload({ dockerReference: `${reg.host}/bench`, manifestDigest: digestFor(1_000_000 + i) });
      const sig = await signer.sign(payload);
      const layers = [{ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: payload.length, digest: digestOf(payload), annotations: { [SIGNATURE_ANNOTATION]: sig.toString('base64') } }];
      let t = performance.now();
      await pushBlob(client, 'bench', payload);
      const config = buildCosignConfig(layers, new Date());
      await pushBlob(client, 'bench', config);
      await pushManifest(client, 'bench', `floor-${i}.sig`, buildCosignManifest(config, layers), MEDIA_TYPES.ociManifest);
      base.push(performance.now() - t);

      t = performance.now();
      await signImage(client, { ref: { registry: reg.host, repository: 'bench', tag: `img-${i}` }, signer });
      sign.push(performance.now() - t);
    }
    const b = median(base.slice(2));
    const s = median(sign.slice(2));
    console.log(`sign + push: ${PUSH_RUNS} runs against docker-registry on loopback (median)`);
    console.log(`  floor push blob+config+manifest  ${b.toFixed(2)} ms`);
    console.log(`  sign (resolve, read .sig, push)  ${s.toFixed(2)} ms   ratio ${(s / b).toFixed(2)}x`);
    const ok = s / b <= MAX_SIGN_RATIO;
    console.log(`  budget <= ${MAX_SIGN_RATIO}x: ${ok ? 'ok' : 'MISSED'}`);
    return ok;
  } finally {
    await client.close();
    await reg.stop();
  }
}

const okVerify = await verifyBench();
const okPush = await pushBench();
if (!okVerify || !okPush) process.exitCode = 1;

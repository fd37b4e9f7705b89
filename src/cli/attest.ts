/**
 * `portcullis attest IMAGE (--predicate FILE | --from-scan | --from-sbom) --type T --key K`: an
 * in-toto attestation in `sha256-<hex>.att` (legacy) or as an OCI 1.1 referrer holding a Sigstore
 * bundle (`--registry-referrers-mode oci-1-1`).
 *
 * `--type vuln --from-scan` scans the image (by digest) against the advisory store and attests
 * cosign's vuln predicate around our JSON report; `--type cyclonedx --from-sbom` attests the
 * CycloneDX SBOM of the image. Both describe exactly the digest that is attested.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { PortcullisError } from '../core/index.js';
import {
  resolvePredicateType,
  attestImage,
  attestImageReferrer,
  resolveDigest,
  keyIdOf,
  type DsseEnvelope,
  buildVulnPredicate,
} from '../attest/index.js';
import type { DockerReference } from '../oci/index.js';
import { renderVulnJson } from '../report/index.js';
import { catalogTarget } from '../scan/index.js';
import { toCycloneDx } from '../sbom/index.js';
import { matchCatalog, releaseOf, loadIndexFor } from '../vulndb/index.js';
import { imageOptionsFrom } from './image-options.js';
import { writeOutput } from './output.js';
import { addRecordOptions, recordIfAsked, recordTargetOf, type RecordFlags } from './record-options.js';
import { outputOption, referrersModeOption } from './sign.js';
import { addRegistryOptions, loadSigner, registryClientFor, registryReference, type RegistryFlags } from './signing-options.js';
import { addStoreOptions, openStoreFrom, type StoreFlags } from './store-options.js';
import { TOOL_VERSION } from './version.js';

interface AttestFlags extends RegistryFlags, StoreFlags, RecordFlags {
  key: string;
  predicate?: string;
  fromScan?: boolean;
  fromSbom?: boolean;
  type: string;
  platform?: string;
  registryReferrersMode: 'legacy' | 'oci-1-1';
  replace?: boolean;
  output: 'text' | 'json';
}

/** Largest predicate file accepted. */
const MAX_PREDICATE_BYTES = 32 * 1024 * 1024;

function readPredicate(path: string): Buffer {
  let predicate: Buffer;
  try {
    predicate = readFileSync(path);
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read predicate "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'Check the --predicate path.', cause: err });
  }
  if (predicate.length > MAX_PREDICATE_BYTES) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `Predicate "${path}" is larger than ${MAX_PREDICATE_BYTES} bytes`, hint: 'Attest a smaller document.' });
  return predicate;
}

function checkSource(flags: AttestFlags, kindName: string): void {
  const given = [flags.predicate !== undefined, flags.fromScan === true, flags.fromSbom === true].filter(Boolean).length;
  if (given !== 1) throw new PortcullisError({ code: 'USAGE', message: 'Pass exactly one of --predicate FILE, --from-scan or --from-sbom', hint: 'e.g. attest IMAGE --type vuln --from-scan --key K' });
  if (flags.fromScan && kindName !== 'vuln') throw new PortcullisError({ code: 'USAGE', message: `--from-scan makes a vuln predicate, not --type ${flags.type}`, hint: 'Use --type vuln --from-scan.' });
  if (flags.fromSbom && kindName !== 'cyclonedx') throw new PortcullisError({ code: 'USAGE', message: `--from-sbom makes a CycloneDX SBOM, not --type ${flags.type}`, hint: 'Use --type cyclonedx --from-sbom.' });
}

/** Catalogues exactly the image digest being attested. */
async function catalogDigest(ref: DockerReference, digest: string, flags: AttestFlags) {
  const target = `docker://${ref.registry}/${ref.repository}@${digest}`;
  return catalogTarget(target, imageOptionsFrom({ ...(flags.creds ? { creds: flags.creds } : {}), ...(flags.authfile ? { authfile: flags.authfile } : {}), ...(flags.insecure ? { insecure: true } : {}), ...(flags.platform ? { platform: flags.platform } : {}), quiet: true }));
}

/** `--from-scan`: scan the digest and wrap the JSON report in cosign's vuln predicate. */
async function scanPredicate(ref: DockerReference, digest: string, flags: AttestFlags): Promise<Buffer> {
  const startedOn = new Date();
  const storeOpening = openStoreFrom(flags);
  storeOpening.catch(() => undefined);
  let result;
  try {
    result = await catalogDigest(ref, digest, flags);
  } catch (err) {
    await (await storeOpening.catch(() => undefined))?.close();
    throw err;
  }
  const store = await storeOpening;
  let match;
  let db: { uri: string; version: string };
  try {
    match = matchCatalog(result, await loadIndexFor(store, result, releaseOf(result)));
    const sources = await store.db.selectFrom('advisory_sources').select(['id', 'imported_at']).orderBy('id').execute();
    const latest = sources.map((s) => new Date(s.imported_at).getTime()).reduce((a, b) => Math.max(a, b), 0);
    db = { uri: sources.map((s) => s.id).join(','), version: latest ? new Date(latest).toISOString() : '' };
  } finally {
    await store.close();
  }
  const report = JSON.parse(renderVulnJson({ result, match, findings: match.findings }, { toolVersion: TOOL_VERSION, color: false }));
  for (const n of match.notes) process.stderr.write(`warning: ${n}\n`);
  const predicate = buildVulnPredicate({ toolVersion: TOOL_VERSION, result: report, db, startedOn, finishedOn: new Date(), parameters: ['scan', 'image', `${ref.registry}/${ref.repository}@${digest}`] });
  return Buffer.from(JSON.stringify(predicate), 'utf8');
}

/** `--from-sbom`: the CycloneDX SBOM of the digest. */
async function sbomPredicate(ref: DockerReference, digest: string, flags: AttestFlags): Promise<Buffer> {
  const result = await catalogDigest(ref, digest, flags);
  return Buffer.from(JSON.stringify(toCycloneDx(result, { toolVersion: TOOL_VERSION })), 'utf8');
}

export function attestCommand(): Command {
  const cmd = new Command('attest')
    .description('Attest an image: an in-toto statement in a DSSE envelope, stored as REPO:sha256-<hex>.att (cosign-compatible) or as an OCI 1.1 referrer')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]')
    .option('--predicate <file>', 'predicate file (JSON, or any text for --type custom / spdx)')
    .option('--from-scan', 'with --type vuln: scan the image now and attest the result (cosign vuln predicate)')
    .option('--from-sbom', 'with --type cyclonedx: generate the CycloneDX SBOM of the image and attest it')
    .option('--platform <os/arch[/variant]>', 'with --from-scan/--from-sbom: platform to scan in a multi-arch index')
    .option('--type <type>', 'predicate type: slsaprovenance|slsaprovenance02|slsaprovenance1|spdx|spdxjson|cyclonedx|link|vuln|openvex|custom, or a URI', 'custom')
    .option('--replace', 'replace the attestations of the same predicate type already stored for the image (others are kept)')
    .requiredOption('--key <key>', 'private key (portcullis or cosign .key, PKCS#8/PKCS#1/SEC 1 PEM: ECDSA P-256, RSA, Ed25519; or pkcs11: URI); password from PORTCULLIS_PASSWORD, COSIGN_PASSWORD or a prompt')
    .addOption(referrersModeOption())
    .addOption(outputOption());
  addRegistryOptions(cmd);
  addStoreOptions(cmd);
  addRecordOptions(cmd, 'attestation');
  cmd.action(async (image: string, flags: AttestFlags) => {
    const ref = registryReference(image, 'attest');
    const kind = resolvePredicateType(flags.type);
    checkSource(flags, kind.name);
    const target = recordTargetOf(flags);
    const predicateFromFile = flags.predicate !== undefined ? readPredicate(flags.predicate) : undefined;
    const signer = await loadSigner(flags.key);
    const client = registryClientFor(ref, flags);
    try {
      const digest = await resolveDigest(client, ref);
      const predicate = predicateFromFile ?? (flags.fromScan ? await scanPredicate(ref, digest, flags) : await sbomPredicate(ref, digest, flags));
      const base = { schemaVersion: 1, image: `${ref.registry}/${ref.repository}`, digest, predicateType: kind.uri, keyId: keyIdOf(signer.publicKey) };
      const evidence = (env: DsseEnvelope) => ({ purpose: 'attestation' as const, payload: Buffer.from(env.payload, 'base64'), signature: Buffer.from(env.signatures[0]!.sig, 'base64'), publicKeyId: base.keyId, envelope: env, predicateType: kind.uri });
      if (flags.registryReferrersMode === 'oci-1-1') {
        const res = await attestImageReferrer(client, { ref, signer, kind, predicate, digest, ...(flags.replace ? { replace: true } : {}) });
        const rec = await recordIfAsked(target, ref, digest, { ...evidence(res.envelope), location: `${base.image}@${res.manifestDigest}` }, flags.output === 'json');
        if (flags.output === 'json') await writeOutput(JSON.stringify({ ...base, referrer: res.manifestDigest, bundleDigest: res.bundleDigest, referrersIndex: res.index, duplicate: res.duplicate, replaced: res.replaced, ...(rec ? { recorded: rec } : {}) }, null, 2) + '\n', undefined);
        else if (res.duplicate) process.stderr.write(`An identical attestation (${kind.uri}) by this key is already a referrer of ${digest}: ${base.image}@${res.manifestDigest}\n`);
        else process.stderr.write(`Pushed attestation (${kind.uri}) to ${base.image}@${res.manifestDigest} (OCI 1.1 referrer of ${digest}; ${res.index === 'api' ? 'registry referrers API' : `referrers index tag ${res.tag}`})${res.replaced.length ? `; replaced ${res.replaced.length} of the same type` : ''}\n`);
      } else {
        const res = await attestImage(client, { ref, signer, kind, predicate, digest, ...(flags.replace ? { replace: true } : {}) });
        const where = `${ref.registry}/${ref.repository}:${res.tag}`;
        const rec = await recordIfAsked(target, ref, digest, { ...evidence(res.envelope), location: where }, flags.output === 'json');
        if (flags.output === 'json') await writeOutput(JSON.stringify({ ...base, attestationTag: where, attestationManifest: res.manifestDigest, layerDigest: res.layerDigest, attestations: res.layerCount, duplicate: res.duplicate, replaced: res.replaced, ...(rec ? { recorded: rec } : {}) }, null, 2) + '\n', undefined);
        else if (res.duplicate) process.stderr.write(`An identical attestation (${kind.uri}) by this key is already in ${where}\n`);
        else process.stderr.write(`Pushed attestation (${kind.uri}) to ${where} (${res.layerCount} attestation${res.layerCount === 1 ? '' : 's'}${res.replaced ? `; replaced ${res.replaced} of the same type` : ''})\n`);
      }
    } finally {
      await client.close();
      await signer.close?.();
    }
  });
  return cmd;
}

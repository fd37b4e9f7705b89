/** `portcullis sign IMAGE --key K`: a cosign signature in the image's `sha256-<hex>.sig` tag. */
import { Command, Option } from 'commander';
import { signImage, signImageReferrer, keyIdOf } from '../attest/index.js';
import { writeOutput } from './output.js';
import { addRecordOptions, recordIfAsked, recordTargetOf, type RecordFlags } from './record-options.js';
import { addRegistryOptions, collect, loadSigner, parseAnnotations, registryClientFor, registryReference, type RegistryFlags } from './signing-options.js';

export const REFERRERS_MODES = ['legacy', 'oci-1-1'] as const;

/**
 * `--registry-referrers-mode`: `legacy` is cosign's tag schema (`sha256-<hex>.sig|.att`);
 * `oci-1-1` writes a Sigstore bundle v0.3 as an OCI 1.1 referrer (cosign v3's layout).
 */
export function referrersModeOption(): Option {
  return new Option('--registry-referrers-mode <mode>', 'where to store it: legacy (cosign tag schema) or oci-1-1 (Sigstore bundle as an OCI 1.1 referrer)').choices(REFERRERS_MODES).default('legacy');
}

export function outputOption(): Option {
  return new Option('--output <format>', 'output format').choices(['text', 'json']).default('text');
}

interface SignFlags extends RegistryFlags, RecordFlags {
  key: string;
  annotation?: string[];
  registryReferrersMode: 'legacy' | 'oci-1-1';
  output: 'text' | 'json';
}

export function signCommand(): Command {
  const cmd = new Command('sign')
    .description('Sign an image in a registry with a key (cosign-compatible simple signing, stored as REPO:sha256-<hex>.sig)')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--key <key>', 'private key (portcullis or cosign .key, PKCS#8/PKCS#1/SEC 1 PEM: ECDSA P-256, RSA, Ed25519; or pkcs11: URI); password from PORTCULLIS_PASSWORD, COSIGN_PASSWORD or a prompt')
    .option('-a, --annotation <key=value>', 'annotation to put in the signed payload (repeatable)', collect)
    .addOption(referrersModeOption())
    .addOption(outputOption());
  addRegistryOptions(cmd);
  addRecordOptions(cmd, 'signature');
  cmd.action(async (image: string, flags: SignFlags) => {
    const ref = registryReference(image, 'sign');
    const annotations = parseAnnotations(flags.annotation);
    const target = recordTargetOf(flags);
    const signer = await loadSigner(flags.key);
    const client = registryClientFor(ref, flags);
    try {
      const image = `${ref.registry}/${ref.repository}`;
      const keyId = keyIdOf(signer.publicKey);
      const quiet = flags.output === 'json';
      if (flags.registryReferrersMode === 'oci-1-1') {
        const res = await signImageReferrer(client, { ref, signer, ...(annotations ? { annotations } : {}) });
        const rec = await recordIfAsked(target, ref, res.digest, { purpose: 'signature', payload: Buffer.from(res.envelope.payload, 'base64'), signature: Buffer.from(res.envelope.signatures[0]!.sig, 'base64'), publicKeyId: keyId, envelope: res.envelope, location: `${image}@${res.manifestDigest}` }, quiet);
        if (flags.output === 'json') {
          const doc = { schemaVersion: 1, image, digest: res.digest, referrer: res.manifestDigest, bundleDigest: res.bundleDigest, referrersIndex: res.index, ...(res.tag ? { referrersTag: `${image}:${res.tag}` } : {}), duplicate: res.duplicate, keyId, ...(rec ? { recorded: rec } : {}) };
          await writeOutput(JSON.stringify(doc, null, 2) + '\n', undefined);
        } else if (res.duplicate) {
          process.stderr.write(`An identical signature by this key is already a referrer of ${res.digest}: ${image}@${res.manifestDigest}\n`);
        } else {
          process.stderr.write(`Pushed signature bundle to ${image}@${res.manifestDigest} (OCI 1.1 referrer of ${res.digest}; ${res.index === 'api' ? 'registry referrers API' : `referrers index tag ${res.tag}`})\n`);
        }
        return;
      }
      const res = await signImage(client, { ref, signer, ...(annotations ? { annotations } : {}) });
      const where = `${image}:${res.tag}`;
      const rec = await recordIfAsked(target, ref, res.digest, { purpose: 'signature', payload: res.payload, signature: res.signature, publicKeyId: keyId, location: where }, quiet);
      if (flags.output === 'json') {
        const doc = { schemaVersion: 1, image, digest: res.digest, signatureTag: where, signatureManifest: res.manifestDigest, layerDigest: res.layerDigest, signatures: res.layerCount, duplicate: res.duplicate, keyId, ...(rec ? { recorded: rec } : {}) };
        await writeOutput(JSON.stringify(doc, null, 2) + '\n', undefined);
      } else {
        process.stderr.write(res.duplicate ? `An identical signature by this key is already in ${where} (nothing added)\n` : `Pushed signature to ${where} (${res.layerCount} signature${res.layerCount === 1 ? '' : 's'})\n`);
      }
    } finally {
      await client.close();
      await signer.close?.();
    }
  });
  return cmd;
}

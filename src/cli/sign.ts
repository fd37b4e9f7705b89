/** `portcullis sign IMAGE --key K`: a cosign signature in the image's `sha256-<hex>.sig` tag. */
import { Command, Option } from 'commander';
import { PortcullisError } from '../core/errors.js';
import { signImage } from '../attest/operations.js';
import { keyIdOf } from '../attest/signer.js';
import { writeOutput } from './output.js';
import { addRegistryOptions, collect, loadSigner, parseAnnotations, registryClientFor, registryReference, type RegistryFlags } from './signing-options.js';

export const REFERRERS_MODES = ['legacy', 'oci-1-1'] as const;

/** `--registry-referrers-mode`: only cosign's tag schema (`legacy`) is written today. */
export function referrersModeOption(): Option {
  return new Option('--registry-referrers-mode <mode>', 'where to store it: legacy (cosign tag schema) or oci-1-1 (OCI 1.1 referrer)').choices(REFERRERS_MODES).default('legacy');
}

export function checkReferrersMode(mode: string): void {
  if (mode !== 'legacy') {
    throw new PortcullisError({ code: 'USAGE', message: `--registry-referrers-mode ${mode} is not supported yet`, hint: 'Use --registry-referrers-mode legacy (the default), which every cosign version reads.' });
  }
}

export function outputOption(): Option {
  return new Option('--output <format>', 'output format').choices(['text', 'json']).default('text');
}

interface SignFlags extends RegistryFlags {
  key: string;
  annotation?: string[];
  registryReferrersMode: string;
  output: 'text' | 'json';
}

export function signCommand(): Command {
  const cmd = new Command('sign')
    .description('Sign an image in a registry with a key (cosign-compatible simple signing, stored as REPO:sha256-<hex>.sig)')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--key <file>', 'private key (portcullis or cosign .key, or PKCS#8 PEM); password from PORTCULLIS_PASSWORD or a prompt')
    .option('-a, --annotation <key=value>', 'annotation to put in the signed payload (repeatable)', collect)
    .addOption(referrersModeOption())
    .addOption(outputOption());
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: SignFlags) => {
    checkReferrersMode(flags.registryReferrersMode);
    const ref = registryReference(image, 'sign');
    const annotations = parseAnnotations(flags.annotation);
    const signer = await loadSigner(flags.key);
    const client = registryClientFor(ref, flags);
    try {
      const res = await signImage(client, { ref, signer, ...(annotations ? { annotations } : {}) });
      const where = `${ref.registry}/${ref.repository}:${res.tag}`;
      if (flags.output === 'json') {
        const doc = { schemaVersion: 1, image: `${ref.registry}/${ref.repository}`, digest: res.digest, signatureTag: where, signatureManifest: res.manifestDigest, layerDigest: res.layerDigest, signatures: res.layerCount, duplicate: res.duplicate, keyId: keyIdOf(signer.publicKey) };
        await writeOutput(JSON.stringify(doc, null, 2) + '\n', undefined);
      } else {
        process.stderr.write(res.duplicate ? `An identical signature is already in ${where}\n` : `Pushed signature to ${where} (${res.layerCount} signature${res.layerCount === 1 ? '' : 's'})\n`);
      }
    } finally {
      await client.close();
    }
  });
  return cmd;
}

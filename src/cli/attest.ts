/** `portcullis attest IMAGE --predicate FILE --type T --key K`: an in-toto attestation in `sha256-<hex>.att`. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { PortcullisError } from '../core/errors.js';
import { resolvePredicateType } from '../attest/intoto.js';
import { attestImage } from '../attest/operations.js';
import { keyIdOf } from '../attest/signer.js';
import { writeOutput } from './output.js';
import { checkReferrersMode, outputOption, referrersModeOption } from './sign.js';
import { addRegistryOptions, loadSigner, registryClientFor, registryReference, type RegistryFlags } from './signing-options.js';

interface AttestFlags extends RegistryFlags {
  key: string;
  predicate: string;
  type: string;
  registryReferrersMode: string;
  output: 'text' | 'json';
}

/** Largest predicate file accepted. */
const MAX_PREDICATE_BYTES = 32 * 1024 * 1024;

export function attestCommand(): Command {
  const cmd = new Command('attest')
    .description('Attest an image: an in-toto statement in a DSSE envelope, stored as REPO:sha256-<hex>.att (cosign-compatible)')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--predicate <file>', 'predicate file (JSON, or any text for --type custom / spdx)')
    .option('--type <type>', 'predicate type: slsaprovenance|slsaprovenance02|slsaprovenance1|spdx|spdxjson|cyclonedx|link|vuln|openvex|custom, or a URI', 'custom')
    .requiredOption('--key <file>', 'private key (portcullis or cosign .key, or PKCS#8 PEM); password from PORTCULLIS_PASSWORD or a prompt')
    .addOption(referrersModeOption())
    .addOption(outputOption());
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: AttestFlags) => {
    checkReferrersMode(flags.registryReferrersMode);
    const ref = registryReference(image, 'attest');
    const kind = resolvePredicateType(flags.type);
    let predicate: Buffer;
    try {
      predicate = readFileSync(flags.predicate);
    } catch (err) {
      throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read predicate "${flags.predicate}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`, hint: 'Check the --predicate path.', cause: err });
    }
    if (predicate.length > MAX_PREDICATE_BYTES) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `Predicate "${flags.predicate}" is larger than ${MAX_PREDICATE_BYTES} bytes`, hint: 'Attest a smaller document.' });
    const signer = await loadSigner(flags.key);
    const client = registryClientFor(ref, flags);
    try {
      const res = await attestImage(client, { ref, signer, kind, predicate });
      const where = `${ref.registry}/${ref.repository}:${res.tag}`;
      if (flags.output === 'json') {
        const doc = { schemaVersion: 1, image: `${ref.registry}/${ref.repository}`, digest: res.digest, predicateType: kind.uri, attestationTag: where, attestationManifest: res.manifestDigest, layerDigest: res.layerDigest, attestations: res.layerCount, duplicate: res.duplicate, keyId: keyIdOf(signer.publicKey) };
        await writeOutput(JSON.stringify(doc, null, 2) + '\n', undefined);
      } else {
        process.stderr.write(`Pushed attestation (${kind.uri}) to ${where} (${res.layerCount} attestation${res.layerCount === 1 ? '' : 's'})\n`);
      }
    } finally {
      await client.close();
    }
  });
  return cmd;
}

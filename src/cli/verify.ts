/**
 * `portcullis verify IMAGE --key PUB` and `portcullis verify-attestation IMAGE --key PUB [--type T]`.
 *
 * Exit status: 0 verified; 1 not verified (the reason and a stable code are printed:
 * SIGNATURE_MISSING, SIGNATURE_INVALID, SIGNATURE_DIGEST_MISMATCH, PAYLOAD_INVALID,
 * PREDICATE_TYPE_MISMATCH); 2 usage or input errors (bad key file, unreachable image, …);
 * 3 internal errors.
 */
import { Command } from 'commander';
import pc from 'picocolors';
import { resolvePredicateType } from '../attest/intoto.js';
import { verifyImage, verifyImageAttestations, type ImageVerification } from '../attest/operations.js';
import { writeOutput } from './output.js';
import { outputOption } from './sign.js';
import { addRegistryOptions, collect, loadPublicKeys, parseAnnotations, registryClientFor, registryReference, type RegistryFlags } from './signing-options.js';

/** Exit status when verification fails (2 stays for usage and input errors). */
export const VERIFY_FAILED_EXIT = 1;

interface VerifyFlags extends RegistryFlags {
  key: string[];
  output: 'text' | 'json';
}

function toJson(kind: 'signature' | 'attestation', v: ImageVerification): unknown {
  return {
    schemaVersion: 1,
    kind,
    image: v.image,
    digest: v.digest,
    verified: v.verified,
    ...(v.code ? { code: v.code } : {}),
    reason: v.reason,
    checks: v.checks.map((c) => ({
      index: c.index,
      layerDigest: c.layerDigest,
      verified: c.verified,
      ...(c.code ? { code: c.code } : {}),
      reason: c.reason,
      ...(c.keyId ? { keyId: c.keyId } : {}),
      ...(c.payload
        ? { payload: { critical: { identity: { 'docker-reference': c.payload.dockerReference }, image: { 'docker-manifest-digest': c.payload.manifestDigest }, type: c.payload.type }, optional: c.payload.optional } }
        : {}),
      ...(c.statement ? { statement: c.statement } : {}),
    })),
  };
}

async function report(kind: 'signature' | 'attestation', v: ImageVerification, format: 'text' | 'json'): Promise<void> {
  if (format === 'json') {
    await writeOutput(JSON.stringify(toJson(kind, v), null, 2) + '\n', undefined);
  } else {
    const color = process.stderr.isTTY && !process.env.NO_COLOR;
    if (v.verified) {
      process.stderr.write(`${color ? pc.green('verified') : 'verified'}: ${v.image}@${v.digest}: ${v.reason}\n`);
      for (const c of v.checks) if (c.verified) process.stderr.write(`  - ${c.reason}\n`);
    } else {
      process.stderr.write(`${color ? pc.red('not verified') : 'not verified'} [${v.code}]: ${v.image}@${v.digest}: ${v.reason}\n`);
      for (const c of v.checks) process.stderr.write(`  - [${c.code ?? 'OK'}] ${c.reason}\n`);
    }
  }
  if (!v.verified) process.exitCode = VERIFY_FAILED_EXIT;
}

const EXIT_HELP = `
Exit status: 0 verified, ${VERIFY_FAILED_EXIT} not verified (with a stable code: SIGNATURE_MISSING, SIGNATURE_INVALID,
SIGNATURE_DIGEST_MISMATCH, PAYLOAD_INVALID, PREDICATE_TYPE_MISMATCH), 2 usage or input error, 3 internal error.`;

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description('Verify the cosign signatures of an image in a registry against public keys')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--key <file>', 'public key (SPKI PEM, e.g. cosign.pub); repeat to accept any of several', collect)
    .option('-a, --annotation <key=value>', 'require this annotation in the signed payload (repeatable)', collect)
    .addOption(outputOption())
    .addHelpText('after', EXIT_HELP);
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: VerifyFlags & { annotation?: string[] }) => {
    const ref = registryReference(image, 'verify');
    const keys = loadPublicKeys(flags.key);
    const annotations = parseAnnotations(flags.annotation);
    const client = registryClientFor(ref, flags);
    try {
      await report('signature', await verifyImage(client, { ref, keys, ...(annotations ? { annotations } : {}) }), flags.output);
    } finally {
      await client.close();
    }
  });
  return cmd;
}

export function verifyAttestationCommand(): Command {
  const cmd = new Command('verify-attestation')
    .description('Verify the in-toto attestations of an image in a registry against public keys')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]')
    .requiredOption('--key <file>', 'public key (SPKI PEM, e.g. cosign.pub); repeat to accept any of several', collect)
    .option('--type <type>', 'require this predicate type (short name as for attest, or a URI)')
    .addOption(outputOption())
    .addHelpText('after', EXIT_HELP);
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: VerifyFlags & { type?: string }) => {
    const ref = registryReference(image, 'verify-attestation');
    const keys = loadPublicKeys(flags.key);
    const predicateType = flags.type ? resolvePredicateType(flags.type).uri : undefined;
    const client = registryClientFor(ref, flags);
    try {
      await report('attestation', await verifyImageAttestations(client, { ref, keys, ...(predicateType ? { predicateType } : {}) }), flags.output);
    } finally {
      await client.close();
    }
  });
  return cmd;
}

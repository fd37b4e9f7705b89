/**
 * `portcullis verify IMAGE --key PUB` and `portcullis verify-attestation IMAGE --key PUB [--type T]`.
 *
 * Exit status: 0 verified; 1 not verified (the reason and a stable code are printed:
 * SIGNATURE_MISSING, SIGNATURE_INVALID, SIGNATURE_DIGEST_MISMATCH, PAYLOAD_INVALID,
 * PREDICATE_TYPE_MISMATCH); 2 usage or input errors (bad key file, unreachable image, …);
 * 3 internal errors.
 */
import { Command } from 'commander';
import { ANSI, useColor } from './color.js';
import {
  resolvePredicateType,
  verifyImage,
  verifyImageAttestations,
  type ImageVerification,
  type VerifyAgainst,
  resolveTrustedRoot,
} from '../attest/index.js';
import { PortcullisError } from '../core/index.js';
import { addIdentityOptions, identityPolicyOf, type IdentityFlags } from './verify-bundle.js';
import { writeOutput } from './output.js';
import { outputOption } from './sign.js';
import { addRegistryOptions, collect, loadPublicKeys, parseAnnotations, registryClientFor, registryReference, type RegistryFlags } from './signing-options.js';

/** Exit status when verification fails (2 stays for usage and input errors). */
export const VERIFY_FAILED_EXIT = 1;

interface VerifyFlags extends RegistryFlags, IdentityFlags {
  key?: string[];
  trustedRoot?: string;
  output: 'text' | 'json';
}

/** Keys (`--key`) or a keyless identity policy (`--certificate-identity…`), exactly one of them. */
function verifyAgainst(flags: VerifyFlags): VerifyAgainst {
  const identity = identityPolicyOf(flags);
  const hasKeys = (flags.key?.length ?? 0) > 0;
  if (identity && hasKeys) throw new PortcullisError({ code: 'USAGE', message: 'Pass either --key or the --certificate-* identity flags, not both', hint: 'Keyed signatures are checked with --key; keyless ones with --certificate-identity and --certificate-oidc-issuer.' });
  if (identity) return { identity, trustedRoot: resolveTrustedRoot(flags.trustedRoot).root };
  if (!hasKeys) throw new PortcullisError({ code: 'USAGE', message: 'Nothing to verify against', hint: 'Pass --key FILE.pub, or --certificate-identity and --certificate-oidc-issuer for keyless signatures.' });
  return { keys: loadPublicKeys(flags.key!) };
}

function addVerifyOptions(cmd: Command): Command {
  cmd.option('--key <file>', 'public key (SPKI PEM, e.g. cosign.pub); repeat to accept any of several', collect);
  addIdentityOptions(cmd);
  return cmd.option('--trusted-root <file>', 'keyless: Sigstore trusted_root.json (default: the public-good root shipped with @sigstore/tuf)');
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
      ...(c.source ? { source: c.source } : {}),
      ...(c.keyId ? { keyId: c.keyId } : {}),
      ...(c.signer?.subjectAlternativeName ? { signer: { subjectAlternativeName: c.signer.subjectAlternativeName, issuer: c.signer.issuer } } : {}),
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
    const color = useColor(process.stderr);
    if (v.verified) {
      process.stderr.write(`${color ? ANSI.green('verified') : 'verified'}: ${v.image}@${v.digest}: ${v.reason}\n`);
      for (const c of v.checks) if (c.verified) process.stderr.write(`  - ${c.reason}\n`);
    } else {
      process.stderr.write(`${color ? ANSI.red('not verified') : 'not verified'} [${v.code}]: ${v.image}@${v.digest}: ${v.reason}\n`);
      for (const c of v.checks) process.stderr.write(`  - [${c.code ?? 'OK'}] ${c.reason}\n`);
    }
  }
  if (!v.verified) process.exitCode = VERIFY_FAILED_EXIT;
}

const EXIT_HELP = `
Exit status: 0 verified, ${VERIFY_FAILED_EXIT} not verified (with a stable code: SIGNATURE_MISSING, SIGNATURE_INVALID,
SIGNATURE_DIGEST_MISMATCH, PAYLOAD_INVALID, PREDICATE_TYPE_MISMATCH; keyless also CERTIFICATE_INVALID, IDENTITY_MISMATCH,
TLOG_INVALID, TIMESTAMP_INVALID, BUNDLE_INVALID), 2 usage or input error, 3 internal error.`;

export function verifyCommand(): Command {
  const cmd = new Command('verify')
    .description('Verify the cosign signatures of an image in a registry (.sig tag and OCI 1.1 referrer bundles), with public keys or keyless')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]');
  addVerifyOptions(cmd)
    .option('-a, --annotation <key=value>', 'require this annotation in the signed payload (repeatable)', collect)
    .addOption(outputOption())
    .addHelpText('after', EXIT_HELP);
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: VerifyFlags & { annotation?: string[] }) => {
    const ref = registryReference(image, 'verify');
    const against = verifyAgainst(flags);
    const annotations = parseAnnotations(flags.annotation);
    const client = registryClientFor(ref, flags);
    try {
      await report('signature', await verifyImage(client, { ref, ...against, ...(annotations ? { annotations } : {}) }), flags.output);
    } finally {
      await client.close();
    }
  });
  return cmd;
}

export function verifyAttestationCommand(): Command {
  const cmd = new Command('verify-attestation')
    .description('Verify the in-toto attestations of an image in a registry (.att tag and OCI 1.1 referrer bundles)')
    .argument('<image>', 'docker://REGISTRY/REPO[:TAG|@DIGEST]');
  addVerifyOptions(cmd)
    .option('--type <type>', 'require this predicate type (short name as for attest, or a URI)')
    .addOption(outputOption())
    .addHelpText('after', EXIT_HELP);
  addRegistryOptions(cmd);
  cmd.action(async (image: string, flags: VerifyFlags & { type?: string }) => {
    const ref = registryReference(image, 'verify-attestation');
    const against = verifyAgainst(flags);
    const predicateType = flags.type ? resolvePredicateType(flags.type).uri : undefined;
    const client = registryClientFor(ref, flags);
    try {
      await report('attestation', await verifyImageAttestations(client, { ref, ...against, ...(predicateType ? { predicateType } : {}) }), flags.output);
    } finally {
      await client.close();
    }
  });
  return cmd;
}

/**
 * The `--push*` flags of `sign` and `attest`: also record the signature or attestation on a
 * metadata server as an ATTESTATION occurrence (see attest/record.ts). The same names and TLS
 * trust as `scan --push`.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { PortcullisError, Secret } from '../core/index.js';
import { imageResourceUri, recordAttestation, type AttestationEvidence, type RecordResult, type RecordTarget } from '../attest/index.js';
import type { DockerReference } from '../oci/index.js';
import { normalizeFingerprint } from '../scan/index.js';

export interface RecordFlags {
  push?: string;
  pushToken?: string;
  pushProject?: string;
  pushNotesProject?: string;
  pushCa?: string;
  pushInsecure?: boolean;
  pushFingerprint?: string;
}

export function addRecordOptions(cmd: Command, what: 'signature' | 'attestation'): Command {
  return cmd
    .option('--push <url>', `also record the ${what} on a Portcullis/Grafeas metadata server (an ATTESTATION occurrence on https://REGISTRY/REPO@sha256:…)`)
    .addOption(new Option('--push-token <token>', 'bearer token for --push').env('PORTCULLIS_TOKEN'))
    .option('--push-project <project>', 'project the occurrence is written to (required with --push)')
    .option('--push-notes-project <project>', `project of the ${what === 'signature' ? 'portcullis-signatures' : 'portcullis-attestations'} note (default: --push-project)`)
    .option('--push-ca <file>', 'PEM CA certificate (or the server certificate itself) to trust for --push')
    .option('--push-fingerprint <sha256>', "pin the server certificate's SHA-256 fingerprint (as the server prints it)")
    .option('--push-insecure', 'accept any server certificate (tests only)');
}

/** Checks the flags before anything is signed; undefined without --push. */
export function recordTargetOf(flags: RecordFlags): RecordTarget | undefined {
  const given = ['pushProject', 'pushNotesProject', 'pushCa', 'pushFingerprint', 'pushInsecure'].filter((k) => flags[k as keyof RecordFlags] !== undefined);
  if (!flags.push) {
    if (given.length) throw new PortcullisError({ code: 'USAGE', message: `--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --push URL` });
    return undefined;
  }
  if (!flags.pushProject) throw new PortcullisError({ code: 'USAGE', message: '--push needs --push-project PROJECT', hint: 'The project the token may write to.' });
  if ([flags.pushCa, flags.pushFingerprint, flags.pushInsecure].filter((v) => v !== undefined).length > 1) throw new PortcullisError({ code: 'USAGE', message: '--push-ca, --push-fingerprint and --push-insecure exclude each other' });
  if (flags.pushFingerprint) normalizeFingerprint(flags.pushFingerprint);
  let ca: string | undefined;
  if (flags.pushCa) {
    try {
      ca = readFileSync(flags.pushCa, 'utf8');
    } catch (err) {
      throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read --push-ca "${flags.pushCa}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, cause: err });
    }
  }
  return {
    url: flags.push,
    project: flags.pushProject,
    ...(flags.pushNotesProject ? { notesProject: flags.pushNotesProject } : {}),
    ...(flags.pushToken ? { token: new Secret(flags.pushToken) } : {}),
    tls: { ...(ca ? { ca } : {}), ...(flags.pushInsecure ? { insecure: true } : {}), ...(flags.pushFingerprint ? { fingerprint: flags.pushFingerprint } : {}) },
  };
}

/** Records the evidence when --push was given; prints one line (text output) and returns the result. */
export async function recordIfAsked(target: RecordTarget | undefined, ref: DockerReference, digest: string, evidence: Omit<AttestationEvidence, 'resourceUri'>, quiet: boolean): Promise<RecordResult | undefined> {
  if (!target) return undefined;
  let r: RecordResult;
  try {
    r = await recordAttestation(target, { ...evidence, resourceUri: imageResourceUri(ref.registry, ref.repository, digest) });
  } catch (err) {
    if (!(err instanceof PortcullisError)) throw err;
    // The registry write happened: say so, so that a retry is known to be safe (it is idempotent).
    throw new PortcullisError({ code: err.code, message: `The ${evidence.purpose} is stored at ${evidence.location}, but recording it on ${target.url} failed: ${err.message}`, hint: `${err.hint ? `${err.hint} ` : ''}Running the command again records it without signing twice.`, cause: err });
  }
  if (!quiet) process.stderr.write(r.created ? `Recorded ${r.occurrence} (ATTESTATION, note ${r.noteName}) on ${r.resourceUri}\n` : `Already recorded as ${r.occurrence} on ${r.resourceUri}\n`);
  return r;
}

/**
 * The evidence flags shared by `policy test|explain|recheck` and `admission serve`: the images'
 * registries (`--registry`, per-registry credentials from an auth file) and a metadata server
 * (`--metadata URL` with its project, token and TLS trust). One parser, so the webhook and the
 * CLI read the same evidence the same way.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { metadataEvidence, registryEvidence, type MetadataEvidenceOptions, type MetadataEvidenceProvider, type RegistryEvidenceProvider } from '../admission/index.js';
import { PortcullisError } from '../core/index.js';
import { registryClientFor } from './signing-options.js';
import type { RetryPolicy } from '../http/index.js';

export interface EvidenceFlags {
  registry?: boolean;
  authfile?: string;
  insecure?: boolean;
  metadata?: string;
  metadataProject?: string;
  metadataToken?: string;
  metadataCa?: string;
  metadataFingerprint?: string;
  metadataInsecure?: boolean;
}

export function addEvidenceOptions(cmd: Command): Command {
  return cmd
    .option('--registry', "fetch digests, signatures and attestations from the images' registries (default: offline)")
    .option('--authfile <file>', 'auth file with per-registry credentials (default: REGISTRY_AUTH_FILE, containers auth.json, ~/.docker/config.json)')
    .option('--insecure', 'allow plain HTTP and unverified TLS for non-loopback registries')
    .option('--metadata <url>', 'read vulnerability scans (occurrences) from this Portcullis/Grafeas metadata server')
    .option('--metadata-project <project>', 'project of the occurrences (required with --metadata)')
    .addOption(new Option('--metadata-token <token>', 'bearer token for --metadata').env('PORTCULLIS_TOKEN'))
    .option('--metadata-ca <file>', 'PEM CA certificate (or the server certificate) to trust for --metadata')
    .option('--metadata-fingerprint <sha256>', "pin the metadata server certificate's SHA-256 fingerprint")
    .option('--metadata-insecure', 'accept any metadata server certificate (tests only)');
}

export interface EvidenceSources {
  registry?: RegistryEvidenceProvider;
  metadata?: MetadataEvidenceProvider;
  /** How the metadata server is reached (for writers: DEPLOYMENT occurrences, invalidation polls). */
  metadataOptions?: MetadataEvidenceOptions;
  close(): Promise<void>;
}

/** Checks the flags and builds the providers they ask for (none: offline). */
export function evidenceSources(flags: EvidenceFlags, opts: { timeoutMs?: number } = {}): EvidenceSources {
  if (!flags.metadata && (flags.metadataProject || flags.metadataCa || flags.metadataFingerprint || flags.metadataInsecure)) throw new PortcullisError({ code: 'USAGE', message: 'The --metadata-* options need --metadata URL' });
  if (flags.metadata && !flags.metadataProject) throw new PortcullisError({ code: 'USAGE', message: '--metadata needs --metadata-project PROJECT', hint: 'The project the scans were pushed to (scan --push-project).' });
  if ([flags.metadataCa, flags.metadataFingerprint, flags.metadataInsecure].filter((v) => v !== undefined).length > 1) throw new PortcullisError({ code: 'USAGE', message: '--metadata-ca, --metadata-fingerprint and --metadata-insecure exclude each other' });
  if (flags.metadata) {
    try {
      new URL(flags.metadata);
    } catch (err) {
      throw new PortcullisError({ code: 'USAGE', message: `Invalid --metadata URL "${flags.metadata}"`, hint: 'e.g. https://metadata.example:8443', cause: err });
    }
  }
  let ca: string | undefined;
  if (flags.metadataCa) {
    try {
      ca = readFileSync(flags.metadataCa, 'utf8');
    } catch (err) {
      throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read --metadata-ca "${flags.metadataCa}"`, cause: err });
    }
  }
  // Only per-registry credentials (auth files): one --creds would be sent to every registry.
  // With a time budget (the webhook's deadline), retries of a registry that is down end within half
  // of it, so the answer names the registry's error instead of running out of time.
  const retry: RetryPolicy | undefined = opts.timeoutMs !== undefined ? { maxTotalMs: Math.floor(opts.timeoutMs / 2), maxAttempts: 3 } : undefined;
  const registry = flags.registry ? registryEvidence({ clientFor: (host) => registryClientFor({ registry: host, repository: '' }, { ...(flags.authfile ? { authfile: flags.authfile } : {}), ...(flags.insecure ? { insecure: true } : {}) }, undefined, retry) }) : undefined;
  const metadataOptions: MetadataEvidenceOptions | undefined = flags.metadata
    ? {
        url: flags.metadata,
        project: flags.metadataProject!,
        ...(flags.metadataToken ? { token: flags.metadataToken } : {}),
        tls: { ...(ca ? { ca } : {}), ...(flags.metadataFingerprint ? { fingerprint: flags.metadataFingerprint } : {}), ...(flags.metadataInsecure ? { insecure: true } : {}) },
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      }
    : undefined;
  const metadata = metadataOptions ? metadataEvidence(metadataOptions) : undefined;
  return {
    ...(registry ? { registry } : {}),
    ...(metadata ? { metadata } : {}),
    ...(metadataOptions ? { metadataOptions } : {}),
    close: async () => void (await Promise.all([registry?.close(), metadata?.close()])),
  };
}

/** The `--push*` flags of `scan image|fs|rootfs|sbom`: record the scan on a metadata server. */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { type CatalogResult, PortcullisError, type VulnerabilityFinding, Secret } from '../core/index.js';
import type { RetryEvent } from '../http/index.js';
import {
  buildScanRecord,
  DEFAULT_NOTES_PROJECT,
  normalizeFingerprint,
  pushResourceUri,
  pushScan,
  type PushResult,
} from '../scan/index.js';

export interface PushFlags {
  push?: string;
  pushToken?: string;
  pushProject?: string;
  pushNotesProject: string;
  pushResourceUri?: string;
  pushCa?: string;
  pushInsecure?: boolean;
  pushFingerprint?: string;
}

export function addPushOptions(cmd: Command): Command {
  return cmd
    .option(
      '--push <url>',
      'record the scan on a Portcullis/Grafeas metadata server (replaces the previous scan of the same image)',
    )
    .addOption(new Option('--push-token <token>', 'bearer token for --push').env('PORTCULLIS_TOKEN'))
    .option('--push-project <project>', 'project the occurrences are written to (required with --push)')
    .option(
      '--push-notes-project <project>',
      'provider project of the vulnerability, package and scan notes',
      DEFAULT_NOTES_PROJECT,
    )
    .option(
      '--push-resource-uri <uri>',
      'resource URI to record the scan on (default: https://REGISTRY/REPO@sha256:… of the image)',
    )
    .option('--push-ca <file>', 'PEM CA certificate (or the server certificate itself) to trust for --push')
    .option(
      '--push-fingerprint <sha256>',
      "pin the server certificate's SHA-256 fingerprint (as the server prints it)",
    )
    .option('--push-insecure', 'accept any server certificate (tests only)');
}

/** Checks the flags before anything is scanned. */
export function checkPushFlags(flags: PushFlags, opts: { kind: string; vuln: boolean }): void {
  const given = ['pushProject', 'pushResourceUri', 'pushCa', 'pushFingerprint', 'pushInsecure'].filter(
    (k) => flags[k as keyof PushFlags] !== undefined,
  );
  if (!flags.push) {
    if (given.length)
      throw new PortcullisError({
        code: 'USAGE',
        message: `--${given[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --push URL`,
      });
    return;
  }
  if (!flags.pushProject)
    throw new PortcullisError({
      code: 'USAGE',
      message: '--push needs --push-project PROJECT',
      hint: 'The project the token may write to.',
    });
  if (!opts.vuln)
    throw new PortcullisError({
      code: 'USAGE',
      message: '--push records vulnerability scans: include "vuln" in --scanners',
    });
  if (opts.kind !== 'image' && !flags.pushResourceUri)
    throw new PortcullisError({
      code: 'USAGE',
      message: `--push of a ${opts.kind} scan needs --push-resource-uri URI`,
      hint: 'Only images have a registry digest to name the resource by.',
    });
  const tlsModes = [flags.pushCa, flags.pushFingerprint, flags.pushInsecure].filter(
    (v) => v !== undefined,
  ).length;
  if (tlsModes > 1)
    throw new PortcullisError({
      code: 'USAGE',
      message: '--push-ca, --push-fingerprint and --push-insecure exclude each other',
    });
  if (flags.pushFingerprint) normalizeFingerprint(flags.pushFingerprint);
}

/** What `scan --push` prints before waiting to try again, e.g. "push to URL: retrying in 2 s: 503". */
export function retryLine(url: string, e: RetryEvent): string {
  const s = e.waitMs / 1000;
  return `push to ${url}: retrying in ${Number.isInteger(s) || s >= 10 ? Math.round(s) : s.toFixed(1)} s: ${e.reason}`;
}

/** Builds and sends the scan record; prints one line to stderr unless quiet (and one per retry). */
export async function pushFromScan(
  flags: PushFlags,
  scan: {
    result: CatalogResult;
    findings: VulnerabilityFinding[];
    coverage: string[];
    toolVersion: string;
    quiet?: boolean;
  },
): Promise<PushResult> {
  const resourceUri = pushResourceUri(scan.result, flags.pushResourceUri);
  const record = buildScanRecord({
    result: scan.result,
    findings: scan.findings,
    coverage: scan.coverage,
    resourceUri,
    notesProject: flags.pushNotesProject,
    toolVersion: scan.toolVersion,
  });
  let ca: string | undefined;
  if (flags.pushCa) {
    try {
      ca = readFileSync(flags.pushCa, 'utf8');
    } catch (err) {
      throw new PortcullisError({
        code: 'FILE_NOT_FOUND',
        message: `Cannot read --push-ca "${flags.pushCa}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        cause: err,
      });
    }
  }
  const r = await pushScan(record, {
    url: flags.push!,
    project: flags.pushProject!,
    ...(flags.pushToken ? { token: new Secret(flags.pushToken) } : {}),
    tls: {
      ...(ca ? { ca } : {}),
      ...(flags.pushInsecure ? { insecure: true } : {}),
      ...(flags.pushFingerprint ? { fingerprint: flags.pushFingerprint } : {}),
    },
    ...(scan.quiet ? {} : { retry: { onRetry: (e: RetryEvent) => process.stderr.write(`${retryLine(flags.push!, e)}\n`) } }),
  });
  if (!scan.quiet)
    process.stderr.write(
      `pushed to ${flags.push}: ${r.createdCount} occurrences on ${r.resourceUri} (replaced ${r.deletedCount}; ${r.notesCreatedCount} new notes in ${r.notesProject})\n`,
    );
  return r;
}

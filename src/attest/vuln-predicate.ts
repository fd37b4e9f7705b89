/**
 * cosign's vulnerability attestation predicate (`--type vuln`,
 * `https://cosign.sigstore.dev/attestation/vuln/v1`), as cosign's `CosignVulnPredicate` defines it:
 *
 *     {"invocation": {"parameters": …, "uri": "", "event_id": "", "builder.id": ""},
 *      "scanner": {"uri": …, "version": …, "db": {"uri": …, "version": …}, "result": <report>},
 *      "metadata": {"scanStartedOn": <RFC 3339>, "scanFinishedOn": <RFC 3339>}}
 *
 * `result` is the scanner's own report: here our JSON vulnerability report (schemaVersion 1).
 */

export interface VulnPredicateInput {
  toolVersion: string;
  /** The scanner's report document. */
  result: unknown;
  /** What the advisory data is: its sources, and when it was last imported. */
  db: { uri: string; version: string };
  startedOn: Date;
  finishedOn: Date;
  /** The command-line parameters of the scan (recorded as `invocation.parameters`). */
  parameters?: string[];
}

/** The scanner URI we record: the package URL of this tool. */
export function scannerUri(toolVersion: string): string {
  return `pkg:npm/portcullis@${toolVersion}`;
}

/** Builds the predicate object (member order as cosign writes it). */
export function buildVulnPredicate(input: VulnPredicateInput): Record<string, unknown> {
  return {
    invocation: { parameters: input.parameters ?? null, uri: '', event_id: '', 'builder.id': '' },
    scanner: { uri: scannerUri(input.toolVersion), version: input.toolVersion, db: input.db, result: input.result },
    metadata: { scanStartedOn: input.startedOn.toISOString(), scanFinishedOn: input.finishedOn.toISOString() },
  };
}

/**
 * Vulnerability evidence from a Portcullis/Grafeas metadata server: the DISCOVERY and
 * VULNERABILITY occurrences recorded for the image's resource URI
 * (`https://REGISTRY/REPO@sha256:…`, as `scan --push` writes them), through the Grafeas v1 REST
 * API (`occurrences.list` with a filter, every page). The scan time is the DISCOVERY occurrence's
 * `lastScanTime` (else its create time; without one, the oldest finding's), so the engine can
 * refuse evidence older than `maxEvidenceAge`. No scan recorded is an error answer, not "clean".
 */
import { isPortcullisError, PortcullisError, type Severity } from '../../core/index.js';
import type { Evidence, EvidenceProvider, ImageAtDigest, VulnerabilityFinding, VulnerabilityReport } from '../../policy/index.js';
import { createHttpClient } from '../../http/index.js';
import { type PushTls, uriOf } from '../../scan/index.js';

export interface MetadataEvidenceOptions {
  /** The server's base URL (https://metadata.example:8443). */
  url: string;
  project: string;
  token?: string;
  tls?: PushTls;
  /** Per request, milliseconds (default 10 s). */
  timeoutMs?: number;
}

const MAX_PAGES = 50;
const MAX_BODY = 32 << 20;

type Json = Record<string, unknown>;
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

const SEVERITY: Readonly<Record<string, Severity>> = { CRITICAL: 'CRITICAL', HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW', MINIMAL: 'LOW' };

/** The advisory id a Portcullis note id encodes (`~hh` escapes undone). */
function idOfNote(noteName: string): string {
  const id = noteName.slice(noteName.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(id.replace(/~([0-9a-f]{2})/g, '%$1'));
  } catch {
    return id;
  }
}

function findingOf(o: Json): VulnerabilityFinding | undefined {
  const v = isRecord(o.vulnerability) ? o.vulnerability : undefined;
  if (!v || typeof o.name !== 'string') return undefined;
  const issues = Array.isArray(v.packageIssue) ? v.packageIssue.filter(isRecord) : [];
  const sev = String(v.effectiveSeverity ?? v.severity ?? '');
  return {
    id: idOfNote(String(o.noteName ?? o.name)),
    severity: SEVERITY[sev] ?? 'UNKNOWN',
    fixable: v.fixAvailable === true || issues.some((i) => i.fixAvailable === true),
    ...(typeof issues[0]?.affectedPackage === 'string' ? { package: issues[0].affectedPackage } : {}),
    evidenceId: o.name,
  };
}

/** Builds the report from the listed occurrences (pure). */
export function reportOfOccurrences(occurrences: readonly Json[]): VulnerabilityReport | undefined {
  let scan: { at: number; id: string } | undefined;
  let oldest = Infinity;
  const findings: VulnerabilityFinding[] = [];
  for (const o of occurrences) {
    const created = Date.parse(String(o.createTime ?? ''));
    if (o.kind === 'DISCOVERY' && isRecord(o.discovery)) {
      const at = Date.parse(String(o.discovery.lastScanTime ?? o.createTime ?? ''));
      if (!Number.isNaN(at) && (!scan || at > scan.at)) scan = { at, id: String(o.name) };
    } else if (o.kind === 'VULNERABILITY') {
      const f = findingOf(o);
      if (f) findings.push(f);
      if (!Number.isNaN(created)) oldest = Math.min(oldest, created);
    }
  }
  const at = scan?.at ?? (Number.isFinite(oldest) ? oldest : undefined);
  if (at === undefined) return undefined;
  return { scannedAt: new Date(at), source: 'metadata', ...(scan ? { scanId: scan.id } : {}), findings };
}

export interface MetadataEvidenceProvider extends Pick<EvidenceProvider, 'vulnerabilities'> {
  close(): Promise<void>;
}

export function metadataEvidence(opts: MetadataEvidenceOptions): MetadataEvidenceProvider {
  const base = new URL(opts.url);
  const timeout = opts.timeoutMs ?? 10_000;
  const http = createHttpClient({ tls: opts.tls ?? {}, timeouts: { headersMs: timeout, bodyMs: timeout }, peer: `the metadata server at ${base.origin}` });
  async function list(resourceUri: string): Promise<Json[]> {
    const out: Json[] = [];
    let pageToken = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const u = new URL(`${base.pathname.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(opts.project)}/occurrences`, base);
      u.searchParams.set('filter', `resourceUri = ${JSON.stringify(resourceUri)} AND (kind = "VULNERABILITY" OR kind = "DISCOVERY")`);
      u.searchParams.set('pageSize', '1000');
      if (pageToken) u.searchParams.set('pageToken', pageToken);
      const res = await http.request(u, { method: 'GET', headers: { accept: 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) } });
      const text = await res.text(MAX_BODY, 'the metadata server\'s answer');
      if (res.status !== 200) {
        const code = res.status === 401 || res.status === 403 ? 'PERMISSION_DENIED' : res.status === 429 ? 'RATE_LIMITED' : 'METADATA_INVALID';
        throw new PortcullisError({ code, message: `The metadata server answered ${res.status}: ${text.slice(0, 200)}`, hint: 'Check --metadata, --metadata-project and --metadata-token.' });
      }
      const doc: unknown = JSON.parse(text);
      if (!isRecord(doc)) break;
      if (Array.isArray(doc.occurrences)) out.push(...doc.occurrences.filter(isRecord));
      pageToken = typeof doc.nextPageToken === 'string' ? doc.nextPageToken : '';
      if (!pageToken) break;
    }
    return out;
  }
  return {
    async vulnerabilities(image: ImageAtDigest): Promise<Evidence<VulnerabilityReport>> {
      const uri = uriOf(image.registry, image.repository, image.digest);
      try {
        const report = reportOfOccurrences(await list(uri));
        if (!report) return { ok: false, code: 'METADATA_NOT_FOUND', message: `no scan of ${uri} in project ${opts.project} on ${opts.url}` };
        return { ok: true, value: report };
      } catch (err) {
        const e = isPortcullisError(err) ? err : undefined;
        return { ok: false, code: e?.code ?? 'NETWORK_ERROR', message: `metadata server ${opts.url}: ${(err as Error)?.message ?? String(err)}` };
      }
    },
    async close() {
      await http.close();
    },
  };
}

/**
 * `scan … --push URL`: a scan as Grafeas occurrences on the image's resource URI — one DISCOVERY,
 * one PACKAGE per package, one VULNERABILITY per finding — with the notes they reference (one
 * per vulnerability id, one per package, one for the scan), sent in one
 * `occurrences:replaceScan` request (a Portcullis extension of the metadata server) so a
 * re-scan replaces the previous one atomically. See docs/metadata-server.md.
 */
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';
import { sendWithRetry, type RetriedResponse, type RetryPolicy } from './push-retry.js';
import { PortcullisError } from '../core/errors.js';
import type { ArtifactInfo, CatalogResult, Package } from '../core/types.js';
import { parseDockerReference } from '../oci/reference.js';
import type { Finding } from '../vulndb/match.js';
import type { Severity } from '../vulndb/severity.js';
import { affectedCpeUri, osCpeUri } from './grafeas-cpe.js';

export const DEFAULT_NOTES_PROJECT = 'portcullis-vulnerabilities';
/** The DISCOVERY note every scan occurrence points at. */
export const SCAN_NOTE_ID = 'portcullis-scan';

type Json = Record<string, unknown>;

export interface ScanRecord {
  resourceUri: string;
  notesProject: string;
  kinds: string[];
  notes: Record<string, Json>;
  occurrences: Json[];
}

// ---------------------------------------------------------------------------------------------
// Resource URI

/** Whether the first path component of a reference names a registry (as Docker decides it). */
function hasRegistry(ref: string): boolean {
  const first = ref.split('/')[0]!;
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

function uriOf(registry: string, repository: string, digest: string): string {
  return `https://${registry}/${repository}@${digest}`;
}

/**
 * The Grafeas resource URI of a scanned image, `https://REGISTRY/REPOSITORY@sha256:…` (the digest
 * of the manifest that was scanned). The repository is the one the image carries: the reference
 * for a registry image; the `org.opencontainers.image.ref.name` of an OCI layout or archive when
 * it is a full reference with a registry (`registry.example/team/app:1`); the RepoTags entry of a
 * docker-archive, normalised as Docker does. Undefined when there is no repository or no manifest
 * digest (a rootfs or project directory, an SBOM, an OCI image tagged only `app`, a docker-archive,
 * which stores no manifest): pass the URI explicitly then.
 */
export function resourceUriOf(artifact: ArtifactInfo): string | undefined {
  const digest = artifact.digest;
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) return undefined;
  switch (artifact.transport) {
    case 'docker': {
      const ref = parseDockerReference(artifact.reference.replace(/^docker:\/\//, ''));
      return uriOf(ref.registry, ref.repository, digest);
    }
    case 'oci':
    case 'oci-archive': {
      const name = artifact.tag;
      if (!name || !hasRegistry(name)) return undefined;
      const ref = parseDockerReference(name);
      return uriOf(ref.registry, ref.repository, digest);
    }
    case 'docker-archive': {
      if (!artifact.repository) return undefined;
      const ref = parseDockerReference(artifact.repository);
      return uriOf(ref.registry, ref.repository, digest);
    }
    default:
      return undefined;
  }
}

/** Resolves the URI for `--push`: the explicit one, or the image's; refuses when there is none. */
export function pushResourceUri(result: CatalogResult, explicit?: string): string {
  if (explicit) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(explicit))
      throw new PortcullisError({
        code: 'USAGE',
        message: `Invalid --push-resource-uri "${explicit}"`,
        hint: 'A URI such as https://registry.example/app@sha256:….',
      });
    return explicit;
  }
  const uri = resourceUriOf(result.artifact);
  if (uri) return uri;
  const a = result.artifact;
  const why =
    a.transport === 'rootfs' || a.transport === 'sbom'
      ? 'a directory or SBOM has no registry digest'
      : !a.digest
        ? 'the image has no manifest digest (a docker-archive stores none)'
        : `the image carries no repository with a registry${a.tag ? ` (its name is "${a.tag}")` : ''}`;
  throw new PortcullisError({
    code: 'USAGE',
    message: `Cannot derive the resource URI to push "${a.reference}" to: ${why}`,
    hint: 'Scan the image from its registry (docker://REGISTRY/REPO@sha256:…), tag the OCI image with a full reference, or pass --push-resource-uri URI.',
  });
}

// ---------------------------------------------------------------------------------------------
// Scan → notes and occurrences

const GRAFEAS_SEVERITY: Record<Severity, string> = {
  UNKNOWN: 'SEVERITY_UNSPECIFIED',
  LOW: 'LOW',
  MEDIUM: 'MEDIUM',
  HIGH: 'HIGH',
  CRITICAL: 'CRITICAL',
};
const OS_TYPES = new Set(['deb', 'apk', 'rpm']);
const PACKAGE_TYPE: Record<string, string> = {
  npm: 'NPM',
  pypi: 'PYPI',
  golang: 'GO',
  maven: 'MAVEN',
  cargo: 'CARGO',
  gem: 'RUBYGEMS',
  composer: 'COMPOSER',
};

/** Grafeas Architecture has X86 and X64 only. */
const ARCH: Record<string, string> = { amd64: 'X64', x86_64: 'X64', i386: 'X86', i686: 'X86', x86: 'X86' };

function packageTypeOf(type: string): string {
  return OS_TYPES.has(type) ? 'OS' : (PACKAGE_TYPE[type] ?? type.toUpperCase());
}

/**
 * A note id from any string: characters outside `[A-Za-z0-9._-]` become `~` and two hex digits
 * (so distinct names stay distinct); overlong ids keep a prefix and a hash.
 */
export function noteIdOf(s: string): string {
  let id = s.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `~${b.toString(16).padStart(2, '0')}`).join(''),
  );
  if (!/^[A-Za-z0-9]/.test(id)) id = `x${id}`;
  if (id.length > 255)
    id = `${id.slice(0, 230)}-${createHash('sha256').update(s).digest('hex').slice(0, 24)}`;
  return id;
}

/** Grafeas Version of a package version; dpkg/rpm `epoch:upstream-revision` split. */
function versionOf(type: string, v: string): Json {
  if (type === 'deb' || type === 'rpm') {
    const m = /^(?:(\d+):)?(.+?)(?:-([^-]+))?$/.exec(v);
    if (m)
      return {
        ...(m[1] ? { epoch: Number(m[1]) } : {}),
        name: m[2],
        ...(m[3] ? { revision: m[3] } : {}),
        kind: 'NORMAL',
        fullName: v,
      };
  }
  return { name: v, kind: 'NORMAL', fullName: v };
}

function relatedUrls(f: Finding): { url: string; label: string }[] {
  const out: { url: string; label: string }[] = [];
  for (const id of [f.id, ...f.aliases.filter((a) => a !== f.id)]) {
    if (id.startsWith('CVE-')) out.push({ url: `https://nvd.nist.gov/vuln/detail/${id}`, label: 'NVD' });
    else if (id.startsWith('GHSA-'))
      out.push({ url: `https://github.com/advisories/${id}`, label: 'GitHub Advisory' });
    else out.push({ url: `https://osv.dev/vulnerability/${id}`, label: 'OSV' });
  }
  if (f.id.startsWith('CVE-') && f.sources.includes('debian-tracker'))
    out.push({
      url: `https://security-tracker.debian.org/tracker/${f.id}`,
      label: 'Debian security tracker',
    });
  return out;
}

function cvssOf(f: Finding): Json {
  const s = f.severity;
  if (s?.score === undefined) return {};
  const version = s.source.startsWith('cvss:3')
    ? 'CVSS_VERSION_3'
    : s.source.startsWith('cvss:2')
      ? 'CVSS_VERSION_2'
      : undefined;
  return { cvssScore: s.score, ...(version ? { cvssVersion: version } : {}) };
}

export interface BuildScanRecordOptions {
  result: CatalogResult;
  /** The findings reported (after severity, ignore and VEX filters). */
  findings: Finding[];
  /** Coverage statements of the match (no advisory data for …). */
  coverage?: string[];
  resourceUri: string;
  notesProject?: string;
  toolVersion: string;
  now?: Date;
}

/** The replaceScan request for one scan. */
export function buildScanRecord(opts: BuildScanRecordOptions): ScanRecord {
  const notesProject = opts.notesProject ?? DEFAULT_NOTES_PROJECT;
  const now = opts.now ?? new Date();
  const noteName = (id: string) => `projects/${notesProject}/notes/${id}`;
  const notes: Record<string, Json> = {};
  const occurrences: Json[] = [];
  const uri = opts.resourceUri;

  notes[SCAN_NOTE_ID] = {
    shortDescription: 'Portcullis vulnerability scan',
    longDescription: 'Package and vulnerability analysis of container images by Portcullis.',
    discovery: { analysisKind: 'VULNERABILITY' },
  };
  occurrences.push({
    resourceUri: uri,
    noteName: noteName(SCAN_NOTE_ID),
    discovery: {
      continuousAnalysis: 'INACTIVE',
      analysisStatus: 'FINISHED_SUCCESS',
      analysisCompleted: { analysisType: ['PACKAGE', 'VULNERABILITY'] },
      // Coverage gaps are said, not hidden behind "0 vulnerabilities" (FAILED_PRECONDITION).
      ...(opts.coverage?.length
        ? { analysisError: opts.coverage.map((message) => ({ code: 9, message })) }
        : {}),
      lastScanTime: now.toISOString(),
      ...(opts.result.os ? { cpe: osCpeUri(opts.result.os) } : {}),
    },
  });

  const packageNoteId = (p: Pick<Package, 'type' | 'name'>) => noteIdOf(`pkg-${p.type}-${p.name}`);
  const seen = new Set<string>();
  for (const p of opts.result.packages) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    const id = packageNoteId(p);
    notes[id] ??= { shortDescription: p.name, package: { name: p.name, packageType: packageTypeOf(p.type) } };
    occurrences.push({
      resourceUri: uri,
      noteName: noteName(id),
      package: {
        name: p.name,
        packageType: packageTypeOf(p.type),
        version: versionOf(p.type, p.version),
        ...(p.arch && ARCH[p.arch] ? { architecture: ARCH[p.arch] } : {}),
        ...(p.licenses.length ? { license: { expression: p.licenses.join(' AND ') } } : {}),
        location: p.locations.map((l) => ({ path: l.path, version: versionOf(p.type, p.version) })),
      },
    });
  }

  const packagesById = new Map(opts.result.packages.map((p) => [p.id, p]));
  for (const f of opts.findings) {
    const id = noteIdOf(f.id);
    // Required by Grafeas on every PackageIssue and note Detail: the OS's CPE, else the package's.
    const cpe = affectedCpeUri(opts.result.os, {
      type: f.packageType,
      name: f.packageName,
      version: f.installedVersion,
      ...(packagesById.get(f.packageId)?.purl ? { purl: packagesById.get(f.packageId)!.purl } : {}),
    });
    const sev = GRAFEAS_SEVERITY[f.severity?.severity ?? 'UNKNOWN'];
    const type = packageTypeOf(f.packageType);
    const fixed = f.fixedVersions[0];
    const detail: Json = {
      affectedCpeUri: cpe,
      affectedPackage: f.packageName,
      packageType: type,
      severityName: sev,
      source: f.sources.join(','),
      ...(fixed ? { fixedVersion: versionOf(f.packageType, fixed) } : { fixedVersion: { kind: 'MAXIMUM' } }),
      ...(f.title ? { description: f.title } : {}),
    };
    const note = (notes[id] ??= {
      shortDescription: f.title ?? f.id,
      relatedUrl: relatedUrls(f),
      vulnerability: { severity: sev, ...cvssOf(f), details: [] as Json[] },
    });
    ((note.vulnerability as Json).details as Json[]).push(detail);
    occurrences.push({
      resourceUri: uri,
      noteName: noteName(id),
      ...(fixed ? { remediation: `Upgrade ${f.packageName} to ${fixed}` } : {}),
      vulnerability: {
        type,
        severity: sev,
        effectiveSeverity: sev,
        ...cvssOf(f),
        ...(f.title ? { shortDescription: f.title } : {}),
        fixAvailable: !!fixed,
        relatedUrls: relatedUrls(f),
        packageIssue: [
          {
            affectedCpeUri: cpe,
            affectedPackage: f.packageName,
            affectedVersion: versionOf(f.packageType, f.installedVersion),
            fixedCpeUri: cpe,
            fixedPackage: f.packageName,
            fixedVersion: fixed ? versionOf(f.packageType, fixed) : { kind: 'MAXIMUM' },
            fixAvailable: !!fixed,
            packageType: type,
            effectiveSeverity: sev,
            ...(f.location ? { fileLocation: [{ filePath: f.location }] } : {}),
          },
        ],
        ...(f.aliases.length
          ? { extraDetails: `aliases: ${f.aliases.join(', ')}; state: ${f.state}` }
          : { extraDetails: `state: ${f.state}` }),
      },
    });
  }
  return {
    resourceUri: uri,
    notesProject,
    kinds: ['DISCOVERY', 'PACKAGE', 'VULNERABILITY'],
    notes,
    occurrences,
  };
}

// ---------------------------------------------------------------------------------------------
// The client

export interface PushTls {
  /** PEM CA bundle that signs (or is) the server's certificate. */
  ca?: string;
  /** Accept any certificate. */
  insecure?: boolean;
  /** SHA-256 fingerprint of the server's certificate (hex, colons optional): pinned, the CA chain is not consulted. */
  fingerprint?: string;
}

export interface PushOptions {
  /** The server's base URL, e.g. https://metadata.example:8443. */
  url: string;
  token?: string;
  project: string;
  tls?: PushTls;
  /** Milliseconds; default 120 s. */
  timeoutMs?: number;
  /** Retries of 429/503 answers (honouring Retry-After); default: push-retry.ts's policy. */
  retry?: RetryPolicy;
}

export interface PushResult {
  resourceUri: string;
  notesProject: string;
  deletedCount: number;
  createdCount: number;
  notesCreatedCount: number;
}

/** `AB:CD:…` or `abcd…` (optionally `sha256:`-prefixed) → 64 lowercase hex digits. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp
    .trim()
    .replace(/^sha256:/i, '')
    .replace(/:/g, '')
    .toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push-fingerprint "${fp}"`,
      hint: 'The SHA-256 fingerprint the server prints at start: 32 hex bytes, colons optional.',
    });
  return hex;
}

/** An undici dispatcher that trusts the server as `tls` says. */
export function pushDispatcher(tls: PushTls = {}, timeoutMs = 120_000): Dispatcher {
  const pinned = tls.fingerprint ? normalizeFingerprint(tls.fingerprint) : undefined;
  const base = buildConnector({
    ...(tls.ca ? { ca: tls.ca } : {}),
    rejectUnauthorized: !(tls.insecure || pinned),
    maxCachedSessions: 0,
    timeout: 15_000,
  });
  const connect: buildConnector.connector = (opts, cb) =>
    base(opts, (err, socket) => {
      if (err || !socket) return cb(err ?? new Error('connection failed'), null);
      if (pinned && opts.protocol === 'https:') {
        const got = (socket as TLSSocket)
          .getPeerCertificate?.()
          ?.fingerprint256?.replace(/:/g, '')
          .toLowerCase();
        if (got !== pinned) {
          socket.destroy();
          return cb(
            new PortcullisError({
              code: 'TLS_UNTRUSTED',
              message: `The server's certificate has SHA-256 fingerprint ${got ?? '(none)'}, not the pinned ${pinned}`,
              hint: 'Check --push-fingerprint against the fingerprint the server printed at start.',
            }),
            null,
          );
        }
      }
      return cb(null, socket);
    });
  return new Agent({ connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

function tlsError(err: unknown): PortcullisError | undefined {
  const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if (err instanceof PortcullisError) return err;
  if (typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code))
    return new PortcullisError({
      code: 'TLS_UNTRUSTED',
      message: `The server's TLS certificate is not trusted (${code})`,
      hint: 'Pin it with --push-fingerprint SHA256 (the server prints it), trust its CA with --push-ca FILE, or (tests only) --push-insecure.',
      cause: err,
    });
  return undefined;
}

/** Sends the scan in one `occurrences:replaceScan` request. */
export async function pushScan(record: ScanRecord, opts: PushOptions): Promise<PushResult> {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch (err) {
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push URL "${opts.url}"`,
      hint: 'The metadata server, e.g. https://metadata.example:8443.',
      cause: err,
    });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid --push URL "${opts.url}": use https:// (or http:// for a loopback test server)`,
    });
  const target = new URL(
    `${base.pathname.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(opts.project)}/occurrences:replaceScan`,
    base,
  );
  const dispatcher = pushDispatcher(opts.tls, opts.timeoutMs);
  try {
    let res;
    let gaveUp: RetriedResponse['gaveUp'];
    const body = JSON.stringify(record);
    try {
      ({ res, gaveUp } = await sendWithRetry(
        () =>
          request(target, {
            method: 'POST',
            dispatcher,
            headers: {
              'content-type': 'application/json',
              ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
            },
            body,
          }),
        opts.retry,
      ));
    } catch (err) {
      throw (
        tlsError(err) ??
        new PortcullisError({
          code: 'NETWORK_ERROR',
          message: `Cannot reach the metadata server at ${base.origin}: ${(err as { code?: string }).code ?? (err as Error).message}`,
          cause: err,
        })
      );
    }
    const text = await res.body.text();
    let json: Json = {};
    try {
      json = text ? (JSON.parse(text) as Json) : {};
    } catch {
      json = {};
    }
    if (res.statusCode === 200) return json as unknown as PushResult;
    const message = ((json.error as Json | undefined)?.message as string | undefined) ?? text.slice(0, 200);
    if (res.statusCode === 401)
      throw new PortcullisError({
        code: 'AUTH_FAILED',
        message: `The metadata server refused the token: ${message}`,
        hint: 'Pass a valid token with --push-token or PORTCULLIS_TOKEN.',
      });
    if (res.statusCode === 403)
      throw new PortcullisError({
        code: 'PERMISSION_DENIED',
        message: `The metadata server denied the push: ${message}`,
        hint: 'The token needs the writer role on --push-project, and on the notes project when notes are missing there.',
      });
    if (res.statusCode === 429)
      throw new PortcullisError({
        code: 'RATE_LIMITED',
        message: `The metadata server kept refusing the push as rate-limited (429): ${message}`,
        hint: gaveUp?.retryAfterMs !== undefined ? `It asked to retry after ${Math.ceil(gaveUp.retryAfterMs / 1000)} s; push again later, or raise the server's --rate-limit/--rate-burst.` : "Push again later, or raise the server's --rate-limit/--rate-burst.",
      });
    throw new PortcullisError({
      code: 'PUSH_FAILED',
      message: `The metadata server answered ${res.statusCode}: ${message}`,
    });
  } finally {
    await dispatcher.close();
  }
}

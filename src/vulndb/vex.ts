/**
 * VEX (Vulnerability Exploitability eXchange): statements read from OpenVEX v0.2.0 and CycloneDX
 * VEX files, applied to findings. A finding whose vulnerability and package a statement covers
 * takes the status of the latest such statement (by timestamp; on a tie, the one read last):
 * `not_affected` and `fixed` move it to the suppressed list, `affected` and `under_investigation`
 * keep it, with the statement attached.
 *
 * Matching rules:
 * - Vulnerability: the statement's name or any of its aliases (or the last path segment of an
 *   `@id` URL) equals the finding's id or one of its aliases, ignoring case.
 * - Package URL: type, namespace, name equal (as packageurl-js normalises them); a version, each
 *   qualifier and a subpath in the statement's purl must equal the package's, and what the
 *   statement's purl leaves out matches anything. So `pkg:deb/debian/tar` matches every tar,
 *   `pkg:deb/debian/tar@1.34+dfsg-1.2+deb12u1` that version on every arch and distro, and
 *   `…?arch=amd64` only amd64. (OpenVEX: a purl without a version refers to all versions.)
 * - A product without subcomponents is about itself: it matches the package (purl, or a bom-ref
 *   equal to the package id) or the whole scanned image (then every package in it).
 * - A product with subcomponents is an image: it must match the scanned image (a digest equal to
 *   the manifest or config digest, a `pkg:oci/` purl, or an image reference with the same
 *   repository and tag), and one subcomponent must match the package.
 */
import { readFileSync, statSync } from 'node:fs';
import { PackageURL } from 'packageurl-js';
import {
  PortcullisError,
  type ArtifactInfo,
  type CatalogResult,
  type Package,
  type SuppressedFinding,
  type VexFinding,
  type VexNote,
  type VulnerabilityFinding,
} from '../core/index.js';
import { isCycloneDxBom, parseCycloneDxVex } from './vex/cyclonedx-vex.js';
import { isOpenVex, parseOpenVex } from './vex/openvex.js';
import {
  SUPPRESSING_STATUSES,
  vexInvalid,
  type VexProduct,
  type VexStatement,
} from './vex/types.js';

export type { VexProduct, VexStatement } from './vex/types.js';

export interface VexResult {
  /** Findings still reported (with `vex` when an affected / under_investigation statement covers them). */
  findings: VexFinding[];
  /** Findings a not_affected / fixed statement covers. */
  suppressed: SuppressedFinding[];
}

/** VEX documents are small; anything beyond this is refused rather than read. */
export const MAX_VEX_BYTES = 32 << 20;

/** Parses one VEX document (OpenVEX or CycloneDX, told apart by their own markers). */
export function parseVex(text: string, source: string): VexStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw vexInvalid(source, `not JSON (${(err as Error).message})`);
  }
  if (isOpenVex(doc)) return parseOpenVex(doc, source);
  if (isCycloneDxBom(doc)) return parseCycloneDxVex(doc, source);
  throw vexInvalid(
    source,
    'neither OpenVEX ("@context" https://openvex.dev/ns/…) nor CycloneDX ("bomFormat": "CycloneDX")',
  );
}

/** Reads and parses a VEX file. */
export function loadVexFile(path: string): VexStatement[] {
  let text: string;
  try {
    if (statSync(path).size > MAX_VEX_BYTES) throw vexInvalid(path, `larger than ${MAX_VEX_BYTES >> 20} MiB`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    throw new PortcullisError({
      code: 'FILE_NOT_FOUND',
      message: `VEX file "${path}" cannot be read`,
      hint: 'Check --vex.',
      cause: err,
    });
  }
  return parseVex(text, path);
}

function tryPurl(s: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(s);
  } catch {
    return undefined;
  }
}

/** Whether the statement's purl `pattern` covers the package purl `purl` (see the module comment). */
export function purlMatches(pattern: string, purl: string): boolean {
  const a = tryPurl(pattern);
  const b = tryPurl(purl);
  if (!a || !b) return false;
  if (a.type !== b.type || (a.namespace ?? '') !== (b.namespace ?? '') || a.name !== b.name) return false;
  if (a.version && a.version !== b.version) return false;
  if (a.subpath && a.subpath !== b.subpath) return false;
  for (const [k, v] of Object.entries(a.qualifiers ?? {})) if (b.qualifiers?.[k] !== v) return false;
  return true;
}

function matchesPackage(id: string, p: Package): boolean {
  return id === p.id || (id.startsWith('pkg:') && purlMatches(id, p.purl));
}

function normaliseRepository(repo: string): string {
  const r = repo.toLowerCase();
  const first = r.split('/')[0]!;
  const hasRegistry =
    r.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = hasRegistry ? r : `docker.io/${r}`;
  return full
    .replace(/^(index\.)?docker\.io\/(?!library\/)([^/]+)$/, 'docker.io/library/$2')
    .replace(/^index\.docker\.io\//, 'docker.io/');
}

/** Whether an identifier names the scanned image (see the module comment). */
export function matchesArtifact(id: string, a: ArtifactInfo): boolean {
  if (id === a.reference) return true;
  const digest = /sha256(?::|%3A)([a-f0-9]{64})/i.exec(id);
  if (digest) return [a.digest, a.imageId].includes(`sha256:${digest[1]!.toLowerCase()}`);
  if (id.startsWith('pkg:')) {
    const p = tryPurl(id);
    if (!p || p.type !== 'oci' || !a.repository) return false;
    if (p.name !== a.repository.split('/').pop()!.toLowerCase()) return false;
    const q = p.qualifiers ?? {};
    if (q.repository_url && normaliseRepository(q.repository_url) !== normaliseRepository(a.repository))
      return false;
    return !q.tag || q.tag === a.tag;
  }
  if (!a.repository) return false;
  const ref = id.replace(/^docker:\/\//, '');
  const m = /^(.*?)(?::([\w][\w.-]{0,127}))?$/.exec(ref)!;
  const repo = m[1]!;
  return normaliseRepository(repo) === normaliseRepository(a.repository) && (!m[2] || m[2] === a.tag);
}

function productMatches(prod: VexProduct, p: Package, a: ArtifactInfo): boolean {
  if (prod.versions && !prod.versions.includes(p.version)) return false;
  if (prod.subcomponents.length === 0)
    return prod.ids.some((id) => matchesPackage(id, p) || matchesArtifact(id, a));
  return (
    prod.ids.some((id) => matchesArtifact(id, a)) &&
    prod.subcomponents.some((ids) => ids.some((id) => matchesPackage(id, p)))
  );
}

function vulnerabilityIds(s: VexStatement): string[] {
  const ids = [s.vulnerability, ...s.aliases];
  for (const i of [...ids]) if (/^https?:\/\//.test(i)) ids.push(i.replace(/\/+$/, '').split('/').pop()!);
  return ids.map((i) => i.toUpperCase());
}

/** Whether statement `s` is about finding `f` of package `p` in the image `a`. */
export function statementCovers(s: VexStatement, f: VulnerabilityFinding, p: Package, a: ArtifactInfo): boolean {
  const mine = new Set([f.id, ...f.aliases].map((i) => i.toUpperCase()));
  if (!vulnerabilityIds(s).some((i) => mine.has(i))) return false;
  return s.products.some((prod) => productMatches(prod, p, a));
}

function noteOf(s: VexStatement): VexNote {
  return {
    status: s.status,
    ...(s.justification ? { justification: s.justification } : {}),
    ...(s.impactStatement ? { impactStatement: s.impactStatement } : {}),
    ...(s.actionStatement ? { actionStatement: s.actionStatement } : {}),
    ...(s.timestamp ? { timestamp: s.timestamp } : {}),
    source: s.source,
    format: s.format,
    ...(s.analysisState ? { analysisState: s.analysisState } : {}),
  };
}

const timeOf = (s: VexStatement) => (s.timestamp ? Date.parse(s.timestamp) : Number.NEGATIVE_INFINITY);

/** Applies statements (in the order read) to the findings of `result`. */
export function applyVex(
  findings: VulnerabilityFinding[],
  opts: { result: CatalogResult; statements: VexStatement[] },
): VexResult {
  const out: VexResult = { findings: [], suppressed: [] };
  if (opts.statements.length === 0) return { findings: [...findings], suppressed: [] };
  const byId = new Map(opts.result.packages.map((p) => [p.id, p]));
  for (const f of findings) {
    const p = byId.get(f.packageId);
    let best: VexStatement | undefined;
    if (p)
      for (const s of opts.statements)
        if (statementCovers(s, f, p, opts.result.artifact) && (!best || timeOf(s) >= timeOf(best))) best = s;
    if (!best) out.findings.push(f);
    else if (SUPPRESSING_STATUSES.includes(best.status)) out.suppressed.push({ ...f, vex: noteOf(best) });
    else out.findings.push({ ...f, vex: noteOf(best) });
  }
  return out;
}

/**
 * CycloneDX VEX (https://cyclonedx.org/capabilities/vex/): a CycloneDX 1.4–1.6 JSON BOM whose
 * `vulnerabilities[]` carry `analysis.state` and `affects[].ref`. A ref is resolved to every
 * identifier it stands for: itself, the component of this BOM with that `bom-ref` (and its purl),
 * and for a BOM-Link (`urn:cdx:SERIAL/VERSION#BOM-REF`) the bom-ref after `#`, which is matched
 * against the scanned packages' purls and ids (Portcullis SBOM bom-refs are package ids).
 *
 * States map onto OpenVEX statuses: `not_affected` and `false_positive` → not_affected, `resolved`
 * and `resolved_with_pedigree` → fixed, `exploitable` → affected, `in_triage` → under_investigation.
 * `affects[].versions[].version` limits a statement to those installed versions; version ranges are
 * not evaluated, so an entry limited only by ranges matches no installed version (it suppresses
 * nothing). A vulnerability without `analysis` is data, not a statement, and is skipped.
 */
import { PackageURL } from 'packageurl-js';
import { isTimestamp, vexInvalid, type Obj, type VexProduct, type VexStatement } from './types.js';
import { type VexStatus, isRecord } from '../../core/index.js';

export const CYCLONEDX_VEX_VERSIONS = ['1.4', '1.5', '1.6'] as const;

export const CYCLONEDX_ANALYSIS_STATES: Record<string, VexStatus> = {
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
  false_positive: 'not_affected',
  not_affected: 'not_affected',
};

export const CYCLONEDX_JUSTIFICATIONS = [
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
] as const;

/** Whether a parsed JSON document claims to be a CycloneDX BOM. */
export function isCycloneDxBom(doc: unknown): boolean {
  return isRecord(doc) && doc.bomFormat === 'CycloneDX';
}

function collectComponents(list: unknown, into: Map<string, Obj>): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (!isRecord(c)) continue;
    if (typeof c['bom-ref'] === 'string') into.set(c['bom-ref'], c);
    collectComponents(c.components, into);
  }
}

function refIds(ref: string, components: Map<string, Obj>): string[] {
  const ids = [ref];
  const m = /^urn:cdx:[^#]*#(.+)$/.exec(ref);
  if (m) {
    let fragment = m[1]!;
    try {
      fragment = decodeURIComponent(fragment);
    } catch {
      // Not percent-encoded: use as written.
    }
    ids.push(fragment);
  }
  for (const id of [...ids]) {
    const purl = components.get(id)?.purl;
    if (typeof purl === 'string') ids.push(purl);
  }
  return [...new Set(ids)];
}

function timeOf(o: unknown, key: string, where: string, source: string): string | undefined {
  if (!isRecord(o) || o[key] === undefined) return undefined;
  if (!isTimestamp(o[key]))
    throw vexInvalid(source, `${where}.${key} "${String(o[key])}" is not an RFC 3339 date-time`);
  return o[key];
}

/** Reads the statements of a CycloneDX VEX document; throws `VEX_INVALID` saying what is wrong. */
export function parseCycloneDxVex(doc: unknown, source: string): VexStatement[] {
  if (!isRecord(doc) || doc.bomFormat !== 'CycloneDX')
    throw vexInvalid(source, '"bomFormat" is not "CycloneDX"');
  if (!(CYCLONEDX_VEX_VERSIONS as readonly unknown[]).includes(doc.specVersion))
    throw vexInvalid(
      source,
      `"specVersion" is "${String(doc.specVersion)}"; VEX needs ${CYCLONEDX_VEX_VERSIONS.join(', ')}`,
    );
  if (!Array.isArray(doc.vulnerabilities))
    throw vexInvalid(source, '"vulnerabilities" is missing or not an array');
  const components = new Map<string, Obj>();
  if (isRecord(doc.metadata)) collectComponents([doc.metadata.component], components);
  collectComponents(doc.components, components);
  const docTime = timeOf(doc.metadata, 'timestamp', 'metadata', source);
  const out: VexStatement[] = [];
  doc.vulnerabilities.forEach((v: unknown, i) => {
    const where = `vulnerabilities[${i}]`;
    if (!isRecord(v)) throw vexInvalid(source, `${where} is not an object`);
    if (v.analysis === undefined) return;
    if (!isRecord(v.analysis)) throw vexInvalid(source, `${where}.analysis is not an object`);
    const a = v.analysis;
    const id = typeof v.id === 'string' && v.id.trim() ? v.id : undefined;
    if (!id) throw vexInvalid(source, `${where}.id is missing`);
    const state = a.state;
    if (typeof state !== 'string' || !Object.hasOwn(CYCLONEDX_ANALYSIS_STATES, state))
      throw vexInvalid(
        source,
        `${where}.analysis.state "${String(state)}" is not one of ${Object.keys(CYCLONEDX_ANALYSIS_STATES).join(', ')}`,
      );
    if (
      a.justification !== undefined &&
      !(CYCLONEDX_JUSTIFICATIONS as readonly unknown[]).includes(a.justification)
    )
      throw vexInvalid(
        source,
        `${where}.analysis.justification "${String(a.justification)}" is not one of ${CYCLONEDX_JUSTIFICATIONS.join(', ')}`,
      );
    const aliases: string[] = [];
    if (v.references !== undefined) {
      if (!Array.isArray(v.references)) throw vexInvalid(source, `${where}.references is not an array`);
      v.references.forEach((r: unknown, j) => {
        if (!isRecord(r) || typeof r.id !== 'string')
          throw vexInvalid(source, `${where}.references[${j}].id is missing`);
        aliases.push(r.id);
      });
    }
    if (!Array.isArray(v.affects) || v.affects.length === 0)
      throw vexInvalid(source, `${where}.affects is missing or empty`);
    const products = v.affects.map((af: unknown, j): VexProduct => {
      if (!isRecord(af) || typeof af.ref !== 'string' || !af.ref)
        throw vexInvalid(source, `${where}.affects[${j}].ref is missing`);
      const ids = refIds(af.ref, components);
      for (const p of ids.filter((x) => x.startsWith('pkg:'))) {
        try {
          PackageURL.fromString(p);
        } catch (err) {
          throw vexInvalid(
            source,
            `${where}.affects[${j}] package URL "${p}" does not parse (${(err as Error).message})`,
          );
        }
      }
      if (af.versions === undefined) return { ids, subcomponents: [] };
      if (!Array.isArray(af.versions))
        throw vexInvalid(source, `${where}.affects[${j}].versions is not an array`);
      const versions = af.versions.flatMap((x: unknown, k) => {
        if (!isRecord(x) || (typeof x.version !== 'string' && typeof x.range !== 'string'))
          throw vexInvalid(source, `${where}.affects[${j}].versions[${k}] has neither version nor range`);
        return typeof x.version === 'string' ? [x.version] : [];
      });
      return { ids, subcomponents: [], versions };
    });
    const detail = typeof a.detail === 'string' && a.detail ? a.detail : undefined;
    const response = Array.isArray(a.response)
      ? a.response.filter((x): x is string => typeof x === 'string')
      : [];
    const action =
      typeof v.recommendation === 'string' && v.recommendation
        ? v.recommendation
        : response.length
          ? response.join(', ')
          : undefined;
    const time =
      timeOf(a, 'lastUpdated', `${where}.analysis`, source) ??
      timeOf(a, 'firstIssued', `${where}.analysis`, source) ??
      timeOf(v, 'updated', where, source) ??
      timeOf(v, 'published', where, source) ??
      docTime;
    out.push({
      vulnerability: id,
      aliases: [...new Set(aliases)].filter((x) => x !== id),
      products,
      status: CYCLONEDX_ANALYSIS_STATES[state]!,
      ...(typeof a.justification === 'string' ? { justification: a.justification } : {}),
      ...(detail ? { impactStatement: detail } : {}),
      ...(action ? { actionStatement: action } : {}),
      ...(time ? { timestamp: time } : {}),
      source,
      format: 'cyclonedx',
      analysisState: state,
    });
  });
  if (out.length === 0) throw vexInvalid(source, 'no vulnerability has an "analysis"');
  return out;
}

/**
 * OpenVEX v0.2.0 JSON (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md): a document with
 * `@context` `https://openvex.dev/ns/v0.2.0` and `statements[]`, each naming a `vulnerability`
 * (`name`, `@id`, `aliases`), `products[]` (`@id` and/or `identifiers.purl|cpe22|cpe23`, with
 * optional `subcomponents[]` of the same shape), a `status` and, for `not_affected`, a
 * `justification` or an `impact_statement` (the spec's MUST). A statement's `timestamp` /
 * `last_updated` default to the document's. Unknown fields are ignored.
 */
import { PackageURL } from 'packageurl-js';
import { isTimestamp, vexInvalid, type Obj, type VexProduct, type VexStatement } from './types.js';
import { VEX_STATUSES, type VexStatus, isRecord } from '../../core/index.js';

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

/** The justification labels of OpenVEX v0.2.0 (status `not_affected`). */
export const OPENVEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

/** Whether a parsed JSON document claims to be OpenVEX (of any version). */
export function isOpenVex(doc: unknown): boolean {
  return (
    isRecord(doc) && typeof doc['@context'] === 'string' && doc['@context'].startsWith('https://openvex.dev/ns')
  );
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' && x.trim() !== '' ? x : undefined;
}

/** Identifiers of one OpenVEX component (`@id`, `identifiers.*`); purls are checked to parse. */
function componentIds(c: unknown, where: string, source: string): string[] {
  if (!isRecord(c)) throw vexInvalid(source, `${where} is not an object`);
  const ids: string[] = [];
  const id = str(c['@id']);
  if (id) ids.push(id);
  if (c.identifiers !== undefined) {
    if (!isRecord(c.identifiers)) throw vexInvalid(source, `${where}.identifiers is not an object`);
    for (const k of ['purl', 'cpe22', 'cpe23'] as const) {
      const v = c.identifiers[k];
      if (v === undefined) continue;
      if (!str(v)) throw vexInvalid(source, `${where}.identifiers.${k} is not a string`);
      ids.push(v as string);
    }
  }
  if (ids.length === 0) throw vexInvalid(source, `${where} has neither "@id" nor identifiers`);
  for (const i of ids) {
    if (!i.startsWith('pkg:')) continue;
    try {
      PackageURL.fromString(i);
    } catch (err) {
      throw vexInvalid(source, `${where} package URL "${i}" does not parse (${(err as Error).message})`);
    }
  }
  return [...new Set(ids)];
}

function product(p: unknown, where: string, source: string): VexProduct {
  const ids = componentIds(p, where, source);
  const subs = (p as Obj).subcomponents;
  if (subs !== undefined && !Array.isArray(subs))
    throw vexInvalid(source, `${where}.subcomponents is not an array`);
  return {
    ids,
    subcomponents: ((subs as unknown[] | undefined) ?? []).map((s, i) =>
      componentIds(s, `${where}.subcomponents[${i}]`, source),
    ),
  };
}

function timestampField(o: Obj, key: string, where: string, source: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isTimestamp(v)) throw vexInvalid(source, `${where}${key} "${String(v)}" is not an RFC 3339 date-time`);
  return v;
}

/** Reads the statements of an OpenVEX v0.2.0 document; throws `VEX_INVALID` saying what is wrong. */
export function parseOpenVex(doc: unknown, source: string): VexStatement[] {
  if (!isRecord(doc)) throw vexInvalid(source, 'the document is not a JSON object');
  if (doc['@context'] !== OPENVEX_CONTEXT)
    throw vexInvalid(
      source,
      `"@context" is "${String(doc['@context'])}"; only ${OPENVEX_CONTEXT} is supported`,
    );
  const docTime =
    timestampField(doc, 'last_updated', '', source) ?? timestampField(doc, 'timestamp', '', source);
  if (!Array.isArray(doc.statements)) throw vexInvalid(source, '"statements" is missing or not an array');
  return doc.statements.map((s: unknown, i): VexStatement => {
    const where = `statements[${i}]`;
    if (!isRecord(s)) throw vexInvalid(source, `${where} is not an object`);
    const v = s.vulnerability;
    if (!isRecord(v)) throw vexInvalid(source, `${where}.vulnerability is missing or not an object`);
    const name = str(v.name);
    if (!name) throw vexInvalid(source, `${where}.vulnerability.name is missing`);
    if (
      v.aliases !== undefined &&
      !(Array.isArray(v.aliases) && v.aliases.every((a) => typeof a === 'string'))
    )
      throw vexInvalid(source, `${where}.vulnerability.aliases is not an array of strings`);
    const aliases = [...((v.aliases as string[] | undefined) ?? [])];
    const vid = str(v['@id']);
    if (vid) aliases.push(vid);
    if (!Array.isArray(s.products) || s.products.length === 0)
      throw vexInvalid(source, `${where}.products is missing or empty`);
    const products = s.products.map((p: unknown, j) => product(p, `${where}.products[${j}]`, source));
    const status = s.status;
    if (typeof status !== 'string' || !(VEX_STATUSES as readonly string[]).includes(status))
      throw vexInvalid(
        source,
        `${where}.status "${String(status)}" is not one of ${VEX_STATUSES.join(', ')}`,
      );
    const justification = s.justification;
    if (
      justification !== undefined &&
      !(OPENVEX_JUSTIFICATIONS as readonly unknown[]).includes(justification)
    )
      throw vexInvalid(
        source,
        `${where}.justification "${String(justification)}" is not one of ${OPENVEX_JUSTIFICATIONS.join(', ')}`,
      );
    const impact = str(s.impact_statement);
    if (status === 'not_affected' && justification === undefined && !impact)
      throw vexInvalid(source, `${where} is not_affected without a justification or an impact_statement`);
    const action = str(s.action_statement);
    const time =
      timestampField(s, 'last_updated', `${where}.`, source) ??
      timestampField(s, 'timestamp', `${where}.`, source) ??
      docTime;
    return {
      vulnerability: name,
      aliases: [...new Set(aliases)].filter((a) => a !== name),
      products,
      status: status as VexStatus,
      ...(typeof justification === 'string' ? { justification } : {}),
      ...(impact ? { impactStatement: impact } : {}),
      ...(action ? { actionStatement: action } : {}),
      ...(time ? { timestamp: time } : {}),
      source,
      format: 'openvex',
    };
  });
}

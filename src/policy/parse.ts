/**
 * Policy files → validated documents with source positions. YAML (multi-document) or JSON,
 * parsed by the manifest loader of `checks/k8s` so every field path maps back to a line; each
 * document checked against the strict schema. Problems are diagnostics, never thrown.
 */
import {
  type SourcePosition,
  loadManifests,
  loadManifestText,
  type LoadResult,
  type FieldPath,
} from '../checks/index.js';
import type { Diagnostic } from './diagnostics.js';
import { POLICY_API_VERSION, POLICY_KINDS, policyDocumentSchema, type PolicyDocument } from './schema.js';

export interface ParsedPolicy {
  doc: PolicyDocument;
  file: string;
  /** Line and column of a field path inside the document. */
  locate(path: FieldPath): SourcePosition;
}

export interface ParseResult {
  policies: ParsedPolicy[];
  diagnostics: Diagnostic[];
}

const KIND_HINT = `A policy is apiVersion: ${POLICY_API_VERSION} with kind ${POLICY_KINDS.join(', ')}.`;

function hintFor(code: string, path: readonly PropertyKey[]): string {
  const field = path.map(String).join('.');
  if (code === 'unrecognized_keys') return 'Remove the field or fix its spelling; policies reject unknown fields so that a typo never weakens them.';
  if (field.endsWith('mode')) return 'mode is enforce, warn or audit.';
  if (field.endsWith('digests')) return 'digests is deny, mutate or allow.';
  if (field.includes('Severity')) return 'A severity: UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL.';
  if (field.includes('noMatch')) return 'noMatch is allow, warn or deny.';
  if (field.startsWith('apiVersion') || field.startsWith('kind')) return KIND_HINT;
  return 'See the policy reference in docs/policy.md.';
}

/** A deep copy of `value` without the unknown keys zod reported. */
function withoutKeys(value: unknown, issues: readonly { path: PropertyKey[]; keys: string[] }[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const i of issues) {
    let node: unknown = copy;
    for (const seg of i.path) node = (node as Record<PropertyKey, unknown> | undefined)?.[seg];
    if (node && typeof node === 'object') for (const k of i.keys) delete (node as Record<string, unknown>)[k];
  }
  return copy;
}

function fromLoad(load: LoadResult): ParseResult {
  const out: ParseResult = { policies: [], diagnostics: [] };
  for (const u of load.unknowns) {
    out.diagnostics.push({ file: u.file, line: u.line ?? 1, column: u.column ?? 1, severity: 'error', rule: 'yaml', message: u.reason, hint: 'Fix the YAML syntax; each document is one policy.' });
  }
  for (const obj of load.objects) {
    const at = (path: FieldPath) => obj.locate(path);
    if (obj.apiVersion !== POLICY_API_VERSION || !(POLICY_KINDS as readonly string[]).includes(obj.kind)) {
      const p = at(obj.apiVersion !== POLICY_API_VERSION ? ['apiVersion'] : ['kind']);
      out.diagnostics.push({ file: obj.file, ...p, severity: 'error', rule: 'not-a-policy', message: `${obj.apiVersion} ${obj.kind} is not a Portcullis policy`, hint: KIND_HINT });
      continue;
    }
    const r = policyDocumentSchema.safeParse(obj.value);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
        for (const k of keys) {
          const path = (k === undefined ? issue.path : [...issue.path, k]) as FieldPath;
          const p = at(path);
          const field = path.map(String).join('.');
          out.diagnostics.push({
            file: obj.file,
            ...p,
            severity: 'error',
            rule: issue.code === 'unrecognized_keys' ? 'unknown-field' : 'invalid-value',
            message: issue.code === 'unrecognized_keys' ? `unknown field "${field}"` : `${field || 'document'}: ${issue.message}`,
            hint: hintFor(issue.code, path),
          });
        }
      }
      // Unknown fields only: check the rest too (the set is refused anyway), so one typo does
      // not hide the other problems of the document.
      if (r.error.issues.every((i) => i.code === 'unrecognized_keys')) {
        const again = policyDocumentSchema.safeParse(withoutKeys(obj.value, r.error.issues as { path: PropertyKey[]; keys: string[] }[]));
        if (again.success) out.policies.push({ doc: again.data, file: obj.file, locate: at });
      }
      continue;
    }
    out.policies.push({ doc: r.data, file: obj.file, locate: at });
  }
  return out;
}

/** Parses the text of one policy file. */
export function parsePolicyText(text: string, file: string): ParseResult {
  return fromLoad(loadManifestText(text, file, { parseWorkers: 0 }));
}

/** Reads and parses policy files and directories (their .yaml, .yml and .json files). */
export async function parsePolicyFiles(targets: readonly string[]): Promise<ParseResult> {
  const load = await loadManifests(targets, { parseWorkers: 0 });
  const r = fromLoad(load);
  if (load.objects.length === 0 && load.unknowns.length === 0) {
    r.diagnostics.push({ file: targets.join(', '), line: 1, column: 1, severity: 'error', rule: 'not-a-policy', message: 'no policy documents found', hint: KIND_HINT });
  }
  return r;
}

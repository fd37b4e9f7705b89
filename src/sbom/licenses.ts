/**
 * License strings of packages, as the SBOM formats want them: SPDX license ids (checked against the
 * SPDX license list in `spdx-license-ids`), SPDX expressions (checked by `spdx-expression-parse`),
 * or free text that is neither.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import parseSpdx from 'spdx-expression-parse';

const require = createRequire(import.meta.url);

export type LicenseClass =
  { kind: 'id'; id: string } | { kind: 'expression'; expression: string } | { kind: 'text'; text: string };

let spdxIds: Set<string> | undefined;
let cdxIds: Set<string> | undefined;

/** Current and deprecated SPDX license ids. */
function spdxLicenseIds(): Set<string> {
  spdxIds ??= new Set([
    ...(require('spdx-license-ids') as string[]),
    ...(require('spdx-license-ids/deprecated.json') as string[]),
  ]);
  return spdxIds;
}

/** The ids CycloneDX's `spdx.schema.json` enumerates (a `license.id` outside it fails the schema). */
function cycloneDxLicenseIds(): Set<string> {
  if (!cdxIds) {
    const dir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
    cdxIds = new Set(
      (JSON.parse(readFileSync(join(dir, 'spdx.SNAPSHOT.schema.json'), 'utf8')) as { enum: string[] }).enum,
    );
  }
  return cdxIds;
}

/** Whether `s` is an id of the SPDX license list (current or deprecated). */
export function isSpdxLicenseId(s: string): boolean {
  return spdxLicenseIds().has(s);
}

/**
 * Classifies one license string. Expressions that refer to `LicenseRef-`/`DocumentRef-` are treated
 * as text: their definitions are not in the package data, and an SPDX document must define every
 * reference it uses.
 */
export function classifyLicense(raw: string): LicenseClass {
  const s = raw.trim();
  if (isSpdxLicenseId(s)) return { kind: 'id', id: s };
  if (/\b(LicenseRef|DocumentRef)-/.test(s)) return { kind: 'text', text: s };
  try {
    parseSpdx(s);
    return { kind: 'expression', expression: s };
  } catch {
    return { kind: 'text', text: s };
  }
}

/** Wraps compound expressions in parentheses for use as one operand of AND. */
function operand(expr: string): string {
  return /\s/.test(expr) ? `(${expr})` : expr;
}

/** CycloneDX `licenses` (https://cyclonedx.org/docs/1.6/json/#components_items_licenses), undefined when none. */
export function toCycloneDxLicenses(licenses: readonly string[]): Record<string, unknown>[] | undefined {
  const classes = dedupe(licenses).map(classifyLicense);
  if (classes.length === 0) return undefined;
  const cdx = cycloneDxLicenseIds();
  const plainIds = classes.every((c) => c.kind === 'id' && cdx.has(c.id));
  if (plainIds) return classes.map((c) => ({ license: { id: (c as { id: string }).id } }));
  // The schema allows either a list of licenses or exactly one expression, never both.
  if (classes.every((c) => c.kind !== 'text')) {
    const parts = classes.map((c) =>
      c.kind === 'id' ? c.id : operand((c as { expression: string }).expression),
    );
    return [{ expression: parts.length === 1 ? stripParens(parts[0]!) : parts.join(' AND ') }];
  }
  return classes.map((c) => {
    if (c.kind === 'id' && cdx.has(c.id)) return { license: { id: c.id } };
    return { license: { name: c.kind === 'id' ? c.id : c.kind === 'expression' ? c.expression : c.text } };
  });
}

function stripParens(s: string): string {
  return s.startsWith('(') && s.endsWith(')') ? s.slice(1, -1) : s;
}

function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];
}

/** Text licenses met while writing one SPDX document, each under a unique `LicenseRef-` id. */
export class LicenseRefs {
  private readonly byText = new Map<string, string>();
  private readonly used = new Set<string>();

  /** The `LicenseRef-…` id for a free-text license (the same text always gets the same id). */
  refFor(text: string): string {
    const hit = this.byText.get(text);
    if (hit) return hit;
    const base = `LicenseRef-${
      text
        .replace(/[^A-Za-z0-9.]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 64)
        .replace(/-+$/, '') || 'unnamed'
    }`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    this.byText.set(text, id);
    return id;
  }

  /** SPDX `hasExtractedLicensingInfos` entries, in order of first use. */
  extractedLicensingInfos(): Record<string, unknown>[] {
    return [...this.byText].map(([text, licenseId]) => ({
      licenseId,
      extractedText: text,
      name: text.split('\n')[0]!.slice(0, 120),
    }));
  }
}

/**
 * SPDX `licenseDeclared` for a package: one valid SPDX expression (the licenses joined with AND,
 * free text replaced by `LicenseRef-` ids registered in `refs`), or `NOASSERTION` when none are known.
 */
export function toSpdxLicenseExpression(licenses: readonly string[], refs: LicenseRefs): string {
  const parts = dedupe(licenses).map((l) => {
    const c = classifyLicense(l);
    if (c.kind === 'id') return c.id;
    if (c.kind === 'expression') return operand(c.expression);
    return refs.refFor(c.text);
  });
  if (parts.length === 0) return 'NOASSERTION';
  return parts.length === 1 ? stripParens(parts[0]!) : parts.join(' AND ');
}

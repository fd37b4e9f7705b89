/**
 * Classifies license strings for SBOM writers: SPDX ids known to the target schema, SPDX
 * expressions, or free text.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isSpdxExpression } from '../catalog/license.js';

const require = createRequire(import.meta.url);
let ids: Set<string> | undefined;

/** SPDX license ids enumerated by CycloneDX's bundled spdx.schema.json (the strictest list we target). */
export function knownLicenseIds(): Set<string> {
  if (!ids) {
    const dir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
    const schema = JSON.parse(readFileSync(join(dir, 'spdx.SNAPSHOT.schema.json'), 'utf8')) as { enum: string[] };
    ids = new Set(schema.enum);
  }
  return ids;
}

export type LicenseKind = { kind: 'id'; id: string } | { kind: 'expression'; expression: string } | { kind: 'name'; name: string };

/** Ids inside an expression, e.g. `MIT OR (Apache-2.0 WITH LLVM-exception)` → MIT, Apache-2.0. */
function idsIn(expr: string): string[] {
  return expr
    .replace(/[()]/g, ' ')
    .split(/\s+/)
    .filter((t) => t && !/^(AND|OR|WITH)$/.test(t))
    .filter((_t, i, all) => i === 0 || all[i - 1] !== 'WITH');
}

export function classifyLicense(s: string): LicenseKind {
  const known = knownLicenseIds();
  if (known.has(s)) return { kind: 'id', id: s };
  if (/\s(AND|OR|WITH)\s/.test(s) && isSpdxExpression(s) && idsIn(s).every((id) => known.has(id.replace(/\+$/, '')) || id.startsWith('LicenseRef-'))) {
    return { kind: 'expression', expression: s };
  }
  return { kind: 'name', name: s };
}

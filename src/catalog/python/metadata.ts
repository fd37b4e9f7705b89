/**
 * Core metadata of installed Python distributions (METADATA / PKG-INFO, an RFC 822-style header
 * block: https://packaging.python.org/en/latest/specifications/core-metadata/).
 */
import { PackageURL } from 'packageurl-js';

export interface PythonMetadata {
  name: string;
  version: string;
  licenseExpression?: string;
  license?: string;
  classifiers: string[];
  requiresDist: string[];
}

export function parseCoreMetadata(text: string): PythonMetadata | undefined {
  const fields: [string, string][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the body (long description) starts here
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) {
      fields[fields.length - 1]![1] += '\n' + line.trim();
      continue;
    }
    const i = line.indexOf(':');
    if (i > 0) fields.push([line.slice(0, i).toLowerCase(), line.slice(i + 1).trim()]);
  }
  const get = (k: string) => fields.find(([f]) => f === k)?.[1];
  const all = (k: string) => fields.filter(([f]) => f === k).map(([, v]) => v);
  const name = get('name');
  const version = get('version');
  if (!name || !version) return undefined;
  const md: PythonMetadata = { name, version, classifiers: all('classifier'), requiresDist: all('requires-dist') };
  const le = get('license-expression');
  if (le) md.licenseExpression = le;
  const lic = get('license');
  if (lic && lic.toUpperCase() !== 'UNKNOWN') md.license = lic;
  return md;
}

/** PEP 503 normalised project name. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function pypiPurl(name: string, version: string): string {
  return new PackageURL('pypi', undefined, normaliseName(name), version, undefined, undefined).toString();
}

const CLASSIFIER_LICENSES: Record<string, string> = {
  'MIT License': 'MIT',
  'MIT No Attribution License (MIT-0)': 'MIT-0',
  'Apache Software License': 'Apache-2.0',
  'ISC License (ISCL)': 'ISC',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
  'GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'Python Software Foundation License': 'PSF-2.0',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'Boost Software License 1.0 (BSL-1.0)': 'BSL-1.0',
  'zlib/libpng License': 'Zlib',
};

/** Licenses in precedence order: License-Expression, then classifiers, then a short License field. */
export function pythonLicenses(md: PythonMetadata): string[] {
  if (md.licenseExpression) return [md.licenseExpression];
  const out: string[] = [];
  for (const c of md.classifiers) {
    const m = /^License :: (?:OSI Approved :: )?(.+)$/.exec(c);
    if (!m) continue;
    const id = CLASSIFIER_LICENSES[m[1]!.trim()];
    if (id) out.push(id);
  }
  if (out.length === 0 && md.license && md.license.length <= 80 && !md.license.includes('\n')) out.push(md.license);
  return out;
}

/** Dependency names from Requires-Dist / requires.txt lines, skipping extras-only requirements. */
export function requirementName(req: string): string | undefined {
  const [spec, marker] = req.split(';', 2) as [string, string | undefined];
  if (marker && /\bextra\s*==/.test(marker)) return undefined;
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? normaliseName(m[1]!) : undefined;
}

/** Python versions (PEP 440), via @renovatebot/pep440. */
import { compare, explain } from '@renovatebot/pep440';
import type { VersionScheme } from './types.js';
import { invalidVersion, sign, tryOr } from './errors.js';

export function parsePep440(v: string): unknown {
  const e = explain(v.trim());
  if (!e) throw invalidVersion('pep440', v, 'not a PEP 440 version');
  return e;
}

export const pep440Scheme: VersionScheme = {
  id: 'pep440',
  parse: parsePep440,
  tryParse: (v) => tryOr(() => parsePep440(v)),
  compare: (a, b) => {
    parsePep440(a);
    parsePep440(b);
    return sign(compare(a.trim(), b.trim()));
  },
};

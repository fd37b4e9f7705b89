/** Policy versions: `v1.NN` or `latest`, as in the `pod-security.kubernetes.io/*-version` labels. */
import { PortcullisError } from '../../../core/index.js';
import type { PssVersion } from './types.js';

export const LATEST = 'latest';

/** `v1.25` → {1, 25}; `latest` → undefined (resolved by the evaluator); anything else undefined-with-error. */
export function tryParsePssVersion(s: string): PssVersion | 'latest' | undefined {
  if (s === LATEST) return LATEST;
  const m = /^v1\.(0|[1-9][0-9]{0,3})$/.exec(s);
  return m ? { major: 1, minor: Number(m[1]) } : undefined;
}

export function parsePssVersion(s: string): PssVersion | 'latest' {
  const r = tryParsePssVersion(s);
  if (r === undefined) throw new PortcullisError({ code: 'USAGE', message: `Invalid Pod Security Standards version "${s}"`, hint: 'Use v1.NN (for example v1.25) or latest.' });
  return r;
}

export function formatPssVersion(ver: PssVersion | 'latest'): string {
  return ver === LATEST ? LATEST : `v${ver.major}.${ver.minor}`;
}

export function compareVersions(a: PssVersion, b: PssVersion): number {
  return a.minor - b.minor;
}

import { PortcullisError } from '../core/index.js';

export function invalidVersion(scheme: string, v: string, why: string): PortcullisError {
  return new PortcullisError({ code: 'INVALID_VERSION', message: `Cannot parse ${scheme} version "${v}": ${why}`, hint: `Check the version string against the ${scheme} version rules.` });
}

export function tryOr<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

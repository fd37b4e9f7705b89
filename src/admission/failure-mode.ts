/**
 * What the webhook answers when it cannot decide — an internal error, its own deadline, or
 * evidence it could not obtain (registry or metadata server down): `closed` denies (the default:
 * fail closed, loudly), `open` admits with a warning and an audit annotation. Set once, and per
 * namespace (`team-*=open`), first match wins. The reason is always in the answer.
 */
import { PortcullisError } from '../core/index.js';

export const FAILURE_MODES = ['closed', 'open'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export interface FailureModes {
  default: FailureMode;
  namespaces: readonly { glob: string; pattern: RegExp; mode: FailureMode }[];
}

function isMode(s: string): s is FailureMode {
  return (FAILURE_MODES as readonly string[]).includes(s);
}

/** A namespace glob: `*` matches any run of characters. */
function namespacePattern(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** `closed` and `["dev-*=open", "payments=closed"]` → the table. */
export function parseFailureModes(defaultMode: string, perNamespace: readonly string[] = []): FailureModes {
  if (!isMode(defaultMode)) throw new PortcullisError({ code: 'USAGE', message: `Invalid failure mode "${defaultMode}"`, hint: 'closed (deny) or open (admit with a warning).' });
  const namespaces = perNamespace.map((spec) => {
    const eq = spec.lastIndexOf('=');
    const glob = eq > 0 ? spec.slice(0, eq) : '';
    const mode = spec.slice(eq + 1);
    if (!glob || !/^[a-z0-9*][-a-z0-9*]*$/.test(glob) || !isMode(mode)) throw new PortcullisError({ code: 'USAGE', message: `Invalid --namespace-failure-mode "${spec}"`, hint: 'NAMESPACE=closed|open, the namespace may use * (dev-*=open).' });
    return { glob, pattern: namespacePattern(glob), mode };
  });
  return { default: defaultMode, namespaces };
}

export function failureModeFor(modes: FailureModes, namespace: string): FailureMode {
  return modes.namespaces.find((n) => n.pattern.test(namespace))?.mode ?? modes.default;
}

/**
 * TLS trust of outbound connections: the system roots, a PEM CA bundle, no verification
 * (`insecure`, for tests), or a pinned SHA-256 certificate fingerprint (the CA chain is then not
 * consulted: the way to trust a server that made its own certificate and printed its fingerprint).
 */
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { PortcullisError } from '../core/index.js';

export interface TlsSettings {
  /** PEM CA bundle that signs (or is) the server's certificate. */
  ca?: string | string[];
  /** Accept any certificate. */
  insecure?: boolean;
  /** SHA-256 fingerprint of the server's certificate (hex, colons and a `sha256:` prefix optional). */
  fingerprint?: string;
}

/** `AB:CD:…` or `abcd…` (optionally `sha256:`-prefixed) → 64 lowercase hex digits; undefined when it is not one. */
export function tryParseFingerprint(fp: string): string | undefined {
  const hex = fp
    .trim()
    .replace(/^sha256:/i, '')
    .replace(/:/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** As `tryParseFingerprint`, throwing USAGE for anything else. */
export function parseFingerprint(fp: string): string {
  const hex = tryParseFingerprint(fp);
  if (!hex) throw new PortcullisError({ code: 'USAGE', message: `Invalid certificate fingerprint "${fp}"`, hint: 'A SHA-256 fingerprint: 32 hex bytes, colons optional.' });
  return hex;
}

/** The connect options of undici for `tls` (no pinning). */
export function connectOptions(tls: TlsSettings, connectTimeoutMs: number): buildConnector.BuildOptions {
  return { ...(tls.ca ? { ca: tls.ca } : {}), rejectUnauthorized: !(tls.insecure || tls.fingerprint), timeout: connectTimeoutMs };
}

/** A connector that accepts an https peer only when its certificate has the pinned fingerprint. */
export function pinnedConnector(fingerprint: string, connectTimeoutMs: number): buildConnector.connector {
  const pinned = parseFingerprint(fingerprint);
  const base = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0, timeout: connectTimeoutMs });
  return (opts, cb) =>
    base(opts, (err, socket) => {
      if (err || !socket) return cb(err ?? new Error('connection failed'), null);
      if (opts.protocol === 'https:') {
        const got = (socket as TLSSocket).getPeerCertificate?.()?.fingerprint256?.replace(/:/g, '').toLowerCase();
        if (got !== pinned) {
          socket.destroy();
          return cb(
            new PortcullisError({
              code: 'TLS_UNTRUSTED',
              message: `The server's certificate has SHA-256 fingerprint ${got ?? '(none)'}, not the pinned ${pinned}`,
              hint: 'Check the pinned fingerprint against the one the server printed at start.',
            }),
            null,
          );
        }
      }
      return cb(null, socket);
    });
}

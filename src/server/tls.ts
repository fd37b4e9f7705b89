/**
 * A self-signed TLS certificate for `portcullis server` when no --tls-cert/--tls-key is given:
 * ECDSA P-256, valid for a year, for localhost, 127.0.0.1, ::1 and the listen host, kept in a
 * directory so it survives restarts. Clients pin it by the SHA-256 fingerprint the server prints.
 */
import 'reflect-metadata';
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated hex (as `openssl x509 -fingerprint -sha256` prints it). */
  fingerprint256: string;
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

export async function generateSelfSigned(opts: { hosts?: string[]; now?: Date } = {}): Promise<TlsMaterial> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = opts.now ?? new Date();
  const hosts = [
    ...new Set(
      ['localhost', '127.0.0.1', '::1', ...(opts.hosts ?? [])].filter(
        (h) => h && h !== '0.0.0.0' && h !== '::',
      ),
    ),
  ];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=portcullis server',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    signingAlgorithm: alg,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        hosts.map((h) => (isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })),
      ),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  const pem = cert.toString('pem');
  return { cert: pem, key, fingerprint256: fingerprintOf(pem) };
}

export const SELF_SIGNED_CERT = 'server.crt';
export const SELF_SIGNED_KEY = 'server.key';

/** Whether a stored certificate can be served again: readable, valid for 30 more days, and naming every host. */
function reusable(certPem: string, hosts: string[], now: Date): boolean {
  try {
    const c = new X509Certificate(certPem);
    if (Date.parse(c.validTo) - now.getTime() < 30 * 86_400_000 || Date.parse(c.validFrom) > now.getTime())
      return false;
    return hosts
      .filter((h) => h && h !== '0.0.0.0' && h !== '::')
      .every((h) => (isIP(h) ? c.checkIP(h) : c.checkHost(h)) !== undefined);
  } catch {
    return false;
  }
}

/**
 * The self-signed certificate kept in `dir` (`server.crt`, `server.key`, mode 0600), so its
 * fingerprint stays the same across restarts; generated there when missing, expiring within 30
 * days, or not naming a listen host.
 */
export async function loadOrCreateSelfSigned(opts: {
  dir: string;
  hosts?: string[];
  now?: Date;
}): Promise<TlsMaterial & { created: boolean; certFile: string }> {
  const now = opts.now ?? new Date();
  const certFile = join(opts.dir, SELF_SIGNED_CERT);
  const keyFile = join(opts.dir, SELF_SIGNED_KEY);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    if (reusable(cert, ['localhost', '127.0.0.1', ...(opts.hosts ?? [])], now))
      return { cert, key, fingerprint256: fingerprintOf(cert), created: false, certFile };
  }
  const made = await generateSelfSigned({ ...(opts.hosts ? { hosts: opts.hosts } : {}), now });
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  writeFileSync(`${keyFile}.tmp`, made.key, { mode: 0o600 });
  renameSync(`${keyFile}.tmp`, keyFile);
  writeFileSync(`${certFile}.tmp`, made.cert, { mode: 0o644 });
  renameSync(`${certFile}.tmp`, certFile);
  return { ...made, created: true, certFile };
}

/**
 * Client certificates (mTLS) as identities: `portcullis server --client-ca FILE` asks every client
 * for a certificate and verifies it against FILE; `--client-cert-identity FILE` maps a verified
 * certificate — by subject CN or by one subjectAltName entry — to projects and a role, so it
 * authenticates like a token. A presented certificate that does not verify, or maps to nothing,
 * is refused with 401.
 *
 *     # identities.yaml
 *     - cn: ci-runner                       # subject common name, exact
 *       projects: [team-a]
 *       role: writer
 *     - san: URI:spiffe://example.org/ops   # DNS:…, URI:…, email:…, IP Address:… as OpenSSL prints them
 *       projects: ["*"]
 *       role: admin
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PortcullisError } from '../core/index.js';
import { ROLES, type Principal } from './tokens.js';

const project = z.string().regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._~-]{0,254})$/, 'a project id or "*"');
const entrySchema = z
  .strictObject({
    cn: z.string().min(1).optional(),
    san: z.string().min(1).optional(),
    projects: z.array(project).min(1),
    role: z.enum(ROLES),
  })
  .refine(
    (e) => (e.cn === undefined) !== (e.san === undefined),
    'each identity names exactly one of "cn" or "san"',
  );
/** A list of identities, or `{identities: [...]}`. */
const fileSchema = z.preprocess(
  (d) =>
    d !== null &&
    typeof d === 'object' &&
    !Array.isArray(d) &&
    Object.keys(d).length === 1 &&
    'identities' in d
      ? (d as { identities: unknown }).identities
      : d,
  z.array(entrySchema),
);

export type ClientCertIdentity = z.infer<typeof entrySchema>;

export function parseClientIdentities(text: string, source = 'identities'): ClientCertIdentity[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new PortcullisError({
      code: 'USAGE',
      message: `Cannot parse ${source}: ${(err as Error).message}`,
      cause: err,
    });
  }
  const r = fileSchema.safeParse(doc);
  if (!r.success)
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid ${source}: ${r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || 'file'}: ${i.message}`)
        .join('; ')}`,
      hint: 'A list of {cn | san, projects, role}.',
    });
  return r.data;
}

export function loadClientIdentities(file: string): ClientCertIdentity[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PortcullisError({
      code: 'FILE_NOT_FOUND',
      message: `Cannot read --client-cert-identity "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      cause: err,
    });
  }
  return parseClientIdentities(text, `--client-cert-identity "${file}"`);
}

export type CertAuth =
  | { kind: 'none' }
  | { kind: 'ok'; principal: Principal; subject: string }
  | { kind: 'invalid' | 'unknown'; subject: string; reason: string };

function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

function cnOf(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
}

/** The identity of the client certificate on `socket`, if the client presented one. */
export function authenticateClientCert(socket: unknown, identities: readonly ClientCertIdentity[]): CertAuth {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (!tls || typeof tls.getPeerCertificate !== 'function') return { kind: 'none' };
  const peer = tls.getPeerCertificate();
  if (!peer || !peer.raw || Object.keys(peer).length === 0) return { kind: 'none' };
  const cert = new X509Certificate(peer.raw);
  const subject = subjectOf(cert);
  if (!tls.authorized)
    return { kind: 'invalid', subject, reason: String(tls.authorizationError ?? 'not verified') };
  const cn = cnOf(cert);
  const sans = (cert.subjectAltName ?? '').split(', ').filter(Boolean);
  const hit = identities.find((i) => (i.cn !== undefined ? i.cn === cn : sans.includes(i.san!)));
  if (!hit) return { kind: 'unknown', subject, reason: 'no identity maps this certificate' };
  const projects = hit.projects.includes('*') ? ('*' as const) : [...hit.projects].sort();
  return {
    kind: 'ok',
    subject,
    principal: { id: `cert:${subject}`, actor: `cert:${subject}`, role: hit.role, projects },
  };
}

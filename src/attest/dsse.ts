/**
 * DSSE (Dead Simple Signing Envelope) v1: the pre-authentication encoding, envelopes, signing
 * and verification (secure-systems-lab/dsse, protocol.md and envelope.md).
 *
 *     PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
 *
 * LEN is the byte length in ASCII decimal. Verifiers accept standard and URL-safe base64.
 */
import type { KeyObject } from 'node:crypto';
import { PortcullisError } from '../core/index.js';
import { verifySignature, type Signer } from './signer.js';

export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  keyid?: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** Base64 of the serialized body. */
  payload: string;
  signatures: DsseSignature[];
}

/** The pre-authentication encoding that DSSE signs. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${body.length} `, 'ascii'), body]);
}

/** Signs a body into an envelope with one signature (key id empty, as cosign writes). */
export async function signEnvelope(opts: { payloadType: string; body: Buffer; signer: Signer; keyid?: string }): Promise<DsseEnvelope> {
  const sig = await opts.signer.sign(pae(opts.payloadType, opts.body));
  return { payloadType: opts.payloadType, payload: opts.body.toString('base64'), signatures: [{ keyid: opts.keyid ?? '', sig: sig.toString('base64') }] };
}

/** Serializes an envelope in cosign's member order. */
export function serializeEnvelope(env: DsseEnvelope): Buffer {
  return Buffer.from(JSON.stringify({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures.map((s) => ({ keyid: s.keyid ?? '', sig: s.sig })) }), 'utf8');
}

function invalid(why: string): never {
  throw new PortcullisError({ code: 'PAYLOAD_INVALID', message: `Invalid DSSE envelope: ${why}`, hint: 'The attestation is malformed or was tampered with.' });
}

const B64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;

function decodeBase64(s: string, what: string): Buffer {
  if (!B64_RE.test(s)) invalid(`${what} is not base64`);
  return Buffer.from(s, 'base64');
}

/** Parses an envelope (strict on types, tolerant of unknown members). */
export function parseEnvelope(bytes: Buffer): DsseEnvelope {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return invalid(`not JSON (${(err as Error).message})`);
  }
  const d = doc as Partial<Record<keyof DsseEnvelope, unknown>>;
  if (typeof d !== 'object' || d === null) invalid('not a JSON object');
  if (typeof d.payloadType !== 'string') invalid('missing "payloadType"');
  if (typeof d.payload !== 'string') invalid('missing "payload"');
  if (!Array.isArray(d.signatures) || d.signatures.length === 0) invalid('no signatures');
  const signatures = d.signatures.map((s: unknown, i: number) => {
    const sig = (s as { sig?: unknown })?.sig;
    const keyid = (s as { keyid?: unknown })?.keyid;
    if (typeof sig !== 'string') invalid(`signature ${i} has no "sig"`);
    return { ...(typeof keyid === 'string' ? { keyid } : {}), sig };
  });
  decodeBase64(d.payload, '"payload"');
  return { payloadType: d.payloadType, payload: d.payload, signatures };
}

/** The decoded body of an envelope. */
export function envelopeBody(env: DsseEnvelope): Buffer {
  return decodeBase64(env.payload, '"payload"');
}

/**
 * Verifies an envelope against trusted keys: returns the indexes of the keys that signed it
 * (a key counts once, whatever the number of its signatures).
 */
export function verifyEnvelope(env: DsseEnvelope, keys: readonly KeyObject[]): number[] {
  const message = pae(env.payloadType, envelopeBody(env));
  const accepted = new Set<number>();
  for (const s of env.signatures) {
    if (!B64_RE.test(s.sig)) continue;
    const sig = Buffer.from(s.sig, 'base64');
    keys.forEach((k, i) => {
      if (!accepted.has(i) && verifySignature(k, message, sig)) accepted.add(i);
    });
  }
  return [...accepted].sort((a, b) => a - b);
}

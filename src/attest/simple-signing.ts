/**
 * The "simple signing" payload that cosign signs for a container image (containers/image's
 * signature format with cosign's type string):
 *
 *     {"critical":{"identity":{"docker-reference":"REGISTRY/REPO"},
 *                  "image":{"docker-manifest-digest":"sha256:…"},
 *                  "type":"cosign container image signature"},
 *      "optional":{…annotations…} | null}
 *
 * We emit exactly cosign's bytes (key order, `"optional":null` without annotations). We parse
 * member names case-insensitively (as Go's encoding/json does), refuse names that repeat under
 * case folding, and refuse unknown members of `critical` and of its objects.
 */
import { PortcullisError, isRecord } from '../core/index.js';
import { isDigest } from '../oci/index.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';
/** The containers/image (atomic) type string; accepted when reading. */
export const ATOMIC_SIGNATURE_TYPE = 'atomic container signature';

export interface SimpleSigningPayload {
  dockerReference: string;
  manifestDigest: string;
  type: string;
  /** Annotations (`optional`), null when absent. */
  optional: Record<string, unknown> | null;
}

/** Serializes a payload in cosign's exact byte form. */
export function buildSimpleSigningPayload(opts: { dockerReference: string; manifestDigest: string; annotations?: Record<string, unknown> }): Buffer {
  if (!isDigest(opts.manifestDigest)) {
    throw new PortcullisError({ code: 'DIGEST_INVALID', message: `Invalid manifest digest "${opts.manifestDigest}"`, hint: 'Sign an image by its sha256 manifest digest.' });
  }
  const annotations = opts.annotations && Object.keys(opts.annotations).length > 0 ? opts.annotations : null;
  const doc = {
    critical: {
      identity: { 'docker-reference': opts.dockerReference },
      image: { 'docker-manifest-digest': opts.manifestDigest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional: annotations,
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

function invalid(why: string): never {
  throw new PortcullisError({ code: 'PAYLOAD_INVALID', message: `Invalid simple-signing payload: ${why}`, hint: 'The signature payload is malformed or was tampered with.' });
}

/** Looks members up case-insensitively; refuses members outside `allowed` and case-folded duplicates. */
function members(obj: Record<string, unknown>, allowed: readonly string[] | undefined, where: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) {
    const key = k.toLowerCase();
    if (out.has(key)) invalid(`member "${k}" repeats in ${where}`);
    if (allowed && !allowed.includes(key)) invalid(`unknown member "${k}" in ${where}`);
    out.set(key, v);
  }
  return out;
}

/** Parses and validates a payload; throws PAYLOAD_INVALID. */
export function parseSimpleSigningPayload(bytes: Buffer): SimpleSigningPayload {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return invalid(`not JSON (${(err as Error).message})`);
  }
  if (!isRecord(doc)) invalid('not a JSON object');
  const top = members(doc, undefined, 'the payload');
  const critical = top.get('critical');
  if (!isRecord(critical)) invalid('missing "critical" object');
  const c = members(critical, ['identity', 'image', 'type'], '"critical"');
  const identity = c.get('identity');
  const image = c.get('image');
  const type = c.get('type');
  if (!isRecord(identity)) invalid('missing "critical.identity"');
  if (!isRecord(image)) invalid('missing "critical.image"');
  if (typeof type !== 'string') invalid('missing "critical.type"');
  if (type !== COSIGN_SIGNATURE_TYPE && type !== ATOMIC_SIGNATURE_TYPE) invalid(`unknown signature type "${type}"`);
  const ref = members(identity, ['docker-reference'], '"critical.identity"').get('docker-reference');
  if (typeof ref !== 'string') invalid('"critical.identity.docker-reference" is not a string');
  const digest = members(image, ['docker-manifest-digest'], '"critical.image"').get('docker-manifest-digest');
  if (!isDigest(digest)) invalid('"critical.image.docker-manifest-digest" is not a digest');
  const optional = top.get('optional');
  if (optional !== undefined && optional !== null && !isRecord(optional)) invalid('"optional" is not an object');
  return { dockerReference: ref, manifestDigest: digest, type, optional: (optional as Record<string, unknown> | undefined) ?? null };
}

/**
 * ECDSA verification over a message digest (SEC 1 v2, section 4.1.4), for the case node:crypto
 * cannot cover: a Sigstore message signature checked against an artifact's digest alone
 * (`verify-bundle … sha256:<hex>`), without the artifact bytes. Only P-256 and P-384 (the curves
 * Fulcio and cosign keys use). The base point comes from node's own curve implementation (the
 * public key of the private scalar 1), so only the field prime and group order are written here;
 * the tests check the arithmetic against node:crypto signatures and scalar products.
 */
import { createECDH, type KeyObject } from 'node:crypto';

interface Curve {
  name: string;
  /** Field prime. */
  p: bigint;
  /** Group order. */
  n: bigint;
  /** Coefficient a (= -3 mod p on both curves). */
  a: bigint;
  g: Point;
  bytes: number;
}

interface Point {
  x: bigint;
  y: bigint;
}

const INFINITY = null;
type MaybePoint = Point | typeof INFINITY;

const CURVE_PARAMS: Record<string, { ecdh: string; p: bigint; n: bigint; bytes: number }> = {
  'P-256': {
    ecdh: 'prime256v1',
    p: (1n << 256n) - (1n << 224n) + (1n << 192n) + (1n << 96n) - 1n,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    bytes: 32,
  },
  'P-384': {
    ecdh: 'secp384r1',
    p: (1n << 384n) - (1n << 128n) - (1n << 96n) + (1n << 32n) - 1n,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    bytes: 48,
  },
};

const curves = new Map<string, Curve>();

function toBig(buf: Buffer): bigint {
  return buf.length === 0 ? 0n : BigInt(`0x${buf.toString('hex')}`);
}

/** The curve of a name (`P-256`, `P-384`), with its base point taken from node's implementation. */
export function curveOf(name: string): Curve | undefined {
  const cached = curves.get(name);
  if (cached) return cached;
  const params = CURVE_PARAMS[name];
  if (!params) return undefined;
  const ecdh = createECDH(params.ecdh);
  const one = Buffer.alloc(params.bytes);
  one[params.bytes - 1] = 1;
  ecdh.setPrivateKey(one);
  const pub = ecdh.getPublicKey();
  const g = { x: toBig(pub.subarray(1, 1 + params.bytes)), y: toBig(pub.subarray(1 + params.bytes)) };
  const curve = { name, p: params.p, n: params.n, a: params.p - 3n, g, bytes: params.bytes };
  curves.set(name, curve);
  return curve;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function add(c: Curve, P: MaybePoint, Q: MaybePoint): MaybePoint {
  if (P === INFINITY) return Q;
  if (Q === INFINITY) return P;
  let lambda: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return INFINITY;
    lambda = mod((3n * P.x * P.x + c.a) * inverse(2n * P.y, c.p), c.p);
  } else {
    lambda = mod((Q.y - P.y) * inverse(Q.x - P.x, c.p), c.p);
  }
  const x = mod(lambda * lambda - P.x - Q.x, c.p);
  return { x, y: mod(lambda * (P.x - x) - P.y, c.p) };
}

/** k·P by double-and-add (verification only: no secret scalars, so timing does not matter). */
export function multiply(c: Curve, k: bigint, P: Point): MaybePoint {
  let result: MaybePoint = INFINITY;
  let addend: MaybePoint = P;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = add(c, addend, addend);
  }
  return result;
}

/** Parses a DER `SEQUENCE { INTEGER r, INTEGER s }`; undefined when malformed. */
function parseDerSignature(sig: Buffer): { r: bigint; s: bigint } | undefined {
  let i = 0;
  const readLen = (): number | undefined => {
    const first = sig[i++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) return undefined;
    let len = 0;
    for (let k = 0; k < count; k++) {
      const b = sig[i++];
      if (b === undefined) return undefined;
      len = (len << 8) | b;
    }
    return len;
  };
  if (sig[i++] !== 0x30) return undefined;
  const seqLen = readLen();
  if (seqLen === undefined || i + seqLen !== sig.length) return undefined;
  const ints: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    if (sig[i++] !== 0x02) return undefined;
    const len = readLen();
    if (len === undefined || len === 0 || i + len > sig.length) return undefined;
    ints.push(toBig(sig.subarray(i, i + len)));
    i += len;
  }
  if (i !== sig.length) return undefined;
  return { r: ints[0]!, s: ints[1]! };
}

/**
 * Verifies a DER ECDSA signature over `digest` (already hashed) with a P-256 or P-384 public key.
 * Returns false for any other key type or a malformed signature.
 */
export function verifyPrehashedEcdsa(publicKey: KeyObject, digest: Buffer, signature: Buffer): boolean {
  if (publicKey.asymmetricKeyType !== 'ec') return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const curve = jwk.crv ? curveOf(jwk.crv) : undefined;
  if (!curve || !jwk.x || !jwk.y) return false;
  const Q = { x: toBig(Buffer.from(jwk.x, 'base64url')), y: toBig(Buffer.from(jwk.y, 'base64url')) };
  const sig = parseDerSignature(signature);
  if (!sig) return false;
  const { r, s } = sig;
  if (r <= 0n || r >= curve.n || s <= 0n || s >= curve.n) return false;
  // e = the leftmost bitlen(n) bits of the digest.
  const nBits = curve.n.toString(2).length;
  let e = toBig(digest);
  const dBits = digest.length * 8;
  if (dBits > nBits) e >>= BigInt(dBits - nBits);
  const w = inverse(s, curve.n);
  const u1 = mod(e * w, curve.n);
  const u2 = mod(r * w, curve.n);
  const X = add(curve, multiply(curve, u1, curve.g), multiply(curve, u2, Q));
  if (X === INFINITY) return false;
  return mod(X.x, curve.n) === r;
}

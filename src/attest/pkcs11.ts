/**
 * A `Signer` over a PKCS#11 token (an HSM, SoftHSM2, a smart card) through `pkcs11js`: the private
 * key never leaves the token. Keys are named by RFC 7512 PKCS#11 URIs, as cosign accepts them:
 *
 *     pkcs11:token=LABEL;object=KEY-LABEL?module-path=/path/to/module.so&pin-value=1234
 *
 * (path attributes `token`, `object`, `id`, `slot-id`; query attributes `module-path`,
 * `pin-value`, `pin-source` = a file holding the PIN). Only EC P-256 keys (CKM_ECDSA over our own
 * SHA-256 digest; the token's raw r||s signature is re-encoded as DER, as cosign writes).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PortcullisError } from '../core/index.js';
import { SIGNATURE_ALGORITHM, type Signer } from './signer.js';

export interface Pkcs11Uri {
  token?: string;
  object?: string;
  /** CKA_ID bytes. */
  id?: Buffer;
  slotId?: number;
  modulePath: string;
  pin?: string;
}

function p11Error(message: string, hint: string, cause?: unknown): PortcullisError {
  return new PortcullisError({ code: 'PKCS11_ERROR', message, hint, ...(cause ? { cause } : {}) });
}

/** Whether a `--key` value is a PKCS#11 URI. */
export function isPkcs11Uri(s: string): boolean {
  return s.startsWith('pkcs11:');
}

function pct(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (err) {
    throw new PortcullisError({ code: 'USAGE', message: `Invalid percent-encoding in PKCS#11 URI component "${s}"`, hint: 'Encode reserved characters as %XX.', cause: err });
  }
}

/** Parses an RFC 7512 URI; unknown attributes are refused (a typo must not pick another key). */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (!isPkcs11Uri(uri)) throw new PortcullisError({ code: 'USAGE', message: `"${uri}" is not a pkcs11: URI`, hint: 'Use pkcs11:token=…;object=…?module-path=…&pin-value=…' });
  const rest = uri.slice('pkcs11:'.length);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  const out: Partial<Pkcs11Uri> = {};
  for (const part of path.split(';').filter(Boolean)) {
    const [k, v = ''] = [part.slice(0, part.indexOf('=') < 0 ? part.length : part.indexOf('=')), part.includes('=') ? part.slice(part.indexOf('=') + 1) : ''];
    if (k === 'token') out.token = pct(v);
    else if (k === 'object') out.object = pct(v);
    else if (k === 'id') out.id = Buffer.from(pct(v), 'latin1');
    else if (k === 'slot-id') out.slotId = Number(pct(v));
    else if (!['manufacturer', 'model', 'serial', 'library-manufacturer', 'library-description', 'library-version', 'slot-description', 'slot-manufacturer', 'type'].includes(k)) {
      throw new PortcullisError({ code: 'USAGE', message: `Unknown PKCS#11 URI attribute "${k}"`, hint: 'Known: token, object, id, slot-id (path); module-path, pin-value, pin-source (query).' });
    }
  }
  for (const part of query.split('&').filter(Boolean)) {
    const i = part.indexOf('=');
    const k = i < 0 ? part : part.slice(0, i);
    const v = i < 0 ? '' : pct(part.slice(i + 1));
    if (k === 'module-path') out.modulePath = v;
    else if (k === 'pin-value') out.pin = v;
    else if (k === 'pin-source') out.pin = readFileSync(v.replace(/^file:/, ''), 'utf8').trim();
    else throw new PortcullisError({ code: 'USAGE', message: `Unknown PKCS#11 URI query attribute "${k}"`, hint: 'Known: module-path, pin-value, pin-source.' });
  }
  if (!out.modulePath) throw new PortcullisError({ code: 'USAGE', message: 'The PKCS#11 URI has no module-path', hint: 'Add ?module-path=/usr/lib/softhsm/libsofthsm2.so (or your HSM vendor module).' });
  return out as Pkcs11Uri;
}

/* The pkcs11js surface we use (loaded lazily: the native addon is only needed for pkcs11: keys). */
type Handle = Buffer;
interface Attribute {
  type: number;
  value?: number | boolean | string | Buffer | null;
}
interface Pkcs11Module {
  load(path: string): void;
  C_Initialize(): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): { label: string };
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, max: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): Attribute[];
  C_SignInit(session: Handle, mechanism: { mechanism: number }, key: Handle): void;
  C_Sign(session: Handle, data: Buffer, out: Buffer): Buffer;
  C_GenerateKeyPair(session: Handle, mechanism: { mechanism: number }, pub: Attribute[], priv: Attribute[]): { publicKey: Handle; privateKey: Handle };
}
type Pkcs11js = Record<string, number> & { PKCS11: new () => Pkcs11Module };

function loadBinding(): Pkcs11js {
  try {
    return createRequire(import.meta.url)('pkcs11js') as Pkcs11js;
  } catch (err) {
    throw p11Error(`Cannot load the PKCS#11 binding (pkcs11js): ${(err as Error).message}`, 'Install portcullis with its optional native module (npm rebuild pkcs11js).', err);
  }
}

/** P-256 named-curve parameters (DER OID 1.2.840.10045.3.1.7). */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

function derInteger(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02, v.length]), v]);
}

/** IEEE P1363 `r || s` to DER `SEQUENCE { r, s }`. */
export function rawToDer(raw: Buffer): Buffer {
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** The SPKI public key of a CKA_EC_POINT (a DER OCTET STRING around the uncompressed point). */
function publicKeyOfEcPoint(ecPoint: Buffer): KeyObject {
  let point = ecPoint;
  if (point[0] === 0x04 && point.length === 67 && point[1] === 65) point = point.subarray(2);
  if (point.length !== 65 || point[0] !== 0x04) throw p11Error('The token key is not an uncompressed P-256 point', 'Only EC P-256 keys are supported.');
  return createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, point]), format: 'der', type: 'spki' });
}

interface OpenedToken {
  mod: Pkcs11Module;
  c: Pkcs11js;
  session: Handle;
  close(): void;
}

function openToken(uri: Pkcs11Uri): OpenedToken {
  const c = loadBinding();
  const mod = new c.PKCS11();
  try {
    mod.load(uri.modulePath);
    mod.C_Initialize();
  } catch (err) {
    throw p11Error(`Cannot load PKCS#11 module "${uri.modulePath}": ${(err as Error).message}`, 'Check module-path (e.g. /usr/lib/softhsm/libsofthsm2.so) and the module configuration (SOFTHSM2_CONF).', err);
  }
  let finalized = false;
  const finalize = () => {
    if (finalized) return;
    finalized = true;
    try {
      mod.C_Finalize();
    } catch {
      // already finalized by the module: nothing left to release
    }
  };
  try {
    const slots = mod.C_GetSlotList(true);
    const slot = slots.find((s, i) => (uri.slotId === undefined || i === uri.slotId || s.readUIntLE(0, Math.min(6, s.length)) === uri.slotId) && (uri.token === undefined || mod.C_GetTokenInfo(s).label.trimEnd() === uri.token));
    if (!slot) throw p11Error(`No PKCS#11 token${uri.token ? ` labelled "${uri.token}"` : ''} in "${uri.modulePath}"`, 'List tokens with softhsm2-util --show-slots (or your HSM tool).');
    const session = mod.C_OpenSession(slot, c.CKF_SERIAL_SESSION! | c.CKF_RW_SESSION!);
    if (uri.pin !== undefined) {
      try {
        mod.C_Login(session, c.CKU_USER!, uri.pin);
      } catch (err) {
        if (!/CKR_USER_ALREADY_LOGGED_IN/.test(String(err))) throw p11Error(`PKCS#11 login failed: ${(err as Error).message}`, 'Check pin-value / pin-source.', err);
      }
    }
    return { mod, c, session, close: () => { try { mod.C_CloseSession(session); } finally { finalize(); } } };
  } catch (err) {
    finalize();
    throw err;
  }
}

function findObjects(t: OpenedToken, cls: number, uri: Pkcs11Uri): Handle[] {
  const template: Attribute[] = [{ type: t.c.CKA_CLASS!, value: cls }];
  if (uri.object !== undefined) template.push({ type: t.c.CKA_LABEL!, value: uri.object });
  if (uri.id !== undefined) template.push({ type: t.c.CKA_ID!, value: uri.id });
  t.mod.C_FindObjectsInit(t.session, template);
  try {
    return t.mod.C_FindObjects(t.session, 2);
  } finally {
    t.mod.C_FindObjectsFinal(t.session);
  }
}

/** A signer whose private key stays in a PKCS#11 token. */
export class Pkcs11Signer implements Signer {
  readonly algorithm = SIGNATURE_ALGORITHM;
  private constructor(
    private readonly token: OpenedToken,
    private readonly key: Handle,
    readonly publicKey: KeyObject,
  ) {}

  /** Opens the token, logs in and finds the key pair the URI names. */
  static open(uriText: string): Pkcs11Signer {
    const uri = parsePkcs11Uri(uriText);
    if (uri.object === undefined && uri.id === undefined) throw new PortcullisError({ code: 'USAGE', message: 'The PKCS#11 URI names no key', hint: 'Add object=LABEL (or id=…) to the URI path.' });
    const t = openToken(uri);
    try {
      const priv = findObjects(t, t.c.CKO_PRIVATE_KEY!, uri);
      const pub = findObjects(t, t.c.CKO_PUBLIC_KEY!, uri);
      if (priv.length !== 1 || pub.length !== 1) throw p11Error(`The PKCS#11 URI matches ${priv.length} private and ${pub.length} public keys (need one of each)`, 'Name the key unambiguously with object= or id=; create it with `portcullis key generate --pkcs11 URI`.');
      const [point] = t.mod.C_GetAttributeValue(t.session, pub[0]!, [{ type: t.c.CKA_EC_POINT! }]);
      return new Pkcs11Signer(t, priv[0]!, publicKeyOfEcPoint(point!.value as Buffer));
    } catch (err) {
      t.close();
      if (err instanceof PortcullisError) throw err;
      throw p11Error(`PKCS#11 error: ${(err as Error).message}`, 'Check the token, key label and PIN.', err);
    }
  }

  sign(data: Buffer): Promise<Buffer> {
    try {
      this.token.mod.C_SignInit(this.token.session, { mechanism: this.token.c.CKM_ECDSA! }, this.key);
      const raw = this.token.mod.C_Sign(this.token.session, createHash('sha256').update(data).digest(), Buffer.alloc(64));
      return Promise.resolve(rawToDer(raw));
    } catch (err) {
      return Promise.reject(p11Error(`PKCS#11 signing failed: ${(err as Error).message}`, 'Check that the key is an EC P-256 signing key.', err));
    }
  }

  /** Whether the token reports the private key as extractable (it must not be). */
  privateKeyExtractable(): boolean {
    const [attr] = this.token.mod.C_GetAttributeValue(this.token.session, this.key, [{ type: this.token.c.CKA_EXTRACTABLE! }]);
    const v = attr?.value;
    return Buffer.isBuffer(v) ? v[0] === 1 : v === true;
  }

  close(): Promise<void> {
    this.token.close();
    return Promise.resolve();
  }
}

/**
 * Generates an EC P-256 key pair inside the token (private key sensitive and not extractable),
 * labelled with the URI's `object`; refuses when a key of that label exists. Returns the public key.
 */
export function generatePkcs11KeyPair(uriText: string): KeyObject {
  const uri = parsePkcs11Uri(uriText);
  if (uri.object === undefined) throw new PortcullisError({ code: 'USAGE', message: 'The PKCS#11 URI has no object= label for the new key', hint: 'e.g. pkcs11:token=test;object=release?module-path=…&pin-value=…' });
  const t = openToken(uri);
  try {
    const { c } = t;
    if (findObjects(t, c.CKO_PRIVATE_KEY!, uri).length > 0) throw new PortcullisError({ code: 'USAGE', message: `The token already has a key labelled "${uri.object}"`, hint: 'Choose another object= label.' });
    const id = createHash('sha256').update(uri.object).digest().subarray(0, 16);
    const common = [{ type: c.CKA_TOKEN!, value: true }, { type: c.CKA_LABEL!, value: uri.object }, { type: c.CKA_ID!, value: uri.id ?? id }];
    const { publicKey } = t.mod.C_GenerateKeyPair(
      t.session,
      { mechanism: c.CKM_EC_KEY_PAIR_GEN! },
      [...common, { type: c.CKA_EC_PARAMS!, value: P256_PARAMS }, { type: c.CKA_VERIFY!, value: true }],
      [...common, { type: c.CKA_PRIVATE!, value: true }, { type: c.CKA_SENSITIVE!, value: true }, { type: c.CKA_EXTRACTABLE!, value: false }, { type: c.CKA_SIGN!, value: true }],
    );
    const [point] = t.mod.C_GetAttributeValue(t.session, publicKey, [{ type: c.CKA_EC_POINT! }]);
    return publicKeyOfEcPoint(point!.value as Buffer);
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    throw p11Error(`PKCS#11 key generation failed: ${(err as Error).message}`, 'Check the token, PIN and that it supports EC P-256.', err);
  } finally {
    t.close();
  }
}

/**
 * Rekor v2 (rekor-tiles) entries: kind `dsse` / `hashedrekord` version `0.0.2`, no signed entry
 * timestamp, inclusion proven by a Merkle proof against a checkpoint: a C2SP signed note
 * (https://c2sp.org/signed-note) whose signature line starts with a 4-byte key hint.
 *
 * `@sigstore/verify` checks the proof and the checkpoint signature; it finds the log's key by
 * comparing that hint with the first bytes of the log id, using the trusted root's
 * `checkpointKeyId` when present. Trusted roots that predate that field (the Sigstore public-good
 * and staging roots list their Rekor v2 logs without it) give the log id of the key alone
 * (SHA-256 of the SPKI), which is not what a signed note names: the C2SP key id is
 * SHA-256(origin || "\n" || signature type || public key), with the type 0x01 and the raw 32-byte
 * key for Ed25519. So for each log without a `checkpointKeyId` we add the same log once more with
 * its C2SP key id, origin being the log's URL without scheme. The hint only selects the key: the
 * checkpoint signature is still verified with it, and a root that lists the id is used as is.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { TransparencyLogInstance, TrustedRoot } from '@sigstore/protobuf-specs';

const ED25519_SPKI_PREFIX_LENGTH = 12;
const NOTE_TYPE_ED25519 = 0x01;

/** The signed-note origin of a log: its base URL without scheme or trailing slash. */
export function noteOrigin(baseUrl: string): string | undefined {
  try {
    const u = new URL(baseUrl);
    return `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/** The C2SP signed-note key id of an Ed25519 log key (SPKI DER), or undefined for other keys. */
export function noteKeyId(origin: string, spki: Buffer): Buffer | undefined {
  let type: string | undefined;
  try {
    type = createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyType;
  } catch {
    return undefined;
  }
  if (type !== 'ed25519' || spki.length !== ED25519_SPKI_PREFIX_LENGTH + 32) return undefined;
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${origin}\n`, 'utf8'), Buffer.from([NOTE_TYPE_ED25519]), spki.subarray(ED25519_SPKI_PREFIX_LENGTH)]))
    .digest();
}

/** The trusted root with each Ed25519 log also listed under its checkpoint (signed-note) key id. */
export function withCheckpointKeyIds(root: TrustedRoot): TrustedRoot {
  const extra: TransparencyLogInstance[] = [];
  const listed = root.tlogs.flatMap((t) => [t.logId?.keyId, t.checkpointKeyId?.keyId]).filter((k): k is Buffer => k !== undefined).map((k) => Buffer.from(k));
  for (const t of root.tlogs) {
    if (t.checkpointKeyId || !t.publicKey?.rawBytes) continue;
    const origin = noteOrigin(t.baseUrl);
    const id = origin ? noteKeyId(origin, Buffer.from(t.publicKey.rawBytes)) : undefined;
    if (id && !listed.some((k) => k.equals(id))) extra.push({ ...t, checkpointKeyId: { keyId: id } });
  }
  return extra.length ? { ...root, tlogs: [...root.tlogs, ...extra] } : root;
}

/**
 * An inclusion proof must be about the tree its checkpoint signs: the proof's root hash and tree
 * size are those of the checkpoint body (origin, size, root hash lines). The library computes the
 * root from the proof and compares it with the checkpoint, but does not look at the proof's own
 * fields; a bundle where they disagree is malformed. Returns the reason, or undefined.
 */
export function inclusionProofMismatch(entry: { inclusionProof?: { rootHash: Buffer; treeSize: string; checkpoint?: { envelope: string } } }): string | undefined {
  const p = entry.inclusionProof;
  if (!p?.checkpoint) return undefined;
  const lines = p.checkpoint.envelope.split('\n');
  if (lines.length < 3) return 'the checkpoint has fewer than three lines';
  if (lines[1] !== String(p.treeSize)) return `the inclusion proof is for a tree of ${p.treeSize} entries, the checkpoint for ${lines[1]}`;
  if (Buffer.from(lines[2]!, 'base64').toString('base64') !== lines[2] || !Buffer.from(lines[2]!, 'base64').equals(Buffer.from(p.rootHash))) return 'the inclusion proof\'s root hash is not the checkpoint\'s';
  return undefined;
}

/**
 * Rekor v2 bundles and trusted-root validity, offline, on the Sigstore conformance suite's data
 * (test/fixtures/sigstore, see its README): a DSSE bundle whose transparency-log entry is a Rekor
 * v2 `dsse` 0.0.2 entry (inclusion proof against a signed-note checkpoint, no SET) verifies, and
 * a trusted root whose log key has no `validFor.start` is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../src/attest/sigstore/bundle.js';
import { noteKeyId, noteOrigin, withCheckpointKeyIds } from '../src/attest/sigstore/rekor-v2.js';
import { loadTrustedRootFile, parseTrustedRoot, publicGoodTrustedRoot } from '../src/attest/sigstore/trusted-root.js';
import { verifyBundle } from '../src/attest/sigstore/verify-bundle.js';

const FX = join(import.meta.dirname, 'fixtures', 'sigstore');
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-rekor2-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BEACON = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const identity = { identity: BEACON, issuer: 'https://token.actions.githubusercontent.com' };
const A_DIGEST = 'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';
const BUNDLE = 'a.txt.rekor2-dsse.sigstore.json';
const staging = loadTrustedRootFile(join(FX, 'trusted_root.staging.json')).root;
const text = (name: string) => readFileSync(join(FX, name), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach deep into the JSON
function mutate(name: string, edit: (doc: any) => void): string {
  const doc = JSON.parse(text(name));
  edit(doc);
  return JSON.stringify(doc);
}
const flip = (b64: string, at = 10) => {
  const buf = Buffer.from(b64, 'base64');
  buf[at]! ^= 1;
  return buf.toString('base64');
};
const verify = (json: string, root = staging, digest = A_DIGEST) => verifyBundle({ bundle: parseBundle(json), artifact: { digest }, trustedRoot: root, identity });

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('Rekor v2 DSSE bundles', () => {
  it('verify: dsse 0.0.2 entry, inclusion proof against the signed checkpoint, RFC 3161 timestamp, identity', () => {
    const doc = JSON.parse(text(BUNDLE));
    expect(doc.verificationMaterial.tlogEntries[0]).toMatchObject({ kindVersion: { kind: 'dsse', version: '0.0.2' } });
    expect(doc.verificationMaterial.tlogEntries[0].inclusionPromise).toBeUndefined();
    expect(verify(text(BUNDLE))).toMatchObject({ verified: true, content: 'dsse', statement: { predicateType: 'https://slsa.dev/provenance/v1', subject: [{ name: 'a.txt' }] }, signer: { subjectAlternativeName: BEACON } });
  });

  it('through verify-bundle, against the file and its digest', () => {
    const args = ['verify-bundle', '--bundle', join(FX, BUNDLE), '--certificate-identity', BEACON, '--certificate-oidc-issuer', identity.issuer, '--trusted-root', join(FX, 'trusted_root.staging.json'), '--output', 'json'];
    for (const target of [join(FX, 'a.txt'), A_DIGEST]) {
      const r = cli([...args, target]);
      expect(r.status, r.stderr + r.stdout).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, content: 'dsse' });
    }
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach deep into the bundle JSON
  type Doc = any;
  it.each([
    ['a forged checkpoint signature', (d: Doc) => (d.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope = d.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope.replace(/(sigstage\.dev )(\S+)\n$/, (_m: string, p: string, sig: string) => `${p}${flip(sig, 20)}\n`)), 'TLOG_INVALID'],
    ['an altered inclusion proof', (d: Doc) => (d.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0] = flip(d.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0])), 'TLOG_INVALID'],
    ['a proof root hash other than the checkpoint\'s', (d: Doc) => (d.verificationMaterial.tlogEntries[0].inclusionProof.rootHash = flip(d.verificationMaterial.tlogEntries[0].inclusionProof.rootHash)), 'TLOG_INVALID'],
    ['a proof tree size other than the checkpoint\'s', (d: Doc) => (d.verificationMaterial.tlogEntries[0].inclusionProof.treeSize = '7133'), 'TLOG_INVALID'],
    ['an envelope signature not in the log entry', (d: Doc) => (d.dsseEnvelope.signatures[0].sig = flip(d.dsseEnvelope.signatures[0].sig, 30)), /TLOG_INVALID|SIGNATURE_INVALID|TIMESTAMP_INVALID/],
    ['a payload other than the logged one', (d: Doc) => (d.dsseEnvelope.payload = Buffer.from(Buffer.from(d.dsseEnvelope.payload, 'base64').toString().replace('a.txt', 'b.txt')).toString('base64')), /TLOG_INVALID|SIGNATURE_INVALID/],
  ])('refuse %s', (_what, edit, code) => {
    const v = verify(mutate(BUNDLE, edit));
    expect(v.verified).toBe(false);
    if (typeof code === 'string') expect(v.code).toBe(code);
    else expect(v.code).toMatch(code);
  });

  it('refuse a root that does not list the Rekor v2 log', () => {
    const root = parseTrustedRoot(mutate('trusted_root.staging.json', (d) => (d.tlogs = d.tlogs.filter((t: { baseUrl: string }) => !t.baseUrl.includes('log2025')))), 'no v2 log').root;
    expect(verify(text(BUNDLE), root)).toMatchObject({ verified: false, code: 'TLOG_INVALID' });
  });

  it('derive the signed-note key id of Ed25519 logs (and keep roots that list it)', () => {
    const log = staging.tlogs.find((t) => t.baseUrl.includes('log2025'))!;
    expect(noteOrigin(log.baseUrl)).toBe('log2025-alpha1.rekor.sigstage.dev');
    const id = noteKeyId(noteOrigin(log.baseUrl)!, Buffer.from(log.publicKey!.rawBytes!))!;
    // The id the bundle's entry names (and whose first 4 bytes the checkpoint signature carries).
    expect(id.toString('base64')).toBe(JSON.parse(text(BUNDLE)).verificationMaterial.tlogEntries[0].logId.keyId);
    const augmented = withCheckpointKeyIds(staging);
    expect(augmented.tlogs).toHaveLength(staging.tlogs.length + 1);
    expect(withCheckpointKeyIds(augmented).tlogs).toHaveLength(augmented.tlogs.length);
    // ECDSA (Rekor v1) logs are left alone; the public-good root's Rekor v2 log gets its id too.
    expect(noteKeyId('rekor.sigstage.dev', Buffer.from(staging.tlogs[0]!.publicKey!.rawBytes!))).toBeUndefined();
    // The public-good root names its Rekor v2 log by exactly this id already: nothing to add.
    const pg = publicGoodTrustedRoot().root;
    const v2 = pg.tlogs.find((t) => noteKeyId(noteOrigin(t.baseUrl)!, Buffer.from(t.publicKey!.rawBytes!)));
    expect(v2).toBeDefined();
    expect(noteKeyId(noteOrigin(v2!.baseUrl)!, Buffer.from(v2!.publicKey!.rawBytes!))!.equals(Buffer.from(v2!.logId!.keyId))).toBe(true);
    expect(withCheckpointKeyIds(pg).tlogs).toHaveLength(pg.tlogs.length);
  });
});

describe('trusted roots whose transparency-log key has no validity start', () => {
  const noStart = mutate('trusted_root.staging.json', (d) => delete d.tlogs[1].publicKey.validFor.start);

  it('are refused with TRUSTED_ROOT_INVALID, naming the field', () => {
    expect(() => parseTrustedRoot(noStart, 'no-start')).toThrowCode('TRUSTED_ROOT_INVALID', 'tlogs[1].publicKey.validFor.start');
    expect(() => parseTrustedRoot(mutate('trusted_root.staging.json', (d) => delete d.tlogs[0].publicKey.validFor), 'no-validFor')).toThrowCode('TRUSTED_ROOT_INVALID');
    expect(() => parseTrustedRoot(mutate('trusted_root.staging.json', (d) => (d.tlogs[0].publicKey.validFor.start = 'yesterday')), 'bad-start')).toThrowCode('TRUSTED_ROOT_INVALID');
  });

  it('make verify-bundle fail (exit 2, TRUSTED_ROOT_INVALID) instead of verifying', () => {
    const file = join(work, 'no-start.json');
    writeFileSync(file, noStart);
    const r = cli(['verify-bundle', '--bundle', join(FX, BUNDLE), '--certificate-identity', BEACON, '--certificate-oidc-issuer', identity.issuer, '--trusted-root', file, join(FX, 'a.txt')]);
    expect(r).toFailWith('TRUSTED_ROOT_INVALID');
  });
});

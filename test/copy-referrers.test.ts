/**
 * `copy` carries OCI 1.1 referrers (signature and attestation bundles written with
 * `--registry-referrers-mode oci-1-1`) and referrers of referrers (a signature on an SBOM
 * attestation), next to the legacy `.sig`/`.att` tags, to another repository and to another
 * registry; `verify`/`verify-attestation` pass at the destination. Against Debian's
 * docker-registry (distribution 2.8: no referrers API, so the destination gets the
 * `sha256-<hex>` fallback index), through the CLI as built in dist/cli.js.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFixtures } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, type Registry } from './support/registry.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-copy-referrers-'));

function cli(args: string[]) {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PORTCULLIS_PASSWORD: 'copy' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}
const out = (r: { status: number | null; stdout: string; stderr: string }) => {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown> & { code?: string; verified?: boolean };
};
const skopeoRaw = async (ref: string) => JSON.parse((await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ref])).stdout) as { manifests?: { digest: string; artifactType?: string }[] };

let reg: Registry;
let reg2: Registry;
let img: string;
let digest: string;
let sigReferrer: string;
let attReferrer: string;
let attSigReferrer: string;
const key = join(work, 'k');

beforeAll(async () => {
  const fx = await ensureFixtures();
  [reg, reg2] = await Promise.all([startRegistry(), startRegistry()]);
  img = `${reg.host}/src/app`;
  await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${img}:1`);
  expect(cli(['key', 'generate', '-o', key]).status).toBe(0);
  writeFileSync(join(work, 'bom.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }));
  const s = out(cli(['sign', `docker://${img}:1`, '--key', `${key}.key`, '--registry-referrers-mode', 'oci-1-1', '--output', 'json']));
  digest = s.digest as string;
  sigReferrer = s.referrer as string;
  const a = out(cli(['attest', `docker://${img}:1`, '--type', 'cyclonedx', '--predicate', join(work, 'bom.json'), '--key', `${key}.key`, '--registry-referrers-mode', 'oci-1-1', '--output', 'json']));
  attReferrer = a.referrer as string;
  // A signature on the SBOM attestation: a referrer of a referrer.
  const sa = out(cli(['sign', `docker://${img}@${attReferrer}`, '--key', `${key}.key`, '--registry-referrers-mode', 'oci-1-1', '--output', 'json']));
  attSigReferrer = sa.referrer as string;
  // And a legacy .sig next to them.
  expect(cli(['sign', `docker://${img}:1`, '--key', `${key}.key`]).status).toBe(0);
}, 600_000);

afterAll(async () => {
  await Promise.all([reg?.stop(), reg2?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('copy with OCI 1.1 referrers', () => {
  it.each([
    ['another repository of the same registry', () => `${reg.host}/dst/app`],
    ['another registry', () => `${reg2.host}/prod/app`],
  ])('carries referrers, referrers of referrers and .sig tags to %s, and they verify there', async (_what, target) => {
    const dst = target();
    const c = out(cli(['copy', `docker://${img}:1`, `docker://${dst}:1`, '--output', 'json']));
    expect(c).toMatchObject({ digest, copied: { tags: 1, referrers: 3 } });
    const refs = c.referrers as { digest: string; subject: string; index: string; tag?: string }[];
    expect(refs.map((r) => [r.digest, r.subject]).sort()).toEqual(
      [
        [sigReferrer, digest],
        [attReferrer, digest],
        [attSigReferrer, attReferrer],
      ].sort(),
    );
    // distribution 2.8 has no referrers API: the fallback index is written at the destination.
    expect(refs.every((r) => r.index === 'tag')).toBe(true);
    const index = await skopeoRaw(`docker://${dst}:${digest.replace(':', '-')}`);
    expect(index.manifests!.map((m) => m.digest).sort()).toEqual([sigReferrer, attReferrer].sort());
    expect(index.manifests!.every((m) => m.artifactType === 'application/vnd.dev.sigstore.bundle.v0.3+json')).toBe(true);

    const v = out(cli(['verify', `docker://${dst}:1`, '--key', `${key}.pub`, '--output', 'json']));
    expect(v.verified).toBe(true);
    expect((v.checks as { source?: string; verified: boolean }[]).map((x) => [x.source ?? 'tag', x.verified])).toEqual([
      ['tag', true],
      ['referrer', true],
    ]);
    expect(out(cli(['verify-attestation', `docker://${dst}:1`, '--key', `${key}.pub`, '--type', 'cyclonedx', '--output', 'json'])).verified).toBe(true);
    // The signature on the attestation came along too.
    expect(out(cli(['verify', `docker://${dst}@${attReferrer}`, '--key', `${key}.pub`, '--output', 'json'])).verified).toBe(true);

    // Copying again adds nothing to the destination's fallback index.
    out(cli(['copy', `docker://${img}:1`, `docker://${dst}:1`, '--output', 'json']));
    expect((await skopeoRaw(`docker://${dst}:${digest.replace(':', '-')}`)).manifests).toHaveLength(2);
  });

  it('prints what it copied in text form', () => {
    const c = cli(['copy', `docker://${img}:1`, `docker://${reg2.host}/text/app:1`]);
    expect(c.status, c.stderr).toBe(0);
    expect(c.stderr).toContain(`Copied referrer ${reg2.host}/text/app@${attSigReferrer}`);
    expect(c.stderr).toMatch(/Signatures and attestations: 1 tag, 3 referrers copied/);
  });

  it('keeps the signatures the destination has of its own: the source\'s .sig layers are merged in', async () => {
    const dst = `docker://${reg2.host}/own/app:1`;
    out(cli(['copy', `docker://${img}:1`, dst, '--no-signatures', '--output', 'json']));
    const own = join(work, 'own');
    expect(cli(['key', 'generate', '-o', own]).status).toBe(0);
    expect(cli(['sign', dst, '--key', `${own}.key`]).status).toBe(0);
    const c = out(cli(['copy', `docker://${img}:1`, dst, '--output', 'json']));
    expect((c.artifacts as { merged?: { added: number } }[])[0]!.merged).toMatchObject({ added: 1 });
    for (const k of [own, key]) expect(out(cli(['verify', dst, '--key', `${k}.pub`, '--output', 'json'])).verified).toBe(true);
    const sig = (await skopeoRaw(`docker://${reg2.host}/own/app:${digest.replace(':', '-')}.sig`)) as unknown as { layers: unknown[] };
    expect(sig.layers).toHaveLength(2);
    // Copying again adds nothing.
    expect((out(cli(['copy', `docker://${img}:1`, dst, '--output', 'json'])).artifacts as { merged?: { added: number } }[])[0]!.merged).toMatchObject({ added: 0 });
  });

  it('copies the image alone with --no-signatures: verify fails there with SIGNATURE_MISSING', () => {
    const dst = `docker://${reg2.host}/bare/app:1`;
    const c = out(cli(['copy', `docker://${img}:1`, dst, '--no-signatures', '--output', 'json']));
    expect(c).toMatchObject({ digest, signatures: false, copied: { tags: 0, referrers: 0 } });
    const v = cli(['verify', dst, '--key', `${key}.pub`, '--output', 'json']);
    expect(v.status).toBe(1);
    expect(JSON.parse(v.stdout)).toMatchObject({ verified: false, code: 'SIGNATURE_MISSING' });
    const va = cli(['verify-attestation', dst, '--key', `${key}.pub`, '--output', 'json']);
    expect(va.status).toBe(1);
    expect(JSON.parse(va.stdout)).toMatchObject({ verified: false, code: 'SIGNATURE_MISSING' });
  });
});

/**
 * PKCS#11 signing with Debian's SoftHSM2: a token initialised in a temporary directory, a P-256
 * key pair generated inside it by `key generate --pkcs11`, an image in the real registry signed
 * with the token key and verified with the exported public key. Skipped when softhsm2 is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPublicKey } from '../src/attest/keys.js';
import { parsePkcs11Uri, Pkcs11Signer, rawToDer } from '../src/attest/pkcs11.js';
import { keyIdOf, verifySignature } from '../src/attest/signer.js';
import { ensureFixtures } from './support/fixtures.js';
import { pushWithSkopeo, startRegistry, type Registry } from './support/registry.js';
import { describeWith, file } from './support/oracles.js';

const MODULE = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].find((p) => existsSync(p));
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'portcullis-pkcs11-'));
const conf = join(work, 'softhsm2.conf');
const env = { ...process.env, SOFTHSM2_CONF: conf, NO_COLOR: '1' };
const uri = (object: string) => `pkcs11:token=test;object=${object}?module-path=${MODULE}&pin-value=1234`;

function cli(args: string[]) {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

let reg: Registry;
let img: string;

describeWith([file(MODULE ?? '/usr/lib/softhsm/libsofthsm2.so', 'softhsm2')], 'PKCS#11 signer (SoftHSM2)', () => {
  beforeAll(async () => {
    mkdirSync(join(work, 'tokens'));
    writeFileSync(conf, `directories.tokendir = ${join(work, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'test', '--pin', '1234', '--so-pin', '5678'], { env, stdio: 'ignore' });
    process.env.SOFTHSM2_CONF = conf;
    const fx = await ensureFixtures();
    reg = await startRegistry();
    img = `${reg.host}/hsm/app`;
    await pushWithSkopeo(`oci:${fx.ociLayout}:${fx.ociTag}`, `docker://${img}:1`);
  }, 600_000);

  afterAll(async () => {
    await reg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('parses RFC 7512 URIs and refuses unknown attributes', () => {
    expect(parsePkcs11Uri('pkcs11:token=my%20token;object=k1?module-path=/m.so&pin-value=12%2034')).toMatchObject({ token: 'my token', object: 'k1', modulePath: '/m.so', pin: '12 34' });
    expect(() => parsePkcs11Uri('pkcs11:tokn=x?module-path=/m.so')).toThrowCode('USAGE', '"tokn"');
    expect(() => parsePkcs11Uri('pkcs11:token=x')).toThrowCode('USAGE', 'module-path');
    expect(rawToDer(Buffer.concat([Buffer.alloc(32, 0x80), Buffer.alloc(32, 1)])).toString('hex')).toBe(`3045022100${'80'.repeat(32)}0220${'01'.repeat(32)}`);
  });

  it('generates a P-256 key in the token, signs an image with it, and verify passes with the exported public key', () => {
    const g = cli(['key', 'generate', '--pkcs11', uri('release'), '-o', join(work, 'hsm')]);
    expect(g.status, g.stderr).toBe(0);
    expect(existsSync(join(work, 'hsm.key'))).toBe(false);
    const pub = loadPublicKey(readFileSync(join(work, 'hsm.pub'), 'utf8'));
    expect(cli(['key', 'generate', '--pkcs11', uri('release'), '-o', join(work, 'again')]).status).toBe(2);

    const s = cli(['sign', `docker://${img}:1`, '--key', uri('release'), '--output', 'json']);
    expect(s.status, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).keyId).toBe(keyIdOf(pub));
    const v = cli(['verify', `docker://${img}:1`, '--key', join(work, 'hsm.pub')]);
    expect(v.status, v.stderr).toBe(0);
    const r = cli(['sign', `docker://${img}:1`, '--key', uri('release'), '--registry-referrers-mode', 'oci-1-1']);
    expect(r.status, r.stderr).toBe(0);
    expect(cli(['verify', `docker://${img}:1`, '--key', join(work, 'hsm.pub')]).status).toBe(0);
    expect(cli(['sign', `docker://${img}:1`, '--key', uri('missing')])).toFailWith('PKCS11_ERROR');
    expect(cli(['sign', `docker://${img}:1`, '--key', uri('release').replace('pin-value=1234', 'pin-value=0000')])).toFailWith('PKCS11_ERROR');
  });

  it('keeps the private key in the token: not extractable, signatures verify with node:crypto', async () => {
    const signer = Pkcs11Signer.open(uri('release'));
    try {
      expect(signer.privateKeyExtractable()).toBe(false);
      const data = Buffer.from('hello');
      expect(verifySignature(signer.publicKey, data, await signer.sign(data))).toBe(true);
    } finally {
      await signer.close();
    }
  });
});

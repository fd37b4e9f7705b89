/**
 * A real registry for tests: Debian's `docker-registry` (distribution) on 127.0.0.1, optionally
 * with htpasswd basic auth, and skopeo as the client that pushes into it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Registry {
  host: string;
  user?: string;
  password?: string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function start(auth: { user: string; password: string } | undefined): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-registry-'));
  const port = await freePort();
  let authBlock = '';
  if (auth) {
    const { stdout } = await run('htpasswd', ['-Bbn', auth.user, auth.password]);
    writeFileSync(join(dir, 'htpasswd'), stdout);
    authBlock = `auth:\n  htpasswd:\n    realm: portcullis-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authBlock}`,
  );
  const proc = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  live.add(proc);
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      if (Date.now() > deadline) throw new Error(`registry on ${host} did not start`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    ...(auth ? { user: auth.user, password: auth.password } : {}),
    async stop() {
      proc.kill('SIGTERM');
      live.delete(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function startRegistry(): Promise<Registry> {
  return start(undefined);
}

export function startRegistryWithAuth(user = 'tester', password = 'correct-horse'): Promise<Registry> {
  return start({ user, password });
}

/** `skopeo copy` into a registry on loopback (plain HTTP). */
export async function pushWithSkopeo(src: string, dest: string, creds?: { user: string; password: string }): Promise<void> {
  await run('skopeo', ['copy', '-q', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', `${creds.user}:${creds.password}`] : []), src, dest], { timeout: 300_000 });
}

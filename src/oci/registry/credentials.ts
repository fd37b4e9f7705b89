/**
 * Registry credentials from the places Docker, Podman and skopeo keep them:
 * explicit flags, `REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
 * `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`.
 * Credential helpers (`credsStore`, `credHelpers`) are not run.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PortcullisError, Secret } from '../../core/index.js';

export interface Credentials {
  username: string;
  password: Secret;
}

export interface CredentialOptions {
  /** From `--creds user:pass` or `--username/--password`. */
  explicit?: Credentials;
  /** From `--authfile`. */
  authFile?: string;
  env?: NodeJS.ProcessEnv;
}

function authFiles(opts: CredentialOptions): string[] {
  const env = opts.env ?? process.env;
  const files: string[] = [];
  if (opts.authFile) return [opts.authFile];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  files.push(join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json'));
  return files;
}

function keysFor(registry: string): string[] {
  if (registry === 'docker.io') {
    return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io', 'https://index.docker.io/v1'];
  }
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

/** Finds credentials for a registry, or undefined for anonymous access. */
export function findCredentials(registry: string, opts: CredentialOptions = {}): Credentials | undefined {
  if (opts.explicit) return opts.explicit;
  for (const file of authFiles(opts)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      if (opts.authFile) {
        throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read auth file "${file}"`, hint: 'Check the --authfile path.' });
      }
      continue;
    }
    let doc: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
    try {
      doc = JSON.parse(text);
    } catch {
      throw new PortcullisError({ code: 'FILE_UNREADABLE', message: `Auth file "${file}" is not valid JSON`, hint: 'Fix or remove the file, or pass credentials with --creds USER:PASSWORD.' });
    }
    for (const key of keysFor(registry)) {
      const entry = doc.auths?.[key];
      if (!entry) continue;
      if (entry.username && entry.password) return { username: entry.username, password: new Secret(entry.password) };
      if (entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i > 0) return { username: decoded.slice(0, i), password: new Secret(decoded.slice(i + 1)) };
      }
    }
  }
  return undefined;
}

/** Parses `USER:PASSWORD`. */
export function parseCreds(s: string): Credentials {
  const i = s.indexOf(':');
  if (i <= 0) throw new PortcullisError({ code: 'USAGE', message: 'Invalid --creds value', hint: 'Use --creds USER:PASSWORD.' });
  return { username: s.slice(0, i), password: new Secret(s.slice(i + 1)) };
}

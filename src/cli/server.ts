/** `portcullis server` (the Grafeas v1 metadata API) and `server token create|list|revoke`. */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { appendAudit } from '../audit/index.js';
import {
  DEFAULT_RATE_LIMIT,
  ADMIN_ACTOR,
  createTokenAudited,
  revokeTokenAudited,
  DEFAULT_MAX_BODY,
  loadClientIdentities,
  createLogger,
  DEFAULT_LISTEN,
  parseListen,
  startServer,
  listTokens,
  parseDuration,
  ROLES,
  type TokenInfo,
} from '../server/index.js';
import { PortcullisError } from '../core/index.js';
import type { Store } from '../store/index.js';
import { openStoreOrServer, type AdminClient } from './admin-client.js';
import { addStoreOptions, openStoreFrom, type StoreFlags } from './store-options.js';

interface ServerFlags extends StoreFlags {
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
  rateLimit: string;
  rateBurst: string;
  maxBodySize: string;
  logLevel: string;
  drainTimeout: string;
  tlsDir?: string;
  clientCa?: string;
  clientCertIdentity?: string;
  allowAnonymous?: boolean;
  anonymousProjects: string;
}

/** Where the self-signed certificate is kept: --tls-dir, else the data directory, else the XDG state directory. */
export function defaultTlsDir(
  store: Pick<Store, 'kind' | 'location'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (store.kind === 'pglite') return join(store.location, 'tls');
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'portcullis', 'tls');
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PortcullisError({
      code: 'FILE_NOT_FOUND',
      message: `Cannot read the TLS ${what} "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      cause: err,
    });
  }
}

function positive(name: string, v: string, allowZero = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new PortcullisError({
      code: 'USAGE',
      message: `Invalid ${name} "${v}"`,
      hint: 'A positive number.',
    });
  return n;
}

/**
 * `--database-url-file` / PORTCULLIS_DATABASE_URL_FILE: the URL read from a file (a mounted
 * Kubernetes Secret), so it is not in the process environment. An explicit --database-url wins.
 */
function addDatabaseUrlFile(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--database-url-file <file>',
      'read the PostgreSQL URL from a file (e.g. a mounted Secret)',
    ).env('PORTCULLIS_DATABASE_URL_FILE'),
  );
}

function resolveStoreFlags(flags: StoreFlags & { databaseUrlFile?: string }): StoreFlags {
  if (flags.databaseUrl || !flags.databaseUrlFile) return flags;
  let url: string;
  try {
    url = readFileSync(flags.databaseUrlFile, 'utf8').trim();
  } catch (err) {
    throw new PortcullisError({
      code: 'FILE_NOT_FOUND',
      message: `Cannot read --database-url-file "${flags.databaseUrlFile}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      cause: err,
    });
  }
  if (!url)
    throw new PortcullisError({
      code: 'USAGE',
      message: `--database-url-file "${flags.databaseUrlFile}" is empty`,
    });
  return { ...flags, databaseUrl: url };
}

/**
 * Runs an admin command on the store, or through the running server that owns the embedded data
 * directory (another process may not open it).
 */
async function withStoreOrServer<T>(
  flags: StoreFlags,
  direct: (store: Store) => Promise<T>,
  viaServer: (server: AdminClient) => Promise<T>,
): Promise<T> {
  const opened = await openStoreOrServer(resolveStoreFlags(flags));
  if (opened.server) return viaServer(opened.server);
  try {
    return await direct(opened.store);
  } finally {
    await opened.store.close();
  }
}

/** The URL a local client uses: a wildcard listen address is reached on loopback. */
export function localUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  else if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.origin;
}

async function runServer(flags: ServerFlags): Promise<void> {
  const listen = parseListen(flags.listen);
  if (!!flags.tlsCert !== !!flags.tlsKey)
    throw new PortcullisError({
      code: 'USAGE',
      message: '--tls-cert and --tls-key go together',
      hint: 'Pass both, or neither for a self-signed certificate.',
    });
  if (flags.insecureHttp && flags.tlsCert)
    throw new PortcullisError({
      code: 'USAGE',
      message: '--insecure-http and --tls-cert exclude each other',
    });
  const rate = positive('--rate-limit', flags.rateLimit, true);
  const burst = positive('--rate-burst', flags.rateBurst);
  const maxBody = positive('--max-body-size', flags.maxBodySize);
  const drain = positive('--drain-timeout', flags.drainTimeout, true);
  const tls =
    flags.tlsCert && flags.tlsKey
      ? { cert: readPem(flags.tlsCert, 'certificate'), key: readPem(flags.tlsKey, 'key') }
      : undefined;
  if (flags.clientCertIdentity && !flags.clientCa)
    throw new PortcullisError({
      code: 'USAGE',
      message: '--client-cert-identity needs --client-ca FILE',
      hint: 'The CA that signs the client certificates.',
    });
  const clientCa = flags.clientCa ? readPem(flags.clientCa, 'client CA') : undefined;
  const clientIdentities = flags.clientCertIdentity
    ? loadClientIdentities(flags.clientCertIdentity)
    : clientCa
      ? []
      : undefined;
  const anonymousProjects = flags.anonymousProjects
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (flags.allowAnonymous && anonymousProjects.length === 0)
    throw new PortcullisError({
      code: 'USAGE',
      message: 'Invalid --anonymous-projects',
      hint: 'A comma-separated list of projects, or "*".',
    });
  const logger = createLogger({ level: flags.logLevel });
  // Listen for the stop signal before anything is announced, so a SIGTERM sent as soon as the
  // server says it listens still drains and exits 0.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const store = await openStoreFrom(resolveStoreFlags(flags), 'server');
  // The local admin credential (embedded store only): other processes on this data directory
  // read it from the lock file (0600) to reach the admin endpoints.
  const adminToken = store.lock ? `pca_${randomBytes(32).toString('base64url')}` : undefined;
  let running;
  try {
    running = await startServer({
      store,
      ...(adminToken ? { admin: { tokenHash: createHash('sha256').update(adminToken).digest('hex') } } : {}),
      listen,
      logger,
      ...(tls ? { tls } : flags.insecureHttp ? {} : { tlsDir: flags.tlsDir ?? defaultTlsDir(store) }),
      ...(flags.insecureHttp ? { insecureHttp: true } : {}),
      ...(clientCa ? { clientCa } : {}),
      ...(clientIdentities ? { clientIdentities } : {}),
      ...(flags.allowAnonymous
        ? {
            anonymous: {
              id: 'anonymous',
              role: 'viewer' as const,
              projects: anonymousProjects.includes('*') ? ('*' as const) : anonymousProjects,
            },
          }
        : {}),
      rateLimit: rate === 0 ? false : { perSecond: rate, burst },
      maxBodyBytes: maxBody,
      drainTimeoutMs: drain * 1000,
    });
    if (adminToken)
      store.lock?.setServer({
        url: localUrl(running.url),
        ...(running.fingerprint256 ? { fingerprint256: running.fingerprint256 } : {}),
        adminToken,
      });
  } catch (err) {
    await running?.shutdown();
    await store.close();
    throw err;
  }
  process.stderr.write(
    `portcullis server: listening on ${running.url} (database: ${store.kind} ${store.location})\n`,
  );
  if (clientCa)
    process.stderr.write(
      `client certificates: requested, ${clientIdentities?.length ?? 0} identities mapped\n`,
    );
  if (flags.allowAnonymous)
    process.stderr.write(`anonymous requests: viewer on ${anonymousProjects.join(',')}\n`);
  if (running.fingerprint256) {
    const how = running.selfSignedFile
      ? ` (self-signed, ${running.selfSignedFile.created ? 'generated' : 'kept'} in ${running.selfSignedFile.path})`
      : running.selfSigned
        ? ' (self-signed, generated at start)'
        : '';
    process.stderr.write(`TLS certificate${how} SHA-256 fingerprint: ${running.fingerprint256}\n`);
  }
  logger.info({ url: running.url, database: store.kind }, 'listening');
  const signal = await stopSignal;
  process.stderr.write(`portcullis server: ${signal}: draining in-flight requests\n`);
  await running.shutdown();
  await store.close();
  logger.info({ signal }, 'stopped');
  process.stderr.write('portcullis server: stopped\n');
}

/**
 * The subcommand's options with `server`'s: commander hands `--data-dir` / `--database-url` given
 * after `server token create` to `server`, which declares them too.
 */
function storeFlags<T extends object = object>(cmd: Command): StoreFlags & T {
  return cmd.optsWithGlobals<StoreFlags & T>();
}

function tokenCommand(): Command {
  const token = new Command('token').description(
    'Bearer tokens of the metadata server (stored as SHA-256 hashes)',
  );

  const create = new Command('create')
    .description(
      'Create a token for one or more projects and print it (shown only this once, alone on the last line)',
    )
    .requiredOption(
      '--project <project...>',
      'project the token may access (repeatable or comma-separated; "*" for all)',
    )
    .addOption(
      new Option('--role <role>', 'viewer (read), writer (read and write), admin (also /metrics)')
        .choices([...ROLES])
        .makeOptionMandatory(),
    )
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h, 2w (default: never)')
    .option('--description <text>', 'what the token is for');
  addDatabaseUrlFile(addStoreOptions(create));
  create.action(async (_opts: unknown, cmd: Command) => {
    const flags = storeFlags<{ project: string[]; role: string; expires?: string; description?: string }>(
      cmd,
    );
    const now = new Date();
    const expiresAt = flags.expires ? new Date(now.getTime() + parseDuration(flags.expires)) : undefined;
    const input = {
      projects: flags.project,
      role: flags.role,
      ...(flags.description ? { description: flags.description } : {}),
    };
    const made = await withStoreOrServer(
      flags,
      (store) =>
        createTokenAudited(
          store.db,
          (db, e) => appendAudit(db, e),
          { ...input, ...(expiresAt ? { expiresAt } : {}) },
          { actor: ADMIN_ACTOR },
          now,
        ),
      (server) => server.createToken({ ...input, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) }),
    );
    const i = made.info;
    process.stderr.write(
      `created token ${i.id}: role ${i.role}, projects ${i.projects === '*' ? '*' : i.projects.join(',')}, ${i.expiresAt ? `expires ${i.expiresAt}` : 'does not expire'}\n`,
    );
    process.stdout.write(`${made.token}\n`);
  });

  const list = new Command('list')
    .description('List tokens (never their secrets)')
    .option('--format <format>', 'table or json', 'table');
  addDatabaseUrlFile(addStoreOptions(list));
  list.action(async (_opts: unknown, cmd: Command) => {
    const flags = storeFlags<{ format: string }>(cmd);
    const tokens = await withStoreOrServer(
      flags,
      (store) => listTokens(store.db),
      (server) => server.listTokens(),
    );
    if (flags.format === 'json') {
      process.stdout.write(`${JSON.stringify({ tokens }, null, 2)}\n`);
      return;
    }
    if (flags.format !== 'table')
      throw new PortcullisError({
        code: 'USAGE',
        message: `Unknown --format "${flags.format}"`,
        hint: 'table or json.',
      });
    const state = (t: TokenInfo) =>
      t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? 'expired' : 'active';
    process.stdout.write(
      `${'ID'.padEnd(14)}${'ROLE'.padEnd(8)}${'STATE'.padEnd(9)}${'EXPIRES'.padEnd(26)}PROJECTS\n`,
    );
    for (const t of tokens)
      process.stdout.write(
        `${t.id.padEnd(14)}${t.role.padEnd(8)}${state(t).padEnd(9)}${(t.expiresAt ?? 'never').padEnd(26)}${t.projects === '*' ? '*' : t.projects.join(',')}${t.description ? `  (${t.description})` : ''}\n`,
      );
  });

  const revoke = new Command('revoke')
    .description('Revoke a token by id (effective on the next request)')
    .argument('<id>', 'token id, as `token list` shows it');
  addDatabaseUrlFile(addStoreOptions(revoke));
  revoke.action(async (id: string, _opts: unknown, cmd: Command) => {
    const flags = storeFlags(cmd);
    await withStoreOrServer(
      flags,
      (store) => revokeTokenAudited(store.db, (db, e) => appendAudit(db, e), id, { actor: ADMIN_ACTOR }),
      (server) => server.revokeToken(id),
    );
    process.stdout.write(`revoked token ${id}\n`);
  });

  token.addCommand(create.exitOverride());
  token.addCommand(list.exitOverride());
  token.addCommand(revoke.exitOverride());
  return token;
}

export function serverCommand(): Command {
  const cmd = new Command('server')
    .description(
      'Serve the Grafeas v1 metadata API (notes and occurrences) over HTTPS, with bearer-token authorisation per project; /healthz, /readyz, /metrics, /openapi.json',
    )
    .enablePositionalOptions()
    .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'PEM certificate (default: a self-signed one, its fingerprint printed)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option(
      '--tls-dir <dir>',
      'where the self-signed certificate is kept across restarts (default: DATA_DIR/tls, or $XDG_STATE_HOME/portcullis/tls with --database-url)',
    )
    .option(
      '--client-ca <file>',
      'request client certificates and verify them against this PEM CA bundle (mTLS)',
    )
    .option('--client-cert-identity <file>', 'YAML: client certificate subject CN or SAN → projects and role')
    .option('--allow-anonymous', 'serve requests without credentials, as a viewer of --anonymous-projects')
    .option(
      '--anonymous-projects <list>',
      'projects anonymous requests may read (comma list, "*" for all)',
      '*',
    )
    .option('--insecure-http', 'plain HTTP (loopback addresses only; for tests)')
    .option('--rate-limit <n>', 'requests per second per token (0: no limit)', String(DEFAULT_RATE_LIMIT.perSecond))
    .option('--rate-burst <n>', 'burst size of the per-token rate limit', String(DEFAULT_RATE_LIMIT.burst))
    .option('--max-body-size <bytes>', 'largest request body', String(DEFAULT_MAX_BODY))
    .option('--drain-timeout <seconds>', 'how long shutdown waits for in-flight requests', '10')
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info');
  addDatabaseUrlFile(addStoreOptions(cmd));
  cmd.action((flags: ServerFlags) => runServer(flags));
  cmd.addCommand(tokenCommand().exitOverride());
  return cmd;
}

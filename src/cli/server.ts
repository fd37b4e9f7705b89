/** `portcullis server` (the Grafeas v1 metadata API) and `server token create|list|revoke`. */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { appendAudit } from '../audit/log.js';
import { PortcullisError } from '../core/errors.js';
import { DEFAULT_MAX_BODY } from '../server/app.js';
import { createLogger } from '../server/logger.js';
import { DEFAULT_LISTEN, parseListen, startServer } from '../server/serve.js';
import { createToken, listTokens, parseDuration, revokeToken, ROLES, type TokenInfo } from '../server/tokens.js';
import type { Store } from '../store/store.js';
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
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read the TLS ${what} "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, cause: err });
  }
}

function positive(name: string, v: string, allowZero = false): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new PortcullisError({ code: 'USAGE', message: `Invalid ${name} "${v}"`, hint: 'A positive number.' });
  return n;
}

async function withStore<T>(flags: StoreFlags, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStoreFrom(flags);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function runServer(flags: ServerFlags): Promise<void> {
  const listen = parseListen(flags.listen);
  if (!!flags.tlsCert !== !!flags.tlsKey) throw new PortcullisError({ code: 'USAGE', message: '--tls-cert and --tls-key go together', hint: 'Pass both, or neither for a self-signed certificate.' });
  if (flags.insecureHttp && flags.tlsCert) throw new PortcullisError({ code: 'USAGE', message: '--insecure-http and --tls-cert exclude each other' });
  const rate = positive('--rate-limit', flags.rateLimit, true);
  const burst = positive('--rate-burst', flags.rateBurst);
  const maxBody = positive('--max-body-size', flags.maxBodySize);
  const drain = positive('--drain-timeout', flags.drainTimeout, true);
  const tls = flags.tlsCert && flags.tlsKey ? { cert: readPem(flags.tlsCert, 'certificate'), key: readPem(flags.tlsKey, 'key') } : undefined;
  const logger = createLogger({ level: flags.logLevel });
  const store = await openStoreFrom(flags);
  let running;
  try {
    running = await startServer({ store, listen, logger, ...(tls ? { tls } : {}), ...(flags.insecureHttp ? { insecureHttp: true } : {}), rateLimit: rate === 0 ? false : { perSecond: rate, burst }, maxBodyBytes: maxBody, drainTimeoutMs: drain * 1000 });
  } catch (err) {
    await store.close();
    throw err;
  }
  process.stderr.write(`portcullis server: listening on ${running.url} (database: ${store.kind} ${store.location})\n`);
  if (running.fingerprint256) process.stderr.write(`TLS certificate${running.selfSigned ? ' (self-signed, generated at start)' : ''} SHA-256 fingerprint: ${running.fingerprint256}\n`);
  logger.info({ url: running.url, database: store.kind }, 'listening');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
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
  const token = new Command('token').description('Bearer tokens of the metadata server (stored as SHA-256 hashes)');

  const create = new Command('create')
    .description('Create a token for one or more projects and print it (shown only this once, alone on the last line)')
    .requiredOption('--project <project...>', 'project the token may access (repeatable or comma-separated; "*" for all)')
    .addOption(new Option('--role <role>', 'viewer (read), writer (read and write), admin (also /metrics)').choices([...ROLES]).makeOptionMandatory())
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h, 2w (default: never)')
    .option('--description <text>', 'what the token is for');
  addStoreOptions(create);
  create.action(async (_opts: unknown, cmd: Command) => {
    const flags = storeFlags<{ project: string[]; role: string; expires?: string; description?: string }>(cmd);
    const now = new Date();
    const expiresAt = flags.expires ? new Date(now.getTime() + parseDuration(flags.expires)) : undefined;
    const made = await withStore(flags, (store) =>
      store.db.transaction().execute(async (trx) => {
        const r = await createToken(trx, { projects: flags.project, role: flags.role, now, ...(expiresAt ? { expiresAt } : {}), ...(flags.description ? { description: flags.description } : {}) });
        await appendAudit(trx, { actor: 'cli', action: 'token.create', resource: `tokens/${r.info.id}`, outcome: 'ok', detail: { role: r.info.role, projects: r.info.projects, expiresAt: r.info.expiresAt } });
        return r;
      }),
    );
    const i = made.info;
    process.stderr.write(`created token ${i.id}: role ${i.role}, projects ${i.projects === '*' ? '*' : i.projects.join(',')}, ${i.expiresAt ? `expires ${i.expiresAt}` : 'does not expire'}\n`);
    process.stdout.write(`${made.token}\n`);
  });

  const list = new Command('list').description('List tokens (never their secrets)').option('--format <format>', 'table or json', 'table');
  addStoreOptions(list);
  list.action(async (_opts: unknown, cmd: Command) => {
    const flags = storeFlags<{ format: string }>(cmd);
    const tokens = await withStore(flags, (store) => listTokens(store.db));
    if (flags.format === 'json') {
      process.stdout.write(`${JSON.stringify({ tokens }, null, 2)}\n`);
      return;
    }
    if (flags.format !== 'table') throw new PortcullisError({ code: 'USAGE', message: `Unknown --format "${flags.format}"`, hint: 'table or json.' });
    const state = (t: TokenInfo) => (t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? 'expired' : 'active');
    process.stdout.write(`${'ID'.padEnd(14)}${'ROLE'.padEnd(8)}${'STATE'.padEnd(9)}${'EXPIRES'.padEnd(26)}PROJECTS\n`);
    for (const t of tokens) process.stdout.write(`${t.id.padEnd(14)}${t.role.padEnd(8)}${state(t).padEnd(9)}${(t.expiresAt ?? 'never').padEnd(26)}${t.projects === '*' ? '*' : t.projects.join(',')}${t.description ? `  (${t.description})` : ''}\n`);
  });

  const revoke = new Command('revoke').description('Revoke a token by id (effective on the next request)').argument('<id>', 'token id, as `token list` shows it');
  addStoreOptions(revoke);
  revoke.action(async (id: string, _opts: unknown, cmd: Command) => {
    const flags = storeFlags(cmd);
    await withStore(flags, (store) =>
      store.db.transaction().execute(async (trx) => {
        if (!(await revokeToken(trx, id))) throw new PortcullisError({ code: 'USAGE', message: `No token with id "${id}"`, hint: 'See `portcullis server token list`.' });
        await appendAudit(trx, { actor: 'cli', action: 'token.revoke', resource: `tokens/${id}`, outcome: 'ok' });
      }),
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
    .description('Serve the Grafeas v1 metadata API (notes and occurrences) over HTTPS, with bearer-token authorisation per project; /healthz, /readyz, /metrics, /openapi.json')
    .enablePositionalOptions()
    .option('--listen <host:port>', 'address to listen on', DEFAULT_LISTEN)
    .option('--tls-cert <file>', 'PEM certificate (default: a self-signed one, its fingerprint printed)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--insecure-http', 'plain HTTP (loopback addresses only; for tests)')
    .option('--rate-limit <n>', 'requests per second per token (0: no limit)', '50')
    .option('--rate-burst <n>', 'burst size of the per-token rate limit', '100')
    .option('--max-body-size <bytes>', 'largest request body', String(DEFAULT_MAX_BODY))
    .option('--drain-timeout <seconds>', 'how long shutdown waits for in-flight requests', '10')
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info');
  addStoreOptions(cmd);
  cmd.action((flags: ServerFlags) => runServer(flags));
  cmd.addCommand(tokenCommand().exitOverride());
  return cmd;
}

/**
 * `portcullis admission serve` (the Kubernetes validating and mutating webhook) and
 * `portcullis admission manifests` (everything that deploys it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import { appendAudit } from '../audit/index.js';
import {
  combineEvidence,
  createAdmissionMetrics,
  createInvalidationPoller,
  createRecorder,
  createReviewer,
  createWebhookApp,
  DEFAULT_MAX_REVIEW_BYTES,
  generateWebhookCertificates,
  parseFailureModes,
  renderManifests,
  serviceDnsNames,
  startWebhook,
  tlsFilesOf,
  WEBHOOK_NAME,
  webhookObjects,
  type InvalidationPoller,
} from '../admission/index.js';
import { PortcullisError } from '../core/index.js';
import { cachedEvidence, formatDiagnostic, loadPolicies } from '../policy/index.js';
import { createLogger, parseListen } from '../server/index.js';
import type { Store } from '../store/index.js';
import { addEvidenceOptions, evidenceSources, type EvidenceFlags } from './evidence-options.js';
import { writeOutput } from './output.js';
import { collect } from './signing-options.js';
import { addStoreOptions, openStoreFrom, type StoreFlags } from './store-options.js';
import { TOOL_VERSION } from './version.js';

interface ServeFlags extends EvidenceFlags, StoreFlags {
  policy: string[];
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsDir?: string;
  timeoutSeconds: string;
  budgetMs?: string;
  failureMode: string;
  namespaceFailureMode?: string[];
  cacheTtl: string;
  cacheEntries: string;
  invalidateInterval: string;
  maxBodySize: string;
  logLevel: string;
}

function number(name: string, v: string, min: number, max = Infinity): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new PortcullisError({ code: 'USAGE', message: `Invalid ${name} "${v}"`, hint: `A number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}.` });
  return n;
}

/** The internal deadline: 80 % of the configuration's timeoutSeconds (10 s → 8 s), never above it. */
export function budgetOf(timeoutSeconds: number, budgetMs?: number): number {
  const limit = timeoutSeconds * 1000;
  if (budgetMs !== undefined && budgetMs >= limit) throw new PortcullisError({ code: 'USAGE', message: `--budget-ms ${budgetMs} is not below --timeout-seconds ${timeoutSeconds}`, hint: 'The webhook must answer before the API server gives up on it.' });
  return budgetMs ?? Math.floor(limit * 0.8);
}

async function runServe(flags: ServeFlags): Promise<void> {
  const listen = parseListen(flags.listen);
  const tls = tlsFilesOf(flags);
  const timeoutSeconds = number('--timeout-seconds', flags.timeoutSeconds, 1, 30);
  const budgetMs = budgetOf(timeoutSeconds, flags.budgetMs !== undefined ? number('--budget-ms', flags.budgetMs, 1) : undefined);
  const failureModes = parseFailureModes(flags.failureMode, flags.namespaceFailureMode);
  const ttlMs = number('--cache-ttl', flags.cacheTtl, 0) * 1000;
  const maxEntries = number('--cache-entries', flags.cacheEntries, 1);
  const pollMs = number('--invalidate-interval', flags.invalidateInterval, 0) * 1000;
  const maxBody = number('--max-body-size', flags.maxBodySize, 1024);
  const logger = createLogger({ level: flags.logLevel });
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const { set, diagnostics } = await loadPolicies(flags.policy);
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  // Evidence lookups time out with the budget: a slow registry never holds a request past it.
  const sources = evidenceSources(flags, { timeoutMs: budgetMs });
  const evidence = cachedEvidence(combineEvidence({ ...(sources.registry ? { registry: sources.registry } : {}), ...(sources.metadata ? { metadata: sources.metadata } : {}) }), { ttlMs, maxEntries });
  const metrics = createAdmissionMetrics({ cache: evidence, defaultMetrics: true });
  let store: Store | undefined;
  if (flags.dataDir || flags.databaseUrl) store = await openStoreFrom(flags, 'admission serve');
  const recorder = createRecorder({
    ...(sources.metadataOptions ? { metadata: { ...sources.metadataOptions, timeoutMs: 10_000 } } : {}),
    ...(store ? { audit: (e) => appendAudit(store!.db, e) } : {}),
    logger,
    onFailure: (kind) => metrics.recordFailed(kind),
  });
  if (!store) process.stderr.write('portcullis admission: no --data-dir or --database-url: denials and breakglass are logged, not written to an audit log\n');
  if (!sources.metadataOptions) process.stderr.write('portcullis admission: no --metadata server: admissions are not recorded as DEPLOYMENT occurrences\n');
  let poller: InvalidationPoller | undefined;
  if (sources.metadataOptions && pollMs > 0) {
    poller = createInvalidationPoller({ metadata: sources.metadataOptions, invalidate: (d) => evidence.invalidate(d), intervalMs: pollMs, logger });
    poller.start();
  }
  const reviewer = createReviewer({ policies: set, evidence, budgetMs, failureModes, recorder, metrics, logger });
  const app = createWebhookApp({ reviewer, metrics, logger, maxBodyBytes: maxBody });
  const running = await startWebhook({ app, host: listen.host, port: listen.port, tls, logger });
  process.stderr.write(`portcullis admission: listening on ${running.url} (${set.policies.length} policies, deadline ${budgetMs} ms of ${timeoutSeconds} s, failure mode ${failureModes.default})\n`);
  const signal = await stopSignal;
  process.stderr.write(`portcullis admission: ${signal}: shutting down\n`);
  await running.shutdown();
  await poller?.stop();
  await recorder.close();
  await sources.close();
  await store?.close();
}

function serveCommand(): Command {
  const cmd = new Command('serve')
    .description('Serve the Kubernetes admission webhook (AdmissionReview v1 over HTTPS): POST /validate, POST /mutate, /healthz, /readyz, /metrics')
    .requiredOption('--policy <file|dir>', 'policy file or directory (repeatable)', collect)
    .option('--listen <host:port>', 'address to listen on', '0.0.0.0:8443')
    .option('--tls-cert <file>', 'PEM serving certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-dir <dir>', 'directory with tls.crt and tls.key (a mounted kubernetes.io/tls Secret); re-read when they change')
    .option('--timeout-seconds <s>', "the webhook configurations' timeoutSeconds (1-30); the internal deadline is 80% of it", '10')
    .option('--budget-ms <ms>', 'the internal deadline per review, below --timeout-seconds')
    .addOption(new Option('--failure-mode <mode>', 'answer when the webhook cannot decide (internal error, deadline, evidence unavailable)').choices(['closed', 'open']).default('closed'))
    .option('--namespace-failure-mode <ns=mode>', 'failure mode for namespaces matching a glob, e.g. dev-*=open (repeatable, first match wins)', collect)
    .option('--cache-ttl <s>', 'how long verified evidence of a digest is kept', '300')
    .option('--cache-entries <n>', 'cached digests at most (per kind of evidence)', '10000')
    .option('--invalidate-interval <s>', 'poll the metadata server for new occurrences this often and drop their digests from the cache (0: never)', '10')
    .option('--max-body-size <bytes>', 'largest AdmissionReview accepted', String(DEFAULT_MAX_REVIEW_BYTES))
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'));
  addEvidenceOptions(cmd);
  addStoreOptions(cmd);
  cmd.addHelpText('after', '\nDecisions are recorded: DEPLOYMENT occurrences on the --metadata server (its token needs the writer role), audit entries for denials, breakglass and failure-mode answers in the store (--data-dir / --database-url). Dry runs record nothing.');
  return cmd.action(runServe);
}

interface ManifestFlags {
  namespace: string;
  image: string;
  replicas: string;
  timeoutSeconds: string;
  validateFailurePolicy: 'Fail' | 'Ignore';
  mutateFailurePolicy: 'Fail' | 'Ignore';
  certManager?: boolean;
  caCert?: string;
  caKey?: string;
  policy?: string[];
  serveArg?: string[];
  output?: string;
}

const MAX_POLICY_FILE = 512 * 1024;

/** The policy files (and key files next to them) for the ConfigMap. */
function policyFiles(paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (file: string) => {
    const st = statSync(file);
    if (!st.isFile()) return;
    if (st.size > MAX_POLICY_FILE) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `${file} is over ${MAX_POLICY_FILE} bytes`, hint: 'A ConfigMap holds at most 1 MiB.' });
    const key = basename(file);
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new PortcullisError({ code: 'USAGE', message: `"${key}" is not a valid ConfigMap key`, hint: 'Rename the file: letters, digits, "-", "_" and ".".' });
    if (out[key] !== undefined) throw new PortcullisError({ code: 'USAGE', message: `Two files are named "${key}"` });
    out[key] = readFileSync(file, 'utf8');
  };
  for (const p of paths) {
    try {
      if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) add(join(p, f));
      else add(p);
    } catch (err) {
      if (err instanceof PortcullisError) throw err;
      throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read --policy "${p}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, cause: err });
    }
  }
  return out;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read ${what} "${file}"`, cause: err });
  }
}

function manifestsCommand(): Command {
  return new Command('manifests')
    .description('Print the manifests that deploy the webhook: Namespace, ServiceAccount, policies ConfigMap, TLS Secret (or cert-manager), Deployment, PodDisruptionBudget, Service, Validating/MutatingWebhookConfigurations')
    .option('--namespace <ns>', "the webhook's namespace (excluded from review, as kube-system is)", 'portcullis')
    .option('--image <image>', 'the portcullis image (pin a digest)', `ghcr.io/portcullis/portcullis:${TOOL_VERSION}`)
    .option('--replicas <n>', 'webhook replicas (at least 2)', '2')
    .option('--timeout-seconds <s>', 'timeoutSeconds of the webhook configurations (1-30)', '10')
    .addOption(new Option('--validate-failure-policy <policy>', 'failurePolicy of the validating webhook').choices(['Fail', 'Ignore']).default('Fail'))
    .addOption(new Option('--mutate-failure-policy <policy>', 'failurePolicy of the mutating webhook (the validating one still verifies)').choices(['Fail', 'Ignore']).default('Ignore'))
    .option('--cert-manager', 'let cert-manager issue and rotate the certificate and inject the caBundle')
    .option('--ca-cert <file>', 'keep this CA (rotation of the serving certificate; with --ca-key)')
    .option('--ca-key <file>', 'private key of --ca-cert')
    .option('--policy <file|dir>', 'policy files (and the key files they name) for the ConfigMap (repeatable)', collect)
    .option('--serve-arg <arg>', 'one more argument of `admission serve` in the Deployment, e.g. --serve-arg=--registry (repeatable)', collect)
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (flags: ManifestFlags) => {
      const replicas = number('--replicas', flags.replicas, 2, 100);
      const timeoutSeconds = number('--timeout-seconds', flags.timeoutSeconds, 1, 30);
      if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(flags.namespace)) throw new PortcullisError({ code: 'USAGE', message: `Invalid --namespace "${flags.namespace}"`, hint: 'A DNS label.' });
      if (!!flags.caCert !== !!flags.caKey) throw new PortcullisError({ code: 'USAGE', message: '--ca-cert and --ca-key go together' });
      if (flags.certManager && flags.caCert) throw new PortcullisError({ code: 'USAGE', message: '--cert-manager excludes --ca-cert' });
      const tls = flags.certManager
        ? ({ kind: 'cert-manager' } as const)
        : ({ kind: 'generated', certs: await generateWebhookCertificates({ dnsNames: serviceDnsNames(WEBHOOK_NAME, flags.namespace), ...(flags.caCert && flags.caKey ? { ca: { cert: readPem(flags.caCert, '--ca-cert'), key: readPem(flags.caKey, '--ca-key') } } : {}) }) } as const);
      const objects = webhookObjects({ namespace: flags.namespace, image: flags.image, replicas, timeoutSeconds, validateFailurePolicy: flags.validateFailurePolicy, mutateFailurePolicy: flags.mutateFailurePolicy, tls, policyFiles: policyFiles(flags.policy ?? []), serveArgs: flags.serveArg ?? [] });
      await writeOutput(renderManifests(objects), flags.output);
    });
}

export function admissionCommand(): Command {
  return new Command('admission').description('The Kubernetes admission webhook: serve it, print the manifests that deploy it').addCommand(serveCommand()).addCommand(manifestsCommand());
}

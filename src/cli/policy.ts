/**
 * `portcullis policy lint FILE...`, `policy test --policy FILE|DIR MANIFEST...` and
 * `policy explain`: the policy engine offline on manifests, with evidence from the images'
 * registries (`--registry`) and a metadata server (`--metadata URL`) when given.
 *
 * Exit status: lint 0 (warnings only) or 2 (errors); test 0 when everything would be admitted,
 * 1 when anything would be denied, 2 for usage, manifest or policy errors; explain as test.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { combineEvidence, metadataEvidence, registryEvidence } from '../admission/index.js';
import { loadManifests, type ManifestObject } from '../checks/index.js';
import { PortcullisError } from '../core/index.js';
import {
  cachedEvidence,
  evaluate,
  formatDiagnostic,
  hasErrors,
  lintPolicyFiles,
  loadPolicies,
  offlineEvidence,
  type EvidenceProvider,
  type PolicySet,
  podOf,
} from '../policy/index.js';
import { renderDecisionExplain, renderPolicyJson, renderPolicySarif, renderPolicyTable, type PolicyTestReport, type TestedObject } from '../report/index.js';
import { writeOutput } from './output.js';
import { collect, registryClientFor } from './signing-options.js';
import { TOOL_VERSION } from './version.js';

/** Exit status when something would be denied. */
export const POLICY_DENIED_EXIT = 1;

interface EvidenceFlags {
  registry?: boolean;
  authfile?: string;
  insecure?: boolean;
  metadata?: string;
  metadataProject?: string;
  metadataToken?: string;
  metadataCa?: string;
  metadataFingerprint?: string;
  metadataInsecure?: boolean;
}

interface TestFlags extends EvidenceFlags {
  policy: string[];
  namespace: string;
  at?: string;
  format: string;
  output?: string;
}

function addEvidenceOptions(cmd: Command): Command {
  return cmd
    .option('--registry', "fetch digests, signatures and attestations from the images' registries (default: offline)")
    .option('--authfile <file>', 'auth file with per-registry credentials (default: REGISTRY_AUTH_FILE, containers auth.json, ~/.docker/config.json)')
    .option('--insecure', 'allow plain HTTP and unverified TLS for non-loopback registries')
    .option('--metadata <url>', 'read vulnerability scans (occurrences) from this Portcullis/Grafeas metadata server')
    .option('--metadata-project <project>', 'project of the occurrences (required with --metadata)')
    .addOption(new Option('--metadata-token <token>', 'bearer token for --metadata').env('PORTCULLIS_TOKEN'))
    .option('--metadata-ca <file>', 'PEM CA certificate (or the server certificate) to trust for --metadata')
    .option('--metadata-fingerprint <sha256>', "pin the metadata server certificate's SHA-256 fingerprint")
    .option('--metadata-insecure', 'accept any metadata server certificate (tests only)');
}

function addTestOptions(cmd: Command, formats: string[]): Command {
  cmd
    .requiredOption('--policy <file|dir>', 'policy file or directory (repeatable)', collect)
    .option('--namespace <ns>', 'namespace of objects that name none', 'default')
    .option('--at <time>', 'evaluate as of this time (RFC 3339): expiry dates, evidence age')
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default(formats[0]))
    .option('-o, --output <file>', 'write the report to a file');
  return addEvidenceOptions(cmd);
}

interface Evidence {
  provider: EvidenceProvider;
  close(): Promise<void>;
}

function evidenceFrom(flags: EvidenceFlags): Evidence {
  if (!flags.metadata && (flags.metadataProject || flags.metadataCa || flags.metadataFingerprint || flags.metadataInsecure)) throw new PortcullisError({ code: 'USAGE', message: 'The --metadata-* options need --metadata URL' });
  if (flags.metadata && !flags.metadataProject) throw new PortcullisError({ code: 'USAGE', message: '--metadata needs --metadata-project PROJECT', hint: 'The project the scans were pushed to (scan --push-project).' });
  if ([flags.metadataCa, flags.metadataFingerprint, flags.metadataInsecure].filter((v) => v !== undefined).length > 1) throw new PortcullisError({ code: 'USAGE', message: '--metadata-ca, --metadata-fingerprint and --metadata-insecure exclude each other' });
  if (flags.metadata) {
    try {
      new URL(flags.metadata);
    } catch (err) {
      throw new PortcullisError({ code: 'USAGE', message: `Invalid --metadata URL "${flags.metadata}"`, hint: 'e.g. https://metadata.example:8443', cause: err });
    }
  }
  let ca: string | undefined;
  if (flags.metadataCa) {
    try {
      ca = readFileSync(flags.metadataCa, 'utf8');
    } catch (err) {
      throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot read --metadata-ca "${flags.metadataCa}"`, cause: err });
    }
  }
  // Only per-registry credentials (auth files): one --creds would be sent to every registry.
  const registry = flags.registry ? registryEvidence({ clientFor: (host) => registryClientFor({ registry: host, repository: '' }, { ...(flags.authfile ? { authfile: flags.authfile } : {}), ...(flags.insecure ? { insecure: true } : {}) }) }) : undefined;
  const metadata = flags.metadata
    ? metadataEvidence({ url: flags.metadata, project: flags.metadataProject!, ...(flags.metadataToken ? { token: flags.metadataToken } : {}), tls: { ...(ca ? { ca } : {}), ...(flags.metadataFingerprint ? { fingerprint: flags.metadataFingerprint } : {}), ...(flags.metadataInsecure ? { insecure: true } : {}) } })
    : undefined;
  const provider = registry || metadata ? cachedEvidence(combineEvidence({ ...(registry ? { registry } : {}), ...(metadata ? { metadata } : {}) })) : offlineEvidence;
  return { provider, close: async () => void (await Promise.all([registry?.close(), metadata?.close()])) };
}

function parseAt(at: string | undefined): Date {
  if (at === undefined) return new Date();
  const t = Date.parse(at);
  if (Number.isNaN(t)) throw new PortcullisError({ code: 'USAGE', message: `Invalid --at "${at}"`, hint: 'An RFC 3339 time such as 2027-01-31T00:00:00Z.' });
  return new Date(t);
}

async function loadSet(flags: TestFlags, now: Date): Promise<PolicySet> {
  const { set, diagnostics } = await loadPolicies(flags.policy, { now });
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  return set;
}

/** The workload objects of the manifests (other kinds are not reviewed). */
async function loadObjects(paths: string[]): Promise<ManifestObject[]> {
  const load = await loadManifests(paths);
  if (load.unknowns.length) {
    const u = load.unknowns[0]!;
    throw new PortcullisError({ code: 'FILE_UNREADABLE', message: `Cannot read the manifests: ${u.file}${u.line ? `:${u.line}` : ''}: ${u.reason}${load.unknowns.length > 1 ? ` (and ${load.unknowns.length - 1} more)` : ''}`, hint: 'Pass Kubernetes manifests (YAML or JSON).' });
  }
  return load.objects.filter((o) => podOf(o.value) !== undefined);
}

async function decide(set: PolicySet, objects: readonly ManifestObject[], ev: EvidenceProvider, flags: TestFlags, now: Date): Promise<TestedObject[]> {
  const out: TestedObject[] = [];
  for (const o of objects) {
    const decision = await evaluate(set, { object: o.value, namespace: o.namespace ?? flags.namespace }, ev, { now });
    out.push({ file: o.file, line: o.locate([]).line, decision });
  }
  return out;
}

function policyIds(set: PolicySet): string[] {
  return set.policies.map((p) => p.id);
}

function lintCommand(): Command {
  return new Command('lint')
    .description('Check policy files: schema (unknown fields), globs, CEL conditions, regular expressions, expired exemptions and allowlist entries, key files')
    .argument('<file...>', 'policy files or directories')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--skip-keys', 'do not check that key files and trusted roots load (linting elsewhere than where the policies run)')
    .option('--at <time>', 'lint as of this time (RFC 3339): expiry dates')
    .action(async (files: string[], flags: { format: string; skipKeys?: boolean; at?: string }) => {
      const ds = await lintPolicyFiles(files, { now: parseAt(flags.at), checkKeys: !flags.skipKeys });
      if (flags.format === 'json') await writeOutput(JSON.stringify({ schemaVersion: 1, kind: 'policy-lint', valid: !hasErrors(ds), diagnostics: ds }, null, 2) + '\n', undefined);
      else {
        for (const d of ds) process.stdout.write(`${formatDiagnostic(d)}\n`);
        const errors = ds.filter((d) => d.severity === 'error').length;
        process.stderr.write(`${errors} errors, ${ds.length - errors} warnings\n`);
      }
      if (hasErrors(ds)) process.exitCode = 2;
    });
}

function testCommand(): Command {
  const cmd = new Command('test')
    .description('Evaluate manifests (every workload kind) against policies, as the admission webhook would')
    .argument('<manifest...>', 'manifest files or directories');
  addTestOptions(cmd, ['table', 'json', 'sarif']).action(async (manifests: string[], flags: TestFlags) => {
    const now = parseAt(flags.at);
    const set = await loadSet(flags, now);
    const objects = await loadObjects(manifests);
    const ev = evidenceFrom(flags);
    let tested: TestedObject[];
    try {
      tested = await decide(set, objects, ev.provider, flags, now);
    } finally {
      await ev.close();
    }
    const rep: PolicyTestReport = { toolVersion: TOOL_VERSION, policies: policyIds(set), objects: tested };
    await writeOutput(flags.format === 'json' ? renderPolicyJson(rep) : flags.format === 'sarif' ? renderPolicySarif(rep) : renderPolicyTable(rep), flags.output);
    if (tested.some((t) => !t.decision.allowed)) process.exitCode = POLICY_DENIED_EXIT;
  });
  return cmd;
}

function pick(objects: readonly ManifestObject[], which: string | undefined): ManifestObject {
  const matches = which === undefined ? objects : objects.filter((o) => `${o.kind}/${o.name}` === which || `${o.kind}/${o.namespace ?? ''}/${o.name}` === which || o.name === which);
  if (matches.length === 1) return matches[0]!;
  const names = objects.map((o) => `${o.kind}/${o.name}`).join(', ');
  throw new PortcullisError({ code: 'USAGE', message: matches.length === 0 ? `No workload ${which === undefined ? 'in the manifests' : `"${which}"`}` : `${matches.length} workloads match; name one with --object KIND/NAME`, hint: names ? `Workloads: ${names}.` : 'Pass a manifest with a Pod or a workload.' });
}

function explainCommand(): Command {
  const cmd = new Command('explain')
    .description('Explain one decision in full: every rule with its evidence and fix, noMatch, patches, audit annotations')
    .argument('[manifest...]', 'manifest files or directories (or --image)')
    .option('--object <kind/name>', 'which workload of the manifests')
    .option('--image <reference>', 'explain a Pod running this image (instead of manifests)');
  addTestOptions(cmd, ['text', 'json']).action(async (manifests: string[], flags: TestFlags & { object?: string; image?: string }) => {
    const now = parseAt(flags.at);
    if (!flags.image && manifests.length === 0) throw new PortcullisError({ code: 'USAGE', message: 'policy explain needs a manifest or --image REF' });
    const set = await loadSet(flags, now);
    let target: { file: string; line: number; value: Record<string, unknown>; namespace?: string };
    if (flags.image) {
      target = { file: '<--image>', line: 1, value: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'explain', namespace: flags.namespace }, spec: { containers: [{ name: 'main', image: flags.image }] } } };
    } else {
      const o = pick(await loadObjects(manifests), flags.object);
      target = { file: o.file, line: o.locate([]).line, value: o.value, ...(o.namespace ? { namespace: o.namespace } : {}) };
    }
    const ev = evidenceFrom(flags);
    let decision;
    try {
      decision = await evaluate(set, { object: target.value, namespace: target.namespace ?? flags.namespace }, ev.provider, { now });
    } finally {
      await ev.close();
    }
    const tested = { file: target.file, line: target.line, decision };
    await writeOutput(flags.format === 'json' ? JSON.stringify({ schemaVersion: 1, kind: 'policy-explain', policies: policyIds(set), file: tested.file, line: tested.line, ...decision }, null, 2) + '\n' : renderDecisionExplain(tested), flags.output);
    if (!decision.allowed) process.exitCode = POLICY_DENIED_EXIT;
  });
  return cmd;
}

export function policyCommand(): Command {
  return new Command('policy')
    .description('Admission policies: lint them, test manifests against them, explain a decision')
    .addCommand(lintCommand())
    .addCommand(testCommand())
    .addCommand(explainCommand())
    .addHelpText('after', `\nExit status: 0 admitted (lint: no errors), ${POLICY_DENIED_EXIT} something would be denied, 2 usage, manifest or policy error.`);
}

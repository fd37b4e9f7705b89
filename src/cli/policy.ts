/**
 * `portcullis policy lint FILE...`, `policy test --policy FILE|DIR MANIFEST...` and
 * `policy explain`: the policy engine offline on manifests, with evidence from the images'
 * registries (`--registry`) and a metadata server (`--metadata URL`) when given.
 *
 * Exit status: lint 0 (warnings only) or 2 (errors); test 0 when everything would be admitted,
 * 1 when anything would be denied, 2 for usage, manifest or policy errors; explain as test.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import {
  recheck,
  tryParseRecheckState,
  type RecheckState,
  combineEvidence,
} from '../admission/index.js';
import {
  renderRecheckJson,
  renderRecheckTable,
  renderDecisionExplain,
  renderPolicyJson,
  renderPolicySarif,
  renderPolicyTable,
  type PolicyTestReport,
  type TestedObject,
} from '../report/index.js';
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
import { writeOutput } from './output.js';
import { addEvidenceOptions, evidenceSources, type EvidenceFlags } from './evidence-options.js';
import { collect } from './signing-options.js';
import { TOOL_VERSION } from './version.js';

/** Exit status when something would be denied. */
export const POLICY_DENIED_EXIT = 1;

interface TestFlags extends EvidenceFlags {
  policy: string[];
  namespace: string;
  at?: string;
  format: string;
  output?: string;
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
  const src = evidenceSources(flags);
  const { registry, metadata } = src;
  const provider = registry || metadata ? cachedEvidence(combineEvidence({ ...(registry ? { registry } : {}), ...(metadata ? { metadata } : {}) })) : offlineEvidence;
  return { provider, close: src.close };
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

function readState(file: string | undefined): RecheckState | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PortcullisError({ code: 'FILE_UNREADABLE', message: `Cannot read --state "${file}"`, cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const state = tryParseRecheckState(doc);
  if (!state) throw new PortcullisError({ code: 'FILE_UNREADABLE', message: `--state "${file}" is not a policy recheck state file`, hint: 'Pass the file an earlier `policy recheck --state` wrote, or a new path.' });
  return state;
}

function recheckCommand(): Command {
  const cmd = new Command('recheck')
    .description('Re-evaluate what runs (e.g. `kubectl get pods -A -o json`) against today\'s evidence: what would now be denied and why, and what changed since the last run')
    .requiredOption('--workloads <file|dir>', 'running workloads: a List dump or manifests (repeatable)', collect)
    .option('--state <file>', 'compare with the state this file holds and write the new state to it');
  addTestOptions(cmd, ['table', 'json']).action(async (flags: TestFlags & { workloads: string[]; state?: string }) => {
    const now = parseAt(flags.at);
    const set = await loadSet(flags, now);
    const previous = readState(flags.state);
    const objects = await loadObjects(flags.workloads);
    const ev = evidenceFrom(flags);
    let result;
    try {
      result = await recheck(set, objects.map((o) => ({ value: o.value, source: `${o.file}:${o.locate([]).line}`, namespace: o.namespace ?? flags.namespace })), ev.provider, { now, ...(previous ? { previous } : {}) });
    } finally {
      await ev.close();
    }
    const meta = { toolVersion: TOOL_VERSION, policies: policyIds(set), ...(previous ? { previousAt: previous.checkedAt } : {}) };
    await writeOutput(flags.format === 'json' ? renderRecheckJson(result, meta) : renderRecheckTable(result, meta), flags.output);
    if (flags.state) {
      writeFileSync(`${flags.state}.tmp`, JSON.stringify(result.state, null, 2) + '\n');
      renameSync(`${flags.state}.tmp`, flags.state);
    }
    if (result.objects.some((o) => !o.allowed)) process.exitCode = POLICY_DENIED_EXIT;
  });
  return cmd;
}

export function policyCommand(): Command {
  return new Command('policy')
    .description('Admission policies: lint them, test manifests against them, explain a decision')
    .addCommand(lintCommand())
    .addCommand(testCommand())
    .addCommand(explainCommand())
    .addCommand(recheckCommand())
    .addHelpText('after', `\nExit status: 0 admitted (lint: no errors), ${POLICY_DENIED_EXIT} something would be denied, 2 usage, manifest or policy error.`);
}

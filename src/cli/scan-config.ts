/** `portcullis scan config <path…>`: Kubernetes manifests and Dockerfiles against the configuration rule sets. */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import {
  frameworkById,
  FRAMEWORKS,
  loadCustomRules,
  type CustomRule,
  DEFAULT_MAX_FILE_BYTES,
  maxPolicyVersion,
  formatPssVersion,
  parsePssVersion,
  builtRuleSets,
  RULE_SETS,
} from '../checks/index.js';
import { parseSeverityList, SEVERITIES, PortcullisError } from '../core/index.js';
import { exitStatusFor, parseExitCode, formatIdsOf, renderReport } from '../report/index.js';
import { runConfigScan } from '../scan/index.js';
import { writeReport } from './output.js';
import { TOOL_VERSION } from './version.js';

interface ScanConfigFlags {
  format: 'table' | 'json' | 'sarif';
  output?: string;
  severity: string;
  exitCode: string;
  rules?: string;
  pssLevel: 'baseline' | 'restricted';
  pssVersion: string;
  trustedRegistries?: string;
  customRules?: string;
  compliance?: string;
  quiet?: boolean;
}

/** `--trusted-registries a,b/c`: registry hosts or repository prefixes. */
export function parseTrustedRegistries(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const items = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new PortcullisError({ code: 'USAGE', message: 'No registry given to --trusted-registries', hint: 'Use a comma list such as registry.example.org,ghcr.io/acme.' });
  for (const r of items) if (/\s|:\/\/|@/.test(r)) throw new PortcullisError({ code: 'USAGE', message: `Invalid trusted registry "${r}"`, hint: 'Give a registry host (registry.example.org, localhost:5000) or a repository prefix (ghcr.io/acme), without a scheme.' });
  return items;
}

/** `--rules`: names from the rule-set table; names reserved for rule sets not built yet are refused. */
export function parseRuleSets(list: string | undefined): string[] {
  const built = builtRuleSets();
  if (list === undefined || list.trim() === '' || list.trim() === 'all') return built;
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    const rs = RULE_SETS.find((r) => r.name === n);
    if (!rs) throw new PortcullisError({ code: 'USAGE', message: `Unknown rule set "${n}"`, hint: `Use a comma list of: ${built.join(', ')}.` });
    if (!rs.run) throw new PortcullisError({ code: 'USAGE', message: `Rule set "${n}" is not built yet`, hint: `Available now: ${built.join(', ')}. Reserved for later: ${RULE_SETS.filter((r) => !r.run).map((r) => r.name).join(', ')}.` });
  }
  return [...new Set(names)];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > DEFAULT_MAX_FILE_BYTES) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `Standard input is more than ${DEFAULT_MAX_FILE_BYTES} bytes`, hint: 'Pass the manifests as files or a directory.' });
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function scanConfigCommand(): Command {
  return new Command('config')
    .description('Check Kubernetes manifests (YAML/JSON files, directories, - for stdin) and Dockerfiles against the configuration rule sets')
    .argument('<path...>', 'manifest files, Dockerfiles, directories (searched for .yaml/.yml/.json and Dockerfile, Dockerfile.*, *.Dockerfile) or - for stdin')
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatIdsOf('config')).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--severity <list>', `severities to report (${SEVERITIES.join(',')})`, SEVERITIES.join(','))
    .option('--exit-code <n>', 'exit status when findings (or unreadable inputs) are reported', '0')
    .option('--rules <list>', `rule sets: ${RULE_SETS.map((r) => r.name).join(',')} (default: all)`)
    .option('--trusted-registries <list>', 'registries (or repository prefixes) images may come from; others are findings (default: Docker Hub images are a warning)')
    .option('--custom-rules <path>', 'custom rules: a YAML file or a directory of them (CEL expressions, as in ValidatingAdmissionPolicy)')
    .addOption(new Option('--compliance <framework>', 'report pass/fail per control of a framework instead of the finding list').choices(FRAMEWORKS.map((f) => f.id)))
    .addOption(new Option('--pss-level <level>', 'Pod Security Standards level for namespaces without pod-security labels in the input').choices(['baseline', 'restricted']).default('restricted'))
    .option('--pss-version <version>', `Pod Security Standards version: v1.0 … ${formatPssVersion(maxPolicyVersion())} or latest (newer v1.NN evaluate as latest, as Pod Security Admission does)`, 'latest')
    .option('-q, --quiet', 'no notes or warnings on stderr')
    .action(async (paths: string[], flags: ScanConfigFlags) => {
      const ruleSets = parseRuleSets(flags.rules);
      const trustedRegistries = parseTrustedRegistries(flags.trustedRegistries);
      if (flags.rules !== undefined && ruleSets.includes('custom') && !flags.customRules) throw new PortcullisError({ code: 'USAGE', message: 'Rule set "custom" needs --custom-rules', hint: 'Pass a rule file or directory with --custom-rules PATH.' });
      if (flags.compliance && flags.format === 'sarif') throw new PortcullisError({ code: 'USAGE', message: '--compliance reports in table or json only', hint: 'Use --format table or --format json with --compliance.' });
      const framework = flags.compliance ? frameworkById(flags.compliance) : undefined;
      const customRules: CustomRule[] | undefined = flags.customRules && ruleSets.includes('custom') ? loadCustomRules(flags.customRules) : undefined;
      const severities = parseSeverityList(flags.severity);
      const exitCode = parseExitCode(flags.exitCode);
      const version = parsePssVersion(flags.pssVersion);
      if (paths.filter((p) => p === '-').length > 1) throw new PortcullisError({ code: 'USAGE', message: 'Standard input (-) can be given only once' });
      for (const p of paths) if (p !== '-' && !existsSync(p)) throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot find "${p}"`, hint: 'Pass manifest files, directories or - for stdin.' });
      const report = await runConfigScan({
        paths,
        ruleSets,
        pss: { level: flags.pssLevel, version },
        pssVersionLabel: flags.pssVersion,
        readStdin,
        severities,
        ...(trustedRegistries ? { trustedRegistries } : {}),
        ...(customRules ? { customRules } : {}),
        ...(framework ? { framework } : {}),
      });
      const opts = { toolVersion: TOOL_VERSION };
      await writeReport(report.kind === 'compliance' ? renderReport('compliance', flags.format, report.input, opts) : renderReport('config', flags.format, report.input, opts), flags.output);
      if (!flags.quiet && (flags.format !== 'table' || framework)) {
        for (const n of report.notes) process.stderr.write(`note: ${n}\n`);
        for (const u of report.unknowns) process.stderr.write(`warning: cannot check ${u.file}${u.line !== undefined ? `:${u.line}:${u.column}` : ''}: ${u.reason}\n`);
      }
      const status = exitStatusFor({ failed: report.failed, exitCode });
      if (status !== 0) process.exitCode = status;
    });
}

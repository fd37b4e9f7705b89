/**
 * `portcullis scan image|fs|rootfs|sbom <target>`: flags → `runScan` (scan/run.ts) → the report
 * rendered from the report table → `--push` → exit status.
 */
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { PortcullisError, parseSeverityList, SEVERITIES } from '../core/index.js';
import { exitStatusFor, parseExitCode, formatIdsOf, renderReport } from '../report/index.js';
import { runScan, SCAN_TARGET_KINDS, type ScanReport, type ScanTargetKind } from '../scan/index.js';
import { loadIgnoreFile, DEFAULT_MAX_AGE_DAYS, tryParseMaxAge, loadVexFile } from '../vulndb/index.js';
import { advisorySourceFrom } from './advisory-source.js';
import { useColor } from './color.js';
import { addImageOptions, imageOptionsFrom, type ImageFlags } from './image-options.js';
import { writeReport } from './output.js';
import { createProgress } from './progress.js';
import { addPushOptions, checkPushFlags, pushFromScan, type PushFlags } from './push.js';
import { scanConfigCommand } from './scan-config.js';
import { runImageConfigCommand, wantsImageConfig } from './scan-image-config.js';
import { parseScanners } from './scanners.js';
import { addStoreOptions, type StoreFlags } from './store-options.js';
import { TOOL_VERSION } from './version.js';

/** Read when no --ignorefile is given and it exists in the working directory. */
const DEFAULT_IGNORE_FILE = '.portcullisignore';

interface ScanFlags extends ImageFlags, StoreFlags, PushFlags {
  format: string;
  output?: string;
  scanners: string;
  severity: string;
  exitCode: string;
  ignoreUnfixed?: boolean;
  ignorefile?: string;
  vex: string[];
  offline?: boolean;
  allowEmptyDb?: boolean;
  dbMaxAge: string;
}

function scanSubcommand(kind: ScanTargetKind): Command {
  const what = {
    image: 'a container image',
    fs: 'a project directory (lockfiles and installed packages)',
    rootfs: 'a root filesystem directory',
    sbom: 'a CycloneDX or SPDX JSON SBOM',
  }[kind];
  const cmd = new Command(kind)
    .description(`Scan ${what} for known vulnerabilities`)
    .argument(
      '<target>',
      kind === 'image'
        ? 'docker://REF (default), oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE'
        : kind === 'sbom'
          ? 'SBOM file'
          : 'directory',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(formatIdsOf('vulnerability')).default('table'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option(
      '--scanners <list>',
      'what to look for: vuln, secret (comma list), or config (image configuration checks, alone)',
      'vuln',
    )
    .option('--severity <list>', `severities to report (${SEVERITIES.join(',')})`, SEVERITIES.join(','))
    .option('--exit-code <n>', 'exit status when vulnerabilities or secrets are reported', '0')
    .option('--ignore-unfixed', 'only report vulnerabilities with a fixed version')
    .option(
      '--ignorefile <file>',
      'ignore file: ID [exp:YYYY-MM-DD] [path:GLOB] per line (default: .portcullisignore if present)',
    )
    .option(
      '--vex <file>',
      'OpenVEX or CycloneDX VEX document; not_affected/fixed findings are suppressed (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    );
  addStoreOptions(cmd);
  cmd.option('--allow-empty-db', 'scan even when no advisory data exists for the ecosystems found (the report names what was not checked)');
  cmd.addOption(new Option('--db-max-age <days>', 'warn when the advisory data was last updated more than this many days ago (0: never)').env('PORTCULLIS_DB_MAX_AGE').default(String(DEFAULT_MAX_AGE_DAYS)));
  cmd.option(
    '--offline',
    'forbid every network access (a registry image is refused; advisory data is never downloaded by scan)',
  );
  if (kind !== 'sbom') addImageOptions(cmd);
  else cmd.option('-q, --quiet', 'no warnings');
  addPushOptions(cmd);
  cmd.action(async (target: string, flags: ScanFlags) => {
    if (wantsImageConfig(flags.scanners)) return runImageConfigCommand({ kind, target, flags });
    const scanners = parseScanners(flags.scanners, { kind, format: flags.format });
    const severities = parseSeverityList(flags.severity);
    checkPushFlags(flags, { kind, vuln: scanners.vuln });
    const exitCode = parseExitCode(flags.exitCode);
    const ignore = flags.ignorefile ? loadIgnoreFile(flags.ignorefile) : existsSync(DEFAULT_IGNORE_FILE) ? loadIgnoreFile(DEFAULT_IGNORE_FILE) : [];
    const vex = flags.vex.flatMap((f) => loadVexFile(f));
    const maxAgeDays = tryParseMaxAge(flags.dbMaxAge);
    if (maxAgeDays === undefined)
      throw new PortcullisError({ code: 'USAGE', message: `Invalid --db-max-age "${flags.dbMaxAge}"`, hint: 'Use a number of days (e.g. 7, or 0.5); 0 turns the warning off.' });
    const progress = kind === 'sbom' ? undefined : createProgress({ quiet: !!flags.quiet });
    let report: ScanReport;
    try {
      report = await runScan({
        kind,
        target,
        scanners,
        severities,
        ...(flags.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
        ignore,
        vex,
        openAdvisories: () => advisorySourceFrom(flags),
        ...(flags.allowEmptyDb ? { allowEmptyDb: true } : {}),
        maxAgeDays,
        ...(flags.offline ? { offline: true } : {}),
        ...(kind === 'sbom' ? {} : { image: imageOptionsFrom(flags) }),
        ...(progress ? { onProgress: progress.listener } : {}),
      });
    } finally {
      progress?.stop();
    }
    const color = useColor(process.stdout, { output: flags.output });
    const renderOptions = { toolVersion: TOOL_VERSION, color };
    if (report.kind === 'secret') {
      // Secrets only: the advisory store was not opened at all.
      await writeReport(renderReport('secret', flags.format, report.input, renderOptions), flags.output);
    } else {
      if (report.staleWarning && !flags.quiet) process.stderr.write(`warning: ${report.staleWarning}\n`);
      const { input } = report;
      await writeReport(renderReport('vulnerability', flags.format, input, renderOptions), flags.output);
      if (!flags.quiet) for (const n of input.match.notes) process.stderr.write(`warning: ${n}\n`);
      if (flags.push)
        await pushFromScan(flags, {
          result: input.result,
          findings: input.findings,
          coverage: input.match.notes,
          toolVersion: TOOL_VERSION,
          ...(flags.quiet ? { quiet: true } : {}),
        });
    }
    const status = exitStatusFor({ failed: report.failed, exitCode });
    if (status !== 0) process.exitCode = status;
  });
  return cmd;
}

export function scanCommand(): Command {
  const scan = new Command('scan').description(
    'Scan images, directories and SBOMs for known vulnerabilities',
  );
  for (const k of SCAN_TARGET_KINDS)
    scan.addCommand(scanSubcommand(k).exitOverride());
  scan.addCommand(scanConfigCommand().exitOverride());
  return scan;
}

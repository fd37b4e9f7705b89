/** `portcullis scan image|fs|rootfs|sbom <target>`: vulnerabilities against the advisory store. */
import { Command, Option } from 'commander';
import { PortcullisError } from '../core/errors.js';
import type { CatalogResult } from '../core/types.js';
import { renderVulnCycloneDx } from '../report/vuln-cyclonedx.js';
import { renderVulnJson, renderVulnSarif, renderVulnTable } from '../report/vulns.js';
import { parseImageReference } from '../oci/reference.js';
import { analyseTarget } from '../scan/catalog-target.js';
import { collectSecrets, redactConfigSecrets, type SecretScanResult } from '../scan/secrets.js';
import { readSbom } from '../sbom/read.js';
import { filterFindings, loadIgnoreFile } from '../vulndb/filter.js';
import { matchCatalog, releaseOf } from '../vulndb/match.js';
import { parseSeverityList, SEVERITIES } from '../core/severity.js';
import { loadIndexFrom } from '../vulndb/store-index.js';
import { dataPresenceOf, languageEcosystemsOf } from '../vulndb/coverage.js';
import { DEFAULT_MAX_AGE_DAYS, tryParseMaxAge } from '../vulndb/freshness.js';
import { checkAdvisoryData, type AdvisoryCheck } from '../scan/advisory-check.js';
import { applyVex, loadVexFile } from '../vulndb/vex.js';
import { advisorySourceFrom } from './advisory-source.js';
import { addImageOptions, imageOptionsFrom, type ImageFlags } from './image-options.js';
import { addPushOptions, checkPushFlags, pushFromScan, type PushFlags } from './push.js';
import { scanConfigCommand } from './scan-config.js';
import { runImageConfigScan, wantsImageConfig } from './scan-image-config.js';
import { catalogersFor, filterSecrets, parseScanners, renderSecretsOnly } from './scanners.js';
import { writeOutput } from './output.js';
import { createProgress } from './progress.js';
import { addStoreOptions, type StoreFlags } from './store-options.js';
import { TOOL_VERSION } from './version.js';

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

const RENDER = {
  table: renderVulnTable,
  json: renderVulnJson,
  sarif: renderVulnSarif,
  cyclonedx: renderVulnCycloneDx,
} as const;

function scanSubcommand(kind: 'image' | 'fs' | 'rootfs' | 'sbom'): Command {
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
      new Option('-f, --format <format>', 'output format').choices(Object.keys(RENDER)).default('table'),
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
    if (wantsImageConfig(flags.scanners)) return runImageConfigScan({ kind, target, flags });
    const scanners = parseScanners(flags.scanners, { kind, format: flags.format });
    const severities = parseSeverityList(flags.severity);
    checkPushFlags(flags, { kind, vuln: scanners.vuln });
    const exitCode = Number(flags.exitCode);
    if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255)
      throw new PortcullisError({
        code: 'USAGE',
        message: `Invalid --exit-code "${flags.exitCode}"`,
        hint: 'Use an integer from 0 to 255.',
      });
    const ignore = flags.ignorefile
      ? loadIgnoreFile(flags.ignorefile)
      : await import('node:fs').then((fs) =>
          fs.existsSync('.portcullisignore') ? loadIgnoreFile('.portcullisignore') : [],
        );
    const vexStatements = flags.vex.flatMap((f) => loadVexFile(f));
    const maxAgeDays = tryParseMaxAge(flags.dbMaxAge);
    if (maxAgeDays === undefined)
      throw new PortcullisError({ code: 'USAGE', message: `Invalid --db-max-age "${flags.dbMaxAge}"`, hint: 'Use a number of days (e.g. 7, or 0.5); 0 turns the warning off.' });
    let result: CatalogResult;
    let secretScan: SecretScanResult | undefined;
    // Advisory data opens while the layers are read (the index file; the database only to (re)build it or on PostgreSQL).
    const storeOpening = scanners.vuln ? advisorySourceFrom(flags) : undefined;
    storeOpening?.catch(() => undefined);
    try {
      if (kind === 'sbom') result = readSbom(target);
      else {
        const ref = kind === 'image' ? target : `rootfs:${target.replace(/^(rootfs|dir):/, '')}`;
        if (flags.offline && parseImageReference(ref).transport === 'docker')
          throw new PortcullisError({
            code: 'OFFLINE',
            message: `Refusing to pull "${target}" from a registry: --offline forbids network access`,
            hint: 'Scan a local copy instead: oci:DIR, oci-archive:FILE or docker-archive:FILE (e.g. made with skopeo copy).',
          });
        const progress = createProgress({ quiet: !!flags.quiet });
        try {
          const analysed = await analyseTarget(ref, {
            ...imageOptionsFrom(flags),
            onProgress: progress.listener,
            catalogers: catalogersFor(scanners),
          });
          result = analysed.result;
          if (scanners.secret) secretScan = collectSecrets(analysed);
        } finally {
          progress.stop();
        }
      }
    } catch (err) {
      await (await storeOpening?.catch(() => undefined))?.close();
      throw err;
    }
    const secrets = secretScan ? filterSecrets(secretScan.findings, { severities, ignore }) : undefined;
    if (secretScan) result = redactConfigSecrets(result);
    if (!scanners.vuln) {
      // Secrets only: the advisory store is not opened at all.
      const color = !flags.output && !!process.stdout.isTTY && !process.env.NO_COLOR;
      await writeOutput(
        renderSecretsOnly(
          flags.format,
          { result, secrets: secrets ?? [], skipped: secretScan?.skipped ?? [] },
          { toolVersion: TOOL_VERSION, color },
        ),
        flags.output,
      );
      if ((secrets?.length ?? 0) > 0 && exitCode !== 0) process.exitCode = exitCode;
      return;
    }
    const store = await storeOpening!;
    let match;
    let check: AdvisoryCheck;
    try {
      const index = await loadIndexFrom(store.data, result, releaseOf(result));
      check = checkAdvisoryData(result, dataPresenceOf(await store.data.languagesWithData(languageEcosystemsOf(result)), index), await store.data.sourceTimes(), { allowEmpty: !!flags.allowEmptyDb, maxAgeDays });
      match = matchCatalog(result, index);
      match.notes.push(...check.notes);
    } finally {
      await store.close();
    }
    if (check.staleWarning && !flags.quiet) process.stderr.write(`warning: ${check.staleWarning}\n`);
    const vex = applyVex(
      filterFindings(match.findings, {
        severities,
        ...(flags.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
        ignore,
      }),
      { result, statements: vexStatements },
    );
    const findings = vex.findings;
    const color = !flags.output && !!process.stdout.isTTY && !process.env.NO_COLOR;
    await writeOutput(
      RENDER[flags.format as keyof typeof RENDER](
        {
          result,
          match,
          findings,
          suppressed: vex.suppressed,
          coverage: check.coverage,
          ...(secrets ? { secrets, secretsSkipped: secretScan?.skipped ?? [] } : {}),
        },
        { toolVersion: TOOL_VERSION, color },
      ),
      flags.output,
    );
    if (!flags.quiet) for (const n of match.notes) process.stderr.write(`warning: ${n}\n`);
    if (flags.push)
      await pushFromScan(flags, {
        result,
        findings,
        coverage: match.notes,
        toolVersion: TOOL_VERSION,
        ...(flags.quiet ? { quiet: true } : {}),
      });
    if ((findings.length > 0 || (secrets?.length ?? 0) > 0) && exitCode !== 0) process.exitCode = exitCode;
  });
  return cmd;
}

export function scanCommand(): Command {
  const scan = new Command('scan').description(
    'Scan images, directories and SBOMs for known vulnerabilities',
  );
  for (const k of ['image', 'fs', 'rootfs', 'sbom'] as const)
    scan.addCommand(scanSubcommand(k).exitOverride());
  scan.addCommand(scanConfigCommand().exitOverride());
  return scan;
}

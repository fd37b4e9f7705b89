/** `portcullis diff <before> <after>`: what changed between two versions of an image. */
import { Command, Option } from 'commander';
import { isRegression, runDiff } from '../diff/index.js';
import { exitStatusFor, parseExitCode, formatIdsOf, renderReport } from '../report/index.js';
import { parseSeverityList, SEVERITIES } from '../core/index.js';
import { advisorySourceFrom } from './advisory-source.js';
import { addImageOptions, imageOptionsFrom, type ImageFlags } from './image-options.js';
import { useColor } from './color.js';
import { writeReport } from './output.js';
import { addStoreOptions, type StoreFlags } from './store-options.js';
import { TOOL_VERSION } from './version.js';

interface DiffFlags extends ImageFlags, StoreFlags {
  format: string;
  output?: string;
  vuln: boolean;
  severity: string;
  exitCode: string;
}

export function diffCommand(): Command {
  const cmd = new Command('diff')
    .description(
      'Show what changed between two versions of an image: packages, vulnerabilities, setuid/setgid and world-writable files, config',
    )
    .argument(
      '<before>',
      'the old image: docker://REF (default), oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, rootfs:DIR',
    )
    .argument('<after>', 'the new image, same forms')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(formatIdsOf('diff')).default('table'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--no-vuln', 'do not match advisories (no vulnerability section, no database needed)')
    .option(
      '--severity <list>',
      `severities of vulnerabilities to compare (${SEVERITIES.join(',')})`,
      SEVERITIES.join(','),
    )
    .option(
      '--exit-code <n>',
      'exit status when the after image introduces vulnerabilities or gains setuid/setgid/world-writable files (sticky directories excepted)',
      '0',
    );
  addStoreOptions(cmd);
  addImageOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Both images are read at the same time. Targets accept every transport of "scan image", and rootfs:DIR.
The JSON report (--format json) is described in docs/diff-report.md (kind "portcullis-diff", schemaVersion 1).`,
  );
  cmd.action(async (beforeRef: string, afterRef: string, flags: DiffFlags) => {
    const severities = parseSeverityList(flags.severity);
    const exitCode = parseExitCode(flags.exitCode);
    const say = !flags.quiet && !!process.stderr.isTTY;
    const diff = await runDiff({
      before: beforeRef,
      after: afterRef,
      image: imageOptionsFrom(flags),
      severities,
      ...(flags.vuln ? { openAdvisories: () => advisorySourceFrom(flags) } : {}),
      ...(say ? { onRead: (ref: string) => process.stderr.write(`reading ${ref}\n`) } : {}),
    });
    const color = useColor(process.stdout, { output: flags.output });
    await writeReport(renderReport('diff', flags.format, diff, { toolVersion: TOOL_VERSION, color }), flags.output);
    if (!flags.quiet && flags.format !== 'table')
      for (const n of diff.vulnerabilities.notes) process.stderr.write(`warning: ${n.side}: ${n.message}\n`);
    const status = exitStatusFor({ failed: isRegression(diff), exitCode });
    if (status !== 0) process.exitCode = status;
  });
  return cmd;
}

/**
 * `scan image|rootfs <target> --scanners config`: the image configuration rules
 * (`checks/image/`) over the image config and merged filesystem, rendered like `scan config`.
 * It runs alone (no advisory store is opened); combine reports by running the scanners separately.
 */
import { parseSeverityList, PortcullisError } from '../core/index.js';
import { exitStatusFor, parseExitCode, formatIdsOf, hasFormat, renderReport } from '../report/index.js';
import { runImageConfigScan } from '../scan/index.js';
import { imageOptionsFrom, type ImageFlags } from './image-options.js';
import { writeReport } from './output.js';
import { createProgress } from './progress.js';
import { TOOL_VERSION } from './version.js';

/** Whether `--scanners` asks for the image configuration checks. */
export function wantsImageConfig(list: string): boolean {
  return list.split(',').some((s) => s.trim() === 'config');
}

export async function runImageConfigCommand(opts: { kind: string; target: string; flags: ImageFlags & { format: string; output?: string; scanners: string; severity: string; exitCode: string } }): Promise<void> {
  const { kind, target, flags } = opts;
  const others = flags.scanners.split(',').map((s) => s.trim()).filter((s) => s && s !== 'config');
  if (others.length) throw new PortcullisError({ code: 'USAGE', message: `Scanner "config" runs alone, not with ${others.map((s) => `"${s}"`).join(', ')}`, hint: 'Run scan image once with --scanners config and once with the other scanners.' });
  if (kind !== 'image' && kind !== 'rootfs') throw new PortcullisError({ code: 'USAGE', message: `Scanner "config" checks images and root filesystems, not ${kind} targets`, hint: 'Use scan image or scan rootfs with --scanners config; for manifests and Dockerfiles use scan config.' });
  if (!hasFormat('config', flags.format)) throw new PortcullisError({ code: 'USAGE', message: `--format ${flags.format} cannot carry configuration findings`, hint: `Use --format ${formatIdsOf('config').slice(0, -1).join(', ')} or ${formatIdsOf('config').at(-1)} with --scanners config.` });
  const severities = parseSeverityList(flags.severity);
  const exitCode = parseExitCode(flags.exitCode);
  const image = imageOptionsFrom(flags);
  const progress = createProgress({ quiet: !!flags.quiet });
  let report;
  try {
    report = await runImageConfigScan({ kind, target, severities, image, onProgress: progress.listener });
  } finally {
    progress.stop();
  }
  await writeReport(renderReport('config', flags.format, report.input, { toolVersion: TOOL_VERSION }), flags.output);
  const status = exitStatusFor({ failed: report.failed, exitCode });
  if (status !== 0) process.exitCode = status;
}

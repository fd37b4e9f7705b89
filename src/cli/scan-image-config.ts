/**
 * `scan image|rootfs <target> --scanners config`: the image configuration rules
 * (`checks/image/`) over the image config and merged filesystem, rendered like `scan config`.
 * It runs alone (no advisory store is opened); combine reports by running the scanners separately.
 */
import { scanImageConfig } from '../checks/image/evaluate.js';
import { renderConfigJson, renderConfigSarif, renderConfigTable } from '../report/config.js';
import { CONFIG_SEVERITIES } from '../checks/types.js';
import { PortcullisError } from '../core/errors.js';
import { analyseTarget } from '../scan/catalog-target.js';
import { imageOptionsFrom, type ImageFlags } from './image-options.js';
import { writeOutput } from './output.js';
import { createProgress } from './progress.js';
import { TOOL_VERSION } from './version.js';

/** Whether `--scanners` asks for the image configuration checks. */
export function wantsImageConfig(list: string): boolean {
  return list.split(',').some((s) => s.trim() === 'config');
}

export async function runImageConfigScan(opts: { kind: string; target: string; flags: ImageFlags & { format: string; output?: string; scanners: string; severity: string; exitCode: string } }): Promise<void> {
  const { kind, target, flags } = opts;
  const others = flags.scanners.split(',').map((s) => s.trim()).filter((s) => s && s !== 'config');
  if (others.length) throw new PortcullisError({ code: 'USAGE', message: `Scanner "config" runs alone, not with ${others.map((s) => `"${s}"`).join(', ')}`, hint: 'Run scan image once with --scanners config and once with the other scanners.' });
  if (kind !== 'image' && kind !== 'rootfs') throw new PortcullisError({ code: 'USAGE', message: `Scanner "config" checks images and root filesystems, not ${kind} targets`, hint: 'Use scan image or scan rootfs with --scanners config; for manifests and Dockerfiles use scan config.' });
  if (!['table', 'json', 'sarif'].includes(flags.format)) throw new PortcullisError({ code: 'USAGE', message: `--format ${flags.format} cannot carry configuration findings`, hint: 'Use --format table, json or sarif with --scanners config.' });
  const severities = flags.severity.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const s of severities) if (!(CONFIG_SEVERITIES as readonly string[]).includes(s)) throw new PortcullisError({ code: 'USAGE', message: `Unknown severity "${s}"`, hint: `Use a comma list of ${CONFIG_SEVERITIES.join(', ')}.` });
  const exitCode = Number(flags.exitCode);
  if (!Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) throw new PortcullisError({ code: 'USAGE', message: `Invalid --exit-code "${flags.exitCode}"`, hint: 'Use an integer from 0 to 255.' });
  const ref = kind === 'image' ? target : `rootfs:${target.replace(/^(rootfs|dir):/, '')}`;
  const progress = createProgress({ quiet: !!flags.quiet });
  let analysed;
  try {
    // No package catalogers: the rules read the config and the file modes only.
    analysed = await analyseTarget(ref, { ...imageOptionsFrom(flags), onProgress: progress.listener, catalogers: [] });
  } finally {
    progress.stop();
  }
  const result = scanImageConfig(analysed);
  result.findings = result.findings.filter((f) => severities.includes(f.severity));
  const scan = { targets: [analysed.result.artifact.reference], ruleSets: ['image'] };
  const text = flags.format === 'json' ? renderConfigJson(result, { toolVersion: TOOL_VERSION, scan }) : flags.format === 'sarif' ? renderConfigSarif(result, { toolVersion: TOOL_VERSION }) : renderConfigTable(result);
  await writeOutput(text, flags.output);
  if (result.findings.length > 0 && exitCode !== 0) process.exitCode = exitCode;
}

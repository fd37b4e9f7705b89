/** `portcullis sbom <target>`: catalog an image or directory and write its SBOM. */
import { Command, Option } from 'commander';
import { formatIdsOf, renderReport, SBOM_FORMATS } from '../report/index.js';
import { catalogTarget } from '../scan/index.js';
import { useColor } from './color.js';
import { addImageOptions, imageOptionsFrom, type ImageFlags } from './image-options.js';
import { writeReport } from './output.js';
import { createProgress } from './progress.js';
import { TOOL_VERSION } from './version.js';

interface SbomFlags extends ImageFlags {
  format: string;
  output?: string;
}

export function sbomCommand(): Command {
  const cmd = new Command('sbom')
    .description('Write the bill of materials of an image or directory')
    .argument('<target>', 'image: docker://REF (default), oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REPO:TAG], rootfs:PATH')
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatIdsOf('sbom')).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout');
  addImageOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Formats:
${Object.values(SBOM_FORMATS)
  .map((f) => `  ${f.id.padEnd(10)} ${f.description}`)
  .join('\n')}

Examples:
  portcullis sbom oci-archive:app.tar --format cyclonedx -o app.cdx.json
  portcullis sbom docker://127.0.0.1:5000/app:1 --format spdx-json
  portcullis sbom rootfs:/ --format table`,
  );
  cmd.action(async (target: string, flags: SbomFlags) => {
    const progress = createProgress({ quiet: !!flags.quiet });
    let result;
    try {
      result = await catalogTarget(target, { ...imageOptionsFrom(flags), onProgress: progress.listener });
    } finally {
      progress.stop();
    }
    const color = useColor(process.stdout, { output: flags.output });
    await writeReport(renderReport('sbom', flags.format, result, { toolVersion: TOOL_VERSION, color, ...(process.stdout.columns ? { width: process.stdout.columns } : {}) }), flags.output);
    if (!flags.quiet && result.unknowns.length > 0) {
      process.stderr.write(`warning: ${result.unknowns.length} file(s) could not be catalogued (listed as "unknowns" in --format json)\n`);
    }
  });
  return cmd;
}

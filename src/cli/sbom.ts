/** `portcullis sbom <target>`: catalog an image or directory and write its SBOM. */
import { Command, Option } from 'commander';
import { SBOM_FORMATS } from '../report/formats.js';
import { catalogTarget } from '../scan/catalog-target.js';
import { addImageOptions, imageOptionsFrom, type ImageFlags } from './image-options.js';
import { writeOutput } from './output.js';
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
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(SBOM_FORMATS)).default('table'))
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
    const format = SBOM_FORMATS[flags.format as keyof typeof SBOM_FORMATS]!;
    const color = !flags.output && !!process.stdout.isTTY && !process.env.NO_COLOR;
    const text = format.render(result, { toolVersion: TOOL_VERSION, color, ...(process.stdout.columns ? { width: process.stdout.columns } : {}) });
    await writeOutput(text, flags.output);
    if (!flags.quiet && result.unknowns.length > 0) {
      process.stderr.write(`warning: ${result.unknowns.length} file(s) could not be catalogued (listed as "unknowns" in --format json)\n`);
    }
  });
  return cmd;
}

// Bundles the CLI into dist/ (cli.js + chunks). Native/wasm-heavy packages stay external.
// `--outdir DIR` bundles elsewhere; `--metafile FILE` writes esbuild's metafile (test/bundle.test.ts).
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { indexImportsPlugin } from './index-imports.mjs';

const { values: args } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' }, metafile: { type: 'string' } } });
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));

// One entry (cli.js) and the manifest parse worker, with shared code split into chunks: each
// command is imported on demand, so a run loads only its own modules and libraries.
rmSync(args.outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: 'src/cli/main.ts', 'manifest-worker': 'src/checks/k8s/manifest-worker.ts', 'store-worker': 'src/store/store-worker.ts' },
  outdir: args.outdir,
  splitting: true,
  chunkNames: '[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
  define: { __PORTCULLIS_VERSION__: JSON.stringify(pkg.version) },
  // Imports of a module's index.ts are bundled as imports of the defining files (see the plugin).
  plugins: [indexImportsPlugin({ srcDir: join(import.meta.dirname, '..', 'src') })],
  metafile: args.metafile !== undefined,
});
chmodSync(join(args.outdir, 'cli.js'), 0o755);
if (args.metafile) writeFileSync(args.metafile, JSON.stringify(result.metafile));

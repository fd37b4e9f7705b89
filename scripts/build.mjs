// Bundles the CLI into dist/ (cli.js + chunks). Native/wasm-heavy packages stay external.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { indexImportsPlugin } from './index-imports.mjs';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));

// One entry (cli.js) and the manifest parse worker, with shared code split into chunks: each
// command is imported on demand, so a run loads only its own modules and libraries.
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts', 'manifest-worker': 'src/checks/k8s/manifest-worker.ts', 'store-worker': 'src/store/store-worker.ts' },
  outdir: 'dist',
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
});
chmodSync('dist/cli.js', 0o755);

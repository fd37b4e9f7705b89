// Bundles the CLI into dist/cli.js (one file, fast start). Native/wasm-heavy packages stay external.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
  define: { __PORTCULLIS_VERSION__: JSON.stringify(pkg.version) },
});
chmodSync('dist/cli.js', 0o755);

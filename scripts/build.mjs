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

// The manifest parse worker (`scan config` on large inputs), next to cli.js: it is started with
// `new URL('./manifest-worker.js', import.meta.url)` from the bundle.
await build({
  entryPoints: ['src/checks/k8s/manifest-worker.ts'],
  outfile: 'dist/manifest-worker.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
});

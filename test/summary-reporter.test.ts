/**
 * The closing line CI reads counts files and suites that failed outside any test (a failing
 * beforeAll such as a fixture build, an import error), not only failed tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'portcullis-reporter-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(cases: string[]) {
  const config = join(work, `vitest.${cases.length}.config.mjs`);
  writeFileSync(
    config,
    `export default { test: { root: ${JSON.stringify(ROOT)}, include: ${JSON.stringify(cases.map((c) => `test/support/reporter-cases/${c}.case.ts`))}, reporters: [${JSON.stringify(join(ROOT, 'test/support/summary-reporter.ts'))}] } };\n`,
  );
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '' },
    timeout: 60_000,
  });
  const lines = res.stdout.trimEnd().split('\n');
  return { status: res.status, last: lines.at(-1), stdout: res.stdout };
}

it.each([
  [['test-fails'], 'tests: 1 passed, 1 failed, 0 skipped'],
  [['hook-fails'], 'tests: 1 passed, 1 failed, 2 skipped'],
  [['import-fails'], 'tests: 0 passed, 1 failed, 0 skipped'],
  [['hook-fails', 'import-fails', 'test-fails'], 'tests: 2 passed, 3 failed, 2 skipped'],
])('%j closes on "%s"', (cases, expected) => {
  const r = run(cases);
  expect(r.status).not.toBe(0);
  expect(r.last).toBe(expected);
  // the plain form CI reads: one word with a colon, then "N passed, N failed"
  expect(r.last).toMatch(/^\w+: \d+ passed, \d+ failed(, \d+ skipped)?$/);
});

it('names the files and suites that failed outside a test', () => {
  const r = run(['hook-fails', 'import-fails']);
  expect(r.stdout).toContain('FAILED FILE test/support/reporter-cases/import-fails.case.ts');
  expect(r.stdout).toContain('FAILED SUITE test/support/reporter-cases/hook-fails.case.ts > hook fails');
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Matchers that assert stable error codes (toThrowCode, toFailWith, toBeApiError).
    setupFiles: ['./test/support/error-codes.ts'],
    pool: 'forks',
  },
});

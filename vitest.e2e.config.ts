import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// CI (.ci/run) sets SOAK_TEST_RESULTS_DIR: a JSON report beside the usual output, which
// scripts/ci-summary.ts totals into the closing `N passed, N failed, N skipped` line.
const resultsDir = process.env.SOAK_TEST_RESULTS_DIR;
const reporting = resultsDir ? { reporters: ['default', 'json'], outputFile: { json: join(resultsDir, 'e2e.json') } } : {};

/** End-to-end soaks through the real CLI: one at a time, each with the machine to itself. */
export default defineConfig({
  test: {
    ...reporting,
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});

import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// CI (.ci/run) sets SOAK_TEST_RESULTS_DIR: a JSON report beside the usual output, which
// scripts/ci-summary.ts totals into the closing `N passed, N failed, N skipped` line.
const resultsDir = process.env.SOAK_TEST_RESULTS_DIR;
const reporting = resultsDir ? { reporters: ['default', 'json'], outputFile: { json: join(resultsDir, 'e2e.json') } } : {};

/** End-to-end soaks through the real CLI: one at a time, each with the machine to itself. */
// The k6 modules the k6 session code imports (scenarios/k6/socketio-session.ts), shimmed for
// Node (tests/k6/shim/), so tests drive the session k6 runs rather than a copy of it.
const k6Shims = {
  'k6/websockets': join(import.meta.dirname, 'tests/k6/shim/websockets.ts'),
  'k6/timers': join(import.meta.dirname, 'tests/k6/shim/timers.ts'),
  'k6/metrics': join(import.meta.dirname, 'tests/k6/shim/metrics.ts'),
};

export default defineConfig({
  resolve: { alias: k6Shims },
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

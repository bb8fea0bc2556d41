import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// CI (.ci/run) sets SOAK_TEST_RESULTS_DIR: a JSON report beside the usual output, which
// scripts/ci-summary.ts totals into the closing `N passed, N failed, N skipped` line.
const resultsDir = process.env.SOAK_TEST_RESULTS_DIR;
const reporting = resultsDir ? { reporters: ['default', 'json'], outputFile: { json: join(resultsDir, 'unit.json') } } : {};

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
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // Whole soaks run alone afterwards (vitest.e2e.config.ts): their time scale is planned for
    // the machine's full capacity, and sharing the 2 cores would lower their fidelity.
    exclude: ['tests/e2e/**', 'node_modules/**', 'dist/**'],
    // Integration tests spawn real processes (store, server) on 127.0.0.1:0; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file gets its own fork so a planted leak in one cannot bleed into another.
    pool: 'forks',
    maxWorkers: 2,
  },
});

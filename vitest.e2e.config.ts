import { defineConfig } from 'vitest/config';

/** End-to-end soaks through the real CLI: one at a time, each with the machine to itself. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});

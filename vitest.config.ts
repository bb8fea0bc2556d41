import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // Integration tests spawn real processes (store, server) on 127.0.0.1:0; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file gets its own fork so a planted leak in one cannot bleed into another.
    pool: 'forks',
    maxWorkers: 2,
  },
});

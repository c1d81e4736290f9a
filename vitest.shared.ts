import { defineConfig } from 'vitest/config';

/** Vitest settings every project shares: tests next to the code, Node environment, no watch. */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    watch: false,
    testTimeout: 30_000,
    pool: 'forks',
  },
});

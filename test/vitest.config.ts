import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.js';

// One file at a time: several of these runs train and evaluate real models, and on a 2-core machine running them
// side by side starves vitest's own process.
export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: { include: ['*.test.ts'], fileParallelism: false, testTimeout: 900_000, hookTimeout: 600_000 },
  }),
);

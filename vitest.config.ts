import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Guest tests start worker threads of their own; keep vitest's own pool small on 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

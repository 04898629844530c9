import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds the bare-metal guest programs (test/guest) once per run; cheap when up to date.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});

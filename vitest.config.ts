import { defineConfig } from 'vitest/config';

/** Suites that run guests: each runs twice, with the JIT on and off (HARTVM_JIT, read by the CLI). */
const GUEST_SUITES = ['test/isa.test.ts', 'test/cli.test.ts', 'test/smp.test.ts', 'test/linux.test.ts', 'test/machine/**/*.test.ts'];

export default defineConfig({
  test: {
    // Builds the bare-metal guest programs (test/guest) once per run; cheap when up to date.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: GUEST_SUITES } },
      { extends: true, test: { name: 'jit-on', include: GUEST_SUITES, env: { HARTVM_JIT: 'on' } } },
      { extends: true, test: { name: 'jit-off', include: GUEST_SUITES, env: { HARTVM_JIT: 'off' } } },
    ],
  },
});

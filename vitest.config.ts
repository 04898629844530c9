import { defineConfig } from 'vitest/config';

/**
 * Projects, so that a run builds only what its suites need:
 * - unit: the TypeScript API alone; needs neither the RISC-V toolchain nor a guest build.
 * - jit-on / jit-off: bare-metal guest programs (built by test/setup/guest-programs.ts) run through
 *   the real CLI, once with the JIT on and once with it off (HARTVM_JIT, read by the CLI).
 * - linux-jit-on / linux-jit-off: the Linux guest (built by test/setup/linux-guest.ts), likewise.
 * - guest-build: checks on what the toolchain builds (the interpreter's packed warm-up programs).
 * `npx vitest run --project unit` runs the unit tests alone.
 */
const GUEST_SUITES = ['test/isa.test.ts', 'test/cli.test.ts', 'test/smp.test.ts', 'test/scheduler.test.ts', 'test/machine/**/*.test.ts'];
const LINUX_SUITES = ['test/linux.test.ts'];
const GUEST_BUILD_SUITES = ['test/guest-build/**/*.test.ts'];
const GUEST_PROGRAMS = ['test/setup/guest-programs.ts'];
const LINUX_GUEST = ['test/setup/linux-guest.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 600_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...GUEST_SUITES, ...LINUX_SUITES, ...GUEST_BUILD_SUITES] } },
      { extends: true, test: { name: 'guest-build', include: GUEST_BUILD_SUITES, globalSetup: GUEST_PROGRAMS } },
      { extends: true, test: { name: 'jit-on', include: GUEST_SUITES, globalSetup: GUEST_PROGRAMS, env: { HARTVM_JIT: 'on' } } },
      { extends: true, test: { name: 'jit-off', include: GUEST_SUITES, globalSetup: GUEST_PROGRAMS, env: { HARTVM_JIT: 'off' } } },
      { extends: true, test: { name: 'linux-jit-on', include: LINUX_SUITES, globalSetup: LINUX_GUEST, env: { HARTVM_JIT: 'on' } } },
      { extends: true, test: { name: 'linux-jit-off', include: LINUX_SUITES, globalSetup: LINUX_GUEST, env: { HARTVM_JIT: 'off' } } },
    ],
  },
});

/**
 * @fileoverview Global setup of the guest suites: builds the bare-metal guest test programs
 * (test/guest -> build/guest) with the Debian RISC-V cross compiler, through scripts/build-guests.mjs.
 * A build failure does not abort the run: the error is handed to the suites through
 * `inject('guestBuildError')`, and each of them fails with it.
 */
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without type declarations
import { buildGuests } from '../../scripts/build-guests.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    guestBuildError: string | null;
    guestElfs: string[];
  }
}

export default async function setup(project: TestProject): Promise<void> {
  try {
    const elfs: string[] = await buildGuests();
    project.provide('guestBuildError', null);
    project.provide('guestElfs', elfs);
  } catch (err) {
    project.provide('guestBuildError', err instanceof Error ? err.message : String(err));
    project.provide('guestElfs', []);
  }
}

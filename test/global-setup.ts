/**
 * @fileoverview Vitest global setup: builds the guest test programs (test/guest -> build/guest) with
 * scripts/build-guests.mjs before any suite runs. A build failure does not abort unrelated suites:
 * the error is handed to the guest suites through `inject('guestBuildError')`, and they fail with it.
 */
import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM script without type declarations
import { buildGuests } from '../scripts/build-guests.mjs';

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

/**
 * @fileoverview Vitest global setup: builds the guest test programs (test/guest -> build/guest) with
 * scripts/build-guests.mjs before any suite runs. A build failure does not abort unrelated suites:
 * the error is handed to the guest suites through `inject('guestBuildError')`, and they fail with it.
 *
 * It also builds the Linux guest (scripts/guest/build.mjs, cached), because the Linux suite runs in
 * two projects at once (JIT on and off) and two builds into one cache must not race. Vitest runs
 * the projects' global setups one after another, so only the first one does the work. A failure is
 * left for the Linux suite to report (its own call of the build then fails with the message).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT } from './helpers/hartvm-cli.ts';
// @ts-expect-error plain ESM script without type declarations
import { buildGuests } from '../scripts/build-guests.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    guestBuildError: string | null;
    guestElfs: string[];
  }
}

export default async function setup(project: TestProject): Promise<void> {
  spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'guest', 'build.mjs'), '--print-dir'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const elfs: string[] = await buildGuests();
    project.provide('guestBuildError', null);
    project.provide('guestElfs', elfs);
  } catch (err) {
    project.provide('guestBuildError', err instanceof Error ? err.message : String(err));
    project.provide('guestElfs', []);
  }
}

/**
 * @fileoverview Global setup of the Linux suite: builds the Linux guests, 6.1 and 6.12
 * (scripts/guest/build.mjs, cached outside the repository). It runs here, before the suites,
 * because the Linux suite runs in two projects (JIT on and off) and two builds into one cache must
 * not race; vitest runs the projects' global setups one after another, so the second finds the
 * cache filled. A failure is left for the suite to report: its own call of the build then fails
 * with the message.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../helpers/hartvm-cli.ts';

export default function setup(): void {
  for (const linux of ['6.1', '6.12']) {
    spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'guest', 'build.mjs'), '--linux', linux, '--print-dir'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

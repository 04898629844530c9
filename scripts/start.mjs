#!/usr/bin/env node
/**
 * @fileoverview `npm start`: boots the project's Linux guest (built by `npm run guest`, cached outside
 * the repository) on 2 harts to a busybox shell on this terminal. Builds the guest first, with its
 * progress shown, when it is not there yet. Ctrl-A x quits.
 * Extra arguments go to `hartvm run`, e.g. `npm start -- --smp 4`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'guest', 'build.mjs'), '--print-dir'], {
  stdio: ['inherit', 'pipe', 'inherit'],
  encoding: 'utf8',
});
if (build.status !== 0) process.exit(build.status ?? 1);
const dir = build.stdout.trim().split('\n').at(-1);

const args = [
  path.join(root, 'bin', 'hartvm.mjs'), 'run', '--smp', '2', '--memory', '256M',
  '--kernel', path.join(dir, 'Image'), '--initrd', path.join(dir, 'rootfs.cpio'),
  '--append', 'console=ttyS0', ...process.argv.slice(2),
];
process.stderr.write('[start] booting Linux on hartvm with 2 harts (Ctrl-A x quits)\n');
const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);

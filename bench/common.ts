/** @fileoverview What every benchmark script shares: its options, its tables, and the Linux guest. */

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The value after `--name` on the command line, or the fallback. */
export function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Prints rows (the first is the header) as right-aligned columns. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c])).join('  '));
}

/** The project's Linux guest (kernel and initramfs), built first if needed; exits when the build fails. */
export function linuxGuest(): { dir: string; kernel: string; initrd: string } {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'guest', 'build.mjs'), '--print-dir'], {
    stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const dir = build.stdout.trim().split('\n').at(-1)!;
  return { dir, kernel: join(dir, 'Image'), initrd: join(dir, 'rootfs.cpio') };
}

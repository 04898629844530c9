/** @fileoverview What every benchmark script shares: its options, its tables, and the Linux guest. */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
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

/** The project's Linux guest (kernel and initramfs; Linux 6.1 or 6.12), built first if needed; exits when the build fails. */
export function linuxGuest(linux = '6.1'): { dir: string; kernel: string; initrd: string } {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'guest', 'build.mjs'), '--linux', linux, '--print-dir'], {
    stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const dir = build.stdout.trim().split('\n').at(-1)!;
  return { dir, kernel: join(dir, 'Image'), initrd: join(dir, 'rootfs.cpio') };
}

/**
 * Builds SRC_DIR/NAME.S, a bare-metal guest, with -D defines into OUT_DIR (the name tagged with the
 * defines); S-mode programs link at 0x8020_0000. Returns the ELF's path.
 */
export function buildBareMetal(srcDir: string, outDir: string, name: string, defines: Record<string, number>, smode = false): string {
  mkdirSync(outDir, { recursive: true });
  const tag = Object.entries(defines).map(([k, v]) => `${k}${v}`).join('-');
  const out = join(outDir, `${name}${tag ? `-${tag}` : ''}.elf`);
  execFileSync('riscv64-unknown-elf-gcc', [
    '-march=rv64imac_zicsr_zifencei', '-mabi=lp64', '-nostdlib', '-nostartfiles', '-static', '-mcmodel=medany',
    '-Wl,--no-warn-rwx-segments',
    ...Object.entries(defines).map(([k, v]) => `-D${k}=${v}`),
    '-I', join(root, 'test', 'guest', 'include'),
    '-T', join(root, 'test', 'guest', smode ? 'link-smode.ld' : 'link.ld'),
    '-o', out, join(srcDir, `${name}.S`),
  ], { stdio: 'inherit' });
  return out;
}

export interface TimedRun { status: number | null; stdout: string; stderr: string; wall: number; cpu?: number }

const TIME = '/usr/bin/time';
export const haveTime = existsSync(TIME);

/**
 * Runs a command, timed: its wall seconds and, with /usr/bin/time, its CPU seconds (user + sys, all
 * threads). A run killed at timeoutMs has status null.
 */
export function runTimed(cmd: string, args: string[], timeoutMs = 600_000): TimedRun {
  const t0 = performance.now();
  const r = haveTime
    ? spawnSync(TIME, ['-f', 'TIME %e %U %S', cmd, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 })
    : spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  let stderr = r.stderr ?? '';
  let cpu: number | undefined;
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
  if (m) {
    cpu = Number(m[2]) + Number(m[3]);
    stderr = stderr.slice(0, m.index);
  }
  // /usr/bin/time reports the child's non-zero status with a "Command exited" line; keep the status.
  stderr = stderr.replace(/Command exited with non-zero status \d+\n?/, '');
  return { status: r.status, stdout: r.stdout ?? '', stderr, wall, cpu };
}

/** Runs `hartvm run ARGS` (bin/hartvm.mjs), timed. */
export function runHartvm(args: string[], timeoutMs = 600_000): TimedRun {
  return runTimed(process.execPath, [join(root, 'bin', 'hartvm.mjs'), 'run', ...args], timeoutMs);
}

/** The median of some numbers (the upper one of the middle two for an even count); NaN for none. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

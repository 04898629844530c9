/**
 * @fileoverview `npm run bench:kernel`: kernel microbenchmarks in the Linux guest, lmbench style —
 * a system call (getppid), fork+exit+wait, a page fault on fresh anonymous memory, and a one-byte
 * round trip through pipes between two processes (bench/guest/linux/kernel-ops.c) — on hartvm with
 * the JIT, hartvm interpreting only, and qemu-system-riscv64 (when installed), alternating in the
 * same run. The guest measures each with its own clock (median of five rounds) and prints
 * microseconds per operation; the table gives the median over --repeats runs of each machine.
 *
 * The program and an /init that runs it and powers off go into the project's guest as an
 * initramfs overlay (initramfs-overlay.ts), so the guest build is not touched.
 *
 * Usage: npm run bench:kernel [-- --harts 1,2 --repeats 3]
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argValue, linuxGuest, printTable, root } from './common.ts';
import { withOverlay } from './initramfs-overlay.ts';

const hartCounts = argValue('harts', '1,2').split(',').map(Number);
const repeats = Number(argValue('repeats', '3'));
const OPS = ['getppid', 'fork+exit+wait', 'page-fault', 'pipe-round-trip'];
const INIT = `#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
/bin/kernel-ops
poweroff -f
`;

const out = join(root, 'build', 'bench');
mkdirSync(out, { recursive: true });
const program = join(out, 'kernel-ops');
const compile = spawnSync('riscv64-linux-gnu-gcc', ['-static', '-O2', '-Wall', '-o', program,
  join(root, 'bench', 'guest', 'linux', 'kernel-ops.c')], { stdio: 'inherit' });
if (compile.status !== 0) {
  console.error('bench:kernel: building kernel-ops.c failed (riscv64-linux-gnu-gcc; bash scripts/setup.sh installs it)');
  process.exit(1);
}
const { dir, kernel, initrd } = linuxGuest();
const overlayInitrd = join(out, 'kernel-ops.cpio');
writeFileSync(overlayInitrd, withOverlay(initrd, [
  { name: 'init', data: Buffer.from(INIT), mode: 0o755 },
  { name: 'bin/kernel-ops', data: readFileSync(program), mode: 0o755 },
]));

/** Microseconds per operation by name, or why the run failed. */
function run(cmd: string, args: string[]): Map<string, number> | string {
  const r = spawnSync(cmd, args, { encoding: 'latin1', timeout: 900_000 });
  const results = new Map<string, number>();
  for (const m of r.stdout.matchAll(/^kernel-ops: (\S+) ([\d.]+) us per op/gm)) results.set(m[1], Number(m[2]));
  if (!/^kernel-ops: done/m.test(r.stdout)) return `failed (exit ${r.status})`;
  return results;
}

const withQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;
const APPEND = 'console=ttyS0';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`bench:kernel: Linux 6.1 (${dir}), microseconds per operation, guest-timed; median of ${repeats} runs each`);
const rows = [['harts', 'operation', 'JIT us', 'interp us', 'QEMU us', 'interp/JIT', 'JIT/QEMU']];
for (const harts of hartCounts) {
  const machines: Record<string, [string, string[]]> = {
    jit: [process.execPath, [join(root, 'bin', 'hartvm.mjs'), 'run', '--smp', String(harts), '--memory', '256M', '--jit', 'on',
      '--timeout', '900', '--kernel', kernel, '--initrd', overlayInitrd, '--append', APPEND]],
    interp: [process.execPath, [join(root, 'bin', 'hartvm.mjs'), 'run', '--smp', String(harts), '--memory', '256M', '--jit', 'off',
      '--timeout', '900', '--kernel', kernel, '--initrd', overlayInitrd, '--append', APPEND]],
  };
  if (withQemu) {
    machines.qemu = ['qemu-system-riscv64', ['-machine', 'virt', '-smp', String(harts), '-m', '256M', '-nographic',
      '-kernel', kernel, '-initrd', overlayInitrd, '-append', APPEND]];
  }
  const results: Record<string, (Map<string, number> | string)[]> = {};
  for (let i = 0; i < repeats; i++) {
    for (const [name, [cmd, args]] of Object.entries(machines)) (results[name] ??= []).push(run(cmd, args));
  }
  const value = (name: string, op: string): number | undefined => {
    const runs = (results[name] ?? []).filter((r): r is Map<string, number> => typeof r !== 'string' && r.has(op));
    return runs.length === 0 ? undefined : median(runs.map((r) => r.get(op)!));
  };
  for (const op of OPS) {
    const [j, n, q] = [value('jit', op), value('interp', op), value('qemu', op)];
    const f = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));
    const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined ? (a / b).toFixed(2) : '-');
    rows.push([String(harts), op, f(j), f(n), f(q), ratio(n, j), ratio(j, q)]);
  }
  for (const [name, runs] of Object.entries(results)) {
    for (const r of runs) if (typeof r === 'string') console.log(`  ${name} at ${harts} harts: ${r}`);
  }
}
printTable(rows);

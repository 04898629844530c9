/**
 * @fileoverview `npm run bench:boot`: Linux boot times on hartvm and on qemu-system-riscv64 (when
 * installed), same kernel and initramfs (the project's guest, `npm run guest`), same run.
 *
 * Two figures per machine and hart count, both wall clock from process start:
 *   boot-to-init      until the guest's /init prints "hartvm-init: up";
 *   boot-to-poweroff  until the process exits after /init powers the machine off.
 * The guest runs the `cpuinfo` scenario, which prints /proc/cpuinfo and powers off at once.
 * hartvm boots with its builtin SBI, once with the JIT (--jit on, the default) and once interpreting
 * only (--jit off); QEMU with its default firmware (OpenSBI), as a user runs each.
 *
 * Usage: npm run bench:boot [-- --harts 1,2,4] [--runs N]
 */

import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { argValue, linuxGuest, printTable, root } from './common.ts';

const hartCounts = argValue('harts', '1,2,4').split(',').map(Number);
const runs = Number(argValue('runs', '1'));
const APPEND = 'console=ttyS0 hartvm.test=cpuinfo';
const INIT_MARK = 'hartvm-init: up';

interface Timing { init: number; poweroff: number; ok: boolean }

/** Runs a command, timing the first appearance of INIT_MARK on stdout and the exit. */
function time(cmd: string, args: string[]): Promise<Timing> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let init = NaN;
    let seen = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (!Number.isNaN(init)) return;
      seen = (seen + chunk.toString('latin1')).slice(-256);
      if (seen.includes(INIT_MARK)) init = (performance.now() - t0) / 1000;
    });
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ init, poweroff: (performance.now() - t0) / 1000, ok: code === 0 && !Number.isNaN(init) });
    });
  });
}

function best(timings: Timing[]): Timing {
  return timings.reduce((a, b) => (b.ok && (!a.ok || b.poweroff < a.poweroff) ? b : a));
}

const { dir, kernel, initrd } = linuxGuest();
const withQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;

console.log(`bench:boot: Linux 6.1 + busybox initramfs (${dir}), best of ${runs}; wall seconds from process start`);
const rows = [['harts', 'JIT init', 'JIT poweroff', 'interp init', 'interp poweroff', 'QEMU init', 'QEMU poweroff',
  'JIT/QEMU init', 'JIT/QEMU poweroff', 'interp/QEMU poweroff']];
for (const harts of hartCounts) {
  const hv: Timing[] = [], hi: Timing[] = [], qm: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [jit, into] of [['on', hv], ['off', hi]] as const) {
      into.push(await time(process.execPath, [join(root, 'bin', 'hartvm.mjs'), 'run', '--smp', String(harts), '--memory', '256M',
        '--jit', jit, '--timeout', '300', '--kernel', kernel, '--initrd', initrd, '--append', APPEND]));
    }
    if (withQemu) {
      qm.push(await time('qemu-system-riscv64', ['-machine', 'virt', '-smp', String(harts), '-m', '256M', '-nographic',
        '-kernel', kernel, '-initrd', initrd, '-append', APPEND]));
    }
  }
  const h = best(hv), n = best(hi);
  const q = withQemu ? best(qm) : undefined;
  const f = (t: number | undefined) => (t === undefined || Number.isNaN(t) ? '-' : t.toFixed(2));
  rows.push([String(harts), f(h.init) + (h.ok ? '' : ' (failed)'), f(h.poweroff), f(n.init) + (n.ok ? '' : ' (failed)'), f(n.poweroff),
    f(q?.init), f(q?.poweroff),
    q ? (h.init / q.init).toFixed(1) : '-', q ? (h.poweroff / q.poweroff).toFixed(1) : '-', q ? (n.poweroff / q.poweroff).toFixed(1) : '-']);
}
printTable(rows);

/**
 * @fileoverview `npm run bench:linux`: a Linux userspace workload at 1, 2 and 4 harts on hartvm with
 * the JIT, hartvm interpreting only, and qemu-system-riscv64 (when installed), in the same run.
 *
 * The guest's /init runs its `bench` scenario (scripts/guest/init) and powers off:
 *   pthreads  the pthread/atomics program: 4 threads, a contended mutex and atomic_fetch_add,
 *             50000 iterations each, then condition-variable ping-pong;
 *   compute   one busybox awk loop (30000 iterations of modular arithmetic) per CPU, in parallel.
 * Each phase is bracketed by marker lines on the console; the host times the gap between them as
 * the output arrives, so boot and power-off are not counted.
 *
 * Usage: npm run bench:linux [-- --harts 1,2,4]
 */

import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { argValue, linuxGuest, printTable, root } from './common.ts';

const hartCounts = argValue('harts', '1,2,4').split(',').map(Number);
const APPEND = 'console=ttyS0 hartvm.test=bench';
const PHASES = ['pthreads', 'compute'] as const;

type PhaseTimes = Record<(typeof PHASES)[number], number>;

/** Runs a machine and times each phase between its "bench: X start" and "bench: X done" lines. */
function measure(cmd: string, args: string[]): Promise<PhaseTimes | string> {
  return new Promise((resolve) => {
    const starts = new Map<string, number>();
    const times: Partial<PhaseTimes> = {};
    let text = '';
    let failure = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now();
      text += chunk.toString('latin1');
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl).replace(/\r$/, '');
        text = text.slice(nl + 1);
        const m = /^bench: (\w+) (start|done|failed|wrong.*)$/.exec(line);
        if (!m) continue;
        if (m[2] === 'start') starts.set(m[1], now);
        else if (m[2] === 'done') times[m[1] as keyof PhaseTimes] = (now - starts.get(m[1])!) / 1000;
        else failure = line;
      }
    });
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (failure !== '') resolve(failure);
      else if (code !== 0 || PHASES.some((p) => times[p] === undefined)) resolve(`exit ${code}`);
      else resolve(times as PhaseTimes);
    });
  });
}

const { dir, kernel, initrd } = linuxGuest();
const withQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;

console.log(`bench:linux: userspace workload in Linux 6.1 (${dir}); seconds per phase, timed on the host from console markers`);
const rows = [['harts', 'phase', 'JIT s', 'interp s', 'QEMU s', 'interp/JIT', 'JIT/QEMU']];
for (const harts of hartCounts) {
  const hartvm = (jit: string) => measure(process.execPath, [join(root, 'bin', 'hartvm.mjs'), 'run', '--smp', String(harts),
    '--memory', '256M', '--jit', jit, '--timeout', '900', '--kernel', kernel, '--initrd', initrd, '--append', APPEND]);
  const jit = await hartvm('on');
  const interp = await hartvm('off');
  const qemu = withQemu
    ? await measure('qemu-system-riscv64', ['-machine', 'virt', '-smp', String(harts), '-m', '256M', '-nographic',
      '-kernel', kernel, '-initrd', initrd, '-append', APPEND])
    : undefined;
  for (const phase of PHASES) {
    const f = (r: PhaseTimes | string | undefined) => (r === undefined ? '-' : typeof r === 'string' ? r : r[phase].toFixed(2));
    const ratio = (a: PhaseTimes | string | undefined, b: PhaseTimes | string | undefined) =>
      (typeof a === 'object' && typeof b === 'object' ? (a[phase] / b[phase]).toFixed(2) : '-');
    rows.push([String(harts), phase, f(jit), f(interp), f(qemu), ratio(interp, jit), ratio(jit, qemu)]);
  }
}
printTable(rows);

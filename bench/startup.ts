/**
 * @fileoverview `npm run bench:startup`: whole-process time of a trivial bare-metal guest (the ALU
 * loop of bench:mips built with one iteration: some twenty instructions, then the test finisher), on
 * hartvm with the JIT, hartvm interpreting only, and qemu-system-riscv64 (when installed), in
 * alternating rounds of the same run. Two floors set the scale: `node -e 0` (Node's own start and
 * exit) and Node starting one empty worker thread and ending (what a VM with a thread per vCPU
 * cannot do without). The table gives medians and the ratio to QEMU.
 *
 * Usage: npm run bench:startup [-- --rounds 10]
 */

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { argValue, buildBareMetal, median, printTable, root } from './common.ts';

const rounds = Number(argValue('rounds', '10'));
const guest = buildBareMetal(join(root, 'bench', 'guest'), join(root, 'build', 'bench'), 'alu', { ITER: 1 });
const withQemu = spawnSync('qemu-system-riscv64', ['--version']).status === 0;

const EMPTY_WORKER = "new (require('node:worker_threads').Worker)('process.exit(0)', { eval: true })";
const subjects: { name: string; cmd: string; args: string[] }[] = [
  { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
  { name: 'node + one empty worker', cmd: process.execPath, args: ['-e', EMPTY_WORKER] },
  { name: 'hartvm (JIT)', cmd: process.execPath, args: [join(root, 'bin', 'hartvm.mjs'), 'run', '--bios', 'none', '--jit', 'on', guest] },
  { name: 'hartvm (interpreter)', cmd: process.execPath, args: [join(root, 'bin', 'hartvm.mjs'), 'run', '--bios', 'none', '--jit', 'off', guest] },
  ...(withQemu ? [{ name: 'QEMU', cmd: 'qemu-system-riscv64', args: ['-machine', 'virt', '-bios', 'none', '-nographic', '-kernel', guest] }] : []),
];

/** Wall seconds of one run; the run must exit 0 (the guest passed). */
function timeOnce(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}): ${r.stderr}`);
  return wall;
}

// One untimed round first: the page cache and the bundles (scripts/bundle.mjs) are then warm.
for (const s of subjects) timeOnce(s.cmd, s.args);
const times = new Map(subjects.map((s) => [s.name, [] as number[]]));
for (let i = 0; i < rounds; i++) for (const s of subjects) times.get(s.name)!.push(timeOnce(s.cmd, s.args));

console.log(`bench:startup: a one-iteration bare-metal guest (${guest}), ${rounds} alternating rounds; wall seconds, whole process`);
const qemu = withQemu ? median(times.get('QEMU')!) : NaN;
const rows = [['run', 'median', 'min', 'max', '/QEMU']];
for (const s of subjects) {
  const t = times.get(s.name)!;
  rows.push([s.name, median(t).toFixed(3), Math.min(...t).toFixed(3), Math.max(...t).toFixed(3), withQemu ? (median(t) / qemu).toFixed(2) : '-']);
}
printTable(rows);

/**
 * @fileoverview `npm run bench:mips`: guest MIPS of bare-metal loops on one hart, on hartvm's
 * interpreter (--jit off), on its JIT (--jit on), and the same ELFs under qemu-system-riscv64 (when
 * installed), all in the same run, with the ratios JIT/interpreter and JIT/QEMU.
 *
 * Method. Each loop is built twice, with ITER = 1 and ITER = N. hartvm runs both with --stats: the
 * difference in instructions retired gives the exact instructions per iteration, and hartvm's MIPS is
 * the big run's instructions over its in-worker run time (start-up excluded). QEMU cannot count, so
 * its MIPS is (instructions per iteration x (N_qemu - 1)) over the difference in wall time between
 * its ITER = N_qemu and ITER = 1 runs, which cancels QEMU's own start-up.
 *
 * The JIT runs ITER = N_jit (10 N by default), so that its run lasts long enough to time; its MIPS
 * include the time spent compiling.
 *
 * Usage: npm run bench:mips [-- --iterations N] [--jit-iterations N] [--qemu-iterations N] [--only alu,memory]
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { argValue, printTable, root } from './common.ts';

const outDir = join(root, 'build', 'bench');
const LOOPS = ['alu', 'memory', 'branchy', 'compressed', 'fp'];
/** Loops that need more than rv64imac to assemble. */
const MARCH: Record<string, string> = { fp: 'rv64imafdc' };

const iterations = Number(argValue('iterations', '20000000'));
const jitIterations = Number(argValue('jit-iterations', String(iterations * 10)));
/** The FP loop stays near the interpreter's speed under the JIT (its F/D instructions call the FPU), so it runs fewer. */
const JIT_ITERATIONS_SCALE: Record<string, number> = { fp: 0.1 };
const qemuIterations = Number(argValue('qemu-iterations', String(iterations * 10)));
const only = argValue('only', LOOPS.join(',')).split(',');

/** Builds bench/guest/NAME.S with a given iteration count; deterministic flags, no timestamps. */
function build(name: string, iter: number, march = MARCH[name] ?? 'rv64imac'): string {
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${name}-${iter}.elf`);
  execFileSync('riscv64-unknown-elf-gcc', [
    // lp64 even with F/D: the loops pass no FP arguments.
    `-march=${march}_zicsr_zifencei`, '-mabi=lp64', '-nostdlib', '-nostartfiles', '-static', '-mcmodel=medany', '-Wl,--no-warn-rwx-segments',
    `-DITER=${iter}`, '-I', join(root, 'bench', 'guest'), '-T', join(root, 'test', 'guest', 'link.ld'),
    '-o', out, join(root, 'bench', 'guest', `${name}.S`),
  ], { stdio: 'inherit' });
  return out;
}

interface HartvmRun { instret: number; mips: number }

function runHartvm(elf: string, jit: 'on' | 'off'): HartvmRun {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'hartvm.mjs'), 'run', '--bios', 'none', '--stats', '--jit', jit, '--timeout', '600', elf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hartvm failed on ${elf} (status ${r.status}): ${r.stderr}`);
  const m = /hart 0: (\d+) instructions in [\d.]+ s, ([\d.]+) MIPS/.exec(r.stderr);
  if (!m) throw new Error(`no --stats line from hartvm: ${r.stderr}`);
  return { instret: Number(m[1]), mips: Number(m[2]) };
}

function qemuAvailable(): boolean {
  return spawnSync('qemu-system-riscv64', ['--version']).status === 0;
}

/** Wall time of one QEMU run of the ELF, in seconds (best of 3: start-up noise only adds). */
function timeQemu(elf: string): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync('qemu-system-riscv64', ['-machine', 'virt', '-bios', 'none', '-nographic', '-kernel', elf], { timeout: 600_000 });
    if (r.status !== 0) throw new Error(`qemu failed on ${elf} (status ${r.status})`);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

const withQemu = qemuAvailable();
console.log(`bench:mips: ${iterations} iterations per loop on the interpreter, ${jitIterations} on the JIT` +
  `${withQemu ? `, ${qemuIterations} on QEMU` : ' (qemu-system-riscv64 not installed: no comparison)'}`);
const rows: string[][] = [['loop', 'insns/iter', 'interp MIPS', 'JIT MIPS', 'QEMU MIPS', 'JIT/interp', 'JIT/QEMU', 'interp/QEMU']];
for (const name of LOOPS.filter((l) => only.includes(l))) {
  const small = runHartvm(build(name, 1), 'off');
  const big = runHartvm(build(name, iterations), 'off');
  const jit = runHartvm(build(name, Math.round(jitIterations * (JIT_ITERATIONS_SCALE[name] ?? 1))), 'on');
  const perIter = (big.instret - small.instret) / (iterations - 1);
  let qemuMips = NaN;
  if (withQemu) {
    const dt = timeQemu(build(name, qemuIterations)) - timeQemu(build(name, 1));
    qemuMips = (perIter * (qemuIterations - 1)) / dt / 1e6;
  }
  rows.push([name, perIter.toFixed(2), big.mips.toFixed(1), jit.mips.toFixed(0), withQemu ? qemuMips.toFixed(0) : '-',
    (jit.mips / big.mips).toFixed(1), withQemu ? (jit.mips / qemuMips).toFixed(2) : '-', withQemu ? (big.mips / qemuMips).toFixed(3) : '-']);
}
printTable(rows);

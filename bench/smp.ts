/**
 * @fileoverview `npx tsx bench/smp.ts` (npm run bench:smp): SMP behaviour of hartvm, four measurements.
 *
 *   scaling    bench/guest/smp/scale.S: every hart runs the same fixed ALU loop, nothing shared, at
 *              1, 2, 4 and 8 harts (--bios none), started together from a barrier. Two figures:
 *              "stats MIPS" = the harts' total instructions retired over the slowest hart's
 *              in-worker run time (from --stats: "hart N: I instructions in S s, M MIPS"; that time
 *              includes waiting for workers that start late, so it understates at 8 harts), and
 *              "guest MIPS" = the loop's instructions (12 x ITER x harts) over the guest's own mtime
 *              from the barrier's release to the last hart done; speed-up is the guest MIPS over
 *              1 hart's. The host's core count bounds the speed-up (this machine: 2).
 *   ipi        bench/guest/smp/ipi-rtt.S: S-mode on the builtin SBI, 2 harts, 1000 SBI IPI round
 *              trips timed in the guest with the time CSR (10 MHz); the guest sorts the samples and
 *              prints median / min / max in ticks, reported here in µs; three runs.
 *   overcommit bench/guest/smp/spinlock.S: 8 harts (--overcommit-harts, a list) take one amoswap spinlock (tight load loop while
 *              held, short critical section, fixed total work) with --ple on and --ple off; wall
 *              times and the ratio of their medians over --repeats alternating runs. A run that hits
 *              --timeout is reported as such.
 *   idle       bench/guest/smp/idle.S: 4 harts in WFI with nothing armed; hart 0's Sstc timer ends
 *              the run after IDLE_MS. Host CPU (user + sys, all threads) of the hartvm process from
 *              /usr/bin/time (the part is skipped without it). Start-up (worker threads, loading)
 *              is cancelled by running the guest twice, idle for 3 s and for 0.2 s:
 *              idle CPU = (cpu_3s - cpu_0.2s) / 2.8 s, as % of one core.
 *
 * Usage: npx tsx bench/smp.ts [--only scaling,ipi,overcommit,idle] [--jit on|off] [--iterations N] [--timeout S] [--acquisitions N] [--cs-work N] [--repeats N] [--overcommit-harts 2,8]
 */

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type TimedRun, argValue, buildBareMetal, haveTime, median, printTable, root, runHartvm } from './common.ts';

const outDir = join(root, 'build', 'bench', 'smp');
const srcDir = join(root, 'bench', 'guest', 'smp');
const PARTS = ['scaling', 'ipi', 'overcommit', 'idle'];

const only = argValue('only', PARTS.join(',')).split(',');
/** Every run uses --jit this (on, the default, or off). */
const jit = argValue('jit', 'on');
// Long enough (about 1 s per hart with the JIT, 60 s without) that warm-up and start-up skew do not
// decide the ratio.
const scaleIterations = Number(argValue('iterations', jit === 'on' ? '300000000' : '15000000'));
const overcommitTimeout = Number(argValue('timeout', '120'));

/** Builds bench/guest/smp/NAME.S with -D defines; S-mode programs link at 0x8020_0000. */
function build(name: string, defines: Record<string, number>, smode = false): string {
  return buildBareMetal(srcDir, outDir, name, defines, smode);
}

/** Runs `hartvm run --jit <jit> ARGS`, timed. */
function hartvm(args: string[], timeoutMs = 600_000): TimedRun {
  return runHartvm(['--jit', jit, ...args], timeoutMs);
}

function stats(stderr: string): { hart: number; instret: number; seconds: number }[] {
  return [...stderr.matchAll(/hart (\d+): (\d+) instructions in ([\d.]+) s/g)]
    .map((m) => ({ hart: Number(m[1]), instret: Number(m[2]), seconds: Number(m[3]) }));
}

function table(rows: string[][]): void {
  printTable(rows);
  console.log('');
}

console.log(`bench:smp on ${availableParallelism()} host cores (node ${process.version}), --jit ${jit}\n`);

if (only.includes('scaling')) {
  console.log(`scaling: each hart runs ${scaleIterations} iterations of a 12-instruction ALU loop, nothing shared`);
  const rows = [['harts', 'total Minsns', 'slowest hart s', 'stats MIPS', 'guest s', 'guest MIPS', 'speed-up', 'process wall s']];
  let base = NaN;
  for (const harts of [1, 2, 4, 8]) {
    const elf = build('scale', { ITER: scaleIterations, HARTS: harts });
    const r = hartvm(['--bios', 'none', '--smp', String(harts), '--stats', '--timeout', '600', elf]);
    if (r.status !== 0) throw new Error(`scale at ${harts} harts: status ${r.status}\n${r.stderr}`);
    const s = stats(r.stderr);
    const total = s.reduce((a, h) => a + h.instret, 0);
    const slowest = Math.max(...s.map((h) => h.seconds));
    const ticks = /scale: ticks (\d+)/.exec(r.stdout);
    if (!ticks) throw new Error(`scale at ${harts} harts printed no time: ${r.stdout}`);
    const guestSeconds = Number(ticks[1]) / 1e7;
    const guestMips = (12 * scaleIterations * harts) / guestSeconds / 1e6;
    if (harts === 1) base = guestMips;
    rows.push([String(harts), (total / 1e6).toFixed(1), slowest.toFixed(3), (total / slowest / 1e6).toFixed(1),
      guestSeconds.toFixed(3), guestMips.toFixed(1), (guestMips / base).toFixed(2), r.wall.toFixed(2)]);
  }
  table(rows);
}

if (only.includes('ipi')) {
  // Each run is 1000 samples; three runs show how much the median moves from one process to the next.
  const elf = build('ipi-rtt', {}, true);
  const us = (ticks: string) => (Number(ticks) / 10).toFixed(1); // 10 MHz: 1 tick = 0.1 µs
  console.log('ipi: SBI send_ipi round trip hart 0 -> hart 1 -> hart 0, 1000 samples per run, guest time CSR');
  const rows = [['run', 'median µs', 'min µs', 'max µs']];
  const medians: number[] = [];
  for (let run = 1; run <= 3; run++) {
    const r = hartvm(['--smp', '2', '--timeout', '120', elf]);
    const m = /ipi-rtt: median (\d+) min (\d+) max (\d+) ticks/.exec(r.stdout);
    if (r.status !== 0 || !m) throw new Error(`ipi-rtt: status ${r.status}\n${r.stdout}\n${r.stderr}`);
    medians.push(Number(m[1]));
    rows.push([String(run), us(m[1]), us(m[2]), us(m[3])]);
  }
  table(rows);
  console.log(`median of the three medians: ${us(String([...medians].sort((a, b) => a - b)[1]))} µs\n`);
}

if (only.includes('overcommit')) {
  // Two sizes of the same run: their difference cancels start-up (8 workers) and leaves the time
  // the extra lock acquisitions took. The big size is chosen so that this net time (several seconds)
  // dwarfs the start-up jitter; each setting runs REPEATS times, alternating on and off so that a
  // slow spell of the host hits both, and the medians are compared.
  const small = 800, total = Number(argValue('acquisitions', '160000'));
  const csWork = Number(argValue('cs-work', '200'));
  const repeats = Number(argValue('repeats', '3'));
  for (const harts of argValue('overcommit-harts', '8').split(',').map(Number)) {
    const elfSmall = build('spinlock', { HARTS: harts, TOTAL: small, CS_WORK: csWork });
    const elf = build('spinlock', { HARTS: harts, TOTAL: total, CS_WORK: csWork });
    console.log(`overcommit: ${harts} harts on ${availableParallelism()} cores, one amoswap spinlock (tight spin while held); ` +
      `${csWork} loop iterations inside the lock; time for ${total - small} acquisitions = wall(${total}) - wall(${small}); ` +
      `${repeats} runs of each setting, alternating`);
    const rows = [['--ple', 'run', 'status', 'net s', `wall ${total} s`, `wall ${small} s`, 'CPU s']];
    const nets: Record<string, number[]> = { on: [], off: [] };
    let timedOut = false;
    for (let rep = 1; rep <= repeats; rep++) {
      for (const ple of ['on', 'off']) {
        const run = (file: string) => hartvm(['--bios', 'none', '--smp', String(harts), '--ple', ple, '--timeout', String(overcommitTimeout), file],
          (overcommitTimeout + 60) * 1000);
        const base = run(elfSmall);
        const r = run(elf);
        const status = r.status === 0 ? 'pass' : r.status === 124 ? `timeout (${overcommitTimeout} s)` : `exit ${r.status}`;
        if (r.status === 124) timedOut = true;
        nets[ple].push(r.wall - base.wall);
        rows.push([ple, String(rep), status, (r.wall - base.wall).toFixed(2), r.wall.toFixed(2), base.wall.toFixed(2), r.cpu === undefined ? '-' : r.cpu.toFixed(2)]);
      }
    }
    table(rows);
    console.log(`median net s: --ple on ${median(nets.on).toFixed(2)}, --ple off ${median(nets.off).toFixed(2)}`);
    console.log(`median net(--ple off) / median net(--ple on) = ${(median(nets.off) / median(nets.on)).toFixed(2)}${timedOut ? ' (a run hit the timeout)' : ''}\n`);
  }
}

if (only.includes('idle')) {
  if (!haveTime) {
    console.log('idle: skipped (/usr/bin/time is not installed)');
  } else {
    // A long idle window: start-up CPU (about 3.5 s for 4 workers) varies by a few tenths of a second.
    const longMs = Number(argValue('idle-ms', '15000')), shortMs = 200;
    const runs = [shortMs, longMs].map((ms) => {
      const r = hartvm(['--smp', '4', '--timeout', '60', build('idle', { IDLE_MS: ms }, true)]);
      if (r.status !== 0 || r.cpu === undefined) throw new Error(`idle ${ms} ms: status ${r.status}\n${r.stderr}`);
      return { ms, ...r };
    });
    const idlePct = ((runs[1].cpu! - runs[0].cpu!) / ((longMs - shortMs) / 1000)) * 100;
    console.log('idle: 4 harts in WFI, nothing armed but hart 0\'s timer; host CPU of the hartvm process (all threads)');
    table([
      ['guest idle', 'wall s', 'CPU s', 'CPU % of one core'],
      ...runs.map((r) => [`${r.ms} ms`, r.wall.toFixed(2), r.cpu!.toFixed(2), ((r.cpu! / r.wall) * 100).toFixed(0)]),
      ['difference', (runs[1].wall - runs[0].wall).toFixed(2), (runs[1].cpu! - runs[0].cpu!).toFixed(2), idlePct.toFixed(1)],
    ]);
    console.log('(the difference row cancels start-up: it is the CPU the idle harts cost while the guest waits)');
  }
}

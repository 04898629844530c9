/**
 * @fileoverview `npx tsx bench/overcommit.ts` (npm run bench:overcommit): lock-heavy guests at more
 * vCPUs than host CPUs, hartvm against QEMU 7.2 (MTTCG) in the same run.
 *
 *   locks        bench/guest/smp/locks.S: every vCPU takes an LR/SC test-and-test-and-set lock, then
 *                a ticket lock, around a shared counter (--total acquisitions per lock, a warm-up
 *                round first; --cs-work loop iterations inside the lock); waiters nap in WFI for at
 *                most 10 µs. Throughput: acquisitions per
 *                second of guest time (mtime) over both timed phases.
 *   locktorture  Linux's own lock stress test (spin_lock, --duration s; Linux 6.1, or --linux 6.12) in a test kernel
 *                (bench/locktorture-kernel.ts), booted without a root disk: the torture threads run,
 *                then the kernel powers off. Throughput: the last "Writes: Total" over the duration,
 *                in million lock writes per second.
 *
 * Each guest runs at --vcpus (2, 4, 8) × --host-cpus (1, 2) × --settings: hartvm with --ple off,
 * with --ple on --ple-yield sleep (a pause-loop exit gives the host CPU away for a fixed 100 µs),
 * with --ple on --ple-yield directed (the default: hands the run token to a queued vCPU), and QEMU
 * with its threads limited to the same host CPUs by taskset. --repeats rounds, settings alternating
 * within a round so that a slow spell of the host hits them all; the tables give medians, and
 * hartvm/QEMU throughput ratios of the medians.
 *
 * Writes bench/reports/overcommit-<guest>.json (every run) and overcommit-<guest>-<K>cpu.svg
 * (median throughput against vCPUs, one line per setting) for each guest it ran (locktorture on
 * Linux 6.12 as overcommit-locktorture-6.12*).
 *
 * Usage: npx tsx bench/overcommit.ts [--guests locks,locktorture] [--vcpus 2,4,8] [--host-cpus 1,2]
 *          [--settings off,sleep,directed,qemu] [--repeats N] [--duration S] [--total N] [--cs-work N] [--timeout S] [--linux 6.1|6.12]
 */

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type TimedRun, argValue, buildBareMetal, median, printTable, root, runHartvm, runTimed } from './common.ts';
import { locktortureKernel } from './locktorture-kernel.ts';
import { linePlotSvg } from './svg-plot.ts';

const GUESTS = ['locks', 'locktorture'] as const;
type Guest = (typeof GUESTS)[number];
const SETTINGS = ['off', 'sleep', 'directed', 'qemu'] as const;
type Setting = (typeof SETTINGS)[number];

const list = (name: string, fallback: string): string[] => argValue(name, fallback).split(',').filter((s) => s !== '');
const guests = list('guests', GUESTS.join(',')) as Guest[];
const vcpuCounts = list('vcpus', '2,4,8').map(Number);
const hostCpuCounts = list('host-cpus', '1,2').map(Number);
const settings = list('settings', SETTINGS.join(',')) as Setting[];
const repeats = Number(argValue('repeats', '1'));
const duration = Number(argValue('duration', '15'));
const total = Number(argValue('total', '20000'));
/**
 * Work inside the lock (loop iterations, a few µs): long enough that the lock is always contended, so
 * every hand-over goes through a waiter's nap, as an OS lock under load does. With a short critical
 * section QEMU's harts often take all their turns in one burst each, and the figure measures luck.
 */
const csWork = Number(argValue('cs-work', '1000'));
const timeout = Number(argValue('timeout', '300'));
/** The kernel locktorture runs in: 6.1 (a ticket spinlock) or 6.12 (a queued spinlock). */
const linux = argValue('linux', '6.1');
for (const g of guests) if (!GUESTS.includes(g)) throw new Error(`--guests: unknown guest ${g} (${GUESTS.join(', ')})`);
for (const s of settings) if (!SETTINGS.includes(s)) throw new Error(`--settings: unknown setting ${s} (${SETTINGS.join(', ')})`);

const reports = join(root, 'bench', 'reports');
const outDir = join(root, 'build', 'bench', 'overcommit');
const QEMU = 'qemu-system-riscv64';
const LABEL: Record<Setting, string> = { off: 'hartvm --ple off', sleep: 'hartvm --ple-yield sleep', directed: 'hartvm --ple-yield directed', qemu: 'QEMU 7.2' };
const UNIT: Record<Guest, string> = { locks: 'M acquisitions/s', locktorture: 'M lock writes/s' };

interface Result { guest: Guest; vcpus: number; hostCpus: number; setting: Setting; round: number; throughput: number; wall: number; cpu?: number; note: string }

/** hartvm's flags for a setting. */
function hartvmFlags(setting: Setting): string[] {
  if (setting === 'off') return ['--ple', 'off'];
  return ['--ple', 'on', '--ple-yield', setting];
}

/** QEMU limited to the first K host CPUs, as --host-cpus K limits hartvm. */
function qemu(args: string[], hostCpus: number): TimedRun {
  return runTimed('taskset', ['-c', `0-${hostCpus - 1}`, QEMU, '-machine', 'virt', '-nographic', ...args], (timeout + 60) * 1000);
}

/** The lock guest's throughput (M acquisitions per guest second), or NaN with why. */
function locksThroughput(r: TimedRun): { value: number; note: string } {
  const m = /locks: tas (\d+) ticket (\d+)/.exec(r.stdout);
  if (r.status !== 0 || !m) return { value: NaN, note: r.status === null ? 'timed out' : `status ${r.status}` };
  const seconds = (Number(m[1]) + Number(m[2])) / 1e7; // mtime is 10 MHz
  return { value: (2 * total) / seconds / 1e6, note: `tas ${(Number(m[1]) / 1e7).toFixed(3)} s, ticket ${(Number(m[2]) / 1e7).toFixed(3)} s` };
}

/** locktorture's throughput (M lock writes per second of the run), or NaN with why. */
function locktortureThroughput(r: TimedRun): { value: number; note: string } {
  const writes = [...`${r.stdout}${r.stderr}`.matchAll(/Writes:\s+Total:\s+(\d+)/g)].at(-1);
  if (!writes) return { value: NaN, note: r.status === null ? 'timed out' : `no statistics (status ${r.status})` };
  return { value: Number(writes[1]) / duration / 1e6, note: `${writes[1]} writes` };
}

function runOne(guest: Guest, vcpus: number, hostCpus: number, setting: Setting, locksElf: Map<number, string>, kernel: string): { value: number; note: string; run: TimedRun } {
  if (guest === 'locks') {
    const elf = locksElf.get(vcpus)!;
    const run = setting === 'qemu'
      ? qemu(['-bios', 'none', '-m', '128M', '-smp', String(vcpus), '-kernel', elf], hostCpus)
      : runHartvm(['--bios', 'none', '--smp', String(vcpus), '--host-cpus', String(hostCpus), ...hartvmFlags(setting),
        '--timeout', String(timeout), elf], (timeout + 60) * 1000);
    return { ...locksThroughput(run), run };
  }
  const append = `console=ttyS0 root=/dev/vda rootwait locktorture.torture_type=spin_lock locktorture.shutdown_secs=${duration} ` +
    `locktorture.stat_interval=${duration}`;
  const run = setting === 'qemu'
    ? qemu(['-m', '256M', '-smp', String(vcpus), '-bios', 'default', '-kernel', kernel, '-append', append], hostCpus)
    : runHartvm(['--smp', String(vcpus), '--memory', '256M', '--host-cpus', String(hostCpus), ...hartvmFlags(setting),
      '--timeout', String(timeout), '--kernel', kernel, '--append', append], (timeout + 60) * 1000);
  return { ...locktortureThroughput(run), run };
}

/** The guest's name in report files: locktorture on another kernel than 6.1 gets its version. */
function reportName(guest: Guest): string {
  return guest === 'locktorture' && linux !== '6.1' ? `locktorture-${linux}` : guest;
}

function main(): void {
  if (spawnSync(QEMU, ['--version']).status !== 0) throw new Error(`${QEMU} is not installed (apt-get install qemu-system-misc)`);
  console.log(`bench:overcommit on ${availableParallelism()} host cores (node ${process.version}); ${repeats} round(s); ` +
    `locks: ${total} acquisitions per lock, ${csWork} iterations inside; locktorture: spin_lock for ${duration} s on Linux ${linux}\n`);
  const locksElf = new Map<number, string>();
  if (guests.includes('locks')) {
    for (const v of vcpuCounts) locksElf.set(v, buildBareMetal(join(root, 'bench', 'guest', 'smp'), outDir, 'locks', { HARTS: v, TOTAL: total, CS_WORK: csWork }));
  }
  const kernel = guests.includes('locktorture') ? locktortureKernel(linux) : '';

  const results: Result[] = [];
  for (const guest of guests) {
    for (let round = 1; round <= repeats; round++) {
      for (const hostCpus of hostCpuCounts) {
        for (const vcpus of vcpuCounts) {
          for (const setting of settings) {
            const { value, note, run } = runOne(guest, vcpus, hostCpus, setting, locksElf, kernel);
            results.push({ guest, vcpus, hostCpus, setting, round, throughput: value, wall: run.wall, cpu: run.cpu, note });
            console.error(`${guest} ${vcpus} vCPUs on ${hostCpus} CPU(s), ${LABEL[setting]}, round ${round}: ` +
              `${Number.isFinite(value) ? value.toFixed(3) : '-'} ${UNIT[guest]} (${note}; wall ${run.wall.toFixed(1)} s)`);
          }
        }
      }
    }
  }

  mkdirSync(reports, { recursive: true });
  const medianOf = (guest: Guest, vcpus: number, hostCpus: number, setting: Setting): number =>
    median(results.filter((r) => r.guest === guest && r.vcpus === vcpus && r.hostCpus === hostCpus && r.setting === setting && Number.isFinite(r.throughput)).map((r) => r.throughput));
  for (const guest of guests) {
    for (const hostCpus of hostCpuCounts) {
      console.log(`${guest} on ${hostCpus} host CPU(s): median ${UNIT[guest]} (hartvm/QEMU)`);
      const qemuMedian = (v: number) => medianOf(guest, v, hostCpus, 'qemu');
      printTable([
        ['vCPUs', ...settings.map((s) => LABEL[s])],
        ...vcpuCounts.map((v) => [String(v), ...settings.map((s) => {
          const m = medianOf(guest, v, hostCpus, s);
          if (!Number.isFinite(m)) return '-';
          return s === 'qemu' || !settings.includes('qemu') ? m.toFixed(3) : `${m.toFixed(3)} (${(m / qemuMedian(v)).toFixed(2)})`;
        })]),
      ]);
      console.log('');
      const svg = linePlotSvg({
        title: `${guest}: ${hostCpus} host CPU${hostCpus > 1 ? 's' : ''} (median of ${repeats})`,
        xLabel: 'vCPUs', yLabel: UNIT[guest], xs: vcpuCounts,
        series: settings.map((s) => ({ name: LABEL[s], ys: vcpuCounts.map((v) => medianOf(guest, v, hostCpus, s)) })),
      });
      writeFileSync(join(reports, `overcommit-${reportName(guest)}-${hostCpus}cpu.svg`), svg);
    }
  }
  for (const guest of guests) {
    writeFileSync(join(reports, `overcommit-${reportName(guest)}.json`), `${JSON.stringify({
      host: { cores: availableParallelism(), node: process.version },
      parameters: { guest, linux, vcpus: vcpuCounts, hostCpus: hostCpuCounts, settings, repeats, durationSeconds: duration, acquisitions: total, csWork },
      unit: UNIT[guest],
      results: results.filter((r) => r.guest === guest),
    }, null, 2)}\n`);
  }
  console.log('wrote bench/reports/overcommit-<guest>.json and the plots overcommit-<guest>-<K>cpu.svg beside them');
}

main();

/**
 * @fileoverview hartvm's vCPU scheduler (run tokens, src/memory/run-tokens.ts and src/vcpu/run-loop.ts)
 * seen from guests, through the CLI with fewer host CPUs (--host-cpus) than harts:
 *   - a halted vCPU gives its token back (test/guest/sched/halted-gives-way.S);
 *   - a vCPU that never halts or spins loses its token when its timeslice ends and another vCPU
 *     waits (test/guest/sched/timeslice.S), and --stats counts the expiry and the waiter's steal;
 *   - a vCPU spinning on PAUSE with nobody else running yields its token to the queued one
 *     (test/guest/sched/pause-yield.S);
 *   - the accounting of each vCPU adds up to its run time with overcommit.
 */
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { BUILD, describeRun, hartvm } from './helpers/hartvm-cli.ts';

const sched = (name: string) => path.join(BUILD, 'sched', `${name}.elf`);

describe('vCPU scheduler', () => {
  beforeAll(() => {
    const buildError = inject('guestBuildError');
    if (buildError) throw new Error(`building the guest programs failed:\n${buildError}`);
  });

  it.each([2, 4])('a halted vCPU gives its host CPU to a runnable one (%i harts, --host-cpus 1)', async (harts) => {
    const args = ['run', '--bios', 'none', '--smp', String(harts), '--host-cpus', '1', '--timeout', '30', sched('halted-gives-way')];
    const r = await hartvm(args, 90_000);
    expect(r.code, describeRun(args, r)).toBe(0);
  });

  it('ends a timeslice when another vCPU waits, and counts it and the steal', async () => {
    const args = ['run', '--bios', 'none', '--smp', '2', '--host-cpus', '1', '--timeslice', '2', '--stats', '--timeout', '30', sched('timeslice')];
    const r = await hartvm(args, 90_000);
    expect(r.code, describeRun(args, r)).toBe(0);
    const expiries = /^hart 0: scheduling: .*; (\d+) timeslice expiries;/m.exec(r.stderr);
    expect(expiries, describeRun(args, r)).not.toBeNull();
    expect(Number(expiries![1]), describeRun(args, r)).toBeGreaterThan(0);
    const steal = /^hart 1: time: running [\d.]+ s, waiting for a host CPU \(steal\) ([\d.]+) s/m.exec(r.stderr);
    expect(Number(steal?.[1]), describeRun(args, r)).toBeGreaterThan(0);
  });

  it('yields to the queued vCPU on a pause-loop exit when no other vCPU runs (directed yield)', async () => {
    // Without a directed yield the other hart would run only after a whole 1 s timeslice.
    const args = ['run', '--bios', 'none', '--smp', '2', '--host-cpus', '1', '--timeslice', '1000', '--stats', '--timeout', '20', sched('pause-yield')];
    const r = await hartvm(args, 90_000);
    expect(r.code, describeRun(args, r)).toBe(0);
    const yields = [...r.stderr.matchAll(/^hart \d: scheduling: .*: (\d+) directed yields,/gm)].map((m) => Number(m[1]));
    expect(yields.reduce((a, b) => a + b, 0), describeRun(args, r)).toBeGreaterThan(0);
  });
});

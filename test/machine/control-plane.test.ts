/**
 * @fileoverview The control plane of an embedded machine: pause, resume, register dump, stats and
 * stop, through startMachine() and the vCPU workers' comlink endpoints.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMachine } from '../../src/machine/machine.ts';
import { StopReason } from '../../src/memory/layout.ts';
import { BUILD } from '../helpers/hartvm-cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('machine control plane', () => {
  it('pauses every hart, shows their registers, resumes and stops', async () => {
    const machine = startMachine({
      kernel: path.join(BUILD, 'cli', 'spin.elf'), bios: { kind: 'none' }, memoryBytes: 16 << 20, harts: 2, trace: false,
      ple: { enabled: false, spins: 1000, yield: 'directed', sleepMicros: 100 },
      jit: process.env.HARTVM_JIT !== 'off',
    }, { output: () => {} });

    // Running: both harts retire instructions.
    let before = await machine.stats();
    for (let i = 0; i < 100 && before.some((s) => s.instret === 0); i++) { await sleep(50); before = await machine.stats(); }
    expect(before.every((s) => s.instret > 0 && !s.paused)).toBe(true);

    await machine.pause();
    const paused1 = await machine.stats();
    await sleep(200);
    const paused2 = await machine.stats();
    expect(paused2.map((s) => s.paused)).toEqual([true, true]);
    expect(paused2.map((s) => s.instret)).toEqual(paused1.map((s) => s.instret));

    // spin.elf is one `j _start` at the entry: every hart sits there, in M-mode, with a0 = its id.
    for (const hart of [0, 1]) {
      const regs = machine.registers(hart);
      expect(regs.pc).toBe(0x8000_0000n);
      expect(regs.priv).toBe(3);
      expect(regs.x[10]).toBe(BigInt(hart));
      expect(regs.instret).toBe(BigInt(paused2[hart].instret));
    }

    await machine.resume();
    await sleep(200);
    const resumed = await machine.stats();
    expect(resumed.every((s, h) => s.instret > paused2[h].instret && !s.paused)).toBe(true);

    machine.stop();
    const result = await machine.finished;
    expect(result.reason).toBe(StopReason.Host);
    expect(result.exitCode).toBe(0);
    expect(result.stats.map((s) => s.hart)).toEqual([0, 1]);
  });
});

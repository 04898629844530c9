/**
 * The JIT against the interpreter in lockstep (differential.ts) on random programs (committed built,
 * see random-program.ts): the architectural state must agree at every block boundary and RAM at the end.
 */
import { describe, expect, it } from 'vitest';
import { runLockstep, runToEnd } from './differential.ts';
import { compileBlocks, type CompileJob, type CompileResult } from '../../src/jit/block-module.ts';
import type { BlockCompiler } from '../../src/jit/jit.ts';
import { RANDOM_PROGRAMS, randomProgramElf } from './random-program.ts';

describe('JIT differential mode on random programs', () => {
  for (let seed = 1; seed <= 32; seed++) {
    const { branches, fp } = RANDOM_PROGRAMS[`seed-${seed}`];
    it(`seed ${seed} (${branches ? 'with' : 'without'} branches${fp ? ', with F and D' : ''})`, () => {
      const result = runLockstep(randomProgramElf(`seed-${seed}`), 200_000);
      expect(result.mismatch).toBe('');
      expect(result.finished).toBe(true);
      // Most of it must really have run as compiled code, or the comparison proves little.
      expect(result.translated / result.instret).toBeGreaterThan(0.8);
    });
  }
});

describe('JIT differential mode with translation units (the blocks of a page in one function)', () => {
  // The branchy programs, where a page holds many blocks, and the ones whose traps and MRETs move
  // between blocks from inside compiled code.
  const names = [2, 4, 5, 7, 8, 10, 11, 13, 14, 16].map((seed) => `seed-${seed}`).concat(['fp-402', 'fp-404', 'csr-304', 'csr-305', 'csr-306']);
  it.each(names)('%s', (name) => {
    const result = runLockstep(randomProgramElf(name), 200_000, { units: true });
    expect(result.mismatch).toBe('');
    expect(result.finished).toBe(true);
    expect(result.translated / result.instret).toBeGreaterThan(0.8);
    expect(result.stats.units).toBeLessThan(result.stats.blocks); // some function holds several blocks
  });
});

describe('JIT differential mode on random system code (random-system-program.ts)', () => {
  // S-mode and U-mode bodies under Sv39: page faults taken from compiled loads and stores, ECALLs,
  // SRET and MRET, SFENCE.VMA, page-table writes, sstatus.SUM and MXR changing the data context.
  // The tiers must agree on the privilege and the whole CSR file too, at every block boundary.
  const names = [501, 502, 503, 504, 505, 506, 507, 508].map((seed) => `sys-${seed}`);
  it.each(names)('%s', (name) => {
    const result = runLockstep(randomProgramElf(name), 200_000);
    expect(result.mismatch).toBe('');
    expect(result.finished).toBe(true);
    expect(result.translated / result.instret).toBeGreaterThan(0.8);
    // Page faults are entered inside compiled code (all but those with nothing retired since the last).
    expect(result.stats.trapsInCompiledCode).toBeGreaterThan(0);
  });
  it.each(names)('%s with translation units', (name) => {
    const result = runLockstep(randomProgramElf(name), 200_000, { units: true });
    expect(result.mismatch).toBe('');
    expect(result.finished).toBe(true);
    expect(result.translated / result.instret).toBeGreaterThan(0.8);
    expect(result.stats.trapsInCompiledCode).toBeGreaterThan(0);
  });
});

/** The other families of random programs (random-program.ts), each under its name prefix. */
const FAMILIES: [title: string, prefix: string, first: number, last: number][] = [
  ['with bit manipulation and Zicond', 'bitmanip', 201, 212],
  ['FP-heavy', 'fp', 401, 408],
  ['with CSR accesses (and traps, SFENCE.VMA from 304 on)', 'csr', 301, 306],
];

for (const [title, prefix, first, last] of FAMILIES) {
  describe(`JIT differential mode on random programs ${title}`, () => {
    for (let seed = first; seed <= last; seed++) {
      it(`seed ${seed}`, () => {
        const result = runLockstep(randomProgramElf(`${prefix}-${seed}`), 200_000);
        expect(result.mismatch).toBe('');
        expect(result.finished).toBe(true);
        expect(result.translated / result.instret).toBeGreaterThan(0.8);
      });
    }
  });
}

describe('JIT differential mode with interrupts taken inside compiled code', () => {
  // A machine software interrupt raised before every 3rd entry, as another hart would raise it:
  // compiled code notices it after the entry's first block (its wake word moved) and takes it in
  // its events helper; the reference takes it after as many instructions. The programs with a trap
  // handler (mtvec), which the interrupt enters too.
  it.each(['csr-304', 'csr-305', 'csr-306'])('%s', (name) => {
    const result = runLockstep(randomProgramElf(name), 200_000, { interruptEvery: 3 });
    expect(result.mismatch).toBe('');
    expect(result.interruptsTaken).toBeGreaterThanOrEqual(5);
  });
});

/** A compile pool stand-in: compiles each batch only after `delay` looks, as a busy pool thread would. */
class LateCompiler implements BlockCompiler {
  private readonly queue: { job: CompileJob; due: number }[] = [];
  private looks = 0;
  submitted = 0;

  constructor(private readonly delay: number) {}

  submit(job: CompileJob): void {
    this.submitted++;
    this.queue.push({ job, due: this.looks + this.delay });
  }

  take(): CompileResult | undefined {
    this.looks++;
    const i = this.queue.findIndex((q) => q.due <= this.looks);
    return i < 0 ? undefined : compileBlocks(this.queue.splice(i, 1)[0].job);
  }
}

describe('JIT run loop with batches compiled elsewhere', () => {
  it('counts the instructions of earlier blocks of the same entry in a CSR read of instret or cycle', () => {
    const result = runToEnd(randomProgramElf('late-csr-111'), 20_000_000, new LateCompiler(0));
    expect(result.mismatch).toBe('');
    expect(result.finished).toBe(true);
    expect(result.jit.instret / result.instret).toBeGreaterThan(0.3);
  });

  for (const [seed, delay] of [[101, 0], [102, 3], [103, 30]]) {
    it(`seed ${seed}: modules handed back after ${delay} looks end in the interpreter's state`, () => {
      const compiler = new LateCompiler(delay);
      const result = runToEnd(randomProgramElf(`late-${seed}`), 20_000_000, compiler);
      expect(result.mismatch).toBe('');
      expect(result.finished).toBe(true);
      // The batches really went out, came back and ran (less of the program the later they come).
      expect(compiler.submitted).toBeGreaterThan(0);
      expect(result.jit.blocks).toBeGreaterThan(0);
      expect(result.jit.instret / result.instret).toBeGreaterThan(0.05);
    });
  }
});

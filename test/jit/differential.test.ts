/**
 * The JIT against the interpreter in lockstep (src/jit/differential.ts) on random programs: the
 * architectural state must agree at every block boundary and RAM at the end.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runLockstep } from '../../src/jit/differential.ts';
import { buildRandomProgram } from './random-program.ts';

describe('JIT differential mode on random programs', () => {
  for (let seed = 1; seed <= 32; seed++) {
    const branches = seed % 3 !== 0; // every third program is one self-looping block
    const fp = seed % 4 === 0; // every fourth has F and D instructions too
    it(`seed ${seed} (${branches ? 'with' : 'without'} branches${fp ? ', with F and D' : ''})`, () => {
      const elf = buildRandomProgram(`seed-${seed}`, { seed, length: branches ? 60 : 40, loops: 20, branches, fp });
      const result = runLockstep(readFileSync(elf), 200_000);
      expect(result.mismatch).toBe('');
      expect(result.finished).toBe(true);
      // Most of it must really have run as compiled code, or the comparison proves little.
      expect(result.translated / result.instret).toBeGreaterThan(0.8);
    });
  }
});

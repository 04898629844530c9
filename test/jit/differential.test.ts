/**
 * The JIT against the interpreter in lockstep (src/jit/differential.ts) on random programs: the
 * architectural state must agree at every block boundary and RAM at the end.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runLockstep } from '../../src/jit/differential.ts';
import { buildRandomProgram } from './random-program.ts';

describe('JIT differential mode on random programs', () => {
  for (let seed = 1; seed <= 24; seed++) {
    const branches = seed % 3 !== 0; // every third program is one self-looping block
    it(`seed ${seed} (${branches ? 'with' : 'without'} branches)`, () => {
      const elf = buildRandomProgram(`seed-${seed}`, { seed, length: branches ? 60 : 40, loops: 20, branches });
      const result = runLockstep(readFileSync(elf), 200_000);
      expect(result.mismatch).toBe('');
      expect(result.finished).toBe(true);
      // Most of it must really have run as compiled code, or the comparison proves little.
      expect(result.translated / result.instret).toBeGreaterThan(0.8);
    });
  }
});

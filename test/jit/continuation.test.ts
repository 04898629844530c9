/**
 * Continuations (jit.ts queueContinuations): a block cut short by the JIT's length limit is queued
 * with the blocks that continue it, which no branch reaches and so nothing counts.
 * test/guest/jit/long-body.S loops over a 300-instruction straight-line body.
 */
import { describe, expect, it } from 'vitest';
import { runBuiltGuestToEnd } from './differential.ts';

describe('JIT continuations of a block cut at the length limit', () => {
  it('ends in the interpreter\'s state, the whole body compiled with its first block', () => {
    const result = runBuiltGuestToEnd('jit/long-body', 10_000_000);
    expect(result.mismatch).toBe('');
    expect(result.finished).toBe(true);
    // The first block gets hot after 8000 trips (STRAIGHT_LINE_THRESHOLD); its two continuations are
    // compiled in the same batch. Without continuations they come later, each through its own
    // trail after 1024 more moves: 3 modules and about 2700 moves.
    expect(result.jit.modules).toBe(1);
    expect(result.jit.largestUnit).toBe(3);
    expect(result.jit.interpreterRuns).toBeLessThan(1000);
  });
});

/**
 * Trails (jit.ts TRAIL_MOVES): when compiled code keeps leaving for the interpreter at the same
 * block start, the JIT follows the interpreter from there to the next compiled block and compiles
 * every block on the way at once, instead of waiting for each to count to its own threshold.
 * test/guest/jit/call-chain.S is a loop whose body is spread over six functions; only the inner
 * loop of one of them gets hot on its own early.
 */
import { describe, expect, it } from 'vitest';
import { runBuiltGuestToEnd } from './differential.ts';

describe('JIT trails through a loop body spread over functions', () => {
  it('ends in the interpreter\'s state, having compiled the body after about TRAIL_MOVES moves', () => {
    const result = runBuiltGuestToEnd('jit/call-chain', 5_000_000);
    expect(result.mismatch).toBe('');
    expect(result.finished).toBe(true);
    // 40000 trips of 36 instructions. The inner loop is compiled after about 1000 trips; from then
    // on each trip moves to the interpreter once, until the trail has the rest compiled about
    // TRAIL_MOVES (1024) trips later. Without trails the straight-line blocks wait for 8000 trips
    // each: about 9000 moves, and 84% of the instructions translated.
    expect(result.jit.interpreterRuns).toBeLessThan(3000);
    expect(result.jit.instret / result.instret).toBeGreaterThan(0.9);
  });
});

/**
 * Short runs (jit.ts SHORT_RUN): the interpreter hands a hart to compiled code at every translated
 * block start it reaches, and when the compiled code runs only a few instructions before it misses
 * again, the two moves cost more than they save. The JIT then has the interpreter pass that start
 * SHORT_RUN_PROBE times before it tries again, and counts the miss as that many moves for trails.
 *
 * test/guest/jit/call-chain.S's inner loop is compiled first and runs about a dozen instructions
 * per trip before its `ret` misses. Every trip moved twice until the trail had compiled the rest
 * of the body (about 1600 moves in all); with short runs it takes a few probes (under 300).
 */
import { describe, expect, it } from 'vitest';
import { runBuiltGuestToEnd } from './differential.ts';

describe('JIT short runs from the interpreter', () => {
  it('passes a compiled block start whose runs are too short, and still ends in the interpreter\'s state', () => {
    const result = runBuiltGuestToEnd('jit/call-chain', 5_000_000);
    expect(result.mismatch).toBe('');
    expect(result.finished).toBe(true);
    expect(result.jit.interpreterRuns).toBeLessThan(600);
    // The trail still compiles the body: the probes' misses count for the moves they stand for.
    expect(result.jit.instret / result.instret).toBeGreaterThan(0.9);
  });
});

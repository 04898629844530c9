/** When a hart's queued blocks are compiled (src/jit/batch-policy.ts). */
import { describe, expect, it } from 'vitest';
import {
  BATCH_BLOCKS, BATCH_WAIT_MS, POOL_BATCH_BLOCKS, POOL_LOOP_WAIT_MS, POOL_STRAIGHT_LINE_WAIT_MS, batchDue,
} from '../../src/jit/batch-policy.ts';

describe('batch policy', () => {
  it('never sends an empty queue', () => {
    expect(batchDue(0, 0, -1, 1e9, false)).toBe(false);
    expect(batchDue(0, 0, -1, 1e9, true)).toBe(false);
  });

  it('in place: a small batch, soon', () => {
    expect(batchDue(1, 100, -1, 100 + BATCH_WAIT_MS - 0.1, false)).toBe(false);
    expect(batchDue(1, 100, -1, 100 + BATCH_WAIT_MS, false)).toBe(true);
    expect(batchDue(BATCH_BLOCKS, 100, -1, 100, false)).toBe(true);
  });

  it('with a pool: straight-line blocks gather longer and in greater number', () => {
    expect(batchDue(1, 100, -1, 100 + BATCH_WAIT_MS, true)).toBe(false);
    expect(batchDue(BATCH_BLOCKS, 100, -1, 100, true)).toBe(false);
    expect(batchDue(1, 100, -1, 100 + POOL_STRAIGHT_LINE_WAIT_MS - 0.1, true)).toBe(false);
    expect(batchDue(1, 100, -1, 100 + POOL_STRAIGHT_LINE_WAIT_MS, true)).toBe(true);
    expect(batchDue(POOL_BATCH_BLOCKS, 100, -1, 100, true)).toBe(true);
  });

  it('with a pool: a queued loop sends the batch soon after it was queued', () => {
    expect(batchDue(3, 100, 110, 110 + POOL_LOOP_WAIT_MS - 0.1, true)).toBe(false);
    expect(batchDue(3, 100, 110, 110 + POOL_LOOP_WAIT_MS, true)).toBe(true);
  });
});

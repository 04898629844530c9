/**
 * Directed yield's choice (src/vcpu/directed-yield.ts): whom a spinning vCPU gives its run token to,
 * from the queued vCPUs in FIFO order and their TokenHint (privilege when queued, spinner bit).
 */
import { describe, expect, it } from 'vitest';
import { TokenHint } from '../../src/memory/run-tokens.ts';
import { DirectedYield } from '../../src/vcpu/directed-yield.ts';

const S = 1, U = 0, M = 3;

function chooser(hints: Record<number, number>): (queued: number[]) => number {
  const d = new DirectedYield();
  return (queued) => d.choose(queued, (h) => hints[h]);
}

describe('directed yield', () => {
  it('prefers a vCPU queued from the kernel (or M-mode) over one preempted in user mode', () => {
    const choose = chooser({ 1: U, 2: S, 3: M });
    expect(choose([1, 2, 3])).toBe(2);
  });

  it('takes the first in queue order among equals', () => {
    const choose = chooser({ 4: S, 2: S, 7: S });
    expect(choose([4, 2, 7])).toBe(4);
  });

  it('falls back to a user-mode vCPU when no kernel one is queued', () => {
    const choose = chooser({ 1: U, 2: U });
    expect(choose([1, 2])).toBe(1);
  });

  it('passes over spinners, but offers them every other time (as KVM\'s dy_eligible)', () => {
    const spinner = TokenHint.Spinner | S;
    const choose = chooser({ 1: spinner, 2: spinner });
    const picks = [choose([1, 2]), choose([1, 2]), choose([1, 2]), choose([1, 2])];
    expect(picks.filter((p) => p === -1)).toHaveLength(2); // kept its token: nobody worth it
    expect(picks.filter((p) => p === 1)).toHaveLength(2); // the first spinner on the other turns
  });

  it('prefers any non-spinner to a spinner, even one in user mode', () => {
    const choose = chooser({ 1: TokenHint.Spinner | S, 2: U });
    expect(choose([1, 2])).toBe(2);
    expect(choose([1, 2])).toBe(2);
  });
});

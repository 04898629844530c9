/**
 * @fileoverview Whom a vCPU that pause-loop exits gives its run token to (directed yield), after
 * KVM's kvm_vcpu_on_spin: the spinner is waiting for a lock, a reply or an IPI acknowledgement that
 * some other vCPU must provide, so the core is best given to a vCPU that is runnable but has none.
 *
 *   - Never to a vCPU that itself queued after a pause-loop exit, except every other time: a spinner
 *     helps nobody by running, unless it is next in a queued lock (KVM's dy_eligible alternates the
 *     same way).
 *   - Preferably to one that lost its core in S- or M-mode, or that woke from a halt (it has an IPI
 *     or a device event to serve): a lock a spinning kernel waits for is held by kernel code. One
 *     preempted in U-mode comes after them.
 *   - Among equals, the one that has waited longest (the queue's own FIFO order).
 *
 * No candidate: the spinner keeps its token and goes on; its wait is for a vCPU that runs already.
 */

import { TokenHint } from '../memory/run-tokens.ts';

export class DirectedYield {
  /** Whether spinners are candidates on this yield (it alternates, as dy_eligible does). */
  private spinnersEligible = false;

  /**
   * Picks the hart to yield to from the queued ones (FIFO order), given each one's TokenHint; -1 to
   * keep the token.
   */
  choose(queued: readonly number[], hintOf: (hart: number) => number): number {
    this.spinnersEligible = !this.spinnersEligible;
    let best = -1, bestRank = 0;
    for (const h of queued) {
      const rank = this.rank(hintOf(h));
      if (rank > bestRank) { best = h; bestRank = rank; }
    }
    return best;
  }

  /** 0: not a candidate; higher is better. */
  private rank(hint: number): number {
    if ((hint & TokenHint.Spinner) !== 0) return this.spinnersEligible ? 1 : 0;
    return (hint & TokenHint.PrivMask) !== 0 ? 3 : 2;
  }
}

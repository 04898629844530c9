/**
 * @fileoverview Whom a vCPU that pause-loop exits gives its run token to (directed yield), after
 * KVM's kvm_vcpu_on_spin: the spinner is waiting for a lock, a reply or an IPI acknowledgement that
 * some other vCPU must provide, so the core is best given to a vCPU that is runnable but has none.
 *
 *   - Never while another vCPU runs: the spinner keeps its core. The lock it waits for is most
 *     likely a queued one (Linux's ticket and MCS spinlocks): the spinner holds a place in that
 *     queue, and once it gives its core away the lock stalls when its turn comes, until it runs
 *     again, behind every vCPU queued for a token. Measured with Linux locktorture at 8 vCPUs on 2
 *     host CPUs, 30 ms timeslices (M writes/s): no yields 0.06-0.09; 20-40 yields per vCPU in 8 s,
 *     whether to vCPUs preempted while running, to ones with an IPI waiting or to any, 0.0002-0.01.
 *     Every rule tried that yields while another vCPU runs did worse than --ple off at 4 and 8 vCPUs
 *     (bench/reports/overcommit.txt). With nobody else running, what the spinner waits for cannot
 *     happen until it gives way, and the rules below pick whom to.
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

  /** Whether a spinner may yield at all, given whether another vCPU runs now (the first rule above). */
  static mayYield(othersRunning: boolean): boolean {
    return !othersRunning;
  }

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

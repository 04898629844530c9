/**
 * @fileoverview What a vCPU's run loop counts about itself, for overcommit experiments (--stats and
 * the control plane's stats()): wall time by run-loop state, which together add up to the vCPU's
 * life after its warm-up, and how halt polling and pause-loop exits went.
 */

export interface VcpuAccounting {
  /** Milliseconds executing guest code (Running). */
  runningMs: number;
  /** Milliseconds halted in WFI or an SBI suspend, polling or asleep (Halted). */
  haltedMs: number;
  /** Milliseconds given away after pause-loop exits (Yielding). */
  yieldingMs: number;
  /** Milliseconds STOPPED under SBI HSM, waiting for hart_start (Stopped). */
  stoppedMs: number;
  /** Milliseconds in the worker's event loop and paused by the control plane. */
  otherMs: number;
  /** Halts whose poll saw the wake-up condition come (no sleep needed). */
  haltPollHits: number;
  /** Halts that polled in vain and then slept. */
  haltPollMisses: number;
  /** Halts that did not poll: no host CPU was free, or the adaptive window was closed. */
  haltPollSkips: number;
  /** Pause-loop exits. */
  pleExits: number;
  /** Pause-loop exits that gave the core away (a vCPU was waiting for one); the rest went on spinning. */
  pleSleeps: number;
}

export function newAccounting(): VcpuAccounting {
  return {
    runningMs: 0, haltedMs: 0, yieldingMs: 0, stoppedMs: 0, otherMs: 0,
    haltPollHits: 0, haltPollMisses: 0, haltPollSkips: 0, pleExits: 0, pleSleeps: 0,
  };
}

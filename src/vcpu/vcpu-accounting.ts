/**
 * @fileoverview What a vCPU's run loop counts about itself, for overcommit experiments (--stats and
 * the control plane's stats()): wall time by run-loop state, which together add up to the vCPU's
 * life after its warm-up, how halt polling, pause-loop exits and the run tokens went, and the IPIs it
 * sent and received.
 */

export interface VcpuAccounting {
  /** Milliseconds executing guest code (Running, holding a run token). */
  runningMs: number;
  /** Milliseconds runnable but waiting for a run token: steal time, as the guest's STA record has it. */
  stealMs: number;
  /** Milliseconds halted in WFI or an SBI suspend, polling or asleep (Halted). */
  haltedMs: number;
  /** Milliseconds given away after pause-loop exits with --ple-yield sleep (Yielding). */
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
  /** Halts with a timer due sooner than a timeslice while a vCPU waited: the token went to it at once. */
  shortHalts: number;
  /** Pause-loop exits. */
  pleExits: number;
  /** Pause-loop exits that gave the token away for a fixed time (--ple-yield sleep). */
  pleSleeps: number;
  /** Pause-loop exits that handed the token to a queued vCPU (--ple-yield directed). */
  directedYields: number;
  /** Times the token was passed on because the timeslice ran out while another vCPU waited. */
  timesliceExpiries: number;
  /** IPIs this hart sent (SBI send_ipi, CLINT msip) and received. */
  ipisSent: number;
  ipisReceived: number;
}

export function newAccounting(): VcpuAccounting {
  return {
    runningMs: 0, stealMs: 0, haltedMs: 0, yieldingMs: 0, stoppedMs: 0, otherMs: 0,
    haltPollHits: 0, haltPollMisses: 0, haltPollSkips: 0, shortHalts: 0, pleExits: 0, pleSleeps: 0,
    directedYields: 0, timesliceExpiries: 0, ipisSent: 0, ipisReceived: 0,
  };
}

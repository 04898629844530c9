/**
 * @fileoverview Why guest execution hands control back: one vocabulary for the interpreter
 * (Hart.run), compiled code (the JIT's exit word in the state block) and the builtin SBI (what an
 * ECALL it served asks of the hart). The vCPU run loop (vcpu/exit-handler.ts) acts on the ones
 * that reach it: None, Wfi, HartStopped, Yield, Stop, Fatal, Preempted. Trap, EndBlock and Interpret stay
 * between compiled code and the JIT's run loop.
 */

export const enum Exit {
  /** Nothing to act on: the budget ran out, or compiled code reached a pc it has no block for. */
  None = 0,
  /** Compiled code: a slow-path access raised an exception; the interpreter takes it at the saved pc. */
  Trap = 1,
  /** Compiled code: a store reached a device or HTIF; back to the run loop so that events are seen. */
  EndBlock = 2,
  /** Pause-loop exit: the guest is spinning (PAUSE, or a short store-free loop on unchanged values). */
  Yield = 3,
  /** Compiled code: the instruction at pc must be executed by the interpreter. */
  Interpret = 4,
  /** WFI found nothing pending, or an SBI HSM suspend: sleep until an interrupt may be pending. */
  Wfi = 5,
  /** The hart stopped itself through SBI HSM hart_stop. */
  HartStopped = 6,
  /** The machine is stopping (the shared stop word is set). */
  Stop = 7,
  /** The hart cannot go on: its trap vector cannot be fetched. Its fatalMessage says why. */
  Fatal = 8,
  /** Another vCPU asked this one to leave guest code (Control.ExitRequest): its timeslice is over. */
  Preempted = 9,
}

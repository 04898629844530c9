/**
 * @fileoverview The states of a vCPU's run loop (run-loop.ts). Exits from guest execution move it
 * between them (exit-handler.ts):
 *
 *   Stopped --hart_start--> Running --Wfi--> Halted --interrupt pending--> Running
 *                             |  ^-----Yield--> Yielding --sleep over------^
 *                             +--HartStopped--> Stopped
 *   any --Stop, Fatal--> Finished
 */

export const enum VcpuState {
  /** Executing guest code. */
  Running = 0,
  /** In WFI (or an SBI suspend): sleeps until an interrupt is pending and enabled in mie. */
  Halted = 1,
  /** Pause-loop exit: gives its host CPU away for a moment. */
  Yielding = 2,
  /** SBI HSM STOPPED: waits for hart_start. */
  Stopped = 3,
  /** The machine is stopping, or this hart cannot go on. */
  Finished = 4,
}

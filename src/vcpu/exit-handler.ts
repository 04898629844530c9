/**
 * @fileoverview What a vCPU does with each exit from guest execution: a plain function from the
 * exit to the run loop's next state, with the side effects that belong to the exit done through
 * ExitActions (so that a test can feed it fake exits, as Firecracker's vcpu.rs tests do with
 * handle_kvm_exit). Sleeping in the new state is the run loop's job, not this one's.
 */

import { Exit } from '../cpu/exit.ts';
import { VcpuState } from './vcpu-state.ts';

/** The side effects exits have beyond the state change; the worker implements them over shared memory. */
export interface ExitActions {
  /** SBI hart_stop: publish HSM STOPPED, so that another hart may start this one again. */
  hartStopped(): void;
  /** The hart cannot go on: report its message and end the machine. */
  fatal(): void;
}

export function handleExit(exit: Exit, actions: ExitActions): VcpuState {
  switch (exit) {
    case Exit.None: return VcpuState.Running; // the budget ran out: go on
    case Exit.Preempted: return VcpuState.Running; // the run loop passes its token on before it runs again
    case Exit.Wfi: return VcpuState.Halted;
    case Exit.Yield: return VcpuState.Yielding;
    case Exit.HartStopped:
      actions.hartStopped();
      return VcpuState.Stopped;
    case Exit.Fatal:
      actions.fatal();
      return VcpuState.Finished;
    case Exit.Stop:
      return VcpuState.Finished;
    default:
      // Trap, EndBlock and Interpret are between compiled code and the JIT's loop (jit/run-loop.ts).
      throw new Error(`vCPU: exit ${exit} is internal to compiled code and cannot reach the run loop`);
  }
}

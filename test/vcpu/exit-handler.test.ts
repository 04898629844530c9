/**
 * Exit handling in the vCPU run loop (src/vcpu/exit-handler.ts), fed fake exits: each exit from guest
 * execution leads to the state the run loop must be in next, with exactly the side effects that
 * belong to it. No guest, no worker, no shared memory.
 */
import { describe, expect, it } from 'vitest';
import { Exit } from '../../src/cpu/exit.ts';
import { handleExit, type ExitActions } from '../../src/vcpu/exit-handler.ts';
import { VcpuState } from '../../src/vcpu/vcpu-state.ts';

/** ExitActions that record what was asked of them. */
function recorder(): ExitActions & { calls: string[] } {
  const calls: string[] = [];
  return { calls, hartStopped: () => calls.push('hartStopped'), fatal: () => calls.push('fatal') };
}

describe('handleExit', () => {
  const cases: [string, Exit, VcpuState, string[]][] = [
    ['a spent budget goes on running', Exit.None, VcpuState.Running, []],
    ['WFI halts the vCPU until an interrupt may be pending', Exit.Wfi, VcpuState.Halted, []],
    ['a pause-loop exit yields the host CPU', Exit.Yield, VcpuState.Yielding, []],
    ['SBI hart_stop publishes HSM STOPPED and waits for hart_start', Exit.HartStopped, VcpuState.Stopped, ['hartStopped']],
    ['a hart that cannot go on reports it and finishes', Exit.Fatal, VcpuState.Finished, ['fatal']],
    ['the machine stopping finishes the vCPU', Exit.Stop, VcpuState.Finished, []],
    ['a timeslice that ran out goes on running (the run loop passes its token on first)', Exit.Preempted, VcpuState.Running, []],
  ];
  for (const [name, exit, state, calls] of cases) {
    it(name, () => {
      const actions = recorder();
      expect(handleExit(exit, actions)).toBe(state);
      expect(actions.calls).toEqual(calls);
    });
  }

  it('refuses the exits that belong inside the JIT, naming them', () => {
    for (const exit of [Exit.Trap, Exit.EndBlock, Exit.Interpret]) {
      const actions = recorder();
      expect(() => handleExit(exit, actions)).toThrow(/internal to compiled code/);
      expect(actions.calls).toEqual([]);
    }
  });
});

/**
 * @fileoverview PAUSE (Zihintpause), the hint a spin-wait loop executes on each turn: FENCE with
 * pred = W and succ = 0. Under pause-loop exiting, the interpreter (hart.ts) and compiled code
 * (jit/translator.ts) both count PAUSEs in the state block (State.PauseCount) and leave with
 * Exit.Yield when the count reaches the vCPU's window (State.PleWindow).
 */

export const PAUSE = 0x0100000f;

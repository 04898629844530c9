/**
 * @fileoverview SBI Timer extension (EID "TIME"): set_timer programs the hart's supervisor timer.
 * The deadline lives in the hart's mtimecmp control words; with the builtin firmware it raises STIP
 * (not MTIP), and a deadline in the future clears a pending STIP, as the spec requires.
 */

import { Control } from '../../memory/layout.ts';
import { SbiError, type SbiRet, fail, ok } from './constants.ts';
import { type SbiContext, argU64 } from './context.ts';

export function setSupervisorTimer(ctx: SbiContext, deadline: bigint): void {
  const hart = ctx.hart;
  Atomics.store(hart.mem, hart.ctl + Control.MtimecmpLo, Number(BigInt.asIntN(32, deadline)));
  Atomics.store(hart.mem, hart.ctl + Control.MtimecmpHi, Number(BigInt.asIntN(32, deadline >> 32n)));
}

export function handleTime(ctx: SbiContext, fid: number): SbiRet {
  if (fid !== 0) return fail(SbiError.NotSupported);
  setSupervisorTimer(ctx, argU64(ctx.hart, 0));
  return ok();
}

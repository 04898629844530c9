/**
 * @fileoverview SBI Timer extension (EID "TIME"): set_timer programs the hart's supervisor timer.
 * The deadline goes to stimecmp when Sstc is on (the builtin firmware turns it on), else to the hart's
 * mtimecmp control words, which with the builtin firmware raise STIP (not MTIP). Either way a
 * deadline in the future clears a pending STIP, as the spec requires.
 */

import { Control } from '../../memory/layout.ts';
import { Slot } from '../../cpu/csr-numbers.ts';
import { sstcEnabled } from '../../cpu/interrupts.ts';
import { SbiError, type SbiRet, fail, ok } from './constants.ts';
import { type SbiContext, argU64 } from './context.ts';

export function setSupervisorTimer(ctx: SbiContext, deadline: bigint): void {
  const hart = ctx.hart;
  const lo = Number(BigInt.asIntN(32, deadline)), hi = Number(BigInt.asIntN(32, deadline >> 32n));
  if (sstcEnabled(hart)) {
    // With Sstc on, stimecmp alone drives STIP: program it, as OpenSBI does on Sstc harts.
    hart.setSlot(Slot.Stimecmp, lo, hi);
    return;
  }
  Atomics.store(hart.mem, hart.ctl + Control.MtimecmpLo, lo);
  Atomics.store(hart.mem, hart.ctl + Control.MtimecmpHi, hi);
}

export function handleTime(ctx: SbiContext, fid: number): SbiRet {
  if (fid !== 0) return fail(SbiError.NotSupported);
  setSupervisorTimer(ctx, argU64(ctx.hart, 0));
  return ok();
}

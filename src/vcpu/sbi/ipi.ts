/**
 * @fileoverview SBI IPI extension (EID "sPI"): send_ipi raises the supervisor software interrupt
 * (SSIP) on every hart in the mask and wakes them.
 */

import { SbiError, type SbiRet, fail, ok } from './constants.ts';
import { type SbiContext, argU64, maskedHarts } from './context.ts';
import { IrqBit } from '../../memory/irq-bits.ts';

export function handleIpi(ctx: SbiContext, fid: number): SbiRet {
  if (fid !== 0) return fail(SbiError.NotSupported);
  const targets = maskedHarts(argU64(ctx.hart, 0), argU64(ctx.hart, 1), ctx.harts.harts);
  if (targets === undefined) return fail(SbiError.InvalidParam);
  for (const t of targets) ctx.harts.sendIpi(ctx.hart.id, t, IrqBit.SSIP);
  return ok();
}

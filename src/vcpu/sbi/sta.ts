/**
 * @fileoverview SBI Steal-time Accounting extension (EID "STA", SBI 2.0 chapter 16): one function,
 * steal_time_set_shmem, which tells where the calling hart's steal-time record (steal-time.ts) is.
 */

import { SbiError, type SbiRet, fail } from './constants.ts';
import { type SbiContext, argU64 } from './context.ts';

export function handleSta(ctx: SbiContext, fid: number): SbiRet {
  if (fid !== 0 || ctx.stealTime === undefined) return fail(SbiError.NotSupported);
  return ctx.stealTime.setShmem(argU64(ctx.hart, 0), argU64(ctx.hart, 1), argU64(ctx.hart, 2));
}

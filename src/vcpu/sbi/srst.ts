/**
 * @fileoverview SBI System Reset extension (EID "SRST"): shutdown ends the machine (a system-failure
 * reason makes the exit status non-zero); cold and warm reboot end it too, reported as a reset.
 */

import { SbiError, type SbiRet, fail } from './constants.ts';
import { type SbiContext, argU64 } from './context.ts';

export function handleSrst(ctx: SbiContext, fid: number): SbiRet {
  if (fid !== 0) return fail(SbiError.NotSupported);
  const type = argU64(ctx.hart, 0) & 0xffff_ffffn;
  const reason = argU64(ctx.hart, 1) & 0xffff_ffffn;
  if (type > 2n && type < 0xf000_0000n) return fail(SbiError.InvalidParam);
  if (type > 2n) return fail(SbiError.NotSupported); // vendor-specific reset types
  if (reason > 1n && reason < 0xe000_0000n) return fail(SbiError.InvalidParam);
  if (type === 0n) ctx.stop(reason === 0n ? 'shutdown' : 'failure');
  else ctx.stop('reboot');
  // The machine is stopping: the caller never sees a return on success.
  return { error: 0, value: 0n };
}

/**
 * @fileoverview SBI Debug Console extension (EID "DBCN"): write and read byte strings at physical
 * addresses, and write one byte. The VMM owns the console, so these go out through the mailbox.
 */

import { SbiError, type SbiRet, fail, ok } from './constants.ts';
import { type SbiContext, argNumber, argU64 } from './context.ts';

export function handleDbcn(ctx: SbiContext, fid: number): SbiRet {
  switch (fid) {
    case 0: case 1: { // console_write / console_read(num_bytes, base_addr_lo, base_addr_hi)
      const length = argNumber(ctx.hart, 0);
      if (argU64(ctx.hart, 2) !== 0n) return fail(SbiError.InvalidParam); // above 4 GiB: no RAM there
      const pa = argNumber(ctx.hart, 1);
      const count = fid === 0 ? ctx.console.write(pa, length) : ctx.console.read(pa, length);
      return count < 0 ? fail(SbiError.InvalidParam) : ok(count);
    }
    case 2: // console_write_byte(byte)
      ctx.console.writeByte(ctx.hart.r[20] & 0xff);
      return ok();
    default:
      return fail(SbiError.NotSupported);
  }
}

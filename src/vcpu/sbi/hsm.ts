/**
 * @fileoverview SBI Hart State Management extension (EID "HSM"): start a stopped hart at an address
 * in S-mode, stop the calling hart, report a hart's state, and suspend (retentive: like WFI and then
 * return; non-retentive: resume at a given address).
 */

import { HsmState } from '../../memory/layout.ts';
import { SbiError, type SbiRet, fail, ok } from './constants.ts';
import { Exit } from '../../cpu/exit.ts';
import { type SbiContext, argNumber, argU64 } from './context.ts';
import { RAM_BASE } from '../../memory/machine-map.ts';

export interface HsmRet extends SbiRet {
  /** What the calling hart does after the call returns (cpu/hart-state.ts SbiHandler). */
  action?: Exit;
}

const SUSPEND_RETENTIVE = 0x0000_0000n;
const SUSPEND_NON_RETENTIVE = 0x8000_0000n;

export function handleHsm(ctx: SbiContext, fid: number, ramBytes: number): HsmRet {
  const harts = ctx.harts;
  switch (fid) {
    case 0: { // hart_start(hartid, start_addr, opaque)
      const target = argU64(ctx.hart, 0);
      if (target >= BigInt(harts.harts)) return fail(SbiError.InvalidParam);
      const addr = argNumber(ctx.hart, 1);
      if (addr < RAM_BASE || addr >= RAM_BASE + ramBytes) return fail(SbiError.InvalidAddress);
      if (!harts.requestStart(Number(target), addr, argU64(ctx.hart, 2))) return fail(SbiError.AlreadyAvailable);
      return ok();
    }
    case 1: // hart_stop(): does not return on success
      harts.setHsmState(ctx.hart.id, HsmState.StopPending);
      return { ...ok(), action: Exit.HartStopped };
    case 2: { // hart_get_status(hartid)
      const target = argU64(ctx.hart, 0);
      if (target >= BigInt(harts.harts)) return fail(SbiError.InvalidParam);
      return ok(harts.hsmState(Number(target)));
    }
    case 3: { // hart_suspend(suspend_type, resume_addr, opaque)
      const type = argU64(ctx.hart, 0) & 0xffff_ffffn;
      if (type === SUSPEND_RETENTIVE) return { ...ok(), action: Exit.Wfi } // sleep like WFI, then return to the caller;
      if (type === SUSPEND_NON_RETENTIVE) {
        const addr = argNumber(ctx.hart, 1);
        if (addr < RAM_BASE || addr >= RAM_BASE + ramBytes) return fail(SbiError.InvalidAddress);
        ctx.resume = { addr, opaque: argU64(ctx.hart, 2) };
        return { ...ok(), action: Exit.Wfi };
      }
      // 0x1..0x0fffffff and 0x80000001..0x8fffffff are reserved; the platform-specific ranges are unsupported.
      if (type < 0x1000_0000n || (type > SUSPEND_NON_RETENTIVE && type < 0x9000_0000n)) return fail(SbiError.InvalidParam);
      return fail(SbiError.NotSupported);
    }
    default:
      return fail(SbiError.NotSupported);
  }
}

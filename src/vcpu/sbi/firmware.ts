/**
 * @fileoverview The builtin SBI firmware (--bios builtin): the VMM plays the role OpenSBI plays on
 * hardware, as KVM does for its guests. An ECALL from S-mode lands here instead of trapping to M-mode;
 * a7 selects the extension, a6 the function, and the result goes back in a0 (error) and a1 (value).
 * Calls that touch only the calling hart are served in its worker; the rest use the router
 * (HartsControl) or the VMM's console through the mailbox.
 */

import { Exit } from '../../cpu/exit.ts';
import type { HartState, SbiHandler } from '../../cpu/hart-state.ts';
import { Eid, SbiError } from './constants.ts';
import { type SbiContext, argU64 } from './context.ts';
import { handleBase } from './base.ts';
import { handleTime, setSupervisorTimer } from './time.ts';
import { handleIpi } from './ipi.ts';
import { handleRfence } from './rfence.ts';
import { handleHsm } from './hsm.ts';
import { handleSrst } from './srst.ts';
import { handleDbcn } from './dbcn.ts';
import { handleSta } from './sta.ts';

export class SbiFirmware implements SbiHandler {
  constructor(readonly ctx: SbiContext, private readonly ramBytes: number) {}

  ecall(hart: HartState): Exit {
    const r = hart.r;
    const eid = r[34] >>> 0; // a7
    const fid = r[32] >>> 0; // a6
    if (eid < 0x10) return this.legacy(hart, eid);
    let ret;
    let action = Exit.None;
    switch (eid) {
      case Eid.Base: ret = handleBase(this.ctx, fid); break;
      case Eid.Time: ret = handleTime(this.ctx, fid); break;
      case Eid.Ipi: ret = handleIpi(this.ctx, fid); break;
      case Eid.Rfence: ret = handleRfence(this.ctx, fid); break;
      case Eid.Hsm: {
        const hsm = handleHsm(this.ctx, fid, this.ramBytes);
        ret = hsm;
        action = hsm.action ?? Exit.None;
        break;
      }
      case Eid.Srst: ret = handleSrst(this.ctx, fid); break;
      case Eid.Dbcn: ret = handleDbcn(this.ctx, fid); break;
      case Eid.Sta: ret = handleSta(this.ctx, fid); break;
      default: ret = { error: SbiError.NotSupported, value: 0n };
    }
    r[20] = ret.error; r[21] = ret.error < 0 ? -1 : 0;
    r[22] = Number(BigInt.asIntN(32, ret.value)); r[23] = Number(BigInt.asIntN(32, ret.value >> 32n));
    return action;
  }

  /** The legacy extensions (SBI v0.1): the result is a0 alone. */
  private legacy(hart: HartState, eid: number): Exit {
    let result = 0;
    switch (eid) {
      case Eid.LegacySetTimer: setSupervisorTimer(this.ctx, argU64(hart, 0)); break;
      case Eid.LegacyConsolePutchar: this.ctx.console.writeByte(hart.r[20] & 0xff); break;
      case Eid.LegacyConsoleGetchar: result = this.ctx.console.readByte(); break;
      case Eid.LegacyShutdown: this.ctx.stop('shutdown'); break;
      default: result = SbiError.NotSupported;
    }
    hart.r[20] = result; hart.r[21] = result < 0 ? -1 : 0;
    return Exit.None;
  }
}

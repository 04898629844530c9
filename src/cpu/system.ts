/**
 * @fileoverview The SYSTEM opcode: ECALL (to the builtin SBI when there is one), EBREAK, MRET, SRET,
 * WFI, SFENCE.VMA, Svinval's SINVAL.VMA, SFENCE.W.INVAL and SFENCE.INVAL.IR, and the Zicsr
 * instructions, with the privilege and mstatus checks that make them illegal (TSR, TW, TVM). What a SYSTEM instruction asks of the hart's owner (sleep, stop) is left in
 * h.pendingExit.
 */

import { CsrNum, Mstatus, Slot } from './csr-numbers.ts';
import { Ext } from '../memory/extensions.ts';
import { FlushScope } from '../memory/layout.ts';
import { csrRead, csrWrite } from './csrs.ts';
import { Exit } from './exit.ts';
import { interruptWaiting } from './interrupts.ts';
import { out } from './int64.ts';
import { Cause } from './trap-causes.ts';
import { trapReturn } from './traps.ts';
import type { HartState } from './hart-state.ts';

/** ECALL, EBREAK, xRET, WFI, SFENCE.VMA and the CSR instructions. Returns the next pc. */
export function system(h: HartState, inst: number, pc: number, ilen: number): number {
  const f3 = (inst >> 12) & 7;
  const status = h.csr[Slot.Mstatus * 2];
  if (f3 === 0) {
    switch (inst) {
      case 0x00000073: // ECALL
        if (h.priv === 1 && h.sbi !== undefined) return sbiCall(h, pc, ilen);
        h.exception(h.priv === 0 ? Cause.EcallFromU : h.priv === 1 ? Cause.EcallFromS : Cause.EcallFromM, 0, 0);
        return pc;
      case 0x00100073: // EBREAK: tval may be 0 or the pc; 0, as QEMU writes
        h.exception(Cause.Breakpoint, 0, 0);
        return pc;
      case 0x30200073: // MRET
        if (h.priv !== 3) break;
        return trapReturn(h, true);
      case 0x10200073: // SRET
        if (h.priv === 0 || (h.priv === 1 && (status & Mstatus.TSR) !== 0)) break;
        return trapReturn(h, false);
      case 0x10500073: // WFI
        if (h.priv === 0 || (h.priv === 1 && (status & Mstatus.TW) !== 0)) break;
        if (!interruptWaiting(h)) h.pendingExit = Exit.Wfi;
        return pc + ilen;
      case 0x18000073: // SFENCE.W.INVAL (Svinval): orders earlier stores before later SINVAL.VMAs
      case 0x18100073: // SFENCE.INVAL.IR (Svinval): orders SINVAL.VMAs before later accesses
        // SINVAL.VMA takes effect at once here, so there is nothing to order.
        if (h.priv === 0 || (h.extensions & Ext.Svinval) === 0) break;
        return pc + ilen;
      default: {
        // SFENCE.VMA, and Svinval's SINVAL.VMA, which this hart does just as eagerly.
        const fence = (inst & 0xfe007fff) === 0x12000073;
        const sinval = (inst & 0xfe007fff) === 0x16000073 && (h.extensions & Ext.Svinval) !== 0;
        if (fence || sinval) {
          if (h.priv === 0 || (h.priv === 1 && (status & Mstatus.TVM) !== 0)) break;
          const rs1 = (inst >> 15) & 31, rs2 = (inst >> 20) & 31;
          // A fence for one address space (rs2 not x0, whatever ASID it holds) orders no access to
          // a global mapping (privileged spec, SFENCE.VMA), so those entries may stay: Linux fences
          // a process's ASID alone, and the kernel's own mappings are global.
          if (rs1 !== 0) h.mmu.flushPage(h.r[rs1 * 2], h.r[rs1 * 2 + 1]);
          else h.mmu.flushScope(rs2 !== 0 ? FlushScope.NonGlobal : FlushScope.All);
          return pc + ilen;
        }
      }
    }
    h.exception(Cause.IllegalInstruction, inst, 0);
    return pc;
  }
  if (f3 === 4) { h.exception(Cause.IllegalInstruction, inst, 0); return pc; }

  // Zicsr: CSRRW/S/C and their immediate forms.
  const csrNum = inst >>> 20;
  const src = (inst >> 15) & 31;
  const rd = (inst >> 7) & 31;
  const op = f3 & 3;
  const writes = op === 1 || src !== 0;
  if (((csrNum >> 8) & 3) > h.priv || (writes && (csrNum >>> 10) === 3) || !csrRead(h, csrNum)) {
    h.exception(Cause.IllegalInstruction, inst, 0);
    return pc;
  }
  const oldLo = out[0], oldHi = out[1];
  if (writes) {
    const sLo = (f3 & 4) !== 0 ? src : h.r[src * 2];
    const sHi = (f3 & 4) !== 0 ? 0 : h.r[src * 2 + 1];
    // In mip/sip, a read shows the software bits ORed with the interrupt controller's and timers'
    // signals, but only the software bits take part in CSRRS/CSRRC's read-modify-write (privileged
    // spec, mip): otherwise `csrs mip, SSIP` would latch a momentary SEIP for good.
    const rmwLo = csrNum === CsrNum.Mip || csrNum === CsrNum.Sip ? h.csr[Slot.Mip * 2] : oldLo;
    const newLo = op === 1 ? sLo : op === 2 ? rmwLo | sLo : rmwLo & ~sLo;
    const newHi = op === 1 ? sHi : op === 2 ? oldHi | sHi : oldHi & ~sHi;
    csrWrite(h, csrNum, newLo, newHi);
  }
  if (rd !== 0) { h.r[rd * 2] = oldLo; h.r[rd * 2 + 1] = oldHi; }
  return pc + ilen;
}

/** An ECALL from S-mode served by the builtin SBI: the call returns to the next instruction. */
function sbiCall(h: HartState, pc: number, ilen: number): number {
  h.pendingExit = h.sbi!.ecall(h);
  return pc + ilen;
}

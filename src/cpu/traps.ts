/**
 * @fileoverview Trap entry and return (privileged spec, "Trap entry" and the xRET instructions):
 * taking a pending exception or an interrupt into M or S mode as medeleg/mideleg say, with the
 * xepc/xcause/xtval and mstatus stacking, vectored or direct; MRET and SRET.
 */

import { Mstatus, Slot } from './csr-numbers.ts';
import { SatpMode } from './mmu.ts';
import { Cause } from './trap-causes.ts';
import { tcontrolOnMret, tcontrolOnTrapToM } from './triggers.ts';
import { out, splitNumber } from './int64.ts';
import type { HartState } from './hart-state.ts';

const TWO32 = 4294967296;
/** HARTVM_DEBUG_TRAPS=1 logs every synchronous trap to stderr: a debugging aid for guest and emulator bugs. */
const DEBUG_TRAPS = process.env.HARTVM_DEBUG_TRAPS !== undefined;

/** Takes the pending exception at instruction address pc; returns the trap handler's address. */
export function raise(h: HartState, pc: number): number {
  h.excPending = false;
  splitNumber(pc);
  const epcLo = out[0], epcHi = out[1];
  const cause = h.excCause;
  if (DEBUG_TRAPS) console.error(`trap cause=${cause} pc=${pc.toString(16)} tval=${hex(h.excTvalLo, h.excTvalHi)} priv=${h.priv} mstatus=${h.csr[0].toString(16)}`);
  // What the previous trap left, in case this one turns out to be its handler failing to fetch.
  const before = h.priv <= 1 && ((h.csr[Slot.Medeleg * 2] >>> cause) & 1) !== 0 ? Slot.Sepc : Slot.Mepc;
  const prevEpcLo = h.csr[before * 2], prevEpcHi = h.csr[before * 2 + 1];
  const prevCause = h.csr[(before + 1) * 2], prevTvalLo = h.csr[(before + 2) * 2], prevTvalHi = h.csr[(before + 2) * 2 + 1];
  const target = enterTrap(h, cause, false, h.excTvalLo, h.excTvalHi, epcLo, epcHi);
  if ((cause === Cause.InstructionAccessFault || cause === Cause.InstructionPageFault) && target === pc && h.fatalMessage === "") {
    h.fatalMessage = `hart ${h.id}: exception ${prevCause} (${causeName(prevCause)}) at pc 0x${hex(prevEpcLo, prevEpcHi)}, ` +
      `tval 0x${hex(prevTvalLo, prevTvalHi)}; its trap vector 0x${hex(epcLo, epcHi)} cannot be fetched ` +
      `(${cause === Cause.InstructionAccessFault ? 'no memory there' : 'page fault'}), so the guest cannot handle the fault`;
  }
  return target;
}

/**
 * A jump to an address no JS number holds exactly (beyond ±2^53): nothing can live there, so the
 * fetch faults at once, with the exact address in epc and tval.
 */
export function raiseUnreachableTarget(h: HartState, lo: number, hi: number): number {
  const translated = h.priv !== 3 && ((h.csr[Slot.Satp * 2 + 1] >>> 28) as SatpMode) !== SatpMode.Bare;
  return enterTrap(h, translated ? Cause.InstructionPageFault : Cause.InstructionAccessFault, false, lo, hi, lo, hi);
}

export function takeInterrupt(h: HartState, irq: number, pc: number): number {
  splitNumber(pc);
  return enterTrap(h, irq, true, 0, 0, out[0], out[1]);
}

/** Trap entry (privileged spec 3.1.6, 4.1.1): picks M or S by delegation, saves state, returns the vector. */
function enterTrap(h: HartState, cause: number, interrupt: boolean, tvalLo: number, tvalHi: number, epcLo: number, epcHi: number): number {
  const csr = h.csr;
  const deleg = interrupt ? csr[Slot.Mideleg * 2] : csr[Slot.Medeleg * 2];
  const toS = h.priv <= 1 && ((deleg >>> cause) & 1) !== 0;
  let status = csr[Slot.Mstatus * 2];
  let tvecSlot: number;
  if (toS) {
    csr[Slot.Sepc * 2] = epcLo; csr[Slot.Sepc * 2 + 1] = epcHi;
    csr[Slot.Scause * 2] = cause; csr[Slot.Scause * 2 + 1] = interrupt ? 0x8000_0000 | 0 : 0;
    csr[Slot.Stval * 2] = tvalLo; csr[Slot.Stval * 2 + 1] = tvalHi;
    status = (status & ~(Mstatus.SPIE | Mstatus.SPP | Mstatus.SIE)) |
      ((status & Mstatus.SIE) !== 0 ? Mstatus.SPIE : 0) | (h.priv === 1 ? Mstatus.SPP : 0);
    h.priv = 1;
    tvecSlot = Slot.Stvec;
  } else {
    csr[Slot.Mepc * 2] = epcLo; csr[Slot.Mepc * 2 + 1] = epcHi;
    csr[Slot.Mcause * 2] = cause; csr[Slot.Mcause * 2 + 1] = interrupt ? 0x8000_0000 | 0 : 0;
    csr[Slot.Mtval * 2] = tvalLo; csr[Slot.Mtval * 2 + 1] = tvalHi;
    status = (status & ~(Mstatus.MPIE | Mstatus.MPP | Mstatus.MIE)) |
      ((status & Mstatus.MIE) !== 0 ? Mstatus.MPIE : 0) | (h.priv << Mstatus.MPP_SHIFT);
    tcontrolOnTrapToM(csr);
    h.priv = 3;
    tvecSlot = Slot.Mtvec;
  }
  csr[Slot.Mstatus * 2] = status;
  h.updateContext();
  const tvecLo = csr[tvecSlot * 2], tvecHi = csr[tvecSlot * 2 + 1];
  const base = tvecHi * TWO32 + ((tvecLo & ~3) >>> 0);
  return interrupt && (tvecLo & 3) === 1 ? base + 4 * cause : base;
}

/** MRET and SRET: restore the interrupted privilege and enable bits, return to xepc. */
export function trapReturn(h: HartState, fromM: boolean): number {
  const csr = h.csr;
  let status = csr[Slot.Mstatus * 2];
  let epcSlot: number;
  if (fromM) {
    h.priv = (status & Mstatus.MPP) >>> Mstatus.MPP_SHIFT;
    status = (status & ~(Mstatus.MIE | Mstatus.MPP)) | Mstatus.MPIE | ((status & Mstatus.MPIE) !== 0 ? Mstatus.MIE : 0);
    tcontrolOnMret(csr);
    epcSlot = Slot.Mepc;
  } else {
    h.priv = (status & Mstatus.SPP) !== 0 ? 1 : 0;
    status = (status & ~(Mstatus.SIE | Mstatus.SPP)) | Mstatus.SPIE | ((status & Mstatus.SPIE) !== 0 ? Mstatus.SIE : 0);
    epcSlot = Slot.Sepc;
  }
  if (h.priv !== 3) status &= ~Mstatus.MPRV;
  csr[Slot.Mstatus * 2] = status;
  h.updateContext();
  const lo = csr[epcSlot * 2], hi = csr[epcSlot * 2 + 1];
  const top = hi >> 21;
  if (top !== 0 && top !== -1) return raiseUnreachableTarget(h, lo, hi);
  return hi * TWO32 + (lo >>> 0);
}

const CAUSE_NAMES: Record<number, string> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction', 3: 'breakpoint',
  4: 'load address misaligned', 5: 'load access fault', 6: 'store/AMO address misaligned', 7: 'store/AMO access fault',
  8: 'ecall from U-mode', 9: 'ecall from S-mode', 11: 'ecall from M-mode', 12: 'instruction page fault',
  13: 'load page fault', 15: 'store/AMO page fault',
};

export function causeName(cause: number): string {
  return CAUSE_NAMES[cause] ?? 'reserved cause';
}

export function hex(lo: number, hi: number): string {
  return ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16);
}

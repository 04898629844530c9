/**
 * @fileoverview The CSR file: reads and writes of every CSR this hart has, with the access rules
 * (privilege, read-only, counter enables) and the WARL fields (privileged spec, "Control and Status
 * Registers" and each CSR's section). CSRs that hold state live in slots of the state block
 * (csr-numbers.ts Slot); computed ones (mip, time, misa, ...) are made on each read.
 */

import { Control } from '../memory/layout.ts';
import { IrqBit } from '../memory/irq-bits.ts';
import { MISA_EXTENSIONS, MISA_MXL_HI } from '../memory/machine-map.ts';
import { CsrNum, Envcfg, MEDELEG_WRITABLE, MIDELEG_WRITABLE, Mstatus, PBMTE_HI, STCE_HI, Slot } from './csr-numbers.ts';
import { Ext } from '../memory/extensions.ts';
import { readMip } from './interrupts.ts';
import { out, splitNumber } from './int64.ts';
import { SatpMode } from './mmu.ts';
import { triggerCsrRead, triggerCsrWrite } from './triggers.ts';
import type { HartState } from './hart-state.ts';

const TWO32 = 4294967296;
/** mstatus.UXL = mstatus.SXL = 2 (64-bit) in bits 35:32. */
export const MSTATUS_XL_HI = 0xa;
/** sstatus shows these mstatus fields (SIE, SPIE, UBE, SPP, VS, FS, XS, SUM, MXR) and SD, UXL. */
export const SSTATUS_MASK = Mstatus.SIE | Mstatus.SPIE | Mstatus.UBE | Mstatus.SPP | Mstatus.VS | Mstatus.FS |
  Mstatus.XS | Mstatus.SUM | Mstatus.MXR;
/** Writable mstatus fields; FS too, as the F and D extensions are always present. */
const MSTATUS_WRITABLE = Mstatus.SIE | Mstatus.MIE | Mstatus.SPIE | Mstatus.MPIE | Mstatus.SPP | Mstatus.MPP |
  Mstatus.MPRV | Mstatus.SUM | Mstatus.MXR | Mstatus.TVM | Mstatus.TW | Mstatus.TSR | Mstatus.FS;
export const SSTATUS_WRITABLE = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.SUM | Mstatus.MXR | Mstatus.FS;
const MIE_WRITABLE = 0xaaa;
/** mip bits software may set directly; MSIP/MTIP/MEIP come from the CLINT and PLIC. */
const MIP_SOFT_WRITABLE = IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP;

/**
 * Counter CSRs in S and U mode are gated by mcounteren and scounteren (one bit per counter). Under
 * the builtin firmware, reads the enables refuse are served anyway: SBI firmware (OpenSBI) keeps
 * illegal-instruction traps in M-mode and emulates cycle/time/instret reads there, and Linux's vDSO
 * relies on it (it reads `time` from U-mode with scounteren clear unless a PMU driver set it).
 */
function counterAllowed(h: HartState, index: number): boolean {
  if (h.priv === 3) return true;
  if (h.sbi !== undefined && index <= 2) return true;
  if (((h.csr[Slot.Mcounteren * 2] >>> index) & 1) === 0) return false;
  return h.priv === 1 || ((h.csr[Slot.Scounteren * 2] >>> index) & 1) !== 0;
}

/** A CSR read's result: a slot's value, into out. */
function slot(h: HartState, s: number): boolean {
  out[0] = h.csr[s * 2];
  out[1] = h.csr[s * 2 + 1];
  return true;
}

/** A CSR read's result: a computed value, into out. */
function value(lo: number, hi: number): boolean {
  out[0] = lo;
  out[1] = hi;
  return true;
}

/** Reads a CSR into out; false when it does not exist or may not be accessed now. */
export function csrRead(h: HartState, n: number): boolean {
  const csr = h.csr;
  const status = csr[Slot.Mstatus * 2];
  const sd = (status & Mstatus.FS) === Mstatus.FS || (status & Mstatus.XS) === Mstatus.XS ? 0x8000_0000 | 0 : 0;
  switch (n) {
    case CsrNum.Fflags: case CsrNum.Frm: case CsrNum.Fcsr: return fpCsrRead(h, n);
    case CsrNum.Sstatus: return value(status & SSTATUS_MASK, (MSTATUS_XL_HI & 3) | sd);
    case CsrNum.Sie: return value(csr[Slot.Mie * 2] & csr[Slot.Mideleg * 2], 0);
    case CsrNum.Sip: return value(readMip(h, true) & csr[Slot.Mideleg * 2], 0);
    case CsrNum.Stvec: return slot(h, Slot.Stvec);
    case CsrNum.Scounteren: return slot(h, Slot.Scounteren);
    case CsrNum.Senvcfg: return slot(h, Slot.Senvcfg);
    case CsrNum.Sscratch: return slot(h, Slot.Sscratch);
    case CsrNum.Sepc: return slot(h, Slot.Sepc);
    case CsrNum.Scause: return slot(h, Slot.Scause);
    case CsrNum.Stval: return slot(h, Slot.Stval);
    case CsrNum.Stimecmp:
      if (h.priv < 3 && ((csr[Slot.Menvcfg * 2 + 1] & STCE_HI) === 0 || !counterAllowed(h, 1))) return false;
      return slot(h, Slot.Stimecmp);
    case CsrNum.Satp:
      if (h.priv === 1 && (status & Mstatus.TVM) !== 0) return false;
      return slot(h, Slot.Satp);
    case CsrNum.Mstatus: return value(status, MSTATUS_XL_HI | sd);
    case CsrNum.Misa: return value(MISA_EXTENSIONS, MISA_MXL_HI);
    case CsrNum.Medeleg: return slot(h, Slot.Medeleg);
    case CsrNum.Mideleg: return slot(h, Slot.Mideleg);
    case CsrNum.Mie: return slot(h, Slot.Mie);
    case CsrNum.Mtvec: return slot(h, Slot.Mtvec);
    case CsrNum.Mcounteren: return slot(h, Slot.Mcounteren);
    case CsrNum.Menvcfg: return slot(h, Slot.Menvcfg);
    case CsrNum.Mcountinhibit: return slot(h, Slot.Mcountinhibit);
    case CsrNum.Mscratch: return slot(h, Slot.Mscratch);
    case CsrNum.Mepc: return slot(h, Slot.Mepc);
    case CsrNum.Mcause: return slot(h, Slot.Mcause);
    case CsrNum.Mtval: return slot(h, Slot.Mtval);
    case CsrNum.Mip: return value(readMip(h, true), 0);
    case CsrNum.Mcycle: splitNumber(h.instret + h.cycleDelta); return true;
    case CsrNum.Minstret: splitNumber(h.instret); return true;
    case CsrNum.Mvendorid: case CsrNum.Marchid: case CsrNum.Mimpid: case CsrNum.Mconfigptr: return value(0, 0);
    case CsrNum.Mhartid: return value(h.id, 0);
    case CsrNum.Cycle:
      if (!counterAllowed(h, 0)) return false;
      splitNumber(h.instret + h.cycleDelta); return true;
    case CsrNum.Time:
      if (!counterAllowed(h, 1)) return false;
      splitNumber(h.platform.mtime()); return true;
    case CsrNum.Instret:
      if (!counterAllowed(h, 2)) return false;
      splitNumber(h.instret); return true;
  }
  if (n >= CsrNum.Pmpcfg0 && n <= CsrNum.Pmpcfg15) {
    if ((n & 1) !== 0) return false; // RV64 has only the even pmpcfg registers
    return slot(h, Slot.Pmpcfg0 + ((n - CsrNum.Pmpcfg0) >> 1));
  }
  if (n >= CsrNum.Pmpaddr0 && n <= CsrNum.Pmpaddr63) return slot(h, Slot.Pmpaddr0 + (n - CsrNum.Pmpaddr0));
  // Unimplemented hardware performance monitors read as zero and ignore writes.
  if ((n >= CsrNum.Mhpmcounter3 && n <= CsrNum.Mhpmcounter31) || (n >= CsrNum.Mhpmevent3 && n <= CsrNum.Mhpmevent31)) {
    return value(0, 0);
  }
  if (n >= CsrNum.Hpmcounter3 && n <= CsrNum.Hpmcounter31) {
    return counterAllowed(h, n - CsrNum.Cycle) ? value(0, 0) : false;
  }
  if (n >= CsrNum.Tselect && n <= CsrNum.Tcontrol) return triggerCsrRead(h, n);
  return false;
}

/** An xtvec write: mode 0 (direct) and 1 (vectored) are legal; a reserved mode keeps the old mode. */
function writeTvec(h: HartState, s: number, lo: number, hi: number): void {
  const mode = (lo & 3) <= 1 ? lo & 3 : h.csr[s * 2] & 3;
  h.setSlot(s, (lo & ~3) | mode, hi);
}

/** Writes a CSR whose access csrRead has already allowed. WARL fields keep legal values. */
export function csrWrite(h: HartState, n: number, lo: number, hi: number): void {
  const csr = h.csr;
  const status = csr[Slot.Mstatus * 2];
  switch (n) {
    case CsrNum.Fflags: case CsrNum.Frm: case CsrNum.Fcsr: fpCsrWrite(h, n, lo); return;
    case CsrNum.Sstatus: {
      const writable = SSTATUS_WRITABLE;
      h.setSlot(Slot.Mstatus, (status & ~writable) | (lo & writable), 0);
      h.updateContext();
      return;
    }
    case CsrNum.Sie: {
      const mask = csr[Slot.Mideleg * 2];
      h.setSlot(Slot.Mie, (csr[Slot.Mie * 2] & ~mask) | (lo & mask), 0);
      return;
    }
    case CsrNum.Sip: {
      const mask = csr[Slot.Mideleg * 2] & IrqBit.SSIP;
      h.setSlot(Slot.Mip, (csr[Slot.Mip * 2] & ~mask) | (lo & mask), 0);
      clearRoutedSoftBits(h, mask & ~lo);
      return;
    }
    case CsrNum.Stvec: writeTvec(h, Slot.Stvec, lo, hi); return;
    case CsrNum.Scounteren: h.setSlot(Slot.Scounteren, lo, 0); return;
    case CsrNum.Senvcfg: h.setSlot(Slot.Senvcfg, envcfgLow(h, Slot.Senvcfg, lo), 0); return;
    case CsrNum.Sscratch: h.setSlot(Slot.Sscratch, lo, hi); return;
    case CsrNum.Sepc: h.setSlot(Slot.Sepc, lo & ~1, hi); return;
    case CsrNum.Scause: h.setSlot(Slot.Scause, lo, hi); return;
    case CsrNum.Stval: h.setSlot(Slot.Stval, lo, hi); return;
    case CsrNum.Stimecmp: h.setSlot(Slot.Stimecmp, lo, hi); return;
    case CsrNum.Satp: {
      const mode = hi >>> 28;
      // Linux probes paging modes by writing satp and reading it back: an unsupported mode is not written.
      if (mode !== SatpMode.Bare && mode !== SatpMode.Sv39 && mode !== SatpMode.Sv48) return;
      h.setSlot(Slot.Satp, lo, hi);
      h.mmu.setSatp(lo, hi);
      return;
    }
    case CsrNum.Mstatus: {
      let writable = MSTATUS_WRITABLE;
      if (((lo & Mstatus.MPP) >>> Mstatus.MPP_SHIFT) === 2) writable &= ~Mstatus.MPP; // MPP=2 is reserved
      h.setSlot(Slot.Mstatus, (status & ~writable) | (lo & writable), 0);
      h.updateContext();
      return;
    }
    case CsrNum.Misa: return; // fixed: extensions cannot be switched off
    case CsrNum.Medeleg: h.setSlot(Slot.Medeleg, lo & MEDELEG_WRITABLE, 0); return;
    case CsrNum.Mideleg: h.setSlot(Slot.Mideleg, lo & MIDELEG_WRITABLE, 0); return;
    case CsrNum.Mie: h.setSlot(Slot.Mie, lo & MIE_WRITABLE, 0); return;
    case CsrNum.Mtvec: writeTvec(h, Slot.Mtvec, lo, hi); return;
    case CsrNum.Mcounteren: h.setSlot(Slot.Mcounteren, lo, 0); return;
    case CsrNum.Menvcfg: {
      const pbmte = (h.extensions & Ext.Svpbmt) !== 0 ? PBMTE_HI : 0;
      h.setSlot(Slot.Menvcfg, envcfgLow(h, Slot.Menvcfg, lo), hi & (STCE_HI | pbmte));
      h.mmu.pbmte = (hi & pbmte) !== 0;
      h.mmu.flush(); // PBMTE changes which PTEs are valid
      return;
    }
    case CsrNum.Mcountinhibit: h.setSlot(Slot.Mcountinhibit, lo & ~2, 0); return;
    case CsrNum.Mscratch: h.setSlot(Slot.Mscratch, lo, hi); return;
    case CsrNum.Mepc: h.setSlot(Slot.Mepc, lo & ~1, hi); return;
    case CsrNum.Mcause: h.setSlot(Slot.Mcause, lo, hi); return;
    case CsrNum.Mtval: h.setSlot(Slot.Mtval, lo, hi); return;
    case CsrNum.Mip: {
      let writable = MIP_SOFT_WRITABLE;
      if ((csr[Slot.Menvcfg * 2 + 1] & STCE_HI) !== 0) writable &= ~IrqBit.STIP; // Sstc drives STIP
      h.setSlot(Slot.Mip, (csr[Slot.Mip * 2] & ~writable) | (lo & writable), 0);
      clearRoutedSoftBits(h, IrqBit.SSIP & ~lo);
      return;
    }
    // The counter write takes effect after this instruction retires, which adds one.
    case CsrNum.Mcycle: h.cycleDelta = (hi * TWO32 + (lo >>> 0)) - h.instret - 1; return;
    case CsrNum.Minstret: h.instret = (hi * TWO32 + (lo >>> 0)) - 1; return;
  }
  if (n >= CsrNum.Pmpcfg0 && n <= CsrNum.Pmpcfg15) {
    h.setSlot(Slot.Pmpcfg0 + ((n - CsrNum.Pmpcfg0) >> 1), lo, hi);
  } else if (n >= CsrNum.Pmpaddr0 && n <= CsrNum.Pmpaddr63) {
    h.setSlot(Slot.Pmpaddr0 + (n - CsrNum.Pmpaddr0), lo, hi & 0x3fffff); // 54 bits
  } else if (n >= CsrNum.Tselect && n <= CsrNum.Tcontrol) {
    triggerCsrWrite(h, n, lo, hi);
  }
}

/**
 * The writable low word of menvcfg or senvcfg: FIOM, and the cache-block enables of the extensions
 * the hart has. CBIE is WARL: the reserved value 10 leaves the field as it was.
 */
function envcfgLow(h: HartState, s: Slot, lo: number): number {
  let writable = Envcfg.FIOM;
  if ((h.extensions & Ext.Zicbom) !== 0) {
    writable |= Envcfg.CBCFE;
    if ((lo & Envcfg.CBIE) >>> Envcfg.CBIE_SHIFT !== 2) writable |= Envcfg.CBIE;
  }
  if ((h.extensions & Ext.Zicboz) !== 0) writable |= Envcfg.CBZE;
  return (h.csr[s * 2] & ~writable) | (lo & writable);
}

/**
 * An SBI IPI raises SSIP in the shared pending word; when the guest clears sip.SSIP it acknowledges
 * that IPI, so the routed bit must drop too or the interrupt would fire forever.
 */
function clearRoutedSoftBits(h: HartState, bits: number): void {
  if (bits !== 0) Atomics.and(h.mem, h.ctl + Control.PendingIrq, ~bits);
}

/** mstatus.FS: 0 Off (FP instructions and CSRs are illegal), 1 Initial, 2 Clean, 3 Dirty. */

function fpCsrRead(h: HartState, n: number): boolean {
  if (h.fpState() === 0) return false;
  return value(h.fpu.readCsr(n), 0);
}

function fpCsrWrite(h: HartState, n: number, lo: number): void {
  h.fpu.writeCsr(n, lo);
  h.setFsDirty();
}

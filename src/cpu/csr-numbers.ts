/**
 * @fileoverview CSR numbers (privileged spec, CSR listing tables) and the slots where the state
 * block stores the ones that hold state. Read-only and computed CSRs (mhartid, time, ...) have no slot.
 */

import { IrqBit } from '../memory/irq-bits.ts';

export const enum CsrNum {
  Fflags = 0x001, Frm = 0x002, Fcsr = 0x003,
  Sstatus = 0x100, Sie = 0x104, Stvec = 0x105, Scounteren = 0x106, Senvcfg = 0x10a,
  Sscratch = 0x140, Sepc = 0x141, Scause = 0x142, Stval = 0x143, Sip = 0x144, Stimecmp = 0x14d,
  Satp = 0x180,
  Mstatus = 0x300, Misa = 0x301, Medeleg = 0x302, Mideleg = 0x303, Mie = 0x304, Mtvec = 0x305,
  Mcounteren = 0x306, Menvcfg = 0x30a, Mcountinhibit = 0x320,
  Mhpmevent3 = 0x323, Mhpmevent31 = 0x33f,
  Mscratch = 0x340, Mepc = 0x341, Mcause = 0x342, Mtval = 0x343, Mip = 0x344,
  Pmpcfg0 = 0x3a0, Pmpcfg15 = 0x3af, Pmpaddr0 = 0x3b0, Pmpaddr63 = 0x3ef,
  /** Sdtrig's trigger module (triggers.ts), 0x7a0..0x7a5 in this order. */
  Tselect = 0x7a0, Tdata1 = 0x7a1, Tdata2 = 0x7a2, Tdata3 = 0x7a3, Tinfo = 0x7a4, Tcontrol = 0x7a5,
  Mcycle = 0xb00, Minstret = 0xb02, Mhpmcounter3 = 0xb03, Mhpmcounter31 = 0xb1f,
  Cycle = 0xc00, Time = 0xc01, Instret = 0xc02, Hpmcounter3 = 0xc03, Hpmcounter31 = 0xc1f,
  Mvendorid = 0xf11, Marchid = 0xf12, Mimpid = 0xf13, Mhartid = 0xf14, Mconfigptr = 0xf15,
}

/** Storage slots (index into the state block's CSR area, 2 words each). */
export const enum Slot {
  Mstatus = 0, Medeleg, Mideleg, Mie, Mtvec, Mcounteren, Menvcfg, Mcountinhibit, Mscratch, Mepc,
  Mcause, Mtval, Mip, Stvec, Scounteren, Senvcfg, Sscratch, Sepc, Scause, Stval, Satp, Stimecmp,
  /** fcsr (fflags and frm), kept by the FPU (fpu.ts) and read by compiled code. */
  Fcsr,
  /** pmpcfg0, 2, ..., 14 (RV64 has only the even ones): 8 slots. */
  Pmpcfg0 = 32,
  /** pmpaddr0..63: 64 slots. */
  Pmpaddr0 = 40,
  /**
   * Sdtrig (triggers.ts): tselect, tcontrol, then tdata1 of each trigger (triggers.ts TRIGGERS = 4
   * slots), then tdata2 of each.
   */
  Tselect = 112, Tcontrol = 113, Tdata1 = 114, Tdata2 = 118,
}

/** menvcfg.STCE (bit 63, in the high word): Sstc's stimecmp is enabled. */
export const STCE_HI = 0x8000_0000 | 0;
/** menvcfg.PBMTE (bit 62, in the high word): Svpbmt's page-based memory types are enabled. */
export const PBMTE_HI = 0x4000_0000;

/**
 * The low word of menvcfg and senvcfg (privileged spec, "Machine/Supervisor Environment
 * Configuration Register"): FIOM, and the Zicbom/Zicboz enables for the less privileged modes.
 */
export const enum Envcfg {
  FIOM = 1 << 0,
  /** CBIE (2 bits): 00 CBO.INVAL is illegal, 01 it flushes, 11 it invalidates; 10 is reserved. */
  CBIE = 3 << 4,
  CBIE_SHIFT = 4,
  /** CBO.CLEAN and CBO.FLUSH are allowed. */
  CBCFE = 1 << 6,
  /** CBO.ZERO is allowed. */
  CBZE = 1 << 7,
}
/** Exceptions that may be delegated: all but ecall from M (11) and the reserved causes. */
export const MEDELEG_WRITABLE = 0xb3ff;
/** Only the supervisor interrupts (SSIP, STIP, SEIP) can be delegated to S-mode. */
export const MIDELEG_WRITABLE = IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP;

/** mstatus bit positions in the low word (all the fields this machine keeps are below bit 32). */
export const enum Mstatus {
  SIE = 1 << 1,
  MIE = 1 << 3,
  SPIE = 1 << 5,
  UBE = 1 << 6,
  MPIE = 1 << 7,
  SPP = 1 << 8,
  VS = 3 << 9,
  MPP = 3 << 11,
  MPP_SHIFT = 11,
  FS = 3 << 13,
  FS_SHIFT = 13,
  XS = 3 << 15,
  MPRV = 1 << 17,
  SUM = 1 << 18,
  MXR = 1 << 19,
  TVM = 1 << 20,
  TW = 1 << 21,
  TSR = 1 << 22,
}

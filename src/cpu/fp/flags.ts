/**
 * @fileoverview IEEE 754 exception flags (RISC-V fflags bit order), rounding modes (RISC-V rm
 * encoding) and the accumulator every FP operation ORs its flags into.
 */

/** fflags bits: NV invalid, DZ divide by zero, OF overflow, UF underflow, NX inexact. */
export const enum Flag {
  NX = 1,
  UF = 2,
  OF = 4,
  DZ = 8,
  NV = 16,
}

/** Rounding modes as the rm field and frm encode them (7 = dynamic, only in rm). */
export const enum Rm {
  RNE = 0,
  RTZ = 1,
  RDN = 2,
  RUP = 3,
  RMM = 4,
  DYN = 7,
}

/**
 * Flags raised by the operation in progress. Operations OR bits in; the FPU clears it before an
 * instruction and merges it into fflags after. One object, so every helper module shares it.
 */
export const acc = { flags: 0 };

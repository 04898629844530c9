/**
 * @fileoverview A tiny RV64 assembler for the CPU unit tests: one function per instruction, each
 * returning the 32-bit instruction word as an unsigned number, built from the base formats of the
 * unprivileged spec (R, I, S, U, J) and the SYSTEM encodings of the privileged spec. Registers are
 * plain numbers (x0..x31); CSR numbers come from the caller. No pseudo-instruction expands to more
 * than one word.
 */

const OP_IMM = 0x13, OP = 0x33, LUI = 0x37, LOAD = 0x03, STORE = 0x23, JAL = 0x6f, SYSTEM = 0x73, MISC_MEM = 0x0f;

function checkReg(r: number): number {
  if (!Number.isInteger(r) || r < 0 || r > 31) throw new RangeError(`no register x${r}`);
  return r;
}

function checkImm(imm: number, bits: number): number {
  const min = -(2 ** (bits - 1)), max = 2 ** (bits - 1) - 1;
  if (!Number.isInteger(imm) || imm < min || imm > max) throw new RangeError(`${imm} does not fit ${bits} signed bits`);
  return imm;
}

function rType(op: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): number {
  return ((f7 << 25) | (checkReg(rs2) << 20) | (checkReg(rs1) << 15) | (f3 << 12) | (checkReg(rd) << 7) | op) >>> 0;
}

function iType(op: number, f3: number, rd: number, rs1: number, imm: number): number {
  return (((checkImm(imm, 12) & 0xfff) << 20) | (checkReg(rs1) << 15) | (f3 << 12) | (checkReg(rd) << 7) | op) >>> 0;
}

function sType(op: number, f3: number, rs1: number, rs2: number, imm: number): number {
  checkImm(imm, 12);
  return ((((imm >> 5) & 0x7f) << 25) | (checkReg(rs2) << 20) | (checkReg(rs1) << 15) | (f3 << 12) |
    ((imm & 0x1f) << 7) | op) >>> 0;
}

// ---- integer ---------------------------------------------------------------------------------------

export const addi = (rd: number, rs1: number, imm: number): number => iType(OP_IMM, 0, rd, rs1, imm);
export const nop = (): number => addi(0, 0, 0);
export const slli = (rd: number, rs1: number, shamt: number): number => iType(OP_IMM, 1, rd, rs1, shamt & 63);
export const add = (rd: number, rs1: number, rs2: number): number => rType(OP, 0, 0, rd, rs1, rs2);
/** LUI: rd = imm20 << 12, sign-extended from bit 31. */
export function lui(rd: number, imm20: number): number {
  if (!Number.isInteger(imm20) || imm20 < 0 || imm20 > 0xfffff) throw new RangeError(`lui immediate ${imm20}`);
  return ((imm20 << 12) | (checkReg(rd) << 7) | LUI) >>> 0;
}

// ---- loads and stores ------------------------------------------------------------------------------

export const lb = (rd: number, rs1: number, imm: number): number => iType(LOAD, 0, rd, rs1, imm);
export const lw = (rd: number, rs1: number, imm: number): number => iType(LOAD, 2, rd, rs1, imm);
export const ld = (rd: number, rs1: number, imm: number): number => iType(LOAD, 3, rd, rs1, imm);
export const sb = (rs2: number, rs1: number, imm: number): number => sType(STORE, 0, rs1, rs2, imm);
export const sw = (rs2: number, rs1: number, imm: number): number => sType(STORE, 2, rs1, rs2, imm);
export const sd = (rs2: number, rs1: number, imm: number): number => sType(STORE, 3, rs1, rs2, imm);

/** FLD / FSD (the D extension's loads and stores; mstatus.FS must be on). */
export const fld = (rd: number, rs1: number, imm: number): number => iType(0x07, 3, rd, rs1, imm);
export const fsd = (rs2: number, rs1: number, imm: number): number => sType(0x27, 3, rs1, rs2, imm);

// ---- atomics (A) ------------------------------------------------------------------------------------

/** An A-extension instruction: funct5 (0 AMOADD, 1 AMOSWAP, 2 LR, 3 SC, ...), width f3 (2 = .W, 3 = .D), aq = rl = 0. */
export const amo = (f5: number, f3: number, rd: number, rs1: number, rs2: number): number =>
  rType(0x2f, f3, f5 << 2, rd, rs1, rs2);

// ---- compressed (C) -------------------------------------------------------------------------------

/** The compressed registers x8..x15 as the 3-bit fields rd', rs1', rs2' name them. */
function checkCReg(r: number): number {
  if (!Number.isInteger(r) || r < 8 || r > 15) throw new RangeError(`x${r} is not a compressed register (x8..x15)`);
  return r - 8;
}
/** C.LW rd', 0(rs1') and C.SD rs2', 0(rs1'): 16-bit parcels. */
export const cLw = (rd: number, rs1: number): number => (2 << 13) | (checkCReg(rs1) << 7) | (checkCReg(rd) << 2);
export const cSd = (rs2: number, rs1: number): number => (7 << 13) | (checkCReg(rs1) << 7) | (checkCReg(rs2) << 2);
/** C.NOP. */
export const cNop = (): number => 0x0001;
/** Two 16-bit parcels as one 32-bit word for BareHart.place(): `first` at the lower address. */
export const parcels = (first: number, second: number): number => ((second << 16) | first) >>> 0;

// ---- control transfer ------------------------------------------------------------------------------

/** JAL with a byte offset (even, ±1 MiB). */
export function jal(rd: number, offset: number): number {
  checkImm(offset, 21);
  if (offset % 2 !== 0) throw new RangeError(`jal offset ${offset} is odd`);
  const imm = ((offset >> 20) & 1) << 31 | ((offset >> 1) & 0x3ff) << 21 | ((offset >> 11) & 1) << 20 | ((offset >> 12) & 0xff) << 12;
  return (imm | (checkReg(rd) << 7) | JAL) >>> 0;
}
/** BNE with a byte offset (even, ±4 KiB). */
export function bne(rs1: number, rs2: number, offset: number): number {
  checkImm(offset, 13);
  if (offset % 2 !== 0) throw new RangeError(`bne offset ${offset} is odd`);
  const imm = ((offset >> 12) & 1) << 31 | ((offset >> 5) & 0x3f) << 25 | ((offset >> 1) & 0xf) << 8 | ((offset >> 11) & 1) << 7;
  return (imm | (checkReg(rs2) << 20) | (checkReg(rs1) << 15) | (1 << 12) | 0x63) >>> 0;
}
/** `j .`: a jump to itself, where a test parks the hart. */
export const jSelf = (): number => jal(0, 0);

// ---- SYSTEM ---------------------------------------------------------------------------------------

export const ecall = (): number => 0x00000073;
export const ebreak = (): number => 0x00100073;
export const sret = (): number => 0x10200073;
export const mret = (): number => 0x30200073;
export const wfi = (): number => 0x10500073;
/** SFENCE.VMA rs1, rs2 (funct7 0001001). */
export const sfenceVma = (rs1: number, rs2: number): number => rType(SYSTEM, 0, 0x09, 0, rs1, rs2);
export const fence = (): number => iType(MISC_MEM, 0, 0, 0, 0x0ff);
/** CBO.INVAL (0), CBO.CLEAN (1), CBO.FLUSH (2), CBO.ZERO (4) of the block holding x[rs1]. */
export const cbo = (op: number, rs1: number): number => iType(MISC_MEM, 2, 0, rs1, op);

function csrOp(f3: number, rd: number, csr: number, src: number): number {
  if (!Number.isInteger(csr) || csr < 0 || csr > 0xfff) throw new RangeError(`no CSR ${csr}`);
  return ((csr << 20) | (checkReg(src) << 15) | (f3 << 12) | (checkReg(rd) << 7) | SYSTEM) >>> 0;
}
export const csrrw = (rd: number, csr: number, rs1: number): number => csrOp(1, rd, csr, rs1);
export const csrrs = (rd: number, csr: number, rs1: number): number => csrOp(2, rd, csr, rs1);
export const csrrc = (rd: number, csr: number, rs1: number): number => csrOp(3, rd, csr, rs1);
/** The immediate forms take a 5-bit zero-extended uimm in the rs1 field. */
export const csrrwi = (rd: number, csr: number, uimm: number): number => csrOp(5, rd, csr, uimm);
export const csrrsi = (rd: number, csr: number, uimm: number): number => csrOp(6, rd, csr, uimm);
export const csrrci = (rd: number, csr: number, uimm: number): number => csrOp(7, rd, csr, uimm);
/** csrr rd, csr = csrrs rd, csr, x0 (reads without writing). */
export const csrr = (rd: number, csr: number): number => csrrs(rd, csr, 0);
/** csrw csr, rs1 = csrrw x0, csr, rs1. */
export const csrw = (csr: number, rs1: number): number => csrrw(0, csr, rs1);

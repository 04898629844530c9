/**
 * @fileoverview The bit-manipulation extensions in the interpreter: Zba (address generation), Zbb
 * (basic bit manipulation), Zbc (carry-less multiply), Zbs (single bits), Zbkb and Zbkx (the
 * bit-manipulation part of scalar crypto), and Zicond (conditional zero). They live in the
 * encodings that OP, OP-IMM, OP-32 and OP-IMM-32 leave free in RV64I and M, so the interpreter's
 * integer core sends whatever it does not know there to bitmanip(), which either executes it or
 * says it is illegal. Values are 64-bit registers held as two 32-bit halves, as everywhere in the
 * interpreter; compiled code has the same instructions natively (jit/translator.ts).
 *
 * The encodings and semantics are the unprivileged specification's "B" and "Zbk*" chapters.
 */

import { Ext, ZBB_OR_ZBKB } from '../memory/extensions.ts';
import { out } from './int64.ts';

/** Leaves a result in `out` (int64.ts): out[0] the low half, out[1] the high half. */
function set(lo: number, hi: number): true {
  out[0] = lo; out[1] = hi;
  return true;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x5555_5555;
  x = (x & 0x3333_3333) + ((x >>> 2) & 0x3333_3333);
  x = (x + (x >>> 4)) & 0x0f0f_0f0f;
  return Math.imul(x, 0x0101_0101) >>> 24;
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function bswap32(x: number): number {
  return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0;
}

/** Reverses the bits within each byte. */
function brev8(x: number): number {
  x = ((x >>> 1) & 0x5555_5555) | ((x & 0x5555_5555) << 1);
  x = ((x >>> 2) & 0x3333_3333) | ((x & 0x3333_3333) << 2);
  return ((x >>> 4) & 0x0f0f_0f0f) | ((x & 0x0f0f_0f0f) << 4);
}

/** 0xff in each byte that is not zero. */
function orcb(x: number): number {
  x |= (x >>> 4) & 0x0f0f_0f0f;
  x |= (x >>> 2) & 0x3333_3333;
  x |= (x >>> 1) & 0x5555_5555;
  return Math.imul(x & 0x0101_0101, 0xff);
}

/** Rotates left by s (0..63). */
function rotl(lo: number, hi: number, s: number): true {
  if (s >= 32) { const t = lo; lo = hi; hi = t; s -= 32; }
  if (s === 0) return set(lo, hi);
  return set((lo << s) | (hi >>> (32 - s)), (hi << s) | (lo >>> (32 - s)));
}

/** Shifts left by s (0..63). */
function shl(lo: number, hi: number, s: number): true {
  if (s === 0) return set(lo, hi);
  if (s >= 32) return set(0, lo << (s - 32));
  return set(lo << s, (hi << s) | (lo >>> (32 - s)));
}

/** x + (y << s), 64-bit. */
function shiftAdd(xlo: number, xhi: number, ylo: number, yhi: number, s: number): true {
  shl(ylo, yhi, s);
  const lo = (xlo + out[0]) | 0;
  return set(lo, xhi + out[1] + ((lo >>> 0) < (xlo >>> 0) ? 1 : 0));
}

/** Carry-less product of two 32-bit values: [low word, high word]. */
const clmul32Out = new Int32Array(2);
function clmul32(a: number, b: number): void {
  let lo = 0, hi = 0;
  for (let i = 0; i < 32; i++) {
    if (((b >>> i) & 1) !== 0) {
      lo ^= a << i;
      if (i !== 0) hi ^= a >>> (32 - i);
    }
  }
  clmul32Out[0] = lo; clmul32Out[1] = hi;
}

/** The 128-bit carry-less product of two 64-bit values, as four words w0 (low) .. w3. */
const clmulWords = new Int32Array(4);
function clmul64(alo: number, ahi: number, blo: number, bhi: number): void {
  const w = clmulWords;
  clmul32(alo, blo); w[0] = clmul32Out[0]; w[1] = clmul32Out[1];
  clmul32(ahi, bhi); w[2] = clmul32Out[0]; w[3] = clmul32Out[1];
  clmul32(alo, bhi); w[1] ^= clmul32Out[0]; w[2] ^= clmul32Out[1];
  clmul32(ahi, blo); w[1] ^= clmul32Out[0]; w[2] ^= clmul32Out[1];
}

/** Bits 126..63 of the 128-bit product (CLMULR): the product shifted right by 63. */
function clmulr(): true {
  const w = clmulWords;
  return set((w[1] >>> 31) | (w[2] << 1), (w[2] >>> 31) | (w[3] << 1));
}

/** XPERM8 (log 3) or XPERM4 (log 2): each element of b picks an element of a, or 0 past its end. */
function xperm(alo: number, ahi: number, blo: number, bhi: number, log: number): true {
  const bits = 1 << log, mask = (1 << bits) - 1, count = 64 >> log;
  let lo = 0, hi = 0;
  for (let i = 0; i < count; i++) {
    const at = i * bits;
    const index = ((at < 32 ? blo >>> at : bhi >>> (at - 32)) & mask);
    if (index >= count) continue;
    const from = index * bits;
    const v = (from < 32 ? alo >>> from : ahi >>> (from - 32)) & mask;
    if (at < 32) lo |= v << at; else hi |= v << (at - 32);
  }
  return set(lo, hi);
}

/** Signed (signed = true) or unsigned a < b. */
function less(alo: number, ahi: number, blo: number, bhi: number, signed: boolean): boolean {
  if (ahi !== bhi) return signed ? ahi < bhi : (ahi >>> 0) < (bhi >>> 0);
  return (alo >>> 0) < (blo >>> 0);
}

/** Every bit-manipulation and Zicond instruction, as decodeBitmanip names it. */
export const enum BitOp {
  // Zba
  AddUw, Sh1add, Sh2add, Sh3add, Sh1addUw, Sh2addUw, Sh3addUw, SlliUw,
  // Zbb (and Zbkb for the rotates, ANDN, ORN, XNOR and REV8)
  Andn, Orn, Xnor, Clz, Ctz, Cpop, Clzw, Ctzw, Cpopw, Max, Maxu, Min, Minu, SextB, SextH, ZextH,
  Rol, Ror, Rori, Rolw, Rorw, Roriw, OrcB, Rev8,
  // Zbc
  Clmul, Clmulh, Clmulr,
  // Zbs
  Bclr, Bclri, Bext, Bexti, Binv, Binvi, Bset, Bseti,
  // Zbkb, Zbkx
  Pack, Packh, Packw, Brev8, Xperm4, Xperm8,
  // Zicond
  CzeroEqz, CzeroNez,
}

/** Not a bit-manipulation instruction of an extension the hart has. */
export const NOT_BITMANIP = -1;

const has = (exts: number, ext: number): boolean => (exts & ext) !== 0;

/** OP (0x33). */
function decodeOp(exts: number, f7: number, f3: number): BitOp | -1 {
  switch (f7) {
    case 0x04:
      if (!has(exts, Ext.Zbkb)) break;
      if (f3 === 4) return BitOp.Pack;
      if (f3 === 7) return BitOp.Packh;
      break;
    case 0x05:
      if (f3 >= 4) return has(exts, Ext.Zbb) ? [BitOp.Min, BitOp.Minu, BitOp.Max, BitOp.Maxu][f3 - 4]! : NOT_BITMANIP;
      if (!has(exts, Ext.Zbc) || f3 === 0) break;
      return [BitOp.Clmul, BitOp.Clmulr, BitOp.Clmulh][f3 - 1]!;
    case 0x07:
      if (!has(exts, Ext.Zicond)) break;
      if (f3 === 5) return BitOp.CzeroEqz;
      if (f3 === 7) return BitOp.CzeroNez;
      break;
    case 0x10:
      if (!has(exts, Ext.Zba)) break;
      if (f3 === 2) return BitOp.Sh1add;
      if (f3 === 4) return BitOp.Sh2add;
      if (f3 === 6) return BitOp.Sh3add;
      break;
    case 0x14:
      if (f3 === 1) return has(exts, Ext.Zbs) ? BitOp.Bset : NOT_BITMANIP;
      if (!has(exts, Ext.Zbkx)) break;
      if (f3 === 2) return BitOp.Xperm4;
      if (f3 === 4) return BitOp.Xperm8;
      break;
    case 0x20:
      if (!has(exts, ZBB_OR_ZBKB)) break;
      if (f3 === 7) return BitOp.Andn;
      if (f3 === 6) return BitOp.Orn;
      if (f3 === 4) return BitOp.Xnor;
      break;
    case 0x24:
      if (!has(exts, Ext.Zbs)) break;
      if (f3 === 1) return BitOp.Bclr;
      if (f3 === 5) return BitOp.Bext;
      break;
    case 0x30:
      if (!has(exts, ZBB_OR_ZBKB)) break;
      if (f3 === 1) return BitOp.Rol;
      if (f3 === 5) return BitOp.Ror;
      break;
    case 0x34:
      if (has(exts, Ext.Zbs) && f3 === 1) return BitOp.Binv;
      break;
  }
  return NOT_BITMANIP;
}

/** OP-IMM (0x13), funct3 1 or 5. */
function decodeOpImm(exts: number, inst: number, f3: number): BitOp | -1 {
  const imm12 = inst >>> 20, f6 = inst >>> 26;
  if (f3 === 1) {
    switch (imm12) {
      case 0x600: return has(exts, Ext.Zbb) ? BitOp.Clz : NOT_BITMANIP;
      case 0x601: return has(exts, Ext.Zbb) ? BitOp.Ctz : NOT_BITMANIP;
      case 0x602: return has(exts, Ext.Zbb) ? BitOp.Cpop : NOT_BITMANIP;
      case 0x604: return has(exts, Ext.Zbb) ? BitOp.SextB : NOT_BITMANIP;
      case 0x605: return has(exts, Ext.Zbb) ? BitOp.SextH : NOT_BITMANIP;
    }
    if (!has(exts, Ext.Zbs)) return NOT_BITMANIP;
    if (f6 === 0x0a) return BitOp.Bseti;
    if (f6 === 0x12) return BitOp.Bclri;
    if (f6 === 0x1a) return BitOp.Binvi;
    return NOT_BITMANIP;
  }
  switch (imm12) {
    case 0x287: return has(exts, Ext.Zbb) ? BitOp.OrcB : NOT_BITMANIP;
    case 0x6b8: return has(exts, ZBB_OR_ZBKB) ? BitOp.Rev8 : NOT_BITMANIP;
    case 0x687: return has(exts, Ext.Zbkb) ? BitOp.Brev8 : NOT_BITMANIP;
  }
  if (f6 === 0x18) return has(exts, ZBB_OR_ZBKB) ? BitOp.Rori : NOT_BITMANIP;
  if (f6 === 0x12) return has(exts, Ext.Zbs) ? BitOp.Bexti : NOT_BITMANIP;
  return NOT_BITMANIP;
}

/** OP-32 (0x3b). */
function decodeOp32(exts: number, f7: number, f3: number, rs2: number): BitOp | -1 {
  switch (f7) {
    case 0x04:
      if (f3 === 0) return has(exts, Ext.Zba) ? BitOp.AddUw : NOT_BITMANIP;
      // PACKW (Zbkb); ZEXT.H is PACKW with rs2 = x0 and is Zbb's too.
      if (f3 === 4 && (has(exts, Ext.Zbkb) || (rs2 === 0 && has(exts, Ext.Zbb)))) return rs2 === 0 ? BitOp.ZextH : BitOp.Packw;
      break;
    case 0x10:
      if (!has(exts, Ext.Zba)) break;
      if (f3 === 2) return BitOp.Sh1addUw;
      if (f3 === 4) return BitOp.Sh2addUw;
      if (f3 === 6) return BitOp.Sh3addUw;
      break;
    case 0x30:
      if (!has(exts, ZBB_OR_ZBKB)) break;
      if (f3 === 1) return BitOp.Rolw;
      if (f3 === 5) return BitOp.Rorw;
      break;
  }
  return NOT_BITMANIP;
}

/** OP-IMM-32 (0x1b), funct3 1 or 5. */
function decodeOpImm32(exts: number, inst: number, f3: number): BitOp | -1 {
  const imm12 = inst >>> 20;
  if (f3 === 1) {
    if ((inst >>> 26) === 0x02) return has(exts, Ext.Zba) ? BitOp.SlliUw : NOT_BITMANIP;
    if (!has(exts, Ext.Zbb)) return NOT_BITMANIP;
    if (imm12 === 0x600) return BitOp.Clzw;
    if (imm12 === 0x601) return BitOp.Ctzw;
    if (imm12 === 0x602) return BitOp.Cpopw;
    return NOT_BITMANIP;
  }
  return (inst >>> 25) === 0x30 && has(exts, ZBB_OR_ZBKB) ? BitOp.Roriw : NOT_BITMANIP;
}

/**
 * Which bit-manipulation or Zicond instruction `inst` is (an OP, OP-IMM, OP-32 or OP-IMM-32
 * encoding that RV64IM leaves free), given the extensions in `exts`; NOT_BITMANIP when it is none
 * of them, and so illegal.
 */
export function decodeBitmanip(inst: number, exts: number): BitOp | -1 {
  const f3 = (inst >>> 12) & 7;
  switch (inst & 0x7f) {
    case 0x33: return decodeOp(exts, inst >>> 25, f3);
    case 0x13: return f3 === 1 || f3 === 5 ? decodeOpImm(exts, inst, f3) : NOT_BITMANIP;
    case 0x3b: return decodeOp32(exts, inst >>> 25, f3, (inst >>> 20) & 31);
    case 0x1b: return f3 === 1 || f3 === 5 ? decodeOpImm32(exts, inst, f3) : NOT_BITMANIP;
  }
  return NOT_BITMANIP;
}

/** Rotates a 32-bit value left by n (0..31) and sign-extends it. */
function rotlWord(a: number, n: number): true {
  const v = n === 0 ? a : (a << n) | (a >>> (32 - n));
  return set(v, v >> 31);
}

/** Computes `op` of the operands (b is rs2, or unused), leaving rd's value in `out`. */
function execute(op: BitOp, inst: number, alo: number, ahi: number, blo: number, bhi: number): void {
  const shamt = (inst >>> 20) & 63;
  switch (op) {
    case BitOp.AddUw: { const lo = (blo + alo) | 0; set(lo, bhi + ((lo >>> 0) < (blo >>> 0) ? 1 : 0)); return; }
    case BitOp.Sh1add: shiftAdd(blo, bhi, alo, ahi, 1); return;
    case BitOp.Sh2add: shiftAdd(blo, bhi, alo, ahi, 2); return;
    case BitOp.Sh3add: shiftAdd(blo, bhi, alo, ahi, 3); return;
    case BitOp.Sh1addUw: shiftAdd(blo, bhi, alo, 0, 1); return;
    case BitOp.Sh2addUw: shiftAdd(blo, bhi, alo, 0, 2); return;
    case BitOp.Sh3addUw: shiftAdd(blo, bhi, alo, 0, 3); return;
    case BitOp.SlliUw: shl(alo, 0, shamt); return;
    case BitOp.Andn: set(alo & ~blo, ahi & ~bhi); return;
    case BitOp.Orn: set(alo | ~blo, ahi | ~bhi); return;
    case BitOp.Xnor: set(~(alo ^ blo), ~(ahi ^ bhi)); return;
    case BitOp.Clz: set(ahi !== 0 ? Math.clz32(ahi) : 32 + Math.clz32(alo), 0); return;
    case BitOp.Ctz: set(alo !== 0 ? ctz32(alo) : 32 + ctz32(ahi), 0); return;
    case BitOp.Cpop: set(popcount32(alo) + popcount32(ahi), 0); return;
    case BitOp.Clzw: set(Math.clz32(alo), 0); return;
    case BitOp.Ctzw: set(ctz32(alo), 0); return;
    case BitOp.Cpopw: set(popcount32(alo), 0); return;
    case BitOp.Min: case BitOp.Minu: case BitOp.Max: case BitOp.Maxu: {
      const aLess = less(alo, ahi, blo, bhi, op === BitOp.Min || op === BitOp.Max);
      const pickA = op === BitOp.Min || op === BitOp.Minu ? aLess : !aLess;
      if (pickA) set(alo, ahi); else set(blo, bhi);
      return;
    }
    case BitOp.SextB: set((alo << 24) >> 24, (alo << 24) >> 31); return;
    case BitOp.SextH: set((alo << 16) >> 16, (alo << 16) >> 31); return;
    case BitOp.ZextH: set(alo & 0xffff, 0); return;
    case BitOp.Rol: rotl(alo, ahi, blo & 63); return;
    case BitOp.Ror: rotl(alo, ahi, (64 - (blo & 63)) & 63); return;
    case BitOp.Rori: rotl(alo, ahi, (64 - shamt) & 63); return;
    case BitOp.Rolw: rotlWord(alo, blo & 31); return;
    case BitOp.Rorw: rotlWord(alo, (32 - (blo & 31)) & 31); return;
    case BitOp.Roriw: rotlWord(alo, (32 - (shamt & 31)) & 31); return;
    case BitOp.OrcB: set(orcb(alo), orcb(ahi)); return;
    case BitOp.Rev8: set(bswap32(ahi), bswap32(alo)); return;
    case BitOp.Clmul: clmul64(alo, ahi, blo, bhi); set(clmulWords[0], clmulWords[1]); return;
    case BitOp.Clmulh: clmul64(alo, ahi, blo, bhi); set(clmulWords[2], clmulWords[3]); return;
    case BitOp.Clmulr: clmul64(alo, ahi, blo, bhi); clmulr(); return;
    case BitOp.Bclr: case BitOp.Bclri: case BitOp.Binv: case BitOp.Binvi: case BitOp.Bset: case BitOp.Bseti: {
      const index = op === BitOp.Bclr || op === BitOp.Binv || op === BitOp.Bset ? blo & 63 : shamt;
      const mlo = index < 32 ? 1 << index : 0, mhi = index >= 32 ? 1 << (index - 32) : 0;
      if (op === BitOp.Bclr || op === BitOp.Bclri) set(alo & ~mlo, ahi & ~mhi);
      else if (op === BitOp.Binv || op === BitOp.Binvi) set(alo ^ mlo, ahi ^ mhi);
      else set(alo | mlo, ahi | mhi);
      return;
    }
    case BitOp.Bext: case BitOp.Bexti: {
      const index = op === BitOp.Bext ? blo & 63 : shamt;
      set(((index >= 32 ? ahi : alo) >>> (index & 31)) & 1, 0);
      return;
    }
    case BitOp.Pack: set(alo, blo); return;
    case BitOp.Packh: set((alo & 0xff) | ((blo & 0xff) << 8), 0); return;
    case BitOp.Packw: { const v = (alo & 0xffff) | (blo << 16); set(v, v >> 31); return; }
    case BitOp.Brev8: set(brev8(alo), brev8(ahi)); return;
    case BitOp.Xperm4: xperm(alo, ahi, blo, bhi, 2); return;
    case BitOp.Xperm8: xperm(alo, ahi, blo, bhi, 3); return;
    case BitOp.CzeroEqz: if ((blo | bhi) === 0) set(0, 0); else set(alo, ahi); return;
    case BitOp.CzeroNez: if ((blo | bhi) !== 0) set(0, 0); else set(alo, ahi); return;
  }
}

/**
 * Computes `inst` (OP, OP-IMM, OP-32 or OP-IMM-32) when it is a bit-manipulation or Zicond
 * instruction of an extension in `exts`, over the registers `r` (lo/hi pairs), leaving the value
 * for rd in `out`; false when it is not one (the instruction is illegal).
 */
export function bitmanip(exts: number, r: Int32Array, inst: number): boolean {
  const op = decodeBitmanip(inst, exts);
  if (op === NOT_BITMANIP) return false;
  const rs1 = (inst >> 14) & 62, rs2 = (inst >> 19) & 62;
  execute(op, inst, r[rs1], r[rs1 + 1], r[rs2], r[rs2 + 1]);
  return true;
}

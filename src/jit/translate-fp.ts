/**
 * @fileoverview Double-precision arithmetic in compiled code, natively in wasm f64 where the result
 * and its flags can be had cheaply; everything else goes to the interpreter's FPU (fpu.ts) as before.
 *
 * wasm's f64 add, sub, mul, div and sqrt are IEEE 754 binary64 operations rounded to nearest-even,
 * RISC-V's RNE. What wasm does not give are the exception flags. The fast path takes only operands
 * whose exponents lie within ±400 (no NaN, infinity, zero or subnormal), where no result can
 * overflow or underflow and no operation is invalid or divides by zero, so the one flag left is
 * inexact (NX). It comes from an error-free transformation of the operation (Knuth's TwoSum,
 * Dekker's TwoProduct): the operation was exact exactly when the error term is zero. Any other
 * operand, a rounding mode other than RNE (static, or dynamic with frm not RNE), or mstatus.FS Off
 * takes the interpreter's FPU, which is exact in every case and raises what it must.
 *
 * The fused multiply-adds have no wasm instruction: they are built from the same exact pieces, and
 * take the FPU when those cannot prove the rounding (emitFused). FMIN/FMAX (no NaN operand), the
 * sign injections and the moves between x and f registers are exact and set no flag; they are
 * always native but for the NaN cases of FMIN/FMAX. So are FEQ/FLT/FLE.D on ordered operands. The
 * conversions between doubles and integers are native where wasm's conversion is the right one and
 * its exactness can be checked (emitToInteger, emitFromInteger).
 *
 * FLW, FLD, FSW and FSD take the same inline TLB check as integer loads and stores (emitFpMemory).
 *
 * The f registers and fcsr stay in the state block, where the interpreter's FPU keeps them.
 */

import { Mstatus, Slot } from '../cpu/csr-numbers.ts';
import { State } from '../memory/layout.ts';
import { MiscOp, Op, Type, type FunctionBody } from './wasm-writer.ts';

/** fflags' inexact bit. */
const NX = 1;
/** Dekker's splitting constant for binary64: 2^27 + 1. */
const SPLITTER = 134217729;
/**
 * Biased exponents of the fast path: 1023 - 400 .. 1023 + 399. Results then stay far from
 * overflow, and the error terms (down to 2^-904 for a product of two 2^-400s) far from the
 * subnormal range, where they would be rounded and could hide an inexact result.
 */
const FAST_EXP_LOW = 623;
const FAST_EXP_SPAN = 800;

/** f64 locals the fast paths use: the caller declares FP_LOCALS of them from `first`. */
export const FP_LOCALS = 12;

export interface FpContext {
  /** Byte offset of the hart's state block. */
  stateBase: number;
  /** Index of the first of the FP_LOCALS f64 locals. */
  first: number;
  /** Pushes x[r] (i64; 0 for x0), and pops into x[r]. */
  get(r: number): void;
  put(r: number): void;
  /** Emits the interpreter's path for the instruction: a call of its FPU, with its exits. */
  interpreted(): void;
}

const fOffset = (c: FpContext, r: number): number => c.stateBase + (State.F + 2 * r) * 4;
const mstatusOffset = (c: FpContext): number => c.stateBase + (State.CSR + 2 * Slot.Mstatus) * 4;
const fcsrOffset = (c: FpContext): number => c.stateBase + (State.CSR + 2 * Slot.Fcsr) * 4;

/** The inline TLB check of compiled code (translator.ts), for the FP loads and stores. */
export interface TlbAccess {
  /** Computes the access's address from its base register and offset, and pushes whether it hits the TLB. */
  hit(store: boolean, size: number): void;
  /** After a hit: pushes the host address of the access (an i32 byte offset in the memory). */
  host(store: boolean): void;
}

/**
 * FLW, FLD, FSW, FSD natively when the access hits the TLB and mstatus.FS is not Off: the bits move
 * between memory and the f register's slot in the state block, FLW boxing its single in a NaN (ones
 * above bit 31). A miss, a misaligned access or FS Off takes the FPU, which faults as it must.
 * Returns false for the other widths (Zfhmin's FLH and FSH), which are the FPU's alone.
 */
export function emitFpMemory(f: FunctionBody, inst: number, c: FpContext, tlb: TlbAccess): boolean {
  const f3 = (inst >>> 12) & 7;
  if (f3 !== 2 && f3 !== 3) return false;
  const store = (inst & 0x7f) === 0x27, wide = f3 === 3;
  const rd = (inst >>> 7) & 31, rs2 = (inst >>> 20) & 31;
  tlb.hit(store, wide ? 8 : 4);
  fsOn(f, c); f.op(Op.I32And);
  f.begin(Op.If);
  if (store) {
    tlb.host(true);
    f.i32(0).mem(wide ? Op.I64Load : Op.I32Load, wide ? 3 : 2, fOffset(c, rs2));
    f.mem(wide ? Op.I64Store : Op.I32Store, wide ? 3 : 2, 0);
  } else {
    f.i32(0);
    tlb.host(false);
    if (wide) f.mem(Op.I64Load, 3, 0);
    else f.mem(Op.I64Load32U, 2, 0).i64(-0x1_0000_0000n).op(Op.I64Or);
    f.mem(Op.I64Store, 3, fOffset(c, rd));
    setFsDirty(f, c);
  }
  f.op(Op.Else);
  c.interpreted();
  f.end();
  return true;
}

/** Marks mstatus.FS Dirty: an f register or fflags was written. */
function setFsDirty(f: FunctionBody, c: FpContext): void {
  f.i32(0).i32(0).mem(Op.I32Load, 2, mstatusOffset(c)).i32(Mstatus.FS).op(Op.I32Or).mem(Op.I32Store, 2, mstatusOffset(c));
}

/** Pushes 1 if mstatus.FS is not Off (FP instructions are legal), else 0. */
function fsOn(f: FunctionBody, c: FpContext): void {
  f.i32(0).mem(Op.I32Load, 2, mstatusOffset(c)).i32(Mstatus.FS).op(Op.I32And).i32(0).op(Op.I32Ne);
}

/** Pushes 1 if FP instructions are legal and round to nearest-even with rounding mode `rm` (0, or 7 with frm RNE). */
function fpOnInRne(f: FunctionBody, c: FpContext, rm: number): void {
  fsOn(f, c);
  if (rm === 7) f.i32(0).mem(Op.I32Load, 2, fcsrOffset(c)).i32(0xe0).op(Op.I32And).op(Op.I32Eqz).op(Op.I32And);
}

/**
 * Ends a fast path, on the stack whether its result (local `result`) is inexact: accrues NX if so,
 * writes f[rd], marks FS Dirty.
 */
function writeResult(f: FunctionBody, c: FpContext, result: number, rd: number): void {
  f.begin(Op.If);
  f.i32(0).i32(0).mem(Op.I32Load, 2, fcsrOffset(c)).i32(NX).op(Op.I32Or).mem(Op.I32Store, 2, fcsrOffset(c));
  f.end();
  f.i32(0).get(result).mem(Op.F64Store, 3, fOffset(c, rd));
  setFsDirty(f, c);
}

/** Pushes whether f[r]'s exponent is in the fast range; `positive` also requires the sign clear. */
function fastOperand(f: FunctionBody, c: FpContext, r: number, positive: boolean): void {
  f.i32(0).mem(Op.I64Load, 3, fOffset(c, r)).i64(52).op(Op.I64ShrU).op(Op.I32WrapI64);
  f.i32(positive ? 0xfff : 0x7ff).op(Op.I32And).i32(FAST_EXP_LOW).op(Op.I32Sub).i32(FAST_EXP_SPAN).op(Op.I32LtU);
}

/**
 * Leaves in locals hi and lo the two halves of x split for Dekker's product (x = hi + lo, each
 * with at most 26 significant bits), x being in local `x`.
 */
function split(f: FunctionBody, x: number, hi: number, lo: number): void {
  f.get(x).f64(SPLITTER).op(Op.F64Mul).tee(hi); // c = x * splitter
  f.get(hi).get(x).op(Op.F64Sub).op(Op.F64Sub).set(hi); // hi = c - (c - x)
  f.get(x).get(hi).op(Op.F64Sub).set(lo); // lo = x - hi
}

/**
 * Pushes the exact error of the product RN(a * b) = p, that is a * b - p (Dekker's TwoProduct),
 * with a, b, p in locals. Uses the four locals from `t`.
 */
function productError(f: FunctionBody, a: number, b: number, p: number, t: number): void {
  const ah = t, al = t + 1, bh = t + 2, bl = t + 3;
  split(f, a, ah, al);
  split(f, b, bh, bl);
  f.get(ah).get(bh).op(Op.F64Mul).get(p).op(Op.F64Sub); // ah*bh - p
  f.get(ah).get(bl).op(Op.F64Mul).op(Op.F64Add);
  f.get(al).get(bh).op(Op.F64Mul).op(Op.F64Add);
  f.get(al).get(bl).op(Op.F64Mul).op(Op.F64Add);
}

/**
 * Pushes the exact error of the sum RN(x + y) = s (Knuth's TwoSum): (x - (s - bb)) + (y - bb) with
 * bb = s - x, x, y, s in locals; `bb` is a scratch local.
 */
function sumError(f: FunctionBody, x: number, y: number, s: number, bb: number): void {
  f.get(s).get(x).op(Op.F64Sub).set(bb);
  f.get(x).get(s).get(bb).op(Op.F64Sub).op(Op.F64Sub);
  f.get(y).get(bb).op(Op.F64Sub).op(Op.F64Add);
}

/**
 * The fused multiply-adds, FMADD/FMSUB/FNMSUB/FNMADD.D: RN(±a * b ± c) from exact pieces. With
 * a * b = p + e (TwoProduct) and p + c = s + t (TwoSum), the exact result is s + t + e; t + e = u + v
 * and s + u = r + w (TwoSum again) make it r + w + v, and r is its correct rounding when v is zero
 * (then r = RN(s + u) of the exact value) or when |w| + |v| is below half the gap between r and its
 * nearer neighbour: half an ulp, a quarter when r is a power of two (the gap below it is half the
 * one above). Anything nearer a rounding boundary, or a result that is not a comfortably normal
 * number, goes to the FPU.
 */
function emitFused(f: FunctionBody, inst: number, c: FpContext): void {
  const op = inst & 0x7f, rm = (inst >>> 12) & 7;
  const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31, rs2 = (inst >>> 20) & 31, rs3 = inst >>> 27;
  const [a, b, cc, p, e, sum, u, v, w, h] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => c.first + i);
  const t = c.first + 10; // two scratch locals, t and t + 1
  fpOnInRne(f, c, rm);
  fastOperand(f, c, rs1, false); f.op(Op.I32And);
  fastOperand(f, c, rs2, false); f.op(Op.I32And);
  fastOperand(f, c, rs3, false); f.op(Op.I32And);
  f.begin(Op.If);
  f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs1)).set(a);
  if (op === 0x4b || op === 0x4f) f.get(a).op(Op.F64Neg).set(a); // FNMSUB, FNMADD: -(a * b)
  f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs2)).set(b);
  f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs3)).set(cc);
  if (op === 0x47 || op === 0x4f) f.get(cc).op(Op.F64Neg).set(cc); // FMSUB, FNMADD: - c
  f.get(a).get(b).op(Op.F64Mul).set(p);
  productError(f, a, b, p, u); f.set(e); // u, v, w, h are free until later: productError's scratch
  f.get(p).get(cc).op(Op.F64Add).set(sum);
  sumError(f, p, cc, sum, t); f.set(t + 1); // t + 1 = the sum's error
  f.get(t + 1).get(e).op(Op.F64Add).set(u);
  sumError(f, t + 1, e, u, t); f.set(v);
  f.get(sum).get(u).op(Op.F64Add).set(p); // p is now r
  sumError(f, sum, u, p, t); f.set(w);
  // The result's biased exponent must lie in 60..2040: a normal number whose quarter ulp, 2^(E - 1077), is normal too.
  // Half the smaller gap next to r: 2^(E - 1076), or 2^(E - 1077) when r's significand is 1 (r a power of two).
  f.get(p).op(Op.I64ReinterpretF64).i64(52).op(Op.I64ShrU).op(Op.I32WrapI64).i32(0x7ff).op(Op.I32And);
  f.i32(60).op(Op.I32Sub).i32(2040 - 60 + 1).op(Op.I32LtU);
  f.begin(Op.If, Type.I32);
  f.get(p).op(Op.I64ReinterpretF64).i64(52).op(Op.I64ShrU).i64(53).op(Op.I64Sub);
  f.get(p).op(Op.I64ReinterpretF64).i64(0xf_ffff_ffff_ffffn).op(Op.I64And).op(Op.I64Eqz).op(Op.I64ExtendI32U).op(Op.I64Sub);
  f.i64(0x7ff).op(Op.I64And).i64(52).op(Op.I64Shl);
  f.op(Op.F64ReinterpretI64).set(h);
  f.get(v).f64(0).op(Op.F64Eq);
  f.get(w).op(Op.F64Abs).get(v).op(Op.F64Abs).op(Op.F64Add).get(h).op(Op.F64Lt);
  f.op(Op.I32Or);
  f.op(Op.Else).i32(0);
  f.end();
  f.begin(Op.If);
  f.get(w).f64(0).op(Op.F64Ne).get(v).f64(0).op(Op.F64Ne).op(Op.I32Or); // inexact
  writeResult(f, c, p, rd);
  f.op(Op.Else);
  c.interpreted();
  f.end();
  f.op(Op.Else);
  c.interpreted();
  f.end();
}

/**
 * Emits OP-FP double-precision `inst` natively where it can (returns true), with the interpreter's
 * path for the cases the fast path does not take; false when it has no native form at all.
 */
export function emitFpNative(f: FunctionBody, inst: number, c: FpContext): boolean {
  const opcode = inst & 0x7f;
  if (opcode === 0x43 || opcode === 0x47 || opcode === 0x4b || opcode === 0x4f) {
    const rm = (inst >>> 12) & 7;
    if (((inst >>> 25) & 3) !== 1 || (rm !== 0 && rm !== 7)) return false; // double precision, RNE
    emitFused(f, inst, c);
    return true;
  }
  if (opcode !== 0x53) return false;
  const f7 = inst >>> 25, rm = (inst >>> 12) & 7;
  const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31, rs2 = (inst >>> 20) & 31;
  const a = c.first, b = c.first + 1, r = c.first + 2, t = c.first + 3;
  switch (f7) {
    case 0x01: case 0x05: case 0x09: case 0x0d: case 0x2d: { // FADD.D, FSUB.D, FMUL.D, FDIV.D, FSQRT.D
      const sqrt = f7 === 0x2d;
      if (sqrt && rs2 !== 0) return false;
      if (rm !== 0 && rm !== 7) return false; // a static mode other than RNE: the FPU
      // The fast path's condition.
      fpOnInRne(f, c, rm);
      fastOperand(f, c, rs1, sqrt); f.op(Op.I32And);
      if (!sqrt) { fastOperand(f, c, rs2, false); f.op(Op.I32And); }
      f.begin(Op.If);
      f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs1)).set(a);
      if (!sqrt) f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs2)).set(b);
      // r, and the error term (zero exactly when r is exact) on the stack.
      switch (f7) {
        case 0x01: case 0x05: { // TwoSum on a and ±b: s = a + b, bb = s - a, err = (a - (s - bb)) + (b - bb)
          if (f7 === 0x05) f.get(b).op(Op.F64Neg).set(b);
          f.get(a).get(b).op(Op.F64Add).set(r);
          f.get(r).get(a).op(Op.F64Sub).set(t); // bb
          f.get(a).get(r).get(t).op(Op.F64Sub).op(Op.F64Sub);
          f.get(b).get(t).op(Op.F64Sub).op(Op.F64Add);
          break;
        }
        case 0x09:
          f.get(a).get(b).op(Op.F64Mul).set(r);
          productError(f, a, b, r, t);
          break;
        case 0x0d: // the remainder a - r * b, exact, is zero exactly when the quotient r is
          f.get(a).get(b).op(Op.F64Div).set(r);
          f.get(r).get(b).op(Op.F64Mul).set(t + 4); // p = RN(r * b)
          f.get(a).get(t + 4).op(Op.F64Sub); // a - p, exact (Sterbenz)
          productError(f, r, b, t + 4, t);
          f.op(Op.F64Sub);
          break;
        default: { // sqrt: exact exactly when r * r == a, that is p == a and no product error
          f.get(a).op(Op.F64Sqrt).set(r);
          f.get(r).get(r).op(Op.F64Mul).set(t + 4);
          productError(f, r, r, t + 4, t);
          f.f64(0).op(Op.F64Ne);
          f.get(t + 4).get(a).op(Op.F64Ne).op(Op.I32Or);
          f.begin(Op.If, Type.F64); f.f64(1); f.op(Op.Else); f.f64(0); f.end();
        }
      }
      f.f64(0).op(Op.F64Ne); // inexact
      writeResult(f, c, r, rd);
      f.op(Op.Else);
      c.interpreted();
      f.end();
      return true;
    }
    case 0x15: { // FMIN.D (rm 0), FMAX.D (rm 1): native unless an operand is a NaN
      if (rm > 1) return false;
      fsOn(f, c);
      f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs1)).tee(a).get(a).op(Op.F64Eq).op(Op.I32And);
      f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs2)).tee(b).get(b).op(Op.F64Eq).op(Op.I32And);
      f.begin(Op.If);
      // wasm's min and max order -0 below +0, as RISC-V does.
      f.i32(0).get(a).get(b).op(rm === 0 ? Op.F64Min : Op.F64Max).mem(Op.F64Store, 3, fOffset(c, rd));
      setFsDirty(f, c);
      f.op(Op.Else);
      c.interpreted();
      f.end();
      return true;
    }
    case 0x11: { // FSGNJ.D, FSGNJN.D, FSGNJX.D: bits only
      if (rm > 2) return false;
      fsOn(f, c);
      f.begin(Op.If);
      const sign = 0x8000_0000_0000_0000n;
      f.i32(0);
      f.i32(0).mem(Op.I64Load, 3, fOffset(c, rs1)).i64(~sign).op(Op.I64And);
      f.i32(0).mem(Op.I64Load, 3, fOffset(c, rs2));
      if (rm === 1) f.i64(-1).op(Op.I64Xor);
      f.i64(sign).op(Op.I64And);
      if (rm === 2) f.i32(0).mem(Op.I64Load, 3, fOffset(c, rs1)).i64(sign).op(Op.I64And).op(Op.I64Xor);
      f.op(Op.I64Or).mem(Op.I64Store, 3, fOffset(c, rd));
      setFsDirty(f, c);
      f.op(Op.Else);
      c.interpreted();
      f.end();
      return true;
    }
    case 0x51: { // FEQ.D (rm 2), FLT.D (rm 1), FLE.D (rm 0): native unless an operand is a NaN
      if (rm > 2) return false;
      fsOn(f, c);
      f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs1)).tee(a).get(a).op(Op.F64Eq).op(Op.I32And);
      f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs2)).tee(b).get(b).op(Op.F64Eq).op(Op.I32And);
      f.begin(Op.If);
      // Ordered operands: the comparison sets no flag (a NaN may set NV, which the FPU decides).
      f.get(a).get(b).op(rm === 2 ? Op.F64Eq : rm === 1 ? Op.F64Lt : Op.F64Le).op(Op.I64ExtendI32U);
      c.put(rd);
      f.op(Op.Else);
      c.interpreted();
      f.end();
      return true;
    }
    case 0x61: return emitToInteger(f, inst, c);
    case 0x69: return emitFromInteger(f, inst, c);
    case 0x71: case 0x79: { // FMV.X.D, FMV.D.X
      if (rm !== 0 || rs2 !== 0) return false;
      fsOn(f, c);
      f.begin(Op.If);
      if (f7 === 0x71) {
        f.i32(0).mem(Op.I64Load, 3, fOffset(c, rs1));
        c.put(rd);
      } else {
        f.i32(0); c.get(rs1); f.mem(Op.I64Store, 3, fOffset(c, rd));
        setFsDirty(f, c);
      }
      f.op(Op.Else);
      c.interpreted();
      f.end();
      return true;
    }
  }
  return false;
}

/** wasm's rounding of an f64 to an integral f64 for RISC-V's static modes RNE, RTZ, RDN and RUP (RMM has none). */
const ROUND_TO_INTEGRAL = [Op.F64Nearest, Op.F64Trunc, Op.F64Floor, Op.F64Ceil];

/**
 * FCVT.W.D, FCVT.WU.D, FCVT.L.D, FCVT.LU.D with a static rounding mode other than RMM, natively
 * when the rounded value fits the integer type (no NaN, no overflow: no NV). Rounding to an
 * integral value is exact in f64, so the conversion is inexact (NX) exactly when rounding changed
 * the value; fflags changes (and FS becomes Dirty) only when NX was not already set, as in the FPU.
 * Out-of-range values, NaNs and the dynamic mode take the FPU.
 */
function emitToInteger(f: FunctionBody, inst: number, c: FpContext): boolean {
  const rm = (inst >>> 12) & 7, kind = (inst >>> 20) & 31;
  const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31;
  if (rm > 3 || kind > 3) return false;
  const x = c.first, r = c.first + 1;
  // The rounded value's range: above `low` and below `high` (exclusive), as f64s.
  const [low, high] = [[-2147483649, 2147483648], [-1, 4294967296], [-9223372036854777856, 9223372036854775808], [-1, 18446744073709551616]][kind];
  fsOn(f, c);
  f.i32(0).mem(Op.F64Load, 3, fOffset(c, rs1)).tee(x).op(ROUND_TO_INTEGRAL[rm]).tee(r).f64(low).op(Op.F64Gt).op(Op.I32And);
  f.get(r).f64(high).op(Op.F64Lt).op(Op.I32And);
  f.begin(Op.If);
  f.get(r).get(x).op(Op.F64Ne);
  f.begin(Op.If);
  inexact(f, c);
  f.end();
  // The 32-bit results are sign-extended from bit 31, FCVT.WU.D's too.
  if (kind === 0) f.get(r).op(Op.I32TruncF64S).op(Op.I64ExtendI32S);
  else if (kind === 1) f.get(r).op(Op.I32TruncF64U).op(Op.I64ExtendI32S);
  else f.get(r).op(kind === 2 ? Op.I64TruncF64S : Op.I64TruncF64U);
  c.put(rd);
  f.op(Op.Else);
  c.interpreted();
  f.end();
  return true;
}

/**
 * FCVT.D.W, FCVT.D.WU (always exact), FCVT.D.L, FCVT.D.LU (exact below 2^53 in magnitude; wasm
 * rounds to nearest-even, so these are native only under RNE, static or dynamic). The rounding
 * mode must be valid even where it does not matter: an invalid one takes the FPU, which refuses the
 * instruction.
 */
function emitFromInteger(f: FunctionBody, inst: number, c: FpContext): boolean {
  const rm = (inst >>> 12) & 7, kind = (inst >>> 20) & 31;
  const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31;
  const wide = kind >= 2;
  if (kind > 3 || rm === 5 || rm === 6 || (wide && rm !== 0 && rm !== 7)) return false;
  const r = c.first;
  if (wide) fpOnInRne(f, c, rm);
  else {
    fsOn(f, c);
    if (rm === 7) f.i32(0).mem(Op.I32Load, 2, fcsrOffset(c)).i32(5).op(Op.I32ShrU).i32(7).op(Op.I32And).i32(5).op(Op.I32LtU).op(Op.I32And);
  }
  f.begin(Op.If);
  c.get(rs1);
  if (wide) {
    // Exact exactly when the double converts back to the same integer. Rounding may reach 2^63
    // (2^64 unsigned), which no integer of the type equals but where trunc_sat saturates to the
    // largest one: that result is inexact whatever the saturated value says.
    f.op(kind === 2 ? Op.F64ConvertI64S : Op.F64ConvertI64U).tee(r);
    f.misc(kind === 2 ? MiscOp.I64TruncSatF64S : MiscOp.I64TruncSatF64U);
    c.get(rs1);
    f.op(Op.I64Ne);
    f.get(r).f64(kind === 2 ? 2 ** 63 : 2 ** 64).op(Op.F64Ge).op(Op.I32Or);
  } else {
    f.op(Op.I32WrapI64).op(kind === 0 ? Op.F64ConvertI32S : Op.F64ConvertI32U).set(r);
    f.i32(0);
  }
  writeResult(f, c, r, rd);
  f.op(Op.Else);
  c.interpreted();
  f.end();
  return true;
}

/** Accrues NX in fflags, marking FS Dirty when that changes fflags (as the FPU's finish does). */
function inexact(f: FunctionBody, c: FpContext): void {
  f.i32(0).mem(Op.I32Load, 2, fcsrOffset(c)).i32(NX).op(Op.I32And).op(Op.I32Eqz);
  f.begin(Op.If);
  f.i32(0).i32(0).mem(Op.I32Load, 2, fcsrOffset(c)).i32(NX).op(Op.I32Or).mem(Op.I32Store, 2, fcsrOffset(c));
  setFsDirty(f, c);
  f.end();
}

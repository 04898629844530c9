/**
 * @fileoverview The bit-manipulation and Zicond instructions in compiled code (the interpreter's are
 * in cpu/bitmanip.ts, whose decoder both tiers share). Most map onto one or two wasm instructions:
 * wasm has count-leading/trailing-zeros, population count, rotates and sign extension from 8 and 16
 * bits. The byte-wise ones (REV8, BREV8, ORC.B) are short mask-and-shift sequences inline; the
 * carry-less multiplies and the crossbar permutations loop, so they are helpers in the runtime
 * module (runtime.ts), called like the M extension's.
 */

import { BitOp } from '../cpu/bitmanip.ts';
import { Op, type FunctionBody } from './wasm-writer.ts';
import { Fn } from './helper-table.ts';

/** What emitBitmanip needs of the block it is in. */
export interface BitmanipContext {
  /** Pushes x[r] (0 for x0). */
  get(r: number): void;
  /** Calls a helper of the runtime's table on the two i64 arguments on the stack. */
  callHelper(fn: Fn): void;
  /** An i64 scratch local. */
  tmp: number;
}

const WORD = 0xffff_ffffn;

/** Replaces tmp by ((tmp >> shift) & mask) | ((tmp & mask) << shift): swaps neighbouring fields. */
function swapFields(f: FunctionBody, tmp: number, shift: number, mask: bigint): void {
  f.get(tmp).i64(shift).op(Op.I64ShrU).i64(mask).op(Op.I64And);
  f.get(tmp).i64(mask).op(Op.I64And).i64(shift).op(Op.I64Shl);
  f.op(Op.I64Or).set(tmp);
}

/** Replaces tmp by tmp | ((tmp >> shift) & mask). */
function foldFields(f: FunctionBody, tmp: number, shift: number, mask: bigint): void {
  f.get(tmp).get(tmp).i64(shift).op(Op.I64ShrU).i64(mask).op(Op.I64And).op(Op.I64Or).set(tmp);
}

/** Pushes the one-bit mask of Zbs's index: rs2's low 6 bits, or the immediate shift amount. */
function bitMask(f: FunctionBody, c: BitmanipContext, fromRegister: boolean, rs2: number, shamt: number): void {
  if (fromRegister) { f.i64(1); c.get(rs2); f.op(Op.I64Shl); } // wasm shifts by the count mod 64
  else f.i64(1n << BigInt(shamt));
}

/** Pushes the value `op` (decoded from `inst`) writes to rd. */
export function emitBitmanip(f: FunctionBody, op: BitOp, inst: number, c: BitmanipContext): void {
  const rs1 = (inst >>> 15) & 31, rs2 = (inst >>> 20) & 31, shamt = (inst >>> 20) & 63;
  const a = (): void => c.get(rs1);
  const b = (): void => c.get(rs2);
  const aWord = (): void => { a(); f.op(Op.I32WrapI64); };
  switch (op) {
    case BitOp.AddUw: a(); f.i64(WORD).op(Op.I64And); b(); f.op(Op.I64Add); return;
    case BitOp.Sh1add: case BitOp.Sh2add: case BitOp.Sh3add:
      a(); f.i64(op - BitOp.Sh1add + 1).op(Op.I64Shl); b(); f.op(Op.I64Add); return;
    case BitOp.Sh1addUw: case BitOp.Sh2addUw: case BitOp.Sh3addUw:
      a(); f.i64(WORD).op(Op.I64And).i64(op - BitOp.Sh1addUw + 1).op(Op.I64Shl); b(); f.op(Op.I64Add); return;
    case BitOp.SlliUw: a(); f.i64(WORD).op(Op.I64And).i64(shamt).op(Op.I64Shl); return;
    case BitOp.Andn: a(); b(); f.i64(-1).op(Op.I64Xor).op(Op.I64And); return;
    case BitOp.Orn: a(); b(); f.i64(-1).op(Op.I64Xor).op(Op.I64Or); return;
    case BitOp.Xnor: a(); b(); f.op(Op.I64Xor).i64(-1).op(Op.I64Xor); return;
    case BitOp.Clz: a(); f.op(Op.I64Clz); return;
    case BitOp.Ctz: a(); f.op(Op.I64Ctz); return;
    case BitOp.Cpop: a(); f.op(Op.I64Popcnt); return;
    case BitOp.Clzw: aWord(); f.op(Op.I32Clz).op(Op.I64ExtendI32U); return;
    case BitOp.Ctzw: aWord(); f.op(Op.I32Ctz).op(Op.I64ExtendI32U); return;
    case BitOp.Cpopw: aWord(); f.op(Op.I32Popcnt).op(Op.I64ExtendI32U); return;
    case BitOp.Min: a(); b(); a(); b(); f.op(Op.I64LtS).op(Op.Select); return;
    case BitOp.Minu: a(); b(); a(); b(); f.op(Op.I64LtU).op(Op.Select); return;
    case BitOp.Max: a(); b(); a(); b(); f.op(Op.I64GtS).op(Op.Select); return;
    case BitOp.Maxu: a(); b(); a(); b(); f.op(Op.I64GtU).op(Op.Select); return;
    case BitOp.SextB: a(); f.op(Op.I64Extend8S); return;
    case BitOp.SextH: a(); f.op(Op.I64Extend16S); return;
    case BitOp.ZextH: a(); f.i64(0xffff).op(Op.I64And); return;
    case BitOp.Rol: a(); b(); f.op(Op.I64Rotl); return;
    case BitOp.Ror: a(); b(); f.op(Op.I64Rotr); return;
    case BitOp.Rori: a(); f.i64(shamt).op(Op.I64Rotr); return;
    case BitOp.Rolw: aWord(); b(); f.op(Op.I32WrapI64).op(Op.I32Rotl).op(Op.I64ExtendI32S); return;
    case BitOp.Rorw: aWord(); b(); f.op(Op.I32WrapI64).op(Op.I32Rotr).op(Op.I64ExtendI32S); return;
    case BitOp.Roriw: aWord(); f.i32(shamt & 31).op(Op.I32Rotr).op(Op.I64ExtendI32S); return;
    case BitOp.Rev8:
      a(); f.set(c.tmp);
      swapFields(f, c.tmp, 8, 0x00ff_00ff_00ff_00ffn);
      swapFields(f, c.tmp, 16, 0x0000_ffff_0000_ffffn);
      f.get(c.tmp).i64(32).op(Op.I64Rotl);
      return;
    case BitOp.Brev8:
      a(); f.set(c.tmp);
      swapFields(f, c.tmp, 1, 0x5555_5555_5555_5555n);
      swapFields(f, c.tmp, 2, 0x3333_3333_3333_3333n);
      swapFields(f, c.tmp, 4, 0x0f0f_0f0f_0f0f_0f0fn);
      f.get(c.tmp);
      return;
    case BitOp.OrcB: // OR each byte's bits into its bit 0, then spread that bit over the byte
      a(); f.set(c.tmp);
      foldFields(f, c.tmp, 4, 0x0f0f_0f0f_0f0f_0f0fn);
      foldFields(f, c.tmp, 2, 0x3333_3333_3333_3333n);
      foldFields(f, c.tmp, 1, 0x5555_5555_5555_5555n);
      f.get(c.tmp).i64(0x0101_0101_0101_0101n).op(Op.I64And).i64(0xff).op(Op.I64Mul);
      return;
    case BitOp.Clmul: a(); b(); c.callHelper(Fn.Clmul); return;
    case BitOp.Clmulh: a(); b(); c.callHelper(Fn.Clmulh); return;
    case BitOp.Clmulr: a(); b(); c.callHelper(Fn.Clmulr); return;
    case BitOp.Xperm4: a(); b(); c.callHelper(Fn.Xperm4); return;
    case BitOp.Xperm8: a(); b(); c.callHelper(Fn.Xperm8); return;
    case BitOp.Bclr: case BitOp.Bclri:
      a(); bitMask(f, c, op === BitOp.Bclr, rs2, shamt); f.i64(-1).op(Op.I64Xor).op(Op.I64And); return;
    case BitOp.Binv: case BitOp.Binvi:
      a(); bitMask(f, c, op === BitOp.Binv, rs2, shamt); f.op(Op.I64Xor); return;
    case BitOp.Bset: case BitOp.Bseti:
      a(); bitMask(f, c, op === BitOp.Bset, rs2, shamt); f.op(Op.I64Or); return;
    case BitOp.Bext: a(); b(); f.op(Op.I64ShrU).i64(1).op(Op.I64And); return;
    case BitOp.Bexti: a(); f.i64(shamt).op(Op.I64ShrU).i64(1).op(Op.I64And); return;
    case BitOp.Pack: a(); f.i64(WORD).op(Op.I64And); b(); f.i64(32).op(Op.I64Shl).op(Op.I64Or); return;
    case BitOp.Packh:
      a(); f.i64(0xff).op(Op.I64And); b(); f.i64(0xff).op(Op.I64And).i64(8).op(Op.I64Shl).op(Op.I64Or); return;
    case BitOp.Packw:
      a(); f.i64(0xffff).op(Op.I64And); b(); f.i64(16).op(Op.I64Shl).op(Op.I64Or);
      f.op(Op.I32WrapI64).op(Op.I64ExtendI32S);
      return;
    case BitOp.CzeroEqz: f.i64(0); a(); b(); f.op(Op.I64Eqz).op(Op.Select); return; // rs2 == 0 ? 0 : rs1
    case BitOp.CzeroNez: a(); f.i64(0); b(); f.op(Op.I64Eqz).op(Op.Select); return; // rs2 == 0 ? rs1 : 0
  }
}

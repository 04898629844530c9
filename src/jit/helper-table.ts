/**
 * @fileoverview The helper table of compiled code: the functions a block calls (the interpreter's
 * slow paths and the runtime module's wasm helpers, runtime.ts), by slot, with their signatures.
 * Blocks reach them with call_indirect through table 0 of their module (see runtime.ts for why
 * they import no function).
 */

import { Type, type FuncType, type FunctionBody } from './wasm-writer.ts';

/** Slots of the hart's helper table: the functions compiled code calls (runtime.ts puts them there). */
export const enum Fn {
  LoadSlow = 0,
  StoreSlow = 1,
  MulHU = 2,
  MulH = 3,
  MulHSU = 4,
  Div64S = 5,
  Div64U = 6,
  Rem64S = 7,
  Rem64U = 8,
  Div32S = 9,
  Div32U = 10,
  Rem32S = 11,
  Rem32U = 12,
  /** LR/SC/AMO slow path: the interpreter's atomic(inst), on registers in the state block. */
  AtomicSlow = 13,
  /** An F/D instruction on the interpreter's FPU: 1 done, 0 trapped, 2 leave it to the interpreter. */
  Fp = 14,
  /** Zbc and Zbkx: carry-less multiplies and crossbar permutations, (i64, i64) -> i64 like the M helpers. */
  Clmul = 15,
  Clmulh = 16,
  Clmulr = 17,
  Xperm4 = 18,
  Xperm8 = 19,
  /**
   * A Zicsr instruction, on the interpreter's CSR file, with its pc in the state block: (inst,
   * retired in this block before it) -> 1 done, 2 done but the block must end (what it changed
   * needs the run loop); 0 it raised an exception and 4 it unmasked an interrupt, taken in both
   * cases, with the handler's pc in the state block.
   */
  Csr = 20,
  /**
   * ECALL, EBREAK, SRET, MRET, WFI, SFENCE.VMA, with the instruction's pc in the state block:
   * (inst, retired in this block before it) -> 0 leave it to the interpreter (not executed), 1 a
   * trap was entered, 2 done, 3 done but the run loop must look first; after 1..3 the next pc is in
   * the state block.
   */
  System = 21,
  /** mtime, the value of the `time` CSR: () -> ticks as an f64 (exact: below 2^53). */
  Mtime = 22,
  /** How many there are. */
  Count = 23,
}

/** The function types of a block module: a block, then the signatures of the Fn helpers. */
export const BLOCK_MODULE_TYPES: FuncType[] = [
  { params: [Type.I32], results: [Type.I32] }, // a block: (budget) -> retired
  { params: [Type.I32, Type.I32, Type.I32], results: [Type.I32] }, // loadSlow
  { params: [Type.I32, Type.I32, Type.I32, Type.I32, Type.I32], results: [Type.I32] }, // storeSlow
  { params: [Type.I64, Type.I64], results: [Type.I64] }, // 64-bit M helpers, Zbc's and Zbkx's
  { params: [Type.I32, Type.I32], results: [Type.I32] }, // 32-bit M helpers, csr, system
  { params: [Type.I32], results: [Type.I32] }, // atomicSlow, fp
  { params: [], results: [Type.F64] }, // mtime
];

/** The type (index in BLOCK_MODULE_TYPES) of the function in table slot `fn`. */
export function helperType(fn: Fn): number {
  if (fn === Fn.LoadSlow) return 1;
  if (fn === Fn.StoreSlow) return 2;
  if (fn <= Fn.Rem64U || (fn >= Fn.Clmul && fn <= Fn.Xperm8)) return 3;
  if (fn <= Fn.Rem32U || fn === Fn.Csr || fn === Fn.System) return 4;
  if (fn === Fn.Mtime) return 6;
  return 5;
}

/** Calls the helper in slot `fn` of the helper table (table 0 of a block module) with the arguments on the stack. */
export function callHelper(f: FunctionBody, fn: Fn): FunctionBody {
  return f.i32(fn).callIndirect(helperType(fn));
}


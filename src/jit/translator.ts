/**
 * @fileoverview RV64 to WebAssembly for one block: the body of one wasm function.
 *
 * The function's signature is (budget: i32) -> i32: it returns how many guest instructions it
 * retired, having stored the next pc and every guest register it wrote to the hart's state block.
 * Guest registers live in wasm locals (native i64) within the block. A block whose last instruction
 * branches back to its own start loops inside the function, so a hot loop never leaves wasm until
 * `budget` instructions have retired.
 *
 * Loads and stores check the hart's software TLB inline (the same TLB the interpreter fills, in the
 * shared memory) and call the interpreter's slow paths on a miss. An exit other than the normal one
 * sets the `exit` global to an Exit (cpu/exit.ts): a trap (the slow path recorded it; pc is the faulting
 * instruction and nothing after it retired), a store that asks for the block to end, or a pause-loop
 * exit.
 */

import { AtomicOp, MiscOp, Op, Type, type FunctionBody } from './wasm-writer.ts';
import { Fn, callHelper } from './helper-table.ts';
import { decodeBitmanip, NOT_BITMANIP } from '../cpu/bitmanip.ts';
import { ALL_EXTENSIONS } from '../memory/extensions.ts';
import { emitBitmanip } from './translate-bitmanip.ts';
import { FP_LOCALS, emitFpMemory, emitFpNative, type TlbAccess } from './translate-fp.ts';
import { type BlockCode, type GuestInstruction, branchOffset, jalOffset } from './block.ts';
import { JitArea, State, TLB_MASK } from '../memory/layout.ts';
import { Exit } from '../cpu/exit.ts';
import { CsrNum, Mstatus, Slot } from '../cpu/csr-numbers.ts';
import { MSTATUS_XL_HI, SSTATUS_MASK, SSTATUS_WRITABLE } from '../cpu/csrs.ts';
import { PAUSE } from '../cpu/pause.ts';

/** Global indexes every block module imports. */
export const enum Glob {
  Exit = 0,
  /** The data TLB context tag shifted into the high word (an i64), set before code runs. */
  DataTag = 1,
}

// Locals: parameter 0 is the budget; x1..x31 are locals 1..31.
const L_BUDGET = 0;
const L_ADDR = 32; // i64
const L_TMP = 33; // i64
const L_IDX = 34; // i32
const L_COUNT = 35; // i32: instructions retired by earlier trips round a self-loop
const L_SPINS = 36; // i32
const L_SPIN_A = 37; // i64
const L_SPIN_B = 38; // i64
const L_NEXT_PC = 39; // i64: the pc to leave with
const L_RETIRED = 40; // i32: instructions of this trip that retired
const L_KIND = 41; // i32: the Exit to leave with
const L_SKIP = 42; // i32: instructions of this trip that internal forward branches jumped over
const L_ENTRY = 43; // i32: the unit's block to go to at the dispatch loop
const L_FP = 44; // FP_LOCALS f64 locals for translate-fp.ts
/** Nesting of the function's outer block (the shared exit path) and of a unit's dispatch loop inside it. */
const EXIT_LEVEL = 0;
const DISPATCH_LEVEL = 1;

export interface TranslateContext {
  /** Byte offset of the hart's state block and JIT area in the memory. */
  stateBase: number;
  jitArea: number;
  /** Byte offset of the hart's wake word: a loop goes round only while it equals State.WakeSeen. */
  wakeAddress: number;
  /** Pause-loop exiting: iterations of a store-free spin loop before a Yield exit; 0 = off. */
  pleSpins: number;
}

interface RegUse { read: Set<number>; written: Set<number> }

/** OP-IMM, OP, OP-IMM-32, OP-32: where the bit-manipulation extensions live. */
function isIntegerOpcode(inst: number): boolean {
  const op = inst & 0x7f;
  return op === 0x13 || op === 0x33 || op === 0x1b || op === 0x3b;
}

/** SFENCE.VMA or SINVAL.VMA: a system instruction whose rs1 and rs2 are registers (address and ASID). */
function isAddressFence(inst: number): boolean {
  const f7 = inst >>> 25;
  return (inst & 0x707f) === 0x73 && (f7 === 0x09 || f7 === 0x0b);
}

function regUse(insts: GuestInstruction[]): RegUse {
  const read = new Set<number>(), written = new Set<number>();
  for (const { inst } of insts) {
    const op = inst & 0x7f;
    const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31, rs2 = (inst >>> 20) & 31;
    const readsRs1 = op !== 0x37 && op !== 0x17 && op !== 0x6f && op !== 0x0f;
    const readsRs2 = op === 0x33 || op === 0x3b || op === 0x23 || op === 0x63 || (op === 0x2f && (inst >>> 27) !== 0x02) ||
      isAddressFence(inst);
    const writesRd = op !== 0x23 && op !== 0x63 && op !== 0x0f;
    if (readsRs1 && rs1 !== 0) read.add(rs1);
    if (readsRs2 && rs2 !== 0) read.add(rs2);
    if (writesRd && rd !== 0) written.add(rd);
  }
  return { read, written };
}

/** A block and its forward jumps inside itself: what its body needs to know. */
interface BlockPlan {
  block: BlockCode;
  /** Branches and jumps (by index) to an instruction further on in the block, and that index. */
  internal: Map<number, number>;
}

function planBlock(block: BlockCode): BlockPlan {
  const insts = block.insts;
  const internal = new Map<number, number>();
  const indexOf = new Map(insts.map((i, k) => [i.pc, k]));
  insts.forEach(({ pc, inst }, k) => {
    const op = inst & 0x7f;
    const target = op === 0x63 ? pc + branchOffset(inst) : op === 0x6f ? pc + jalOffset(inst) : NaN;
    const t = indexOf.get(target);
    if (t !== undefined && t > k) internal.set(k, t);
  });
  return { block, internal };
}

/**
 * Emits one wasm function for a translation unit: one block, or several blocks that compiled code
 * may go between without leaving the function (jit.ts groups them: same fetch context, same guest
 * page, read from the same physical page at the same code generation, so that one lookup at entry
 * vouches for them all). The function starts at the block State.JitEntry names; a jump or branch
 * to a pc where another block of the unit starts goes there directly (a `br_table` on the block's
 * index), with the guest registers still in locals, until the budget is spent.
 */
export function translateUnit(blocks: BlockCode[], ctx: TranslateContext, f: FunctionBody, priv: number): void {
  const plans = blocks.map(planBlock);
  const multi = blocks.length > 1;
  /** Where each block of the unit starts, by pc. */
  const entryOf = new Map<number, number>();
  blocks.forEach((b, i) => { if (!entryOf.has(b.start)) entryOf.set(b.start, i); });
  const loaded = new Set<number>(), writtenSet = new Set<number>();
  for (const b of blocks) {
    const use = regUse(b.insts);
    // A written register is stored at every exit, so it must start right.
    for (const r of [...use.read, ...use.written]) loaded.add(r);
    for (const r of use.written) writtenSet.add(r);
  }
  const written = [...writtenSet].sort((a, b) => a - b);
  f.locals(31, Type.I64); // x1..x31
  f.locals(2, Type.I64); // addr, tmp
  f.locals(3, Type.I32); // idx, count, spins
  f.locals(3, Type.I64); // spinA, spinB, next pc
  f.locals(4, Type.I32); // retired, kind, skip, entry
  f.locals(FP_LOCALS, Type.F64);
  const pcOffset = ctx.stateBase + State.PcLo * 4;

  for (const r of [...loaded].sort((a, b) => a - b)) f.i32(0).mem(Op.I64Load, 3, regOffset(ctx, r)).set(r);

  f.begin(Op.Block); // the shared exit path follows its end
  if (multi) {
    // Block i's body follows the end of the i-th innermost of these wasm blocks, so that the
    // br_table's target i is it.
    f.i32(0).mem(Op.I32Load, 2, ctx.stateBase + State.JitEntry * 4).set(L_ENTRY);
    f.begin(Op.Loop); // DISPATCH_LEVEL: a `br` to it goes to the block in L_ENTRY
    for (let i = 0; i < blocks.length; i++) f.begin(Op.Block);
    f.get(L_ENTRY);
    f.brTable(blocks.map((_, i) => i), blocks.length - 1);
  }
  for (const plan of plans) {
    if (multi) f.end(); // the next block's body starts here
    translateBody(plan, { ctx, f, entryOf, multi, priv });
  }
  if (multi) {
    f.end(); // the dispatch loop: every path through it has branched out
    f.op(Op.Unreachable);
  }
  f.end(); // block: the shared exit path
  for (const r of written) f.i32(0).get(r).mem(Op.I64Store, 3, regOffset(ctx, r));
  f.i32(0).get(L_NEXT_PC).mem(Op.I64Store, 3, pcOffset);
  f.get(L_KIND).globalSet(Glob.Exit);
  f.get(L_COUNT).get(L_RETIRED).op(Op.I32Add);
}

const regOffset = (ctx: TranslateContext, r: number): number => ctx.stateBase + (State.X + 2 * r) * 4;

/**
 * Stores x[r]'s local to the state block, where a helper reads it: a register the function wrote is
 * not there until the exit path stores it. x0 has no local and is never written.
 */
function storeReg(f: FunctionBody, ctx: TranslateContext, r: number): void {
  if (r !== 0) f.i32(0).get(r).mem(Op.I64Store, 3, regOffset(ctx, r));
}

/**
 * At a back-edge (a loop round a block, a jump to another block of the unit): pushes 1 if compiled
 * code may go on, that is budget is left and nothing was asked of the hart since it last looked
 * (its wake word still equals State.WakeSeen), else 0 and it leaves for the dispatcher, which takes
 * an interrupt or a remote fence there. The wake word is read with an atomic load, which the engine
 * may not hoist out of a loop that stores nothing.
 */
function emitGoOn(f: FunctionBody, ctx: TranslateContext): void {
  f.get(L_COUNT).get(L_BUDGET).op(Op.I32LtS);
  f.i32(0).atomic(AtomicOp.I32Load, 2, ctx.wakeAddress);
  f.i32(0).mem(Op.I32Load, 2, ctx.stateBase + State.WakeSeen * 4).op(Op.I32Eq);
  f.op(Op.I32And);
}

interface UnitContext {
  ctx: TranslateContext;
  f: FunctionBody;
  /** Block starts of the unit, by pc, and their index. */
  entryOf: Map<number, number>;
  multi: boolean;
  /**
   * The privilege the unit runs at: its blocks were read in one fetch context, which the dispatcher's
   * lookup matches, and only a trap or an xRET (which leave the function) changes it.
   */
  priv: number;
}

/**
 * The scratch, epc, cause and tval CSRs of S- and M-mode are plain storage (epc's bit 0 reads 0),
 * legal at the unit's privilege or above: compiled code reads and writes their slots in the state
 * block itself, where every other CSR goes through the interpreter's CSR file (Fn.Csr). Skipping
 * the helper only moves where a pending interrupt is noticed, to the next exit. Returns the slot,
 * or -1.
 */
function inlineCsrSlot(csr: number, priv: number): number {
  const inline = INLINE_CSRS.get(csr);
  return inline === undefined || priv < inline.priv ? -1 : inline.slot;
}

/** The CSRs inlineCsrSlot knows: their slot and the least privilege that may access them. */
const INLINE_CSRS = new Map<number, { slot: Slot; priv: number }>([
  [CsrNum.Sscratch, { slot: Slot.Sscratch, priv: 1 }], [CsrNum.Sepc, { slot: Slot.Sepc, priv: 1 }],
  [CsrNum.Scause, { slot: Slot.Scause, priv: 1 }], [CsrNum.Stval, { slot: Slot.Stval, priv: 1 }],
  [CsrNum.Mscratch, { slot: Slot.Mscratch, priv: 3 }], [CsrNum.Mepc, { slot: Slot.Mepc, priv: 3 }],
  [CsrNum.Mcause, { slot: Slot.Mcause, priv: 3 }], [CsrNum.Mtval, { slot: Slot.Mtval, priv: 3 }],
]);

/** Emits block `self` of a unit; every path through it leaves the function or goes to another block. */
function translateBody(plan: BlockPlan, unit: UnitContext): void {
  const { ctx, f, entryOf, multi, priv } = unit;
  const { block, internal } = plan;
  const insts = block.insts;
  const n = insts.length;
  const pcOffset = ctx.stateBase + State.PcLo * 4;

  const get = (r: number): void => { if (r === 0) f.i64(0); else f.get(r); };
  const put = (r: number): void => { if (r === 0) f.op(Op.Drop); else f.set(r); };
  /**
   * Leaves the function through the shared exit path at its end, with the next pc (a constant, or
   * what `pc` pushes), the exit kind, and `retired` instructions of this trip round the block.
   */
  const exit = (kind: Exit, pc: number | (() => void), retired: number): void => {
    if (typeof pc === 'number') f.i64(pc); else pc();
    f.set(L_NEXT_PC);
    f.i32(retired);
    if (internal.size > 0) f.get(L_SKIP).op(Op.I32Sub); // the instructions jumped over did not retire
    f.set(L_RETIRED);
    if (kind !== Exit.None) f.i32(kind).set(L_KIND);
    f.br(f.depth - 1 - EXIT_LEVEL);
  };
  /**
   * Goes on at `pc` after `retired` instructions of this trip: inside the unit when a block of it
   * starts there and budget is left, else out through the exit path.
   */
  const goTo = (pc: number, retired: number): void => {
    const target = multi ? entryOf.get(pc) : undefined;
    if (target === undefined) { exit(Exit.None, pc, retired); return; }
    f.get(L_COUNT).i32(retired).op(Op.I32Add);
    if (internal.size > 0) f.get(L_SKIP).op(Op.I32Sub).i32(0).set(L_SKIP); // counted: the next block starts at 0
    f.set(L_COUNT);
    emitGoOn(f, ctx);
    f.op(Op.I32Eqz);
    f.begin(Op.If);
    exit(Exit.None, pc, 0);
    f.end();
    f.i32(target).set(L_ENTRY);
    f.br(f.depth - 1 - DISPATCH_LEVEL);
  };

  // A self-loop that loads and never stores may be a spin-wait: count its unchanged trips for PLE.
  const last = insts[n - 1];
  const selfLoop = (last.inst & 0x7f) === 0x63 && last.pc + branchOffset(last.inst) === block.start;
  // (An AMO counts as a load here, as in the interpreter: a lock's amoswap that keeps failing spins.)
  const spinCandidate = selfLoop && ctx.pleSpins > 0 &&
    insts.some((i) => (i.inst & 0x7f) === 0x03 || (i.inst & 0x7f) === 0x2f) && !insts.some((i) => (i.inst & 0x7f) === 0x23);

  const bitmanipContext = { get, callHelper: (fn: Fn): void => { callHelper(f, fn); }, tmp: L_TMP };
  /** The TLB check for the FP load or store `inst` (I- or S-type offset). */
  const tlbAccess = (inst: number): TlbAccess => ({
    hit: (store, size) => {
      const offset = store ? ((inst >> 25) << 5) | ((inst >>> 7) & 31) : inst >> 20;
      get((inst >>> 15) & 31); f.i64(offset).op(Op.I64Add).set(L_ADDR);
      emitTlbHit(f, ctx.jitArea + (store ? JitArea.StoreTags : JitArea.LoadTags), size);
    },
    host: (store) => emitHostAddress(f, ctx.jitArea + (store ? JitArea.StoreHost : JitArea.LoadHost)),
  });

  if (multi && spinCandidate) f.i32(0).set(L_SPINS); // entered from another block: no spin counted yet
  const loopLevel = f.depth;
  f.begin(Op.Loop); // a `br` to it restarts the block
  const loopBack = (): number => f.depth - 1 - loopLevel;
  // Forward branches and jumps to instructions of this block stay inside it: each target closes a
  // wasm block opened here (the farthest outermost), which a branch to it leaves with `br`.
  const targetLevel = new Map<number, number>();
  for (const t of [...new Set(internal.values())].sort((a, b) => b - a)) {
    targetLevel.set(t, f.depth);
    f.begin(Op.Block);
  }
  if (internal.size > 0) f.i32(0).set(L_SKIP);
  /** Jumps from instruction k to instruction t of the block, counting the ones it skips. */
  const jumpInside = (k: number, t: number): void => {
    if (t > k + 1) f.get(L_SKIP).i32(t - k - 1).op(Op.I32Add).set(L_SKIP);
    f.br(f.depth - 1 - targetLevel.get(t)!);
  };
  for (let k = 0; k < n; k++) {
    if (targetLevel.has(k)) f.end(); // instruction k: the target of forward branches inside the block
    const { pc, inst, len } = insts[k];
    const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31, rs2 = (inst >>> 20) & 31;
    const f3 = (inst >>> 12) & 7, f7 = inst >>> 25;
    const imm = inst >> 20;
    const next = pc + len;
    // The block reader let in only the bit-manipulation instructions of extensions the hart has.
    const bitOp = isIntegerOpcode(inst) ? decodeBitmanip(inst, ALL_EXTENSIONS) : NOT_BITMANIP;
    if (bitOp !== NOT_BITMANIP) {
      emitBitmanip(f, bitOp, inst, bitmanipContext);
      put(rd);
      continue;
    }
    switch (inst & 0x7f) {
      case 0x37: f.i64(inst & -4096); put(rd); break; // LUI
      case 0x17: f.i64(pc + (inst & -4096)); put(rd); break; // AUIPC
      case 0x13: { // OP-IMM
        get(rs1);
        switch (f3) {
          case 0: f.i64(imm).op(Op.I64Add); break;
          case 1: f.i64(imm & 63).op(Op.I64Shl); break;
          case 2: f.i64(imm).op(Op.I64LtS).op(Op.I64ExtendI32U); break;
          case 3: f.i64(imm).op(Op.I64LtU).op(Op.I64ExtendI32U); break;
          case 4: f.i64(imm).op(Op.I64Xor); break;
          case 5: f.i64(imm & 63).op((inst >>> 26) === 0 ? Op.I64ShrU : Op.I64ShrS); break;
          case 6: f.i64(imm).op(Op.I64Or); break;
          default: f.i64(imm).op(Op.I64And); break;
        }
        put(rd);
        break;
      }
      case 0x1b: { // OP-IMM-32
        get(rs1); f.op(Op.I32WrapI64);
        if (f3 === 0) f.i32(imm).op(Op.I32Add);
        else if (f3 === 1) f.i32(rs2).op(Op.I32Shl);
        else f.i32(rs2).op(f7 === 0 ? Op.I32ShrU : Op.I32ShrS);
        f.op(Op.I64ExtendI32S);
        put(rd);
        break;
      }
      case 0x33: { // OP
        get(rs1); get(rs2);
        if (f7 === 0) {
          f.op([Op.I64Add, Op.I64Shl, Op.I64LtS, Op.I64LtU, Op.I64Xor, Op.I64ShrU, Op.I64Or, Op.I64And][f3]);
          if (f3 === 2 || f3 === 3) f.op(Op.I64ExtendI32U);
        } else if (f7 === 0x20) {
          f.op(f3 === 0 ? Op.I64Sub : Op.I64ShrS);
        } else if (f3 === 0) {
          f.op(Op.I64Mul);
        } else {
          callHelper(f, [0, Fn.MulH, Fn.MulHSU, Fn.MulHU, Fn.Div64S, Fn.Div64U, Fn.Rem64S, Fn.Rem64U][f3]);
        }
        put(rd);
        break;
      }
      case 0x3b: { // OP-32
        get(rs1); f.op(Op.I32WrapI64); get(rs2); f.op(Op.I32WrapI64);
        if (f7 === 0) f.op(f3 === 0 ? Op.I32Add : f3 === 1 ? Op.I32Shl : Op.I32ShrU);
        else if (f7 === 0x20) f.op(f3 === 0 ? Op.I32Sub : Op.I32ShrS);
        else if (f3 === 0) f.op(Op.I32Mul);
        else callHelper(f, [Fn.Div32S, Fn.Div32U, Fn.Rem32S, Fn.Rem32U][f3 - 4]);
        f.op(Op.I64ExtendI32S);
        put(rd);
        break;
      }
      case 0x03: { // LOAD
        const size = 1 << (f3 & 3);
        get(rs1); f.i64(imm).op(Op.I64Add).set(L_ADDR);
        emitTlbHit(f, ctx.jitArea + JitArea.LoadTags, size);
        f.begin(Op.If, Type.I64);
        emitHostAddress(f, ctx.jitArea + JitArea.LoadHost);
        f.mem([Op.I64Load8S, Op.I64Load16S, Op.I64Load32S, Op.I64Load, Op.I64Load8U, Op.I64Load16U, Op.I64Load32U][f3], f3 & 3, 0);
        f.op(Op.Else);
        f.get(L_ADDR).op(Op.I32WrapI64).get(L_ADDR).i64(32).op(Op.I64ShrU).op(Op.I32WrapI64).i32(f3);
        callHelper(f, Fn.LoadSlow);
        f.op(Op.I32Eqz);
        f.begin(Op.If);
        exit(Exit.Trap, pc, k);
        f.end();
        f.i32(0).mem(Op.I64Load, 3, ctx.jitArea + JitArea.SlowValue);
        f.end();
        put(rd);
        break;
      }
      case 0x23: { // STORE
        const size = 1 << f3;
        const sImm = ((inst >> 25) << 5) | ((inst >>> 7) & 31);
        get(rs1); f.i64(sImm).op(Op.I64Add).set(L_ADDR);
        emitTlbHit(f, ctx.jitArea + JitArea.StoreTags, size);
        f.begin(Op.If);
        emitHostAddress(f, ctx.jitArea + JitArea.StoreHost);
        get(rs2);
        f.mem([Op.I64Store8, Op.I64Store16, Op.I64Store32, Op.I64Store][f3], f3, 0);
        f.op(Op.Else);
        f.get(L_ADDR).op(Op.I32WrapI64).get(L_ADDR).i64(32).op(Op.I64ShrU).op(Op.I32WrapI64).i32(f3);
        get(rs2); f.op(Op.I32WrapI64); get(rs2); f.i64(32).op(Op.I64ShrU).op(Op.I32WrapI64);
        callHelper(f, Fn.StoreSlow).tee(L_IDX);
        f.op(Op.I32Eqz);
        f.begin(Op.If);
        exit(Exit.Trap, pc, k);
        f.end();
        f.get(L_IDX).i32(2).op(Op.I32Eq);
        f.begin(Op.If);
        exit(Exit.EndBlock, next, k + 1);
        f.end();
        f.end();
        break;
      }
      case 0x0f: // FENCE, FENCE.TSO, PAUSE: a full barrier on the host
        f.fence();
        if (inst === PAUSE && ctx.pleSpins > 0) emitPauseCount(f, ctx.stateBase, () => exit(Exit.Yield, next, k + 1));
        break;
      case 0x2f: emitAtomic(f, inst, k, pc, ctx, get, put, exit); break;
      case 0x07: case 0x27: case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: {
        // The FPU works on the state block: x[rs1] (an FP load or store's base, or an FCVT/FMV
        // source) goes there first, and an x destination (compares, FCVT to integer, FMV.X, FCLASS)
        // comes back.
        const interpreted = (): void => {
          storeReg(f, ctx, rs1);
          f.i32(inst);
          callHelper(f, Fn.Fp).tee(L_IDX).op(Op.I32Eqz);
          f.begin(Op.If);
          exit(Exit.Trap, pc, k);
          f.end();
          f.get(L_IDX).i32(2).op(Op.I32Eq);
          f.begin(Op.If);
          exit(Exit.Interpret, pc, k); // the interpreter raises what it must
          f.end();
          const f5 = inst >>> 27;
          if ((inst & 0x7f) === 0x53 && (f5 === 0x18 || f5 === 0x1c || f5 === 0x14) && rd !== 0) {
            f.i32(0).mem(Op.I64Load, 3, regOffset(ctx, rd)).set(rd);
          }
        };
        const fpContext = { stateBase: ctx.stateBase, first: L_FP, get, put, interpreted };
        const op = inst & 0x7f;
        const native = op === 0x07 || op === 0x27 ? emitFpMemory(f, inst, fpContext, tlbAccess(inst)) : emitFpNative(f, inst, fpContext);
        if (!native) interpreted();
        break;
      }
      case 0x73: { // Zicsr: the interpreter's CSR file works on the state block, like the FPU
        if (f3 === 0) { // ECALL, EBREAK, SRET, MRET: the hart takes the trap or returns, and the dispatcher goes on
          // SFENCE.VMA reads its address and ASID from the state block, where a register this
          // function wrote is not yet (the exit path stores them): its two sources go there first
          // (regUse counts both as read, so their locals hold them). In the other encodings these
          // fields are constants, not registers.
          if (isAddressFence(inst)) {
            storeReg(f, ctx, rs1);
            storeReg(f, ctx, rs2);
          }
          f.i32(0).i64(pc).mem(Op.I64Store, 3, pcOffset);
          f.i32(inst);
          f.get(L_COUNT).i32(k).op(Op.I32Add);
          if (internal.size > 0) f.get(L_SKIP).op(Op.I32Sub);
          callHelper(f, Fn.System).tee(L_IDX).op(Op.I32Eqz);
          f.begin(Op.If);
          exit(Exit.Interpret, pc, k);
          f.end();
          const newPc = (): void => { f.i32(0).mem(Op.I64Load, 3, pcOffset); };
          f.get(L_IDX).i32(1).op(Op.I32Eq);
          f.begin(Op.If);
          exit(Exit.None, newPc, k); // a trap: the instruction did not retire
          f.end();
          f.get(L_IDX).i32(3).op(Op.I32Eq);
          f.begin(Op.If);
          exit(Exit.EndBlock, newPc, k + 1);
          f.end();
          exit(Exit.None, newPc, k + 1);
          break;
        }
        const slot = inlineCsrSlot(inst >>> 20, priv);
        if (slot >= 0) {
          // CSRRW/S/C and their immediate forms: the old value, then the write (S and C with a zero
          // source do not write), then rd, as rs1 may be rd.
          const slotOffset = ctx.stateBase + (State.CSR + 2 * slot) * 4;
          const op = f3 & 3;
          f.i32(0).mem(Op.I64Load, 3, slotOffset).set(L_TMP);
          if (op === 1 || rs1 !== 0) {
            f.i32(0);
            const source = (): void => { if (f3 >= 4) f.i64(rs1); else get(rs1); };
            if (op === 1) source();
            else if (op === 2) { f.get(L_TMP); source(); f.op(Op.I64Or); }
            else { f.get(L_TMP); source(); f.i64(-1).op(Op.I64Xor).op(Op.I64And); }
            if (slot === Slot.Sepc || slot === Slot.Mepc) f.i64(-2).op(Op.I64And);
            f.mem(Op.I64Store, 3, slotOffset);
          }
          if (rd !== 0) { f.get(L_TMP); put(rd); }
          break;
        }
        /** The access through the interpreter's CSR file (Fn.Csr), with its exits. */
        const throughCsrFile = (): void => {
          if (f3 < 4) storeReg(f, ctx, rs1);
          f.i32(0).i64(pc).mem(Op.I64Store, 3, pcOffset);
          f.i32(inst);
          f.get(L_COUNT).i32(k).op(Op.I32Add); // retired in this block before it
          if (internal.size > 0) f.get(L_SKIP).op(Op.I32Sub);
          callHelper(f, Fn.Csr).tee(L_IDX).op(Op.I32Eqz);
          const handlerPc = (): void => { f.i32(0).mem(Op.I64Load, 3, pcOffset); };
          f.begin(Op.If);
          exit(Exit.None, handlerPc, k); // the exception was taken: go on at its handler
          f.end();
          if (rd !== 0) f.i32(0).mem(Op.I64Load, 3, regOffset(ctx, rd)).set(rd);
          f.get(L_IDX).i32(2).op(Op.I32Eq);
          f.begin(Op.If);
          exit(Exit.EndBlock, next, k + 1);
          f.end();
          f.get(L_IDX).i32(4).op(Op.I32Eq);
          f.begin(Op.If);
          exit(Exit.None, handlerPc, k + 1); // an interrupt the write unmasked was taken: its handler
          f.end();
        };
        if ((inst >>> 20) === CsrNum.Sstatus && priv >= 1) {
          emitSstatus(f, inst, ctx.stateBase, { get, put, throughCsrFile });
          break;
        }
        if ((inst >>> 20) === CsrNum.Time && rs1 === 0 && (f3 & 3) >= 2) {
          emitTimeRead(f, priv, ctx.stateBase, rd, put, throughCsrFile);
          break;
        }
        throughCsrFile();
        break;
      }
      case 0x6f: { // JAL
        const target = pc + jalOffset(inst);
        if (rd !== 0) { f.i64(next); put(rd); }
        if (internal.has(k)) {
          jumpInside(k, internal.get(k)!);
        } else if (target === block.start) {
          // An unconditional self-loop: go round while the budget lasts.
          f.get(L_COUNT).i32(n).op(Op.I32Add).set(L_COUNT);
          emitGoOn(f, ctx);
          f.brIf(loopBack());
          exit(Exit.None, target, 0);
        } else {
          goTo(target, k + 1);
        }
        break;
      }
      case 0x67: { // JALR: the target first, since rd may be rs1
        get(rs1); f.i64(imm).op(Op.I64Add).i64(-2).op(Op.I64And).set(L_ADDR);
        if (rd !== 0) { f.i64(next); put(rd); }
        exit(Exit.None, () => { f.get(L_ADDR); }, n);
        break;
      }
      case 0x63: { // BRANCH
        const target = pc + branchOffset(inst);
        get(rs1); get(rs2);
        f.op([Op.I64Eq, Op.I64Ne, 0, 0, Op.I64LtS, Op.I64GeS, Op.I64LtU, Op.I64GeU][f3] as Op);
        f.begin(Op.If);
        if (internal.has(k)) { // to an instruction further on in the block
          jumpInside(k, internal.get(k)!);
          f.end();
          break;
        }
        if (k < n - 1) {
          // A side exit: the block goes on along the fall-through path (block.ts readBlock).
          goTo(target, k + 1);
          f.end();
          break;
        }
        if (target === block.start) {
          f.get(L_COUNT).i32(n).op(Op.I32Add);
          if (internal.size > 0) f.get(L_SKIP).op(Op.I32Sub).i32(0).set(L_SKIP); // this trip's count; the next starts at 0
          f.set(L_COUNT);
          if (spinCandidate) emitSpinCheck(f, rs1, rs2, ctx.stateBase + State.PleWindow * 4, () => exit(Exit.Yield, target, 0), get);
          emitGoOn(f, ctx);
          f.brIf(loopBack());
          exit(Exit.None, target, 0);
        } else {
          goTo(target, n);
        }
        f.end();
        goTo(next, n);
        break;
      }
      default:
        throw new Error(`translateUnit: untranslatable instruction 0x${(inst >>> 0).toString(16)} at 0x${pc.toString(16)}`);
    }
  }
  const tail = insts[n - 1].inst & 0x7f;
  const transfers = tail === 0x63 || tail === 0x6f || tail === 0x67 || (tail === 0x73 && (insts[n - 1].inst & 0x7000) === 0);
  if (!transfers) goTo(insts[n - 1].pc + insts[n - 1].len, n);
  f.end(); // loop: every path through it has branched out
  f.op(Op.Unreachable);
}

/**
 * An access to sstatus at S-mode or above: reads inline (mstatus under the sstatus mask, UXL and SD
 * in the high word, as csrs.ts reads it), and so do writes that leave SUM and MXR alone and set no
 * SIE that was clear (saving and masking interrupts, restoring them masked). A write that changes
 * the data context or may unmask an interrupt goes through the CSR file, which updates the one and
 * takes the other.
 */
/**
 * A read of `time` (CSRRS or CSRRC from x0, or their immediate forms with 0): mtime from the clock
 * helper (Fn.Mtime), without the CSR file, where the counter enables allow it. Below M-mode that is
 * mcounteren.TM, and scounteren.TM too in U-mode, read when the code runs; where they refuse, the
 * access goes through the CSR file, which raises the illegal-instruction exception or serves it
 * anyway as the builtin SBI firmware does (csrs.ts counterAllowed).
 */
function emitTimeRead(f: FunctionBody, priv: number, stateBase: number, rd: number, put: (r: number) => void, throughCsrFile: () => void): void {
  const TM = 1 << 1;
  const enable = (slot: Slot): void => { f.i32(0).mem(Op.I32Load, 2, stateBase + (State.CSR + 2 * slot) * 4).i32(TM).op(Op.I32And); };
  if (priv < 3) {
    enable(Slot.Mcounteren);
    if (priv === 0) { enable(Slot.Scounteren); f.op(Op.I32And); }
    f.begin(Op.If);
  }
  callHelper(f, Fn.Mtime).misc(MiscOp.I64TruncSatF64U);
  put(rd);
  if (priv < 3) {
    f.op(Op.Else);
    throughCsrFile();
    f.end();
  }
}

function emitSstatus(
  f: FunctionBody, inst: number, stateBase: number,
  c: { get: (r: number) => void; put: (r: number) => void; throughCsrFile: () => void },
): void {
  const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31, f3 = (inst >>> 12) & 7;
  const op = f3 & 3;
  const writes = op === 1 || rs1 !== 0;
  const status = stateBase + (State.CSR + 2 * Slot.Mstatus) * 4;
  const OLD = L_IDX, NEW = L_RETIRED; // i32 scratch (L_RETIRED is set again at any exit)
  f.i32(0).mem(Op.I32Load, 2, status).set(OLD);
  if (writes) {
    const source = (): void => { if (f3 >= 4) f.i32(rs1); else { c.get(rs1); f.op(Op.I32WrapI64); } };
    f.get(OLD).i32(~SSTATUS_WRITABLE).op(Op.I32And);
    if (op === 1) source();
    else if (op === 2) { f.get(OLD); source(); f.op(Op.I32Or); }
    else { f.get(OLD); source(); f.i32(-1).op(Op.I32Xor).op(Op.I32And); }
    f.i32(SSTATUS_WRITABLE).op(Op.I32And).op(Op.I32Or).set(NEW);
    f.get(NEW).get(OLD).op(Op.I32Xor).i32(Mstatus.SUM | Mstatus.MXR).op(Op.I32And);
    f.get(NEW).get(OLD).i32(-1).op(Op.I32Xor).op(Op.I32And).i32(Mstatus.SIE).op(Op.I32And);
    f.op(Op.I32Or);
    f.begin(Op.If);
    c.throughCsrFile();
    f.op(Op.Else);
  }
  if (writes) f.i32(0).get(NEW).op(Op.I64ExtendI32U).mem(Op.I64Store, 3, status); // the high word is 0 after a write, as csrs.ts has it
  if (rd !== 0) {
    // The old value as sstatus reads: SD (bit 63) when FS or XS is Dirty.
    f.get(OLD).i32(Mstatus.FS).op(Op.I32And).i32(Mstatus.FS).op(Op.I32Eq);
    f.get(OLD).i32(Mstatus.XS).op(Op.I32And).i32(Mstatus.XS).op(Op.I32Eq).op(Op.I32Or);
    f.i32(31).op(Op.I32Shl).i32(MSTATUS_XL_HI & 3).op(Op.I32Or).op(Op.I64ExtendI32U).i64(32).op(Op.I64Shl);
    f.get(OLD).i32(SSTATUS_MASK).op(Op.I32And).op(Op.I64ExtendI32U).op(Op.I64Or);
    c.put(rd);
  }
  if (writes) f.end();
}

/**
 * LR, SC and the AMOs as wasm atomics, on the shared memory, so they are atomic against every other
 * hart's thread as the interpreter's Atomics are (cpu/atomics.ts atomic() has the same semantics,
 * including SC's compare-exchange against the value LR loaded). An AMO or SC needs a store TLB hit
 * (write permission) and LR a load TLB hit, both naturally aligned; anything else goes to the
 * interpreter's atomic() with rs1 and rs2 written back first and rd reloaded after.
 */
function emitAtomic(
  f: FunctionBody, inst: number, k: number, pc: number, ctx: TranslateContext,
  get: (r: number) => void, put: (r: number) => void,
  exit: (kind: Exit, pc: number, retired: number) => void,
): void {
  const rd = (inst >>> 7) & 31, rs1 = (inst >>> 15) & 31, rs2 = (inst >>> 20) & 31;
  const wide = ((inst >>> 12) & 7) === 3;
  const size = wide ? 8 : 4;
  const f5 = inst >>> 27;
  const isLr = f5 === 0x02, isSc = f5 === 0x03;
  const res = (word: number): number => ctx.stateBase + word * 4;
  get(rs1); f.set(L_ADDR);
  emitTlbHit(f, ctx.jitArea + (isLr ? JitArea.LoadTags : JitArea.StoreTags), size);
  f.begin(Op.If, Type.I64);
  emitHostAddress(f, ctx.jitArea + (isLr ? JitArea.LoadHost : JitArea.StoreHost));
  f.set(L_IDX); // from here on L_IDX is the host address
  if (isLr) {
    f.get(L_IDX).atomic(wide ? AtomicOp.I64Load : AtomicOp.I32Load, wide ? 3 : 2, 0);
    if (!wide) f.op(Op.I64ExtendI32S);
    f.set(L_TMP);
    f.i32(0).i32(size).mem(Op.I32Store, 2, res(State.ResValid));
    f.i32(0).get(L_IDX).mem(Op.I32Store, 2, res(State.ResAddr));
    f.i32(0).get(L_TMP).mem(Op.I64Store, 2, res(State.ResValLo)); // lo and hi; W's hi is never read
    f.get(L_TMP);
  } else if (isSc) {
    // Succeeds (rd = 0) if the reservation is for this address and the word still holds what LR read.
    f.i32(0).mem(Op.I32Load, 2, res(State.ResValid)).i32(size).op(Op.I32Eq);
    f.i32(0).mem(Op.I32Load, 2, res(State.ResAddr)).get(L_IDX).op(Op.I32Eq).op(Op.I32And);
    f.begin(Op.If, Type.I64);
    f.get(L_IDX);
    if (wide) {
      f.i32(0).mem(Op.I64Load, 2, res(State.ResValLo)).tee(L_TMP);
      get(rs2); f.atomic(AtomicOp.I64RmwCmpxchg, 3, 0);
      f.get(L_TMP).op(Op.I64Ne).op(Op.I64ExtendI32U);
    } else {
      f.i32(0).mem(Op.I32Load, 2, res(State.ResValLo)).tee(L_RETIRED); // a spare i32 until the exit sets it
      get(rs2); f.op(Op.I32WrapI64).atomic(AtomicOp.I32RmwCmpxchg, 2, 0);
      f.get(L_RETIRED).op(Op.I32Ne).op(Op.I64ExtendI32U);
    }
    f.op(Op.Else).i64(1).end();
    f.i32(0).i32(0).mem(Op.I32Store, 2, res(State.ResValid));
  } else {
    const rmw: Record<number, [AtomicOp, AtomicOp]> = {
      0x01: [AtomicOp.I32RmwXchg, AtomicOp.I64RmwXchg], 0x00: [AtomicOp.I32RmwAdd, AtomicOp.I64RmwAdd],
      0x04: [AtomicOp.I32RmwXor, AtomicOp.I64RmwXor], 0x0c: [AtomicOp.I32RmwAnd, AtomicOp.I64RmwAnd],
      0x08: [AtomicOp.I32RmwOr, AtomicOp.I64RmwOr],
    };
    f.get(L_IDX);
    get(rs2);
    if (wide) f.atomic(rmw[f5][1], 3, 0);
    else f.op(Op.I32WrapI64).atomic(rmw[f5][0], 2, 0).op(Op.I64ExtendI32S);
  }
  f.op(Op.Else);
  // Slow path: the interpreter's atomic() reads rs1/rs2 from the state block and writes rd there.
  storeReg(f, ctx, rs1);
  storeReg(f, ctx, rs2);
  f.i32(inst);
  callHelper(f, Fn.AtomicSlow).op(Op.I32Eqz);
  f.begin(Op.If);
  exit(Exit.Trap, pc, k);
  f.end();
  if (rd !== 0) f.i32(0).mem(Op.I64Load, 3, regOffset(ctx, rd)); else f.i64(0);
  f.end();
  put(rd);
}

/**
 * Pushes whether an access of `size` bytes at L_ADDR hits the TLB whose tags are at `tags`, and
 * leaves the entry's index in L_IDX. The tag is compared with the page address plus the access's
 * misaligned low bits, which no tag has, so a misaligned access misses and takes the slow path.
 */
function emitTlbHit(f: FunctionBody, tags: number, size: number): void {
  f.get(L_ADDR).op(Op.I32WrapI64).i32(12).op(Op.I32ShrU).i32(TLB_MASK).op(Op.I32And).set(L_IDX);
  f.get(L_IDX).i32(3).op(Op.I32Shl).mem(Op.I64Load, 3, tags);
  f.get(L_ADDR).i64(~0xfff | (size - 1)).op(Op.I64And).globalGet(Glob.DataTag).op(Op.I64Xor);
  f.op(Op.I64Eq);
}

/** Pushes the buffer address of L_ADDR through the TLB entry's host page offset. */
function emitHostAddress(f: FunctionBody, hostTable: number): void {
  f.get(L_IDX).i32(2).op(Op.I32Shl).mem(Op.I32Load, 2, hostTable);
  f.get(L_ADDR).op(Op.I32WrapI64).i32(0xfff).op(Op.I32And).op(Op.I32Add);
}

/**
 * PAUSE under pause-loop exiting, as the interpreter does it: one more in State.PauseCount, and the
 * one that reaches the window (State.PleWindow) resets the count and leaves with a Yield.
 */
function emitPauseCount(f: FunctionBody, stateBase: number, leave: () => void): void {
  const count = stateBase + State.PauseCount * 4;
  f.i32(0);
  f.i32(0).mem(Op.I32Load, 2, count).i32(1).op(Op.I32Add);
  f.mem(Op.I32Store, 2, count);
  f.i32(0).mem(Op.I32Load, 2, count).i32(0).mem(Op.I32Load, 2, stateBase + State.PleWindow * 4).op(Op.I32GeS);
  f.begin(Op.If);
  f.i32(0).i32(0).mem(Op.I32Store, 2, count);
  leave();
  f.end();
}

/**
 * Pause-loop exiting inside a spin loop: the branch operands equal to the last trip's count as one
 * more spin, and as many spins as the window word at `windowAt` (State.PleWindow, which the vCPU
 * adapts) leave with a Yield. Any change starts the count again, as in the
 * interpreter. Runs inside the taken-branch `if`.
 */
function emitSpinCheck(f: FunctionBody, rs1: number, rs2: number, windowAt: number, leave: () => void, get: (r: number) => void): void {
  get(rs1); f.get(L_SPIN_A).op(Op.I64Eq);
  get(rs2); f.get(L_SPIN_B).op(Op.I64Eq);
  f.op(Op.I32And);
  f.begin(Op.If);
  f.get(L_SPINS).i32(1).op(Op.I32Add).tee(L_SPINS).i32(0).mem(Op.I32Load, 2, windowAt).op(Op.I32GeS);
  f.begin(Op.If);
  leave();
  f.end();
  f.op(Op.Else);
  get(rs1); f.set(L_SPIN_A);
  get(rs2); f.set(L_SPIN_B);
  f.i32(0).set(L_SPINS);
  f.end();
}

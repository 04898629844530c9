/**
 * @fileoverview The per-hart wasm runtime the compiled blocks run in: the dispatcher, which chains
 * from block to block inside wasm through the hart's function table, and the functions compiled
 * code calls: the M-extension helpers (high multiplies, RISC-V division) and the interpreter's slow
 * paths (imported here from JavaScript).
 *
 * Those helpers sit in a small table of their own (translator.ts Fn gives the slots), where block
 * modules reach them with call_indirect. Block modules import no function: V8 compiles a call
 * wrapper for each imported function signature of every module it compiles, about 150 µs each, and
 * four of them made a one-block module cost 0.5 ms to compile instead of 0.1 ms. Nor do they import
 * the block table: V8 copies an imported table into every instance that imports it, and the block
 * table has thousands of slots.
 *
 * run(budget) loops: it reads the pc from the state block, looks it up in the hart's lookup table
 * (pc XOR the fetch context -> table index, in either way of the pc's set) and calls that block,
 * until the budget is spent, a block sets the exit global, or the pc has no block (a miss: the JS
 * side translates or interprets).
 * An entry counts only while the fetch TLB maps the pc's page to the page the block was read from,
 * so TLB flushes and address-space switches need not touch the lookup table.
 */

import { AtomicOp, FunctionBody, Op, Type, buildModule, type FuncType, type Import } from './wasm-writer.ts';
import { Exit } from '../cpu/exit.ts';
import { JitArea, LOOKUP_HASH_SHIFT, LOOKUP_SETS, State, TLB_MASK } from '../memory/layout.ts';
import { Fn } from './helper-table.ts';

/** The M-extension helpers, in table slot order (helper-table.ts Fn.MulHU onwards). */
const HELPERS = ['mulhu', 'mulh', 'mulhsu', 'div64s', 'div64u', 'rem64s', 'rem64u', 'div32s', 'div32u', 'rem32s', 'rem32u'] as const;
/** The Zbc and Zbkx helpers, in table slot order (Fn.Clmul onwards). */
const BITMANIP_HELPERS = ['clmul', 'clmulh', 'clmulr', 'xperm4', 'xperm8'] as const;
/**
 * The interpreter's slow paths and the clock, imported from JavaScript in this order: function
 * indexes 0-6; then the dispatcher's own, `events` (index 7: Hart.eventsInCompiledCode) and
 * `trap` (index 8: enters the trap a slow path raised).
 */
const SLOW_PATHS = ['loadSlow', 'storeSlow', 'atomicSlow', 'fp', 'csr', 'system', 'mtime', 'events', 'trap'] as const;
const EVENTS = 7;
const TRAP = 8;

const I64_MIN = -(1n << 63n);

/**
 * `wakeAddress` is the byte offset of the hart's wake word (Control.Wake): when it differs from
 * State.WakeSeen after a block, something was asked of the hart while it ran (an interrupt, a remote
 * fence, the end of its timeslice, a stop), and the dispatcher calls `events` before going on.
 */
export function buildRuntimeModule(stateBase: number, jitArea: number, tableSize: number, wakeAddress: number): Uint8Array<ArrayBuffer> {
  const types: FuncType[] = [
    { params: [Type.I32], results: [Type.I32] }, // 0: a block, and run()
    { params: [Type.I64, Type.I64], results: [Type.I64] }, // 1
    { params: [Type.I32, Type.I32], results: [Type.I32] }, // 2
    { params: [Type.I32, Type.I32, Type.I32], results: [Type.I32] }, // 3: loadSlow(lo, hi, f3)
    { params: [Type.I32, Type.I32, Type.I32, Type.I32, Type.I32], results: [Type.I32] }, // 4: storeSlow(lo, hi, f3, vlo, vhi)
    { params: [], results: [Type.F64] }, // 5: mtime()
    { params: [], results: [Type.I32] }, // 6: events()
  ];
  const imports: Import[] = [
    { module: 'e', name: 'loadSlow', kind: 'func', type: 3 },
    { module: 'e', name: 'storeSlow', kind: 'func', type: 4 },
    { module: 'e', name: 'atomicSlow', kind: 'func', type: 0 },
    { module: 'e', name: 'fp', kind: 'func', type: 0 },
    { module: 'e', name: 'csr', kind: 'func', type: 2 },
    { module: 'e', name: 'system', kind: 'func', type: 2 },
    { module: 'e', name: 'mtime', kind: 'func', type: 5 },
    { module: 'e', name: 'events', kind: 'func', type: 6 },
    { module: 'e', name: 'trap', kind: 'func', type: 6 },
    { module: 'e', name: 'memory', kind: 'memory', shared: true, min: 0, max: 65536 },
    { module: 'e', name: 'table', kind: 'table', min: tableSize },
    { module: 'e', name: 'helpers', kind: 'table', min: Fn.Count },
    { module: 'e', name: 'exit', kind: 'global', type: Type.I32, mutable: true },
    { module: 'e', name: 'fetchContext', kind: 'global', type: Type.I64, mutable: true },
  ];
  const functions: { type: number; body: FunctionBody }[] = [];
  const exports: { name: string; func: number }[] = [];
  /** Names of the defined functions, which are numbered after the imported ones. */
  const names: string[] = [];
  const index = (name: string): number => SLOW_PATHS.length + names.indexOf(name);

  // run(budget): locals 1 total (i32), 2 pc (i64), 3 lookup entry (i32), 4 TLB index, then the
  // entry's function word (i32), 5 the total when compiled code last entered a trap itself (i32)
  const run = new FunctionBody();
  run.locals(1, Type.I32);
  run.locals(1, Type.I64);
  run.locals(3, Type.I32);
  // The exit kind goes back through the state block: reading or writing a WebAssembly.Global from
  // JavaScript is a call into the engine, and every entry would pay two.
  const leave = (): void => {
    run.i32(0).globalGet(0).mem(Op.I32Store, 2, stateBase + State.JitExit * 4);
    run.get(1).op(Op.Return);
  };
  run.i32(0).globalSet(0);
  run.i32(-1).set(5);
  run.begin(Op.Loop);
  run.i32(0).mem(Op.I64Load, 3, stateBase + State.PcLo * 4).set(2);
  // entry = lookupSet(pc) * 32 (layout.ts), the set's first way; the second is 16 bytes on.
  run.get(2).op(Op.I32WrapI64).i32(1).op(Op.I32ShrU);
  run.get(2).op(Op.I32WrapI64).i32(LOOKUP_HASH_SHIFT).op(Op.I32ShrU).op(Op.I32Xor);
  run.i32(LOOKUP_SETS - 1).op(Op.I32And).i32(5).op(Op.I32Shl).set(3);
  run.get(3).mem(Op.I64Load, 3, jitArea + JitArea.Lookup);
  run.get(2).globalGet(1).op(Op.I64Xor).op(Op.I64Ne);
  run.begin(Op.If);
  run.get(3).i32(16).op(Op.I32Add).tee(3).mem(Op.I64Load, 3, jitArea + JitArea.Lookup);
  run.get(2).globalGet(1).op(Op.I64Xor).op(Op.I64Ne);
  run.begin(Op.If); leave(); run.end();
  run.end();
  // The fetch TLB must map pc's page, in this context, to the block's page.
  run.get(2).op(Op.I32WrapI64).i32(12).op(Op.I32ShrU).i32(TLB_MASK).op(Op.I32And).set(4);
  run.get(4).i32(3).op(Op.I32Shl).mem(Op.I64Load, 3, jitArea + JitArea.FetchTags);
  run.get(2).i64(~0xfff).op(Op.I64And).globalGet(1).op(Op.I64Xor).op(Op.I64Ne);
  run.get(4).i32(2).op(Op.I32Shl).mem(Op.I32Load, 2, jitArea + JitArea.FetchHost);
  run.get(3).mem(Op.I32Load, 2, jitArea + JitArea.Lookup + 12).op(Op.I32Ne);
  run.op(Op.I32Or);
  run.begin(Op.If); leave(); run.end();
  run.i32(0).get(1).mem(Op.I32Store, 2, stateBase + State.JitRetired * 4);
  // The entry's third word is the function's table index, and in its top half which block of the
  // function's translation unit this pc starts.
  run.get(3).mem(Op.I32Load, 2, jitArea + JitArea.Lookup + 8).set(4);
  run.i32(0).get(4).i32(16).op(Op.I32ShrU).mem(Op.I32Store, 2, stateBase + State.JitEntry * 4);
  run.get(0).get(1).op(Op.I32Sub);
  run.get(4).i32(0xffff).op(Op.I32And);
  run.code.byte(Op.CallIndirect).u32(0).u32(0);
  run.get(1).op(Op.I32Add).set(1);
  // A block that left: for the run loop, unless a slow path raised an exception (a page fault,
  // say). trap() enters it, as the interpreter would, and compiled code goes on at the handler;
  // but only when something retired since the last trap it entered: a fault that repeats without
  // progress (a handler whose first access faults too) goes to the run loop, which counts it
  // against the budget, so that it cannot keep the hart here, where its timer is not looked at.
  run.globalGet(0);
  run.begin(Op.If);
  run.globalGet(0).i32(Exit.Trap).op(Op.I32Ne).get(5).get(1).op(Op.I32GeS).op(Op.I32Or);
  run.begin(Op.If); leave(); run.end();
  run.get(1).set(5);
  run.call(TRAP).op(Op.Drop);
  run.i32(0).globalSet(0);
  run.end();
  // Events: handled here if they only need a TLB flush or an interrupt taken (events() moves the pc
  // to the handler), otherwise left to the run loop.
  run.i32(0).atomic(AtomicOp.I32Load, 2, wakeAddress);
  run.i32(0).mem(Op.I32Load, 2, stateBase + State.WakeSeen * 4).op(Op.I32Ne);
  run.begin(Op.If);
  run.call(EVENTS).op(Op.I32Eqz);
  run.begin(Op.If); run.i32(Exit.EndBlock).globalSet(0); leave(); run.end();
  run.end();
  run.get(1).get(0).op(Op.I32LtS).brIf(0);
  run.end();
  leave();
  names.push('run');
  functions.push({ type: 0, body: run });
  exports.push({ name: 'run', func: index('run') });

  const helper = (name: string, type: number, emit: (f: FunctionBody) => void): void => {
    const f = new FunctionBody();
    emit(f);
    names.push(name);
    functions.push({ type, body: f });
  };
  // Unsigned high 64 bits of a 64x64 product, from four 32x32 partial products.
  // Locals: 2 aL, 3 aH, 4 bL, 5 bH, 6 lh, 7 hl, 8 mid.
  const mulhu = (f: FunctionBody): void => {
    f.locals(7, Type.I64);
    const lo32 = (x: number): void => { f.get(x).i64(0xffffffffn).op(Op.I64And); };
    const hi32 = (x: number): void => { f.get(x).i64(32n).op(Op.I64ShrU); };
    lo32(0); f.set(2); hi32(0); f.set(3); lo32(1); f.set(4); hi32(1); f.set(5);
    f.get(2).get(5).op(Op.I64Mul).set(6);
    f.get(3).get(4).op(Op.I64Mul).set(7);
    f.get(2).get(4).op(Op.I64Mul).i64(32n).op(Op.I64ShrU);
    lo32(6); f.op(Op.I64Add); lo32(7); f.op(Op.I64Add).set(8);
    f.get(3).get(5).op(Op.I64Mul);
    hi32(6); f.op(Op.I64Add); hi32(7); f.op(Op.I64Add); hi32(8); f.op(Op.I64Add);
  };
  helper('mulhu', 1, mulhu);
  // Signed corrections: mulh = mulhu - (a < 0 ? b : 0) - (b < 0 ? a : 0); mulhsu drops the second.
  helper('mulh', 1, (f) => {
    f.get(0).get(1).call(index('mulhu'));
    f.get(1).i64(0n).get(0).i64(0n).op(Op.I64LtS).op(Op.Select).op(Op.I64Sub);
    f.get(0).i64(0n).get(1).i64(0n).op(Op.I64LtS).op(Op.Select).op(Op.I64Sub);
  });
  helper('mulhsu', 1, (f) => {
    f.get(0).get(1).call(index('mulhu'));
    f.get(1).i64(0n).get(0).i64(0n).op(Op.I64LtS).op(Op.Select).op(Op.I64Sub);
  });
  // Division by zero gives all ones (quotient) or the dividend (remainder); the one signed overflow,
  // MIN / -1, gives MIN and remainder 0 (wasm's rem_s already does; its div_s would trap).
  for (const wide of [true, false]) {
    const t = wide ? Type.I64 : Type.I32;
    const type = wide ? 1 : 2;
    const c = (f: FunctionBody, v: bigint): void => { if (wide) f.i64(v); else f.i32(Number(v)); };
    const eqz = wide ? Op.I64Eqz : Op.I32Eqz;
    const eq = wide ? Op.I64Eq : Op.I32Eq;
    const min = wide ? I64_MIN : -(1n << 31n);
    helper(wide ? 'div64s' : 'div32s', type, (f) => {
      f.get(1).op(eqz).begin(Op.If, t); c(f, -1n);
      f.op(Op.Else).get(0); c(f, min); f.op(eq).get(1); c(f, -1n); f.op(eq).op(Op.I32And);
      f.begin(Op.If, t).get(0).op(Op.Else).get(0).get(1).op(wide ? Op.I64DivS : Op.I32DivS).end();
      f.end();
    });
    helper(wide ? 'div64u' : 'div32u', type, (f) => {
      f.get(1).op(eqz).begin(Op.If, t); c(f, -1n);
      f.op(Op.Else).get(0).get(1).op(wide ? Op.I64DivU : Op.I32DivU).end();
    });
    helper(wide ? 'rem64s' : 'rem32s', type, (f) => {
      f.get(1).op(eqz).begin(Op.If, t).get(0);
      f.op(Op.Else).get(0).get(1).op(wide ? Op.I64RemS : Op.I32RemS).end();
    });
    helper(wide ? 'rem64u' : 'rem32u', type, (f) => {
      f.get(1).op(eqz).begin(Op.If, t).get(0);
      f.op(Op.Else).get(0).get(1).op(wide ? Op.I64RemU : Op.I32RemU).end();
    });
  }
  // Carry-less multiply: XOR of a shifted by each set bit's position of b. clmul keeps bits 63..0
  // of the 128-bit product (a << i), clmulh bits 127..64 (a >> (64 - i), for i from 1), clmulr bits
  // 126..63 (a >> (63 - i)). Locals: 2 product, 3 i.
  const clmul = (shiftLeft: boolean, top: number, first: number) => (f: FunctionBody): void => {
    f.locals(2, Type.I64);
    f.i64(first).set(3);
    f.begin(Op.Loop);
    f.get(1).get(3).op(Op.I64ShrU).op(Op.I32WrapI64).i32(1).op(Op.I32And);
    f.begin(Op.If);
    f.get(2).get(0);
    if (shiftLeft) f.get(3).op(Op.I64Shl); else f.i64(top).get(3).op(Op.I64Sub).op(Op.I64ShrU);
    f.op(Op.I64Xor).set(2);
    f.end();
    f.get(3).i64(1).op(Op.I64Add).tee(3).i64(64).op(Op.I64LtU).brIf(0);
    f.end();
    f.get(2);
  };
  helper('clmul', 1, clmul(true, 0, 0));
  helper('clmulh', 1, clmul(false, 64, 1));
  helper('clmulr', 1, clmul(false, 63, 0));
  // Crossbar permutation: element i of the result is element b[i] of a, or 0 when b[i] is past
  // a's last element. Elements are 2^log bits. Locals: 2 result, 3 bit position, 4 index.
  const xperm = (log: number) => (f: FunctionBody): void => {
    const bits = 1 << log, mask = (1 << bits) - 1, count = 64 >> log;
    f.locals(3, Type.I64);
    f.begin(Op.Loop);
    f.get(1).get(3).op(Op.I64ShrU).i64(mask).op(Op.I64And).tee(4).i64(count).op(Op.I64LtU);
    f.begin(Op.If);
    f.get(2).get(0).get(4).i64(log).op(Op.I64Shl).op(Op.I64ShrU).i64(mask).op(Op.I64And);
    f.get(3).op(Op.I64Shl).op(Op.I64Or).set(2);
    f.end();
    f.get(3).i64(bits).op(Op.I64Add).tee(3).i64(64).op(Op.I64LtU).brIf(0);
    f.end();
    f.get(2);
  };
  helper('xperm4', 1, xperm(2));
  helper('xperm8', 1, xperm(3));
  // The helper table (table 1), in helper-table.ts Fn order: loadSlow, storeSlow, the M helpers,
  // atomicSlow, fp, the bit-manipulation helpers, csr, system, mtime (not events: only run() calls it).
  const slots = [0, 1, ...HELPERS.map(index), 2, 3, ...BITMANIP_HELPERS.map(index), 4, 5, 6];
  return buildModule({ types, imports, functions, exports, elements: [{ table: 1, offset: 0, funcs: slots }] });
}

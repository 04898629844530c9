/**
 * @fileoverview One hart's JIT: hotness counting, translation in batches, the translation cache with
 * its function table and lookup table, invalidation, and entering compiled code.
 *
 * Flow: the run loop (run-loop.ts) enters compiled code at its pc (enter()). The wasm
 * dispatcher runs block after block until the budget is spent, a block exits, or a pc has no block
 * (a miss). On a miss the run loop calls miss(): a block already translated for that pc (same fetch
 * context, same physical page, current code generation) is put back in the lookup table; otherwise
 * the pc's hotness count goes up, and at HOT_THRESHOLD its block is queued. Until then the
 * interpreter runs the code, counting block starts in the same counters and returning to the run
 * loop when it reaches a hot one. Queued blocks are compiled together, many to a module, when
 * batch-policy.ts says (enough of them, or the oldest has waited long enough); the blocks of a
 * batch on one guest page share a function (translationUnits), and go to each other inside it.
 *
 * With a BlockCompiler (the machine's compile pool), a batch is translated and compiled on another
 * thread while the hart goes on interpreting it; the run loop polls for finished modules and only
 * instantiates them here. Without one (no core to spare for a pool, the differential mode), batches
 * compile in place.
 *
 * The cache is bounded: when the function table is full, everything is dropped (QEMU does the same
 * when its code buffer fills), and translation starts again from what is hot now.
 */

import { Fn } from './helper-table.ts';
import { compileBlocks, type CompileJob, type CompileResult } from './block-module.ts';
import { MAX_BLOCK_INSTRUCTIONS, branchOffset, endsBlock, jalOffset, readBlock, type BlockCode } from './block.ts';
import { batchDue } from './batch-policy.ts';
import { buildRuntimeModule } from './runtime.ts';
import { atomic } from '../cpu/atomics.ts';
import { raise } from '../cpu/traps.ts';
import { Exit } from '../cpu/exit.ts';
import type { Hart } from '../cpu/hart.ts';
import { privilegeOfTag } from '../cpu/mmu.ts';
import { TARGET_PROFILE_ENTRIES, targetSlot, type TargetProfile } from '../cpu/target-profile.ts';
import {
  Control, JitArea, LOOKUP_ENTRIES, RAM_OFFSET, STATE_BYTES, State, controlWordBase, jitByteBase, lookupSet, stateByteBase,
} from '../memory/layout.ts';
import { RAM_BASE } from '../memory/machine-map.ts';

/**
 * Times a block start is reached (a taken branch or jump in the interpreter, or a miss in compiled
 * code) before its block is translated. A translation costs hundreds of microseconds in a busy
 * machine, and every move between compiled and interpreted code about a microsecond, so code must
 * prove itself hot first. Measured on a 2-hart Linux boot: 1000 made it 1.5x slower than
 * interpreting, 4000 about as fast; a hot loop passes 4000 within a millisecond either way.
 */
export const HOT_THRESHOLD = 4000;
/** The counter of a block start the JIT cannot translate: far from hot, so the interpreter keeps it. */
const HOT_NEVER = -(1 << 30);
/** The counter of a block being compiled elsewhere: the interpreter keeps it until the module is back. */
const HOT_IN_FLIGHT = -(1 << 29);
/**
 * A block that does not loop back to its own start waits for this count instead. Such a block runs
 * once per entry and leaves for the interpreter wherever its successors are not translated yet, and
 * each move costs about a microsecond: in a Linux boot, where much code is warm rather than hot,
 * compiling straight-line blocks at HOT_THRESHOLD made the JIT clearly slower than interpreting
 * (medians of eight 2-hart boots, before the interpreter's warm-up: interpreter 3.6 s, JIT 4.3 s;
 * 3.7-3.95 s when they waited for 12000-32000). A longer wait leaves repeated kernel work to the
 * interpreter, though: fork, page faults and pipes run their paths a few thousand times a second.
 * With translation units, medians of three 2-hart boots were 1.95 s at 16000 and at 8000, 2.10 s
 * at 4000, and bench:kernel's page fault took 47 and 28 us at 8000 against 83 and 77 at 16000
 * (two runs each; QEMU 20 us), so the wait is 8000.
 */
const STRAIGHT_LINE_THRESHOLD = 8000;
/**
 * Moves out of compiled code at one block start (a miss right after compiled code ran) within one
 * window of TRAIL_WINDOW guest instructions, before the JIT follows the interpreter from there to
 * the next compiled block and queues every block start on the way (a trail), whatever their
 * counts. Each such move, and the one back, costs about a microsecond; a straight-line path between
 * compiled blocks (a loop body spread over many functions, such as an interpreter's dispatch loop
 * in a guest program, or a kernel path run thousands of times a second) otherwise pays them until
 * each of its blocks has counted to STRAIGHT_LINE_THRESHOLD on its own.
 *
 * The count is of a rate, not a total: code that caused many moves once, in a burst long ago, is
 * not worth compiling now. V8 compiles warm wasm again with its optimizing tier, and on a 2-core
 * host that cost more than the moves saved: with 256 moves in 1 s, a 1-hart Linux boot took 2.1 s
 * instead of 1.5 s (TurboFan compiled 300 functions in 1.7 s of background time instead of 40 in
 * 0.06 s), while the awk loop of bench:linux took 0.54 s instead of 0.70. At 1024 moves in 2^21
 * guest instructions the loop is 15% faster and the boot 0-7% slower across runs, within this
 * host's noise (medians of five to eight; windows of 2^22 and 2^23 made the boot 5-10% slower).
 */
export const TRAIL_MOVES = 1024;
/** Guest instructions in a window of TRAIL_MOVES (a power of two): 20-60 ms of kernel code here. */
const TRAIL_WINDOW = 1 << 21;
/** Most continuations of a cut-short block queued with it (queueContinuations). */
const MAX_CONTINUATIONS = 8;
/** Most block starts a trail collects. */
const TRAIL_LENGTH = 32;
/** What queue() did with a block start. */
const enum Queued { Now, Later, Never }
/** Time between two looks for finished modules (ms): each look is a call into the engine. */
const POLL_INTERVAL_MS = 0.1;

/** Whether a block reaches the end of its page: the code after it lies on the next. */
function endsPage(code: BlockCode): boolean {
  return Math.floor((code.start + code.bytes) / 4096) !== Math.floor(code.start / 4096);
}

/** Whether a block's last instruction jumps or branches back to its first. */
function loopsToStart(code: BlockCode): boolean {
  const last = code.insts[code.insts.length - 1];
  const op = last.inst & 0x7f;
  if (op === 0x63) return last.pc + branchOffset(last.inst) === code.start;
  return op === 0x6f && last.pc + jalOffset(last.inst) === code.start;
}

const TWO32 = 4294967296;

/**
 * Groups a batch into translation units, the blocks compiled code may go between without leaving a
 * function: those of the same fetch context on the same guest page, read from the same physical
 * page at the same code generation. The dispatcher's lookup vouches for the block it enters (its
 * context, that its page still maps where it did, that it is not stale), and so for every block
 * of its unit; a block on another page, or of another generation, could be stale or mapped
 * elsewhere, so control reaches it through the dispatcher. Returns indexes into `batch`.
 */
function translationUnits(batch: readonly PendingBlock[]): CompileJob['units'] {
  const units = new Map<string, CompileJob['units'][number]>();
  batch.forEach((p, i) => {
    const key = unitKey(p);
    const unit = units.get(key);
    if (unit === undefined) units.set(key, { blocks: [i], priv: privilegeOfTag(p.fetchTag) }); else unit.blocks.push(i);
  });
  return [...units.values()];
}

/** A lookup entry's function word for `b`: its table slot, and its index in its unit in the top half (runtime.ts). */
function functionWord(b: CompiledBlock): number {
  return b.slot | (b.entry << 16);
}

/** What the blocks of one translation unit share (translationUnits). */
function unitKey(p: PendingBlock): string {
  return `${p.fetchTag}:${Math.floor(p.code.start / 4096)}:${Math.floor(p.pa / 4096)}:${p.generation}`;
}

/** Function table slots: the translation cache's size bound, in blocks. */
export const TABLE_SIZE = 16384;

/** Where a hart sends batches to compile and collects the modules (vmm/compile-pool.ts). */
export interface BlockCompiler {
  submit(job: CompileJob): void;
  /** A finished batch, or undefined if none is ready; never blocks. */
  take(): CompileResult | undefined;
}

export interface JitOptions {
  /** Pause-loop exiting limit (0 = off), as the interpreter has it. */
  pleSpins: number;
  /** Compiles batches off this thread; without it they compile in place. */
  compiler?: BlockCompiler;
}

interface PendingBlock {
  code: BlockCode;
  fetchTag: number;
  /** Guest physical address of the first instruction, and its page's code generation when read. */
  pa: number;
  generation: number;
}

interface CompiledBlock extends Omit<PendingBlock, 'code'> {
  pc: number;
  slot: number;
  /** Its index in its translation unit's function (translator.ts translateUnit). */
  entry: number;
}

export interface JitStats {
  blocks: number;
  modules: number;
  /** Functions the blocks were compiled into (a unit holds the blocks of one guest page). */
  units: number;
  /** The most blocks one unit held. */
  largestUnit: number;
  /** Times the run loop left compiled code for the interpreter (a miss on a block not compiled yet, or an instruction compiled code hands over). */
  interpreterRuns: number;
  /** Exceptions from slow paths (page faults, say) that compiled code entered itself and went on at the handler. */
  trapsInCompiledCode: number;
  /** Time this thread spent translating, compiling and instantiating. */
  compileMs: number;
  /** Time the compile pool spent on this hart's batches. */
  offThreadMs: number;
  /** Instructions retired by compiled code. */
  instret: number;
  invalidated: number;
  flushes: number;
}

export class Jit {
  readonly stats: JitStats = { blocks: 0, modules: 0, units: 0, largestUnit: 0, interpreterRuns: 0, trapsInCompiledCode: 0, compileMs: 0, offThreadMs: 0, instret: 0, invalidated: 0, flushes: 0 };
  /** Why the last enter() returned: Exit.None is a miss or a spent budget. */
  exitKind = Exit.None;

  private readonly table = new WebAssembly.Table({ element: 'anyfunc', initial: TABLE_SIZE });
  /** What compiled code calls: the interpreter's slow paths and the M helpers (runtime.ts fills it). */
  private readonly helperTable = new WebAssembly.Table({ element: 'anyfunc', initial: Fn.Count });
  private readonly exitGlobal = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
  private readonly dataTagGlobal = new WebAssembly.Global({ value: 'i64', mutable: true }, 0n);
  private readonly fetchContextGlobal = new WebAssembly.Global({ value: 'i64', mutable: true }, 0n);
  private readonly run: (budget: number) => number;
  private readonly imports: WebAssembly.Imports;
  private readonly state: Int32Array;
  private readonly lookup: Int32Array;
  private readonly stateBase: number;
  private readonly jitArea: number;
  /** Byte offset of the hart's wake word (Control.Wake), which compiled code watches (State.WakeSeen). */
  private readonly wakeAddress: number;
  /** Blocks by pc (several when the same pc was translated in other contexts or from other pages). */
  private readonly blocks = new Map<number, CompiledBlock[]>();
  private readonly freeSlots: number[] = [];
  /** Hotness counters by targetSlot(pc), counted by the interpreter and by misses. */
  readonly hot = new Int32Array(TARGET_PROFILE_ENTRIES);
  /** What the interpreter counts block starts in while the JIT runs it (Hart.profile). */
  readonly profile: TargetProfile = { counts: this.hot, threshold: HOT_THRESHOLD };
  /** Moves out of compiled code by targetSlot(pc) (TRAIL_MOVES), in the window numbered in movesEpoch. */
  private readonly moves = new Int32Array(TARGET_PROFILE_ENTRIES);
  private readonly movesEpoch = new Int32Array(TARGET_PROFILE_ENTRIES);
  /** The block starts of the trail being followed, in the order the interpreter reached them; empty when none is. */
  private trail: number[] = [];
  /** The fetch context the trail is followed in. */
  private trailTag = 0;
  /** The profile the interpreter runs with while a trail is followed: it returns at every taken branch or jump. */
  private readonly trailProfile: TargetProfile = { counts: this.hot, threshold: -(1 << 30) };
  /** 1 where a straight-line block was sent back to count to STRAIGHT_LINE_THRESHOLD (queue()). */
  private readonly deferred = new Uint8Array(TARGET_PROFILE_ENTRIES);
  private pending: PendingBlock[] = [];
  private firstQueuedAt = 0;
  /** When the first block of `pending` that loops to its own start was queued, or -1 if none does. */
  private firstLoopQueuedAt = -1;
  /** Batches at the compile pool, by job id, with their translation units. */
  private readonly inFlight = new Map<number, { batch: PendingBlock[]; units: CompileJob['units'] }>();
  private nextJobId = 1;
  private nextPollAt = 0;
  private dataTagSet = NaN;
  private fetchTagSet = NaN;

  constructor(private readonly host: Hart, private readonly options: JitOptions) {
    this.stateBase = stateByteBase(host.id);
    this.jitArea = jitByteBase(host.id);
    this.wakeAddress = (controlWordBase(host.id) + Control.Wake) * 4;
    const buffer = host.memory.buffer;
    this.state = new Int32Array(buffer, this.stateBase, STATE_BYTES / 4);
    this.lookup = new Int32Array(buffer, this.jitArea + JitArea.Lookup, LOOKUP_ENTRIES * 4);
    for (let i = TABLE_SIZE - 1; i >= 0; i--) this.freeSlots.push(i);
    for (let i = 0; i < LOOKUP_ENTRIES; i++) this.lookup[4 * i] = 1; // an odd key matches no pc
    const slowValue = new Int32Array(buffer, this.jitArea + JitArea.SlowValue, 2);
    // The interpreter's slow paths, which the runtime puts in the table for compiled code (runtime.ts).
    const slowPaths = {
      loadSlow: (lo: number, hi: number, f3: number): number => {
        if (!host.loadSlow(lo, hi, f3)) return 0;
        slowValue[0] = host.loadResult[0]; slowValue[1] = host.loadResult[1];
        return 1;
      },
      atomicSlow: (inst: number): number => (atomic(host, inst) ? 1 : 0),
      mtime: (): number => host.platform.mtime(),
      fp: (inst: number): number => host.executeFp(inst),
      // The block left the instruction's pc in the state block, and the instructions it retired
      // before it in `retired` (those of earlier blocks of this entry are in State.JitRetired).
      // A trap, an xRET or an interrupt changes the privilege, and a CSR write may change MPRV,
      // SUM or MXR: compiled code reads the contexts from the globals, so it goes on in the new
      // ones, at the pc the hart moved to when the helper says so.
      system: (inst: number, retired: number): number => {
        const result = host.executeTrapOrReturn(inst, this.statePc(), this.state[State.JitRetired] + retired);
        if (result === 0) return 0;
        this.followContexts();
        this.setStatePc(host.pc);
        return result;
      },
      csr: (inst: number, retired: number): number => {
        const result = host.executeCsr(inst, this.statePc(), this.state[State.JitRetired] + retired);
        this.followContexts();
        if (result === 0 || result === 4) this.setStatePc(host.pc);
        return result;
      },
      // Between blocks, the hart's wake word moved: take what can be taken here (an interrupt, a
      // remote TLB flush) and go on at the pc the hart is at then, or leave (0) for the run loop.
      events: (): number => {
        host.pc = this.statePc();
        if (!host.eventsInCompiledCode()) return 0;
        this.followContexts();
        this.setStatePc(host.pc);
        return 1;
      },
      // A slow path in the block that just left raised an exception at the pc it left in the state
      // block: enter the trap there (the run loop's Exit.Trap path does the same) and go on at the handler.
      trap: (): number => {
        host.pc = raise(host, this.statePc());
        this.followContexts();
        this.setStatePc(host.pc);
        this.stats.trapsInCompiledCode++;
        return 1;
      },
      storeSlow: (lo: number, hi: number, f3: number, vlo: number, vhi: number): number => {
        if (!host.storeSlow(lo, hi, f3, vlo, vhi)) return 0;
        if (host.endBlock) { host.endBlock = false; return 2; }
        return 1;
      },
    };
    const runtime = new WebAssembly.Instance(new WebAssembly.Module(buildRuntimeModule(this.stateBase, this.jitArea, TABLE_SIZE, this.wakeAddress)), {
      e: { ...slowPaths, memory: host.memory, table: this.table, helpers: this.helperTable, exit: this.exitGlobal, fetchContext: this.fetchContextGlobal },
    });
    this.run = runtime.exports.run as (budget: number) => number;
    this.imports = { e: { memory: host.memory, helpers: this.helperTable, exit: this.exitGlobal, dataTag: this.dataTagGlobal } };
  }

  /**
   * Runs compiled code from `pc` for up to `budget` instructions; returns the new pc (as lo/hi in
   * the state block too) in `this.pcLo/pcHi` and the instructions retired.
   */
  enter(pcLo: number, pcHi: number, budget: number): number {
    this.followContexts();
    this.state[State.PcLo] = pcLo;
    this.state[State.PcHi] = pcHi;
    const retired = this.run(budget);
    this.exitKind = this.state[State.JitExit] as Exit;
    this.stats.instret += retired;
    return retired;
  }

  /** Sets the globals compiled code reads the hart's data and fetch contexts from, where they changed. */
  private followContexts(): void {
    const host = this.host;
    if (host.dataTag !== this.dataTagSet) { this.dataTagSet = host.dataTag; this.dataTagGlobal.value = BigInt(host.dataTag) << 32n; }
    if (host.fetchTag !== this.fetchTagSet) { this.fetchTagSet = host.fetchTag; this.fetchContextGlobal.value = BigInt(host.fetchTag) << 32n; }
  }

  /** The pc in the state block (PcLo/PcHi), as a number like Hart.pc. */
  private statePc(): number {
    return this.state[State.PcHi] * TWO32 + (this.state[State.PcLo] >>> 0);
  }

  private setStatePc(pc: number): void {
    this.state[State.PcLo] = pc | 0;
    this.state[State.PcHi] = Math.floor(pc / TWO32) | 0;
  }

  /** The pc compiled code left off at, lo and hi words. */
  get pcLo(): number { return this.state[State.PcLo]; }
  get pcHi(): number { return this.state[State.PcHi]; }

  /**
   * Compiled code has no block for `pc`: installs one if it exists, else counts the pc's hotness and
   * queues or compiles. Returns true when a block for pc is now in the lookup table.
   */
  miss(pc: number, afterCompiled: boolean): boolean {
    const host = this.host;
    if (this.installExisting(pc)) {
      if (this.trail.length > 0) this.endTrail();
      return true;
    }
    const h = targetSlot(pc);
    // A trap or an xRET on the way changed the fetch context: the starts collected belong to another.
    if (this.trail.length > 0 && host.fetchTag !== this.trailTag) this.trail = [];
    if (this.trail.length > 0 && afterCompiled) this.endTrail(); // the interpreter reached compiled code
    if (this.trail.length > 0) this.followTrail(pc, h);
    else if (afterCompiled) {
      const epoch = Math.floor(host.instret / TRAIL_WINDOW) | 0;
      if (this.movesEpoch[h] !== epoch) { this.movesEpoch[h] = epoch; this.moves[h] = 0; }
      if (++this.moves[h] >= TRAIL_MOVES) {
        this.moves[h] = 0;
        this.trail.push(pc);
        this.trailTag = host.fetchTag;
      }
    }
    if (this.hot[h] < HOT_THRESHOLD) ++this.hot[h];
    if (this.hot[h] >= HOT_THRESHOLD && !this.isQueued(pc)) {
      const queued = this.queue(pc, h);
      if (queued === Queued.Now) this.queueContinuations();
      if (queued === Queued.Never) this.hot[h] = HOT_NEVER;
      else if (queued === Queued.Later) this.hot[h] = HOT_THRESHOLD - (STRAIGHT_LINE_THRESHOLD - HOT_THRESHOLD);
    }
    if (this.pending.length > 0 &&
      batchDue(this.pending.length, this.firstQueuedAt, this.firstLoopQueuedAt, performance.now(), this.options.compiler !== undefined)) {
      if (this.options.compiler !== undefined) {
        this.submitPending(this.options.compiler);
        return false;
      }
      this.compilePending();
      return this.installExisting(pc);
    }
    return false;
  }

  /** The profile the interpreter should count block starts in now (a trail's, while one is followed). */
  get interpreterProfile(): TargetProfile {
    return this.trail.length > 0 ? this.trailProfile : this.profile;
  }

  /** The interpreter reached block start `pc` (slot `h`), which has no compiled block, while a trail is followed. */
  private followTrail(pc: number, h: number): void {
    if (this.trail.includes(pc)) { this.endTrail(); return; } // round a loop: the trail is closed
    // A start already queued or at the compile pool, or one never translated, is not collected.
    if (this.hot[h] >= 0 && !this.isQueued(pc)) this.trail.push(pc);
    if (this.trail.length >= TRAIL_LENGTH) this.endTrail();
  }

  /**
   * Queues the blocks of the trail, in order (compiled code reached, or the trail is long enough).
   * A start that lies inside a block queued before it from this trail is the target of a branch
   * inside that block, which compiled code follows without a lookup, so it is left out.
   */
  endTrail(): void {
    const trail = this.trail;
    this.trail = [];
    const covered: Array<[number, number]> = [];
    for (const pc of trail) {
      if (covered.some(([start, end]) => pc > start && pc < end)) continue;
      const h = targetSlot(pc);
      if (this.hot[h] < 0 || this.isQueued(pc)) continue;
      if (this.queue(pc) === Queued.Now) {
        const code = this.pending[this.pending.length - 1].code;
        covered.push([code.start, code.start + code.bytes]);
        this.hot[h] = HOT_THRESHOLD;
        this.queueContinuations();
      }
    }
  }

  /** Whether the block at pc, in the current fetch context, waits in the queue for its batch. */
  private isQueued(pc: number): boolean {
    const tag = this.host.fetchTag;
    return this.pending.some((p) => p.code.start === pc && p.fetchTag === tag);
  }

  /** Whether batches are out at the compile pool: the run loop should poll(). */
  get compiling(): boolean {
    return this.inFlight.size > 0;
  }

  /** Instantiates the modules the compile pool has finished (looking at most every POLL_INTERVAL_MS). */
  poll(): void {
    const now = performance.now();
    if (now < this.nextPollAt) return;
    this.nextPollAt = now + POLL_INTERVAL_MS;
    const compiler = this.options.compiler!;
    for (let result = compiler.take(); result !== undefined; result = compiler.take()) {
      const job = this.inFlight.get(result.id);
      if (job === undefined) continue;
      const { batch, units } = job;
      this.inFlight.delete(result.id);
      this.stats.offThreadMs += result.ms;
      const started = performance.now();
      this.addModule(result.module, batch, units);
      this.stats.compileMs += performance.now() - started;
      // Hot again, so that the interpreter hands these starts back to compiled code. A block whose
      // code was written meanwhile is not installed (installExisting checks its generation); it is
      // then queued afresh from the new code.
      for (const p of batch) this.hot[targetSlot(p.code.start)] = HOT_THRESHOLD;
    }
  }

  /** Sends the queued blocks to the compile pool; the interpreter runs them until they are back. */
  private submitPending(compiler: BlockCompiler): void {
    const batch = this.pending;
    this.pending = [];
    const id = this.nextJobId++;
    const units = translationUnits(batch);
    this.inFlight.set(id, { batch, units });
    for (const p of batch) this.hot[targetSlot(p.code.start)] = HOT_IN_FLIGHT;
    compiler.submit({ id, blocks: batch.map((p) => p.code), units, ctx: this.translateContext() });
  }

  private translateContext(): CompileJob['ctx'] {
    return { stateBase: this.stateBase, jitArea: this.jitArea, wakeAddress: this.wakeAddress, pleSpins: this.options.pleSpins };
  }

  /** Puts a block already compiled for pc, in this context and from the page pc maps to now, in the lookup table. */
  private installExisting(pc: number): boolean {
    const candidates = this.blocks.get(pc);
    if (candidates === undefined) return false;
    const host = this.host;
    const pa = host.fetchPhysical(pc);
    for (const b of candidates) {
      if (b.fetchTag === host.fetchTag && b.pa === pa && host.codePages.generation(pa) === b.generation) {
        this.install(b);
        return true;
      }
    }
    return false;
  }

  /**
   * Translates the block at pc now, whatever its hotness, and installs it (the differential mode
   * translates every block it meets). False if nothing there can be translated.
   */
  compileNow(pc: number): boolean {
    if (this.installExisting(pc)) return true;
    if (this.queue(pc) !== Queued.Now) return false;
    this.compilePending();
    return this.installExisting(pc);
  }

  /**
   * Translates the blocks at `pcs` now as one batch, so into as few translation units as their pages
   * allow (the differential mode's test of units). They are installed as they are met.
   */
  compileBatch(pcs: readonly number[]): void {
    for (const pc of pcs) if (!this.installExisting(pc)) this.queue(pc);
    this.compilePending();
  }

  /** The pcs the cache has a block for. */
  get blockStarts(): number[] {
    return [...this.blocks.keys()];
  }

  /**
   * Reads the block at pc and queues it for compiling. A straight-line block reaching HOT_THRESHOLD
   * for the first time (its counter `h` not yet deferred) is sent back to count up to
   * STRAIGHT_LINE_THRESHOLD; a block with nothing the JIT translates is never queued.
   */
  private queue(pc: number, h = -1): Queued {
    const host = this.host;
    const pa = host.fetchPhysical(pc);
    if (pa < 0) return Queued.Never;
    const pageHost = RAM_OFFSET + (pa - RAM_BASE) - (pa % 4096);
    if (h >= 0 && this.deferred[h] === 0) {
      // A first look, unmarked: nothing is kept from it.
      const look = readBlock(host.u16, pageHost, pc, host.expand, host.extensions);
      if (look.insts.length === 0) return Queued.Never;
      if (!loopsToStart(look)) { this.deferred[h] = 1; return Queued.Later; }
    }
    // Mark before reading, so that a write from now on is noticed (code-pages.ts).
    const pageLeft = 4096 - (pa % 4096);
    const generation = host.codePages.markCode(pa, Math.min(pageLeft, 4 * 128));
    const code = readBlock(host.u16, pageHost, pc, host.expand, host.extensions);
    if (code.insts.length === 0) return Queued.Never;
    const now = performance.now();
    if (this.pending.length === 0) { this.firstQueuedAt = now; this.firstLoopQueuedAt = -1; }
    if (this.firstLoopQueuedAt < 0 && loopsToStart(code)) this.firstLoopQueuedAt = now;
    this.pending.push({ code, fetchTag: host.fetchTag, pa, generation });
    return Queued.Now;
  }

  /**
   * The block queued last was cut short, by MAX_BLOCK_INSTRUCTIONS or by the end of its page, and
   * runs straight on into the next: queues that continuation too, and its own, up to
   * MAX_CONTINUATIONS. A continuation is as hot as the block before it, but no branch leads there,
   * so the interpreter never counts it: long unrolled code (a hash's rounds, say) would otherwise
   * leave compiled code at the cut every time and stay interpreted from there on.
   */
  private queueContinuations(): void {
    for (let i = 0; i < MAX_CONTINUATIONS; i++) {
      const code = this.pending[this.pending.length - 1].code;
      const last = code.insts[code.insts.length - 1];
      if (endsBlock(last.inst, last.pc, code.start) || (code.insts.length < MAX_BLOCK_INSTRUCTIONS && !endsPage(code))) return;
      const next = code.start + code.bytes;
      if (this.blocks.has(next) || this.isQueued(next)) return;
      if (this.queue(next) !== Queued.Now) return;
    }
  }

  /** Compiles every queued block into one module, here and now, and adds them to the cache. */
  compilePending(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const started = performance.now();
    const units = translationUnits(batch);
    const { module } = compileBlocks({ id: 0, blocks: batch.map((p) => p.code), units, ctx: this.translateContext() });
    this.addModule(module, batch, units);
    this.stats.compileMs += performance.now() - started;
  }

  /**
   * Instantiates a compiled batch and adds its blocks to the cache (not yet to the lookup table):
   * each block gets a table slot of its own, holding its unit's function.
   */
  private addModule(module: WebAssembly.Module, batch: PendingBlock[], units: CompileJob['units']): void {
    if (this.freeSlots.length < batch.length) this.flush();
    const instance = new WebAssembly.Instance(module, this.imports);
    units.forEach((unit, u) => {
      this.stats.largestUnit = Math.max(this.stats.largestUnit, unit.blocks.length);
      const fn = instance.exports[`u${u}`] as WebAssembly.ExportValue as never;
      unit.blocks.forEach((i, entry) => {
        const p = batch[i];
        const slot = this.freeSlots.pop()!;
        this.table.set(slot, fn);
        const block: CompiledBlock = { pc: p.code.start, fetchTag: p.fetchTag, pa: p.pa, generation: p.generation, slot, entry };
        const list = this.blocks.get(block.pc);
        if (list === undefined) this.blocks.set(block.pc, [block]);
        else list.push(block);
        this.stats.blocks++;
      });
    });
    this.stats.modules++;
    this.stats.units += units.length;
  }

  /**
   * Puts `b` in its lookup set: in place of an entry with its key, else in the first way, the entry
   * there moving to the second (the set keeps the two most recently installed).
   */
  private install(b: CompiledBlock): void {
    const lookup = this.lookup;
    const lo = b.pc | 0, key = (Math.floor(b.pc / TWO32) | 0) ^ b.fetchTag;
    let e = lookupSet(lo) * 8;
    if (lookup[e + 4] === lo && lookup[e + 5] === key) {
      e += 4;
    } else if (lookup[e] !== lo || lookup[e + 1] !== key) {
      for (let i = 0; i < 4; i++) lookup[e + 4 + i] = lookup[e + i];
    }
    lookup[e] = lo;
    lookup[e + 1] = key;
    lookup[e + 2] = functionWord(b);
    lookup[e + 3] = RAM_OFFSET + (b.pa - RAM_BASE) - (b.pa % 4096);
  }

  private uninstall(b: CompiledBlock): void {
    const set = lookupSet(b.pc | 0) * 8;
    for (let e = set; e < set + 8; e += 4) {
      if (this.lookup[e + 2] === functionWord(b) && this.lookup[e] === (b.pc | 0)) this.lookup[e] = 1;
    }
  }

  /**
   * Drops every block whose page has been written since it was translated. Called when another
   * thread (or this hart) reported a write to code, and at FENCE.I.
   */
  invalidateStale(): void {
    const pages = this.host.codePages;
    for (const [pc, list] of this.blocks) {
      const keep = list.filter((b) => {
        if (pages.generation(b.pa) === b.generation) return true;
        this.uninstall(b);
        this.table.set(b.slot, null as never);
        this.freeSlots.push(b.slot);
        this.hot[targetSlot(pc)] = 0; // so that the new code gets hot again
        this.stats.invalidated++;
        return false;
      });
      if (keep.length === 0) this.blocks.delete(pc);
      else if (keep.length !== list.length) this.blocks.set(pc, keep);
    }
    this.pending = this.pending.filter((p) => {
      if (pages.generation(p.pa) === p.generation) return true;
      this.hot[targetSlot(p.code.start)] = 0;
      return false;
    });
  }

  /** Forgets every translation (the cache is full). */
  flush(): void {
    for (let i = 0; i < LOOKUP_ENTRIES; i++) this.lookup[4 * i] = 1;
    for (const list of this.blocks.values()) for (const b of list) this.table.set(b.slot, null as never);
    this.blocks.clear();
    this.freeSlots.length = 0;
    for (let i = TABLE_SIZE - 1; i >= 0; i--) this.freeSlots.push(i);
    this.hot.fill(0);
    this.moves.fill(0);
    this.trail = [];
    this.deferred.fill(0);
    this.stats.flushes++;
  }
}

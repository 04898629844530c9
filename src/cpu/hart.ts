/**
 * @fileoverview One RV64 hart: the interpreter loop (fetch, decode, execute) over the shared state
 * block and guest RAM. The hart knows nothing of threads: whatever lies outside it (MMIO devices,
 * the clock, HTIF) is reached through the HartPlatform it is given, and run() returns an Exit for
 * its owner to act on. Privileged state (CSRs, traps, interrupts) lives in Privileged, which this
 * class extends so that the hot loop reaches it without indirection.
 */

import { Control, Global, RAM_OFFSET } from '../memory/layout.ts';
import { Access, Cause } from './trap-causes.ts';
import { TLB_MASK } from './mmu.ts';
import { Privileged, type HartPlatform } from './privileged.ts';
import { compressedTable } from './compressed.ts';
import { FpResult } from './fpu.ts';
import { div32, div64, mul64, mulh, out, scratchF64, scratchI32, splitNumber } from './int64.ts';
import { HOT_THRESHOLD, Jit, hotIndex } from '../jit/jit.ts';
import { ExitKind } from '../jit/translator.ts';
import { RAM_BASE } from '../memory/machine-map.ts';

export type { HartPlatform } from './privileged.ts';

export const enum Exit {
  /** The instruction budget ran out. */
  Budget = 0,
  /** The hart executed WFI with no interrupt pending: its owner should sleep until one may be. */
  Wfi = 1,
  /** The machine is stopping (the shared stop word is set). */
  Stop = 2,
  /** The hart cannot go on: its trap vector faults on fetch. fatalMessage says why. */
  Fatal = 3,
  /** The hart stopped itself through SBI HSM hart_stop. */
  HartStopped = 4,
  /** Pause-loop exit: the guest is spinning (PAUSE, or a short store-free loop); give up the host CPU briefly. */
  Yield = 5,
}

/** Instructions between checks for interrupts and the stop word: the "block" of the interpreter. */
const CHUNK = 1024;
/** Most instructions compiled code runs between checks for interrupts and the stop word. */
const JIT_SLICE = 16384;

/** PAUSE (Zihintpause): FENCE with pred = W, succ = 0. */
const PAUSE = 0x0100000f;
/** A backward branch shorter than this closes a "tight" loop for spin detection. */
const SPIN_LOOP_BYTES = 64;
const TWO32 = 4294967296;

export class Hart extends Privileged {
  /**
   * Pause-loop exiting: after this many consecutive iterations of a tight loop with no store, or at
   * any PAUSE, run() returns Exit.Yield. 0 turns it off.
   */
  pleSpinLimit = 0;
  /** The compiled-code tier, when --jit on; run() is then entered through runJit(). */
  jit: Jit | undefined;
  /**
   * Under the JIT: its hotness counters (jit.ts hotIndex). The interpreter counts every taken branch
   * and jump target and returns when it lands on a hot one, so that the JIT can run its block.
   */
  private jitHot: Int32Array | undefined;
  /** FENCE.I ran: translations of code written since they were made must go before the next fetch. */
  private fenceIPending = false;
  readonly expand = compressedTable();
  private readonly cexp = this.expand;
  /** Where loadSlow leaves its result (lo, hi). */
  readonly loadResult = out;
  /** Set by fetchSlow(): instruction length, and the page it cached (NaN if none). */
  private fetchLen = 4;
  private fetchBase = NaN;
  private fetchHost = 0;

  /**
   * Runs up to about `budget` instructions. Interrupts and the stop word are checked every CHUNK
   * instructions and after any instruction that may change which interrupts are enabled.
   */
  run(budget: number): Exit {
    const r = this.r;
    const u16 = this.u16, i8 = this.i8, u8 = this.u8, i16 = this.i16, i32 = this.i32, f64 = this.f64;
    const tf = scratchF64, ti = scratchI32;
    const cexp = this.cexp;
    const ltlb = this.mmu.tlbs[Access.Load], stlb = this.mmu.tlbs[Access.Store];
    const lTags = ltlb.tags, lHost = ltlb.host;
    const sTags = stlb.tags, sHost = stlb.host;
    let pc = this.pc;
    let fBase = NaN, fHost = 0;
    /** The data TLB context tag; reloaded wherever the privilege or mstatus may have changed. */
    let dTag = this.dataTag;
    /** Instructions retired in this call; this.instret = base + icount whenever a method may read it. */
    let icount = 0;
    let base = this.instret;
    let exit = Exit.Budget;
    /** Consecutive tight-loop iterations without a store, on unchanged branch operands (pause-loop exiting). */
    let spins = 0, spinA = 0, spinB = 0;
    const pleLimit = this.pleSpinLimit;

    const hot = this.jitHot;

    while (budget > 0) {
      this.pc = pc;
      const event = this.checkEvents();
      if (event !== -1) { exit = event; break; }
      pc = this.pc; fBase = NaN; dTag = this.dataTag;
      const n = budget < CHUNK ? budget : CHUNK;
      budget -= n;
      // The block ends when `limit` instructions have retired; a trap retires nothing but still
      // uses up one step of the block, so a storm of faults cannot keep the loop from checking in.
      let limit = icount + n;

      while (icount < limit) {
        let inst: number, ilen: number;
        const off = pc - fBase;
        if (off >= 0 && off < 4093) {
          const h = (fHost + off) >>> 1;
          const half = u16[h];
          if ((half & 3) === 3) { inst = half | (u16[h + 1] << 16); ilen = 4; }
          else { inst = cexp[half]; ilen = 2; if (inst === 0) { inst = half; ilen = -2; } }
        } else {
          inst = this.fetchSlow(pc);
          if (this.excPending) { pc = this.raise(pc); fBase = NaN; dTag = this.dataTag; limit--; continue; }
          fBase = this.fetchBase; fHost = this.fetchHost; ilen = this.fetchLen;
        }
        if (ilen < 0) { // a reserved compressed parcel
          this.exception(Cause.IllegalInstruction, inst, 0);
          pc = this.raise(pc); fBase = NaN; dTag = this.dataTag; limit--; continue;
        }

        const rd2 = (inst >> 6) & 62;
        const rs1 = (inst >> 14) & 62;
        const f3 = (inst >> 12) & 7;
        switch (inst & 0x7f) {
          case 0x13: { // OP-IMM
            const imm = inst >> 20;
            const alo = r[rs1], ahi = r[rs1 + 1];
            let lo: number, hi: number;
            switch (f3) {
              case 0: lo = (alo + imm) | 0; hi = (ahi + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0; break;
              case 1: {
                if ((inst >>> 26) !== 0) { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
                const s = imm & 63;
                if (s === 0) { lo = alo; hi = ahi; } else if (s < 32) { hi = (ahi << s) | (alo >>> (32 - s)); lo = alo << s; } else { hi = alo << (s - 32); lo = 0; }
                break;
              }
              case 2: hi = 0; lo = (ahi < (imm >> 31) || (ahi === (imm >> 31) && (alo >>> 0) < (imm >>> 0))) ? 1 : 0; break;
              case 3: hi = 0; lo = ((ahi >>> 0) < ((imm >> 31) >>> 0) || (ahi === (imm >> 31) && (alo >>> 0) < (imm >>> 0))) ? 1 : 0; break;
              case 4: lo = alo ^ imm; hi = ahi ^ (imm >> 31); break;
              case 5: {
                const f6 = inst >>> 26;
                const s = imm & 63;
                if (f6 === 0) {
                  if (s === 0) { lo = alo; hi = ahi; } else if (s < 32) { lo = (alo >>> s) | (ahi << (32 - s)); hi = ahi >>> s; } else { lo = ahi >>> (s - 32); hi = 0; }
                } else if (f6 === 0x10) {
                  if (s === 0) { lo = alo; hi = ahi; } else if (s < 32) { lo = (alo >>> s) | (ahi << (32 - s)); hi = ahi >> s; } else { lo = ahi >> (s - 32); hi = ahi >> 31; }
                } else { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
                break;
              }
              case 6: lo = alo | imm; hi = ahi | (imm >> 31); break;
              default: lo = alo & imm; hi = ahi & (imm >> 31); break;
            }
            if (rd2 !== 0) { r[rd2] = lo; r[rd2 + 1] = hi; }
            pc += ilen;
            break;
          }
          case 0x33: { // OP
            const rs2 = (inst >> 19) & 62;
            const alo = r[rs1], ahi = r[rs1 + 1], blo = r[rs2], bhi = r[rs2 + 1];
            const f7 = inst >>> 25;
            let lo: number, hi: number;
            if (f7 === 0) {
              switch (f3) {
                case 0: lo = (alo + blo) | 0; hi = (ahi + bhi + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0; break;
                case 1: {
                  const s = blo & 63;
                  if (s === 0) { lo = alo; hi = ahi; } else if (s < 32) { hi = (ahi << s) | (alo >>> (32 - s)); lo = alo << s; } else { hi = alo << (s - 32); lo = 0; }
                  break;
                }
                case 2: hi = 0; lo = (ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0))) ? 1 : 0; break;
                case 3: hi = 0; lo = ((ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0))) ? 1 : 0; break;
                case 4: lo = alo ^ blo; hi = ahi ^ bhi; break;
                case 5: {
                  const s = blo & 63;
                  if (s === 0) { lo = alo; hi = ahi; } else if (s < 32) { lo = (alo >>> s) | (ahi << (32 - s)); hi = ahi >>> s; } else { lo = ahi >>> (s - 32); hi = 0; }
                  break;
                }
                case 6: lo = alo | blo; hi = ahi | bhi; break;
                default: lo = alo & blo; hi = ahi & bhi; break;
              }
            } else if (f7 === 0x20 && f3 === 0) {
              lo = (alo - blo) | 0; hi = (ahi - bhi - ((alo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0;
            } else if (f7 === 0x20 && f3 === 5) {
              const s = blo & 63;
              if (s === 0) { lo = alo; hi = ahi; } else if (s < 32) { lo = (alo >>> s) | (ahi << (32 - s)); hi = ahi >> s; } else { lo = ahi >> (s - 32); hi = ahi >> 31; }
            } else if (f7 === 1) {
              switch (f3) {
                case 0: mul64(alo, ahi, blo, bhi); break;
                case 1: mulh(1, alo, ahi, blo, bhi); break;
                case 2: mulh(2, alo, ahi, blo, bhi); break;
                case 3: mulh(3, alo, ahi, blo, bhi); break;
                case 4: div64(true, false, alo, ahi, blo, bhi); break;
                case 5: div64(false, false, alo, ahi, blo, bhi); break;
                case 6: div64(true, true, alo, ahi, blo, bhi); break;
                default: div64(false, true, alo, ahi, blo, bhi); break;
              }
              lo = out[0]; hi = out[1];
            } else { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            if (rd2 !== 0) { r[rd2] = lo; r[rd2 + 1] = hi; }
            pc += ilen;
            break;
          }
          case 0x03: { // LOAD
            const imm = inst >> 20;
            const alo = r[rs1];
            const lo = (alo + imm) | 0;
            const hi = (r[rs1 + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
            const t = (lo >>> 12) & TLB_MASK;
            let vlo: number, vhi: number;
            if (lTags[2 * t] === (lo & -4096) && lTags[2 * t + 1] === (hi ^ dTag) && (lo & ((1 << (f3 & 3)) - 1)) === 0 && f3 !== 7) {
              const h = (lHost[t] >>> 0) + (lo & 0xfff);
              switch (f3) {
                case 0: vlo = i8[h]; vhi = vlo >> 31; break;
                case 1: vlo = i16[h >>> 1]; vhi = vlo >> 31; break;
                case 2: vlo = i32[h >>> 2]; vhi = vlo >> 31; break;
                case 3: tf[0] = f64[h >>> 3]; vlo = ti[0]; vhi = ti[1]; break; // one 8-byte access
                case 4: vlo = u8[h]; vhi = 0; break;
                case 5: vlo = u16[h >>> 1]; vhi = 0; break;
                default: vlo = i32[h >>> 2]; vhi = 0; break;
              }
            } else {
              if (f3 === 7) { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
              if (!this.loadSlow(lo, hi, f3)) { pc = this.raise(pc); fBase = NaN; dTag = this.dataTag; limit--; continue; }
              vlo = out[0]; vhi = out[1];
            }
            if (rd2 !== 0) { r[rd2] = vlo; r[rd2 + 1] = vhi; }
            pc += ilen;
            break;
          }
          case 0x23: { // STORE
            spins = 0;
            const imm = ((inst >> 25) << 5) | ((inst >> 7) & 31);
            const alo = r[rs1];
            const lo = (alo + imm) | 0;
            const hi = (r[rs1 + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
            const rs2 = (inst >> 19) & 62;
            const t = (lo >>> 12) & TLB_MASK;
            if (sTags[2 * t] === (lo & -4096) && sTags[2 * t + 1] === (hi ^ dTag) && f3 < 4 && (lo & ((1 << f3) - 1)) === 0) {
              const h = (sHost[t] >>> 0) + (lo & 0xfff);
              switch (f3) {
                case 0: u8[h] = r[rs2]; break;
                case 1: u16[h >>> 1] = r[rs2]; break;
                case 2: i32[h >>> 2] = r[rs2]; break;
                default: ti[0] = r[rs2]; ti[1] = r[rs2 + 1]; f64[h >>> 3] = tf[0]; break; // one 8-byte access
              }
            } else {
              if (f3 >= 4) { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
              if (!this.storeSlow(lo, hi, f3, r[rs2], r[rs2 + 1])) { pc = this.raise(pc); fBase = NaN; dTag = this.dataTag; limit--; continue; }
              if (this.endBlock) { this.endBlock = false; limit = 0; }
            }
            pc += ilen;
            break;
          }
          case 0x63: { // BRANCH
            const rs2 = (inst >> 19) & 62;
            const alo = r[rs1], ahi = r[rs1 + 1], blo = r[rs2], bhi = r[rs2 + 1];
            let taken: boolean;
            switch (f3) {
              case 0: taken = alo === blo && ahi === bhi; break;
              case 1: taken = alo !== blo || ahi !== bhi; break;
              case 4: taken = ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0)); break;
              case 5: taken = !(ahi < bhi || (ahi === bhi && (alo >>> 0) < (blo >>> 0))); break;
              case 6: taken = (ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0)); break;
              case 7: taken = !((ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && (alo >>> 0) < (blo >>> 0))); break;
              default: pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue;
            }
            if (taken) {
              const off = ((inst >> 31) << 12) | (((inst >> 7) & 1) << 11) | (((inst >> 25) & 0x3f) << 5) | (((inst >> 8) & 0xf) << 1);
              pc += off;
              // A spin-wait loop branches back on the same values every time (the awaited word has not
              // changed); a compute loop's counter or data moves. Only the former counts toward a yield.
              if (off < 0 && off > -SPIN_LOOP_BYTES) {
                if (alo === spinA && blo === spinB) {
                  if (++spins === pleLimit) { spins = 0; limit = 0; budget = 0; exit = Exit.Yield; }
                } else { spinA = alo; spinB = blo; spins = 0; }
              }
              if (hot !== undefined && ++hot[hotIndex(pc)] >= HOT_THRESHOLD) { limit = 0; budget = 0; }
            } else {
              pc += ilen;
            }
            break;
          }
          case 0x3b: { // OP-32
            const rs2 = (inst >> 19) & 62;
            const a = r[rs1], b = r[rs2];
            const f7 = inst >>> 25;
            let v: number;
            if (f7 === 0) {
              if (f3 === 0) v = (a + b) | 0;
              else if (f3 === 1) v = a << (b & 31);
              else if (f3 === 5) v = a >>> (b & 31);
              else { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            } else if (f7 === 0x20) {
              if (f3 === 0) v = (a - b) | 0;
              else if (f3 === 5) v = a >> (b & 31);
              else { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            } else if (f7 === 1) {
              switch (f3) {
                case 0: v = Math.imul(a, b); break;
                case 4: div32(true, false, a, b); v = out[0]; break;
                case 5: div32(false, false, a, b); v = out[0]; break;
                case 6: div32(true, true, a, b); v = out[0]; break;
                case 7: div32(false, true, a, b); v = out[0]; break;
                default: pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue;
              }
            } else { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            if (rd2 !== 0) { r[rd2] = v; r[rd2 + 1] = v >> 31; }
            pc += ilen;
            break;
          }
          case 0x1b: { // OP-IMM-32
            const a = r[rs1];
            const f7 = inst >>> 25;
            const s = (inst >> 20) & 31;
            let v: number;
            if (f3 === 0) v = (a + (inst >> 20)) | 0;
            else if (f3 === 1 && f7 === 0) v = a << s;
            else if (f3 === 5 && f7 === 0) v = a >>> s;
            else if (f3 === 5 && f7 === 0x20) v = a >> s;
            else { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            v |= 0;
            if (rd2 !== 0) { r[rd2] = v; r[rd2 + 1] = v >> 31; }
            pc += ilen;
            break;
          }
          case 0x37: { // LUI
            if (rd2 !== 0) { const v = inst & -4096; r[rd2] = v; r[rd2 + 1] = v >> 31; }
            pc += ilen;
            break;
          }
          case 0x17: { // AUIPC
            if (rd2 !== 0) { splitNumber(pc + (inst & -4096)); r[rd2] = out[0]; r[rd2 + 1] = out[1]; }
            pc += ilen;
            break;
          }
          case 0x6f: { // JAL
            if (rd2 !== 0) { splitNumber(pc + ilen); r[rd2] = out[0]; r[rd2 + 1] = out[1]; }
            const off = ((inst >> 31) << 20) | (inst & 0xff000) | (((inst >> 20) & 1) << 11) | (((inst >> 21) & 0x3ff) << 1);
            pc += off;
            if (off === 0 && ++spins === pleLimit) { // `j .`: an idle loop, waiting for nothing but time
              spins = 0; limit = 0; budget = 0; exit = Exit.Yield;
            }
            if (hot !== undefined && ++hot[hotIndex(pc)] >= HOT_THRESHOLD) { limit = 0; budget = 0; }
            break;
          }
          case 0x67: { // JALR
            if (f3 !== 0) { pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            const imm = inst >> 20;
            const alo = r[rs1];
            const lo = ((alo + imm) | 0) & ~1;
            const hi = (r[rs1 + 1] + (imm >> 31) + ((((alo + imm) | 0) >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
            if (rd2 !== 0) { splitNumber(pc + ilen); r[rd2] = out[0]; r[rd2 + 1] = out[1]; }
            const top = hi >> 21;
            if (top === 0 || top === -1) {
              pc = hi * TWO32 + (lo >>> 0);
              if (hot !== undefined && ++hot[hotIndex(pc)] >= HOT_THRESHOLD) { limit = 0; budget = 0; }
            } else { // no RAM or device lives there: the fetch of the target faults
              icount++; this.instret = base + icount;
              pc = this.raiseUnreachableTarget(lo, hi); fBase = NaN; dTag = this.dataTag; limit--; continue;
            }
            break;
          }
          case 0x0f: { // MISC-MEM
            if (f3 === 0) {
              // FENCE (and FENCE.TSO, PAUSE): one locked read-modify-write orders this thread's
              // earlier stores before its later loads, like a full barrier on the host.
              Atomics.or(this.mem, this.fenceWord, 0);
              if (inst === PAUSE && pleLimit !== 0) { limit = 0; budget = 0; exit = Exit.Yield; }
            } else if (f3 === 1) {
              // FENCE.I: the interpreter decodes from RAM every time; compiled code may be stale.
              this.fenceIPending = true; limit = 0;
            } else {
              pc = this.illegal(pc, inst, ilen); fBase = NaN; dTag = this.dataTag; limit--; continue;
            }
            pc += ilen;
            break;
          }
          case 0x2f: { // AMO (a lock's amoswap that keeps failing still counts as spinning)
            this.instret = base + icount;
            if (!this.atomic(inst)) { pc = this.raise(pc); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            pc += ilen;
            break;
          }
          case 0x73: { // SYSTEM
            this.instret = base + icount;
            const next = this.system(inst, pc, ilen);
            base = this.instret - icount; // a CSR write may have set minstret
            if (this.excPending) { pc = this.raise(pc); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            // Anything SYSTEM does may change privilege, translation or enabled interrupts.
            pc = next; fBase = NaN; dTag = this.dataTag; limit = 0;
            if (this.wfiPending) { this.wfiPending = false; budget = 0; exit = Exit.Wfi; }
            if (this.hsmStopPending) { this.hsmStopPending = false; budget = 0; exit = Exit.HartStopped; }
            break;
          }
          default: {
            this.instret = base + icount;
            const next = this.executeOther(inst, pc, ilen);
            if (this.excPending) { pc = this.raise(pc); fBase = NaN; dTag = this.dataTag; limit--; continue; }
            pc = next;
            break;
          }
        }
        icount++;
      }
    }
    this.pc = pc;
    this.instret = base + icount;
    return exit;
  }

  /**
   * What the run loop checks between blocks, at this.pc: the stop word, a fatal condition, a remote
   * TLB flush, and pending interrupts (taken here, moving this.pc to the handler). Returns the Exit
   * to leave with, or -1 to go on.
   */
  private checkEvents(): Exit | -1 {
    if (Atomics.load(this.mem, Global.Stop) !== 0) return Exit.Stop;
    if (this.fatalMessage !== '') return Exit.Fatal;
    if (Atomics.load(this.mem, this.ctl + Control.FlushRequest) !== 0) { // a remote SFENCE.VMA
      Atomics.store(this.mem, this.ctl + Control.FlushRequest, 0);
      this.mmu.flush();
    }
    const irq = this.pendingInterrupt();
    if (irq >= 0) this.pc = this.takeInterrupt(irq, this.pc);
    return -1;
  }

  /**
   * Runs up to about `budget` instructions with the JIT: compiled code where there is some, the
   * interpreter elsewhere, a basic block at a time so that the JIT sees where blocks start.
   */
  runJit(budget: number): Exit {
    const jit = this.jit!;
    // Events are checked after compiled code ran; the interpreter checks them itself, and a miss
    // that only installs a block runs nothing in between.
    let checkEvents = true;
    while (budget > 0) {
      if (checkEvents) {
        const event = this.checkEvents();
        if (event !== -1) return event;
      }
      checkEvents = true;
      if (jit.compiling) jit.poll();
      if (this.fenceIPending || Atomics.load(this.mem, this.ctl + Control.CodeWritten) !== 0) {
        this.fenceIPending = false;
        Atomics.store(this.mem, this.ctl + Control.CodeWritten, 0);
        jit.invalidateStale();
      }
      const slice = budget < JIT_SLICE ? budget : JIT_SLICE;
      const pc = this.pc;
      const retired = jit.enter(pc | 0, Math.floor(pc / TWO32) | 0, slice);
      this.instret += retired;
      budget -= retired;
      const lo = jit.pcLo, hi = jit.pcHi;
      const top = hi >> 21;
      if (top !== 0 && top !== -1) { // a JALR to where nothing can be fetched
        this.pc = this.raiseUnreachableTarget(lo, hi);
        budget--;
        continue;
      }
      this.pc = hi * TWO32 + (lo >>> 0);
      const kind = jit.exitKind;
      if (kind === ExitKind.Trap) { this.pc = this.raise(this.pc); budget--; continue; }
      if (kind === ExitKind.Yield) return Exit.Yield;
      if (kind === ExitKind.Interpret) {
        const before = this.instret;
        const exit = this.run(1);
        budget -= Math.max(1, this.instret - before);
        if (exit !== Exit.Budget) return exit;
        continue;
      }
      if (kind === ExitKind.EndBlock || retired >= slice) continue;
      checkEvents = retired !== 0;
      // A miss: no compiled block at pc yet. Interpret until a hot block start, or for a slice while
      // modules are being compiled elsewhere, so that they are picked up as soon as they are done.
      if (jit.miss(this.pc)) continue;
      const before = this.instret;
      this.jitHot = jit.hot;
      const exit = this.run(jit.compiling && budget > JIT_SLICE ? JIT_SLICE : budget);
      this.jitHot = undefined;
      budget -= Math.max(1, this.instret - before);
      if (exit !== Exit.Budget) return exit;
      checkEvents = false;
    }
    return Exit.Budget;
  }

  /** Guest physical address of the instruction at pc in the current fetch context, or -1 (no fault is raised). */
  fetchPhysical(pc: number): number {
    const lo = pc | 0, hi = Math.floor(pc / TWO32) | 0;
    const tlb = this.mmu.tlbs[Access.Fetch];
    const t = (lo >>> 12) & TLB_MASK;
    if (tlb.tags[2 * t] === (lo & -4096) && tlb.tags[2 * t + 1] === (hi ^ this.fetchTag)) {
      return (tlb.host[t] >>> 0) - RAM_OFFSET + RAM_BASE + (lo & 0xfff);
    }
    const pa = this.mmu.translate(lo, hi, Access.Fetch, this.priv, this.mstatusLo());
    if (pa < 0 || !this.mmu.isRam(pa, 2)) return -1;
    this.mmu.fill(Access.Fetch, lo, hi, pa, this.fetchTag); // compiled code's dispatcher checks it
    return pa;
  }

  /** Opcodes outside the integer core: the F and D extensions (gated by mstatus.FS), else illegal. */
  private executeOther(inst: number, pc: number, ilen: number): number {
    switch (inst & 0x7f) {
      case 0x07: case 0x27: case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: {
        if (this.fpState() === 0) break;
        const result = this.fpu.execute(inst);
        if (result === FpResult.Ok) return pc + ilen;
        if (result === FpResult.Faulted) return pc; // the memory access raised its own exception
        break;
      }
    }
    this.illegalInstruction(pc, inst, ilen);
    return pc;
  }

  /**
   * An F/D instruction for compiled code: 1 when done, 0 when its memory access raised an exception,
   * 2 when it must go to the interpreter instead (FS is Off, or the encoding is illegal), which then
   * raises the illegal-instruction exception with the right tval.
   */
  executeFp(inst: number): number {
    if (this.fpState() === 0) return 2;
    const result = this.fpu.execute(inst);
    return result === FpResult.Ok ? 1 : result === FpResult.Faulted ? 0 : 2;
  }

  private illegal(pc: number, inst: number, ilen: number): number {
    this.illegalInstruction(pc, inst, ilen);
    return this.raise(pc);
  }

  /** Sets an illegal-instruction exception; tval holds the instruction as encoded (16 bits if compressed). */
  protected illegalInstruction(pc: number, inst: number, ilen: number): void {
    let bits = inst;
    if (ilen === 2) {
      const lo = pc | 0, hi = Math.floor(pc / TWO32) | 0;
      bits = this.fetchHalf(lo, hi); // it was just fetched, so this cannot fault
    }
    this.exception(Cause.IllegalInstruction, bits, 0);
  }

  /**
   * Fetches the instruction at pc when it is not on the cached fetch page: translates, fills the
   * fetch TLB, handles instructions that straddle two pages. Raises a fetch fault (excPending) on
   * failure. Sets fetchLen (negative for a reserved compressed parcel) and the cached page.
   */
  private fetchSlow(pc: number): number {
    const lo = pc | 0, hi = Math.floor(pc / TWO32) | 0;
    this.fetchBase = NaN;
    const first = this.fetchHalf(lo, hi);
    if (first < 0) return 0;
    if ((first & 3) !== 3) {
      const inst = this.cexp[first];
      this.fetchLen = inst === 0 ? -2 : 2;
      return inst === 0 ? first : inst;
    }
    const lo2 = (lo + 2) | 0, hi2 = (hi + ((lo2 >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
    const second = this.fetchHalf(lo2, hi2);
    if (second < 0) return 0;
    this.fetchLen = 4;
    return first | (second << 16);
  }

  /** One 16-bit parcel of instruction memory, or -1 after raising a fetch fault. */
  private fetchHalf(lo: number, hi: number): number {
    const tlb = this.mmu.tlbs[Access.Fetch];
    const t = (lo >>> 12) & TLB_MASK;
    let host: number;
    if (tlb.tags[2 * t] === (lo & -4096) && tlb.tags[2 * t + 1] === (hi ^ this.fetchTag)) {
      host = (tlb.host[t] >>> 0) + (lo & 0xfff);
    } else {
      const pa = this.mmu.translate(lo, hi, Access.Fetch, this.priv, this.mstatusLo());
      if (pa < 0 || !this.mmu.isRam(pa, 2)) {
        this.exception(pa < 0 ? this.mmu.faultCause : Cause.InstructionAccessFault, lo, hi);
        return -1;
      }
      this.mmu.fill(Access.Fetch, lo, hi, pa, this.fetchTag);
      host = this.mmu.hostOf(pa);
    }
    if ((lo & 0xfff) <= 4092 && Number.isNaN(this.fetchBase)) {
      // The whole instruction lies on this page: let the loop fetch from it directly from now on.
      this.fetchBase = (hi * TWO32 + (lo >>> 0)) - (lo & 0xfff);
      this.fetchHost = host - (lo & 0xfff);
    }
    return this.u16[host >>> 1];
  }

  /** Publishes the instruction count so far, for stats readers on other threads. */
  get instructionsRetired(): number {
    return this.instret;
  }
}

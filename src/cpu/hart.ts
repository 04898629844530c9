/**
 * @fileoverview One RV64 hart's interpreter: the loop that fetches, decodes and executes over the
 * shared state block and guest RAM. It is the reference for every other tier and knows nothing of
 * them or of threads: whatever lies outside the hart is reached through its HartPlatform, and run()
 * returns an Exit for its owner to act on. The integer core (I, M, the fast paths of loads, stores
 * and fetch) is inline here for speed; the rest is called per concern: system.ts (SYSTEM),
 * memory-access.ts (slow paths), atomics.ts (A), fpu.ts (F, D), traps.ts and interrupts.ts.
 *
 * A tier above the interpreter (the JIT) learns where hot code starts through `profile`: while it
 * is set, every taken branch and jump counts its target, and run() returns when one gets hot.
 */

import { Control, Global, RAM_OFFSET, State, TLB_MASK } from '../memory/layout.ts';
import { RAM_BASE } from '../memory/machine-map.ts';
import { atomic } from './atomics.ts';
import { bitmanip } from './bitmanip.ts';
import { CsrNum, Slot } from './csr-numbers.ts';
import { cacheBlockOperation } from './cache-block.ts';
import { compressedTable } from './compressed.ts';
import { Exit } from './exit.ts';
import { PAUSE } from './pause.ts';
import { FpResult, Fpu, type FpHost } from './fpu.ts';
import type { HartPlatform } from './hart-platform.ts';
import { HartState } from './hart-state.ts';
import { div32, div64, mul64, mulh, out, scratchF64, scratchI32, splitNumber } from './int64.ts';
import { interruptWaiting, pendingInterrupt } from './interrupts.ts';
import { slowLoad, slowStore } from './memory-access.ts';
import { system } from './system.ts';
import { targetSlot, type TargetProfile } from './target-profile.ts';
import { Access, Cause } from './trap-causes.ts';
import { raise, raiseUnreachableTarget, takeInterrupt } from './traps.ts';
import { triggerFires } from './triggers.ts';

export type { HartPlatform } from './hart-platform.ts';

/** Instructions between checks for interrupts and the stop word: the "block" of the interpreter. */
const CHUNK = 1024;

/** A backward branch shorter than this closes a "tight" loop for spin detection. */
const SPIN_LOOP_BYTES = 64;
const TWO32 = 4294967296;

export class Hart extends HartState implements FpHost {
  /**
   * Pause-loop exiting: after this many consecutive iterations of a tight loop with no store, or
   * this many PAUSEs since the vCPU's last spin ended (State.PauseCount), run() returns Exit.Yield.
   * 0 turns it off. Compiled code reads the same value from the state block (State.PleWindow), so
   * it is set for both here.
   */
  get pleSpinLimit(): number {
    return this.state[State.PleWindow];
  }

  set pleSpinLimit(spins: number) {
    this.state[State.PleWindow] = spins;
  }
  /**
   * Branch-target counts for a tier above the interpreter: while set, every taken branch and jump
   * counts its target in profile.counts[targetSlot(pc)], and run() returns Exit.None as soon as a
   * count reaches profile.threshold, with pc at that target.
   */
  profile: TargetProfile | undefined;
  readonly expand = compressedTable();
  private readonly cexp = this.expand;
  /** Where loadSlow leaves its result (lo, hi). */
  readonly loadResult = out;
  /** Set by fetchSlow(): instruction length, and the page it cached (NaN if none). */
  private fetchLen = 4;
  private fetchBase = NaN;
  private fetchHost = 0;

  constructor(memory: WebAssembly.Memory, id: number, ramBytes: number, platform: HartPlatform) {
    super(memory, id, ramBytes, platform);
    this.fpu = new Fpu(this, this.csr.subarray(Slot.Fcsr * 2, Slot.Fcsr * 2 + 1));
  }

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
    let exit = Exit.None;
    /** Consecutive tight-loop iterations without a store, on unchanged branch operands (pause-loop exiting). */
    let spins = 0, spinA = 0, spinB = 0;
    const pleLimit = this.pleSpinLimit;

    const hot = this.profile?.counts, hotLimit = this.profile?.threshold ?? 0;

    while (budget > 0) {
      this.pc = pc;
      const event = this.checkEvents();
      if (event !== -1) { exit = event; break; }
      pc = this.pc; fBase = NaN; dTag = this.dataTag;
      let n = budget < CHUNK ? budget : CHUNK;
      if (this.triggersArmed) { // Sdtrig: one instruction per turn, checked against the triggers first
        if (triggerFires(this, pc)) { pc = raise(this, pc); budget--; continue; }
        n = 1;
      }
      budget -= n;
      // The block ends when `limit` instructions have retired; a trap retires nothing but still
      // uses up one step of the block, so a storm of faults cannot keep the loop from checking in.
      let limit = icount + n;

      while (icount < limit) {
        // Every path on which an instruction raises an exception leaves this block (break trap)
        // for the one trap path below it; an instruction that completes goes round from its end.
        trap: {
          let inst: number, ilen: number;
          const off = pc - fBase;
          if (off >= 0 && off < 4093) {
            const h = (fHost + off) >>> 1;
            const half = u16[h];
            if ((half & 3) === 3) { inst = half | (u16[h + 1] << 16); ilen = 4; }
            else { inst = cexp[half]; ilen = 2; if (inst === 0) { inst = half; ilen = -2; } }
          } else {
            inst = this.fetchSlow(pc);
            if (this.excPending) break trap;
            fBase = this.fetchBase; fHost = this.fetchHost; ilen = this.fetchLen;
          }
          if (ilen < 0) { // a reserved compressed parcel
            this.exception(Cause.IllegalInstruction, inst, 0);
            break trap;
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
                  if ((inst >>> 26) !== 0) {
                    if (!bitmanip(this.extensions, r, inst)) { this.illegalInstruction(pc, inst, ilen); break trap; }
                    lo = out[0]; hi = out[1]; break;
                  }
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
                  } else if (bitmanip(this.extensions, r, inst)) {
                    lo = out[0]; hi = out[1];
                  } else { this.illegalInstruction(pc, inst, ilen); break trap; }
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
              } else if (bitmanip(this.extensions, r, inst)) {
                lo = out[0]; hi = out[1];
              } else { this.illegalInstruction(pc, inst, ilen); break trap; }
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
                if (f3 === 7) { this.illegalInstruction(pc, inst, ilen); break trap; }
                if (!slowLoad(this, lo, hi, f3)) break trap;
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
                if (f3 >= 4) { this.illegalInstruction(pc, inst, ilen); break trap; }
                if (!slowStore(this, lo, hi, f3, r[rs2], r[rs2 + 1])) break trap;
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
                default: this.illegalInstruction(pc, inst, ilen); break trap;
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
                if (hot !== undefined && ++hot[targetSlot(pc)] >= hotLimit) { limit = 0; budget = 0; }
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
                else { this.illegalInstruction(pc, inst, ilen); break trap; }
              } else if (f7 === 0x20) {
                if (f3 === 0) v = (a - b) | 0;
                else if (f3 === 5) v = a >> (b & 31);
                else { this.illegalInstruction(pc, inst, ilen); break trap; }
              } else if (f7 === 1) {
                switch (f3) {
                  case 0: v = Math.imul(a, b); break;
                  case 4: div32(true, false, a, b); v = out[0]; break;
                  case 5: div32(false, false, a, b); v = out[0]; break;
                  case 6: div32(true, true, a, b); v = out[0]; break;
                  case 7: div32(false, true, a, b); v = out[0]; break;
                  default: this.illegalInstruction(pc, inst, ilen); break trap;
                }
              } else { // Zba, Zbb, Zbkb: 64-bit results
                if (!bitmanip(this.extensions, r, inst)) { this.illegalInstruction(pc, inst, ilen); break trap; }
                if (rd2 !== 0) { r[rd2] = out[0]; r[rd2 + 1] = out[1]; }
                pc += ilen;
                break;
              }
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
              else { // Zba, Zbb, Zbkb: 64-bit results
                if (!bitmanip(this.extensions, r, inst)) { this.illegalInstruction(pc, inst, ilen); break trap; }
                if (rd2 !== 0) { r[rd2] = out[0]; r[rd2 + 1] = out[1]; }
                pc += ilen;
                break;
              }
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
              if (hot !== undefined && ++hot[targetSlot(pc)] >= hotLimit) { limit = 0; budget = 0; }
              break;
            }
            case 0x67: { // JALR
              if (f3 !== 0) { this.illegalInstruction(pc, inst, ilen); break trap; }
              const imm = inst >> 20;
              const alo = r[rs1];
              const lo = ((alo + imm) | 0) & ~1;
              const hi = (r[rs1 + 1] + (imm >> 31) + ((((alo + imm) | 0) >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
              if (rd2 !== 0) { splitNumber(pc + ilen); r[rd2] = out[0]; r[rd2 + 1] = out[1]; }
              const top = hi >> 21;
              if (top === 0 || top === -1) {
                pc = hi * TWO32 + (lo >>> 0);
                if (hot !== undefined && ++hot[targetSlot(pc)] >= hotLimit) { limit = 0; budget = 0; }
              } else { // no RAM or device lives there: the fetch of the target faults
                icount++; this.instret = base + icount;
                pc = raiseUnreachableTarget(this, lo, hi); fBase = NaN; dTag = this.dataTag; limit--; continue;
              }
              break;
            }
            case 0x0f: { // MISC-MEM
              if (f3 === 0) {
                // FENCE (and FENCE.TSO, PAUSE): one locked read-modify-write orders this thread's
                // earlier stores before its later loads, like a full barrier on the host.
                Atomics.or(this.mem, this.fenceWord, 0);
                if (inst === PAUSE && pleLimit !== 0 && ++this.state[State.PauseCount] >= pleLimit) {
                  this.state[State.PauseCount] = 0;
                  limit = 0; budget = 0; exit = Exit.Yield;
                }
              } else if (f3 === 1) {
                // FENCE.I: the interpreter decodes from RAM every time; a translation cache may be stale.
                this.fenceIPending = true; limit = 0;
              } else if (f3 === 2) {
                this.instret = base + icount;
                if (!cacheBlockOperation(this, inst)) break trap;
                if (this.endBlock) { this.endBlock = false; limit = 0; }
              } else {
                this.illegalInstruction(pc, inst, ilen); break trap;
              }
              pc += ilen;
              break;
            }
            case 0x2f: { // AMO (a lock's amoswap that keeps failing still counts as spinning)
              this.instret = base + icount;
              if (!atomic(this, inst)) break trap;
              pc += ilen;
              break;
            }
            case 0x73: { // SYSTEM
              this.instret = base + icount;
              const next = system(this, inst, pc, ilen);
              base = this.instret - icount; // a CSR write may have set minstret
              if (this.excPending) break trap;
              // Anything SYSTEM does may change privilege, translation or enabled interrupts.
              pc = next; fBase = NaN; dTag = this.dataTag; limit = 0;
              if (this.pendingExit !== Exit.None) { exit = this.pendingExit; this.pendingExit = Exit.None; budget = 0; }
              break;
            }
            default: {
              this.instret = base + icount;
              const next = this.executeOther(inst, pc, ilen);
              if (this.excPending) break trap;
              pc = next;
              break;
            }
          }
          icount++;
          continue;
        }
        // The trap path. A trap retires nothing but still uses up one step of the block, so a storm
        // of faults cannot keep the loop from checking in.
        pc = raise(this, pc); fBase = NaN; dTag = this.dataTag; limit--;
      }
    }
    this.pc = pc;
    this.instret = base + icount;
    return exit;
  }

  /**
   * What the run loop checks between blocks, at this.pc: the stop word, a fatal condition, a request
   * to leave guest code (the vCPU's timeslice is over), a remote TLB flush, and pending interrupts
   * (taken here, moving this.pc to the handler). Returns the Exit to leave with, or -1 to go on.
   */
  checkEvents(): Exit | -1 {
    this.state[State.WakeSeen] = Atomics.load(this.mem, this.ctl + Control.Wake);
    if (Atomics.load(this.mem, Global.Stop) !== 0) return Exit.Stop;
    if (this.fatalMessage !== '') return Exit.Fatal;
    if (Atomics.load(this.mem, this.ctl + Control.ExitRequest) !== 0) { // a run-token timeslice ran out
      Atomics.store(this.mem, this.ctl + Control.ExitRequest, 0);
      return Exit.Preempted;
    }
    this.serviceEvents();
    return -1;
  }

  /**
   * Events compiled code noticed (its wake word moved, State.WakeSeen) while it ran: false when the
   * run loop must see them (a stop, a fatal error, the end of its timeslice, code written
   * elsewhere), or after a remote TLB flush and taking any interrupt now takeable, true, and
   * compiled code goes on at this.pc.
   */
  eventsInCompiledCode(): boolean {
    this.state[State.WakeSeen] = Atomics.load(this.mem, this.ctl + Control.Wake);
    if (Atomics.load(this.mem, Global.Stop) !== 0 || this.fatalMessage !== '' ||
      Atomics.load(this.mem, this.ctl + Control.ExitRequest) !== 0 ||
      Atomics.load(this.mem, this.ctl + Control.CodeWritten) !== 0) return false;
    this.serviceEvents();
    return true;
  }

  /** A remote SFENCE.VMA asked for, and the interrupt to take if one is takeable. */
  private serviceEvents(): void {
    if (Atomics.load(this.mem, this.ctl + Control.FlushRequest) !== 0) { // a remote SFENCE.VMA
      this.mmu.flushScope(Atomics.exchange(this.mem, this.ctl + Control.FlushRequest, 0));
    }
    const irq = pendingInterrupt(this);
    if (irq >= 0) this.pc = takeInterrupt(this, irq, this.pc);
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

  /**
   * A Zicsr instruction at `pc` for compiled code, `retired` instructions after the hart's instret
   * (those compiled code retired before it and has not counted yet). Returns what compiled code does
   * next: 1 go on; 2 return to the run loop first (the write armed a trigger, or changed satp, the
   * address space code is fetched from); 0 the instruction raised an exception and 4 its write made
   * an interrupt takeable, which is taken here, this.pc at the handler (0: it did not retire).
   */
  executeCsr(inst: number, pc: number, retired: number): number {
    this.systemFromCompiledCode(inst, pc, retired);
    if (this.excPending) { this.pc = raise(this, pc); return 0; }
    const csr = inst >>> 20;
    if (csr === CsrNum.Satp || this.triggersArmed) return 2;
    const irq = pendingInterrupt(this);
    if (irq >= 0) { this.pc = takeInterrupt(this, irq, pc + 4); return 4; }
    return 1;
  }

  /**
   * ECALL, EBREAK, SRET, MRET, WFI or SFENCE.VMA at `pc` for compiled code, `retired` instructions
   * after the hart's instret: 0 when the interpreter should run it instead (an ECALL to the builtin
   * SBI, which may stop or suspend the hart; a WFI that will sleep), else it is done and this.pc is
   * where execution goes on: 1 when it raised an exception, now taken (it did not retire), 2 when
   * it retired, 3 when it retired and the run loop must look first (an xRET that made an interrupt
   * takeable).
   */
  executeTrapOrReturn(inst: number, pc: number, retired: number): number {
    if (inst === 0x00000073 && this.priv === 1 && this.sbi !== undefined) return 0;
    if (inst === 0x10500073 && !interruptWaiting(this)) return 0;
    const next = this.systemFromCompiledCode(inst, pc, retired);
    if (this.excPending) { this.pc = raise(this, pc); return 1; }
    this.pc = next;
    return pendingInterrupt(this) >= 0 ? 3 : 2;
  }

  /**
   * system() for compiled code, which has retired `retired` instructions the hart's instret does
   * not count yet: counted for the instruction's sake, so that instret and cycle read what the
   * interpreter would (a write to minstret stays what it wrote). Returns the next pc.
   */
  private systemFromCompiledCode(inst: number, pc: number, retired: number): number {
    this.instret += retired;
    const next = system(this, inst, pc, 4);
    this.instret -= retired;
    return next;
  }

  /** Sets an illegal-instruction exception; tval holds the instruction as encoded (16 bits if compressed). */
  private illegalInstruction(pc: number, inst: number, ilen: number): void {
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

  /** FpHost: the FPU's loads and stores take the data slow paths (memory-access.ts). */
  loadSlow(lo: number, hi: number, f3: number): boolean {
    return slowLoad(this, lo, hi, f3);
  }

  storeSlow(lo: number, hi: number, f3: number, vlo: number, vhi: number): boolean {
    return slowStore(this, lo, hi, f3, vlo, vhi);
  }
}

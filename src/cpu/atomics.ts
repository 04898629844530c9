/**
 * @fileoverview The A extension: LR/SC and the AMOs, as Atomics operations on the shared buffer so
 * that they are atomic against every other hart's thread.
 */

import { State, TLB_MASK } from '../memory/layout.ts';
import { Access, Cause, accessFaultCause } from './trap-causes.ts';
import { fromBig, out, toBigSigned } from './int64.ts';
import { translateData } from './memory-access.ts';
import type { HartState } from './hart-state.ts';

/**
 * LR/SC and AMOs. AMOs map to Atomics on the shared buffer, so they are atomic against every other
 * hart's thread. SC is a compare-exchange against the value LR loaded: it succeeds if the word
 * still holds that value, so an ABA change by another hart between LR and SC goes unnoticed (the
 * choice QEMU and RVVM make; RVWMO-visible only to code that relies on LR/SC detecting ABA).
 */
export function atomic(h: HartState, inst: number): boolean {
  const f3 = (inst >> 12) & 7;
  const f5 = inst >>> 27;
  const rd = (inst >> 7) & 31, rs1 = (inst >> 15) & 31, rs2 = (inst >> 20) & 31;
  const isLr = f5 === 0x02;
  if ((f3 !== 2 && f3 !== 3) || (isLr && rs2 !== 0) || !isAmoFunct(f5)) {
    h.exception(Cause.IllegalInstruction, inst, 0);
    return false;
  }
  const size = f3 === 2 ? 4 : 8;
  const lo = h.r[rs1 * 2], hi = h.r[rs1 * 2 + 1];
  const access = isLr ? Access.Load : Access.Store;
  if ((lo & (size - 1)) !== 0) {
    h.exception(isLr ? Cause.LoadMisaligned : Cause.StoreMisaligned, lo, hi);
    return false;
  }
  // A TLB hit spares the page walk; a miss fills the entry, so that compiled code, which takes the
  // TLB inline and comes here only on a miss, does its next access to the page itself. A store
  // entry is never made for a page holding translated code (mmu.ts fill), so a hit needs no
  // noteWrite.
  const tlb = h.mmu.tlbs[access], t = (lo >>> 12) & TLB_MASK;
  const hit = tlb.tags[2 * t] === (lo & -4096) && tlb.tags[2 * t + 1] === (hi ^ h.dataTag);
  let pa = -1;
  let host: number;
  if (hit) {
    host = (tlb.host[t] >>> 0) + (lo & 0xfff);
  } else {
    pa = translateData(h, lo, hi, access);
    if (pa < 0) return false;
    if (!h.mmu.isRam(pa, size)) { // no atomics on devices
      h.exception(accessFaultCause(access), lo, hi);
      return false;
    }
    h.mmu.fill(access, lo, hi, pa, h.dataTag);
    host = h.mmu.hostOf(pa);
  }
  const st = h.state;
  let rlo: number, rhi: number;
  if (size === 4) {
    const i = host >>> 2;
    const b = h.r[rs2 * 2];
    let old: number;
    switch (f5) {
      case 0x02: old = Atomics.load(h.i32, i); st[State.ResValid] = 4; st[State.ResAddr] = host; st[State.ResValLo] = old; break;
      case 0x03: {
        const ok = st[State.ResValid] === 4 && st[State.ResAddr] === (host | 0) &&
          Atomics.compareExchange(h.i32, i, st[State.ResValLo], b) === st[State.ResValLo];
        st[State.ResValid] = 0;
        old = ok ? 0 : 1;
        break;
      }
      case 0x01: old = Atomics.exchange(h.i32, i, b); break;
      case 0x00: old = Atomics.add(h.i32, i, b); break;
      case 0x04: old = Atomics.xor(h.i32, i, b); break;
      case 0x0c: old = Atomics.and(h.i32, i, b); break;
      case 0x08: old = Atomics.or(h.i32, i, b); break;
      default: {
        for (;;) {
          old = Atomics.load(h.i32, i);
          const next = pickMinMax32(f5, old, b);
          if (Atomics.compareExchange(h.i32, i, old, next) === old) break;
        }
      }
    }
    rlo = old; rhi = old >> 31;
  } else {
    const i = host >>> 3;
    const b = toBigSigned(h.r[rs2 * 2], h.r[rs2 * 2 + 1]);
    let old: bigint;
    switch (f5) {
      case 0x02:
        old = Atomics.load(h.i64, i);
        fromBig(old);
        st[State.ResValid] = 8; st[State.ResAddr] = host; st[State.ResValLo] = out[0]; st[State.ResValHi] = out[1];
        break;
      case 0x03: {
        const expected = toBigSigned(st[State.ResValLo], st[State.ResValHi]);
        const ok = st[State.ResValid] === 8 && st[State.ResAddr] === (host | 0) &&
          Atomics.compareExchange(h.i64, i, expected, b) === expected;
        st[State.ResValid] = 0;
        old = ok ? 0n : 1n;
        break;
      }
      case 0x01: old = Atomics.exchange(h.i64, i, b); break;
      case 0x00: old = Atomics.add(h.i64, i, b); break;
      case 0x04: old = Atomics.xor(h.i64, i, b); break;
      case 0x0c: old = Atomics.and(h.i64, i, b); break;
      case 0x08: old = Atomics.or(h.i64, i, b); break;
      default: {
        for (;;) {
          old = Atomics.load(h.i64, i);
          const next = pickMinMax64(f5, old, b);
          if (Atomics.compareExchange(h.i64, i, old, next) === old) break;
        }
      }
    }
    fromBig(old);
    rlo = out[0]; rhi = out[1];
  }
  if (rd !== 0) { h.r[rd * 2] = rlo; h.r[rd * 2 + 1] = rhi; }
  if (!isLr && !hit) h.codePages.noteWrite(pa, size);
  return true;
}

/** Whether funct5 names an instruction of the A extension (LR, SC or an AMO). */
export function isAmoFunct(f5: number): boolean {
  switch (f5) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x08: case 0x0c:
    case 0x10: case 0x14: case 0x18: case 0x1c: return true;
    default: return false;
  }
}

/** AMOMIN (0x10), AMOMAX (0x14), AMOMINU (0x18), AMOMAXU (0x1c) on 32-bit words. */
function pickMinMax32(f5: number, a: number, b: number): number {
  switch (f5) {
    case 0x10: return a < b ? a : b;
    case 0x14: return a > b ? a : b;
    case 0x18: return (a >>> 0) < (b >>> 0) ? a : b;
    default: return (a >>> 0) > (b >>> 0) ? a : b;
  }
}

function pickMinMax64(f5: number, a: bigint, b: bigint): bigint {
  switch (f5) {
    case 0x10: return a < b ? a : b;
    case 0x14: return a > b ? a : b;
    case 0x18: return BigInt.asUintN(64, a) < BigInt.asUintN(64, b) ? a : b;
    default: return BigInt.asUintN(64, a) > BigInt.asUintN(64, b) ? a : b;
  }
}


/**
 * @fileoverview The slow paths of data access, for loads and stores that miss the interpreter's and
 * compiled code's inline TLB checks: translation and TLB fill, misaligned accesses (done a byte at a
 * time, as QEMU does, rather than trapping), device registers through the platform, stores that must
 * be noticed (pages holding translated code, HTIF tohost).
 */

import { Slot } from './csr-numbers.ts';
import { Access, Cause } from './trap-causes.ts';
import { TLB_MASK } from '../memory/layout.ts';
import { out, scratchF64, scratchI32 } from './int64.ts';
import type { HartState } from './hart-state.ts';

export function translateData(h: HartState, lo: number, hi: number, access: Access): number {
  const pa = h.mmu.translate(lo, hi, access, h.dataPriv(), h.csr[Slot.Mstatus * 2]);
  if (pa < 0) h.exception(h.mmu.faultCause, lo, hi);
  return pa;
}

/**
 * The trap value of a misaligned access (starting at lo/hi) whose byte at blo/bhi faulted: the address
 * of the portion of the access that caused the fault (privileged spec, mtval), that is the access's
 * start when the faulting byte is on its first page, else the start of the faulting byte's page.
 */
function faultingPortion(h: HartState, lo: number, hi: number, blo: number, bhi: number): void {
  const samePage = bhi === hi && (blo & -4096) === (lo & -4096);
  h.excTvalLo = samePage ? lo : blo & -4096;
  h.excTvalHi = samePage ? hi : bhi;
}

/** One byte of a misaligned load that starts at tLo/tHi; -1 after raising a fault. */
function loadByte(h: HartState, lo: number, hi: number, tLo: number, tHi: number): number {
  const pa = translateData(h, lo, hi, Access.Load);
  if (pa < 0) { faultingPortion(h, tLo, tHi, lo, hi); return -1; }
  if (h.mmu.isRam(pa, 1)) return h.u8[h.mmu.hostOf(pa)];
  if (!h.platform.mmioRead(pa, 1, out)) { h.exception(Cause.LoadAccessFault, lo, hi); faultingPortion(h, tLo, tHi, lo, hi); return -1; }
  return out[0] & 0xff;
}

/**
 * Loads that missed the TLB: translation, TLB fill, MMIO and misaligned accesses (done byte by byte,
 * as QEMU does, rather than trapping). Result in out, extended as funct3 says; false after a fault.
 */
export function slowLoad(h: HartState, lo: number, hi: number, f3: number): boolean {
  const size = 1 << (f3 & 3);
  let vlo = 0, vhi = 0;
  if ((lo & (size - 1)) !== 0) {
    for (let i = size - 1; i >= 0; i--) {
      const blo = (lo + i) | 0, bhi = (hi + ((blo >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
      const b = loadByte(h, blo, bhi, lo, hi);
      if (b < 0) return false;
      vhi = (vhi << 8) | (vlo >>> 24);
      vlo = (vlo << 8) | b;
    }
  } else {
    // The FPU's loads and the JIT's misses come here first: a TLB hit spares the page walk.
    const tlb = h.mmu.tlbs[Access.Load], t = (lo >>> 12) & TLB_MASK;
    const hit = tlb.tags[2 * t] === (lo & -4096) && tlb.tags[2 * t + 1] === (hi ^ h.dataTag);
    const pa = hit ? 0 : translateData(h, lo, hi, Access.Load);
    if (pa < 0) return false;
    if (hit || h.mmu.isRam(pa, size)) {
      if (!hit) h.mmu.fill(Access.Load, lo, hi, pa, h.dataTag);
      const at = hit ? (tlb.host[t] >>> 0) + (lo & 0xfff) : h.mmu.hostOf(pa);
      switch (size) {
        case 1: vlo = h.u8[at]; break;
        case 2: vlo = h.u16[at >>> 1]; break;
        case 4: vlo = h.i32[at >>> 2]; break;
        default: scratchF64[0] = h.f64[at >>> 3]; vlo = scratchI32[0]; vhi = scratchI32[1]; break;
      }
    } else {
      if (!h.platform.mmioRead(pa, size, out)) { h.exception(Cause.LoadAccessFault, lo, hi); return false; }
      vlo = out[0]; vhi = size === 8 ? out[1] : 0;
    }
  }
  // Extend: f3 0..3 are signed (LB, LH, LW, LD), 4..6 unsigned.
  switch (f3) {
    case 0: vlo = (vlo << 24) >> 24; vhi = vlo >> 31; break;
    case 1: vlo = (vlo << 16) >> 16; vhi = vlo >> 31; break;
    case 2: vhi = vlo >> 31; break;
    case 4: vlo &= 0xff; vhi = 0; break;
    case 5: vlo &= 0xffff; vhi = 0; break;
    case 6: vhi = 0; break;
  }
  out[0] = vlo; out[1] = vhi;
  return true;
}

/** Stores that missed the TLB: like loadSlow. Misaligned stores translate every byte before writing any. */
export function slowStore(h: HartState, lo: number, hi: number, f3: number, vlo: number, vhi: number): boolean {
  const size = 1 << f3;
  if ((lo & (size - 1)) !== 0) {
    const pas: number[] = [];
    for (let i = 0; i < size; i++) {
      const blo = (lo + i) | 0, bhi = (hi + ((blo >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
      const pa = translateData(h, blo, bhi, Access.Store);
      if (pa < 0) { faultingPortion(h, lo, hi, blo, bhi); return false; }
      pas.push(pa);
    }
    for (let i = 0; i < size; i++) {
      const b = (i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4))) & 0xff;
      if (!storePhysical(h, pas[i], 1, b, 0, lo, hi)) return false;
    }
    return true;
  }
  const tlb = h.mmu.tlbs[Access.Store], t = (lo >>> 12) & TLB_MASK;
  if (tlb.tags[2 * t] === (lo & -4096) && tlb.tags[2 * t + 1] === (hi ^ h.dataTag)) {
    // A store TLB hit (the FPU's stores come here): RAM with no translated code and no HTIF.
    const at = (tlb.host[t] >>> 0) + (lo & 0xfff);
    switch (size) {
      case 1: h.u8[at] = vlo; break;
      case 2: h.u16[at >>> 1] = vlo; break;
      case 4: h.i32[at >>> 2] = vlo; break;
      default: scratchI32[0] = vlo; scratchI32[1] = vhi; h.f64[at >>> 3] = scratchF64[0]; break;
    }
    return true;
  }
  const pa = translateData(h, lo, hi, Access.Store);
  if (pa < 0) return false;
  if (h.mmu.isRam(pa, size)) h.mmu.fill(Access.Store, lo, hi, pa, h.dataTag);
  return storePhysical(h, pa, size, vlo, vhi, lo, hi);
}

function storePhysical(h: HartState, pa: number, size: number, vlo: number, vhi: number, tLo: number, tHi: number): boolean {
  if (h.mmu.isRam(pa, size)) {
    const at = h.mmu.hostOf(pa);
    switch (size) {
      case 1: h.u8[at] = vlo; break;
      case 2: h.u16[at >>> 1] = vlo; break;
      case 4: h.i32[at >>> 2] = vlo; break;
      default: scratchI32[0] = vlo; scratchI32[1] = vhi; h.f64[at >>> 3] = scratchF64[0]; break;
    }
    h.codePages.noteWrite(pa, size);
    const tohost = h.platform.tohost;
    if (tohost >= 0 && pa < tohost + 8 && pa + size > tohost) {
      const t = h.mmu.hostOf(tohost) >>> 2;
      const tlo = h.i32[t], thi = h.i32[t + 1];
      if ((tlo | thi) !== 0) { h.platform.tohostWritten(tlo, thi); h.endBlock = true; }
    }
    return true;
  }
  if (!h.platform.mmioWrite(pa, size, vlo, vhi)) { h.exception(Cause.StoreAccessFault, tLo, tHi); return false; }
  h.endBlock = true;
  return true;
}

/**
 * @fileoverview Address translation for one hart: Sv39 and Sv48 page walks with A/D updates and
 * permission checks, and the software TLBs that let the interpreter's loads, stores and fetches
 * skip the walk. One direct-mapped TLB per access kind, so that a hit needs no permission check:
 * an entry exists only where that access kind was allowed at the current privilege and mstatus.
 * An entry's tag also carries the context it was made in (privilege, and SUM/MXR for data; see
 * contextTag), so a trap, an xRET or an mstatus write switches context without a flush. The tags
 * carry no address-space ID, so a satp write drops every entry but those of global mappings (PTE.G,
 * which exist alike in every address space: a kernel's), and a change of translation mode drops
 * everything; so does an SFENCE.VMA, except that one for a single address drops only that page's
 * entries, unless the address may lie in a superpage something was cached from, and one for a
 * single address space (rs2 not x0) keeps the entries of global mappings, which it does not order.
 * Keeping the global entries spares a kernel refilling its own pages after every context switch
 * (Linux writes satp with a new ASID and no fence).
 *
 * The TLBs live in the hart's JIT area of the shared memory (layout.ts JitArea), where compiled wasm
 * code checks them inline. No store TLB entry ever points at a page holding translated code (see
 * memory/code-pages.ts), so that stores there take the slow path, which notices the write.
 */

import { FlushScope, INVALID_TLB_TAG, JitArea, RAM_OFFSET, TLB_ENTRIES, TLB_MASK, jitByteBase } from '../memory/layout.ts';
import type { CodePages } from '../memory/code-pages.ts';
import { Access, accessFaultCause, pageFaultCause } from './trap-causes.ts';
import { Mstatus } from './csr-numbers.ts';
import { RAM_BASE } from '../memory/machine-map.ts';

const TWO32 = 4294967296;
const PAGE = 4096;
/** Non-global entries a TLB lists for flushNonGlobal before it falls back to sweeping them all. */
const NON_GLOBAL_LIST = 256;

const enum Pte {
  V = 1 << 0,
  R = 1 << 1,
  W = 1 << 2,
  X = 1 << 3,
  U = 1 << 4,
  G = 1 << 5,
  A = 1 << 6,
  D = 1 << 7,
}

/**
 * A PTE's bits 63..54 (its high word shifted right by 22): N (Svnapot), PBMT (Svpbmt) and seven
 * reserved bits, which must be zero.
 */
const enum PteTop {
  Reserved = 0x7f,
  PbmtShift = 7,
  /** PBMT value 3 is reserved. */
  PbmtReserved = 3,
  N = 1 << 9,
}

/** Svnapot's one size: a 64 KiB page, a level-0 leaf whose PPN ends in 0b1000 (16 pages). */
const NAPOT_PAGES = 16;
const NAPOT_PPN_SUFFIX = 8;

export const enum SatpMode {
  Bare = 0,
  Sv39 = 8,
  Sv48 = 9,
}

/**
 * The context part of a TLB tag, XORed into the high word of the virtual address. Canonical Sv39/Sv48
 * addresses (and physical ones below 2^53) leave bits 24..31 of the high word all equal, so these
 * bits tell contexts apart. Fetch tags use the privilege alone.
 */
export function contextTag(priv: number, mstatus: number): number {
  return ((priv & 3) | ((mstatus & Mstatus.SUM) !== 0 ? 4 : 0) | ((mstatus & Mstatus.MXR) !== 0 ? 8 : 0)) << 24;
}

/** The privilege a context tag was made for (contextTag's first argument). */
export function privilegeOfTag(tag: number): number {
  return (tag >>> 24) & 3;
}

export class Tlb {
  /**
   * Virtual page tags, a 64-bit word per entry: tags[2i] is the low word of the page address (low 12
   * bits clear), tags[2i + 1] the high word XOR the context tag.
   */
  readonly tags: Int32Array;
  /** Byte offset of the page in the shared buffer, as an unsigned value stored in an Int32. */
  readonly host: Int32Array;
  /** 1 where the entry was made from a global mapping (Mmu.flushNonGlobal keeps it). */
  readonly global = new Uint8Array(TLB_ENTRIES);
  /**
   * Where entries of non-global mappings were made since the last flush, up to NON_GLOBAL_LIST of
   * them (past that, `nonGlobalOverflow`): a satp write drops only those, instead of sweeping all
   * TLB_ENTRIES. A process between two context switches touches a few dozen pages; the sweep of the
   * three TLBs was 2.5% of a vCPU's time in kernel microbenchmarks (pipes, fork).
   */
  private readonly nonGlobal = new Int32Array(NON_GLOBAL_LIST);
  private nonGlobalCount = 0;
  private nonGlobalOverflow = false;

  constructor(buffer: ArrayBufferLike, tagsOffset: number, hostOffset: number) {
    this.tags = new Int32Array(buffer, tagsOffset, TLB_ENTRIES * 2);
    this.host = new Int32Array(buffer, hostOffset, TLB_ENTRIES);
    this.flush();
  }

  flush(): void {
    for (let i = 0; i < TLB_ENTRIES; i++) this.tags[2 * i] = INVALID_TLB_TAG;
    this.nonGlobalCount = 0;
    this.nonGlobalOverflow = false;
  }

  flushNonGlobal(): void {
    if (this.nonGlobalOverflow) {
      for (let i = 0; i < TLB_ENTRIES; i++) if (this.global[i] === 0) this.tags[2 * i] = INVALID_TLB_TAG;
    } else {
      // An entry listed here and made again since from a global mapping is kept, as in the sweep.
      for (let k = 0; k < this.nonGlobalCount; k++) {
        const i = this.nonGlobal[k];
        if (this.global[i] === 0) this.tags[2 * i] = INVALID_TLB_TAG;
      }
    }
    this.nonGlobalCount = 0;
    this.nonGlobalOverflow = false;
  }

  /** Records whether entry i, just made, came from a global mapping. */
  noteFill(i: number, global: boolean): void {
    this.global[i] = global ? 1 : 0;
    if (global) return;
    if (this.nonGlobalCount < NON_GLOBAL_LIST) this.nonGlobal[this.nonGlobalCount++] = i;
    else this.nonGlobalOverflow = true;
  }
}

export class Mmu {
  readonly tlbs: readonly [Tlb, Tlb, Tlb];
  /** Set by translate() when it returns -1: the cause to raise (tval is the virtual address). */
  faultCause = 0;
  /** Whether the last translation translate() made came from a global mapping (for fill()). */
  private lastGlobal = false;
  /** satp fields, cached at every satp write. */
  private mode: SatpMode = SatpMode.Bare;
  private rootPpn = 0;
  private readonly ramEnd: number;
  /** menvcfg.PBMTE: PTEs may carry Svpbmt memory types (set with menvcfg). */
  pbmte = false;
  /** The hart has Svnapot: a leaf PTE with N set maps a 64 KiB naturally aligned page. */
  svnapot = false;
  /**
   * Virtual page numbers (of the low 48 address bits) spanned by every superpage translate() has
   * used since the last full flush: entries cached from a superpage are per 4 KiB page, and a fence
   * for any address in it must drop them all, so such a fence flushes everything.
   */
  private superpagesLow = Infinity;
  private superpagesHigh = -Infinity;

  constructor(
    private readonly mem: Int32Array,
    ramBytes: number,
    /** A guest physical page no store may be cached for (HTIF tohost), or -1. */
    private readonly watchedPage: number,
    hart: number,
    private readonly codePages: CodePages,
  ) {
    this.ramEnd = RAM_BASE + ramBytes;
    const area = jitByteBase(hart), buffer = mem.buffer;
    // Order matches Access: Fetch, Load, Store.
    this.tlbs = [
      new Tlb(buffer, area + JitArea.FetchTags, area + JitArea.FetchHost),
      new Tlb(buffer, area + JitArea.LoadTags, area + JitArea.LoadHost),
      new Tlb(buffer, area + JitArea.StoreTags, area + JitArea.StoreHost),
    ];
    this.flush();
  }

  flush(): void {
    this.tlbs[0].flush();
    this.tlbs[1].flush();
    this.tlbs[2].flush();
    this.superpagesLow = Infinity;
    this.superpagesHigh = -Infinity;
  }

  /** SFENCE.VMA for the virtual address lo/hi: drops what the TLBs hold for its page, in every context. */
  flushPage(lo: number, hi: number): void {
    const page = Math.floor(((hi & 0xffff) * TWO32 + (lo >>> 0)) / PAGE);
    if (page >= this.superpagesLow && page < this.superpagesHigh) { this.flush(); return; }
    const i = 2 * ((lo >>> 12) & TLB_MASK);
    this.tlbs[0].tags[i] = INVALID_TLB_TAG;
    this.tlbs[1].tags[i] = INVALID_TLB_TAG;
    this.tlbs[2].tags[i] = INVALID_TLB_TAG;
  }

  /** Drops what an SFENCE.VMA of `scope` drops: everything if FlushScope.All is among its bits, else the non-global entries. */
  flushScope(scope: FlushScope): void {
    if ((scope & FlushScope.All) !== 0) this.flush();
    else this.flushNonGlobal();
  }

  /** Drops every entry not made from a global mapping (an SFENCE.VMA for one ASID, another address space). */
  flushNonGlobal(): void {
    this.tlbs[0].flushNonGlobal();
    this.tlbs[1].flushNonGlobal();
    this.tlbs[2].flushNonGlobal();
  }

  setSatp(lo: number, hi: number): void {
    const mode = (hi >>> 28) as SatpMode;
    if (mode !== this.mode || mode === SatpMode.Bare) {
      this.flush();
    } else { // another address space: what global mappings gave holds in it too
      this.flushNonGlobal();
    }
    this.mode = mode;
    this.rootPpn = (hi & 0xfff) * TWO32 + (lo >>> 0);
  }

  isRam(pa: number, size: number): boolean {
    return pa >= RAM_BASE && pa + size <= this.ramEnd;
  }

  /** Host byte offset of a RAM physical address. */
  hostOf(pa: number): number {
    return RAM_OFFSET + (pa - RAM_BASE);
  }

  /**
   * Virtual (lo/hi) to guest physical address, for an access at privilege `priv` (already the
   * effective one, MPRV applied) under mstatus `mstatus` (low word). Returns -1 on a fault and
   * leaves the cause in faultCause.
   */
  translate(lo: number, hi: number, access: Access, priv: number, mstatus: number): number {
    this.lastGlobal = false;
    if (priv === 3 || this.mode === SatpMode.Bare) {
      // Physical addresses above 2^53 cannot name RAM or a device: report them as unmapped.
      if ((hi >>> 21) !== 0) { this.faultCause = accessFaultCause(access); return -1; }
      return (hi >>> 0) * TWO32 + (lo >>> 0);
    }
    const levels = this.mode === SatpMode.Sv39 ? 3 : 4;
    // Bits above the top VPN bit (38 or 47) must all equal it: the address must be canonical.
    const top = levels === 3 ? hi >> 6 : hi >> 15;
    if (top !== 0 && top !== -1) { this.faultCause = pageFaultCause(access); return -1; }
    const va = (hi & 0xffff) * TWO32 + (lo >>> 0); // the low 48 bits, unsigned

    for (;;) { // restarts if another hart changed the PTE while we set its A/D bits
      let table = this.rootPpn * PAGE;
      let global = 0; // a non-leaf PTE's G makes every mapping below it global
      for (let level = levels - 1; level >= 0; level--) {
        const shift = 12 + 9 * level;
        const vpn = Math.floor(va / 2 ** shift) % 512;
        const ptePa = table + vpn * 8;
        if (!this.isRam(ptePa, 8)) { this.faultCause = accessFaultCause(access); return -1; }
        const idx = this.hostOf(ptePa) >>> 2;
        const pteLo = Atomics.load(this.mem, idx);
        const pteHi = this.mem[idx + 1];
        const pteTop = pteHi >>> 22; // N, PBMT, reserved
        if ((pteLo & Pte.V) === 0 || (pteLo & (Pte.R | Pte.W)) === Pte.W || (pteTop !== 0 && !this.validTop(pteTop))) {
          this.faultCause = pageFaultCause(access); return -1;
        }
        let ppn = (pteHi & 0x3fffff) * 4194304 + (pteLo >>> 10);
        global |= pteLo & Pte.G;
        if ((pteLo & (Pte.R | Pte.X)) === 0) { // pointer to the next level
          // A non-leaf PTE's N and PBMT are reserved.
          if (level === 0 || pteTop !== 0) { this.faultCause = pageFaultCause(access); return -1; }
          table = ppn * PAGE;
          continue;
        }
        if (!this.permits(pteLo, access, priv, mstatus)) { this.faultCause = pageFaultCause(access); return -1; }
        let span = 2 ** (9 * level); // pages covered by this leaf
        if ((pteTop & PteTop.N) !== 0) {
          // Svnapot: only 64 KiB pages exist, as level-0 leaves; the low PPN bits come from the address.
          if (level !== 0 || ppn % NAPOT_PAGES !== NAPOT_PPN_SUFFIX) { this.faultCause = pageFaultCause(access); return -1; }
          span = NAPOT_PAGES;
          ppn -= NAPOT_PPN_SUFFIX;
        }
        if (ppn % span !== 0) { this.faultCause = pageFaultCause(access); return -1; } // misaligned superpage
        const want = Pte.A | (access === Access.Store ? Pte.D : 0);
        if ((pteLo & want) !== want) {
          // Hardware A/D update, atomic with respect to the PTE we checked (privileged spec 12.3.2 step 7).
          if (Atomics.compareExchange(this.mem, idx, pteLo, pteLo | want) !== pteLo) break;
        }
        if (span > 1) {
          const first = Math.floor(va / (span * PAGE)) * span;
          if (first < this.superpagesLow) this.superpagesLow = first;
          if (first + span > this.superpagesHigh) this.superpagesHigh = first + span;
        }
        this.lastGlobal = global !== 0;
        return ppn * PAGE + (va % (span * PAGE));
      }
      // Only the A/D race above breaks out of the level loop: walk again.
    }
  }

  /** Whether a PTE's bits 63..54 (`top`, not zero) are legal here: N and PBMT only with their extensions. */
  private validTop(top: number): boolean {
    if ((top & PteTop.Reserved) !== 0) return false;
    const pbmt = (top >>> PteTop.PbmtShift) & 3;
    if (pbmt !== 0 && (!this.pbmte || pbmt === PteTop.PbmtReserved)) return false;
    return (top & PteTop.N) === 0 || this.svnapot;
  }

  private permits(pte: number, access: Access, priv: number, mstatus: number): boolean {
    if ((pte & Pte.U) !== 0) {
      // S-mode may touch user pages only with SUM, and may never execute them.
      if (priv === 1 && (access === Access.Fetch || (mstatus & Mstatus.SUM) === 0)) return false;
    } else if (priv === 0) {
      return false;
    }
    switch (access) {
      case Access.Fetch: return (pte & Pte.X) !== 0;
      case Access.Load: return (pte & Pte.R) !== 0 || ((mstatus & Mstatus.MXR) !== 0 && (pte & Pte.X) !== 0);
      default: return (pte & Pte.W) !== 0;
    }
  }

  /**
   * Caches a translation, made in context `tag`, of the page holding virtual lo/hi to RAM physical
   * address pa: the one translate() has just made (its global bit comes with it).
   */
  fill(access: Access, lo: number, hi: number, pa: number, tag: number): void {
    const pagePa = pa - (pa % PAGE);
    if (!this.isRam(pagePa, PAGE)) return;
    if (access === Access.Store && (pagePa === this.watchedPage || this.codePages.hasCode(pagePa))) return; // stores there must be seen
    const tlb = this.tlbs[access];
    const i = (lo >>> 12) & TLB_MASK;
    tlb.tags[2 * i + 1] = hi ^ tag;
    tlb.host[i] = this.hostOf(pagePa);
    tlb.noteFill(i, this.lastGlobal);
    if (access !== Access.Store) {
      tlb.tags[2 * i] = lo & ~0xfff;
    } else {
      Atomics.store(tlb.tags, 2 * i, lo & ~0xfff);
      // A translator may have marked the page meanwhile, missing this entry in its sweep: recheck.
      if (this.codePages.hasCode(pagePa)) Atomics.store(tlb.tags, 2 * i, INVALID_TLB_TAG);
    }
  }
}

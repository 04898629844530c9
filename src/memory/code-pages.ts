/**
 * @fileoverview Which pages of guest RAM hold code the JIT has translated, shared by every hart and
 * the device models, so that a write to that code, from any thread, invalidates the translations.
 *
 * Two words per 4 KiB page of RAM, in the shared memory at CODE_PAGES_BASE:
 *   mask        bit c set: chunk c (128 bytes) of the page holds translated code;
 *   generation  bumped on every write that hits a chunk in the mask.
 * A block records its page's generation when it is translated; a hart drops the blocks whose page
 * generation has moved on (at FENCE.I, and at its next block boundary after being told).
 *
 * Stores reach a page with code only through slow paths: no hart's store TLB may hold an entry for
 * such a page (Mmu.fill checks the mask, markCode drops existing entries), so the fast store paths of
 * the interpreter and of compiled code never need a check. The slow paths and device DMA call
 * noteWrite() after they write.
 *
 * Ordering, with every mask and generation access an Atomics (sequentially consistent) operation:
 * a translator sets the mask bit, then reads the generation, then reads the code; a writer writes,
 * then reads the mask, then bumps the generation. Either the writer sees the bit (and the block is
 * dropped unless it read the code after the write), or the write came before the bit was set (and
 * the translator read the written code). A page that keeps being written beside its code (64 times
 * from one thread) is given up, as it has most likely been reused for data; its code, if still
 * hot, is simply translated again. One window is left, as in QEMU: a store by another hart
 * through a store TLB entry it looked up just before markCode dropped it may land unnoticed. Such a
 * store races with the translation itself, and RISC-V promises nothing to code that fetches what
 * another hart is concurrently writing.
 */

import {
  CODE_PAGES_BASE, Control, Global, INVALID_TLB_TAG, JitArea, RAM_OFFSET, TLB_ENTRIES, controlWordBase, jitByteBase,
} from './layout.ts';
import { RAM_BASE } from './machine-map.ts';

const PAGE = 4096;
const CHUNK_SHIFT = 7; // 128-byte chunks: 32 of them per page, one bit each

/** Writes beside a page's code (on one thread) after which the page is treated as data again. */
const WRITES_BEFORE_RELEASE = 64;

export class CodePages {
  private readonly words: Int32Array;
  /** Per page with code (by word index): writes from this thread that missed its code chunks. */
  private readonly missedWrites = new Map<number, number>();
  private readonly mem: Int32Array;

  constructor(buffer: SharedArrayBuffer, ramBytes: number) {
    this.words = new Int32Array(buffer, CODE_PAGES_BASE, Math.ceil(ramBytes / PAGE) * 2);
    this.mem = new Int32Array(buffer);
  }

  private index(pa: number): number {
    return Math.floor((pa - RAM_BASE) / PAGE) * 2;
  }

  /**
   * Marks [pa, pa + size) (within one page) as translated code and returns the page's generation, which the
   * caller must read before reading the code (see the file comment). The first code on a page also
   * drops every hart's store TLB entries for it.
   */
  markCode(pa: number, size: number): number {
    const i = this.index(pa);
    const old = Atomics.or(this.words, i, CodePages.rangeBits(pa, size));
    if (old === 0) this.dropStoreEntries(RAM_OFFSET + (pa - RAM_BASE) - (pa & 0xfff));
    return Atomics.load(this.words, i + 1);
  }

  /** The page's current generation. */
  generation(pa: number): number {
    return Atomics.load(this.words, this.index(pa) + 1);
  }

  /** Whether any translated code lives on the page of RAM physical address pa. */
  hasCode(pa: number): boolean {
    return Atomics.load(this.words, this.index(pa)) !== 0;
  }

  /**
   * Called after a write of `size` bytes at RAM physical address pa by anything but a fast store
   * path: if it hit translated code, every translation from that page is now stale.
   */
  noteWrite(pa: number, size: number): void {
    const end = pa + size;
    for (let at = pa; at < end;) {
      const pageEnd = at - (at & 0xfff) + PAGE;
      const stop = Math.min(end, pageEnd);
      const i = this.index(at);
      const mask = Atomics.load(this.words, i);
      if (mask !== 0) {
        if ((mask & CodePages.rangeBits(at, stop - at)) !== 0) {
          this.invalidate(i, mask);
        } else {
          // A write beside the code. A page that keeps taking them has most likely been reused for
          // data (the guest freed the code): give it up, so its stores go fast again.
          const misses = (this.missedWrites.get(i) ?? 0) + 1;
          if (misses >= WRITES_BEFORE_RELEASE) { this.missedWrites.delete(i); this.invalidate(i, mask); }
          else this.missedWrites.set(i, misses);
        }
      }
      at = stop;
    }
  }

  /** Chunk bits of [pa, pa + size) within one page, any size up to the page's end. */
  private static rangeBits(pa: number, size: number): number {
    const first = (pa & 0xfff) >>> CHUNK_SHIFT;
    const last = ((pa + size - 1) & 0xfff) >>> CHUNK_SHIFT;
    const upTo = last === 31 ? -1 : (1 << (last + 1)) - 1;
    return upTo & ~((1 << first) - 1);
  }

  private invalidate(i: number, seenMask: number): void {
    Atomics.add(this.words, i + 1, 1);
    // Only the bits seen go: a bit a translator sets meanwhile belongs to code read after this write.
    Atomics.and(this.words, i, ~seenMask);
    const harts = Math.max(1, Atomics.load(this.mem, Global.Harts));
    for (let h = 0; h < harts; h++) {
      Atomics.store(this.mem, controlWordBase(h) + Control.CodeWritten, 1);
      Atomics.add(this.mem, controlWordBase(h) + Control.Wake, 1); // a hart in compiled code leaves it soon
    }
  }

  /** Empties every hart's store TLB entries that point at the page at buffer offset `host`. */
  private dropStoreEntries(host: number): void {
    const harts = Math.max(1, Atomics.load(this.mem, Global.Harts));
    for (let h = 0; h < harts; h++) {
      const tags = (jitByteBase(h) + JitArea.StoreTags) >> 2;
      const hosts = (jitByteBase(h) + JitArea.StoreHost) >> 2;
      for (let t = 0; t < TLB_ENTRIES; t++) {
        if (this.mem[hosts + t] === (host | 0) && this.mem[tags + 2 * t] !== INVALID_TLB_TAG) {
          Atomics.store(this.mem, tags + 2 * t, INVALID_TLB_TAG);
        }
      }
    }
  }
}

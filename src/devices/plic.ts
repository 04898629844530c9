/**
 * @fileoverview The platform-level interrupt controller of the QEMU virt machine (sifive,plic-1.0.0):
 * 96 level-triggered sources, two contexts per hart (M then S), claim/complete per context.
 */

import type { IrqLine, MmioDevice } from './device.ts';
import { PLIC_SIZE, PLIC_SOURCES } from '../memory/machine-map.ts';

/** 32-bit words in one bitmask over the sources. */
const WORDS = PLIC_SOURCES / 32;
/** QEMU virt implements 3 bits of priority (VIRT_IRQCHIP_NUM_PRIO_BITS): priorities and thresholds 0..7. */
const PRIORITY_MASK = 0x7;

// The memory map of the SiFive PLIC, which the riscv-plic-spec adopted.
const enum Layout {
  /** Source priorities, one 32-bit word per source (word 0, for source 0, is reserved). */
  Priority = 0x00_0000,
  /** Pending bits, 32 sources per word; read-only. */
  Pending = 0x00_1000,
  /** Enable bits, one block of 0x80 bytes per context. */
  Enable = 0x00_2000,
  EnableStride = 0x80,
  /** Per-context registers: the priority threshold, then claim (read) / complete (write). */
  Context = 0x20_0000,
  ContextStride = 0x1000,
  Threshold = 0x0,
  ClaimComplete = 0x4,
}

/**
 * A PLIC as the riscv-plic-spec describes it, with QEMU virt's parameters. State is a handful of
 * bitmasks over the sources (line levels, pending, claimed, enabled per context) scanned a word at
 * a time with count-trailing-zeros.
 *
 * Sources are level-triggered: the gateway makes a source pending while its line is high and it is
 * not claimed, and, as QEMU does, a line that drops before the claim takes the pending bit with it.
 * A claim returns the enabled pending source of highest priority above the context's threshold (the
 * lowest id among equals), clears its pending bit and marks it in flight; a completion ends the
 * flight, and a line still high makes the source pending again. A context's output (its hart's MEIP
 * or SEIP) is high while a claim would return a source; `output` hears only the changes.
 *
 * Registers are 32 bits wide and accessed 32 bits at a time; any other access, or an offset that is
 * no register, is reported once per offset through console.warn and ignored (reads return 0).
 */
export class Plic implements MmioDevice {
  private readonly contexts: number;
  private readonly priority = new Uint8Array(PLIC_SOURCES);
  /** The devices' lines as last set. */
  private readonly level = new Uint32Array(WORDS);
  private readonly pending = new Uint32Array(WORDS);
  /** Sources claimed and not yet completed: in flight, never pending at the same time. */
  private readonly claimed = new Uint32Array(WORDS);
  /** WORDS words per context, context after context. */
  private readonly enable: Uint32Array;
  private readonly threshold: Uint8Array;
  /** Each context's output level as last reported (0 or 1). */
  private readonly outputLevel: Uint8Array;
  private readonly lines: (IrqLine | undefined)[] = [];
  private readonly warned = new Set<number>();

  constructor(
    harts: number,
    private readonly output: (hart: number, supervisor: boolean, level: boolean) => void,
  ) {
    // The context registers must fit in the window: (PLIC_SIZE - Context) / ContextStride contexts.
    const maxHarts = (PLIC_SIZE - Layout.Context) / Layout.ContextStride / 2;
    if (!Number.isInteger(harts) || harts < 1 || harts > maxHarts) {
      throw new RangeError(`PLIC: ${harts} harts; expected an integer from 1 to ${maxHarts}`);
    }
    this.contexts = 2 * harts;
    this.enable = new Uint32Array(this.contexts * WORDS);
    this.threshold = new Uint8Array(this.contexts);
    this.outputLevel = new Uint8Array(this.contexts);
  }

  /** The line for a source, to hand to a device (1..95). The same object for every call. */
  line(source: number): IrqLine {
    if (!Number.isInteger(source) || source < 1 || source >= PLIC_SOURCES) {
      throw new RangeError(`PLIC: no interrupt source ${source}; sources are 1 to ${PLIC_SOURCES - 1}`);
    }
    let line = this.lines[source];
    if (line === undefined) {
      line = { set: (level: boolean) => this.setLevel(source, level) };
      this.lines[source] = line;
    }
    return line;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4 || (offset & 3) !== 0) return this.ignoredRead(offset, size);
    if (offset < Layout.Pending) {
      const source = offset >> 2;
      if (source < PLIC_SOURCES) return this.priority[source];
    } else if (offset < Layout.Enable) {
      const word = (offset - Layout.Pending) >> 2;
      if (word < WORDS) return this.pending[word];
    } else if (offset < Layout.Context) {
      const ctx = Math.floor((offset - Layout.Enable) / Layout.EnableStride);
      const word = ((offset - Layout.Enable) % Layout.EnableStride) >> 2;
      if (ctx < this.contexts && word < WORDS) return this.enable[ctx * WORDS + word];
    } else {
      const ctx = Math.floor((offset - Layout.Context) / Layout.ContextStride);
      if (ctx < this.contexts) {
        switch ((offset - Layout.Context) % Layout.ContextStride) {
          case Layout.Threshold:
            return this.threshold[ctx];
          case Layout.ClaimComplete:
            return this.claim(ctx);
        }
      }
    }
    return this.ignoredRead(offset, size);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || (offset & 3) !== 0) {
      this.ignoredWrite(offset, size, value);
      return;
    }
    if (offset < Layout.Pending) {
      const source = offset >> 2;
      if (source < PLIC_SOURCES) {
        // Source 0 does not exist: its word is reserved and reads 0.
        if (source !== 0) {
          this.priority[source] = value & PRIORITY_MASK;
          this.updateSource(source);
        }
        return;
      }
    } else if (offset < Layout.Enable) {
      // The pending bits are read-only: only the gateways and claims change them.
    } else if (offset < Layout.Context) {
      const ctx = Math.floor((offset - Layout.Enable) / Layout.EnableStride);
      const word = ((offset - Layout.Enable) % Layout.EnableStride) >> 2;
      if (ctx < this.contexts && word < WORDS) {
        // Source 0's enable bit is hardwired to 0.
        this.enable[ctx * WORDS + word] = word === 0 ? value & ~1 : value;
        this.updateContext(ctx);
        return;
      }
    } else {
      const ctx = Math.floor((offset - Layout.Context) / Layout.ContextStride);
      if (ctx < this.contexts) {
        switch ((offset - Layout.Context) % Layout.ContextStride) {
          case Layout.Threshold:
            this.threshold[ctx] = value & PRIORITY_MASK;
            this.updateContext(ctx);
            return;
          case Layout.ClaimComplete:
            this.complete(ctx, value >>> 0);
            return;
        }
      }
    }
    this.ignoredWrite(offset, size, value);
  }

  /** The gateway of a level-triggered source. */
  private setLevel(source: number, high: boolean): void {
    const word = source >> 5;
    const bit = 1 << (source & 31);
    if (high) {
      if (this.level[word] & bit) return;
      this.level[word] |= bit;
      // An in-flight source is not pending again until its completion.
      if (this.claimed[word] & bit) return;
      this.pending[word] |= bit;
    } else {
      if (!(this.level[word] & bit)) return;
      this.level[word] &= ~bit;
      if (!(this.pending[word] & bit)) return;
      this.pending[word] &= ~bit;
    }
    this.updateSource(source);
  }

  private claim(ctx: number): number {
    const source = this.best(ctx);
    if (source === 0) return 0;
    const word = source >> 5;
    const bit = 1 << (source & 31);
    this.pending[word] &= ~bit;
    this.claimed[word] |= bit;
    this.updateSource(source);
    return source;
  }

  /**
   * Ends the flight of a claimed source. The spec has a completion for a source not enabled for the
   * context ignored silently (Linux's plic_irq_eoi enables the source around it for that reason).
   */
  private complete(ctx: number, source: number): void {
    if (source === 0 || source >= PLIC_SOURCES) return;
    const word = source >> 5;
    const bit = 1 << (source & 31);
    if (!(this.enable[ctx * WORDS + word] & bit) || !(this.claimed[word] & bit)) return;
    this.claimed[word] &= ~bit;
    if (!(this.level[word] & bit)) return;
    this.pending[word] |= bit;
    this.updateSource(source);
  }

  /**
   * The source a claim by ctx would return: the pending enabled source of highest priority above
   * the threshold, the lowest id among equals; 0 if none. Since priorities are compared strictly
   * with a threshold of at least 0, a source of priority 0 is never chosen.
   */
  private best(ctx: number): number {
    let bestPriority = this.threshold[ctx];
    let bestSource = 0;
    const base = ctx * WORDS;
    for (let word = 0; word < WORDS; word++) {
      let bits = this.pending[word] & this.enable[base + word];
      while (bits !== 0) {
        const low = bits & -bits;
        const source = (word << 5) | (31 - Math.clz32(low));
        const priority = this.priority[source];
        // Scanning upwards, strictly greater keeps the lowest id among equal priorities.
        if (priority > bestPriority) {
          bestPriority = priority;
          bestSource = source;
        }
        bits ^= low;
      }
    }
    return bestSource;
  }

  /** Re-evaluates the contexts a change to this source's pending bit or priority can affect. */
  private updateSource(source: number): void {
    const word = source >> 5;
    const bit = 1 << (source & 31);
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      if (this.enable[ctx * WORDS + word] & bit) this.updateContext(ctx);
    }
  }

  private updateContext(ctx: number): void {
    const level = this.best(ctx) !== 0 ? 1 : 0;
    if (level === this.outputLevel[ctx]) return;
    this.outputLevel[ctx] = level;
    // Context 2h is hart h's M-mode external interrupt, 2h + 1 its S-mode one.
    this.output(ctx >> 1, (ctx & 1) === 1, level === 1);
  }

  private ignoredRead(offset: number, size: number): number {
    this.warnOnce(offset, `ignored a ${size}-byte read`);
    return 0;
  }

  private ignoredWrite(offset: number, size: number, value: number): void {
    this.warnOnce(offset, `ignored a ${size}-byte write of 0x${(value >>> 0).toString(16)}`);
  }

  private warnOnce(offset: number, what: string): void {
    if (this.warned.has(offset)) return;
    this.warned.add(offset);
    console.warn(
      `plic: ${what} at offset 0x${offset.toString(16)} (no such 32-bit register); further accesses there are not reported`,
    );
  }
}

/**
 * @fileoverview The part of the UART that vCPUs serve themselves. A console driver polls LSR and
 * writes THR once per byte; through the MMIO mailbox each of those accesses is a round trip to the
 * main thread (about 20-40 µs on this host), which made printing the kernel log a third of a Linux
 * boot. The two accesses have no side effects the main thread must see at once, so a vCPU handles
 * them here, against shared memory:
 *
 *   - a THR write puts the byte in a transmit ring; the main thread's UART takes the bytes from
 *     there, sends them to the console and raises the THRE interrupt as a transmitter would;
 *   - an LSR, IER, IIR or MSR read returns the value the UART last published, when reading it
 *     clears nothing (no error bit, no THRE interrupt to acknowledge, no modem status change);
 *   - an IER write that changes nothing (a console driver saves IER, clears it, prints, and
 *     writes it back: before any tty is open, every one of those writes leaves IER as it was).
 *
 * The UART publishes shadow words after every change of its registers: whether a THR write is
 * plain transmission (no divisor latch, no loopback) and the values of the registers above.
 * Every other access, and these two whenever the shadow says no, goes through the mailbox as before;
 * the UART takes what is in the ring before it serves any access, so the guest sees its writes in
 * program order. The ring takes bytes from several harts under a small lock: a guest serializes its
 * console with locks of its own, and the order it gives the bytes is the order they leave in.
 */

import { Global, UART_TX_RING_BASE, UART_TX_RING_BYTES } from '../memory/layout.ts';

const THR_OFFSET = 0;
const IER_OFFSET = 1;
const IIR_OFFSET = 2;
const LSR_OFFSET = 5;
const MSR_OFFSET = 6;
/** IER's defined bits: a write keeps only these. */
const IER_MASK = 0x0f;

const enum ShadowBit {
  /** A THR write only transmits: DLAB is clear and the UART is not in loopback. */
  TxFast = 1,
  /** Reading LSR has no side effect (no error bit to clear); the value is in bits 8-15. */
  LsrFast = 2,
  LsrShift = 8,
}

/** UartShadowRegs: a byte per register, its bit 8 set when the value may be read here. */
const enum RegsShift { Ier = 0, Iir = 9, Msr = 18 }
const READ_HERE = 0x100;

/** How long a vCPU spins for the ring's lock before it sends its byte through the mailbox instead. */
const LOCK_SPINS = 256;

export class UartShared {
  private readonly mem: Int32Array;
  private readonly ring: Uint8Array;
  private stopped = false;

  constructor(buffer: SharedArrayBuffer) {
    this.mem = new Int32Array(buffer);
    this.ring = new Uint8Array(buffer, UART_TX_RING_BASE, UART_TX_RING_BYTES);
  }

  // ---- UART side (main thread) ----

  /**
   * Publishes what vCPUs may do themselves. Each register value is -1 when a vCPU must not serve
   * it: reading it has effects, or (IER) the divisor latch is on that offset.
   */
  publish(txFast: boolean, regs: { lsr: number; ier: number; iir: number; msr: number }): void {
    const shadow = (txFast ? ShadowBit.TxFast : 0) | (regs.lsr >= 0 ? ShadowBit.LsrFast | (regs.lsr << ShadowBit.LsrShift) : 0);
    const byte = (v: number, shift: RegsShift): number => (v >= 0 ? (READ_HERE | v) << shift : 0);
    Atomics.store(this.mem, Global.UartShadowRegs, byte(regs.ier, RegsShift.Ier) | byte(regs.iir, RegsShift.Iir) | byte(regs.msr, RegsShift.Msr));
    Atomics.store(this.mem, Global.UartShadow, shadow);
  }

  /** Takes the bytes vCPUs put in the ring since the last call, oldest first; undefined if none. */
  take(): Uint8Array | undefined {
    const m = this.mem;
    const tail = Atomics.load(m, Global.UartTxTail);
    const head = m[Global.UartTxHead];
    if (tail === head) return undefined;
    const bytes = new Uint8Array((tail - head) | 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.ring[(head + i) & (UART_TX_RING_BYTES - 1)];
    Atomics.store(m, Global.UartTxHead, tail);
    return bytes;
  }

  /** Calls `ready` on the main thread's event loop whenever bytes arrive in an empty ring, until stop(). */
  watch(ready: () => void): void {
    const loop = (): void => {
      while (!this.stopped) {
        const bell = Atomics.load(this.mem, Global.UartTxBell);
        ready();
        const waiting = Atomics.waitAsync(this.mem, Global.UartTxBell, bell);
        if (waiting.async) { void waiting.value.then(loop); return; }
      }
    };
    loop();
  }

  /** Ends watch(); a last waitAsync still pending resolves when the machine's memory goes. */
  stop(): void {
    this.stopped = true;
    Atomics.add(this.mem, Global.UartTxBell, 1);
    Atomics.notify(this.mem, Global.UartTxBell);
  }

  // ---- vCPU side ----

  /** Serves a register read if it can be served here: true with the value in result[0..1]. */
  tryRead(offset: number, size: number, result: Int32Array): boolean {
    if (size > 4) return false;
    let value: number;
    switch (offset & 7) {
      case LSR_OFFSET: {
        const shadow = Atomics.load(this.mem, Global.UartShadow);
        if ((shadow & ShadowBit.LsrFast) === 0) return false;
        value = (shadow >>> ShadowBit.LsrShift) & 0xff;
        break;
      }
      case IER_OFFSET: value = this.published(RegsShift.Ier); break;
      case IIR_OFFSET: value = this.published(RegsShift.Iir); break;
      case MSR_OFFSET: value = this.published(RegsShift.Msr); break;
      default: return false;
    }
    if (value < 0) return false;
    result[0] = value;
    result[1] = 0;
    return true;
  }

  /** A register's published value, or -1 if it must be read from the UART. */
  private published(shift: RegsShift): number {
    const regs = Atomics.load(this.mem, Global.UartShadowRegs) >>> shift;
    return (regs & READ_HERE) !== 0 ? regs & 0xff : -1;
  }

  /** Serves a register write if it can be served here; false sends it through the mailbox. */
  tryWrite(offset: number, size: number, value: number): boolean {
    if (size > 4) return false;
    // An IER write that leaves IER as it is has no effect at all.
    if ((offset & 7) === IER_OFFSET) return (value & IER_MASK) === this.published(RegsShift.Ier);
    if ((offset & 7) !== THR_OFFSET) return false;
    const m = this.mem;
    if ((Atomics.load(m, Global.UartShadow) & ShadowBit.TxFast) === 0) return false;
    for (let spins = 0; Atomics.compareExchange(m, Global.UartTxLock, 0, 1) !== 0; spins++) {
      // The holder may be a descheduled vCPU: rather than wait on it, let the UART serve this byte.
      if (spins === LOCK_SPINS) return false;
    }
    const head = Atomics.load(m, Global.UartTxHead);
    const tail = m[Global.UartTxTail];
    const full = tail - head >= UART_TX_RING_BYTES;
    if (!full) {
      this.ring[tail & (UART_TX_RING_BYTES - 1)] = value;
      Atomics.store(m, Global.UartTxTail, (tail + 1) | 0);
    }
    Atomics.store(m, Global.UartTxLock, 0);
    if (full) return false;
    // Head read after the byte went in: if the main thread had taken everything before it, it may be
    // asleep (or about to sleep) without having seen this byte, so ring. A wait on the bell word it
    // read before taking then returns at once.
    if (Atomics.load(m, Global.UartTxHead) === tail) {
      Atomics.add(m, Global.UartTxBell, 1);
      Atomics.notify(m, Global.UartTxBell);
    }
    return true;
  }
}

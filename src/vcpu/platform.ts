/**
 * @fileoverview What a hart sees around it when it runs in a vCPU worker: the CLINT served locally
 * from shared control words, every other device through the MMIO mailbox to the VMM, the shared
 * clock, and HTIF (tohost/fromhost) for programs built in the riscv-tests and Spike convention.
 */

import type { HartPlatform } from '../cpu/hart-platform.ts';
import { Clint } from '../devices/clint.ts';
import { UartShared } from '../devices/uart-shared.ts';
import { RAM_OFFSET, StopReason, requestStop } from '../memory/layout.ts';
import { MailboxKind } from '../memory/mailbox.ts';
import type { MachineClock } from '../memory/clock.ts';
import { MailboxClient } from './mailbox-client.ts';
import { RAM_BASE, UART_BASE, UART_SIZE, CLINT_BASE, CLINT_SIZE } from '../memory/machine-map.ts';

const TWO32 = 4294967296;

export class VcpuPlatform implements HartPlatform {
  private readonly clint: Clint;
  /** The UART's transmit ring and LSR, which this hart serves itself when the UART allows. */
  private readonly uart: UartShared;
  readonly mailbox: MailboxClient;

  constructor(
    private readonly mem: Int32Array,
    hart: number,
    private readonly harts: number,
    private readonly clock: MachineClock,
    readonly tohost: number,
    private readonly fromhost: number,
  ) {
    this.clint = new Clint(mem, harts, clock, hart);
    this.uart = new UartShared(mem.buffer as SharedArrayBuffer);
    this.mailbox = new MailboxClient(mem, hart);
  }

  mmioRead(pa: number, size: number, result: Int32Array): boolean {
    if (pa >= CLINT_BASE && pa < CLINT_BASE + CLINT_SIZE) return this.clint.read(pa - CLINT_BASE, size, result);
    if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE && this.uart.tryRead(pa - UART_BASE, size, result)) return true;
    return this.mailbox.request(pa, size, false, 0, 0, result);
  }

  mmioWrite(pa: number, size: number, lo: number, hi: number): boolean {
    if (pa >= CLINT_BASE && pa < CLINT_BASE + CLINT_SIZE) return this.clint.write(pa - CLINT_BASE, size, lo, hi);
    if (pa >= UART_BASE && pa < UART_BASE + UART_SIZE && this.uart.tryWrite(pa - UART_BASE, size, lo)) return true;
    return this.mailbox.request(pa, size, true, lo, hi, scratch);
  }

  mtime(): number {
    return this.clock.mtime();
  }

  /**
   * HTIF: bits 63:56 of tohost name the device, 55:48 the command. Device 0 command 0 with bit 0 set
   * is "exit with code payload >> 1"; device 1 command 1 writes a character to the console.
   */
  tohostWritten(lo: number, hi: number): void {
    const device = hi >>> 24, command = (hi >>> 16) & 0xff;
    if (device === 0 && command === 0 && (lo & 1) !== 0) {
      const code = Math.floor(((hi & 0xffff) * TWO32 + (lo >>> 0)) / 2);
      if (code === 0) requestStop(this.mem, this.harts, StopReason.Pass, 0);
      else requestStop(this.mem, this.harts, StopReason.Fail, code > 255 ? 255 : code);
      return;
    }
    if (device === 1 && command === 1) {
      this.mailbox.request(lo & 0xff, 1, false, 0, 0, scratch, MailboxKind.ConsolePutByte);
      this.writeWord(this.tohost, 0, 0);
      if (this.fromhost >= 0) this.writeWord(this.fromhost, 1, (1 << 24) | (1 << 16));
    }
  }

  private writeWord(pa: number, lo: number, hi: number): void {
    const i = (RAM_OFFSET + (pa - RAM_BASE)) >>> 2;
    Atomics.store(this.mem, i, lo);
    Atomics.store(this.mem, i + 1, hi);
  }
}

const scratch = new Int32Array(2);

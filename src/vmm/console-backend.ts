/**
 * @fileoverview The VMM's side of the SBI console (DBCN and the legacy putchar/getchar, HTIF console
 * output): bytes from guest RAM to the host console, and host input queued for the guest's reads.
 */

import { MailboxKind } from '../memory/mailbox.ts';
import { RAM_BASE } from '../memory/machine-map.ts';

/** Where console output goes. */
export interface ConsoleOutput {
  output(bytes: Uint8Array): void;
}

/**
 * The VMM's side of the SBI console: output from guest RAM to the host console, input queued for
 * the guest's reads. Input is routed here (rather than to the UART) once the guest reads through SBI.
 */
export class SbiConsoleBackend {
  inUse = false;
  private readonly input: number[] = [];

  constructor(private readonly ram: Uint8Array, private readonly ramBytes: number, private readonly io: ConsoleOutput) {}

  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.input.push(b);
  }

  serve(kind: MailboxKind, arg: number, length: number): number {
    switch (kind) {
      case MailboxKind.ConsolePutByte:
        this.io.output(Uint8Array.of(arg & 0xff));
        return 1;
      case MailboxKind.ConsoleGetByte:
        this.inUse = true;
        return this.input.length > 0 ? this.input.shift()! : -1;
      case MailboxKind.ConsoleWrite: {
        const offset = this.ramOffset(arg, length);
        if (offset < 0) return -1;
        this.io.output(this.ram.slice(offset, offset + length));
        return length;
      }
      case MailboxKind.ConsoleRead: {
        this.inUse = true;
        const offset = this.ramOffset(arg, length);
        if (offset < 0) return -1;
        const n = Math.min(length, this.input.length);
        this.ram.set(this.input.splice(0, n), offset);
        return n;
      }
      default:
        return -1;
    }
  }

  private ramOffset(pa: number, length: number): number {
    const offset = pa - RAM_BASE;
    return offset >= 0 && length >= 0 && offset + length <= this.ramBytes ? offset : -1;
  }
}

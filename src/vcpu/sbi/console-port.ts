/**
 * @fileoverview The SBI console as a vCPU worker reaches it: every request goes through the hart's
 * MMIO mailbox to the VMM, which owns the host console, so output from all harts and devices stays
 * in one order.
 */

import { MailboxKind } from '../../memory/mailbox.ts';
import type { MailboxClient } from '../mailbox-client.ts';
import type { SbiConsole } from './context.ts';

export class MailboxConsole implements SbiConsole {
  private readonly result = new Int32Array(2);

  constructor(private readonly mailbox: MailboxClient) {}

  private call(kind: MailboxKind, arg: number, length: number): number {
    this.mailbox.request(arg, length, false, 0, 0, this.result, kind);
    return this.result[0];
  }

  write(pa: number, length: number): number {
    return this.call(MailboxKind.ConsoleWrite, pa, length);
  }

  read(pa: number, length: number): number {
    return this.call(MailboxKind.ConsoleRead, pa, length);
  }

  writeByte(byte: number): void {
    this.call(MailboxKind.ConsolePutByte, byte, 1);
  }

  readByte(): number {
    return this.call(MailboxKind.ConsoleGetByte, 0, 1);
  }
}

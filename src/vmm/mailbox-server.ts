/**
 * @fileoverview The main thread's end of the MMIO exit mailbox (memory/mailbox.ts): serves every
 * hart's requests from the event loop, woken through Atomics.waitAsync, on the machine's bus and
 * console. No postMessage.
 */

import { MailboxKind, MailboxState, mailboxStateWord, readRequest, writeReply } from '../memory/mailbox.ts';

/** How long the VMM keeps watching a mailbox after a request before going back to waitAsync. */
const FOLLOW_UP_WINDOW_MS = 0.05;

export interface MmioHandler {
  read(pa: number, size: number): { lo: number; hi: number } | undefined;
  write(pa: number, size: number, lo: number, hi: number): boolean;
  /**
   * Console requests (SBI DBCN and legacy putchar/getchar, HTIF): `arg` is a guest physical address,
   * or the byte for ConsolePutByte. Returns the byte count (or the byte read); -1 for a bad address
   * or, for ConsoleGetByte, no input.
   */
  console(kind: MailboxKind, arg: number, length: number): number;
}

export class MailboxServer {
  private closed = false;

  constructor(private readonly mem: Int32Array, private readonly harts: number, private readonly handler: MmioHandler) {}

  start(): void {
    for (let h = 0; h < this.harts; h++) this.listen(h);
  }

  close(): void {
    this.closed = true;
  }

  private listen(hart: number): void {
    const index = mailboxStateWord(hart);
    const loop = (): void => {
      while (!this.closed) {
        const state = Atomics.load(this.mem, index);
        if (state === MailboxState.Request) {
          this.serve(hart);
          this.awaitFollowUp(index);
          continue;
        }
        const waiting = Atomics.waitAsync(this.mem, index, state);
        if (waiting.async) { void waiting.value.then(loop); return; }
      }
    };
    loop();
  }

  /**
   * Device drivers come in bursts (poll LSR, write THR, poll again): after serving, watch the
   * mailbox for a short, bounded moment, since waking through Atomics.waitAsync and the event loop
   * costs tens of microseconds more than catching the next request here.
   */
  private awaitFollowUp(index: number): void {
    const deadline = performance.now() + FOLLOW_UP_WINDOW_MS;
    for (let i = 0; ; i++) {
      const state = Atomics.load(this.mem, index);
      if (state === MailboxState.Request) return;
      if ((i & 63) === 63 && performance.now() > deadline) return;
    }
  }

  private serve(hart: number): void {
    const req = readRequest(this.mem, hart);
    if (req.kind !== MailboxKind.Mmio) {
      writeReply(this.mem, hart, false, this.handler.console(req.kind, req.addr, req.size), 0);
    } else if (req.write) {
      writeReply(this.mem, hart, !this.handler.write(req.addr, req.size, req.lo, req.hi), req.lo, req.hi);
    } else {
      const value = this.handler.read(req.addr, req.size);
      writeReply(this.mem, hart, value === undefined, value?.lo ?? 0, value?.hi ?? 0);
    }
  }
}

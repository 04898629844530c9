/**
 * @fileoverview The vCPU's end of the MMIO exit mailbox (memory/mailbox.ts): posts a device access
 * or console request for the main thread and waits for the reply, first watching briefly (a VMM
 * that is awake answers in a few microseconds), then sleeping on the state word.
 */

import { Global } from '../memory/layout.ts';
import { MailboxKind, MailboxState, mailboxStateWord, readReply, writeRequest } from '../memory/mailbox.ts';

/**
 * How long a hart watches for the reply before it sleeps: a VMM that is awake answers a device
 * register access in a few microseconds, while a futex sleep and wake-up costs tens.
 */
const REPLY_SPIN_MS = 0.03;

export class MailboxClient {
  private readonly state: number;

  constructor(private readonly mem: Int32Array, private readonly hart: number) {
    this.state = mailboxStateWord(hart);
  }

  /** Performs an access through the VMM. Returns false when nothing is mapped there (or the machine is stopping). */
  request(pa: number, size: number, write: boolean, lo: number, hi: number, result: Int32Array,
    kind: MailboxKind = MailboxKind.Mmio): boolean {
    const m = this.mem, state = this.state;
    writeRequest(m, this.hart, kind, pa, size, write, lo, hi);
    const deadline = performance.now() + REPLY_SPIN_MS;
    for (let i = 1; Atomics.load(m, state) === MailboxState.Request; i++) {
      if ((i & 31) === 0 && performance.now() > deadline) break;
    }
    while (Atomics.load(m, state) === MailboxState.Request) {
      if (Atomics.load(m, Global.Stop) !== 0) return false;
      Atomics.wait(m, state, MailboxState.Request, 100);
    }
    return readReply(m, this.hart, result);
  }
}

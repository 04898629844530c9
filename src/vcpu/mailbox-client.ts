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

/** How long a hart that sees the machine stopping still waits for the reply to its access. */
const STOP_REPLY_WAIT_MS = 20;

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
      if (Atomics.load(m, Global.Stop) !== 0) {
        // The access may be what stopped the machine (the finisher), its reply a moment away: the
        // VMM stops the machine inside the device's handler and replies after. Give it that moment,
        // so that the access completes (and retires) as it did; a VMM that stopped for another
        // reason may never answer.
        Atomics.wait(m, state, MailboxState.Request, STOP_REPLY_WAIT_MS);
        if (Atomics.load(m, state) === MailboxState.Request) return false;
        break;
      }
      Atomics.wait(m, state, MailboxState.Request, 100);
    }
    return readReply(m, this.hart, result);
  }
}

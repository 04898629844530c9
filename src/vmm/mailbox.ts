/**
 * @fileoverview The MMIO exit mailbox: how a vCPU worker asks the main thread to perform a device
 * access, like a KVM_EXIT_MMIO. The worker posts the request in its control words and sleeps on
 * the mailbox word; the VMM, woken through Atomics.waitAsync, performs the access on its bus and
 * posts the reply. One outstanding request per hart, no postMessage.
 */

import { Control, Global, MailboxKind, MailboxState, controlWordBase } from '../memory/layout.ts';

/** How long the VMM keeps watching a mailbox after a request before going back to waitAsync. */
const FOLLOW_UP_WINDOW_MS = 0.05;
/**
 * How long a hart watches for the reply before it sleeps: a VMM that is awake answers a device
 * register access in a few microseconds, while a futex sleep and wake-up costs tens.
 */
const REPLY_SPIN_MS = 0.03;

/** Worker side. */
export class MailboxClient {
  private readonly base: number;

  constructor(private readonly mem: Int32Array, hart: number) {
    this.base = controlWordBase(hart);
  }

  /** Performs an access through the VMM. Returns false when nothing is mapped there (or the machine is stopping). */
  request(pa: number, size: number, write: boolean, lo: number, hi: number, result: Int32Array,
    kind: MailboxKind = MailboxKind.Mmio): boolean {
    const m = this.mem, b = this.base;
    m[b + Control.MboxKind] = kind;
    m[b + Control.MboxAddrLo] = pa | 0;
    m[b + Control.MboxAddrHi] = Math.floor(pa / 4294967296);
    m[b + Control.MboxSize] = size;
    m[b + Control.MboxWrite] = write ? 1 : 0;
    m[b + Control.MboxValueLo] = lo;
    m[b + Control.MboxValueHi] = hi;
    Atomics.store(m, b + Control.MboxState, MailboxState.Request);
    Atomics.notify(m, b + Control.MboxState);
    const deadline = performance.now() + REPLY_SPIN_MS;
    for (let i = 1; Atomics.load(m, b + Control.MboxState) === MailboxState.Request; i++) {
      if ((i & 31) === 0 && performance.now() > deadline) break;
    }
    while (Atomics.load(m, b + Control.MboxState) === MailboxState.Request) {
      if (Atomics.load(m, Global.Stop) !== 0) return false;
      Atomics.wait(m, b + Control.MboxState, MailboxState.Request, 100);
    }
    const fault = m[b + Control.MboxFault] !== 0;
    result[0] = m[b + Control.MboxValueLo];
    result[1] = m[b + Control.MboxValueHi];
    Atomics.store(m, b + Control.MboxState, MailboxState.Idle);
    return !fault;
  }
}

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

/** VMM side: serves every hart's mailbox from the main thread's event loop. */
export class MailboxServer {
  private closed = false;

  constructor(private readonly mem: Int32Array, private readonly harts: number, private readonly handler: MmioHandler) {}

  start(): void {
    for (let h = 0; h < this.harts; h++) this.listen(controlWordBase(h));
  }

  close(): void {
    this.closed = true;
  }

  private listen(base: number): void {
    const index = base + Control.MboxState;
    const loop = (): void => {
      while (!this.closed) {
        const state = Atomics.load(this.mem, index);
        if (state === MailboxState.Request) {
          this.serve(base);
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

  private serve(base: number): void {
    const m = this.mem;
    const pa = (m[base + Control.MboxAddrHi] >>> 0) * 4294967296 + (m[base + Control.MboxAddrLo] >>> 0);
    const size = m[base + Control.MboxSize];
    let fault = false;
    const kind = m[base + Control.MboxKind] as MailboxKind;
    if (kind !== MailboxKind.Mmio) {
      const count = this.handler.console(kind, pa, size);
      m[base + Control.MboxValueLo] = count;
      m[base + Control.MboxValueHi] = 0;
    } else if (m[base + Control.MboxWrite] !== 0) {
      fault = !this.handler.write(pa, size, m[base + Control.MboxValueLo], m[base + Control.MboxValueHi]);
    } else {
      const value = this.handler.read(pa, size);
      if (value === undefined) fault = true;
      else { m[base + Control.MboxValueLo] = value.lo; m[base + Control.MboxValueHi] = value.hi; }
    }
    m[base + Control.MboxFault] = fault ? 1 : 0;
    Atomics.store(m, base + Control.MboxState, MailboxState.Reply);
    Atomics.notify(m, base + Control.MboxState);
  }
}

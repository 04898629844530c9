/**
 * @fileoverview Run tokens: hartvm's own vCPU scheduler, as shared words. The machine has K tokens
 * (--host-cpus K) and a vCPU executes guest code only while it holds one, so at most K vCPUs compete
 * for the host's cores and the host scheduler, which knows nothing of which vCPU spins, halts or
 * holds a guest lock, never has to choose among them.
 *
 * A vCPU that halts, stops or pauses gives its token back at once; a vCPU that wants one while none
 * is free queues and sleeps in Atomics.wait on its own Control.Token word until a holder grants it
 * one: the holder writes Held into the waiter's word and notifies it. Nobody spins on a shared word
 * (with every core busy a spinner can wait a whole host timeslice, tens of ms, for the thread it
 * waits on).
 *
 * Fairness: FIFO. Each queued vCPU draws a ticket, and a token given back goes to the lowest ticket,
 * so a runnable vCPU waits at most (queued ahead of it / K) timeslices. FIFO is what the guests that
 * suffer most from overcommit need: a ticket lock's next owner is whoever waited longest, and with
 * credits or priorities it could wait behind vCPUs that only spin for it. The one exception is
 * directed yield: a holder may hand its token to a waiter it chooses (the run loop's policy, in
 * vcpu/directed-yield.ts), and queues itself at the back.
 *
 * Timeslices are enforced by the waiters, so that no thread ticks: a waiter sleeps no longer than the
 * earliest holder's timeslice end, then sets that holder's Control.ExitRequest; the holder leaves
 * guest code at its next block boundary and passes its token on.
 *
 * Every change to the table (free count, queue, token words) is made under one small lock
 * (Global.TokenLock, a futex-style mutex whose contended path sleeps in Atomics.wait); only the
 * Held/Waiting word a waiter sleeps on is read without it.
 */

import { hostNowMs } from './clock.ts';
import { Control, Global, controlWordBase } from './layout.ts';

export const enum TokenState {
  /** Neither holds nor wants a token: halted, stopped, paused or finished. */
  None = 0,
  /** Queued for a token, asleep on its Control.Token word. */
  Waiting = 1,
  /** Holds a token: may execute guest code. */
  Held = 2,
}

/** Control.TokenHint: why a vCPU queued, as directed yield reads it. */
export const enum TokenHint {
  /** Bits 1:0: the privilege it was executing at when it lost its core (3 M, 1 S, 0 U). */
  PrivMask = 3,
  /** It queued after a pause-loop exit: it was spinning, so yielding to it helps nobody. */
  Spinner = 4,
}

const TWO32 = 4294967296;

/** Microseconds of a clock every thread of the process shares, modulo 2^32 (differences stay right across a wrap). */
export function clockMicros32(): number {
  return Math.floor(hostNowMs() * 1000) % TWO32 | 0;
}

export class RunTokens {
  constructor(private readonly mem: Int32Array, readonly harts: number) {}

  /** K tokens, all free, nobody queued; the VMM does this before any vCPU starts. */
  init(hostCpus: number): void {
    const k = Math.max(1, hostCpus);
    Atomics.store(this.mem, Global.HostCpus, k);
    Atomics.store(this.mem, Global.TokensFree, k);
    Atomics.store(this.mem, Global.TokenWaiters, 0);
    Atomics.store(this.mem, Global.TokenTicket, 0);
    Atomics.store(this.mem, Global.TokenLock, 0);
    Atomics.store(this.mem, Global.LiveVcpus, 0);
    for (let h = 0; h < this.harts; h++) Atomics.store(this.mem, controlWordBase(h) + Control.Token, TokenState.None);
  }

  hostCpus(): number {
    return Atomics.load(this.mem, Global.HostCpus);
  }

  /** Tokens nobody holds. */
  free(): number {
    return Atomics.load(this.mem, Global.TokensFree);
  }

  /** vCPUs queued for a token. */
  waiters(): number {
    return Atomics.load(this.mem, Global.TokenWaiters);
  }

  state(hart: number): TokenState {
    return Atomics.load(this.mem, controlWordBase(hart) + Control.Token);
  }

  /**
   * Counts a vCPU in (it may run: started, not paused) or out (HSM-stopped, paused, finished) of the
   * live ones. Each vCPU calls this only on a change of its own.
   */
  setLive(live: boolean): void {
    Atomics.add(this.mem, Global.LiveVcpus, live ? 1 : -1);
  }

  /** Whether every live vCPU can have a host CPU of its own: no overcommit at this moment. */
  undercommitted(): boolean {
    return Atomics.load(this.mem, Global.LiveVcpus) <= Atomics.load(this.mem, Global.HostCpus);
  }

  /** When `hart` was granted the token it holds (clockMicros32). */
  heldSince(hart: number): number {
    return Atomics.load(this.mem, controlWordBase(hart) + Control.TokenSince);
  }

  /**
   * `hart` wants to run: it takes a free token if nobody is queued before it, and otherwise queues
   * with `hint` (TokenHint bits). True when it now holds a token; else it waits with sleep().
   */
  request(hart: number, hint: number): boolean {
    const ctl = controlWordBase(hart);
    this.lock();
    const had = Atomics.load(this.mem, ctl + Control.Token);
    if (had !== TokenState.None) {
      this.unlock();
      return had === TokenState.Held;
    }
    let granted = false;
    if (Atomics.load(this.mem, Global.TokensFree) > 0 && Atomics.load(this.mem, Global.TokenWaiters) === 0) {
      Atomics.sub(this.mem, Global.TokensFree, 1);
      this.grant(ctl);
      granted = true;
    } else {
      this.enqueue(ctl, hint);
    }
    this.unlock();
    return granted;
  }

  /**
   * Sleeps while `hart` is queued, for at most timeoutMs; true once it holds a token. A stop of the
   * machine notifies the token word too (layout.ts requestStop), so the caller can check for it.
   */
  sleep(hart: number, timeoutMs: number): boolean {
    const word = controlWordBase(hart) + Control.Token;
    if (Atomics.load(this.mem, word) === TokenState.Waiting) Atomics.wait(this.mem, word, TokenState.Waiting, timeoutMs);
    return Atomics.load(this.mem, word) === TokenState.Held;
  }

  /** `hart` no longer wants to run: gives its token to the next in the queue (or back to the pool), or leaves the queue. */
  release(hart: number): void {
    const ctl = controlWordBase(hart);
    this.lock();
    const had = Atomics.load(this.mem, ctl + Control.Token);
    if (had === TokenState.Held) {
      Atomics.store(this.mem, ctl + Control.Token, TokenState.None);
      this.passToNext(this.nextInLine());
    } else if (had === TokenState.Waiting) {
      Atomics.store(this.mem, ctl + Control.Token, TokenState.None);
      Atomics.sub(this.mem, Global.TokenWaiters, 1);
    }
    this.unlock();
  }

  /**
   * `hart`, a holder, gives its token to a queued vCPU and queues itself with `hint`. `choose` picks
   * the one from the queued harts in FIFO order, given each one's TokenHint (its default is the
   * first); it may return -1 to keep the token. False when nobody is queued or nobody was chosen:
   * the caller goes on running.
   */
  handOver(hart: number, hint: number, choose?: (queued: number[], hintOf: (hart: number) => number) => number): boolean {
    if (Atomics.load(this.mem, Global.TokenWaiters) === 0) return false;
    const ctl = controlWordBase(hart);
    this.lock();
    let to = -1;
    if (Atomics.load(this.mem, ctl + Control.Token) === TokenState.Held) {
      if (choose === undefined) {
        to = this.nextInLine();
      } else {
        const queued = this.queuedInOrder();
        if (queued.length > 0) to = choose(queued, (h) => Atomics.load(this.mem, controlWordBase(h) + Control.TokenHint));
      }
    }
    if (to >= 0) {
      this.enqueue(ctl, hint);
      this.dequeueAndGrant(to);
    }
    this.unlock();
    return to >= 0;
  }

  /**
   * For a queued vCPU: asks every holder whose timeslice (sliceMicros) has run out to leave guest code
   * (Control.ExitRequest), and returns how long until the next holder's timeslice ends (ms), which
   * bounds the waiter's next sleep.
   */
  preemptExpired(sliceMicros: number): number {
    const now = clockMicros32();
    let next = sliceMicros;
    for (let h = 0; h < this.harts; h++) {
      const ctl = controlWordBase(h);
      if (Atomics.load(this.mem, ctl + Control.Token) !== TokenState.Held) continue;
      const left = sliceMicros - ((now - Atomics.load(this.mem, ctl + Control.TokenSince)) | 0);
      if (left <= 0) {
        if (Atomics.load(this.mem, ctl + Control.ExitRequest) === 0) {
          Atomics.store(this.mem, ctl + Control.ExitRequest, 1);
          Atomics.add(this.mem, ctl + Control.Wake, 1); // compiled code looks at its events when this moves
        }
        // Asked: look again after a fraction of a slice, in case the holder is slow to notice.
        next = Math.min(next, sliceMicros / 4);
      } else {
        next = Math.min(next, left);
      }
    }
    return Math.max(next, 50) / 1000;
  }

  /** Queued harts, lowest ticket first. Call with the lock held. */
  private queuedInOrder(): number[] {
    const queued: number[] = [];
    for (let h = 0; h < this.harts; h++) {
      if (Atomics.load(this.mem, controlWordBase(h) + Control.Token) === TokenState.Waiting) queued.push(h);
    }
    const ticket = (h: number): number => Atomics.load(this.mem, controlWordBase(h) + Control.TokenTicket);
    // Tickets are compared as differences, so that a wrap of the counter keeps the order.
    return queued.sort((a, b) => (ticket(a) - ticket(b)) | 0);
  }

  /** The queued hart with the lowest ticket, or -1. Call with the lock held. */
  private nextInLine(): number {
    if (Atomics.load(this.mem, Global.TokenWaiters) === 0) return -1;
    let best = -1, bestTicket = 0;
    for (let h = 0; h < this.harts; h++) {
      const ctl = controlWordBase(h);
      if (Atomics.load(this.mem, ctl + Control.Token) !== TokenState.Waiting) continue;
      const t = Atomics.load(this.mem, ctl + Control.TokenTicket);
      if (best < 0 || ((t - bestTicket) | 0) < 0) { best = h; bestTicket = t; }
    }
    return best;
  }

  /** Gives a token just given back to `next` (a queued hart), or to the pool when there is none. Lock held. */
  private passToNext(next: number): void {
    if (next < 0) Atomics.add(this.mem, Global.TokensFree, 1);
    else this.dequeueAndGrant(next);
  }

  private dequeueAndGrant(hart: number): void {
    Atomics.sub(this.mem, Global.TokenWaiters, 1);
    const ctl = controlWordBase(hart);
    this.grant(ctl);
    Atomics.notify(this.mem, ctl + Control.Token);
  }

  private grant(ctl: number): void {
    Atomics.store(this.mem, ctl + Control.TokenSince, clockMicros32());
    Atomics.store(this.mem, ctl + Control.ExitRequest, 0);
    Atomics.store(this.mem, ctl + Control.Token, TokenState.Held);
  }

  /** Queues the hart at `ctl` last. Call with the lock held. */
  private enqueue(ctl: number, hint: number): void {
    Atomics.store(this.mem, ctl + Control.TokenHint, hint);
    Atomics.store(this.mem, ctl + Control.TokenTicket, Atomics.add(this.mem, Global.TokenTicket, 1));
    Atomics.store(this.mem, ctl + Control.Token, TokenState.Waiting);
    Atomics.add(this.mem, Global.TokenWaiters, 1);
  }

  /** The table lock: a futex mutex (0 free, 1 held, 2 held and someone may sleep on it). */
  private lock(): void {
    let c = Atomics.compareExchange(this.mem, Global.TokenLock, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(this.mem, Global.TokenLock, 2);
    while (c !== 0) {
      Atomics.wait(this.mem, Global.TokenLock, 2);
      c = Atomics.exchange(this.mem, Global.TokenLock, 2);
    }
  }

  private unlock(): void {
    if (Atomics.sub(this.mem, Global.TokenLock, 1) !== 1) {
      Atomics.store(this.mem, Global.TokenLock, 0);
      Atomics.notify(this.mem, Global.TokenLock, 1);
    }
  }
}

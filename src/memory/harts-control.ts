/**
 * @fileoverview The interrupt and IPI router: every cross-hart event (an IPI, a hart start, a remote
 * fence, a device interrupt line) is a change to the target's shared control words made with Atomics,
 * followed by a notify on its wake word so a hart sleeping in WFI or STOPPED wakes at once. These
 * functions work from any thread, so the VMM and a vCPU serving an SBI call route the same way.
 */

import { Control, FlushScope, Global, HsmState, controlWordBase } from './layout.ts';

export class HartsControl {
  constructor(private readonly mem: Int32Array, readonly harts: number) {}

  private base(hart: number): number {
    return controlWordBase(hart);
  }

  /** Wakes the hart if it sleeps (WFI, STOPPED): the wake word changes, then waiters are notified. */
  wake(hart: number): void {
    const i = this.base(hart) + Control.Wake;
    Atomics.add(this.mem, i, 1);
    Atomics.notify(this.mem, i);
  }

  /** Raises mip bits on a hart (Atomics.or), then wakes it. */
  raise(hart: number, bits: number): void {
    Atomics.or(this.mem, this.base(hart) + Control.PendingIrq, bits);
    this.wake(hart);
  }

  /**
   * An inter-processor interrupt from hart `from` (SBI send_ipi, CLINT msip): raises `bit` on `to`
   * and counts it on both (Control.IpisSent, Control.IpisReceived), for the vCPUs' accounting.
   */
  sendIpi(from: number, to: number, bit: number): void {
    Atomics.add(this.mem, this.base(from) + Control.IpisSent, 1);
    Atomics.add(this.mem, this.base(to) + Control.IpisReceived, 1);
    this.raise(to, bit);
  }

  /**
   * A hart that starts running checks in here, and waits until every hart that starts running has
   * (Global.StartingHarts, which the machine sets): on hardware all harts leave reset together, but
   * here each is a worker thread, and on a busy host the last can boot hundreds of milliseconds
   * after the first, which a guest counting its harts at start-up takes for a missing hart.
   */
  startTogether(): void {
    const starting = Atomics.load(this.mem, Global.StartingHarts);
    if (Atomics.add(this.mem, Global.StartedHarts, 1) + 1 >= starting) {
      Atomics.notify(this.mem, Global.StartedHarts);
      return;
    }
    for (;;) {
      const started = Atomics.load(this.mem, Global.StartedHarts);
      if (started >= starting || Atomics.load(this.mem, Global.Stop) !== 0) return;
      Atomics.wait(this.mem, Global.StartedHarts, started, 100); // a stop does not notify this word
    }
  }

  /** IPIs a hart has sent and received so far. */
  ipiCounts(hart: number): { sent: number; received: number } {
    return {
      sent: Atomics.load(this.mem, this.base(hart) + Control.IpisSent) >>> 0,
      received: Atomics.load(this.mem, this.base(hart) + Control.IpisReceived) >>> 0,
    };
  }

  /** Lowers mip bits on a hart (a level-triggered line going low needs no wake-up). */
  lower(hart: number, bits: number): void {
    Atomics.and(this.mem, this.base(hart) + Control.PendingIrq, ~bits);
  }

  /** Asks a hart to flush (`scope` of) its TLB at its next block boundary, or when it next wakes. Never waits. */
  requestFlush(hart: number, scope: FlushScope = FlushScope.All): void {
    Atomics.or(this.mem, this.base(hart) + Control.FlushRequest, scope);
    this.wake(hart);
  }

  /** The hart's SBI HSM state, as hart_get_status reports it. */
  hsmState(hart: number): HsmState {
    const state = this.rawHsmState(hart);
    return state === HsmState.StartClaimed ? HsmState.StartPending : state;
  }

  /** The state word itself, StartClaimed included: what the hart waiting to be started must look at. */
  rawHsmState(hart: number): HsmState {
    return Atomics.load(this.mem, this.base(hart) + Control.HsmState) as HsmState;
  }

  setHsmState(hart: number, state: HsmState): void {
    Atomics.store(this.mem, this.base(hart) + Control.HsmState, state);
  }

  /**
   * HSM hart_start: moves a STOPPED hart to START_PENDING with its start address and opaque value.
   * False if the hart was not STOPPED. The caller claims the hart first and publishes START_PENDING
   * only once the address is written, so the hart never starts from a stale address.
   */
  requestStart(hart: number, addr: number, opaque: bigint): boolean {
    const b = this.base(hart);
    if (Atomics.compareExchange(this.mem, b + Control.HsmState, HsmState.Stopped, HsmState.StartClaimed) !== HsmState.Stopped) {
      return false;
    }
    this.mem[b + Control.StartAddrLo] = addr | 0;
    this.mem[b + Control.StartAddrHi] = Math.floor(addr / 4294967296);
    this.mem[b + Control.StartOpaqueLo] = Number(BigInt.asIntN(32, opaque));
    this.mem[b + Control.StartOpaqueHi] = Number(BigInt.asIntN(32, opaque >> 32n));
    Atomics.store(this.mem, b + Control.HsmState, HsmState.StartPending);
    this.wake(hart);
    return true;
  }
}

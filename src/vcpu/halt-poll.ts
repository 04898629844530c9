/**
 * @fileoverview Adaptive halt polling, as KVM does it (halt_poll_ns): before a vCPU in WFI goes to
 * sleep, it watches for its wake-up condition for a short window. On this host a futex sleep and
 * wake-up between two worker threads costs about 50 µs each way, so an event that comes within the
 * window (an IPI reply, a quick device completion) is caught far sooner by watching. The window grows
 * while sleeps keep ending early and shrinks to nothing while they run long, so an idle guest pays
 * nothing for it.
 */

/**
 * Longest window (ms): several host wake-up latencies, still far below any guest timer tick. At
 * 0.2 ms an IPI ping-pong's median round trip varied from 38 to 180 µs between runs (a reply that
 * comes late once shrinks the window, and the next ones then pay for a sleep); at 1 ms it stayed at
 * 26-37 µs. A guest that sleeps longer than this shrinks the window back to nothing.
 */
const MAX_WINDOW_MS = 1;
const START_WINDOW_MS = 0.025;

export class HaltPoller {
  /** Current window in ms; 0 = sleep at once. */
  private window = 0;

  /** Whether the adaptive window is open (poll() watches at all). */
  get open(): boolean {
    return this.window > 0;
  }

  /** Polls `ready` for up to the current window; true when it became ready meanwhile. */
  poll(ready: () => boolean): boolean {
    if (this.window === 0) return false;
    const end = performance.now() + this.window;
    for (let i = 0; ; i++) {
      if (ready()) return true;
      if ((i & 15) === 15 && performance.now() >= end) return false;
    }
  }

  /** Learns from a sleep that followed a poll: how long it lasted before the hart woke (ms). */
  slept(ms: number): void {
    if (ms <= MAX_WINDOW_MS) {
      // A longer window would have caught this event without sleeping.
      this.window = Math.min(MAX_WINDOW_MS, this.window === 0 ? START_WINDOW_MS : this.window * 2);
    } else {
      this.window = this.window / 2 < START_WINDOW_MS ? 0 : this.window / 2;
    }
  }
}

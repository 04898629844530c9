/**
 * @fileoverview The machine timer's clock: mtime counts at 10 MHz from the moment the VMM set the
 * epoch. Every thread computes it from the shared epoch and its own monotonic clock, so reading
 * mtime never needs a round trip to the main thread.
 */

import { Global } from './layout.ts';
import { TIMER_TICKS_PER_MS } from './machine-map.ts';

/** This thread's performance.timeOrigin, which is fixed: the getter costs as much again as now(). */
const TIME_ORIGIN = performance.timeOrigin;

/** Host time in ms on a clock every thread of the process shares (timeOrigin + now). */
export function hostNowMs(): number {
  return TIME_ORIGIN + performance.now();
}

export class MachineClock {
  private readonly epochView: Float64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.epochView = new Float64Array(buffer, 0, 2);
  }

  /** Called once by the VMM before any hart runs: mtime is 0 now. */
  start(): void {
    this.epochView[Global.EpochF64] = hostNowMs();
  }

  /** mtime in ticks. */
  mtime(): number {
    return Math.floor((hostNowMs() - this.epochView[Global.EpochF64]) * TIMER_TICKS_PER_MS);
  }
}

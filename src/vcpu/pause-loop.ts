/**
 * @fileoverview Pause-loop exiting, as the vCPU applies it: a vCPU that executes PAUSE, or spins
 * `spins` times round a tight loop on unchanged values, leaves guest code; when another vCPU waits
 * for a run token, it then hands its token to one (directed yield) or gives it away for
 * `sleepMicros` (or until an event for it arrives).
 */

/** What a pause-loop exit does with the run token when a vCPU waits for one. */
export type PleYield = 'directed' | 'sleep';

export interface PleConfig {
  enabled: boolean;
  spins: number;
  yield: PleYield;
  sleepMicros: number;
}

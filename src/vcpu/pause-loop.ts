/**
 * @fileoverview Pause-loop exiting, as the vCPU applies it: a vCPU that executes PAUSE, or spins
 * `spins` times round a tight loop on unchanged values, gives its host CPU away for `sleepMicros`
 * (or until an event for it arrives).
 */

export interface PleConfig {
  enabled: boolean;
  spins: number;
  sleepMicros: number;
}

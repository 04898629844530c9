/**
 * @fileoverview Branch-target profiling, which the interpreter offers a tier above it: counts of how
 * often each taken branch or jump target is reached, in a hashed table (collisions only make a target
 * look hot a little sooner). The JIT reads it to learn where hot code starts; the interpreter knows
 * nothing of what the counts are for.
 */

/** Entries in a profile's counts table. */
export const TARGET_PROFILE_ENTRIES = 16384;

export interface TargetProfile {
  /** Counts by targetSlot(pc), TARGET_PROFILE_ENTRIES of them. */
  readonly counts: Int32Array;
  /** The interpreter returns to its owner when a target's count reaches this. */
  readonly threshold: number;
}

/** The count slot of a pc (a signed 64-bit value held in a number). */
export function targetSlot(pc: number): number {
  return ((pc >>> 1) ^ (pc >>> 15)) & (TARGET_PROFILE_ENTRIES - 1);
}

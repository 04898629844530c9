/**
 * @fileoverview A hart's steal-time record, as the SBI STA extension (sbi/sta.ts) defines it: the
 * guest gives each hart a 64-byte record in its RAM, and the run loop adds to it the time the hart
 * was runnable but had no run token (memory/run-tokens.ts) each time it is granted one. Linux
 * (>= 6.8, with PARAVIRT_TIME_ACCOUNTING) reads it as the steal column of /proc/stat.
 *
 * The record, little-endian: sequence (u32, offset 0), flags (u32, 4), steal (u64 ns, 8),
 * preempted (u8, 16), padding to 64. The sequence is odd while steal is being written and even
 * once it is consistent, so a reader retries across an update.
 */

import { SbiError, type SbiRet, fail, ok } from './sbi/constants.ts';
import { RAM_OFFSET } from '../memory/layout.ts';
import { RAM_BASE } from '../memory/machine-map.ts';

const RECORD_BYTES = 64;
const ALL_ONES = 0xffff_ffff_ffff_ffffn;

/** One hart's steal-time record: where the guest put it, and the updates to it. */
export class StealTimeRecord {
  /** Buffer word index of the record (its sequence word), or -1 while the guest has none. */
  private word = -1;
  private stealNs = 0n;

  constructor(private readonly mem: Int32Array, private readonly ramBytes: number) {}

  get enabled(): boolean {
    return this.word >= 0;
  }

  /** steal_time_set_shmem: a 64-byte aligned record in RAM, or all-ones to stop reporting. */
  setShmem(lo: bigint, hi: bigint, flags: bigint): SbiRet {
    if (flags !== 0n) return fail(SbiError.InvalidParam);
    if (lo === ALL_ONES && hi === ALL_ONES) {
      this.word = -1;
      return ok();
    }
    if ((lo & BigInt(RECORD_BYTES - 1)) !== 0n) return fail(SbiError.InvalidParam);
    // On RV64 the whole address is in lo; a non-zero hi names memory no hart can reach.
    if (hi !== 0n || lo < BigInt(RAM_BASE) || lo + BigInt(RECORD_BYTES) > BigInt(RAM_BASE + this.ramBytes)) {
      return fail(SbiError.InvalidAddress);
    }
    this.word = (RAM_OFFSET + Number(lo) - RAM_BASE) >> 2;
    this.stealNs = 0n;
    // A fresh record reads as all zeros: sequence 0, no steal, not preempted.
    for (let i = 0; i < RECORD_BYTES / 4; i++) Atomics.store(this.mem, this.word + i, 0);
    return ok();
  }

  /** Forgets the record (the hart was stopped: a started hart sets it anew, as at reset). */
  reset(): void {
    this.word = -1;
  }

  /** The hart was granted its token after being runnable for `ns` without one. */
  addSteal(ns: number): void {
    if (this.word < 0) return;
    this.stealNs += BigInt(Math.max(0, Math.round(ns)));
    const seq = this.word;
    Atomics.add(this.mem, seq, 1); // odd: an update is in progress
    Atomics.store(this.mem, seq + 2, Number(BigInt.asIntN(32, this.stealNs)));
    Atomics.store(this.mem, seq + 3, Number(BigInt.asIntN(32, this.stealNs >> 32n)));
    this.setPreempted(false);
    Atomics.add(this.mem, seq, 1); // even again: steal is consistent
  }

  /** The preempted byte: 1 while the hart lost its core against its will (a timeslice ran out). */
  setPreempted(preempted: boolean): void {
    if (this.word < 0) return;
    const byteWord = this.word + 4; // bytes 16..19: preempted and the first padding bytes
    const old = Atomics.load(this.mem, byteWord);
    Atomics.store(this.mem, byteWord, (old & ~0xff) | (preempted ? 1 : 0));
  }
}

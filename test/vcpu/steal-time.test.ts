/**
 * The SBI STA steal-time record (src/vcpu/steal-time.ts) as a guest reads it from RAM: SBI 2.0
 * chapter 16's layout (sequence u32 at 0, flags u32 at 4, steal u64 ns at 8, preempted u8 at 16,
 * 64 bytes), the even/odd sequence, and steal_time_set_shmem's argument checks.
 */
import { describe, expect, it } from 'vitest';
import { RAM_OFFSET, createSharedMemory } from '../../src/memory/layout.ts';
import { RAM_BASE } from '../../src/memory/machine-map.ts';
import { SbiError } from '../../src/vcpu/sbi/constants.ts';
import { StealTimeRecord } from '../../src/vcpu/steal-time.ts';

const RAM = 1 << 20;
const ALL_ONES = 0xffff_ffff_ffff_ffffn;

function setUp(): { record: StealTimeRecord; view: DataView; mem: Int32Array } {
  const memory = createSharedMemory(RAM);
  const mem = new Int32Array(memory.buffer);
  return { record: new StealTimeRecord(mem, RAM), view: new DataView(memory.buffer), mem };
}

/** What the guest sees at guest physical `pa`. */
const guest = (view: DataView, pa: number) => ({
  sequence: view.getUint32(RAM_OFFSET + pa - RAM_BASE, true),
  flags: view.getUint32(RAM_OFFSET + pa - RAM_BASE + 4, true),
  steal: view.getBigUint64(RAM_OFFSET + pa - RAM_BASE + 8, true),
  preempted: view.getUint8(RAM_OFFSET + pa - RAM_BASE + 16),
});

describe('SBI STA steal-time record', () => {
  const pa = RAM_BASE + 0x1000;

  it('zeroes the record it is given and adds steal in nanoseconds, the sequence even after each update', () => {
    const { record, view } = setUp();
    for (let i = 0; i < 64; i++) view.setUint8(RAM_OFFSET + 0x1000 + i, 0xee); // stale contents
    expect(record.setShmem(BigInt(pa), 0n, 0n).error).toBe(SbiError.Success);
    expect(guest(view, pa)).toEqual({ sequence: 0, flags: 0, steal: 0n, preempted: 0 });
    expect(view.getUint8(RAM_OFFSET + 0x1000 + 63)).toBe(0); // the padding too
    record.addSteal(1500);
    expect(guest(view, pa)).toEqual({ sequence: 2, flags: 0, steal: 1500n, preempted: 0 });
    record.addSteal(5e9); // past 2^32 ns: the high word counts
    expect(guest(view, pa)).toMatchObject({ sequence: 4, steal: 5_000_001_500n });
  });

  it('marks the hart preempted until it next gets its token', () => {
    const { record, view } = setUp();
    record.setShmem(BigInt(pa), 0n, 0n);
    record.setPreempted(true);
    expect(guest(view, pa).preempted).toBe(1);
    record.addSteal(10);
    expect(guest(view, pa).preempted).toBe(0);
  });

  it('rejects flags, misaligned and out-of-RAM addresses, and stops on all-ones', () => {
    const { record, view } = setUp();
    expect(record.setShmem(BigInt(pa), 0n, 1n).error).toBe(SbiError.InvalidParam);
    expect(record.setShmem(BigInt(pa + 32), 0n, 0n).error).toBe(SbiError.InvalidParam);
    expect(record.setShmem(BigInt(RAM_BASE - 64), 0n, 0n).error).toBe(SbiError.InvalidAddress);
    expect(record.setShmem(BigInt(RAM_BASE + RAM), 0n, 0n).error).toBe(SbiError.InvalidAddress);
    expect(record.setShmem(BigInt(RAM_BASE + RAM - 64), 0n, 0n).error).toBe(SbiError.Success); // the last 64 bytes
    record.setShmem(ALL_ONES, ALL_ONES, 0n);
    expect(record.setShmem(BigInt(pa), 1n, 0n).error).toBe(SbiError.InvalidAddress);
    expect(record.enabled).toBe(false);
    record.setShmem(BigInt(pa), 0n, 0n);
    expect(record.setShmem(ALL_ONES, ALL_ONES, 0n).error).toBe(SbiError.Success);
    expect(record.enabled).toBe(false);
    record.addSteal(100); // no record: nothing is written
    expect(guest(view, pa).steal).toBe(0n);
  });
});

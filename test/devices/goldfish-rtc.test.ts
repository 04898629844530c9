import { afterEach, describe, expect, it, vi } from 'vitest';
import { GoldfishRtc } from '../../src/devices/goldfish-rtc.ts';
import { RTC_BASE, RTC_IRQ, RTC_SIZE } from '../../src/memory/machine-map.ts';

const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;
const MS = 1_000_000n;

/** An RTC on a clock the test moves by hand. */
function rtc(start: bigint) {
  let now = start;
  const edges: boolean[] = [];
  let irq = false;
  const device = new GoldfishRtc({
    now: () => now,
    irq: {
      set(level) {
        edges.push(level);
        irq = level;
      },
    },
  });
  const r = (offset: number) => device.read(offset, 4);
  const w = (offset: number, value: number) => device.write(offset, 4, value);
  return {
    device,
    edges,
    irq: () => irq,
    r,
    w,
    advance: (ns: bigint) => (now += ns),
    time: () => {
      const lo = BigInt(r(TIME_LOW));
      return (BigInt(r(TIME_HIGH)) << 32n) | lo;
    },
    setTime: (ns: bigint) => {
      // Linux's goldfish_rtc_set_time writes the high half first.
      w(TIME_HIGH, Number(ns >> 32n));
      w(TIME_LOW, Number(ns & 0xffff_ffffn));
    },
    setAlarm: (ns: bigint) => {
      w(ALARM_HIGH, Number(ns >> 32n));
      w(ALARM_LOW, Number(ns & 0xffff_ffffn));
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('GoldfishRtc time', () => {
  it('sits where QEMU virt puts it', () => {
    expect([RTC_BASE, RTC_SIZE, RTC_IRQ]).toEqual([0x10_1000, 0x1000, 11]);
  });

  it('reads the clock as 64-bit ns, TIME_HIGH latched by the TIME_LOW read', () => {
    const t = rtc(0x1234_5678_ffff_fff0n);
    expect(t.r(TIME_LOW)).toBe(0xffff_fff0);
    // The clock carries into the high half before TIME_HIGH is read: the latch keeps it consistent.
    t.advance(0x20n);
    expect(t.r(TIME_HIGH)).toBe(0x1234_5678);
    expect(t.r(TIME_HIGH)).toBe(0x1234_5678);
    expect(t.r(TIME_LOW)).toBe(0x10);
    expect(t.r(TIME_HIGH)).toBe(0x1234_5679);
  });

  it('reads TIME_HIGH as 0 before any TIME_LOW read', () => {
    const t = rtc(0x1234_5678_0000_0000n);
    expect(t.r(TIME_HIGH)).toBe(0);
  });

  it('lets the guest set the time, which then runs on with the host clock', () => {
    const t = rtc(1_700_000_000_000_000_000n);
    t.setTime(0x0000_0001_8000_0000n);
    expect(t.time()).toBe(0x0000_0001_8000_0000n);
    t.advance(5n * MS);
    expect(t.time()).toBe(0x0000_0001_8000_0000n + 5n * MS);
    // Each half can be set alone.
    t.w(TIME_LOW, 7);
    expect(t.time()).toBe(0x0000_0001_0000_0007n);
  });

  it('follows the host wall clock by default', () => {
    const device = new GoldfishRtc({});
    const before = BigInt(Date.now()) * MS;
    const lo = BigInt(device.read(TIME_LOW, 4));
    const ns = (BigInt(device.read(TIME_HIGH, 4)) << 32n) | lo;
    // Within a second of Date.now(): the anchoring is ms-exact, drift here is what the test took.
    expect(ns > before - 1000n * MS && ns < before + 1000n * MS).toBe(true);
    // Monotonic.
    const lo2 = BigInt(device.read(TIME_LOW, 4));
    expect(((BigInt(device.read(TIME_HIGH, 4)) << 32n) | lo2) >= ns).toBe(true);
    device.dispose();
  });
});

describe('GoldfishRtc alarm', () => {
  it('fires at its deadline through a host timer and raises the IRQ when enabled', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const edges: boolean[] = [];
    const device = new GoldfishRtc({
      now: () => BigInt(Date.now()) * MS,
      irq: { set: (level) => edges.push(level) },
    });
    const w = (offset: number, value: number) => device.write(offset, 4, value);
    const lo = BigInt(device.read(TIME_LOW, 4));
    const now = (BigInt(device.read(TIME_HIGH, 4)) << 32n) | lo;
    const alarm = now + 250n * MS;
    w(IRQ_ENABLED, 1);
    w(ALARM_HIGH, Number(alarm >> 32n));
    w(ALARM_LOW, Number(alarm & 0xffff_ffffn));
    expect(device.read(ALARM_STATUS, 4)).toBe(1);
    expect(device.read(ALARM_LOW, 4)).toBe(Number(alarm & 0xffff_ffffn));
    expect(device.read(ALARM_HIGH, 4)).toBe(Number(alarm >> 32n));

    vi.advanceTimersByTime(249);
    expect(edges).toEqual([]);
    expect(device.read(ALARM_STATUS, 4)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(edges).toEqual([true]);
    expect(device.read(ALARM_STATUS, 4)).toBe(0);

    w(CLEAR_INTERRUPT, 1);
    expect(edges).toEqual([true, false]);
    expect(vi.getTimerCount()).toBe(0);
    device.dispose();
  });

  it('latches a fired alarm while IRQ_ENABLED is 0 and raises the line when enabled', () => {
    const t = rtc(1000n * MS);
    t.setAlarm(1000n * MS); // already due
    expect(t.r(ALARM_STATUS)).toBe(0);
    expect(t.edges).toEqual([]);
    t.w(IRQ_ENABLED, 1);
    expect(t.r(IRQ_ENABLED)).toBe(1);
    expect(t.irq()).toBe(true);
    t.w(IRQ_ENABLED, 0);
    expect(t.irq()).toBe(false);
    t.w(IRQ_ENABLED, 1);
    t.w(CLEAR_INTERRUPT, 1);
    expect(t.irq()).toBe(false);
    t.w(IRQ_ENABLED, 0);
    t.w(IRQ_ENABLED, 1);
    expect(t.edges).toEqual([true, false, true, false]);
  });

  it('disarms with CLEAR_ALARM', () => {
    vi.useFakeTimers();
    const t = rtc(0n);
    t.w(IRQ_ENABLED, 1);
    t.setAlarm(10n * MS);
    expect(vi.getTimerCount()).toBe(1);
    t.w(CLEAR_ALARM, 1);
    expect(t.r(ALARM_STATUS)).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    t.advance(20n * MS);
    vi.advanceTimersByTime(20);
    expect(t.edges).toEqual([]);
  });

  it('re-arms a timer that fires before the clock reaches the alarm', () => {
    vi.useFakeTimers();
    const t = rtc(0n);
    t.w(IRQ_ENABLED, 1);
    t.setAlarm(10n * MS);
    t.advance(4n * MS); // the host clock lags the timers
    vi.advanceTimersByTime(10);
    expect(t.edges).toEqual([]);
    expect(t.r(ALARM_STATUS)).toBe(1);
    t.advance(6n * MS);
    vi.advanceTimersByTime(6);
    expect(t.edges).toEqual([true]);
  });

  it('fires at once when the guest sets its clock past the alarm', () => {
    vi.useFakeTimers();
    const t = rtc(0n);
    t.w(IRQ_ENABLED, 1);
    t.setAlarm(3600_000n * MS);
    t.setTime(3600_000n * MS);
    expect(t.edges).toEqual([true]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('caps host timeouts for far alarms', () => {
    vi.useFakeTimers();
    const t = rtc(0n);
    t.w(IRQ_ENABLED, 1);
    t.setAlarm(365n * 86_400_000n * MS); // a year away: beyond setTimeout's 2^31 - 1 ms
    vi.advanceTimersByTime(1000);
    expect(t.edges).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('clears its host timer on dispose', () => {
    vi.useFakeTimers();
    const t = rtc(0n);
    t.w(IRQ_ENABLED, 1);
    t.setAlarm(10n * MS);
    t.device.dispose();
    expect(vi.getTimerCount()).toBe(0);
    t.advance(20n * MS);
    vi.advanceTimersByTime(20);
    expect(t.edges).toEqual([]);
  });
});

describe('GoldfishRtc unknown accesses', () => {
  it('ignores unknown offsets and sizes, warning once per offset', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const t = rtc(0x5_0000_0000n);
    expect(t.r(0x20)).toBe(0);
    t.w(0x20, 1);
    t.w(0xffc, 1);
    expect(t.device.read(TIME_LOW, 1)).toBe(0);
    t.device.write(IRQ_ENABLED, 2, 1);
    expect(t.r(IRQ_ENABLED)).toBe(0);
    expect(warn).toHaveBeenCalledTimes(4); // 0x20, 0xffc, 0x0, 0x10
    expect(warn.mock.calls[1][0]).toContain('0xffc');
    expect(t.time()).toBe(0x5_0000_0000n);
  });
});

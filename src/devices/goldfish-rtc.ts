/** @fileoverview The goldfish RTC of the QEMU virt machine: wall-clock nanoseconds and one alarm interrupt. */

import { NO_IRQ, type IrqLine, type MmioDevice } from './device.ts';

// Register offsets, as Linux's drivers/rtc/rtc-goldfish.c names them (without the TIMER_ prefix).
const enum Reg {
  /** Read: the time's low 32 bits, latching the high 32 bits for TIME_HIGH. Write: set them. */
  TimeLow = 0x00,
  /** Read: the high 32 bits latched by the last TIME_LOW read. Write: set them. */
  TimeHigh = 0x04,
  /** Write: the alarm's low 32 bits, and arm the alarm. */
  AlarmLow = 0x08,
  AlarmHigh = 0x0c,
  IrqEnabled = 0x10,
  /** Write: disarm the alarm. */
  ClearAlarm = 0x14,
  /** Read: 1 while the alarm is armed and has not fired. */
  AlarmStatus = 0x18,
  /** Write: lower the interrupt. */
  ClearInterrupt = 0x1c,
}

const LOW_32 = 0xffff_ffffn;
/** setTimeout takes at most 2^31 - 1 ms (and fires at once beyond it); longer waits are re-armed. */
const MAX_TIMEOUT_MS = 0x7fff_ffff;

/**
 * The host's wall clock in nanoseconds since the Unix epoch: Date.now() read once, then advanced by
 * performance.now(), which is monotonic and has sub-millisecond resolution. A host clock step (NTP,
 * suspend) therefore never makes guest time go backwards, which a guest would not expect of an RTC.
 */
const hostClock: () => bigint = (() => {
  const epochNs = BigInt(Date.now()) * 1_000_000n;
  const startMs = performance.now();
  let last = 0n;
  return () => {
    const now = epochNs + BigInt(Math.round((performance.now() - startMs) * 1e6));
    if (now > last) last = now;
    return last;
  };
})();

export interface GoldfishRtcOptions {
  irq?: IrqLine;
  /** The host time in ns since the Unix epoch; the host wall clock by default (tests pass a fake). */
  now?: () => bigint;
}

/**
 * The goldfish RTC as QEMU's hw/rtc/goldfish_rtc.c models it. Guest time is host time plus an offset
 * the guest sets by writing TIME_LOW or TIME_HIGH (each replaces its half of the current time). The
 * alarm is armed by a write to ALARM_LOW with ALARM_HIGH already written; an alarm at or before the
 * current time fires at once. A fired alarm latches the interrupt until CLEAR_INTERRUPT, and the
 * line is high while the interrupt is latched and IRQ_ENABLED is 1.
 *
 * Registers are 32 bits wide; any other access, or an offset that is no register, is reported once
 * per offset through console.warn and ignored (reads return 0).
 */
export class GoldfishRtc implements MmioDevice {
  private readonly irq: IrqLine;
  private readonly now: () => bigint;
  /** Guest time minus host time, in ns. */
  private offset = 0n;
  private timeHigh = 0;
  private alarm = 0n;
  private alarmRunning = false;
  private irqEnabled = false;
  private irqPending = false;
  private irqLevel = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly warned = new Set<number>();

  constructor(opts: GoldfishRtcOptions = {}) {
    this.irq = opts.irq ?? NO_IRQ;
    this.now = opts.now ?? hostClock;
  }

  /** Disarms the host timer, so a stopped machine leaves nothing behind. */
  dispose(): void {
    this.cancelTimer();
    this.alarmRunning = false;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size === 4) {
      switch (offset) {
        case Reg.TimeLow: {
          const time = this.guestTime();
          this.timeHigh = Number((time >> 32n) & LOW_32);
          return Number(time & LOW_32);
        }
        case Reg.TimeHigh:
          return this.timeHigh;
        case Reg.AlarmLow:
          return Number(this.alarm & LOW_32);
        case Reg.AlarmHigh:
          return Number((this.alarm >> 32n) & LOW_32);
        case Reg.IrqEnabled:
          return this.irqEnabled ? 1 : 0;
        case Reg.AlarmStatus:
          return this.alarmRunning ? 1 : 0;
        case Reg.ClearAlarm:
        case Reg.ClearInterrupt:
          // Write-only; QEMU reads them as 0.
          return 0;
      }
    }
    this.warnOnce(offset, `ignored a ${size}-byte read`);
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size === 4) {
      const v = BigInt(value >>> 0);
      switch (offset) {
        case Reg.TimeLow:
        case Reg.TimeHigh: {
          const time = this.guestTime();
          const set = offset === Reg.TimeLow ? (time & ~LOW_32) | v : (time & LOW_32) | (v << 32n);
          this.offset += set - time;
          // The alarm is in guest time, so its host deadline moved.
          if (this.alarmRunning) this.armTimer();
          return;
        }
        case Reg.AlarmLow:
          this.alarm = (this.alarm & ~LOW_32) | v;
          this.setAlarm();
          return;
        case Reg.AlarmHigh:
          this.alarm = (this.alarm & LOW_32) | (v << 32n);
          return;
        case Reg.IrqEnabled:
          this.irqEnabled = (value & 1) !== 0;
          this.updateIrq();
          return;
        case Reg.ClearAlarm:
          this.cancelTimer();
          this.alarmRunning = false;
          return;
        case Reg.ClearInterrupt:
          this.irqPending = false;
          this.updateIrq();
          return;
        case Reg.AlarmStatus:
          // Read-only; QEMU ignores writes.
          return;
      }
    }
    this.warnOnce(offset, `ignored a ${size}-byte write of 0x${(value >>> 0).toString(16)}`);
  }

  /** The guest's time: ns since the epoch, wrapped to 64 bits as the registers hold it. */
  private guestTime(): bigint {
    return BigInt.asUintN(64, this.now() + this.offset);
  }

  private setAlarm(): void {
    this.alarmRunning = true;
    this.armTimer();
  }

  /** Fires the alarm if it is due, or sets a host timer for when it will be. */
  private armTimer(): void {
    this.cancelTimer();
    const remaining = this.alarm - this.guestTime();
    if (remaining <= 0n) {
      this.fire();
      return;
    }
    // Round up, so the timer does not fire just before the deadline; if it does (a coarse host
    // clock), the check above runs again and re-arms.
    const ms = Math.min(Number((remaining + 999_999n) / 1_000_000n), MAX_TIMEOUT_MS);
    const timer = setTimeout(() => {
      this.timer = undefined;
      this.armTimer();
    }, ms);
    // A pending alarm alone must not keep the host process alive.
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }

  private fire(): void {
    this.alarmRunning = false;
    this.irqPending = true;
    this.updateIrq();
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private updateIrq(): void {
    const level = this.irqPending && this.irqEnabled;
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.irq.set(level);
  }

  private warnOnce(offset: number, what: string): void {
    if (this.warned.has(offset)) return;
    this.warned.add(offset);
    console.warn(
      `goldfish-rtc: ${what} at offset 0x${offset.toString(16)} (no such 32-bit register); further accesses there are not reported`,
    );
  }
}

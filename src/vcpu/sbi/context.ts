/**
 * @fileoverview What an SBI extension handler may use: the calling hart, the router for other harts,
 * the console (served by the VMM), and the machine's stop word.
 */

import type { HartState } from '../../cpu/hart-state.ts';
import type { HartsControl } from '../../memory/harts-control.ts';
import type { StealTimeRecord } from '../steal-time.ts';

export interface SbiConsole {
  /** Writes length bytes of guest RAM at physical pa; returns the count, or -1 if the range is not RAM. */
  write(pa: number, length: number): number;
  /** Reads up to length bytes of input into guest RAM at pa; returns the count (0 if none), -1 if not RAM. */
  read(pa: number, length: number): number;
  writeByte(byte: number): void;
  /** One input byte, or -1 when there is none. */
  readByte(): number;
}

export interface SbiContext {
  readonly hart: HartState;
  readonly harts: HartsControl;
  readonly console: SbiConsole;
  /** Ends the machine (SRST). */
  stop(reason: 'shutdown' | 'failure' | 'reboot'): void;
  /** This hart's steal-time record (STA); the run loop adds to it at each run-token grant. */
  readonly stealTime?: StealTimeRecord;
  /** Set by hart_suspend(non-retentive): where and with what a1 the hart resumes. */
  resume?: { addr: number; opaque: bigint };
}

/** Reads argument register a<n> as an unsigned 64-bit BigInt. */
export function argU64(hart: HartState, n: number): bigint {
  return (BigInt(hart.r[20 + 2 * n + 1] >>> 0) << 32n) | BigInt(hart.r[20 + 2 * n] >>> 0);
}

/** Reads a<n> as a number (exact for values below 2^53, which is all an address here can be). */
export function argNumber(hart: HartState, n: number): number {
  return (hart.r[20 + 2 * n + 1] >>> 0) * 4294967296 + (hart.r[20 + 2 * n] >>> 0);
}

/**
 * Expands an SBI hart mask (hart_mask, hart_mask_base) into hart ids; undefined when it names a hart
 * that does not exist (SBI_ERR_INVALID_PARAM). A base of -1 means every hart.
 */
export function maskedHarts(mask: bigint, base: bigint, harts: number): number[] | undefined {
  if (base === 0xffff_ffff_ffff_ffffn) return Array.from({ length: harts }, (_, i) => i);
  const out: number[] = [];
  for (let bit = 0n; mask >> bit !== 0n; bit++) {
    if (((mask >> bit) & 1n) === 0n) continue;
    const id = base + bit;
    if (id >= BigInt(harts)) return undefined;
    out.push(Number(id));
  }
  return out;
}

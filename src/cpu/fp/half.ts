/**
 * @fileoverview binary16 (IEEE 754 half precision), the format of the Zfhmin extension: its bit
 * patterns as exact doubles and back, NaN classification, and the rounding of a double to binary16
 * that FCVT.H.S and FCVT.H.D perform.
 *
 * Layout: sign bit 15, exponent bits 14..10 (bias 15), fraction bits 9..0; the largest finite value
 * is 65504, the smallest normal 2^-14, the smallest subnormal 2^-24; the quiet bit is bit 9, so the
 * canonical NaN is 0x7e00. Every binary16 value is exact as a binary32 and as a binary64, which is
 * why the widening conversions never round.
 */

import { Flag, acc } from './flags.ts';
import { dBits, w } from './bits.ts';
import { Fmt, overflowValue } from './round.ts';
import { roundIntegral } from './convert.ts';
import { narrowExact } from './exact.ts';

/** The canonical NaN: positive, quiet, payload zero. */
export const CANON_H = 0x7e00;

/** Magnitudes from here up round to the infinity or 65504 (the next binade, 2^16, has no finite values). */
const OVERFLOW_H = 65536;
/** The smallest normal magnitude, 2^-14: below it results are subnormal or tiny. */
const MIN_NORMAL_H = 2 ** -14;

/** The value of the binary16 pattern in the low 16 bits of `bits`, as an exact double (NaN for any NaN). */
export function hOf(bits: number): number {
  const e = (bits >>> 10) & 0x1f, frac = bits & 0x3ff;
  const mag = e === 0x1f ? (frac === 0 ? Infinity : NaN)
    : e === 0 ? frac * 2 ** -24
    : (frac + 1024) * 2 ** (e - 25); // 1.frac · 2^(e - 15), the significand taken as an integer
  return (bits & 0x8000) !== 0 ? -mag : mag;
}

/** The pattern of v, which must be exactly a binary16 value or an infinity; NaN gives the canonical NaN. */
export function hBits(v: number): number {
  if (v !== v) return CANON_H;
  const sign = v < 0 || 1 / v < 0 ? 0x8000 : 0; // 1 / -0 tells -0 from +0
  const a = v < 0 ? -v : v;
  if (a === Infinity) return sign | 0x7c00;
  if (a < MIN_NORMAL_H) return sign | (a * 2 ** 24); // subnormal (or zero): a multiple of 2^-24
  dBits(a);
  const e = ((w[1] >>> 20) & 0x7ff) - 1023; // a's unbiased exponent, -14..15
  return sign | ((e + 15) << 10) | (a * 2 ** (10 - e) - 1024);
}

export function isNaNH(bits: number): boolean {
  return (bits & 0x7fff) > 0x7c00;
}

/** A signalling NaN: exponent all ones, quiet bit 9 clear, fraction non-zero. */
export function isSNaNH(bits: number): boolean {
  return (bits & 0x7e00) === 0x7c00 && (bits & 0x1ff) !== 0;
}

/**
 * Rounds x (a double holding the exact source value: any binary32 or binary64 value, not NaN) to
 * binary16 in mode rm, ORing NX, OF and UF into acc.flags; returns the binary16 value as a double
 * (an infinity on overflow to infinity).
 *
 * In the normal range the binary16 quantum is 2^(e-10), e being x's exponent: x divided by it is
 * exact, and rounding that to an integer (roundIntegral, exact for every double) is the rounding to
 * binary16. Results that are tiny or that overflow take the BigInt reference (roundPack), which
 * owns the tininess-after-rounding and overflow rules.
 */
export function roundToHalf(x: number, rm: number): number {
  if (x === 0 || x - x !== 0) return x; // zeros and infinities convert exactly
  const a = x < 0 ? -x : x;
  if (a < MIN_NORMAL_H || a >= OVERFLOW_H) return narrowExact(x, Fmt.H, rm);
  dBits(a);
  const quantum = 2 ** (((w[1] >>> 20) & 0x7ff) - 1023 - 10);
  const scaled = x / quantum;
  const rounded = roundIntegral(scaled, rm);
  if (rounded === scaled) return x;
  acc.flags |= Flag.NX;
  const v = rounded * quantum;
  // Rounding up from just below 2^16 reaches 2^16 itself: an overflow (OF comes with NX).
  if (v >= OVERFLOW_H || v <= -OVERFLOW_H) {
    acc.flags |= Flag.OF;
    return overflowValue(x < 0, Fmt.H, rm);
  }
  return v;
}

/**
 * @fileoverview Conversions between floating-point values and 32/64-bit integers (FCVT.{W,WU,L,LU}.
 * {S,D} and back). Float to integer rounds to an integral value in the given mode, then saturates:
 * out of range or infinite inputs clip to the nearest bound, NaN gives the largest positive value,
 * both with NV only; an in-range inexact conversion raises NX (RISC-V unprivileged spec, table
 * "Domains of float-to-integer conversions"). Results go to `out` as a lo/hi pair: the 32-bit
 * forms sign-extend their 32-bit result, FCVT.WU included.
 */

import { Flag, Rm, acc } from './flags.ts';
import { Fmt, roundToSingle } from './round.ts';
import { intExact } from './exact.ts';
import { out, joinSigned, joinUnsigned, toBigSigned, toBigUnsigned } from '../int64.ts';

const TWO32 = 4294967296;

/** x (finite) rounded to an integral double in mode rm; exact for every double. */
export function roundIntegral(x: number, rm: number): number {
  switch (rm) {
    case Rm.RTZ: return Math.trunc(x);
    case Rm.RDN: return Math.floor(x);
    case Rm.RUP: return Math.ceil(x);
    case Rm.RMM: { // ties away from zero; x - trunc(x) is exact
      const t = Math.trunc(x);
      const d = x - t;
      return d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t;
    }
    default: {
      const f = Math.floor(x);
      const d = x - f; // exact
      if (d > 0.5 || (d === 0.5 && f % 2 !== 0)) return f + 1;
      return f;
    }
  }
}

/**
 * Float (value x, possibly NaN) to integer. kind: 0 = W, 1 = WU, 2 = L, 3 = LU. Result in out.
 */
export function toInt(x: number, kind: number, rm: number): void {
  let lo: number, hi: number;
  if (x !== x) { // NaN: the largest positive value
    acc.flags |= Flag.NV;
    switch (kind) {
      case 0: lo = 0x7fffffff; hi = 0; break;
      case 2: lo = -1; hi = 0x7fffffff; break;
      default: lo = -1; hi = -1; break; // WU: 2^32 - 1 sign-extended; LU: 2^64 - 1
    }
    out[0] = lo; out[1] = hi;
    return;
  }
  const r = x - x === 0 ? roundIntegral(x, rm) : x;
  let min: number, max: number; // bounds as doubles; max is exclusive (2^31, 2^32, 2^63, 2^64)
  switch (kind) {
    case 0: min = -2147483648; max = 2147483648; break;
    case 1: min = 0; max = TWO32; break;
    case 2: min = -9223372036854775808; max = 9223372036854775808; break;
    default: min = 0; max = 18446744073709551616; break;
  }
  if (r < min || r >= max) {
    acc.flags |= Flag.NV;
    const neg = r < min;
    switch (kind) {
      case 0: lo = neg ? -2147483648 : 0x7fffffff; hi = lo >> 31; break;
      case 1: lo = neg ? 0 : -1; hi = lo >> 31; break;
      case 2: lo = neg ? 0 : -1; hi = neg ? -2147483648 : 0x7fffffff; break;
      default: lo = neg ? 0 : -1; hi = lo; break;
    }
    out[0] = lo; out[1] = hi;
    return;
  }
  if (r !== x) acc.flags |= Flag.NX;
  if (kind < 2) {
    lo = r | 0; // ToInt32 wraps 2^31..2^32-1 for WU; the 32-bit result is then sign-extended
    hi = lo >> 31;
  } else {
    const h = Math.floor(r / TWO32); // exact for integral doubles
    lo = (r - h * TWO32) | 0;
    hi = h | 0;
  }
  out[0] = lo; out[1] = hi;
}

/**
 * Integer (register lo/hi) to float. kind: 0 = W, 1 = WU, 2 = L, 3 = LU. Returns the value,
 * exactly representable in fmt.
 */
export function fromInt(lo: number, hi: number, kind: number, fmt: Fmt, rm: number): number {
  let v: number;
  switch (kind) {
    case 0: v = lo; break;
    case 1: v = lo >>> 0; break;
    case 2: {
      const top = hi >> 21;
      if (top !== 0 && top !== -1) return intExact(toBigSigned(lo, hi), fmt, rm);
      v = joinSigned(lo, hi);
      break;
    }
    default:
      if ((hi >>> 21) !== 0) return intExact(toBigUnsigned(lo, hi), fmt, rm);
      v = joinUnsigned(lo, hi);
      break;
  }
  // |v| < 2^53: exact as a double, so binary64 is done and binary32 needs one rounding.
  return fmt === Fmt.S ? roundToSingle(v, rm) : v;
}

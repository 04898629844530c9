/**
 * @fileoverview binary64 arithmetic: add, multiply, divide, square root and fused multiply-add in
 * every rounding mode, with IEEE flags in acc.flags. The hot case (round to nearest, normal range)
 * is one JS operation plus an error-free transformation that decides NX exactly; directed modes
 * step to a neighbour using the error's sign; whatever remains (results near or below the subnormal
 * range, directed overflow, FMA terms whose error does not fit a double) goes to exact.ts.
 *
 * Operands may be NaN: the result is then NaN and the caller (the FPU) handles NV for signalling
 * NaNs and writes the canonical NaN. A NaN result from non-NaN operands is an invalid operation;
 * the FPU raises NV for it. DZ, OF, UF and NX are raised here.
 */

import { Flag, Rm, acc } from './flags.ts';
import { Fmt, overflowValue } from './round.ts';
import { SAFE_HI, SAFE_LO, pickDouble, toOdd, twoProdErr, twoSumErr } from './eft.ts';
import { addExact, divExact, fmaExact, mulExact, sqrtExact } from './exact.ts';

/** An exact zero sum of non-zero or opposite-signed terms is +0, or -0 when rounding down (IEEE 6.3). */
function zeroSum(rm: number): number {
  return rm === Rm.RDN ? -0 : 0;
}

export function addD(a: number, b: number, rm: number): number {
  const s = a + b;
  if (s - s !== 0) { // infinite or NaN
    if (s !== s || a - a !== 0 || b - b !== 0) return s; // NaN, or an infinite operand (exact)
    if (rm === Rm.RNE || rm === Rm.RMM) { acc.flags |= Flag.OF | Flag.NX; return s; }
    return addExact(a, b, Fmt.D, rm); // directed: only the exact value tells whether it overflows
  }
  const e = twoSumErr(a, b, s);
  if (e === 0) {
    // Exact. A zero result: x + (-x) and +0 + -0 are +0 (-0 in RDN); -0 + -0 is -0 in every mode.
    if (s === 0 && rm === Rm.RDN && !(a === 0 && b === 0 && 1 / a > 0 && 1 / b > 0)) return -0;
    return s;
  }
  // Inexact sums are never in the subnormal range (a sum that small is exact).
  acc.flags |= Flag.NX;
  return rm === Rm.RNE ? s : pickDouble(s, e, rm, true);
}

export function mulD(a: number, b: number, rm: number): number {
  const p = a * b;
  if (p - p !== 0) {
    if (p !== p || a - a !== 0 || b - b !== 0) return p;
    if (rm === Rm.RNE || rm === Rm.RMM) { acc.flags |= Flag.OF | Flag.NX; return p; }
    return mulExact(a, b, Fmt.D, rm);
  }
  if (a === 0 || b === 0) return p; // exact zero, sign the XOR of the operands'
  const ap = p < 0 ? -p : p;
  if (ap >= SAFE_LO && a < SAFE_HI && a > -SAFE_HI && b < SAFE_HI && b > -SAFE_HI) {
    const e = twoProdErr(a, b, p);
    if (e === 0) return p;
    acc.flags |= Flag.NX;
    return rm === Rm.RNE ? p : pickDouble(p, e, rm, true);
  }
  return mulExact(a, b, Fmt.D, rm);
}

export function divD(a: number, b: number, rm: number): number {
  if (a !== a || b !== b) return NaN;
  if (b === 0) {
    if (a === 0) return NaN; // 0/0: invalid
    if (a - a === 0) acc.flags |= Flag.DZ; // finite / 0; infinity / 0 is an exact infinity
    return (a < 0) !== (1 / b < 0) ? -Infinity : Infinity;
  }
  const q = a / b;
  if (a - a !== 0 || b - b !== 0 || a === 0) return q; // inf/inf is NaN; the rest are exact
  if (q - q !== 0) { // overflow
    if (rm === Rm.RNE || rm === Rm.RMM) { acc.flags |= Flag.OF | Flag.NX; return q; }
    return divExact(a, b, Fmt.D, rm);
  }
  const aq = q < 0 ? -q : q, aa = a < 0 ? -a : a;
  if (aq >= SAFE_LO && aq < SAFE_HI && aa >= SAFE_LO && b < SAFE_HI && b > -SAFE_HI) {
    const ph = q * b;
    const rem = (a - ph) - twoProdErr(q, b, ph); // a - q·b: its sign is that of the error times b's
    if (rem === 0) return q;
    acc.flags |= Flag.NX;
    return rm === Rm.RNE ? q : pickDouble(q, b < 0 ? -rem : rem, rm, false);
  }
  return divExact(a, b, Fmt.D, rm);
}

export function sqrtD(a: number, rm: number): number {
  if (a !== a || a < 0) return NaN; // NaN, or invalid (sqrt(-0) = -0 is not negative)
  if (a === 0 || a === Infinity) return a;
  if (a < 2 ** -900) return sqrtExact(a, Fmt.D, rm);
  // Check exactness on a·2^-128 when s² could overflow: scaling by an even power of two scales
  // the root exactly and keeps the sign of the remainder.
  const as = a >= 2 ** 960 ? a * 2 ** -128 : a;
  const ss = Math.sqrt(as);
  const ph = ss * ss;
  const rem = (as - ph) - twoProdErr(ss, ss, ph);
  const s = as === a ? ss : ss * 2 ** 64;
  if (rem === 0) return s;
  acc.flags |= Flag.NX;
  return rm === Rm.RNE ? s : pickDouble(s, rem, rm, false);
}

/** a · b + c with one rounding (FMADD; the FPU negates operands for FMSUB, FNMSUB, FNMADD). */
export function fmaD(a: number, b: number, c: number, rm: number): number {
  if (a !== a || b !== b || c !== c) return NaN;
  if (a - a !== 0 || b - b !== 0) { // an infinite factor
    const p = a * b; // NaN for 0 · inf (invalid)
    return p + c;    // NaN for inf - inf (invalid), else the infinity
  }
  if (c - c !== 0) return c;
  if (a === 0 || b === 0) { // an exact zero product
    const p = a * b;
    const s = p + c;
    if (s === 0 && rm === Rm.RDN && !(1 / p > 0 && 1 / c > 0)) return -0;
    return s;
  }
  const ph = a * b;
  const aph = ph < 0 ? -ph : ph;
  if (aph >= 2 ** -900 && aph < SAFE_HI && a < SAFE_HI && a > -SAFE_HI && b < SAFE_HI && b > -SAFE_HI) {
    // exact = ph + pl + c = th + tl + pl (TwoProduct, then TwoSum of c and the high part).
    const pl = twoProdErr(a, b, ph);
    const th = c + ph;
    if (th - th === 0) {
      const tl = twoSumErr(c, ph, th);
      const s = tl + pl;
      const e = twoSumErr(tl, pl, s);
      if (e === 0) { // tl + pl is a double: exact = th + s, and one rounding of that is the answer
        const r = th + s;
        const ar = r < 0 ? -r : r;
        if (r - r === 0 && (ar >= 2 ** -960 || r === 0)) {
          const e3 = twoSumErr(th, s, r);
          if (e3 === 0) return r === 0 ? zeroSum(rm) : r;
          acc.flags |= Flag.NX;
          return rm === Rm.RNE ? r : pickDouble(r, e3, rm, true);
        }
      } else if (rm === Rm.RNE && (s < 0 ? -s : s) >= 2 ** -960) {
        // Boldo & Melquiond's emulated FMA: RN(th + RO(tl + pl)) = RN(exact), the round-to-odd
        // sum keeping the sticky information the final rounding needs. Inexact, since tl + pl
        // has bits below what any double near the result can hold.
        const z = th + toOdd(s, e);
        const az = z < 0 ? -z : z;
        if (z - z === 0 && az >= 2 ** -960) { acc.flags |= Flag.NX; return z; }
      }
    }
  }
  return fmaExact(a, b, c, Fmt.D, rm);
}

/**
 * @fileoverview binary32 arithmetic in every rounding mode, computed in doubles. Operands are
 * binary32 values (exact as doubles). Each operation forms the exact result, or its round-to-odd
 * image at 53 bits when the exact result does not fit a double, and roundToSingle rounds that once
 * to binary32 with flags. Sums and products of two binary32 values can neither overflow nor
 * underflow a double, so no BigInt is ever needed here.
 *
 * NaN conventions as in double.ts: a NaN result means NaN propagation or an invalid operation.
 */

import { Flag, Rm, acc } from './flags.ts';
import { roundToSingle } from './round.ts';
import { toOdd, twoProdErr, twoSumErr } from './eft.ts';

export function addS(a: number, b: number, rm: number): number {
  const s = a + b;
  if (s - s !== 0) return s; // NaN or an infinite operand: finite binary32 sums stay finite
  const e = twoSumErr(a, b, s);
  if (e === 0) {
    if (s === 0) return rm === Rm.RDN && !(a === 0 && b === 0 && 1 / a > 0 && 1 / b > 0) ? -0 : s;
    return roundToSingle(s, rm);
  }
  return roundToSingle(toOdd(s, e), rm);
}

export function mulS(a: number, b: number, rm: number): number {
  const p = a * b; // exact: 48 significant bits, exponent within the double range
  if (p - p !== 0 || p === 0) return p;
  return roundToSingle(p, rm);
}

export function divS(a: number, b: number, rm: number): number {
  if (a !== a || b !== b) return NaN;
  if (b === 0) {
    if (a === 0) return NaN;
    if (a - a === 0) acc.flags |= Flag.DZ;
    return (a < 0) !== (1 / b < 0) ? -Infinity : Infinity;
  }
  const q = a / b;
  if (a - a !== 0 || b - b !== 0 || a === 0) return q;
  // |q| lies in [2^-277, 2^277]: TwoProduct(q, b) is exact, and so is a - RN(q·b) (Sterbenz).
  const ph = q * b;
  const rem = (a - ph) - twoProdErr(q, b, ph);
  return roundToSingle(rem === 0 ? q : toOdd(q, b < 0 ? -rem : rem), rm);
}

export function sqrtS(a: number, rm: number): number {
  if (a !== a || a < 0) return NaN;
  if (a === 0 || a === Infinity) return a;
  const s = Math.sqrt(a);
  const ph = s * s;
  const rem = (a - ph) - twoProdErr(s, s, ph);
  return roundToSingle(rem === 0 ? s : toOdd(s, rem), rm);
}

export function fmaS(a: number, b: number, c: number, rm: number): number {
  if (a !== a || b !== b || c !== c) return NaN;
  const p = a * b; // exact (or NaN for 0 · inf, or infinite)
  if (p - p !== 0) return p + c;
  if (c - c !== 0) return c;
  const s = p + c;
  if (s - s !== 0) return s;
  const e = twoSumErr(p, c, s);
  if (e === 0) {
    if (s === 0) { // exact zero: same sign rules as a sum
      if (p === 0 && c === 0 && (1 / p < 0) === (1 / c < 0)) return p;
      return rm === Rm.RDN ? -0 : 0;
    }
    return roundToSingle(s, rm);
  }
  return roundToSingle(toOdd(s, e), rm);
}

/**
 * @fileoverview Error-free transformations on doubles (Knuth's TwoSum, Dekker's TwoProduct with
 * Veltkamp splitting) and what the fast paths build on them: the round-to-odd step, and choosing
 * the directed-rounding neighbour of a round-to-nearest result once the error's sign is known.
 */

import { Flag, Rm, acc } from './flags.ts';
import { isOddD, nextDownD, nextUpD } from './bits.ts';

/** a + b - RN(a + b), exactly, given s = RN(a + b) finite (no condition on magnitudes). */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

const SPLITTER = 134217729; // 2^27 + 1

/**
 * a·b - RN(a·b), exactly, given p = RN(a·b). Exact when |a|, |b| < 2^995 (the split does not
 * overflow) and |p| >= 2^-969 (no partial product underflows): callers check SAFE_LO/SAFE_HI.
 */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** Magnitudes inside [SAFE_LO, SAFE_HI) keep TwoProduct exact and results far from subnormals. */
export const SAFE_LO = 2 ** -969;
export const SAFE_HI = 2 ** 995;

/**
 * The round-to-odd image of an exact value at 53 bits, given r = RN(exact) (finite, non-zero)
 * and the sign of exact - r (err, non-zero): r itself when its last bit is odd, else the neighbour
 * on err's side. Rounding that image once more to 24 bits gives the correctly rounded binary32.
 */
export function toOdd(r: number, err: number): number {
  if (isOddD(r)) return r;
  return err > 0 ? nextUpD(r) : nextDownD(r);
}

/**
 * The binary64 result in directed mode rm (or RMM) of an inexact exact value, given r = RN(exact),
 * normal and not near the subnormal range, and err: a double with the sign of exact - r and, when
 * `exactErr`, exactly its value (needed for RMM ties; without it no tie is possible: quotients
 * and square roots are never midpoints). Raises OF if the chosen neighbour is infinite.
 */
export function pickDouble(r: number, err: number, rm: number, exactErr: boolean): number {
  let v: number;
  switch (rm) {
    case Rm.RTZ: v = (r > 0) === (err > 0) ? r : err > 0 ? nextUpD(r) : nextDownD(r); break;
    case Rm.RDN: v = err < 0 ? nextDownD(r) : r; break;
    case Rm.RUP: v = err > 0 ? nextUpD(r) : r; break;
    case Rm.RMM: {
      v = r;
      if (exactErr) {
        const other = err > 0 ? nextUpD(r) : nextDownD(r);
        // A tie: exact lies half-way; RNE picked the even one, RMM wants the larger magnitude.
        if (other !== Infinity && other !== -Infinity && 2 * err === other - r && Math.abs(other) > Math.abs(r)) v = other;
      }
      break;
    }
    default: v = r; break;
  }
  if (v === Infinity || v === -Infinity) acc.flags |= Flag.OF;
  return v;
}

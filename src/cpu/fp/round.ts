/**
 * @fileoverview Rounding to binary32/binary64 (and binary16, for Zfhmin's conversions) in every
 * RISC-V rounding mode with IEEE 754 flags: the generic round-to-format of an exact BigInt-scaled
 * value (the reference every slow path uses), the double-to-single rounding the binary32 fast paths
 * use, and the overflow results.
 *
 * Flag rules (IEEE 754-2019 7.4-7.6, with RISC-V's choice of tininess detection AFTER rounding):
 * NX when the delivered result differs from the exact one; OF when the result rounded as if the
 * exponent range were unbounded exceeds the largest finite number (OF always comes with NX); UF
 * when that unbounded-range result is below the smallest normal magnitude (tiny) AND the delivered
 * result is inexact.
 */

import { Flag, Rm, acc } from './flags.ts';
import { MAX_D, MAX_S, nextDownS, nextUpS } from './bits.ts';

/** The formats, as the fmt field encodes them: binary32 (0), binary64 (1), binary16 (2). */
export const enum Fmt { S = 0, D = 1, H = 2 }

/** Per format: precision in bits, exponent range, largest finite value (binary16's is 65504). */
const PREC = [24, 53, 11];
const EMIN = [-126, -1022, -14];
const EMAX = [127, 1023, 15];
const MAXF = [MAX_S, MAX_D, 65504];

/** The result of an overflow: infinity or the largest finite number, by mode and sign (IEEE 7.4). */
export function overflowValue(neg: boolean, fmt: Fmt, rm: number): number {
  const toInf = rm === Rm.RNE || rm === Rm.RMM || (rm === Rm.RUP && !neg) || (rm === Rm.RDN && neg);
  const mag = toInf ? Infinity : MAXF[fmt];
  return neg ? -mag : mag;
}

/** 2^e as a double, for -1074 <= e <= 1023 (exact). */
function pow2(e: number): number {
  return e < -1000 ? 2 ** (e + 200) * 2 ** -200 : 2 ** e;
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** Set by shiftRound: whether discarded bits (or the sticky input) were non-zero. */
let lostBits = false;

/**
 * Rounds sig·2^(-s) (plus a sticky fraction below sig's last bit) to an integer in mode rm, for a
 * value of sign `neg`; s may be <= 0 (a left shift, exact apart from sticky).
 */
function shiftRound(sig: bigint, s: number, sticky: boolean, neg: boolean, rm: number): bigint {
  let kept: bigint, half: number; // half: -1 below a half ulp, 0 exactly half, 1 above
  if (s <= 0) {
    kept = sig << BigInt(-s);
    half = -1;
    lostBits = sticky;
  } else {
    const bs = BigInt(s);
    kept = sig >> bs;
    const rem = sig - (kept << bs);
    const h = 1n << (bs - 1n);
    half = rem > h ? 1 : rem < h ? -1 : sticky ? 1 : 0;
    lostBits = rem !== 0n || sticky;
  }
  if (!lostBits) return kept;
  let up: boolean;
  switch (rm) {
    case Rm.RNE: up = half > 0 || (half === 0 && (kept & 1n) === 1n); break;
    case Rm.RTZ: up = false; break;
    case Rm.RDN: up = neg; break;
    case Rm.RUP: up = !neg; break;
    default: up = half >= 0; break; // RMM
  }
  return up ? kept + 1n : kept;
}

/**
 * Rounds the exact value (-1)^neg · (sig + δ) · 2^exp to format fmt in mode rm, where sig > 0 and
 * δ is a fraction in (0, 1) when `sticky`, else 0. Returns the result as a double (exactly the
 * format's value, ±Infinity on overflow to infinity) and ORs its flags into acc.flags.
 */
export function roundPack(neg: boolean, sig: bigint, exp: number, sticky: boolean, fmt: Fmt, rm: number): number {
  const p = PREC[fmt], emin = EMIN[fmt], emax = EMAX[fmt];
  const top = exp + bitLength(sig) - 1; // exponent of the leading bit: value in [2^top, 2^(top+1))
  const unboundedQ = top - p + 1;
  // Unbounded-exponent rounding: decides tininess and overflow.
  const mu = shiftRound(sig, unboundedQ - exp, sticky, neg, rm);
  const carried = mu === 1n << BigInt(p); // rounding carried into the next binade
  const roundedTop = carried ? top + 1 : top;
  if (roundedTop > emax) {
    acc.flags |= Flag.OF | Flag.NX;
    return overflowValue(neg, fmt, rm);
  }
  if (top >= emin) { // normal: the bounded rounding is the unbounded one
    if (lostBits) acc.flags |= Flag.NX;
    const v = Number(mu) * pow2(unboundedQ);
    return neg ? -v : v;
  }
  const tiny = roundedTop < emin;
  const q = emin - p + 1; // subnormal quantum
  const m = shiftRound(sig, q - exp, sticky, neg, rm);
  if (lostBits) acc.flags |= tiny ? Flag.NX | Flag.UF : Flag.NX;
  const v = Number(m) * pow2(q);
  return neg ? -v : v;
}

/**
 * Rounds the double x to binary32 in mode rm, with flags. x must be finite or infinite (not NaN)
 * and either exact or the round-to-odd image, at 53 bits, of the exact result: rounding to odd
 * with two or more extra bits preserves every later rounding, so the result and flags are those
 * of rounding the exact value (Boldo & Melquiond, "When double rounding is odd", 2005).
 */
export function roundToSingle(x: number, rm: number): number {
  const r = Math.fround(x);
  if (r === x) return r;
  acc.flags |= Flag.NX;
  const v = rm === Rm.RNE ? r : pickSingle(x, r, rm);
  const ax = x < 0 ? -x : x;
  if (v === Infinity || v === -Infinity || ax >= 340282366920938463463374607431768211456) acc.flags |= Flag.OF;
  else if (ax < 1.1754943508222875e-38) {
    // Tiny after rounding? Round with an unbounded exponent: scaled by 2^64, nothing is subnormal.
    const xs = x * 18446744073709551616;
    const rs = Math.fround(xs);
    const u = rs === xs ? rs : pickSingle(xs, rs, rm);
    if ((u < 0 ? -u : u) < 2.168404344971009e-19) acc.flags |= Flag.UF; // 2^-126 · 2^64
  }
  return v;
}

/** The binary32 neighbour of x (x not representable) that mode rm selects; r = RNE(x). */
function pickSingle(x: number, r: number, rm: number): number {
  let lo: number, hi: number;
  if (r > x) { hi = r; lo = nextDownS(r); } else { lo = r; hi = nextUpS(r); }
  switch (rm) {
    case Rm.RNE: return r;
    case Rm.RTZ: return x > 0 ? lo : hi;
    case Rm.RDN: return lo;
    case Rm.RUP: return hi;
    default: { // RMM: a tie goes away from zero, anything else as RNE
      const loU = lo === -Infinity ? -340282366920938463463374607431768211456 : lo;
      const hiU = hi === Infinity ? 340282366920938463463374607431768211456 : hi;
      if (x === loU / 2 + hiU / 2) return x > 0 ? hi : lo;
      return r;
    }
  }
}

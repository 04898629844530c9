/**
 * @fileoverview The reference arithmetic: exact results as BigInt-scaled integers (sig · 2^exp),
 * rounded once by roundPack. Slow (microseconds), so the fast paths call it only for what they
 * cannot do exactly in doubles: underflow, overflow in directed modes, far-apart FMA terms.
 * Operands are finite doubles (binary32 values are exact doubles); special values (zero, infinity,
 * NaN) are handled by the callers.
 */

import { Rm } from './flags.ts';
import { dBits, w } from './bits.ts';
import { type Fmt, roundPack } from './round.ts';

/** Decomposition of the last finite double passed to split(): |x| = sig · 2^exp. */
let sig = 0n;
let exp = 0;

function split(x: number): void {
  dBits(x);
  const hi = w[1], lo = w[0];
  const e = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  if (e === 0) { sig = frac; exp = -1074; } else { sig = frac | (1n << 52n); exp = e - 1075; }
}

/** Exact signed sum of two scaled integers, rounded; an exact zero gets the sign IEEE 754 6.3 gives. */
function roundSum(s1: bigint, e1: number, s2: bigint, e2: number, fmt: Fmt, rm: number): number {
  const e = Math.min(e1, e2);
  const sum = (s1 << BigInt(e1 - e)) + (s2 << BigInt(e2 - e));
  if (sum === 0n) return rm === Rm.RDN ? -0 : 0;
  return sum < 0n ? roundPack(true, -sum, e, false, fmt, rm) : roundPack(false, sum, e, false, fmt, rm);
}

/** a + b, both finite non-zero. */
export function addExact(a: number, b: number, fmt: Fmt, rm: number): number {
  split(a); const sa = a < 0 ? -sig : sig, ea = exp;
  split(b); const sb = b < 0 ? -sig : sig, eb = exp;
  return roundSum(sa, ea, sb, eb, fmt, rm);
}

/** a · b, both finite non-zero. */
export function mulExact(a: number, b: number, fmt: Fmt, rm: number): number {
  split(a); const sa = sig, ea = exp;
  split(b);
  return roundPack((a < 0) !== (b < 0), sa * sig, ea + exp, false, fmt, rm);
}

/** a / b, both finite non-zero: a quotient of at least 55 bits plus a sticky remainder. */
export function divExact(a: number, b: number, fmt: Fmt, rm: number): number {
  split(a); const sa = sig, ea = exp;
  split(b); const sb = sig, eb = exp;
  const k = Math.max(0, 56 + sb.toString(2).length - sa.toString(2).length);
  const num = sa << BigInt(k);
  const q = num / sb;
  return roundPack((a < 0) !== (b < 0), q, ea - eb - k, q * sb !== num, fmt, rm);
}

/** Floor of the square root of n >= 0 (Newton's iteration from a double estimate). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.ceil(Math.sqrt(Number(n)))) + 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** sqrt(a), a finite and > 0: an integer root of at least 56 bits plus a sticky remainder. */
export function sqrtExact(a: number, fmt: Fmt, rm: number): number {
  split(a);
  let k = 120 - sig.toString(2).length; // shift so the radicand has >= 112 bits
  if (((exp - k) & 1) !== 0) k++;        // and an even exponent
  const n = sig << BigInt(k);
  const r = isqrt(n);
  return roundPack(false, r, (exp - k) / 2, r * r !== n, fmt, rm);
}

/** a · b + c, all finite, a and b non-zero: the 106-bit product and c summed exactly, one rounding. */
export function fmaExact(a: number, b: number, c: number, fmt: Fmt, rm: number): number {
  split(a); const sa = sig, ea = exp;
  split(b);
  const prod = (a < 0) !== (b < 0) ? -(sa * sig) : sa * sig, ep = ea + exp;
  if (c === 0) return prod < 0n ? roundPack(true, -prod, ep, false, fmt, rm) : roundPack(false, prod, ep, false, fmt, rm);
  split(c);
  return roundSum(prod, ep, c < 0 ? -sig : sig, exp, fmt, rm);
}

/** An exact integer (a 64-bit register value as BigInt) rounded to fmt. */
export function intExact(v: bigint, fmt: Fmt, rm: number): number {
  if (v === 0n) return 0;
  return v < 0n ? roundPack(true, -v, 0, false, fmt, rm) : roundPack(false, v, 0, false, fmt, rm);
}

/** A finite non-zero double rounded to a narrower format: the slow path of FCVT.H.S and FCVT.H.D. */
export function narrowExact(x: number, fmt: Fmt, rm: number): number {
  split(x);
  return roundPack(x < 0, sig, exp, false, fmt, rm);
}

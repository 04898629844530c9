/**
 * @fileoverview 64-bit arithmetic on Int32 lo/hi pairs, for the interpreter's colder paths
 * (multiplication high halves, division). Results are written to the `out` pair so that no
 * object is allocated per instruction. BigInt appears only where doing the work in 32-bit
 * pieces would cost more code than it saves time (128-bit products, full 64-bit division).
 */

/** Result register pair: out[0] = lo, out[1] = hi. */
export const out = new Int32Array(2);

/**
 * A 64-bit scratch seen as a double and as two words. Aligned 64-bit guest loads and stores go
 * through a Float64Array element, which the host does as one 8-byte access: RISC-V requires them to
 * be single-copy atomic, and two 32-bit accesses could tear against another hart. The double is
 * only copied, never computed with, so every bit pattern (NaNs included) survives.
 */
export const scratchF64 = new Float64Array(1);
export const scratchI32 = new Int32Array(scratchF64.buffer);

const TWO32 = 4294967296;

/** High 32 bits of the unsigned 32x32 product, in 16-bit limbs so every partial product is exact. */
export function mulhu32(a: number, b: number): number {
  const aL = a & 0xffff, aH = a >>> 16, bL = b & 0xffff, bH = b >>> 16;
  const ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** Low 64 bits of a 64x64 product (MUL): the same for signed and unsigned operands. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  out[0] = Math.imul(alo, blo);
  out[1] = (mulhu32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
}

export function toBigSigned(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

export function toBigUnsigned(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Store the low 64 bits of a BigInt into out. */
export function fromBig(v: bigint): void {
  out[0] = Number(BigInt.asIntN(32, v));
  out[1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** MULH (signed x signed), MULHSU (signed x unsigned), MULHU (unsigned x unsigned): high 64 bits. */
export function mulh(kind: 1 | 2 | 3, alo: number, ahi: number, blo: number, bhi: number): void {
  const a = kind === 3 ? toBigUnsigned(alo, ahi) : toBigSigned(alo, ahi);
  const b = kind === 1 ? toBigSigned(blo, bhi) : toBigUnsigned(blo, bhi);
  fromBig((a * b) >> 64n);
}

/** True when the pair is a sign-extended 32-bit value, so plain JS numbers compute it exactly. */
function isInt32(lo: number, hi: number): boolean {
  return hi === lo >> 31;
}

/**
 * DIV, DIVU, REM, REMU with RISC-V's defined results: x/0 = all ones, x%0 = x,
 * (-2^63)/(-1) = -2^63 and its remainder 0. No trap in either case.
 */
export function div64(signed: boolean, rem: boolean, alo: number, ahi: number, blo: number, bhi: number): void {
  if ((blo | bhi) === 0) {
    if (rem) { out[0] = alo; out[1] = ahi; } else { out[0] = -1; out[1] = -1; }
    return;
  }
  if (signed && isInt32(alo, ahi) && isInt32(blo, bhi)) {
    // |a|, |b| <= 2^31: the quotient (at most 2^31) and remainder are exact in doubles.
    const r = rem ? alo % blo : Math.trunc(alo / blo);
    out[0] = r | 0;
    out[1] = r < 0 ? -1 : 0;
    return;
  }
  if (!signed && ahi === 0 && bhi === 0) {
    const a = alo >>> 0, b = blo >>> 0;
    const r = rem ? a % b : Math.floor(a / b);
    out[0] = r | 0;
    out[1] = 0;
    return;
  }
  const a = signed ? toBigSigned(alo, ahi) : toBigUnsigned(alo, ahi);
  const b = signed ? toBigSigned(blo, bhi) : toBigUnsigned(blo, bhi);
  // BigInt division truncates toward zero like RISC-V; -2^63 / -1 = 2^63 wraps to -2^63 in fromBig.
  fromBig(rem ? a % b : a / b);
}

/** DIVW, DIVUW, REMW, REMUW: 32-bit operands, the 32-bit result sign-extended. */
export function div32(signed: boolean, rem: boolean, a: number, b: number): void {
  let r: number;
  if (b === 0) r = rem ? a : -1;
  else if (signed) r = rem ? a % b : Math.trunc(a / b); // -2^31 / -1 = 2^31 wraps to -2^31 below
  else r = rem ? (a >>> 0) % (b >>> 0) : Math.floor((a >>> 0) / (b >>> 0));
  out[0] = r | 0;
  out[1] = out[0] >> 31;
}

/** A JS number holding an exact signed 64-bit value (|v| < 2^53) split into lo/hi. */
export function splitNumber(v: number): void {
  out[0] = v | 0;
  out[1] = Math.floor(v / TWO32) | 0;
}

/** lo/hi to a JS number; exact when |value| < 2^53 (hi >> 21 is 0 or -1). */
export function joinSigned(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

export function joinUnsigned(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

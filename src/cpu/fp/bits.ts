/**
 * @fileoverview Bit-level views of binary32 and binary64 values: conversion between raw patterns
 * and JS numbers through one scratch buffer, the canonical NaNs, next-up/next-down steps.
 * JS numbers never carry a NaN payload here: callers classify NaNs on the raw bits.
 */

const scratch = new ArrayBuffer(8);
const f64 = new Float64Array(scratch);
const f32 = new Float32Array(scratch);
/** Raw words of the scratch: w[0] low half of a double (little-endian host), w[1] high half. */
export const w = new Int32Array(scratch);

/** Canonical NaNs: binary32 0x7fc00000, binary64 0x7ff80000_00000000. */
export const CANON_S = 0x7fc00000;
export const CANON_D_HI = 0x7ff80000;

export const MAX_S = 3.4028234663852886e38;
export const MAX_D = Number.MAX_VALUE;

/** The double with raw pattern hi:lo. */
export function dOf(lo: number, hi: number): number {
  w[0] = lo; w[1] = hi;
  return f64[0];
}

/** Writes the raw pattern of the double v to w[0] (lo), w[1] (hi). */
export function dBits(v: number): void {
  f64[0] = v;
}

/** The binary32 value with raw pattern `bits`, as a (exact) double. */
export function sOf(bits: number): number {
  w[0] = bits;
  return f32[0];
}

/** Raw pattern of v, which must be exactly representable in binary32 (or ±Infinity). */
export function sBits(v: number): number {
  f32[0] = v;
  return w[0];
}

/** True when hi:lo is a signalling NaN (exponent all ones, quiet bit 51 clear, fraction non-zero). */
export function isSNaND(lo: number, hi: number): boolean {
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | lo) !== 0;
}

export function isNaND(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
}

export function isSNaNS(bits: number): boolean {
  return (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x3fffff) !== 0;
}

export function isNaNS(bits: number): boolean {
  return (bits & 0x7fffffff) > 0x7f800000;
}

/** The next double above x (x not NaN; +Infinity stays). */
export function nextUpD(x: number): number {
  if (x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  if (x > 0) { w[0] = (w[0] + 1) | 0; if (w[0] === 0) w[1] = (w[1] + 1) | 0; }
  else { if (w[0] === 0) w[1] = (w[1] - 1) | 0; w[0] = (w[0] - 1) | 0; }
  return f64[0];
}

export function nextDownD(x: number): number {
  return -nextUpD(-x);
}

/** The next binary32 value above x (x a binary32 value, not NaN; +Infinity stays). */
export function nextUpS(x: number): number {
  if (x === Infinity) return x;
  if (x === 0) return 1.401298464324817e-45;
  f32[0] = x;
  w[0] = x > 0 ? (w[0] + 1) | 0 : (w[0] - 1) | 0;
  return f32[0];
}

export function nextDownS(x: number): number {
  return -nextUpS(-x);
}

/** True when the significand of the double x (finite, non-zero) has its last bit set. */
export function isOddD(x: number): boolean {
  f64[0] = x;
  return (w[0] & 1) !== 0;
}

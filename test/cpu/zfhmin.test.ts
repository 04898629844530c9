/**
 * @fileoverview Unit tests of Zfhmin in the FPU (src/cpu/fpu.ts, src/cpu/fp/half.ts) through a fake
 * FpHost: FLH/FSH, FMV.X.H/FMV.H.X, FCVT.{S,D}.H and FCVT.H.{S,D} against references written here
 * and independent of the implementation: binary16 decoding by re-biasing bits into a binary32, and
 * rounding to binary16 by exact rational arithmetic on BigInts (IEEE 754 rules with tininess after
 * rounding, as RISC-V specifies). Covers every half pattern, every rounding mode on halfway cases,
 * overflow to infinity or the largest finite value by mode, subnormal and tiny results (UF/NX),
 * NaNs (signalling NaN → NV, canonical results, unboxed operands), signed zeros, mstatus.FS dirtying,
 * and the extension gate (every Zfhmin encoding is illegal without the Zfhmin bit).
 */
import { describe, expect, it } from 'vitest';
import { Fpu, FpResult } from '../../src/cpu/fpu.ts';
import { FakeFpHost as FakeHost, getF, getX, setF, setX } from './helpers/fake-fp-host.ts';
import { ALL_EXTENSIONS, Ext } from '../../src/memory/extensions.ts';

function setup(extensions = Ext.Zfhmin as number): { host: FakeHost; fpu: Fpu } {
  const host = new FakeHost(extensions);
  return { host, fpu: new Fpu(host) };
}

// ---- registers, encodings ----------------------------------------------------------------------------

const F = { NX: 1, UF: 2, OF: 4, DZ: 8, NV: 16 };
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;
const MODES = [RNE, RTZ, RDN, RUP, RMM];

const boxH = (bits: number): bigint => 0xffffffffffff0000n | BigInt(bits & 0xffff);
const boxS = (bits: number): bigint => 0xffffffff00000000n | BigInt(bits >>> 0);
const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
const sBitsOf = (v: number): number => { f32[0] = v; return u32[0]; };
const sOfBits = (b: number): number => { u32[0] = b >>> 0; return f32[0]; };
const dBitsOf = (v: number): bigint => { f64[0] = v; return u64[0]; };

const CANON_H = 0x7e00, CANON_S = 0x7fc00000, CANON_D = 0x7ff8000000000000n;

const opfp = (f7: number, rs2: number, rs1: number, rm: number, rd: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53) | 0;
const FCVT_S_H = (rm = RNE): number => opfp(0x20, 2, 1, rm, 4);
const FCVT_D_H = (rm = RNE): number => opfp(0x21, 2, 1, rm, 4);
const FCVT_H_S = (rm: number): number => opfp(0x22, 0, 1, rm, 4);
const FCVT_H_D = (rm: number): number => opfp(0x22, 1, 1, rm, 4);
const FMV_X_H = opfp(0x72, 0, 1, 0, 5);
const FMV_H_X = opfp(0x7a, 0, 6, 0, 4);
/** flh f<rd>, imm(x<rs1>) and fsh f<rs2>, imm(x<rs1>). */
const flh = (rd: number, rs1: number, imm: number): number => ((imm << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x07) | 0;
const fsh = (rs2: number, rs1: number, imm: number): number =>
  (((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (1 << 12) | ((imm & 31) << 7) | 0x27) | 0;

/** Runs one instruction with fflags cleared; returns the flags it raised. (No expect(): the loops run it a million times.) */
function run(fpu: Fpu, inst: number): number {
  fpu.writeCsr(1, 0);
  const result = fpu.execute(inst);
  if (result !== FpResult.Ok) throw new Error(`${inst.toString(16)}: result ${result}, not Ok`);
  return fpu.readCsr(1);
}

// ---- reference: binary16 to binary32 by re-biasing the bit fields --------------------------------------

/** The binary32 pattern of the binary16 pattern h (a NaN keeps its payload; callers canonicalize). */
function halfToSingleBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  let exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (frac << 13)) >>> 0;
  if (exp === 0) {
    if (frac === 0) return sign >>> 0;
    exp = 1; // normalize the subnormal: shift until the hidden bit appears
    while ((frac & 0x400) === 0) { frac <<= 1; exp--; }
    frac &= 0x3ff;
  }
  return (sign | ((exp - 15 + 127) << 23) | (frac << 13)) >>> 0;
}

// ---- reference: rounding an exact binary value to binary16 ---------------------------------------------

interface Rounded { bits: number; flags: number }

/**
 * x (a finite double) as sign and an exact fraction num / 2^den (den >= 0), with num an integer.
 */
function exactOf(x: number): { neg: boolean; num: bigint; den: number } {
  const bits = dBitsOf(x);
  const neg = (bits >> 63n) === 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  const m = bits & ((1n << 52n) - 1n);
  const sig = e === 0 ? m : m | (1n << 52n);
  const exp = (e === 0 ? -1074 : e - 1075);
  return exp >= 0 ? { neg, num: sig << BigInt(exp), den: 0 } : { neg, num: sig, den: -exp };
}

/** floor(log2(num / 2^den)) for num > 0. */
const log2Floor = (num: bigint, den: number): number => num.toString(2).length - 1 - den;

/**
 * num / 2^den rounded to a multiple of 2^q in mode rm for a value of sign neg: returns the multiple
 * k (value k · 2^q) and whether it is inexact.
 */
function roundToGrid(num: bigint, den: number, q: number, rm: number, neg: boolean): { k: bigint; inexact: boolean } {
  // num / 2^den / 2^q = A / B, both integers.
  const A = num << BigInt(Math.max(0, -q - den));
  const B = 1n << BigInt(Math.max(0, den + q));
  const k0 = A / B, rem = A - k0 * B;
  if (rem === 0n) return { k: k0, inexact: false };
  const twice = 2n * rem;
  let up: boolean;
  switch (rm) {
    case RNE: up = twice > B || (twice === B && (k0 & 1n) === 1n); break;
    case RMM: up = twice >= B; break;
    case RTZ: up = false; break;
    case RDN: up = neg; break;
    default: up = !neg; break; // RUP
  }
  return { k: up ? k0 + 1n : k0, inexact: true };
}

/** The binary16 result and flags of rounding the double x (not NaN) in mode rm (IEEE 754, tininess after rounding). */
function refToHalf(x: number, rm: number): Rounded {
  const signBit = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  if (x === 0) return { bits: signBit, flags: 0 };
  if (!Number.isFinite(x)) return { bits: signBit | 0x7c00, flags: 0 };
  const { neg, num, den } = exactOf(x);
  const t = log2Floor(num, den);
  // Bounded: 11 significant bits, but no finer than the subnormal quantum 2^-24.
  const q = Math.max(t, -14) - 10;
  const { k, inexact } = roundToGrid(num, den, q, rm, neg);
  let flags = inexact ? F.NX : 0;
  // Unbounded exponent range: 11 significant bits at any magnitude. Tiny if that is below 2^-14.
  const unb = roundToGrid(num, den, t - 10, rm, neg);
  const unbLog = unb.k === 0n ? -Infinity : log2Floor(unb.k, 0) + (t - 10);
  if (unbLog >= 16) { // the unbounded result is at least 2^16: beyond 65504, an overflow
    const toInf = rm === RNE || rm === RMM || (rm === RUP && !neg) || (rm === RDN && neg);
    return { bits: signBit | (toInf ? 0x7c00 : 0x7bff), flags: F.OF | F.NX };
  }
  if (unbLog < -14 && inexact) flags |= F.UF;
  // Encode k · 2^q.
  if (k === 0n) return { bits: signBit, flags };
  let kk = Number(k), qq = q;
  if (kk === 2048) { kk = 1024; qq++; } // rounding carried into the next binade
  if (qq === -24 && kk < 1024) return { bits: signBit | kk, flags }; // subnormal
  const biased = qq + 10 + 15;
  return { bits: signBit | (biased << 10) | (kk - 1024), flags };
}

// ---- the inputs: every half, its neighbours' midpoints, nudged midpoints, random values -----------

/** Every finite non-negative binary16 value as a double, ascending. */
const HALVES: number[] = [];
for (let h = 0; h < 0x7c00; h++) HALVES.push(sOfBits(halfToSingleBits(h)));
/** Midpoints between consecutive halves, and the midpoint above 65504 (65520: the overflow threshold). */
const MIDPOINTS: number[] = [];
for (let i = 0; i + 1 < HALVES.length; i++) MIDPOINTS.push((HALVES[i] + HALVES[i + 1]) / 2);
MIDPOINTS.push(65520);

let seed = 0x2468ace1;
const rnd = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };

/** The single just above and just below v (both singles, v a single). */
const singleNeighbours = (v: number): number[] => {
  const b = sBitsOf(v);
  return [sOfBits(b + 1), sOfBits(b - 1)];
};

// ---- tests --------------------------------------------------------------------------------------------

describe('binary16 to binary32/binary64 (FCVT.S.H, FCVT.D.H)', () => {
  it('every half pattern converts exactly, with NV only for signalling NaNs and canonical NaN results', () => {
    const { host, fpu } = setup();
    const bad: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      const sNaN = isNaN && (h & 0x200) === 0;
      const wantS = isNaN ? CANON_S : halfToSingleBits(h);
      const wantD = isNaN ? CANON_D : dBitsOf(sOfBits(wantS));
      const wantFlags = sNaN ? F.NV : 0;
      setF(host, 1, boxH(h));
      const fs = run(fpu, FCVT_S_H());
      if (getF(host, 4) !== boxS(wantS) || fs !== wantFlags) bad.push(`s.h ${h.toString(16)}: ${getF(host, 4).toString(16)} flags ${fs}`);
      const fd = run(fpu, FCVT_D_H());
      if (getF(host, 4) !== wantD || fd !== wantFlags) bad.push(`d.h ${h.toString(16)}: ${getF(host, 4).toString(16)} flags ${fd}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('an operand that is not NaN-boxed reads as the canonical NaN (quiet: no flags)', () => {
    const { host, fpu } = setup();
    for (const v of [0x3c00n, 0xffffffff00003c00n, 0xfffeffffffff3c00n, 0x7fffffffffff3c00n, 0xffffffff7fff3c00n]) {
      setF(host, 1, v);
      expect(run(fpu, FCVT_S_H())).toBe(0);
      expect(getF(host, 4)).toBe(boxS(CANON_S));
      expect(run(fpu, FCVT_D_H())).toBe(0);
      expect(getF(host, 4)).toBe(CANON_D);
    }
  });
});

describe('binary32/binary64 to binary16 (FCVT.H.S, FCVT.H.D) against the BigInt reference', () => {
  /** Converts x (sign applied) by FCVT.H.S (x must be a single) and FCVT.H.D; returns mismatches. */
  function check(fpu: Fpu, host: FakeHost, x: number, rm: number, viaSingle: boolean): string[] {
    const want = refToHalf(x, rm);
    const bad: string[] = [];
    const forms: [string, bigint, number][] = [['h.d', dBitsOf(x), FCVT_H_D(rm)]];
    if (viaSingle) forms.push(['h.s', boxS(sBitsOf(x)), FCVT_H_S(rm)]);
    for (const [name, src, inst] of forms) {
      setF(host, 1, src);
      const flags = run(fpu, inst);
      const got = getF(host, 4);
      if (got !== boxH(want.bits) || flags !== want.flags) {
        bad.push(`${name} ${x} rm${rm}: got ${got.toString(16)} flags ${flags}, want ${want.bits.toString(16)} flags ${want.flags}`);
      }
    }
    return bad;
  }

  it('every half value converts back exactly, in every mode, with no flags (round trip)', () => {
    const { host, fpu } = setup();
    const bad: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaNs: below
      setF(host, 1, boxH(h));
      run(fpu, FCVT_S_H());
      const single = getF(host, 4);
      run(fpu, FCVT_D_H());
      const double = getF(host, 4);
      for (const rm of MODES) {
        setF(host, 1, single);
        let flags = run(fpu, FCVT_H_S(rm));
        if (getF(host, 4) !== boxH(h) || flags !== 0) bad.push(`h.s ${h.toString(16)} rm${rm}`);
        setF(host, 1, double);
        flags = run(fpu, FCVT_H_D(rm));
        if (getF(host, 4) !== boxH(h) || flags !== 0) bad.push(`h.d ${h.toString(16)} rm${rm}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('halfway cases in every mode, both signs (ties to even, ties away in RMM), and their neighbours', () => {
    const { host, fpu } = setup();
    const bad: string[] = [];
    for (const [i, m] of MIDPOINTS.entries()) {
      // Every tie; the singles either side of it for one midpoint in 4 (the BigInt reference is slow).
      for (const v of i % 4 === 0 || i > MIDPOINTS.length - 4 ? [m, ...singleNeighbours(m)] : [m]) {
        for (const rm of MODES) bad.push(...check(fpu, host, v, rm, true), ...check(fpu, host, -v, rm, true));
      }
      // Just off the midpoint by much less than a single's ulp: only binary64 can say it.
      if (i % 4 === 2) for (const rm of MODES) bad.push(...check(fpu, host, m * (1 + 2 ** -40), rm, false), ...check(fpu, host, -m * (1 - 2 ** -40), rm, false));
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('random binary32 and binary64 values over the whole range', () => {
    const { host, fpu } = setup();
    const bad: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const rm = i % 5;
      // Singles: exponents around binary16's range (and beyond it on both sides), random fractions.
      const e = 127 - 30 + (rnd() % 50);
      const s = sOfBits(((rnd() & 1) << 31 | (e << 23) | (rnd() & 0x7fffff)) >>> 0);
      bad.push(...check(fpu, host, s, rm, true));
      // Doubles: the same region, and the far ends of the double range.
      const de = (i & 7) === 0 ? 1 + (rnd() % 2046) : 1023 - 30 + (rnd() % 50);
      f64[0] = 0;
      u64[0] = (BigInt(rnd() & 1) << 63n) | (BigInt(de) << 52n) | (BigInt(rnd() & 0xfffff) << 32n) | BigInt(rnd());
      bad.push(...check(fpu, host, f64[0], rm, false));
    }
    // Subnormal doubles and singles round to ±0 or ±the smallest subnormal.
    for (const rm of MODES) {
      bad.push(...check(fpu, host, 5e-324, rm, false), ...check(fpu, host, -5e-324, rm, false));
      bad.push(...check(fpu, host, sOfBits(1), rm, true), ...check(fpu, host, -sOfBits(0x7fffff), rm, true));
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('overflow: infinity or 65504 by mode and sign, always OF and NX', () => {
    const { host, fpu } = setup();
    // [value, rm, result bits, flags]
    const cases: [number, number, number, number][] = [
      [65504, RNE, 0x7bff, 0], [65519, RNE, 0x7bff, F.NX], [65520, RNE, 0x7c00, F.OF | F.NX],
      [65520, RMM, 0x7c00, F.OF | F.NX], [65520, RTZ, 0x7bff, F.NX], [65520, RDN, 0x7bff, F.NX],
      [65520, RUP, 0x7c00, F.OF | F.NX], [65505, RUP, 0x7c00, F.OF | F.NX], [65535, RTZ, 0x7bff, F.NX],
      [65536, RTZ, 0x7bff, F.OF | F.NX], [1e10, RTZ, 0x7bff, F.OF | F.NX], [1e10, RDN, 0x7bff, F.OF | F.NX],
      [1e10, RUP, 0x7c00, F.OF | F.NX], [1e10, RNE, 0x7c00, F.OF | F.NX], [1e10, RMM, 0x7c00, F.OF | F.NX],
      [-1e10, RDN, 0xfc00, F.OF | F.NX], [-1e10, RUP, 0xfbff, F.OF | F.NX], [-1e10, RTZ, 0xfbff, F.OF | F.NX],
      [-65520, RNE, 0xfc00, F.OF | F.NX], [-65520, RUP, 0xfbff, F.NX],
      [Infinity, RTZ, 0x7c00, 0], [-Infinity, RUP, 0xfc00, 0],                 // infinities are exact
    ];
    for (const [v, rm, bits, flags] of cases) {
      for (const [src, inst] of [[boxS(sBitsOf(v)), FCVT_H_S(rm)], [dBitsOf(v), FCVT_H_D(rm)]] as const) {
        setF(host, 1, src);
        expect(run(fpu, inst), `${v} rm${rm}`).toBe(flags);
        expect(getF(host, 4), `${v} rm${rm}`).toBe(boxH(bits));
        expect(refToHalf(v, rm), `reference ${v} rm${rm}`).toEqual({ bits, flags });
      }
    }
  });

  it('underflow: subnormal and tiny results raise UF with NX; tininess is detected after rounding', () => {
    const { host, fpu } = setup();
    const cases: [number, number, number, number][] = [
      [2 ** -24, RNE, 0x0001, 0],                        // the smallest subnormal: exact, no UF
      [3 * 2 ** -24, RNE, 0x0003, 0],
      [2 ** -25, RNE, 0x0000, F.UF | F.NX],               // half the smallest subnormal: tie to even 0
      [2 ** -25, RMM, 0x0001, F.UF | F.NX],
      [2 ** -25, RUP, 0x0001, F.UF | F.NX],
      [-(2 ** -25), RDN, 0x8001, F.UF | F.NX],
      [-(2 ** -25), RNE, 0x8000, F.UF | F.NX],            // -0
      [3 * 2 ** -25, RNE, 0x0002, F.UF | F.NX],           // 1.5 ulp: tie to even 2
      [1e-30, RTZ, 0x0000, F.UF | F.NX],
      [1e-30, RUP, 0x0001, F.UF | F.NX],
      [-1e-30, RUP, 0x8000, F.UF | F.NX],
      // Just below 2^-14: rounding up to the smallest normal. With an unbounded exponent,
      // 2^-14 - 2^-26 is a tie at 2^-25 steps that goes to 2^-14 (even): not tiny, so no UF;
      // 2^-14 - 2^-25 (exactly the largest subnormal + half a subnormal ulp) is tie → even 2^-14 too,
      // but with an unbounded exponent it is representable: tiny, and inexact → UF.
      [2 ** -14 - 2 ** -26, RNE, 0x0400, F.NX],
      [2 ** -14 - 2 ** -25, RNE, 0x0400, F.UF | F.NX],
      [2 ** -14 - 2 ** -25, RTZ, 0x03ff, F.UF | F.NX],
      [2 ** -14 - 2 ** -26, RUP, 0x0400, F.NX],
      [2 ** -14 - 2 ** -26, RTZ, 0x03ff, F.UF | F.NX],
      [2 ** -14, RNE, 0x0400, 0],
    ];
    for (const [v, rm, bits, flags] of cases) {
      for (const [src, inst] of [[boxS(sBitsOf(v)), FCVT_H_S(rm)], [dBitsOf(v), FCVT_H_D(rm)]] as const) {
        if (src === boxS(sBitsOf(v)) && sOfBits(sBitsOf(v)) !== v) continue; // not a single
        setF(host, 1, src);
        expect(run(fpu, inst), `${v} rm${rm}`).toBe(flags);
        expect(getF(host, 4), `${v} rm${rm}`).toBe(boxH(bits));
        expect(refToHalf(v, rm), `reference ${v} rm${rm}`).toEqual({ bits, flags });
      }
    }
  });

  it('signed zeros convert to signed zeros in every mode, with no flags', () => {
    const { host, fpu } = setup();
    for (const rm of MODES) {
      for (const [v, bits] of [[0, 0x0000], [-0, 0x8000]] as const) {
        setF(host, 1, boxS(sBitsOf(v)));
        expect(run(fpu, FCVT_H_S(rm))).toBe(0);
        expect(getF(host, 4)).toBe(boxH(bits));
        setF(host, 1, dBitsOf(v));
        expect(run(fpu, FCVT_H_D(rm))).toBe(0);
        expect(getF(host, 4)).toBe(boxH(bits));
      }
    }
  });

  it('NaNs: canonical 0x7e00 result, NV only for a signalling NaN; an unboxed single is a quiet NaN', () => {
    const { host, fpu } = setup();
    const cases: [bigint, number, number][] = [
      [boxS(0x7fc00000), FCVT_H_S(RNE), 0], [boxS(0xffc12345), FCVT_H_S(RNE), 0],
      [boxS(0x7f800001), FCVT_H_S(RNE), F.NV], [boxS(0xffbfffff), FCVT_H_S(RTZ), F.NV],
      [0x000000003f800000n, FCVT_H_S(RNE), 0],                                  // not boxed
      [0x7ff8000000000000n, FCVT_H_D(RNE), 0], [0xfff8000000001234n, FCVT_H_D(RNE), 0],
      [0x7ff0000000000001n, FCVT_H_D(RNE), F.NV], [0xfff4000000000000n, FCVT_H_D(RUP), F.NV],
      [boxS(0x3f800000), FCVT_H_D(RNE), 0],                                     // a boxed single is a qNaN double
    ];
    for (const [src, inst, flags] of cases) {
      setF(host, 1, src);
      expect(run(fpu, inst), src.toString(16)).toBe(flags);
      expect(getF(host, 4), src.toString(16)).toBe(boxH(CANON_H));
    }
  });

  it('dynamic rounding (rm = 7) uses frm', () => {
    const { host, fpu } = setup();
    const v = 1 + 2 ** -11; // halfway between 1 and 1 + 2^-10
    for (const rm of MODES) {
      fpu.writeCsr(2, rm);
      setF(host, 1, dBitsOf(v));
      run(fpu, FCVT_H_D(DYN));
      expect(getF(host, 4), `frm ${rm}`).toBe(boxH(refToHalf(v, rm).bits));
    }
    expect(refToHalf(v, RNE).bits).toBe(0x3c00);
    expect(refToHalf(v, RMM).bits).toBe(0x3c01);
  });
});

describe('FLH, FSH, FMV.X.H, FMV.H.X', () => {
  it('FLH NaN-boxes the half-word it loads, payload kept; FSH stores the raw low 16 bits', () => {
    const { host, fpu } = setup();
    host.mem.setUint32(0x100, 0x7c01abcd, true);
    setX(host, 10, 0x100n);
    expect(fpu.execute(flh(1, 10, 0))).toBe(FpResult.Ok);
    expect(getF(host, 1)).toBe(boxH(0xabcd));
    expect(fpu.execute(flh(2, 10, 2))).toBe(FpResult.Ok);                   // a signalling NaN, unchanged
    expect(getF(host, 2)).toBe(boxH(0x7c01));
    expect(fpu.execute(flh(3, 10, 1))).toBe(FpResult.Ok);                   // misaligned: the host's business
    expect(getF(host, 3)).toBe(boxH(0x01ab));
    expect(host.dirty).toBe(3);
    // fsh of an unboxed register: the low 16 bits as they are, the neighbours untouched
    host.mem.setUint32(0x110, 0x11223344, true);
    setF(host, 4, 0x123456789abcdef0n);
    expect(fpu.execute(fsh(4, 10, 0x12))).toBe(FpResult.Ok);
    expect(host.mem.getUint32(0x110, true)).toBe(0xdef03344);
    expect(fpu.execute(fsh(1, 10, -2))).toBe(FpResult.Ok);
    expect(host.mem.getUint16(0xfe, true)).toBe(0xabcd);
    expect(host.dirty).toBe(3);                                              // stores do not dirty
    // a faulting load leaves the register alone
    setX(host, 11, 0x100000n);
    expect(fpu.execute(flh(1, 11, 0))).toBe(FpResult.Faulted);
    expect(getF(host, 1)).toBe(boxH(0xabcd));
  });

  it('FMV.X.H sign-extends bit 15 of the raw low half-word, boxed or not; x0 stays 0', () => {
    const { host, fpu } = setup();
    const cases: [bigint, bigint][] = [
      [boxH(0x3c00), 0x3c00n], [boxH(0x8000), 0xffffffffffff8000n], [boxH(0xfe00), 0xfffffffffffffe00n],
      [0x123456789abc7fffn, 0x7fffn], [0x0000000000008001n, 0xffffffffffff8001n],
    ];
    for (const [src, want] of cases) {
      setF(host, 1, src);
      const before = host.dirty;
      expect(run(fpu, FMV_X_H)).toBe(0);
      expect(getX(host, 5)).toBe(want);
      expect(host.dirty).toBe(before);
    }
    expect(fpu.execute(opfp(0x72, 0, 1, 0, 0))).toBe(FpResult.Ok);
    expect([host.r[0], host.r[1]]).toEqual([0, 0]);
  });

  it('FMV.H.X boxes the low 16 bits of x[rs1], NaN payloads kept, and dirties FS', () => {
    const { host, fpu } = setup();
    for (const [x, want] of [[0x123456789abcdef0n, 0xdef0], [0x7c01n, 0x7c01], [-1n, 0xffff], [0n, 0]] as const) {
      setX(host, 6, x);
      const before = host.dirty;
      expect(run(fpu, FMV_H_X)).toBe(0);
      expect(getF(host, 4)).toBe(boxH(want));
      expect(host.dirty).toBe(before + 1);
    }
  });

  it('conversions dirty FS; flags accrue into fflags', () => {
    const { host, fpu } = setup();
    setF(host, 1, dBitsOf(0.1));
    fpu.writeCsr(1, 0);
    const before = host.dirty;
    expect(fpu.execute(FCVT_H_D(RNE))).toBe(FpResult.Ok);
    expect(host.dirty).toBe(before + 1);
    setF(host, 1, dBitsOf(1e9));
    fpu.execute(FCVT_H_D(RNE));
    expect(fpu.readCsr(1)).toBe(F.NX | F.OF);
  });
});

describe('encodings', () => {
  const zfhmin = [
    flh(1, 10, 0), fsh(1, 10, 0), FMV_X_H, FMV_H_X,
    FCVT_S_H(), FCVT_D_H(), FCVT_H_S(RNE), FCVT_H_D(RNE),
  ];

  it('every Zfhmin encoding is illegal when the hart does not have Zfhmin', () => {
    for (const extensions of [0, ALL_EXTENSIONS & ~Ext.Zfhmin]) {
      const { host, fpu } = setup(extensions);
      setX(host, 10, 0x100n);
      for (const inst of zfhmin) expect(fpu.execute(inst), inst.toString(16)).toBe(FpResult.Illegal);
      expect(host.dirty).toBe(0);
    }
    const { host, fpu } = setup(ALL_EXTENSIONS);
    setX(host, 10, 0x100n);
    for (const inst of zfhmin) expect(fpu.execute(inst), inst.toString(16)).toBe(FpResult.Ok);
  });

  it('Zfh-only instructions, reserved fields and rounding modes stay illegal with Zfhmin', () => {
    const { fpu } = setup();
    const illegal = [
      opfp(0x02, 2, 1, 0, 4), opfp(0x2e, 0, 1, 0, 4),       // fadd.h, fsqrt.h
      opfp(0x12, 2, 1, 0, 4), opfp(0x16, 2, 1, 0, 4),       // fsgnj.h, fmin.h
      opfp(0x52, 2, 1, 2, 4), opfp(0x72, 0, 1, 1, 4),       // feq.h, fclass.h
      opfp(0x62, 0, 1, 0, 4), opfp(0x6a, 0, 1, 0, 4),       // fcvt.w.h, fcvt.h.w
      ((2 << 25) | (3 << 27) | (2 << 20) | (1 << 15) | (4 << 7) | 0x43) | 0, // fmadd.h
      opfp(0x22, 2, 1, 0, 4), opfp(0x22, 3, 1, 0, 4),       // fcvt.h.h, fcvt.h.q
      opfp(0x20, 3, 1, 0, 4), opfp(0x21, 3, 1, 0, 4),       // fcvt.s.q, fcvt.d.q
      opfp(0x72, 1, 1, 0, 4), opfp(0x7a, 1, 6, 0, 4),       // fmv with rs2 != 0
      opfp(0x7a, 0, 6, 1, 4),                                // fmv.h.x with funct3 1
      FCVT_H_S(5), FCVT_H_D(6), FCVT_S_H(5), FCVT_D_H(6),    // reserved rm
      (4 << 12) | 0x07, (5 << 12) | 0x27,                    // flq, a reserved store width
    ];
    for (const inst of illegal) expect(fpu.execute(inst), inst.toString(16)).toBe(FpResult.Illegal);
    for (const frm of [5, 6, 7]) {
      fpu.writeCsr(2, frm);
      for (const inst of [FCVT_H_S(DYN), FCVT_H_D(DYN), FCVT_S_H(DYN), FCVT_D_H(DYN)]) {
        expect(fpu.execute(inst), `${inst.toString(16)} frm ${frm}`).toBe(FpResult.Illegal);
      }
      expect(fpu.execute(FMV_H_X)).toBe(FpResult.Ok);                        // no rm field: unaffected
    }
  });
});

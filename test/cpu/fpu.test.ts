/**
 * @fileoverview Unit tests of the F/D unit (src/cpu/fpu.ts) driven through a fake FpHost: reference
 * vectors generated on the x86-64 host (test/cpu/fp-vectors.json, from scripts/gen-fp-vectors.c;
 * see that file for how to regenerate), then hand-picked edge cases: NaN boxing and payloads,
 * signed zeros, subnormals, overflow per rounding mode, RMM ties (x86 has no RMM), FMA single
 * rounding, conversions at the integer limits, fmin/fmax, comparisons, fclass, moves, CSRs and
 * illegal encodings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Fpu, FpResult } from '../../src/cpu/fpu.ts';
import { FakeFpHost as FakeHost, getF, getX, setF, setX } from './helpers/fake-fp-host.ts';

/** An FPU on a fake host without optional extensions: Zfhmin's encodings stay illegal (zfhmin.test.ts has them). */
function setup(): { host: FakeHost; fpu: Fpu } {
  const host = new FakeHost();
  return { host, fpu: new Fpu(host) };
}

// ---- bit-pattern helpers ------------------------------------------------------------------------

const big = (hex: string): bigint => BigInt('0x' + hex);
/** A binary32 pattern NaN-boxed in a 64-bit register. */
const boxS = (bits: number): bigint => 0xffffffff00000000n | BigInt(bits >>> 0);
const dBitsOf = (v: number): bigint => { const a = new Float64Array([v]); return new BigUint64Array(a.buffer)[0]; };
const sBitsOf = (v: number): number => { const a = new Float32Array([v]); return new Uint32Array(a.buffer)[0]; };

// ---- encoders -------------------------------------------------------------------------------------

const opfp = (f7: number, rs2: number, rs1: number, rm: number, rd: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53) | 0;
const r4 = (opcode: number, fmt: number, rs3: number, rs2: number, rs1: number, rm: number, rd: number): number =>
  ((rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode) | 0;

const ARITH: Record<string, number> = { fadd: 0x00, fsub: 0x04, fmul: 0x08, fdiv: 0x0c, fsqrt: 0x2c };
const FUSED: Record<string, number> = { fmadd: 0x43, fmsub: 0x47, fnmsub: 0x4b, fnmadd: 0x4f };
const KINDS: Record<string, number> = { w: 0, wu: 1, l: 2, lu: 3 };

const F = { NX: 1, UF: 2, OF: 4, DZ: 8, NV: 16 };

/** Runs one instruction with fflags cleared; returns the flags it raised. */
function run(fpu: Fpu, inst: number): number {
  fpu.writeCsr(1, 0);
  expect(fpu.execute(inst)).toBe(FpResult.Ok);
  return fpu.readCsr(1);
}

// ---- the host-generated reference vectors -----------------------------------------------------------

type Vec = (number | string)[];
const vectors = JSON.parse(readFileSync(new URL('./fp-vectors.json', import.meta.url), 'utf8')).cases as Record<string, Vec[]>;

describe('reference vectors (x86-64 hardware)', () => {
  for (const [name, cases] of Object.entries(vectors)) {
    it(name, () => {
      const { host, fpu } = setup();
      const [mn, suffix] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
      const failures: string[] = [];
      for (const c of cases) {
        const rm = c[0] as number;
        let inst: number, got: bigint, want: bigint, flags: number, wantFlags: number;
        if (mn in ARITH || mn in FUSED) {
          const fmt = suffix === 's' ? 0 : 1;
          const val = (hex: string): bigint => (fmt === 0 ? boxS(Number(big(hex))) : big(hex));
          setF(host, 1, val(c[1] as string)); setF(host, 2, val(c[2] as string)); setF(host, 3, val(c[3] as string));
          inst = mn in ARITH ? opfp(ARITH[mn] | fmt, mn === 'fsqrt' ? 0 : 2, 1, rm, 4) : r4(FUSED[mn], fmt, 3, 2, 1, rm, 4);
          flags = run(fpu, inst);
          got = getF(host, 4);
          want = val(c[4] as string);
          wantFlags = c[5] as number;
        } else {
          const [, a, b] = name.split('.');
          if (a in KINDS) { // float -> int
            const fmt = b === 's' ? 0 : 1;
            setF(host, 1, fmt === 0 ? boxS(Number(big(c[1] as string))) : big(c[1] as string));
            flags = run(fpu, opfp(0x60 | fmt, KINDS[a], 1, rm, 5));
            got = getX(host, 5);
          } else if (b in KINDS) { // int -> float
            const fmt = a === 's' ? 0 : 1;
            setX(host, 6, big(c[1] as string));
            flags = run(fpu, opfp(0x68 | fmt, KINDS[b], 6, rm, 4));
            got = fmt === 0 ? getF(host, 4) : getF(host, 4);
          } else if (a === 's') { // fcvt.s.d
            setF(host, 1, big(c[1] as string));
            flags = run(fpu, opfp(0x20, 1, 1, rm, 4));
            got = getF(host, 4);
          } else { // fcvt.d.s
            setF(host, 1, boxS(Number(big(c[1] as string))));
            flags = run(fpu, opfp(0x21, 0, 1, rm, 4));
            got = getF(host, 4);
          }
          const w = c[2] as string;
          want = w.length === 8 ? boxS(Number(big(w))) : big(w);
          wantFlags = c[3] as number;
        }
        if (got !== want || flags !== wantFlags) {
          failures.push(`${JSON.stringify(c)}: got ${got.toString(16)} flags ${flags}`);
        }
      }
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }
});

// ---- the fast paths against the BigInt reference, in all five modes (RMM included) ------------------

import { acc } from '../../src/cpu/fp/flags.ts';
import { Fmt, roundToSingle } from '../../src/cpu/fp/round.ts';
import { addD, divD, fmaD, mulD, sqrtD } from '../../src/cpu/fp/double.ts';
import { addS, divS, fmaS, mulS, sqrtS } from '../../src/cpu/fp/single.ts';
import { addExact, divExact, fmaExact, mulExact, sqrtExact } from '../../src/cpu/fp/exact.ts';

describe('fast paths agree with the exact BigInt reference', () => {
  let seed = 0x12345678;
  const rnd = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return seed >>> 0; };
  const scratch = new Float64Array(1), words = new Uint32Array(scratch.buffer);
  /** A random finite non-zero double: exponent region and dense or sparse significand. */
  function randD(): number {
    for (;;) {
      const region = rnd() % 4;
      const e = region === 0 ? 1 + (rnd() % 2046) : region === 1 ? 1019 + (rnd() % 9) : region === 2 ? rnd() % 60 : 2046 - (rnd() % 40);
      let mhi = rnd() & 0xfffff, mlo = rnd();
      if (rnd() & 1) { mhi &= 1 << (rnd() % 20); mlo &= (1 << (rnd() % 32)) | (1 << (rnd() % 32)); }
      words[0] = mlo; words[1] = ((rnd() & 1) << 31 | (e << 20) | mhi) >>> 0;
      if (scratch[0] !== 0) return scratch[0];
    }
  }
  function randS(): number {
    for (;;) {
      const region = rnd() % 4;
      const e = region === 0 ? 1 + (rnd() % 254) : region === 1 ? 123 + (rnd() % 9) : region === 2 ? rnd() % 30 : 254 - (rnd() % 20);
      let m = rnd() & 0x7fffff;
      if (rnd() & 1) m &= (1 << (rnd() % 23)) | (1 << (rnd() % 23));
      const v = new Float32Array(new Uint32Array([((rnd() & 1) << 31 | (e << 23) | m) >>> 0]).buffer)[0];
      if (v !== 0) return v;
    }
  }
  const same = (x: number, y: number): boolean => Object.is(x, y);
  function check(label: string, fast: () => number, ref: () => number): string | null {
    acc.flags = 0; const a = fast(); const fa = acc.flags;
    acc.flags = 0; const b = ref(); const fb = acc.flags;
    return same(a, b) && fa === fb ? null : `${label}: fast ${a} (${fa}) ref ${b} (${fb})`;
  }

  it('binary64 add, mul, div, sqrt, fma', () => {
    const bad: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const rm = i % 5;
      let a = randD(), b = randD(), c = randD();
      if (i % 7 === 0) b = -a * (1 + (rnd() % 3 - 1) * 2 ** -52);                  // cancellation
      if (i % 7 === 1) c = -(a * b) * (1 + (rnd() % 3 - 1) * 2 ** -52);            // FMA cancellation
      if (i % 7 === 2) b = a * 2 ** -(50 + (rnd() % 8));                             // ties in sums
      if (i % 7 === 3 && Number.isFinite(a * b)) c = a * b * 2 ** -(52 + (rnd() % 60)); // FMA sticky tails
      if (b === 0 || !Number.isFinite(b)) b = randD();
      if (c === 0 || !Number.isFinite(c)) c = randD();
      const l = `${a} ${b} ${c} rm${rm}`;
      bad.push(...[
        check('add ' + l, () => addD(a, b, rm), () => addExact(a, b, Fmt.D, rm)),
        check('mul ' + l, () => mulD(a, b, rm), () => mulExact(a, b, Fmt.D, rm)),
        check('div ' + l, () => divD(a, b, rm), () => divExact(a, b, Fmt.D, rm)),
        check('sqrt ' + l, () => sqrtD(Math.abs(a), rm), () => sqrtExact(Math.abs(a), Fmt.D, rm)),
        check('fma ' + l, () => fmaD(a, b, c, rm), () => fmaExact(a, b, c, Fmt.D, rm)),
      ].filter((x): x is string => x !== null));
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('binary32 add, mul, div, sqrt, fma and double-to-single rounding', () => {
    const bad: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const rm = i % 5;
      let a = randS(), b = randS(), c = randS();
      if (i % 5 === 0) b = Math.fround(-a * (1 + (rnd() % 3 - 1) * 2 ** -23));
      if (i % 5 === 1) c = Math.fround(-(a * b));
      if (i % 5 === 2) b = Math.fround(a * 2 ** -(22 + (rnd() % 6)));
      if (b === 0 || !Number.isFinite(b)) b = 1;
      if (!Number.isFinite(c)) c = 3;
      const d = randD();
      const l = `${a} ${b} ${c} rm${rm}`;
      bad.push(...[
        check('add ' + l, () => addS(a, b, rm), () => addExact(a, b, Fmt.S, rm)),
        check('mul ' + l, () => mulS(a, b, rm), () => mulExact(a, b, Fmt.S, rm)),
        check('div ' + l, () => divS(a, b, rm), () => divExact(a, b, Fmt.S, rm)),
        check('sqrt ' + l, () => sqrtS(Math.abs(a), rm), () => sqrtExact(Math.abs(a), Fmt.S, rm)),
        check('fma ' + l, () => fmaS(a, b, c, rm), () => (c === -(a * b) ? (rm === 2 ? -0 : 0) : fmaExact(a, b, c, Fmt.S, rm))),
        check(`s.d ${d} rm${rm}`, () => roundToSingle(d, rm), () => mulExact(d, 1, Fmt.S, rm)),
      ].filter((x): x is string => x !== null));
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });
});

// ---- hand-picked edge cases --------------------------------------------------------------------------

const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;
const CANON_S = boxS(0x7fc00000), CANON_D = 0x7ff8000000000000n;
const QNAN_D = 0x7ff8000000001234n, SNAN_D = 0x7ff0000000001234n;
const QNAN_S = boxS(0x7fc01234), SNAN_S = boxS(0x7f801234);
const MAX_D = 0x7fefffffffffffffn, INF_D = 0x7ff0000000000000n, MIN_SUB_D = 1n;
const NEG = 0x8000000000000000n;

/** Executes OP-FP f7 on f1, f2 (raw patterns) into f4; returns [result pattern, flags]. */
function op2(f7: number, a: bigint, b: bigint, rm = RNE, rs2Field?: number): [bigint, number] {
  const { host, fpu } = setup();
  setF(host, 1, a); setF(host, 2, b);
  const fl = run(fpu, opfp(f7, rs2Field ?? 2, 1, rm, 4));
  return [getF(host, 4), fl];
}
/** FMA-family opcode on f1·f2 ± f3 into f4. */
function op3(opcode: number, fmt: number, a: bigint, b: bigint, c: bigint, rm = RNE): [bigint, number] {
  const { host, fpu } = setup();
  setF(host, 1, a); setF(host, 2, b); setF(host, 3, c);
  const fl = run(fpu, r4(opcode, fmt, 3, 2, 1, rm, 4));
  return [getF(host, 4), fl];
}
/** An OP-FP instruction writing an x register (x5) from f1 (and f2). */
function toX(f7: number, rs2: number, rm: number, a: bigint, b = 0n): [bigint, number] {
  const { host, fpu } = setup();
  setF(host, 1, a); setF(host, 2, b);
  const fl = run(fpu, opfp(f7, rs2, 1, rm, 5));
  return [getX(host, 5), fl];
}
const D = (v: number): bigint => dBitsOf(v);
const S = (v: number): bigint => boxS(sBitsOf(v));

describe('NaN boxing and NaN results', () => {
  it('an unboxed single reads as the canonical NaN', () => {
    expect(op2(0x00, 0x000000003f800000n, S(1))).toEqual([CANON_S, 0]);    // fadd.s: quiet, no NV
    expect(op2(0x10, 0x00000000bf800000n, S(-1), 0)).toEqual([boxS(0xffc00000), 0]); // fsgnj.s: NaN with rs2's sign
    expect(toX(0x70, 0, 1, 0x123456783f800000n)).toEqual([1n << 9n, 0]);   // fclass.s: quiet NaN
    expect(toX(0x70, 0, 0, 0x1234567880000000n)).toEqual([0xffffffff80000000n, 0]); // fmv.x.w: raw low word, sign-extended
  });
  it('arithmetic NaN results are canonical; NV only for signalling NaNs and invalid operations', () => {
    expect(op2(0x01, QNAN_D, D(1))).toEqual([CANON_D, 0]);
    expect(op2(0x01, D(1), SNAN_D)).toEqual([CANON_D, F.NV]);
    expect(op2(0x00, SNAN_S, S(1))).toEqual([CANON_S, F.NV]);
    expect(op2(0x05, INF_D, INF_D)).toEqual([CANON_D, F.NV]);              // inf - inf
    expect(op2(0x09, 0n, INF_D)).toEqual([CANON_D, F.NV]);                 // 0 · inf
    expect(op2(0x0d, 0n, NEG)).toEqual([CANON_D, F.NV]);                   // 0 / -0
    expect(op2(0x2d, D(-1), 0n, RNE, 0)).toEqual([CANON_D, F.NV]);         // sqrt(-1)
    expect(op2(0x2c, S(-1), 0n, RNE, 0)).toEqual([CANON_S, F.NV]);
    expect(op3(0x43, 1, 0n, INF_D, QNAN_D)).toEqual([CANON_D, F.NV]);      // fma 0 · inf + qNaN: NV anyway
    expect(op3(0x43, 0, S(Infinity), S(0), QNAN_S)).toEqual([CANON_S, F.NV]);
    expect(op3(0x43, 1, QNAN_D, D(2), D(3))).toEqual([CANON_D, 0]);
    expect(op3(0x43, 1, D(1), D(2), SNAN_D)).toEqual([CANON_D, F.NV]);
  });
  it('sign injection and moves keep NaN payloads; conversions between formats do not', () => {
    expect(op2(0x11, SNAN_D, NEG, 0)).toEqual([SNAN_D | NEG, 0]);          // fsgnj.d
    expect(op2(0x11, SNAN_D, SNAN_D, 1)).toEqual([SNAN_D | NEG, 0]);       // fsgnjn.d (fneg)
    expect(op2(0x11, SNAN_D | NEG, NEG, 2)).toEqual([SNAN_D, 0]);          // fsgnjx.d
    expect(op2(0x21, SNAN_S, 0n, RNE, 0)).toEqual([CANON_D, F.NV]);        // fcvt.d.s
    expect(op2(0x21, QNAN_S, 0n, RNE, 0)).toEqual([CANON_D, 0]);
    expect(op2(0x20, QNAN_D, 0n, RNE, 1)).toEqual([CANON_S, 0]);           // fcvt.s.d
    expect(op2(0x20, SNAN_D, 0n, RNE, 1)).toEqual([CANON_S, F.NV]);
    const { host, fpu } = setup();
    setX(host, 7, SNAN_D);
    run(fpu, opfp(0x79, 0, 7, 0, 8));                                       // fmv.d.x
    expect(getF(host, 8)).toBe(SNAN_D);
    run(fpu, opfp(0x71, 0, 8, 0, 9));                                       // fmv.x.d
    expect(getX(host, 9)).toBe(SNAN_D);
    setX(host, 7, 0x12345678ff801234n);
    run(fpu, opfp(0x78, 0, 7, 0, 8));                                       // fmv.w.x boxes the low word
    expect(getF(host, 8)).toBe(boxS(0xff801234));
  });
});

describe('signed zeros, subnormals, overflow', () => {
  it('zero sums take +0, or -0 when rounding down', () => {
    expect(op2(0x01, 0n, NEG)).toEqual([0n, 0]);
    expect(op2(0x01, 0n, NEG, RDN)).toEqual([NEG, 0]);
    expect(op2(0x01, NEG, NEG, RUP)).toEqual([NEG, 0]);
    expect(op2(0x05, D(1.5), D(1.5))).toEqual([0n, 0]);
    expect(op2(0x05, D(1.5), D(1.5), RDN)).toEqual([NEG, 0]);
    expect(op2(0x04, S(1.5), S(1.5), RDN)).toEqual([S(-0), 0]);
    expect(op3(0x43, 1, D(1), D(1), D(-1), RDN)).toEqual([NEG, 0]);        // exact zero FMA
    expect(op3(0x43, 1, NEG, D(1), NEG)).toEqual([NEG, 0]);                  // -0 · 1 + -0
    expect(op2(0x2d, NEG, 0n, RNE, 0)).toEqual([NEG, 0]);                    // sqrt(-0) = -0
    expect(op2(0x0d, D(1), NEG)).toEqual([INF_D | NEG, F.DZ]);
    expect(op2(0x0d, INF_D, 0n)).toEqual([INF_D, 0]);                        // inf / 0: no DZ
  });
  it('subnormal results: exact ones raise nothing, inexact tiny ones UF and NX', () => {
    expect(op2(0x09, 0x0010000000000000n, D(0.5))).toEqual([0x0008000000000000n, 0]);
    expect(op2(0x09, MIN_SUB_D, D(0.5))).toEqual([0n, F.UF | F.NX]);        // tie to even: 0
    expect(op2(0x09, MIN_SUB_D, D(0.5), RUP)).toEqual([MIN_SUB_D, F.UF | F.NX]);
    expect(op2(0x09, MIN_SUB_D, D(0.75))).toEqual([MIN_SUB_D, F.UF | F.NX]);
    expect(op2(0x09, MIN_SUB_D, D(-0.5), RMM)).toEqual([MIN_SUB_D | NEG, F.UF | F.NX]);
    expect(op2(0x01, MIN_SUB_D, MIN_SUB_D)).toEqual([2n, 0]);               // subnormal sums are exact
  });
  it('tininess is detected after rounding', () => {
    // 8193·2^-76 × 8191·2^-76 = 2^-126 - 2^-152: rounds to 2^-126 at 24 bits with an unbounded
    // exponent, so not tiny: NX only (the x86 host agrees). Rounded down it stays tiny: UF.
    const a = S(8193 * 2 ** -76), b = S(8191 * 2 ** -76);
    expect(op2(0x08, a, b)).toEqual([boxS(0x00800000), F.NX]);
    expect(op2(0x08, a, b, RTZ)).toEqual([boxS(0x007fffff), F.UF | F.NX]);
    // binary64: (2^27+1)(2^27-1)·2^-1076 = 2^-1022 - 2^-1076 likewise.
    const c = D((2 ** 27 + 1) * 2 ** -538), d = D((2 ** 27 - 1) * 2 ** -538);
    expect(op2(0x09, c, d)).toEqual([0x0010000000000000n, F.NX]);
    expect(op2(0x09, c, d, RDN)).toEqual([0x000fffffffffffffn, F.UF | F.NX]);
  });
  it('overflow gives infinity or the largest finite number by rounding mode', () => {
    const two = D(2);
    expect(op2(0x09, MAX_D, two, RNE)).toEqual([INF_D, F.OF | F.NX]);
    expect(op2(0x09, MAX_D, two, RTZ)).toEqual([MAX_D, F.OF | F.NX]);
    expect(op2(0x09, MAX_D, two, RDN)).toEqual([MAX_D, F.OF | F.NX]);
    expect(op2(0x09, MAX_D, two, RUP)).toEqual([INF_D, F.OF | F.NX]);
    expect(op2(0x09, MAX_D, two, RMM)).toEqual([INF_D, F.OF | F.NX]);
    expect(op2(0x09, MAX_D | NEG, two, RDN)).toEqual([INF_D | NEG, F.OF | F.NX]);
    expect(op2(0x09, MAX_D | NEG, two, RUP)).toEqual([MAX_D | NEG, F.OF | F.NX]);
    // max + half an ulp: a tie. RNE and RMM overflow; RTZ gives max with NX only (the unbounded
    // result is max itself, so no overflow).
    const half = D(2 ** 970);
    expect(op2(0x01, MAX_D, half, RNE)).toEqual([INF_D, F.OF | F.NX]);
    expect(op2(0x01, MAX_D, half, RMM)).toEqual([INF_D, F.OF | F.NX]);
    expect(op2(0x01, MAX_D, half, RTZ)).toEqual([MAX_D, F.NX]);
    expect(op2(0x01, MAX_D, half, RUP)).toEqual([INF_D, F.OF | F.NX]);
    expect(op2(0x00, S(3.4028234663852886e38), S(2 ** 103), RTZ)).toEqual([S(3.4028234663852886e38), F.NX]);
    expect(op2(0x00, S(3.4028234663852886e38), S(2 ** 103), RNE)).toEqual([S(Infinity), F.OF | F.NX]);
    expect(op2(0x20, D(3.4028235677973366e38), 0n, RTZ, 1)).toEqual([S(3.4028234663852886e38), F.NX]); // fcvt.s.d
    expect(op2(0x20, D(1e39), 0n, RTZ, 1)).toEqual([S(3.4028234663852886e38), F.OF | F.NX]);
  });
});

describe('rounding modes', () => {
  it('RMM rounds ties away from zero (x86 has no RMM: checked here)', () => {
    const tie = D(2 ** -53);
    expect(op2(0x01, D(1), tie, RNE)).toEqual([D(1), F.NX]);
    expect(op2(0x01, D(1), tie, RMM)).toEqual([D(1 + 2 ** -52), F.NX]);
    expect(op2(0x01, D(-1), D(-(2 ** -53)), RMM)).toEqual([D(-1 - 2 ** -52), F.NX]);
    expect(op2(0x01, D(1 + 2 ** -52), tie, RMM)).toEqual([D(1 + 2 ** -51), F.NX]); // RNE does too (odd)
    expect(op2(0x00, S(1), S(2 ** -24), RMM)).toEqual([S(1 + 2 ** -23), F.NX]);
    expect(op2(0x00, S(1), S(2 ** -24), RNE)).toEqual([S(1), F.NX]);
    expect(op2(0x20, D(1 + 2 ** -24), 0n, RMM, 1)).toEqual([S(1 + 2 ** -23), F.NX]);
    expect(op2(0x08, S(1 + 2 ** -12), S(1 + 2 ** -12), RMM)).toEqual([S(1 + 2 ** -11 + 2 ** -23), F.NX]); // 1 + 2^-11 + 2^-24: a tie
    expect(op2(0x08, S(1 + 2 ** -12), S(1 + 2 ** -12), RNE)).toEqual([S(1 + 2 ** -11), F.NX]);
    expect(toX(0x61, 0, RMM, D(2.5))).toEqual([3n, F.NX]);
    expect(toX(0x61, 0, RMM, D(-2.5))).toEqual([BigInt.asUintN(64, -3n), F.NX]);
    expect(toX(0x61, 0, RNE, D(2.5))).toEqual([2n, F.NX]);
    expect(toX(0x61, 0, RMM, D(0.49999999999999994))).toEqual([0n, F.NX]);
  });
  it('dynamic rounding uses frm', () => {
    const { host, fpu } = setup();
    setF(host, 1, D(1)); setF(host, 2, D(3));
    fpu.writeCsr(2, RUP);
    run(fpu, opfp(0x0d, 2, 1, DYN, 4));
    expect(getF(host, 4)).toBe(D(1 / 3) + 1n);
    fpu.writeCsr(2, RDN);
    run(fpu, opfp(0x0d, 2, 1, DYN, 4));
    expect(getF(host, 4)).toBe(D(1 / 3));
  });
});

describe('fused multiply-add: one rounding', () => {
  it('keeps the product bits a separate multiply would round away', () => {
    // (1 + 2^-27)² - (1 + 2^-26) = 2^-54 exactly; mul then add would give 0.
    const a = D(1 + 2 ** -27);
    expect(op3(0x43, 1, a, a, D(-(1 + 2 ** -26)))).toEqual([D(2 ** -54), 0]);
    expect(op3(0x47, 1, a, a, D(1 + 2 ** -26))).toEqual([D(2 ** -54), 0]);      // fmsub
    expect(op3(0x4b, 1, a, a, D(1 + 2 ** -26))).toEqual([D(-(2 ** -54)), 0]);   // fnmsub: -(a·b) + c
    expect(op3(0x4f, 1, a, a, D(-(1 + 2 ** -26)))).toEqual([D(-(2 ** -54)), 0]); // fnmadd: -(a·b) - c
    const s = S(1 + 2 ** -12);
    expect(op3(0x43, 0, s, s, S(-(1 + 2 ** -11)))).toEqual([S(2 ** -24), 0]);
    // A sticky product tail decides a directed rounding: 1·1 + 2^-80 rounds up only in RUP.
    expect(op3(0x43, 1, D(1), D(1), D(2 ** -80), RUP)).toEqual([D(1 + 2 ** -52), F.NX]);
    expect(op3(0x43, 1, D(1), D(1), D(2 ** -80), RNE)).toEqual([D(1), F.NX]);
    expect(op3(0x43, 0, S(1), S(1), S(-(2 ** -80)), RTZ)).toEqual([S(1 - 2 ** -24), F.NX]);
    // (1 + 2^-52)² + 2^-53 = 1 + 2^-51 + 2^-53 + 2^-104: just above a tie thanks to the product's
    // tail, so it rounds up; a rounded product would tie and round to even (down).
    expect(op3(0x43, 1, D(1 + 2 ** -52), D(1 + 2 ** -52), D(2 ** -53), RNE)).toEqual([D(1 + 3 * 2 ** -52), F.NX]);
  });
});

describe('conversions', () => {
  it('float to integer saturates with NV; NaN gives the largest positive value', () => {
    const cases: [number, number, bigint, bigint, number][] = [
      // [f7, rs2, input, result, flags]
      [0x61, 0, CANON_D, 0x7fffffffn, F.NV],
      [0x61, 1, CANON_D, 0xffffffffffffffffn, F.NV],
      [0x61, 2, CANON_D, 0x7fffffffffffffffn, F.NV],
      [0x61, 3, CANON_D, 0xffffffffffffffffn, F.NV],
      [0x60, 0, QNAN_S, 0x7fffffffn, F.NV],
      [0x61, 0, INF_D | NEG, 0xffffffff80000000n, F.NV],
      [0x61, 0, D(2147483647.5), 0x7fffffffn, F.NV],     // RNE: 2^31, out of range
      [0x61, 0, D(-2147483648.5), 0xffffffff80000000n, F.NX], // RNE: -2^31 (even)
      [0x61, 1, D(4294967295), 0xffffffffffffffffn, 0],  // wu results are sign-extended
      [0x61, 1, D(-1), 0n, F.NV],
      [0x61, 1, D(-0.5), 0n, F.NX],                      // rounds to -0: in range
      [0x61, 2, D(-(2 ** 63)), 0x8000000000000000n, 0],
      [0x61, 2, D(2 ** 63), 0x7fffffffffffffffn, F.NV],
      [0x61, 3, D(2 ** 64), 0xffffffffffffffffn, F.NV],
      [0x61, 3, D(2 ** 64 - 2048), 0xfffffffffffff800n, 0],
      [0x60, 3, S(-0), 0n, 0],
    ];
    for (const [f7, rs2, x, want, fl] of cases) expect(toX(f7, rs2, RNE, x), `${f7} ${rs2} ${x.toString(16)}`).toEqual([want, fl]);
    expect(toX(0x61, 0, RTZ, D(2147483647.5))).toEqual([0x7fffffffn, F.NX]);
    expect(toX(0x61, 1, RDN, D(-0.5))).toEqual([0n, F.NV]);
  });
  it('integer to float rounds with NX', () => {
    const { host, fpu } = setup();
    setX(host, 6, 0xffffffffffffffffn);
    expect(run(fpu, opfp(0x69, 3, 6, RNE, 4))).toBe(F.NX);                   // fcvt.d.lu 2^64-1
    expect(getF(host, 4)).toBe(D(2 ** 64));
    expect(run(fpu, opfp(0x69, 3, 6, RTZ, 4))).toBe(F.NX);
    expect(getF(host, 4)).toBe(D(2 ** 64 - 2048));
    expect(run(fpu, opfp(0x69, 2, 6, RNE, 4))).toBe(0);                      // fcvt.d.l -1
    expect(getF(host, 4)).toBe(D(-1));
    setX(host, 6, 0x0000000080000001n);                                      // fcvt.s.w: the low word only
    expect(run(fpu, opfp(0x68, 0, 6, RNE, 4))).toBe(F.NX);
    expect(getF(host, 4)).toBe(S(-2147483648));
    expect(run(fpu, opfp(0x68, 1, 6, RUP, 4))).toBe(F.NX);                   // fcvt.s.wu 2^31+1
    expect(getF(host, 4)).toBe(S(2147483904));
  });
});

describe('min/max, comparisons, fclass', () => {
  it('fmin/fmax: -0 < +0, one NaN is ignored, sNaN raises NV, two NaNs give the canonical NaN', () => {
    expect(op2(0x15, 0n, NEG, 0)).toEqual([NEG, 0]);
    expect(op2(0x15, NEG, 0n, 0)).toEqual([NEG, 0]);
    expect(op2(0x15, 0n, NEG, 1)).toEqual([0n, 0]);
    expect(op2(0x15, NEG, 0n, 1)).toEqual([0n, 0]);
    expect(op2(0x15, QNAN_D, D(-3), 0)).toEqual([D(-3), 0]);
    expect(op2(0x15, D(-3), SNAN_D, 1)).toEqual([D(-3), F.NV]);
    expect(op2(0x15, QNAN_D, SNAN_D, 1)).toEqual([CANON_D, F.NV]);
    expect(op2(0x15, QNAN_D, QNAN_D, 0)).toEqual([CANON_D, 0]);
    expect(op2(0x14, S(-0), S(0), 1)).toEqual([S(0), 0]);
    expect(op2(0x14, 0x3f800000n, S(2), 0)).toEqual([S(2), 0]);            // unboxed = NaN: ignored
    expect(op2(0x14, S(1), S(2), 0)).toEqual([S(1), 0]);
    expect(op2(0x14, SNAN_S, S(2), 1)).toEqual([S(2), F.NV]);
  });
  it('feq is quiet, flt/fle signal on any NaN', () => {
    expect(toX(0x51, 2, 2, QNAN_D, D(1))).toEqual([0n, 0]);
    expect(toX(0x51, 2, 2, SNAN_D, D(1))).toEqual([0n, F.NV]);
    expect(toX(0x51, 2, 1, QNAN_D, D(1))).toEqual([0n, F.NV]);
    expect(toX(0x51, 2, 0, D(1), QNAN_D)).toEqual([0n, F.NV]);
    expect(toX(0x51, 2, 2, NEG, 0n)).toEqual([1n, 0]);
    expect(toX(0x51, 2, 1, NEG, 0n)).toEqual([0n, 0]);
    expect(toX(0x51, 2, 0, NEG, 0n)).toEqual([1n, 0]);
    expect(toX(0x50, 2, 1, S(1), S(2))).toEqual([1n, 0]);
    expect(toX(0x50, 2, 2, 0x3f800000n, 0x3f800000n)).toEqual([0n, 0]);     // unboxed: NaN, quietly unequal
  });
  it('fclass sets exactly one of the ten bits', () => {
    const d: [bigint, number][] = [[INF_D | NEG, 0], [D(-1), 1], [1n | NEG, 2], [NEG, 3], [0n, 4], [1n, 5], [D(1), 6], [INF_D, 7], [SNAN_D, 8], [QNAN_D, 9]];
    for (const [x, bit] of d) expect(toX(0x71, 0, 1, x)).toEqual([1n << BigInt(bit), 0]);
    const s: [bigint, number][] = [[S(-Infinity), 0], [S(-1), 1], [boxS(0x80000001), 2], [S(-0), 3], [S(0), 4], [boxS(1), 5], [S(1), 6], [S(Infinity), 7], [SNAN_S, 8], [QNAN_S, 9]];
    for (const [x, bit] of s) expect(toX(0x70, 0, 1, x)).toEqual([1n << BigInt(bit), 0]);
  });
});

describe('loads, stores, CSRs, FS dirty, illegal encodings', () => {
  it('flw boxes, fsw stores the raw low word, fld/fsd move 64 bits, faults leave registers alone', () => {
    const { host, fpu } = setup();
    host.mem.setUint32(0x100, 0x3f800000, true);
    host.mem.setUint32(0x104, 0x12345678, true);
    setX(host, 10, 0x100n);
    expect(fpu.execute((0 << 20) | (10 << 15) | (2 << 12) | (1 << 7) | 0x07)).toBe(FpResult.Ok); // flw f1, 0(x10)
    expect(getF(host, 1)).toBe(boxS(0x3f800000));
    expect(fpu.execute((0 << 20) | (10 << 15) | (3 << 12) | (2 << 7) | 0x07)).toBe(FpResult.Ok); // fld f2, 0(x10)
    expect(getF(host, 2)).toBe(0x123456783f800000n);
    expect(host.dirty).toBe(2);
    // fsw f2, 16(x10): the low word of a not-boxed register, unchanged
    expect(fpu.execute((2 << 20) | (10 << 15) | (2 << 12) | (16 << 7) | 0x27)).toBe(FpResult.Ok);
    expect(host.mem.getUint32(0x110, true)).toBe(0x3f800000);
    expect(host.mem.getUint32(0x114, true)).toBe(0);
    // fsd f2, -8(x10)
    expect(fpu.execute(((0x7f << 25) | (2 << 20) | (10 << 15) | (3 << 12) | (0x18 << 7) | 0x27) | 0)).toBe(FpResult.Ok);
    expect(host.mem.getBigUint64(0xf8, true)).toBe(0x123456783f800000n);
    expect(host.dirty).toBe(2);                                              // stores do not dirty
    setX(host, 10, 0x100000n);
    expect(fpu.execute((10 << 15) | (3 << 12) | (2 << 7) | 0x07)).toBe(FpResult.Faulted);
    expect(getF(host, 2)).toBe(0x123456783f800000n);
  });
  it('fflags/frm/fcsr', () => {
    const { fpu } = setup();
    fpu.writeCsr(3, 0x1ff);
    expect([fpu.readCsr(1), fpu.readCsr(2), fpu.readCsr(3)]).toEqual([31, 7, 0xff]);
    fpu.writeCsr(1, 0x25);
    expect(fpu.readCsr(3)).toBe(0xe5);
    fpu.writeCsr(2, 0xa);
    expect(fpu.readCsr(3)).toBe(0x45);
  });
  it('fflags accrue; FS turns dirty on f writes and new flags only', () => {
    const { host, fpu } = setup();
    setF(host, 1, D(1)); setF(host, 2, D(3));
    fpu.execute(opfp(0x0d, 2, 1, RNE, 4));                                  // fdiv: NX
    fpu.execute(opfp(0x0d, 0, 1, RNE, 4));                                  // 1/0: DZ
    expect(fpu.readCsr(1)).toBe(F.NX | F.DZ);
    const before = host.dirty;
    fpu.execute(opfp(0x51, 2, 1, 2, 5));                                     // feq: no flags, x write
    fpu.execute(opfp(0x71, 0, 1, 0, 5));                                     // fmv.x.d
    expect(host.dirty).toBe(before);
    setF(host, 3, QNAN_D);
    fpu.execute(opfp(0x51, 3, 1, 1, 5));                                     // flt NaN: NV
    expect(host.dirty).toBe(before + 1);
  });
  it('x0 is never written', () => {
    const { host, fpu } = setup();
    setF(host, 1, D(-7.5));
    fpu.execute(opfp(0x61, 2, 1, RTZ, 0));                                   // fcvt.l.d x0
    fpu.execute(opfp(0x71, 0, 1, 0, 0));                                     // fmv.x.d x0
    fpu.execute(opfp(0x51, 1, 1, 2, 0));                                     // feq x0
    expect([host.r[0], host.r[1]]).toEqual([0, 0]);
  });
  it('reserved encodings are illegal', () => {
    const { fpu } = setup();
    const illegal = [
      opfp(0x01, 2, 1, 5, 4), opfp(0x01, 2, 1, 6, 4),   // rm 5, 6
      opfp(0x02, 2, 1, 0, 4), opfp(0x03, 2, 1, 0, 4),   // fadd.h, fadd.q
      r4(0x43, 2, 3, 2, 1, 0, 4), r4(0x4f, 3, 3, 2, 1, 0, 4),
      opfp(0x2d, 1, 1, 0, 4),                            // fsqrt with rs2 != 0
      opfp(0x20, 0, 1, 0, 4), opfp(0x21, 1, 1, 0, 4),    // fcvt.s.s / fcvt.d.d
      opfp(0x21, 0, 1, 5, 4),                            // fcvt.d.s with rm 5
      opfp(0x11, 2, 1, 3, 4), opfp(0x15, 2, 1, 2, 4),   // fsgnj funct3 3, fmin funct3 2
      opfp(0x51, 2, 1, 3, 4), opfp(0x61, 4, 1, 0, 4),   // fcmp funct3 3, fcvt rs2 4
      opfp(0x70, 1, 1, 0, 4), opfp(0x70, 0, 1, 2, 4),   // fmv.x.w rs2 1, funct3 2
      opfp(0x78, 0, 1, 1, 4), opfp(0x7d, 0, 1, 0, 4),
      (1 << 12) | 0x07, (4 << 12) | 0x07, (1 << 12) | 0x27, // flh, flq, fsh
      0x13,                                              // not an FP opcode
    ];
    for (const inst of illegal) expect(fpu.execute(inst), inst.toString(16)).toBe(FpResult.Illegal);
    for (const frm of [5, 6, 7]) {
      fpu.writeCsr(2, frm);
      expect(fpu.execute(opfp(0x01, 2, 1, DYN, 4))).toBe(FpResult.Illegal);
      expect(fpu.execute(opfp(0x11, 2, 1, 0, 4))).toBe(FpResult.Ok);     // no rm field: unaffected
    }
  });
});

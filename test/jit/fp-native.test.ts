/**
 * Compiled code's native double-precision paths (src/jit/translate-fp.ts) against the interpreter's
 * exact FPU, instruction by instruction: each operand pair runs once interpreted and once compiled on
 * the same hart, and the result's bits and fcsr must agree. The operands are mostly ones the fast
 * path takes (exponents within ±400, many with few significant bits so that exact results and
 * their clear NX flag are common), and some it must hand over: zeros, infinities, NaNs, subnormals,
 * extremes, and exponents just outside its range. Random programs cover the same paths in lockstep
 * (differential.test.ts); this looks at each operation far more often.
 */
import { describe, expect, it } from 'vitest';
import { BareHart, CODE, Mstatus, RAM_BASE, Slot } from '../cpu/helpers/bare-hart.ts';
import { Jit } from '../../src/jit/jit.ts';
import { Exit } from '../../src/cpu/exit.ts';
import { runWithJit } from '../../src/jit/run-loop.ts';
import { Access } from '../../src/cpu/trap-causes.ts';
import { prng } from './random-program.ts';

const TWO32 = 4294967296;

const SPECIAL = [0x0n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
  0x7ff4000000000000n, 0x1n, 0x000fffffffffffffn, 0x0010000000000000n, 0x7fefffffffffffffn];

function bitsOf(x: number): bigint {
  return new BigUint64Array(new Float64Array([x]).buffer)[0]!;
}

/** An operand: mostly ordinary numbers, some special values, some exponents at the fast range's edges. */
function operand(rnd: () => number): bigint {
  const k = rnd();
  if (k < 0.08) return SPECIAL[Math.floor(rnd() * SPECIAL.length)]!;
  const sign = rnd() < 0.5 ? -1 : 1;
  if (k < 0.16) return bitsOf(sign * (1 + rnd()) * 2 ** (Math.floor(rnd() * 80) + (rnd() < 0.5 ? 370 : -450)));
  const mantissa = rnd() < 0.5 ? Math.floor(rnd() * 64) + 1 : 1 + rnd();
  return bitsOf(sign * mantissa * 2 ** Math.floor(rnd() * 80 - 40));
}

const OP_FP = 0x53;
const opFp = (f7: number, rm: number, rd: number, rs1: number, rs2: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | OP_FP) >>> 0;

/** FMADD (0x43), FMSUB (0x47), FNMSUB (0x4b), FNMADD (0x4f) .D: f3 = f1 * f2 ± f4. */
const fused = (opcode: number, rm: number): number => ((4 << 27) | (1 << 25) | (2 << 20) | (1 << 15) | (rm << 12) | (3 << 7) | opcode) >>> 0;

const DYN = 7;
const CASES: [name: string, f7: number, rm: number, unary?: boolean][] = [
  ['fadd.d', 0x01, 0], ['fadd.d dyn', 0x01, DYN], ['fsub.d', 0x05, 0], ['fmul.d', 0x09, 0], ['fmul.d dyn', 0x09, DYN],
  ['fdiv.d', 0x0d, 0], ['fsqrt.d', 0x2d, 0, true], ['fsqrt.d dyn', 0x2d, DYN, true],
  ['fmin.d', 0x15, 0], ['fmax.d', 0x15, 1], ['fsgnj.d', 0x11, 0], ['fsgnjn.d', 0x11, 1], ['fsgnjx.d', 0x11, 2],
  ['fadd.d rtz', 0x01, 1],
  // f7 < 0: a fused multiply-add, -f7 its opcode
  ['fmadd.d', -0x43, 0], ['fmadd.d dyn', -0x43, DYN], ['fmsub.d', -0x47, 0], ['fnmsub.d', -0x4b, 0], ['fnmadd.d', -0x4f, 0],
  ['fmadd.d rup', -0x43, 3],
];

describe('native double-precision arithmetic in compiled code', () => {
  it.each(CASES)('%s agrees with the interpreter, bits and flags', (_name, f7, rm, unary) => {
    const m = new BareHart();
    const h = m.hart;
    m.load([f7 < 0 ? fused(-f7, rm) : opFp(f7, rm, 3, 1, unary ? 0 : 2)]);
    h.csr[Slot.Mstatus * 2] |= 1 << Mstatus.FS_SHIFT; // FS = Initial: FP on
    const jit = new Jit(h, { pleSpins: 0 });
    expect(jit.compileNow(CODE)).toBe(true);
    const rnd = prng(Math.abs(f7) * 8 + rm);
    const setF = (r: number, v: bigint): void => { h.f[2 * r] = Number(BigInt.asIntN(32, v)); h.f[2 * r + 1] = Number(BigInt.asIntN(32, v >> 32n)); };
    const getF = (r: number): bigint => (BigInt(h.f[2 * r + 1] >>> 0) << 32n) | BigInt(h.f[2 * r] >>> 0);
    let differences = 0;
    const report: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const a = operand(rnd), b = operand(rnd);
      // The addend of a fused multiply-add: often near -a * b, so that the sum cancels.
      const addend = rnd() < 0.3 ? bitsOf(-Number(new Float64Array(new BigUint64Array([a]).buffer)[0]) * Number(new Float64Array(new BigUint64Array([b]).buffer)[0]) * (1 + (rnd() - 0.5) * 2 ** -40)) : operand(rnd);
      const frm = rm === DYN && rnd() < 0.25 ? 1 + Math.floor(rnd() * 4) : 0;
      const fflags = rnd() < 0.5 ? 0 : 1; // sometimes NX is already set
      const run = (compiled: boolean): [bigint, number] => {
        setF(1, a); setF(2, b); setF(3, 0x1234n); setF(4, addend);
        h.fpu.writeCsr(0x003, (frm << 5) | fflags);
        h.pc = CODE;
        if (compiled) {
          const retired = jit.enter(CODE | 0, Math.floor(CODE / TWO32) | 0, 1);
          expect(retired).toBe(1);
          expect(jit.exitKind).toBe(Exit.None);
        } else {
          h.run(1);
        }
        return [getF(3), h.fpu.readCsr(0x003)];
      };
      const [want, wantCsr] = run(false);
      const [got, gotCsr] = run(true);
      if (got !== want || gotCsr !== wantCsr) {
        differences++;
        if (report.length < 5) report.push(`a=${a.toString(16)} b=${b.toString(16)} c=${addend.toString(16)} frm=${frm}: compiled ${got.toString(16)}/${gotCsr} interpreted ${want.toString(16)}/${wantCsr}`);
      }
    }
    expect(differences, report.join('\n')).toBe(0);
  });
});

/** FLW (f3 2) and FLD (3) f1 <- imm(x5); FSW and FSD imm(x5) <- f2. */
const fpLoad = (f3: number, imm: number): number => (((imm & 0xfff) << 20) | (5 << 15) | (f3 << 12) | (1 << 7) | 0x07) >>> 0;
const fpStore = (f3: number, imm: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (2 << 20) | (5 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x27) >>> 0;

const DATA = RAM_BASE + 0x8000;

describe('FP loads and stores in compiled code', () => {
  // Each runs interpreted on a fresh hart, then compiled on another with the data page in both TLBs
  // (so that compiled code takes its native path wherever it may), and everything they touch must
  // agree: f1, the bytes around the store, mstatus (FS Dirty after a load), and where the hart is
  // (a trap when FS is Off).
  const cases: [name: string, inst: number][] = [
    ['flw', fpLoad(2, 12)], ['fld', fpLoad(3, 16)], ['flw misaligned', fpLoad(2, 13)], ['fld misaligned', fpLoad(3, 4)],
    ['fsw', fpStore(2, 20)], ['fsd', fpStore(3, 24)], ['fsw misaligned', fpStore(2, 22)], ['fsd misaligned', fpStore(3, -3)],
  ];
  for (const fsOn of [true, false]) {
    it.each(cases)(`%s with FS ${fsOn ? 'on' : 'Off'} agrees with the interpreter`, (_name, inst) => {
      const run = (compiled: boolean): string => {
        const m = new BareHart();
        const h = m.hart;
        m.load([inst]);
        if (fsOn) h.csr[Slot.Mstatus * 2] |= 1 << Mstatus.FS_SHIFT; // FS = Initial
        for (let i = -8; i < 40; i += 8) m.write64(DATA + i, 0x1122334455667788n * BigInt(i + 9));
        m.setX(5, DATA);
        h.f[2] = 0x0bad0bad; h.f[3] = 0x0bad0bad; // f1
        h.f[4] = 0x76543210; h.f[5] = -0x1010102; // f2
        for (const access of [Access.Load, Access.Store]) h.mmu.fill(access, DATA, 0, DATA, h.dataTag);
        const jit = new Jit(h, { pleSpins: 0 });
        if (compiled) expect(jit.compileNow(CODE)).toBe(true);
        if (compiled) runWithJit(h, jit, 1); else h.run(1);
        const memory = [-8, 0, 8, 16, 24, 32].map((i) => m.read64(DATA + i).toString(16));
        return JSON.stringify({ f1: [h.f[2], h.f[3]], memory, mstatus: m.mstatus, pc: h.pc, mcause: m.slot(Slot.Mcause).toString() });
      };
      expect(run(true)).toBe(run(false));
    });
  }
});

/** Doubles at and around the edges of the integer types, fractions, halves, and the specials. */
function conversionOperand(rnd: () => number): bigint {
  const k = rnd();
  if (k < 0.5) return operand(rnd);
  const edges = [2 ** 31, 2 ** 32, 2 ** 53, 2 ** 63, 2 ** 64];
  const edge = edges[Math.floor(rnd() * edges.length)]!;
  const sign = rnd() < 0.5 ? -1 : 1;
  const nudge = [0, -0.5, 0.5, -1, 1, -1.5, 2 ** -20, -(2 ** 11), 2 ** 11][Math.floor(rnd() * 9)]!;
  return bitsOf(k < 0.8 ? sign * (edge + nudge) : sign * (Math.floor(rnd() * 8) / 2));
}

/** 64-bit integers: small, near 2^31, 2^32, 2^53 and 2^63, and any. */
function integerOperand(rnd: () => number): bigint {
  const k = rnd();
  const any = (BigInt(Math.floor(rnd() * TWO32)) << 32n) | BigInt(Math.floor(rnd() * TWO32));
  if (k < 0.25) return any;
  if (k < 0.5) return BigInt.asUintN(64, BigInt(Math.floor(rnd() * 2000) - 1000));
  const edge = [31n, 32n, 53n, 54n, 63n][Math.floor(rnd() * 5)]!;
  return BigInt.asUintN(64, (rnd() < 0.5 ? -1n : 1n) * ((1n << edge) + BigInt(Math.floor(rnd() * 64) - 32)));
}

describe('native FP comparisons and conversions in compiled code', () => {
  // [name, f7, rm, rs2, operands]: the comparisons and FCVT.int.D read f1 and f2 and write x3;
  // FCVT.D.int reads x1 and writes f3. fcsr, mstatus (FS) and both destinations must agree.
  const cases: [name: string, f7: number, rm: number, rs2: number, from: 'float' | 'integer'][] = [
    ['feq.d', 0x51, 2, 2, 'float'], ['flt.d', 0x51, 1, 2, 'float'], ['fle.d', 0x51, 0, 2, 'float'],
    ...(['w', 'wu', 'l', 'lu'] as const).flatMap((t, kind) => [
      ...[[0, 'rne'], [1, 'rtz'], [2, 'rdn'], [3, 'rup'], [4, 'rmm'], [DYN, 'dyn']].map(([rm, m]) =>
        [`fcvt.${t}.d ${m}`, 0x61, rm as number, kind, 'float'] as [string, number, number, number, 'float']),
      ...[[0, 'rne'], [1, 'rtz'], [DYN, 'dyn'], [5, 'reserved rm']].map(([rm, m]) =>
        [`fcvt.d.${t} ${m}`, 0x69, rm as number, kind, 'integer'] as [string, number, number, number, 'integer']),
    ]),
  ];
  it.each(cases)('%s agrees with the interpreter', (_name, f7, rm, rs2, from) => {
    const m = new BareHart();
    const h = m.hart;
    m.load([opFp(f7, rm, 3, 1, rs2)]);
    const jit = new Jit(h, { pleSpins: 0 });
    expect(jit.compileNow(CODE)).toBe(true);
    const rnd = prng(f7 * 64 + rm * 8 + rs2);
    const setF = (r: number, v: bigint): void => { h.f[2 * r] = Number(BigInt.asIntN(32, v)); h.f[2 * r + 1] = Number(BigInt.asIntN(32, v >> 32n)); };
    const report: string[] = [];
    let differences = 0;
    for (let i = 0; i < 3000; i++) {
      const a = from === 'float' ? conversionOperand(rnd) : integerOperand(rnd), b = conversionOperand(rnd);
      const frm = rnd() < 0.3 ? Math.floor(rnd() * 8) : 0; // some invalid (5-7): the instruction is then illegal
      const fflags = rnd() < 0.5 ? 0 : 1; // sometimes NX is already set
      const fs = 1 + Math.floor(rnd() * 3); // Initial, Clean or Dirty
      const run = (compiled: boolean): string => {
        if (from === 'float') setF(1, a); else m.setX(1, a);
        setF(2, b); setF(3, 0x1234n); m.setX(3, 0x5678n);
        h.csr[Slot.Mstatus * 2] = (h.csr[Slot.Mstatus * 2] & ~(3 << Mstatus.FS_SHIFT)) | (fs << Mstatus.FS_SHIFT);
        h.fpu.writeCsr(0x003, (frm << 5) | fflags);
        h.pc = CODE;
        if (compiled) runWithJit(h, jit, 1); else h.run(1);
        return JSON.stringify({ x3: m.x(3).toString(16), f3: [h.f[6], h.f[7]], fcsr: h.fpu.readCsr(0x003), mstatus: m.mstatus, pc: h.pc });
      };
      const want = run(false), got = run(true);
      if (got !== want) {
        differences++;
        if (report.length < 5) report.push(`a=${a.toString(16)} b=${b.toString(16)} frm=${frm} fflags=${fflags} fs=${fs}: compiled ${got} interpreted ${want}`);
      }
    }
    expect(differences, report.join('\n')).toBe(0);
  });
});

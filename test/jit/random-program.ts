/**
 * @fileoverview Random RV64IMC programs for the JIT's differential tests: a seeded generator of
 * assembly text (the assembler picks compressed encodings where it can), built with the Debian
 * cross compiler. Registers start from a table of awkward values (0, -1, the minimum integers,
 * near-overflow constants), so division, shifts and comparisons meet their edge cases. The system
 * code family (S- and U-mode under paging) comes from random-system-program.ts.
 *
 * The programs the tests run (RANDOM_PROGRAMS) are committed, built, under test/fixtures/jit-random,
 * so that the unit tests need no cross compiler; test/guest-build checks that they are what this
 * generator and the toolchain make now (the builds are reproducible). After changing the generator
 * or the list, rebuild them with `npx tsx test/jit/write-random-fixtures.ts`.
 */

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/hartvm-cli.ts';
import { systemProgram } from './random-system-program.ts';

/** mulberry32: a small, fast, seedable PRNG (deterministic for a given seed). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const R_OPS = ['add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu',
  'addw', 'subw', 'sllw', 'srlw', 'sraw', 'mulw', 'divw', 'divuw', 'remw', 'remuw'];
export const I_OPS = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'];
export const SHIFT_OPS: [string, number][] = [['slli', 64], ['srli', 64], ['srai', 64], ['slliw', 32], ['srliw', 32], ['sraiw', 32]];
export const LOADS: [string, number][] = [['lb', 1], ['lh', 2], ['lw', 4], ['ld', 8], ['lbu', 1], ['lhu', 2], ['lwu', 4]];
export const STORES: [string, number][] = [['sb', 1], ['sh', 2], ['sw', 4], ['sd', 8]];
export const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'];
const AMOS = ['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomaxu'];
/** Bit manipulation (Zba, Zbb, Zbc, Zbs, Zbkb, Zbkx) and Zicond, for the programs with `bitmanip`. */
const B_R_OPS = ['add.uw', 'sh1add', 'sh2add', 'sh3add', 'sh1add.uw', 'sh2add.uw', 'sh3add.uw', 'andn', 'orn', 'xnor',
  'max', 'maxu', 'min', 'minu', 'rol', 'ror', 'rolw', 'rorw', 'clmul', 'clmulh', 'clmulr', 'bclr', 'bext', 'binv', 'bset',
  'pack', 'packh', 'packw', 'xperm4', 'xperm8'];
const B_UNARY_OPS = ['clz', 'ctz', 'cpop', 'clzw', 'ctzw', 'cpopw', 'sext.b', 'sext.h', 'zext.h', 'orc.b', 'rev8', 'brev8'];
const B_SHIFT_OPS: [string, number][] = [['slli.uw', 64], ['rori', 64], ['roriw', 32], ['bclri', 64], ['bexti', 64], ['binvi', 64], ['bseti', 64]];
/**
 * CSR accesses for the programs with `csr` (all legal in M-mode, none changing how code runs):
 * scratch registers, and counters, which must read mid-block what the interpreter reads. (No
 * writes to minstret: the lockstep runner keeps the two sides together by instret.)
 */
const CSR_OPS = ['csrrw {rd}, mscratch, {rs}', 'csrrs {rd}, mscratch, {rs}', 'csrrc {rd}, mscratch, {rs}',
  'csrrwi {rd}, mscratch, {imm}', 'csrrsi {rd}, mepc, {imm}', 'csrw mepc, {rs}', 'csrr {rd}, minstret', 'csrr {rd}, mcycle',
  'csrr {rd}, instret', 'csrr {rd}, mhartid', 'csrr {rd}, mepc'];

/** CZERO.EQZ and CZERO.NEZ as GCC 12 (which predates Zicond) can assemble them: OP, funct7 7. */
const ZICOND_FUNCT3 = [5, 7];

export const SPECIAL = ['0', '1', '-1', '0x8000000000000000', '0x7fffffffffffffff', '0xffffffff80000000', '0x80000000',
  '0x7fffffff', '0xffffffff', '2', '-2', '0x100000000'];

export interface RandomProgramOptions {
  seed: number;
  /** Instructions in the loop body. */
  length: number;
  /** Times round the loop. */
  loops: number;
  /** Whether the body may branch (without branches the loop is one self-looping block). */
  branches: boolean;
  /** Whether the body has F and D instructions too. */
  fp?: boolean;
  /**
   * FP-heavy programs: this share of the body is double-precision arithmetic, min/max, sign
   * injection and moves, on data that is mostly ordinary numbers (where compiled code's native fast
   * paths run), some special values and random bit patterns (where they must hand over).
   */
  fpHeavy?: number;
  /** Whether the body has bit-manipulation and Zicond instructions too. */
  bitmanip?: boolean;
  /** Whether the body has CSR accesses too. */
  csr?: boolean;
  /**
   * System code (random-system-program.ts): the body runs at this privilege under Sv39 paging,
   * with page faults, system calls and page-table writes. The other options but `branches` do not apply.
   */
  system?: 'supervisor' | 'user';
  /**
   * Whether the body has ECALLs (and SFENCE.VMAs) too: each ECALL traps to a handler (mtvec) that
   * steps mepc over it and returns with MRET, both run as compiled code like the body.
   */
  traps?: boolean;
}

const FP_OPS = ['fadd.d', 'fsub.d', 'fmul.d', 'fdiv.d', 'fmin.d', 'fmax.d', 'fadd.s', 'fmul.s', 'fsgnjn.d'];
const FP_HEAVY_OPS = ['fadd.d', 'fsub.d', 'fmul.d', 'fdiv.d', 'fmin.d', 'fmax.d', 'fsgnj.d', 'fsgnjn.d', 'fsgnjx.d',
  'fadd.d {rm}', 'fmul.d {rm}', 'fdiv.d {rm}', 'fmadd.d'];
const ROUNDING_MODES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'];
/** Doubles for FP-heavy programs besides random bits: zeros, infinities, NaNs, subnormals, extremes. */
const FP_SPECIAL = ['0', '0x8000000000000000', '0x7ff0000000000000', '0xfff0000000000000', '0x7ff8000000000000',
  '0x7ff4000000000000', '0x0000000000000001', '0x000fffffffffffff', '0x7fefffffffffffff', '0x3ff0000000000000',
  '0x5fe0000000000000', '0x2010000000000000'];

/**
 * An AMO, or an LR/SC pair, on an aligned word of the store area (x31 + 512 on), its address in a
 * scratch register.
 */
export function atomicOnStoreArea(rnd: () => number, reg: () => string): string[] {
  const width = rnd() < 0.5 ? 'w' : 'd';
  const size = width === 'w' ? 4 : 8;
  const base = reg();
  const lines = [`  addi ${base}, x31, ${Math.floor(rnd() * (512 / size)) * size + 512}`];
  if (rnd() < 0.3) lines.push(`  lr.${width} ${reg()}, (${base})`, `  sc.${width} ${reg()}, ${reg()}, (${base})`);
  else lines.push(`  ${AMOS[Math.floor(rnd() * AMOS.length)]}.${width} ${reg()}, ${reg()}, (${base})`);
  return lines;
}

/** Assembly text of a random program: x31 points at a data area, x30 counts the loop. */
export function randomProgram(o: RandomProgramOptions): string {
  const rnd = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const reg = (): string => `x${1 + Math.floor(rnd() * 29)}`;
  const lines = ['  .section .text.init, "ax", @progbits', '  .globl _start', '_start:', '  la x31, data'];
  if (o.fp) {
    lines.push('  li x1, 0x2000', '  csrs mstatus, x1'); // FS = Initial
    for (let r = 0; r < 32; r++) lines.push(`  fld f${r}, ${8 * (r + 32)}(x31)`);
  }
  for (let r = 1; r <= 29; r++) lines.push(`  ld x${r}, ${8 * r}(x31)`);
  if (o.traps) lines.push('  la x1, trap_handler', '  csrw mtvec, x1');
  lines.push(`  li x30, ${o.loops}`, 'loop:');
  let label = 0;
  for (let i = 0; i < o.length; i++) {
    const k = rnd();
    if (o.fpHeavy !== undefined && rnd() < o.fpHeavy) {
      const fr = (): string => `f${Math.floor(rnd() * 32)}`;
      const j = rnd();
      if (j < 0.62) {
        const op = pick(FP_HEAVY_OPS);
        const args = op === 'fmadd.d' ? 4 : 3;
        const regs = Array.from({ length: args }, fr).join(', ');
        lines.push(`  ${op.replace(' {rm}', '')} ${regs}${op.endsWith('{rm}') ? `, ${pick(ROUNDING_MODES)}` : ''}`);
      } else if (j < 0.82) lines.push(`  fsqrt.d ${fr()}, ${fr()}`);
      else if (j < 0.88) lines.push(`  fmv.x.d ${reg()}, ${fr()}`);
      else if (j < 0.92) lines.push(`  fmv.d.x ${fr()}, ${reg()}`);
      else if (j < 0.96) lines.push(`  fld ${fr()}, ${Math.floor(rnd() * 64) * 8}(x31)`);
      else if (j < 0.9) lines.push(`  csrwi frm, ${pick([0, 0, 0, 0, 1, 2, 3, 4])}`); // dynamic rounding, mostly RNE
      else lines.push(`  csrrwi ${reg()}, fflags, 0`); // the flags so far into a register, and from 0 again
    } else if (o.traps && rnd() < 0.06) {
      lines.push(rnd() < 0.75 ? '  ecall' : `  sfence.vma ${rnd() < 0.5 ? 'x0' : reg()}`);
    } else if (o.csr && rnd() < 0.15) {
      const text = pick(CSR_OPS).replace('{rd}', reg()).replace('{rs}', reg()).replace('{imm}', String(Math.floor(rnd() * 32)));
      lines.push(`  ${text}`);
    } else if (o.bitmanip && rnd() < 0.5) {
      const j = rnd();
      if (j < 0.55) lines.push(`  ${pick(B_R_OPS)} ${reg()}, ${reg()}, ${reg()}`);
      else if (j < 0.75) lines.push(`  ${pick(B_UNARY_OPS)} ${reg()}, ${reg()}`);
      else if (j < 0.9) { const [op, w] = pick(B_SHIFT_OPS); lines.push(`  ${op} ${reg()}, ${reg()}, ${Math.floor(rnd() * w)}`); }
      else lines.push(`  .insn r 0x33, ${pick(ZICOND_FUNCT3)}, 7, ${reg()}, ${reg()}, ${reg()}`);
    } else if (k < 0.35) lines.push(`  ${pick(R_OPS)} ${reg()}, ${reg()}, ${reg()}`);
    else if (k < 0.5) lines.push(`  ${pick(I_OPS)} ${reg()}, ${reg()}, ${Math.floor(rnd() * 4096) - 2048}`);
    else if (k < 0.6) { const [op, w] = pick(SHIFT_OPS); lines.push(`  ${op} ${reg()}, ${reg()}, ${Math.floor(rnd() * w)}`); }
    else if (k < 0.65) lines.push(`  ${pick(['lui', 'auipc'])} ${reg()}, ${Math.floor(rnd() * 0x100000)}`);
    else if (k < 0.77) {
      const [op, size] = pick(LOADS);
      const misaligned = rnd() < 0.1 ? 1 : 0; // emulated by both tiers' slow paths, never a trap
      lines.push(`  ${op} ${reg()}, ${Math.floor(rnd() * (512 / size)) * size + misaligned}(x31)`);
    } else if (k < 0.87) {
      const [op, size] = pick(STORES);
      lines.push(`  ${op} ${reg()}, ${Math.floor(rnd() * (512 / size)) * size + 512}(x31)`);
    } else if (k < 0.9) {
      lines.push(...atomicOnStoreArea(rnd, reg));
    } else if (k < 0.93 && o.fp) {
      const fr = (): string => `f${Math.floor(rnd() * 32)}`;
      const j = rnd();
      if (j < 0.5) lines.push(`  ${pick(FP_OPS)} ${fr()}, ${fr()}, ${fr()}`);
      else if (j < 0.6) lines.push(`  feq.d ${reg()}, ${fr()}, ${fr()}`);
      else if (j < 0.7) lines.push(`  fcvt.l.d ${reg()}, ${fr()}`);
      else if (j < 0.8) lines.push(`  fmv.d.x ${fr()}, ${reg()}`);
      else if (j < 0.9) lines.push(`  fld ${fr()}, ${Math.floor(rnd() * 64) * 8}(x31)`);
      else lines.push(`  fsd ${fr()}, ${Math.floor(rnd() * 64) * 8 + 512}(x31)`);
    } else if (k < 0.95 && o.branches) {
      const l = `L${label++}`;
      lines.push(`  ${pick(BRANCHES)} ${reg()}, ${reg()}, ${l}`);
      for (let s = Math.floor(rnd() * 3); s > 0; s--) lines.push(`  ${pick(R_OPS)} ${reg()}, ${reg()}, ${reg()}`);
      lines.push(`${l}:`);
    } else if (o.branches) {
      const l = `L${label++}`;
      lines.push(`  jal ${pick(['x1', 'x5', 'x0'])}, ${l}`, `  ${pick(R_OPS)} ${reg()}, ${reg()}, ${reg()}`, `${l}:`);
    } else {
      lines.push(`  ${pick(R_OPS)} ${reg()}, ${reg()}, ${reg()}`);
    }
  }
  lines.push('  addi x30, x30, -1', '  bnez x30, loop');
  // Every register goes to RAM, so the final RAM comparison covers them too.
  for (let r = 1; r <= 29; r++) lines.push(`  sd x${r}, ${1024 + 8 * r}(x31)`);
  lines.push('  li x29, 0x100000', '  li x28, 0x5555', '  sw x28, 0(x29)', '1: j 1b');
  if (o.traps) {
    // mscratch keeps x28 while the handler steps mepc over the ECALL (always 4 bytes long).
    lines.push('  .balign 4', 'trap_handler:', '  csrw mscratch, x28', '  csrr x28, mepc', '  addi x28, x28, 4',
      '  csrw mepc, x28', '  csrr x28, mscratch', '  mret');
  }
  lines.push('  .data', '  .balign 8', 'data:');
  const randomBits = (): string => `0x${Math.floor(rnd() * 2 ** 32).toString(16)}${Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0')}`;
  for (let i = 0; i < 64; i++) {
    if (o.fpHeavy !== undefined && i >= 32) { // the f registers' initial values
      const k = rnd();
      // Half of the ordinary values have few significant bits (k/8 scaled), so that many results are exact.
      const ordinary = (rnd() < 0.5 ? -1 : 1) * (rnd() < 0.5 ? (1 + Math.floor(rnd() * 64)) / 8 : 0.001 + rnd() * 1000) *
        2 ** Math.floor(rnd() * 40 - 20);
      lines.push(k < 0.7 ? `  .double ${ordinary.toPrecision(17)}` : `  .dword ${k < 0.85 ? pick(FP_SPECIAL) : randomBits()}`);
      continue;
    }
    lines.push(`  .dword ${rnd() < 0.5 ? pick(SPECIAL) : randomBits()}`);
  }
  lines.push('  .space 1536');
  return lines.join('\n') + '\n';
}

/** The programs the differential tests run, by name. */
export const RANDOM_PROGRAMS: Record<string, RandomProgramOptions> = {};
for (let seed = 1; seed <= 32; seed++) {
  const branches = seed % 3 !== 0; // every third program is one self-looping block
  const fp = seed % 4 === 0; // every fourth has F and D instructions too
  RANDOM_PROGRAMS[`seed-${seed}`] = { seed, length: branches ? 60 : 40, loops: 20, branches, fp };
}
for (let seed = 201; seed <= 212; seed++) {
  RANDOM_PROGRAMS[`bitmanip-${seed}`] = { seed, length: 80, loops: 20, branches: seed % 2 === 0, bitmanip: true };
}
for (let seed = 401; seed <= 408; seed++) {
  RANDOM_PROGRAMS[`fp-${seed}`] = { seed, length: 80, loops: 20, branches: seed % 2 === 0, fp: true, fpHeavy: 0.5 };
}
for (let seed = 301; seed <= 306; seed++) {
  RANDOM_PROGRAMS[`csr-${seed}`] = { seed, length: 80, loops: 20, branches: seed % 2 === 0, csr: true, traps: seed >= 304 };
}
for (const seed of [101, 102, 103]) {
  RANDOM_PROGRAMS[`late-${seed}`] = { seed, length: 50, loops: 30_000, branches: true, fp: false };
}
for (let seed = 501; seed <= 508; seed++) {
  RANDOM_PROGRAMS[`sys-${seed}`] = { seed, length: 70, loops: 30, branches: seed % 2 === 0, system: seed <= 504 ? 'supervisor' : 'user' };
}
// Compiled blocks chained in the dispatcher, reading the counters: their instret must count the
// blocks before them in the same entry.
RANDOM_PROGRAMS['late-csr-111'] = { seed: 111, length: 50, loops: 30_000, branches: true, csr: true };

export const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'jit-random');

/** A committed program's ELF bytes. */
export function randomProgramElf(name: string): Uint8Array {
  return readFileSync(path.join(FIXTURE_DIR, `${name}.elf`));
}

/**
 * Builds a program with the cross compiler into `dir`/<name>.elf (stripped, not page-aligned, no build id, so that
 * the same source always gives the same bytes) and returns the ELF's path.
 */
export function buildRandomProgram(name: string, dir = path.join(ROOT, 'build', 'jit-random')): string {
  const o = RANDOM_PROGRAMS[name];
  if (o === undefined) throw new Error(`no random program ${name}`);
  mkdirSync(dir, { recursive: true });
  const source = path.join(ROOT, 'build', 'jit-random', `${name}.S`);
  mkdirSync(path.dirname(source), { recursive: true });
  const elf = path.join(dir, `${name}.elf`);
  writeFileSync(source, o.system !== undefined ? systemProgram(o) : randomProgram(o));
  const march = o.fp ? 'rv64imafdc_zicsr' : o.bitmanip ? 'rv64imac_zba_zbb_zbc_zbs_zbkb_zbkx' : o.csr || o.system ? 'rv64imac_zicsr' : 'rv64imac';
  execFileSync('riscv64-unknown-elf-gcc', [`-march=${march}`, '-mabi=lp64', '-nostdlib', '-nostartfiles', '-static',
    '-mcmodel=medany', '-s', '-Wl,-n', '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments', '-T', path.join(ROOT, 'test', 'guest', 'link.ld'), '-o', elf, source]);
  return elf;
}

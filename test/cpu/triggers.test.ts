/**
 * @fileoverview Sdtrig (src/cpu/triggers.ts) on a bare hart, driven through CSR instructions and
 * execution: the trigger CSRs' rules (they exist only with the extension and only for M-mode; tselect
 * is WARL so that software can count the triggers; tinfo; tdata1's legalisation of types and fields,
 * a disabled trigger reading as type 15; tdata2 and tdata3; tcontrol and its stacking on traps and
 * MRET), then matching: execute, load and store address triggers with match types equal, >= and <,
 * every byte of an access as a compare value, AMOs, compressed and FP forms, the mode bits, the
 * reentrancy rules (tcontrol.MTE in M-mode, sstatus.SIE in S-mode with breakpoints delegated), and
 * the priority of a load/store trigger over a misaligned access and under an illegal instruction.
 */
import { describe, expect, it } from 'vitest';
import {
  BareHart, CODE, Cause, CsrNum, Ext, Mstatus, PRIV_M, PRIV_S, PRIV_U, RAM_BASE, Slot, TRIGGERS, mTrapAt, sTrapAt,
} from './helpers/bare-hart.ts';
import {
  addi, amo, cLw, cNop, cSd, cbo, csrr, fld, ld, lb, lw, parcels, sd, sw,
} from './helpers/asm.ts';

const DATA = RAM_BASE + 0x2000;
const TYPE_MCONTROL = 2n << 60n;
const TYPE_MCONTROL6 = 6n << 60n;
const DISABLED = 15n << 60n;
const LOAD = 1n << 0n, STORE = 1n << 1n, EXECUTE = 1n << 2n, U = 1n << 3n, S = 1n << 4n, M = 1n << 6n;
const match = (m: number): bigint => BigInt(m) << 7n;
const MATCH_GE = match(2), MATCH_LT = match(3);
/** tcontrol.MTE and MPTE. */
const MTE = 1n << 3n, MPTE = 1n << 7n;
const MEDELEG_BREAKPOINT = 1 << Cause.Breakpoint;

/** A fresh hart with M-mode triggers enabled (tcontrol.MTE), as a debugger in M-mode would set it. */
function hartWithMte(): BareHart {
  const m = new BareHart();
  m.csrWriteM(CsrNum.Tcontrol, MTE);
  return m;
}

/** Programs trigger `index` the way the spec says to: tdata1 = 0, then tdata2, then tdata1. */
function arm(m: BareHart, index: number, tdata1: bigint, tdata2: bigint | number): void {
  m.csrWriteM(CsrNum.Tselect, index);
  m.csrWriteM(CsrNum.Tdata1, 0);
  m.csrWriteM(CsrNum.Tdata2, tdata2);
  m.csrWriteM(CsrNum.Tdata1, tdata1);
}

/** What tdata1 of trigger `index` reads back after writing `value`. */
function writeTdata1(m: BareHart, value: bigint, index = 0): bigint {
  m.csrWriteM(CsrNum.Tselect, index);
  m.csrWriteM(CsrNum.Tdata1, value);
  return m.csrReadM(CsrNum.Tdata1);
}

describe('trigger CSRs', () => {
  const triggerCsrs = [CsrNum.Tselect, CsrNum.Tdata1, CsrNum.Tdata2, CsrNum.Tdata3, CsrNum.Tinfo, CsrNum.Tcontrol];

  it.each(triggerCsrs)('CSR %i does not exist without Sdtrig: illegal instruction', (csr) => {
    const m = new BareHart();
    m.hart.extensions &= ~Ext.Sdtrig;
    m.load([csrr(5, csr)]);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, CODE, csrr(5, csr)));
  });

  it.each(triggerCsrs)('CSR %i is for M-mode only: illegal from S-mode', (csr) => {
    const m = new BareHart();
    m.load([csrr(5, csr)]);
    m.enter(PRIV_S);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, CODE, csrr(5, csr)));
  });

  it.each([['mcontext', 0x7a8], ['mscontext', 0x7aa], ['scontext', 0x5a8]])('%s is not implemented: illegal', (_name, csr) => {
    const m = new BareHart();
    m.load([csrr(5, csr)]);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, CODE, csrr(5, csr)));
  });

  it('resets with tselect 0, tcontrol 0 and every trigger disabled (type 15), tdata2 0', () => {
    const m = new BareHart();
    expect(m.csrReadM(CsrNum.Tselect)).toBe(0n);
    expect(m.csrReadM(CsrNum.Tcontrol)).toBe(0n);
    for (let i = 0; i < TRIGGERS; i++) {
      m.csrWriteM(CsrNum.Tselect, i);
      expect(m.csrReadM(CsrNum.Tdata1)).toBe(DISABLED);
      expect(m.csrReadM(CsrNum.Tdata2)).toBe(0n);
    }
    expect(m.hart.triggersArmed).toBe(false);
  });

  it('tselect is WARL: an index with no trigger leaves it as it was, so software counts the triggers', () => {
    const m = new BareHart();
    let count = 0;
    while (count < 64) {
      m.csrWriteM(CsrNum.Tselect, count);
      if (m.csrReadM(CsrNum.Tselect) !== BigInt(count)) break;
      count++;
    }
    expect(count).toBe(TRIGGERS);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(m.csrReadM(CsrNum.Tselect)).toBe(BigInt(TRIGGERS - 1));
    m.csrWriteM(CsrNum.Tselect, 1n << 32n); // the high word counts too
    expect(m.csrReadM(CsrNum.Tselect)).toBe(BigInt(TRIGGERS - 1));
    m.csrWriteM(CsrNum.Tselect, -1n);
    expect(m.csrReadM(CsrNum.Tselect)).toBe(BigInt(TRIGGERS - 1));
  });

  it('tinfo: version 1, types 2, 6 and 15 for every trigger; writes are ignored', () => {
    const m = new BareHart();
    for (let i = 0; i < TRIGGERS; i++) {
      m.csrWriteM(CsrNum.Tselect, i);
      expect(m.csrReadM(CsrNum.Tinfo)).toBe(0x0100_8044n);
    }
    m.csrWriteM(CsrNum.Tinfo, 0);
    expect(m.csrReadM(CsrNum.Tinfo)).toBe(0x0100_8044n);
  });

  it.each([
    ['mcontrol6, M, execute', TYPE_MCONTROL6 | M | EXECUTE],
    ['mcontrol6, S U, load store, >=', TYPE_MCONTROL6 | S | U | LOAD | STORE | MATCH_GE],
    ['mcontrol6, M S U, everything, <', TYPE_MCONTROL6 | M | S | U | LOAD | STORE | EXECUTE | MATCH_LT],
    ['mcontrol (as riscv-tests breakpoint.S writes it), M, execute', TYPE_MCONTROL | M | EXECUTE],
    ['mcontrol, U, store, >=', TYPE_MCONTROL | U | STORE | MATCH_GE],
  ])('tdata1 keeps a supported trigger: %s', (_name, value) => {
    expect(writeTdata1(new BareHart(), value)).toBe(value);
  });

  it.each([
    ['0 (the spec: writing 0 disables)', 0n],
    ['type 0 with fields', M | EXECUTE],
    ['type 1 (legacy SiFive)', (1n << 60n) | M | EXECUTE],
    ['type 3 (icount)', (3n << 60n) | M | (1n << 10n)],
    ['type 4 (itrigger)', (4n << 60n) | M | 1n],
    ['type 5 (etrigger)', (5n << 60n) | M | 1n],
    ['type 7 (tmexttrigger)', 7n << 60n],
    ['type 15 with fields (ignored)', DISABLED | M | EXECUTE],
    ['match 1 (NAPOT: maskmax is 0)', TYPE_MCONTROL6 | M | EXECUTE | match(1)],
    ['match 4 (mask low)', TYPE_MCONTROL6 | M | EXECUTE | match(4)],
    ['match 8 (not equal)', TYPE_MCONTROL6 | M | EXECUTE | match(8)],
    ['mcontrol6 select 1 (data)', TYPE_MCONTROL6 | M | LOAD | (1n << 21n)],
    ['mcontrol select 1 (data)', TYPE_MCONTROL | M | LOAD | (1n << 19n)],
    ['mcontrol6 size 3 (32-bit)', TYPE_MCONTROL6 | M | LOAD | (3n << 16n)],
    ['mcontrol sizelo 1', TYPE_MCONTROL | M | LOAD | (1n << 16n)],
    ['mcontrol sizehi 1', TYPE_MCONTROL | M | LOAD | (1n << 21n)],
    ['action 2 (trace on)', TYPE_MCONTROL6 | M | EXECUTE | (2n << 12n)],
    ['action 8 (external)', TYPE_MCONTROL6 | M | EXECUTE | (8n << 12n)],
  ])('tdata1 write of %s leaves a disabled trigger', (_name, value) => {
    const m = new BareHart();
    expect(writeTdata1(m, value)).toBe(DISABLED);
    expect(m.hart.triggersArmed).toBe(false);
  });

  it.each([
    ['dmode (Debug Mode only)', 1n << 59n],
    ['mcontrol maskmax (read-only 0)', 0x3fn << 53n],
    ['action 1 (enter Debug Mode: cleared, as the spec says, since dmode is 0)', 1n << 12n],
    ['chain', 1n << 11n],
    ['mcontrol6 hit0, hit1, uncertain', (1n << 22n) | (1n << 25n) | (1n << 26n)],
    ['mcontrol6 vs, vu (no H extension)', (1n << 24n) | (1n << 23n)],
    ['mcontrol6 uncertainen', 1n << 5n],
  ])('tdata1 drops what it cannot honour from a supported mcontrol6: %s', (_name, extra) => {
    const base = TYPE_MCONTROL6 | M | EXECUTE;
    expect(writeTdata1(new BareHart(), base | extra)).toBe(base);
  });

  it('tdata1 drops mcontrol timing (always before) and hit', () => {
    const base = TYPE_MCONTROL | M | LOAD;
    expect(writeTdata1(new BareHart(), base | (1n << 18n) | (1n << 20n))).toBe(base);
  });

  it('tdata1 and tdata2 belong to the selected trigger; tdata2 keeps any 64-bit value', () => {
    const m = new BareHart();
    arm(m, 0, TYPE_MCONTROL6 | M | EXECUTE, 0xffff_ffff_8000_0000n);
    arm(m, 1, TYPE_MCONTROL | U | LOAD, 0x1234_5678_9abc_def0n);
    m.csrWriteM(CsrNum.Tselect, 0);
    expect(m.csrReadM(CsrNum.Tdata1)).toBe(TYPE_MCONTROL6 | M | EXECUTE);
    expect(m.csrReadM(CsrNum.Tdata2)).toBe(0xffff_ffff_8000_0000n);
    m.csrWriteM(CsrNum.Tselect, 1);
    expect(m.csrReadM(CsrNum.Tdata1)).toBe(TYPE_MCONTROL | U | LOAD);
    expect(m.csrReadM(CsrNum.Tdata2)).toBe(0x1234_5678_9abc_def0n);
    m.csrWriteM(CsrNum.Tdata2, -1n);
    expect(m.csrReadM(CsrNum.Tdata2)).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('tdata3 (textra with every field 0) reads 0 and ignores writes', () => {
    const m = new BareHart();
    m.csrWriteM(CsrNum.Tdata3, -1n);
    expect(m.csrReadM(CsrNum.Tdata3)).toBe(0n);
  });

  it('tcontrol: only MTE and MPTE are writable', () => {
    const m = new BareHart();
    m.csrWriteM(CsrNum.Tcontrol, -1n);
    expect(m.csrReadM(CsrNum.Tcontrol)).toBe(MTE | MPTE);
  });

  it('tcontrol: a trap into M-mode saves MTE in MPTE and clears MTE; MRET restores MTE from MPTE', () => {
    const m = new BareHart();
    m.csrWriteM(CsrNum.Tcontrol, MPTE);
    m.load([csrr(5, CsrNum.Mstatus)]); // illegal in U-mode
    m.enter(PRIV_U); // its trampoline ends with an MRET
    expect(m.slot(Slot.Tcontrol)).toBe(MTE | MPTE);
    m.step();
    expect(m.mTrap().cause).toBe(BigInt(Cause.IllegalInstruction));
    expect(m.slot(Slot.Tcontrol)).toBe(MPTE);
    m.enter(PRIV_U);
    expect(m.slot(Slot.Tcontrol)).toBe(MTE | MPTE);
  });

  it('triggersArmed follows tdata1 writes: a trigger with an access kind and a mode arms the hart', () => {
    const m = new BareHart();
    arm(m, 1, TYPE_MCONTROL6 | U | LOAD, DATA);
    expect(m.hart.triggersArmed).toBe(true);
    writeTdata1(m, TYPE_MCONTROL6 | LOAD, 1); // no mode: it can fire nowhere
    expect(m.hart.triggersArmed).toBe(false);
    writeTdata1(m, TYPE_MCONTROL6 | S, 1); // no access kind
    expect(m.hart.triggersArmed).toBe(false);
    writeTdata1(m, TYPE_MCONTROL6 | S | EXECUTE, 1);
    expect(m.hart.triggersArmed).toBe(true);
    writeTdata1(m, 0n, 1);
    expect(m.hart.triggersArmed).toBe(false);
  });
});

describe('trigger matching', () => {
  it('an execute trigger fires before the instruction: cause 3, mepc = mtval = its address, nothing done', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | EXECUTE, CODE + 4);
    m.load([addi(5, 0, 1), addi(6, 0, 2), addi(7, 0, 3)]);
    m.step(2);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE + 4, CODE + 4));
    expect(m.x(5)).toBe(1n);
    expect(m.x(6)).toBe(0n);
  });

  it('an mcontrol (type 2) execute trigger fires the same way', () => {
    const m = hartWithMte();
    arm(m, 1, TYPE_MCONTROL | M | EXECUTE, CODE);
    m.load([addi(5, 0, 1)]);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, CODE));
    expect(m.x(5)).toBe(0n);
  });

  it('in M-mode nothing fires while tcontrol.MTE is clear (the reset value)', () => {
    const m = new BareHart();
    arm(m, 0, TYPE_MCONTROL6 | M | EXECUTE | LOAD, CODE);
    m.load([addi(5, 0, 1)]);
    m.step();
    expect(m.x(5)).toBe(1n);
    expect(m.hart.pc).toBe(CODE + 4);
  });

  it('a load trigger fires on a load of that address: tval = the address, rd not written', () => {
    const m = hartWithMte();
    m.write64(DATA, 0x1122_3344_5566_7788n);
    arm(m, 0, TYPE_MCONTROL6 | M | LOAD, DATA);
    m.setX(10, DATA);
    m.setX(5, 0x55n);
    m.load([lw(5, 10, 0)]);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, DATA));
    expect(m.x(5)).toBe(0x55n);
  });

  it('every byte an access touches is a compare value; tval is the access address', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | LOAD, DATA + 5);
    m.setX(10, DATA);
    m.load([lb(5, 10, 4), lb(5, 10, 6), ld(6, 10, 0)]);
    m.step(3);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE + 8, DATA));
  });

  it('a store trigger fires before the store: memory keeps its value; loads do not fire it', () => {
    const m = hartWithMte();
    m.write64(DATA, 7n);
    arm(m, 0, TYPE_MCONTROL6 | M | STORE, DATA);
    m.setX(10, DATA + 16);
    m.setX(6, 99n);
    m.load([ld(5, 10, -16), sd(6, 10, -16)]);
    m.step(2);
    expect(m.x(5)).toBe(7n);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE + 4, DATA));
    expect(m.read64(DATA)).toBe(7n);
  });

  it('a store trigger fires on a cache-block operation on its block: tval = the block, nothing zeroed', () => {
    const m = hartWithMte();
    m.write64(DATA + 40, 7n);
    arm(m, 0, TYPE_MCONTROL6 | M | STORE, DATA + 40);
    m.setX(10, DATA + 8);
    m.load([cbo(4, 10)]); // CBO.ZERO of the block DATA..DATA+63
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, DATA));
    expect(m.read64(DATA + 40)).toBe(7n);
  });

  it('a cache-block operation on the next block does not fire it', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | STORE, DATA + 40);
    m.setX(10, DATA + 64);
    m.load([cbo(1, 10)]); // CBO.CLEAN
    m.step();
    expect(m.hart.pc).toBe(CODE + 4);
  });

  it('a load trigger does not fire on a store', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | LOAD, DATA);
    m.setX(10, DATA);
    m.setX(6, 5n);
    m.load([sw(6, 10, 0)]);
    m.step();
    expect(m.hart.pc).toBe(CODE + 4);
    expect(m.read64(DATA)).toBe(5n);
  });

  it.each([
    ['match >=: below the bound', MATCH_GE, DATA + 8, DATA, false],
    ['match >=: its last byte reaches the bound', MATCH_GE, DATA + 7, DATA, true],
    ['match >=: at the bound', MATCH_GE, DATA + 8, DATA + 8, true],
    ['match <: at the bound', MATCH_LT, DATA, DATA, false],
    ['match <: below the bound', MATCH_LT, DATA + 1, DATA, true],
    ['match equal: one byte past the access', match(0), DATA + 8, DATA, false],
  ])('%s', (_name, kind, bound, address, fires) => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | LOAD | kind, bound);
    m.setX(10, address);
    m.load([ld(5, 10, 0)]);
    m.step();
    if (fires) expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, address));
    else expect(m.hart.pc).toBe(CODE + 4);
  });

  it('match < also catches an access that wraps past the top of the address space', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | LOAD | MATCH_LT, 1);
    m.setX(10, -4n);
    m.load([ld(5, 10, 0)]);
    m.step();
    expect(m.mTrap().cause).toBe(BigInt(Cause.Breakpoint));
    expect(m.mTrap().tval).toBe(0xffff_ffff_ffff_fffcn);
  });

  it.each([
    ['AMOADD.W on a load trigger', amo(0x00, 2, 5, 10, 6), LOAD, true],
    ['AMOSWAP.D on a store trigger', amo(0x01, 3, 5, 10, 6), STORE, true],
    ['LR.W on a load trigger', amo(0x02, 2, 5, 10, 0), LOAD, true],
    ['LR.W on a store trigger', amo(0x02, 2, 5, 10, 0), STORE, false],
    ['SC.D on a store trigger', amo(0x03, 3, 5, 10, 6), STORE, true],
    ['SC.D on a load trigger', amo(0x03, 3, 5, 10, 6), LOAD, false],
  ])('%s', (_name, inst, kind, fires) => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | kind, DATA);
    m.setX(10, DATA);
    m.load([inst]);
    m.step();
    if (fires) expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, DATA));
    else expect(m.hart.pc).toBe(CODE + 4);
  });

  it('compressed loads and stores fire too (C.LW, C.SD)', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | STORE, DATA + 0x100);
    arm(m, 1, TYPE_MCONTROL6 | M | LOAD, DATA);
    m.setX(8, DATA);
    m.setX(9, DATA + 0x100);
    m.load([parcels(cNop(), cLw(10, 8)), parcels(cSd(10, 9), cNop())]);
    m.step(2);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE + 2, DATA));
    m.csrWriteM(CsrNum.Tcontrol, MTE);
    m.hart.pc = CODE + 4;
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE + 4, DATA + 0x100));
  });

  it('an FP load fires with the FPU on; with mstatus.FS off it is an illegal instruction instead', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | LOAD, DATA);
    m.setX(10, DATA);
    m.load([fld(1, 10, 0)]);
    m.csrWriteM(CsrNum.Mstatus, 1 << Mstatus.FS_SHIFT); // FS = Initial
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, DATA));
    m.csrWriteM(CsrNum.Tcontrol, MTE);
    m.csrWriteM(CsrNum.Mstatus, 0);
    m.hart.pc = CODE;
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, CODE, fld(1, 10, 0)));
  });

  it('a load trigger outranks a misaligned access', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | LOAD, DATA + 1);
    m.setX(10, DATA + 1);
    m.load([lw(5, 10, 0)]);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, DATA + 1));
  });

  it('a trigger for U-mode only fires in U-mode, not in M-mode', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | U | EXECUTE, CODE);
    m.load([addi(5, 0, 1)]);
    m.step();
    expect(m.x(5)).toBe(1n); // M-mode: ran
    m.setX(5, 0);
    m.csrWriteM(CsrNum.Tcontrol, MTE);
    m.enter(PRIV_U);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, CODE));
    expect(m.x(5)).toBe(0n);
  });

  it('a trigger for M-mode only does not fire in S-mode', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | EXECUTE, CODE);
    m.load([addi(5, 0, 1)]);
    m.enter(PRIV_S);
    m.step();
    expect(m.x(5)).toBe(1n);
  });

  it('with breakpoints delegated, an S-mode trigger fires only while sstatus.SIE is set, into S-mode', () => {
    const m = new BareHart();
    m.csrWriteM(CsrNum.Medeleg, MEDELEG_BREAKPOINT);
    arm(m, 0, TYPE_MCONTROL6 | S | EXECUTE, CODE);
    m.load([addi(5, 0, 1)]);
    m.enter(PRIV_S);
    m.step();
    expect(m.x(5)).toBe(1n); // SIE clear: the handler's own code is safe
    const n = new BareHart();
    n.csrWriteM(CsrNum.Medeleg, MEDELEG_BREAKPOINT);
    arm(n, 0, TYPE_MCONTROL6 | S | EXECUTE, CODE);
    n.load([addi(5, 0, 1)]);
    n.enter(PRIV_S, { status: Mstatus.SIE });
    n.step();
    expect(n.sTrap()).toEqual(sTrapAt(Cause.Breakpoint, CODE, CODE));
    expect(n.x(5)).toBe(0n);
  });

  it('without delegation an S-mode trigger fires whatever SIE says, into M-mode', () => {
    const m = new BareHart();
    arm(m, 0, TYPE_MCONTROL6 | S | LOAD, DATA);
    m.setX(10, DATA);
    m.load([ld(5, 10, 0)]);
    m.enter(PRIV_S);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE, DATA));
  });

  it('a disabled trigger (tdata1 = 0) fires no more', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | EXECUTE, CODE);
    m.csrWriteM(CsrNum.Tdata1, 0);
    m.load([addi(5, 0, 1)]);
    m.step();
    expect(m.x(5)).toBe(1n);
  });

  it('the second trigger fires while the first is armed elsewhere', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | STORE, DATA);
    arm(m, TRIGGERS - 1, TYPE_MCONTROL | M | LOAD, DATA + 8);
    m.setX(10, DATA);
    m.load([ld(5, 10, 0), ld(5, 10, 8)]);
    m.step(2);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.Breakpoint, CODE + 4, DATA + 8));
  });

  it('a trap into M-mode from a trigger turns M-mode triggers off until MRET', () => {
    const m = hartWithMte();
    arm(m, 0, TYPE_MCONTROL6 | M | EXECUTE, CODE);
    m.load([addi(5, 0, 1)]);
    m.step();
    expect(m.mTrap().cause).toBe(BigInt(Cause.Breakpoint));
    expect(m.csrReadM(CsrNum.Tcontrol)).toBe(MPTE);
    m.hart.pc = CODE; // the handler's code, say, at the same address: MTE is clear now
    m.step();
    expect(m.x(5)).toBe(1n);
    expect(m.hart.priv).toBe(PRIV_M);
  });
});

/**
 * @fileoverview Traps on a bare hart, against the privileged spec: synchronous exceptions and their
 * delegation (medeleg) to S-mode, what trap entry saves in xepc/xcause/xtval and mstatus, vectored
 * trap vectors, MRET/SRET and the mstatus bits that make them (and WFI) illegal, and interrupts:
 * the global enable rules per privilege, delegation through mideleg, and the fixed priority order.
 */
import { describe, expect, it } from 'vitest';
import {
  BareHart, CODE, Cause, CsrNum, INTERRUPT, Irq, IrqBit, M_TRAP, Mstatus, PRIV_M, PRIV_S, PRIV_U, Slot,
  VECTORS, mTrapAt, sTrapAt,
} from './helpers/bare-hart.ts';
import { ebreak, ecall, jSelf, mret, nop, sret, wfi } from './helpers/asm.ts';

/** A 32-bit word in the custom-0 opcode space: this hart implements nothing there. */
const CUSTOM0 = 0x1234_500b;
/** C.LWSP with rd = x0: a reserved 16-bit encoding (followed by a C.NOP in the same word). */
const C_LWSP_X0 = 0x4002;

const mppOf = (m: BareHart): number => (m.mstatus & Mstatus.MPP) >>> Mstatus.MPP_SHIFT;
const bit = (m: BareHart, field: Mstatus): number => ((m.mstatus & field) !== 0 ? 1 : 0);

/** A fresh hart with `program` at CODE, entered in `priv` with `status`; set-up runs first in M-mode. */
function prepare(priv: number, program: number[], { status = 0, setUp }: { status?: number; setUp?: (m: BareHart) => void } = {}): BareHart {
  const m = new BareHart();
  setUp?.(m);
  m.load(program);
  if (priv !== PRIV_M) m.enter(priv, { status });
  else if (status !== 0) m.csrWriteM(CsrNum.Mstatus, status);
  return m;
}

describe('exceptions and delegation', () => {
  it('ecall from U with medeleg[8] goes to stvec in S-mode', () => {
    const m = prepare(PRIV_U, [ecall()], { status: Mstatus.SIE, setUp: (h) => h.csrWriteM(CsrNum.Medeleg, 1 << Cause.EcallFromU) });
    m.step();
    expect(m.sTrap()).toEqual(sTrapAt(Cause.EcallFromU, CODE));
    expect([bit(m, Mstatus.SPP), bit(m, Mstatus.SPIE), bit(m, Mstatus.SIE)]).toEqual([0, 1, 0]);
    expect(m.slot(Slot.Mcause)).toBe(0n); // M-mode saw nothing
  });

  it('ecall from U without delegation goes to mtvec in M-mode', () => {
    const m = prepare(PRIV_U, [ecall()], { status: Mstatus.MPIE }); // mret turns MPIE into MIE
    expect(bit(m, Mstatus.MIE)).toBe(1);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.EcallFromU, CODE));
    expect([mppOf(m), bit(m, Mstatus.MPIE), bit(m, Mstatus.MIE)]).toEqual([PRIV_U, 1, 0]);
    expect(m.slot(Slot.Scause)).toBe(0n);
  });

  it('ecall from S with medeleg[9] goes to S-mode with SPP = S; SPIE takes the old SIE = 0', () => {
    const m = prepare(PRIV_S, [ecall()], { setUp: (h) => h.csrWriteM(CsrNum.Medeleg, 1 << Cause.EcallFromS) });
    m.step();
    expect(m.sTrap()).toEqual(sTrapAt(Cause.EcallFromS, CODE));
    expect([bit(m, Mstatus.SPP), bit(m, Mstatus.SPIE), bit(m, Mstatus.SIE)]).toEqual([1, 0, 0]);
  });

  it('ecall from S without delegation records MPP = S', () => {
    const m = prepare(PRIV_S, [ecall()]);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.EcallFromS, CODE));
    expect(mppOf(m)).toBe(PRIV_S);
  });

  it.each([
    ['an illegal instruction', CUSTOM0, Cause.IllegalInstruction, BigInt(CUSTOM0)],
    ['ecall', ecall(), Cause.EcallFromM, 0n],
  ])('%s in M-mode is never delegated, whatever medeleg says', (_name, inst, cause, tval) => {
    const m = prepare(PRIV_M, [inst], { setUp: (h) => h.csrWriteM(CsrNum.Medeleg, -1) });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(cause, CODE, tval));
    expect(mppOf(m)).toBe(PRIV_M);
    expect(m.slot(Slot.Scause)).toBe(0n);
  });

  it('an illegal instruction delegated from S goes to S with stval = the instruction', () => {
    const m = prepare(PRIV_S, [nop(), CUSTOM0], { setUp: (h) => h.csrWriteM(CsrNum.Medeleg, 1 << Cause.IllegalInstruction) });
    m.step(2);
    expect(m.sTrap()).toEqual(sTrapAt(Cause.IllegalInstruction, CODE + 4, CUSTOM0));
  });

  it('a reserved compressed encoding traps with tval = its 16 bits', () => {
    const m = prepare(PRIV_M, [(0x0001 << 16) | C_LWSP_X0]);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, CODE, C_LWSP_X0));
  });

  it('ebreak: breakpoint, mepc = its address, mtval = 0 or that address', () => {
    const m = prepare(PRIV_M, [ebreak()]);
    m.step();
    const t = m.mTrap();
    expect([t.pc, t.cause, t.epc]).toEqual([M_TRAP, BigInt(Cause.Breakpoint), BigInt(CODE)]);
    expect([0n, BigInt(CODE)]).toContain(t.tval);
  });
});

describe('vectored trap vectors', () => {
  it('mtvec mode 1 sends an interrupt to base + 4 * cause', () => {
    const m = prepare(PRIV_M, [nop()], {
      setUp: (h) => {
        h.place(VECTORS + 4 * Irq.MSI, [jSelf()]);
        h.csrWriteM(CsrNum.Mtvec, VECTORS + 1);
        h.csrWriteM(CsrNum.Mie, IrqBit.MSIP);
        h.raiseIrq(IrqBit.MSIP);
      },
      status: Mstatus.MIE,
    });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(Irq.MSI), CODE, 0n, VECTORS + 4 * Irq.MSI));
  });

  it('mtvec mode 1 sends an exception to the base', () => {
    const m = prepare(PRIV_M, [ecall()], { setUp: (h) => { h.place(VECTORS, [jSelf()]); h.csrWriteM(CsrNum.Mtvec, VECTORS + 1); } });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.EcallFromM, CODE, 0n, VECTORS));
  });

  it('stvec mode 1 sends a delegated interrupt to base + 4 * cause', () => {
    const m = prepare(PRIV_U, [nop()], {
      setUp: (h) => {
        h.place(VECTORS + 4 * Irq.SSI, [jSelf()]);
        h.csrWriteM(CsrNum.Stvec, VECTORS + 1);
        h.csrWriteM(CsrNum.Mideleg, IrqBit.SSIP);
        h.csrWriteM(CsrNum.Mie, IrqBit.SSIP);
        h.csrWriteM(CsrNum.Mip, IrqBit.SSIP);
      },
    });
    m.step();
    expect(m.sTrap()).toEqual(sTrapAt(INTERRUPT | BigInt(Irq.SSI), CODE, 0n, VECTORS + 4 * Irq.SSI));
  });
});

describe('MRET and SRET', () => {
  const TARGET = CODE + 0x100;

  it.each([
    // [MPP, MPIE, MPRV] -> privilege after, MIE after, MPRV after
    [PRIV_S, 1, 1, 1, 0],
    [PRIV_U, 0, 1, 0, 0],
    [PRIV_M, 1, 1, 1, 1],
  ])('mret with MPP=%i MPIE=%i MPRV=%i: MIE becomes %i, MPRV %i; MPIE = 1 and MPP = U', (mpp, mpie, mprv, mieAfter, mprvAfter) => {
    const m = prepare(PRIV_M, [mret()], {
      setUp: (h) => { h.place(TARGET, [jSelf()]); h.csrWriteM(CsrNum.Mepc, TARGET); },
      status: (mpp << Mstatus.MPP_SHIFT) | (mpie ? Mstatus.MPIE : 0) | (mprv ? Mstatus.MPRV : 0),
    });
    m.step();
    expect([m.hart.pc, m.hart.priv]).toEqual([TARGET, mpp]);
    expect([bit(m, Mstatus.MIE), bit(m, Mstatus.MPRV), bit(m, Mstatus.MPIE), mppOf(m)]).toEqual([mieAfter, mprvAfter, 1, PRIV_U]);
  });

  it.each([
    // [SPP, SPIE] -> privilege after, SIE after
    [1, 1, PRIV_S, 1],
    [0, 0, PRIV_U, 0],
  ])('sret from M with SPP=%i SPIE=%i returns to privilege %i with SIE=%i, SPIE = 1, SPP = U, MPRV cleared', (spp, spie, priv, sie) => {
    const m = prepare(PRIV_M, [sret()], {
      setUp: (h) => { h.place(TARGET, [jSelf()]); h.csrWriteM(CsrNum.Sepc, TARGET); },
      status: (spp ? Mstatus.SPP : 0) | (spie ? Mstatus.SPIE : 0) | Mstatus.MPRV | Mstatus.SIE * (1 - spie),
    });
    m.step();
    expect([m.hart.pc, m.hart.priv]).toEqual([TARGET, priv]);
    expect([bit(m, Mstatus.SIE), bit(m, Mstatus.SPIE), bit(m, Mstatus.SPP), bit(m, Mstatus.MPRV)]).toEqual([sie, 1, 0, 0]);
  });

  it('sret from S with SPP = U drops to U-mode', () => {
    const m = prepare(PRIV_S, [sret()], { setUp: (h) => { h.place(TARGET, [jSelf()]); h.csrWriteM(CsrNum.Sepc, TARGET); } });
    m.step();
    expect([m.hart.pc, m.hart.priv]).toEqual([TARGET, PRIV_U]);
  });

  it.each([
    ['sret in S with mstatus.TSR', PRIV_S, sret(), Mstatus.TSR],
    ['sret in U', PRIV_U, sret(), 0],
    ['mret in S', PRIV_S, mret(), 0],
    ['mret in U', PRIV_U, mret(), 0],
    ['wfi in U', PRIV_U, wfi(), 0],
    ['wfi in S with mstatus.TW', PRIV_S, wfi(), Mstatus.TW],
  ])('%s raises illegal instruction', (_name, priv, inst, status) => {
    const m = prepare(priv, [inst], { status });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, CODE, inst));
    expect(mppOf(m)).toBe(priv);
  });

  it.each([
    ['wfi in S without TW', PRIV_S, 0],
    ['wfi in M with TW (TW binds only lower privileges)', PRIV_M, Mstatus.TW],
  ])('%s completes', (_name, priv, status) => {
    const m = prepare(priv, [wfi()], { status });
    m.step();
    expect([m.hart.pc, m.hart.priv]).toEqual([CODE + 4, priv]);
    expect(m.slot(Slot.Mcause)).toBe(0n);
  });
});

describe('interrupt enables', () => {
  /** A machine software interrupt (from the CLINT), enabled in mie, not delegable. */
  const withMsi = (h: BareHart): void => { h.csrWriteM(CsrNum.Mie, IrqBit.MSIP); h.raiseIrq(IrqBit.MSIP); };
  /** A supervisor software interrupt, pending in mip and enabled in mie; delegated if asked. */
  const withSsi = (delegated: boolean) => (h: BareHart): void => {
    if (delegated) h.csrWriteM(CsrNum.Mideleg, IrqBit.SSIP);
    h.csrWriteM(CsrNum.Mie, IrqBit.SSIP);
    h.csrWriteM(CsrNum.Mip, IrqBit.SSIP);
  };
  const NOPS = [nop(), nop()];

  it.each([
    ['S', PRIV_S, 0],
    ['U', PRIV_U, 0],
    ['M with MIE', PRIV_M, Mstatus.MIE],
  ])('an M-level interrupt is taken in %s (S and U: whatever mstatus.MIE)', (_name, priv, status) => {
    const m = prepare(priv, NOPS, { setUp: withMsi, status });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(Irq.MSI), CODE));
    expect(mppOf(m)).toBe(priv);
    expect(bit(m, Mstatus.MPIE)).toBe(priv === PRIV_M ? 1 : 0);
  });

  it('an M-level interrupt waits in M-mode while mstatus.MIE = 0, and is taken once MIE is set', () => {
    const m = prepare(PRIV_M, NOPS, { setUp: withMsi });
    m.step(2);
    expect(m.hart.pc).toBe(CODE + 8);
    m.csrWriteM(CsrNum.Mstatus, Mstatus.MIE);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(Irq.MSI), CODE + 8));
  });

  it('a delegated S-level interrupt is taken in U-mode to S, whatever sstatus.SIE', () => {
    const m = prepare(PRIV_U, NOPS, { setUp: withSsi(true) });
    m.step();
    expect(m.sTrap()).toEqual(sTrapAt(INTERRUPT | BigInt(Irq.SSI), CODE));
    expect([bit(m, Mstatus.SPP), bit(m, Mstatus.SPIE)]).toEqual([0, 0]);
  });

  it('a delegated S-level interrupt waits in S-mode while SIE = 0', () => {
    const m = prepare(PRIV_S, NOPS, { setUp: withSsi(true) });
    m.step(2);
    expect([m.hart.pc, m.hart.priv]).toEqual([CODE + 8, PRIV_S]);
  });

  it('a delegated S-level interrupt is taken in S-mode with SIE = 1', () => {
    const m = prepare(PRIV_S, NOPS, { setUp: withSsi(true), status: Mstatus.SIE });
    m.step();
    expect(m.sTrap()).toEqual(sTrapAt(INTERRUPT | BigInt(Irq.SSI), CODE));
    expect([bit(m, Mstatus.SPP), bit(m, Mstatus.SPIE), bit(m, Mstatus.SIE)]).toEqual([1, 1, 0]);
  });

  it('a delegated S-level interrupt is never taken in M-mode, even with MIE and SIE set', () => {
    const m = prepare(PRIV_M, NOPS, { setUp: withSsi(true), status: Mstatus.MIE | Mstatus.SIE });
    m.step(2);
    expect([m.hart.pc, m.hart.priv]).toEqual([CODE + 8, PRIV_M]);
  });

  it('an S-level interrupt that is not delegated is an M-level one: taken in S-mode with MIE = SIE = 0', () => {
    const m = prepare(PRIV_S, NOPS, { setUp: withSsi(false) });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(Irq.SSI), CODE));
  });

  it('an interrupt pending in mip but disabled in mie is not taken', () => {
    const m = prepare(PRIV_U, NOPS, { setUp: (h) => h.raiseIrq(IrqBit.MSIP | IrqBit.MEIP) });
    m.step(2);
    expect([m.hart.pc, m.hart.priv]).toEqual([CODE + 8, PRIV_U]);
  });

  it('the machine timer interrupt follows mtime >= mtimecmp', () => {
    const m = prepare(PRIV_U, [nop(), nop(), nop()], { setUp: (h) => { h.csrWriteM(CsrNum.Mie, IrqBit.MTIP); h.setMtimecmp(1000n); h.mtime = 999; } });
    m.step(2);
    expect(m.hart.pc).toBe(CODE + 8);
    m.mtime = 1000;
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(Irq.MTI), CODE + 8));
  });
});

describe('the machine timer between looks at the clock (interrupts.ts timersMayBeDue)', () => {
  const NOPS_40 = Array.from({ length: 40 }, () => nop());
  const timerAt1000 = (h: BareHart): void => { h.csrWriteM(CsrNum.Mie, IrqBit.MTIP); h.setMtimecmp(1000n); h.mtime = 999; };

  it('is taken within a few checks of coming due, without a write to mtimecmp', () => {
    const m = prepare(PRIV_U, NOPS_40, { setUp: timerAt1000 });
    m.step(10); // the checks have looked at the clock and found it not due
    m.mtime = 1000;
    let steps = 0;
    while (m.hart.priv === PRIV_U && steps < 40) { m.step(); steps++; }
    expect(m.hart.priv).toBe(PRIV_M);
    expect(steps).toBeLessThanOrEqual(5); // TIMER_LOOK_CHECKS checks trusted, then a look
  });

  it('is taken at the next check when mtimecmp moves to a time already passed', () => {
    const m = prepare(PRIV_U, NOPS_40, { setUp: timerAt1000 });
    m.step(10);
    m.setMtimecmp(999n);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(Irq.MTI), CODE + 40));
  });
});

describe('interrupt priority', () => {
  /** Raises each of the six standard interrupts the way its source would. */
  function raise(m: BareHart, irq: Irq): void {
    switch (irq) {
      case Irq.MEI: m.raiseIrq(IrqBit.MEIP); break; // PLIC
      case Irq.MSI: m.raiseIrq(IrqBit.MSIP); break; // CLINT msip
      case Irq.MTI: m.setMtimecmp(0n); break; // CLINT timer: mtime (0) >= mtimecmp
      case Irq.SEI: m.csrWriteM(CsrNum.Mip, m.csrReadM(CsrNum.Mip) | BigInt(IrqBit.SEIP)); break;
      case Irq.SSI: m.csrWriteM(CsrNum.Mip, m.csrReadM(CsrNum.Mip) | BigInt(IrqBit.SSIP)); break;
      case Irq.STI: m.csrWriteM(CsrNum.Mip, m.csrReadM(CsrNum.Mip) | BigInt(IrqBit.STIP)); break;
    }
  }
  const ORDER = [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI];

  it.each(ORDER.map((irq, i) => [irq, ORDER.slice(i)] as const))('interrupt %i wins over the rest of %j', (winner, pending) => {
    const m = prepare(PRIV_M, [nop()], {
      setUp: (h) => { h.csrWriteM(CsrNum.Mie, 0xaaa); for (const irq of pending) raise(h, irq); },
      status: Mstatus.MIE,
    });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(winner), CODE));
  });

  it('an interrupt for M-mode goes before a higher-ranked one delegated to S-mode', () => {
    const m = prepare(PRIV_S, [nop()], {
      setUp: (h) => {
        h.csrWriteM(CsrNum.Mideleg, IrqBit.SEIP);
        h.csrWriteM(CsrNum.Mie, IrqBit.SEIP | IrqBit.STIP);
        h.csrWriteM(CsrNum.Mip, IrqBit.SEIP | IrqBit.STIP);
      },
      status: Mstatus.SIE,
    });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | BigInt(Irq.STI), CODE));
    // Back in the handler's M-mode the delegated one waits; once mret returns to S it is taken.
    m.place(M_TRAP, [mret()]);
    m.hart.pc = M_TRAP;
    m.csrWriteM(CsrNum.Mip, IrqBit.SEIP); // the handler cleared STIP
    m.step(2);
    expect(m.sTrap()).toEqual(sTrapAt(INTERRUPT | BigInt(Irq.SEI), CODE));
  });
});

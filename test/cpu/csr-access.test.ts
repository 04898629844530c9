/**
 * @fileoverview CSR access rules of the privileged spec, driven through CSR instructions on a bare
 * hart: which privilege may touch which CSR (the CSR number's bits 9:8), read-only CSRs (bits
 * 11:10 = 3) and which of the CSR instructions count as writes, WARL fields (mtvec/stvec MODE,
 * mepc/sepc alignment, medeleg/mideleg, mstatus MPP/UXL/SXL, satp MODE), sstatus/sie/sip as views
 * of mstatus/mie/mip, misa, counter enables for S and U, and mip's read-modify-write semantics.
 */
import { describe, expect, it } from 'vitest';
import {
  BareHart, CODE, Cause, CsrNum, INTERRUPT, IrqBit, Mstatus, PRIV_M, PRIV_S, PRIV_U, mTrapAt,
} from './helpers/bare-hart.ts';
import { csrr, csrrc, csrrci, csrrs, csrrsi, csrrw, csrrwi, csrw, sfenceVma } from './helpers/asm.ts';

/** A sentinel that no CSR read in these tests returns. */
const SENTINEL = 0x5a5a_5a5a_5a5a_5a5an;
const SSTATUS_UXL_64 = 2n << 32n;

/**
 * A fresh hart that runs `program` at CODE in privilege `priv`, entered by mret from M-mode with
 * `status` in mstatus (MPP aside); `setUp` runs first, in M-mode.
 */
function runIn(priv: number, program: number[], setUp?: (m: BareHart) => void, status = 0): BareHart {
  const m = new BareHart();
  setUp?.(m);
  m.load(program);
  if (priv !== PRIV_M) m.enter(priv, { status });
  m.step(program.length);
  return m;
}

/** Expects the hart to have taken an illegal-instruction trap to M-mode at `pc`. */
function expectIllegal(m: BareHart, inst: number, pc = CODE): void {
  expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, pc, inst));
}

describe('CSR privilege', () => {
  it.each([
    ['S reads mstatus', PRIV_S, csrr(5, CsrNum.Mstatus)],
    ['S writes mscratch', PRIV_S, csrw(CsrNum.Mscratch, 6)],
    ['S sets bits in mie', PRIV_S, csrrsi(5, CsrNum.Mie, 2)],
    ['S reads mhartid', PRIV_S, csrr(5, CsrNum.Mhartid)],
    ['U reads mepc', PRIV_U, csrr(5, CsrNum.Mepc)],
    ['U reads sstatus', PRIV_U, csrr(5, CsrNum.Sstatus)],
    ['U writes satp', PRIV_U, csrw(CsrNum.Satp, 6)],
    ['M reads hstatus (0x600), absent without the H extension', PRIV_M, csrr(5, 0x600)],
  ])('%s: illegal instruction, tval = the instruction bits', (_name, priv, inst) => {
    const m = runIn(priv, [inst], (h) => h.setX(5, SENTINEL));
    expectIllegal(m, inst);
    expect(m.x(5)).toBe(SENTINEL); // rd is not written
    expect((m.mstatus & Mstatus.MPP) >>> Mstatus.MPP_SHIFT).toBe(priv);
  });

  it.each([
    ['csrr satp', csrr(5, CsrNum.Satp)],
    ['sfence.vma', sfenceVma(0, 0)],
  ])('with mstatus.TVM, %s in S-mode is illegal', (_name, inst) => {
    const m = runIn(PRIV_S, [inst], undefined, Mstatus.TVM);
    expectIllegal(m, inst);
  });

  it('S-mode reads and writes its own CSRs', () => {
    const m = runIn(PRIV_S, [csrw(CsrNum.Sscratch, 6), csrr(5, CsrNum.Sscratch)], (h) => h.setX(6, 0x1234_5678_9abc_def0n));
    expect(m.hart.pc).toBe(CODE + 8);
    expect(m.x(5)).toBe(0x1234_5678_9abc_def0n);
  });

  it('an M-mode write to mscratch with a value above bit 31 keeps all 64 bits', () => {
    const m = runIn(PRIV_M, [csrw(CsrNum.Mscratch, 6), csrr(5, CsrNum.Mscratch)], (h) => h.setX(6, -2n));
    expect(m.x(5)).toBe(0xffff_ffff_ffff_fffen);
  });
});

describe('read-only CSRs', () => {
  it.each([
    ['csrrw to mhartid', csrrw(5, CsrNum.Mhartid, 6)],
    ['csrrw x0 to mvendorid (writes even without reading)', csrrw(0, CsrNum.Mvendorid, 0)],
    ['csrrs with rs1 != x0 to mvendorid', csrrs(5, CsrNum.Mvendorid, 6)],
    ['csrrc with rs1 != x0 to mimpid', csrrc(5, CsrNum.Mimpid, 6)],
    ['csrrwi to cycle, even with uimm = 0', csrrwi(5, CsrNum.Cycle, 0)],
    ['csrrsi with uimm != 0 to cycle', csrrsi(5, CsrNum.Cycle, 1)],
    ['csrrci with uimm != 0 to marchid', csrrci(5, CsrNum.Marchid, 4)],
  ])('%s raises illegal instruction in M-mode', (_name, inst) => {
    const m = runIn(PRIV_M, [inst], (h) => { h.setX(5, SENTINEL); h.setX(6, 1); });
    expectIllegal(m, inst);
    expect(m.x(5)).toBe(SENTINEL);
  });

  it('the trap value of a CSR instruction with bit 31 set is zero-extended', () => {
    const inst = csrrw(5, CsrNum.Mhartid, 6); // CSR 0xf14: bit 31 of the word is set
    const m = runIn(PRIV_M, [inst]);
    expect(inst).toBeGreaterThan(0x7fff_ffff);
    expect(m.mTrap().tval).toBe(BigInt(inst));
  });

  it.each([
    ['csrrs rd, mhartid, x0', csrrs(5, CsrNum.Mhartid, 0), 0n],
    ['csrrc rd, mvendorid, x0', csrrc(5, CsrNum.Mvendorid, 0), 0n],
    ['csrrsi rd, mhartid, 0', csrrsi(5, CsrNum.Mhartid, 0), 0n],
    ['csrrci rd, mimpid, 0', csrrci(5, CsrNum.Mimpid, 0), 0n],
  ])('%s reads without writing and does not trap', (_name, inst, value) => {
    const m = runIn(PRIV_M, [inst], (h) => h.setX(5, SENTINEL));
    expect(m.hart.pc).toBe(CODE + 4);
    expect(m.x(5)).toBe(value);
  });

  it('csrrs rd, cycle, x0 reads the cycle counter in M-mode', () => {
    const m = runIn(PRIV_M, [csrrs(5, CsrNum.Cycle, 0), csrrsi(6, CsrNum.Cycle, 0)], (h) => h.setX(5, SENTINEL));
    expect(m.hart.pc).toBe(CODE + 8);
    expect(m.x(6)).toBeGreaterThan(m.x(5)); // it counts up
  });
});

describe('WARL fields', () => {
  it.each([
    ['mtvec', CsrNum.Mtvec],
    ['stvec', CsrNum.Stvec],
  ])('%s: a reserved MODE (2, 3) keeps the old MODE, the base is taken', (_name, csr) => {
    const m = runIn(PRIV_M, [csrw(csr, 5), csrw(csr, 6), csrr(10, csr), csrw(csr, 7), csrr(11, csr)], (h) => {
      h.setX(5, CODE + 0x101); // vectored
      h.setX(6, CODE + 0x202); // reserved mode 2
      h.setX(7, CODE + 0x303); // reserved mode 3
    });
    expect(m.x(10)).toBe(BigInt(CODE + 0x201));
    expect(m.x(11)).toBe(BigInt(CODE + 0x301));
  });

  it.each([
    ['mepc', CsrNum.Mepc],
    ['sepc', CsrNum.Sepc],
  ])('%s: bit 0 reads zero (IALIGN = 16 with C, so bit 1 is kept)', (_name, csr) => {
    const m = runIn(PRIV_M, [csrw(csr, 5), csrr(6, csr)], (h) => h.setX(5, 0x8000_1237n));
    expect(m.x(6)).toBe(0x8000_1236n);
  });

  it('medeleg: ecall from M (bit 11) cannot be delegated; ecall from U (bit 8) can', () => {
    const m = runIn(PRIV_M, [csrw(CsrNum.Medeleg, 5), csrr(6, CsrNum.Medeleg), csrw(CsrNum.Medeleg, 7), csrr(8, CsrNum.Medeleg)], (h) => {
      h.setX(5, -1n);
      h.setX(7, 1n << 11n);
    });
    expect((m.x(6) >> 11n) & 1n).toBe(0n);
    expect((m.x(6) >> 8n) & 1n).toBe(1n);
    expect(m.x(8)).toBe(0n);
  });

  it('mideleg: only the supervisor interrupts (SSIP, STIP, SEIP) can be delegated', () => {
    const m = runIn(PRIV_M, [csrw(CsrNum.Mideleg, 5), csrr(6, CsrNum.Mideleg)], (h) => h.setX(5, -1n));
    expect(m.x(6)).toBe(BigInt(IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP));
  });

  it('mstatus: MPP = 2 (reserved) is never taken', () => {
    const m = runIn(PRIV_M, [csrw(CsrNum.Mstatus, 5), csrr(10, CsrNum.Mstatus), csrw(CsrNum.Mstatus, 6), csrr(11, CsrNum.Mstatus)], (h) => {
      h.setX(5, PRIV_S << Mstatus.MPP_SHIFT);
      h.setX(6, 2 << Mstatus.MPP_SHIFT);
    });
    const mpp = (value: bigint): number => Number((value >> 11n) & 3n);
    expect(mpp(m.x(10))).toBe(PRIV_S);
    expect(mpp(m.x(11))).not.toBe(2);
  });

  it('mstatus: UXL and SXL read 2 (64-bit) and do not change when written', () => {
    const m = runIn(PRIV_M, [csrr(5, CsrNum.Mstatus), csrrc(0, CsrNum.Mstatus, 6), csrr(7, CsrNum.Mstatus), csrrs(0, CsrNum.Mstatus, 6), csrr(8, CsrNum.Mstatus)], (h) => {
      h.setX(6, 0xfn << 32n);
    });
    for (const r of [5, 7, 8]) {
      expect((m.x(r) >> 32n) & 3n, `UXL in x${r}`).toBe(2n);
      expect((m.x(r) >> 34n) & 3n, `SXL in x${r}`).toBe(2n);
    }
  });

  it('satp: Sv39 and Sv48 are taken; an unsupported MODE leaves satp unchanged', () => {
    const sv39 = (8n << 60n) | (0x1234n << 44n) | 0x80123n;
    const sv48 = (9n << 60n) | 0x80456n;
    const sv57 = (10n << 60n) | 0x80789n;
    const reserved = (1n << 60n) | 0x80abcn;
    const m = runIn(PRIV_M, [
      csrw(CsrNum.Satp, 5), csrr(10, CsrNum.Satp),
      csrw(CsrNum.Satp, 7), csrr(11, CsrNum.Satp),
      csrw(CsrNum.Satp, 6), csrr(12, CsrNum.Satp),
      csrw(CsrNum.Satp, 8), csrr(13, CsrNum.Satp),
    ], (h) => { h.setX(5, sv39); h.setX(6, sv48); h.setX(7, sv57); h.setX(8, reserved); });
    expect(m.x(10) & ~(0xffffn << 44n)).toBe(sv39 & ~(0xffffn << 44n)); // ASID bits are WARL
    expect(m.x(11)).toBe(m.x(10));
    expect(m.x(12)).toBe(sv48);
    expect(m.x(13)).toBe(sv48);
  });
});

describe('sstatus, sie and sip: views of mstatus, mie and mip', () => {
  const sViewBits = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.SUM | Mstatus.MXR;
  const mOnlyBits = Mstatus.MIE | Mstatus.MPIE | Mstatus.MPP | Mstatus.MPRV | Mstatus.TVM | Mstatus.TW | Mstatus.TSR;

  it('sstatus shows the supervisor fields of mstatus and UXL, never the machine ones', () => {
    const m = runIn(PRIV_S, [csrr(5, CsrNum.Sstatus)], undefined, sViewBits | Mstatus.MPIE | Mstatus.TW);
    expect(m.mstatus & (Mstatus.MIE | Mstatus.TW)).toBe(Mstatus.MIE | Mstatus.TW); // mret moved MPIE to MIE
    expect(m.x(5)).toBe(BigInt(sViewBits) | SSTATUS_UXL_64);
  });

  it('sstatus.SD (bit 63) summarizes a dirty FS, as mstatus.SD does', () => {
    const m = runIn(PRIV_M, [csrw(CsrNum.Mstatus, 5), csrr(6, CsrNum.Sstatus), csrr(7, CsrNum.Mstatus)], (h) => h.setX(5, Mstatus.FS));
    expect(m.x(6) >> 63n).toBe(1n);
    expect(m.x(7) >> 63n).toBe(1n);
    expect((m.x(6) >> 13n) & 3n).toBe(3n);
  });

  it('a write to sstatus changes only the supervisor fields of mstatus', () => {
    const m = runIn(PRIV_M, [csrw(CsrNum.Mstatus, 0), csrw(CsrNum.Sstatus, 5), csrr(6, CsrNum.Mstatus)], (h) => h.setX(5, -1n));
    const low = Number(m.x(6) & 0xffff_ffffn);
    expect(low & sViewBits).toBe(sViewBits);
    expect(low & mOnlyBits).toBe(0);
    expect((m.x(6) >> 34n) & 3n).toBe(2n); // SXL unchanged
  });

  it('sie is mie masked by mideleg, for reads and writes', () => {
    const m = runIn(PRIV_M, [
      csrw(CsrNum.Mideleg, 5), csrw(CsrNum.Mie, 6), csrr(10, CsrNum.Sie),
      csrw(CsrNum.Mie, 0), csrw(CsrNum.Sie, 7), csrr(11, CsrNum.Mie),
    ], (h) => { h.setX(5, IrqBit.SSIP | IrqBit.STIP); h.setX(6, 0xaaa); h.setX(7, -1n); });
    expect(m.x(10)).toBe(BigInt(IrqBit.SSIP | IrqBit.STIP));
    expect(m.x(11)).toBe(BigInt(IrqBit.SSIP | IrqBit.STIP));
  });

  it('sip is mip masked by mideleg; only SSIP is writable through it', () => {
    const m = runIn(PRIV_M, [
      csrw(CsrNum.Mideleg, 5), csrrs(0, CsrNum.Mip, 6), csrr(10, CsrNum.Sip),
      csrw(CsrNum.Sip, 0), csrr(11, CsrNum.Mip),
      csrrs(0, CsrNum.Sip, 7), csrr(12, CsrNum.Mip),
    ], (h) => {
      h.setX(5, IrqBit.SSIP | IrqBit.SEIP); // STIP not delegated
      h.setX(6, IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP);
      h.setX(7, IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP);
    });
    expect(m.x(10)).toBe(BigInt(IrqBit.SSIP | IrqBit.SEIP));
    expect(m.x(11)).toBe(BigInt(IrqBit.STIP | IrqBit.SEIP)); // SEIP is read-only in sip; STIP not delegated
    expect(m.x(12)).toBe(BigInt(IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP));
  });

  it('misa: MXL = 2 and exactly the extensions I, M, A, F, D, C, S, U', () => {
    const m = runIn(PRIV_M, [csrr(5, CsrNum.Misa)]);
    expect(m.x(5) >> 62n).toBe(2n);
    const letters = [...'ACDFIMSU'].reduce((bits, c) => bits | (1n << BigInt(c.charCodeAt(0) - 65)), 0n);
    expect(m.x(5) & ((1n << 26n) - 1n)).toBe(letters);
  });
});

describe('counter enables (no SBI firmware in the hart)', () => {
  const counters = [
    ['cycle', CsrNum.Cycle, 0],
    ['time', CsrNum.Time, 1],
    ['instret', CsrNum.Instret, 2],
  ] as const;
  const cases = [
    // [privilege, mcounteren bit, scounteren bit, allowed]
    [PRIV_U, 0, 0, false], [PRIV_U, 1, 0, false], [PRIV_U, 0, 1, false], [PRIV_U, 1, 1, true],
    [PRIV_S, 0, 0, false], [PRIV_S, 0, 1, false], [PRIV_S, 1, 0, true],
    [PRIV_M, 0, 0, true],
  ] as const;
  const table = counters.flatMap(([name, csr, bit]) => cases.map(([priv, mc, sc, ok]) =>
    [`${name} from ${'US_M'[priv]}-mode, mcounteren=${mc} scounteren=${sc}: ${ok ? 'read' : 'illegal'}`, csr, bit, priv, mc, sc, ok] as const));

  it.each(table)('%s', (_name, csr, bit, priv, mc, sc, ok) => {
    const inst = csrr(5, csr);
    const m = runIn(priv, [inst], (h) => {
      h.mtime = 12_345;
      h.csrWriteM(CsrNum.Mcounteren, mc << bit);
      h.csrWriteM(CsrNum.Scounteren, sc << bit);
      h.setX(5, SENTINEL);
    });
    if (!ok) { expectIllegal(m, inst); return; }
    expect(m.hart.pc).toBe(CODE + 4);
    if (csr === CsrNum.Time) expect(m.x(5)).toBe(12_345n);
    else expect(m.x(5)).not.toBe(SENTINEL);
  });
});

describe('mip read-modify-write', () => {
  it('csrw mip takes only the software-writable bits SSIP, STIP, SEIP', () => {
    const m = runIn(PRIV_M, [csrw(CsrNum.Mip, 5), csrr(6, CsrNum.Mip)], (h) => h.setX(5, -1n));
    expect(m.x(6)).toBe(BigInt(IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP));
  });

  it('a read shows interrupt-controller bits ORed in; csrs does not latch them into mip', () => {
    const m = new BareHart();
    m.raiseIrq(IrqBit.SEIP | IrqBit.MEIP | IrqBit.MSIP); // from the PLIC and CLINT
    m.setX(6, IrqBit.SSIP);
    m.load([csrrs(5, CsrNum.Mip, 6), csrr(7, CsrNum.Mip)]);
    m.step(2);
    expect(m.x(5)).toBe(BigInt(IrqBit.SEIP | IrqBit.MEIP | IrqBit.MSIP));
    expect(m.x(7)).toBe(BigInt(IrqBit.SSIP | IrqBit.SEIP | IrqBit.MEIP | IrqBit.MSIP));
    m.lowerIrq(IrqBit.SEIP | IrqBit.MEIP | IrqBit.MSIP);
    expect(m.csrReadM(CsrNum.Mip)).toBe(BigInt(IrqBit.SSIP)); // SEIP came from the controller only
  });

  it('csrc mip clears the software SEIP bit but not the controller\'s', () => {
    const m = new BareHart();
    m.csrWriteM(CsrNum.Mip, IrqBit.SEIP);
    m.raiseIrq(IrqBit.SEIP);
    m.setX(6, IrqBit.SEIP);
    m.load([csrrc(0, CsrNum.Mip, 6), csrr(7, CsrNum.Mip)]);
    m.step(2);
    expect(m.x(7)).toBe(BigInt(IrqBit.SEIP)); // still pending: the controller holds it
    m.lowerIrq(IrqBit.SEIP);
    expect(m.csrReadM(CsrNum.Mip)).toBe(0n);
  });

  it('a pending software interrupt set through mip traps once enabled', () => {
    const m = runIn(PRIV_M, [csrrsi(0, CsrNum.Mip, IrqBit.SSIP), csrw(CsrNum.Mie, 5), csrrsi(0, CsrNum.Mstatus, Mstatus.MIE)], (h) => h.setX(5, IrqBit.SSIP));
    m.step(1);
    expect(m.mTrap()).toEqual(mTrapAt(INTERRUPT | 1n, CODE + 12));
  });
});

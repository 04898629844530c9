/**
 * The CSRs compiled code reads and writes itself (translator.ts inlineCsrSlot: the scratch, epc,
 * cause and tval CSRs of S- and M-mode; emitSstatus: sstatus, but for writes that change SUM or MXR
 * or set SIE) against the interpreter, at each privilege: every form of access, the epc's clear bit
 * 0, rs1 = rd, and the illegal-instruction trap when the privilege is too low (there compiled code
 * must call the CSR file, which raises it). Random programs cover the
 * M-mode ones in lockstep (differential.test.ts); only here do S-mode and U-mode units run them.
 */
import { describe, expect, it } from 'vitest';
import { BareHart, CODE, CsrNum, IrqBit, Mstatus, PRIV_M, PRIV_S, PRIV_U, Slot } from '../cpu/helpers/bare-hart.ts';
import { csrrc, csrrci, csrrs, csrrsi, csrrw, csrrwi } from '../cpu/helpers/asm.ts';
import { Jit } from '../../src/jit/jit.ts';
import { runWithJit } from '../../src/jit/run-loop.ts';

const CSRS: [name: string, csr: number, slot: Slot][] = [
  ['sscratch', CsrNum.Sscratch, Slot.Sscratch], ['sepc', CsrNum.Sepc, Slot.Sepc], ['scause', CsrNum.Scause, Slot.Scause],
  ['stval', CsrNum.Stval, Slot.Stval], ['mscratch', CsrNum.Mscratch, Slot.Mscratch], ['mepc', CsrNum.Mepc, Slot.Mepc],
  ['mcause', CsrNum.Mcause, Slot.Mcause], ['mtval', CsrNum.Mtval, Slot.Mtval],
];

/** Each access with x5 = rd (x6 for the rs1 = rd case), x7 the source. */
const ACCESSES: [name: string, encode: (csr: number) => number][] = [
  ['csrrw', (c) => csrrw(5, c, 7)], ['csrrs', (c) => csrrs(5, c, 7)], ['csrrc', (c) => csrrc(5, c, 7)],
  ['csrrs x0 source (read only)', (c) => csrrs(5, c, 0)], ['csrrwi', (c) => csrrwi(5, c, 21)],
  ['csrrsi', (c) => csrrsi(5, c, 3)], ['csrrci', (c) => csrrci(5, c, 0x1f)], ['csrrw rs1 = rd', (c) => csrrw(7, c, 7)],
];

/** Runs the instruction at CODE once: compiled (alone, then one entry into compiled code) or interpreted. */
function runOnce(m: BareHart, compiled: boolean): void {
  const jit = new Jit(m.hart, { pleSpins: 0 });
  if (compiled) {
    expect(jit.compileNow(CODE)).toBe(true);
    runWithJit(m.hart, jit, 1);
  } else {
    m.hart.run(1);
  }
}

describe('CSR accesses compiled code does itself', () => {
  for (const [privName, priv] of [['M', PRIV_M], ['S', PRIV_S], ['U', PRIV_U]] as const) {
    for (const [accessName, encode] of ACCESSES) {
      it.each(CSRS)(`${accessName} of %s in ${privName}-mode agrees with the interpreter`, (_name, csr, slot) => {
        const run = (compiled: boolean): string => {
          const m = new BareHart();
          const h = m.hart;
          m.load([encode(csr)]);
          h.csr[2 * slot] = 0x12345677; h.csr[2 * slot + 1] = -0x7edcba99; // an odd value, so epc's bit 0 shows
          m.setX(5, 0x55n);
          m.setX(7, 0xf0f0_f0f0_0000_0ff1n);
          if (priv !== PRIV_M) m.enter(priv);
          runOnce(m, compiled);
          return JSON.stringify({ x5: m.x(5).toString(16), x7: m.x(7).toString(16), slot: m.slot(slot).toString(16), pc: h.pc, priv: h.priv,
            mcause: m.slot(Slot.Mcause).toString(16), mtval: m.slot(Slot.Mtval).toString(16) });
        };
        expect(run(true)).toBe(run(false));
      });
    }
  }
});

describe('sstatus in compiled code', () => {
  // Old mstatus values and sources that between them keep, set and clear SIE, SUM, MXR, FS (Dirty
  // makes SD), SPP and SPIE; with a supervisor software interrupt pending and enabled, so that a
  // write setting SIE must have it taken.
  const OLD = [0, Mstatus.SIE | Mstatus.SUM, Mstatus.FS | Mstatus.SPP | Mstatus.SPIE, Mstatus.MXR | Mstatus.FS, -1 >>> 1];
  const SOURCES = [0n, BigInt(Mstatus.SIE), BigInt(Mstatus.SUM), BigInt(Mstatus.FS), 0xffff_ffff_ffff_ffffn, BigInt(Mstatus.SPP | Mstatus.MXR)];
  const ACCESS: [name: string, encode: number][] = [
    ['csrrw', csrrw(5, CsrNum.Sstatus, 7)], ['csrrs', csrrs(5, CsrNum.Sstatus, 7)], ['csrrc', csrrc(5, CsrNum.Sstatus, 7)],
    ['csrr', csrrs(5, CsrNum.Sstatus, 0)], ['csrrsi SIE', csrrsi(5, CsrNum.Sstatus, 2)], ['csrrci SIE', csrrci(5, CsrNum.Sstatus, 2)],
  ];
  for (const [privName, priv] of [['M', PRIV_M], ['S', PRIV_S], ['U', PRIV_U]] as const) {
    it.each(ACCESS)(`%s in ${privName}-mode agrees with the interpreter`, (_name, encode) => {
      for (const old of OLD) {
        for (const source of SOURCES) {
          const run = (compiled: boolean): string => {
            const m = new BareHart();
            const h = m.hart;
            m.load([encode]);
            m.csrWriteM(CsrNum.Mideleg, IrqBit.SSIP);
            m.csrWriteM(CsrNum.Mie, IrqBit.SSIP);
            m.csrWriteM(CsrNum.Mip, IrqBit.SSIP);
            if (priv !== PRIV_M) m.enter(priv);
            h.csr[2 * Slot.Mstatus] = (h.csr[2 * Slot.Mstatus] & ~0x000c_ffff) | (old & 0x000c_6122 & ~Mstatus.MPP);
            h.updateContext();
            m.setX(5, 0x55n);
            m.setX(7, source);
            // Then one interpreted step: an interrupt the write unmasks is taken at once in compiled
            // code (the CSR file takes it), and by the interpreter when it next looks for events,
            // at its next run; either way the hart is then in the handler.
            runOnce(m, compiled);
            h.run(1);
            return JSON.stringify({ x5: m.x(5).toString(16), mstatus: m.slot(Slot.Mstatus).toString(16), dataTag: h.dataTag, pc: h.pc,
              priv: h.priv, scause: m.slot(Slot.Scause).toString(16), mcause: m.slot(Slot.Mcause).toString(16) });
          };
          expect(run(true), `old ${old.toString(16)} source ${source.toString(16)}`).toBe(run(false));
        }
      }
    });
  }
});

describe('time reads in compiled code', () => {
  // Compiled code reads `time` from the clock where the counter enables allow it, and otherwise
  // goes through the CSR file: the illegal-instruction trap, or the builtin SBI's open counters.
  const ACCESS: [name: string, encode: number][] = [
    ['rdtime (csrrs x0)', csrrs(5, CsrNum.Time, 0)], ['csrrc x0', csrrc(5, CsrNum.Time, 0)], ['csrrsi 0', csrrsi(5, CsrNum.Time, 0)],
    ['csrrci 0', csrrci(5, CsrNum.Time, 0)], ['rdtime into x0', csrrs(0, CsrNum.Time, 0)],
    ['csrrs x7 (a write: illegal)', csrrs(5, CsrNum.Time, 7)], ['csrrw (illegal)', csrrw(5, CsrNum.Time, 7)],
  ];
  for (const [privName, priv] of [['M', PRIV_M], ['S', PRIV_S], ['U', PRIV_U]] as const) {
    it.each(ACCESS)(`%s in ${privName}-mode agrees with the interpreter, for every counter enable`, (_name, encode) => {
      for (const sbi of [false, true]) {
        for (const enables of [0, 1, 2, 3]) { // bit 0: mcounteren.TM, bit 1: scounteren.TM
          const run = (compiled: boolean): string => {
            const m = new BareHart();
            const h = m.hart;
            m.load([encode]);
            m.mtime = 0x1_2345_6789;
            // The builtin SBI serves counter reads whatever the enables; only its presence matters here.
            if (sbi) h.sbi = {} as typeof h.sbi;
            h.csr[2 * Slot.Mcounteren] = (enables & 1) !== 0 ? 7 : 5;
            h.csr[2 * Slot.Scounteren] = (enables & 2) !== 0 ? 7 : 5;
            m.setX(5, 0x55n);
            m.setX(7, 2n);
            if (priv !== PRIV_M) m.enter(priv);
            runOnce(m, compiled);
            return JSON.stringify({ x5: m.x(5).toString(16), pc: h.pc, priv: h.priv, mcause: m.slot(Slot.Mcause).toString(16), mtval: m.slot(Slot.Mtval).toString(16) });
          };
          expect(run(true), `sbi ${sbi} enables ${enables}`).toBe(run(false));
        }
      }
    });
  }
});

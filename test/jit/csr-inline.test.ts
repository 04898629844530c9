/**
 * The CSRs compiled code reads and writes itself (translator.ts inlineCsrSlot: the scratch, epc,
 * cause and tval CSRs of S- and M-mode) against the interpreter, at each privilege: every form of
 * access, the epc's clear bit 0, rs1 = rd, and the illegal-instruction trap when the privilege is
 * too low (there compiled code must call the CSR file, which raises it). Random programs cover the
 * M-mode ones in lockstep (differential.test.ts); only here do S-mode and U-mode units run them.
 */
import { describe, expect, it } from 'vitest';
import { BareHart, CODE, CsrNum, PRIV_M, PRIV_S, PRIV_U, Slot } from '../cpu/helpers/bare-hart.ts';
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
          const jit = new Jit(h, { pleSpins: 0 });
          if (compiled) {
            expect(jit.compileNow(CODE)).toBe(true);
            runWithJit(h, jit, 1);
          } else {
            h.run(1);
          }
          return JSON.stringify({ x5: m.x(5).toString(16), x7: m.x(7).toString(16), slot: m.slot(slot).toString(16), pc: h.pc, priv: h.priv,
            mcause: m.slot(Slot.Mcause).toString(16), mtval: m.slot(Slot.Mtval).toString(16) });
        };
        expect(run(true)).toBe(run(false));
      });
    }
  }
});

/**
 * The A extension's use of the data TLBs (src/cpu/atomics.ts): an LR, SC or AMO that misses fills
 * the entry, so that the next one, interpreted or compiled, needs no page walk; and the entry is
 * never made for a page that holds translated code, so an AMO that writes there is still seen and
 * the code is retranslated.
 */
import { describe, expect, it } from 'vitest';
import { BareHart, CODE, RAM_BASE } from './helpers/bare-hart.ts';
import { amo, addi } from './helpers/asm.ts';
import { Jit } from '../../src/jit/jit.ts';
import { runWithJit } from '../../src/jit/run-loop.ts';
import { Access } from '../../src/cpu/trap-causes.ts';
import { TLB_MASK } from '../../src/memory/layout.ts';

const AMOADD = 0x00, LR = 0x02, SC = 0x03;
const DATA = RAM_BASE + 0x10000;

/** Whether the hart's TLB for `access` maps the page of `va`, in its current data context. */
function inTlb(m: BareHart, access: Access, va: number): boolean {
  const tlb = m.hart.mmu.tlbs[access], t = (va >>> 12) & TLB_MASK;
  return tlb.tags[2 * t] === (va & -4096) && tlb.tags[2 * t + 1] === (0 ^ m.hart.dataTag);
}

describe('atomics and the data TLBs', () => {
  it.each([
    ['amoadd.w', AMOADD, Access.Store], ['amoadd.d', AMOADD, Access.Store], ['lr.w', LR, Access.Load], ['sc.d', SC, Access.Store],
  ] as const)('%s that misses fills its TLB entry', (name, f5, access) => {
    const m = new BareHart();
    m.load([amo(f5, name.endsWith('.d') ? 3 : 2, 5, 6, f5 === LR ? 0 : 7)]);
    m.setX(6, DATA);
    m.setX(7, 3n);
    m.write64(DATA, 40n);
    expect(inTlb(m, access, DATA)).toBe(false);
    m.step();
    expect(inTlb(m, access, DATA)).toBe(true);
  });

  it('gives the same results through the TLB as through a page walk', () => {
    const m = new BareHart();
    m.load([amo(AMOADD, 3, 5, 6, 7), amo(AMOADD, 3, 8, 6, 7), amo(LR, 3, 9, 6, 0), amo(SC, 3, 10, 6, 7)]);
    m.setX(6, DATA);
    m.setX(7, 5n);
    m.write64(DATA, 40n);
    m.step(4); // the first misses, the others hit
    expect([m.x(5), m.x(8), m.x(9), m.x(10)]).toEqual([40n, 45n, 50n, 0n]);
    expect(m.read64(DATA)).toBe(5n);
  });

  it('never maps a page holding translated code for stores: an AMO there makes the code be retranslated', () => {
    const m = new BareHart();
    const h = m.hart;
    // x5 += 1, then an AMO that adds 1 << 20 to that very instruction's word: addi x5, x5, 1 becomes addi x5, x5, 2.
    m.load([addi(5, 5, 1), amo(AMOADD, 2, 0, 6, 7), 0x0000006f /* j . */]);
    m.setX(6, CODE);
    m.setX(7, 1n << 20n);
    const jit = new Jit(h, { pleSpins: 0 });
    expect(jit.compileNow(CODE)).toBe(true);
    const generation = h.codePages.generation(CODE);
    runWithJit(h, jit, 2); // compiled addi, then the AMO
    expect(m.x(5)).toBe(1n);
    expect(h.codePages.generation(CODE)).not.toBe(generation);
    expect(inTlb(m, Access.Store, CODE)).toBe(false);
    h.pc = CODE;
    runWithJit(h, jit, 1);
    expect(m.x(5)).toBe(3n); // the new instruction ran, not the stale translation
  });
});

/**
 * @fileoverview Sv39 and Sv48 address translation on a bare hart, against the privileged spec's
 * page-table walk: page tables are built in guest RAM, satp is written from M-mode, and loads,
 * stores and fetches run in S and U mode. Covers 4 KiB pages, megapages and gigapages, hardware
 * A/D updates, the R/W/X/U permission checks with SUM and MXR, reserved and misaligned leaf PTEs,
 * non-canonical addresses, accesses that cross into a faulting page, MPRV, and SFENCE.VMA making a
 * changed PTE visible. Faults are taken in M-mode, where mtval holds the faulting virtual address,
 * unless a test delegates them to S-mode.
 */
import { describe, expect, it } from 'vitest';
import { BareHart, CODE, Cause, CsrNum, Mstatus, PRIV_S, PRIV_U, RAM_BASE, mTrapAt, sTrapAt } from './helpers/bare-hart.ts';
import { add, addi, bne, csrw, ld, lui, lw, nop, sd, sfenceVma, sw } from './helpers/asm.ts';
import { Access } from '../../src/cpu/trap-causes.ts';
import { FlushScope, TLB_MASK } from '../../src/memory/layout.ts';
import { HartsControl } from '../../src/memory/harts-control.ts';

const enum Pte { V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128 }
const RW = Pte.R | Pte.W | Pte.A | Pte.D;
const PAGE = 4096;

const SV39 = 8n, SV48 = 9n;
/** Where page tables are allocated (a page at a time) in guest RAM. */
const TABLES = RAM_BASE + 0x10_0000;
/** 2 MiB-aligned physical memory the data mappings point into. */
const DATA_PA = RAM_BASE + 0x20_0000;
/** Virtual addresses of the data mappings: 4 KiB pages at DATA_VA, a megapage at MEGA_VA, a gigapage at GIGA_VA. */
const DATA_VA = 0x4000_0000;
const MEGA_VA = 0x4020_0000;
const GIGA_VA = 0x1_0000_0000;

/** Page tables in guest RAM for one address space. */
class PageTables {
  readonly root: number;
  private next: number;

  /** `at`: where this address space's tables go (64 KiB are kept for them). */
  constructor(private readonly m: BareHart, readonly mode: bigint, at = TABLES) {
    this.root = at;
    this.next = at + PAGE;
  }

  private get levels(): number {
    return this.mode === SV39 ? 3 : 4;
  }

  /** Physical address of the PTE for `va` at `level` (0 = 4 KiB leaf), creating tables above it. */
  pteAddress(va: bigint | number, level = 0): number {
    const v = BigInt.asUintN(64, BigInt(va));
    let table = this.root;
    for (let l = this.levels - 1; ; l--) {
      const at = table + 8 * Number((v >> BigInt(12 + 9 * l)) & 511n);
      if (l === level) return at;
      const pte = this.m.read64(at);
      if ((pte & BigInt(Pte.V)) === 0n) {
        const fresh = this.next;
        this.next += PAGE;
        this.m.write64(at, (BigInt(fresh / PAGE) << 10n) | BigInt(Pte.V));
        table = fresh;
      } else {
        table = Number(pte >> 10n) * PAGE;
      }
    }
  }

  /** Maps the page (of 4 KiB, or a superpage at level 1 or 2) holding `va` to `pa`, with `flags` (V added). */
  map(va: bigint | number, pa: number, flags: number, level = 0): void {
    this.m.write64(this.pteAddress(va, level), (BigInt(Math.floor(pa / PAGE)) << 10n) | BigInt(flags | Pte.V));
  }

  pte(va: bigint | number, level = 0): bigint {
    return this.m.read64(this.pteAddress(va, level));
  }

  /** Overwrites the PTE for `va` at `level` with a raw value. */
  set(va: bigint | number, pte: bigint, level = 0): void {
    this.m.write64(this.pteAddress(va, level), pte);
  }

  /** Writes satp from M-mode: this mode, the ASID, the root table. */
  install(asid = 0n): void {
    this.m.csrWriteM(CsrNum.Satp, (this.mode << 60n) | (asid << 44n) | BigInt(this.root / PAGE));
  }
}

interface Setup {
  mode?: bigint;
  /** Flags of the code mapping (an identity gigapage over RAM): U for U-mode code. */
  codeFlags?: number;
  status?: number;
}

/**
 * A hart with paging on: the code at CODE runs from an identity-mapped gigapage (R X A, plus
 * `codeFlags`), `map` adds the test's mappings. Returns the hart, still in M-mode, and its tables.
 */
function paged(map: (pt: PageTables) => void, { mode = SV39, codeFlags = 0 }: Setup = {}): { m: BareHart; pt: PageTables } {
  const m = new BareHart();
  const pt = new PageTables(m, mode);
  pt.map(RAM_BASE, RAM_BASE, Pte.R | Pte.X | Pte.A | codeFlags, 2);
  map(pt);
  pt.install();
  return { m, pt };
}

/** Runs `program` in `priv` from CODE (through the identity gigapage) for its length in steps. */
function run(m: BareHart, priv: number, program: number[], status = 0): void {
  m.load(program);
  m.enter(priv, { status });
  m.step(program.length);
}

describe('translation', () => {
  it('a 4 KiB page: loads and stores reach the mapped physical page', () => {
    const { m } = paged((pt) => pt.map(DATA_VA + PAGE, DATA_PA + 3 * PAGE, RW));
    m.write64(DATA_PA + 3 * PAGE + 0x18, 0x0123_4567_89ab_cdefn);
    m.setX(5, DATA_VA + PAGE);
    m.setX(7, 0xfeed_face_cafe_beefn);
    run(m, PRIV_S, [ld(6, 5, 0x18), sd(7, 5, 0x20), lw(8, 5, 0x1c)]);
    expect(m.x(6)).toBe(0x0123_4567_89ab_cdefn);
    expect(m.read64(DATA_PA + 3 * PAGE + 0x20)).toBe(0xfeed_face_cafe_beefn);
    expect(m.x(8)).toBe(0x0123_4567n);
    expect(m.hart.pc).toBe(CODE + 12);
  });

  it('a megapage maps 2 MiB: the low 21 bits of the address pass through', () => {
    const { m } = paged((pt) => pt.map(MEGA_VA, DATA_PA, RW, 1));
    m.write64(DATA_PA + 0x1_2340, 0x1111_2222_3333_4444n);
    m.setX(5, MEGA_VA + 0x1_2340);
    run(m, PRIV_S, [ld(6, 5, 0)]);
    expect(m.x(6)).toBe(0x1111_2222_3333_4444n);
  });

  it('a gigapage maps 1 GiB: the low 30 bits of the address pass through', () => {
    const { m } = paged((pt) => pt.map(GIGA_VA, RAM_BASE, RW, 2));
    m.write64(DATA_PA + 0x4560, 0x5555_6666_7777_8888n);
    m.setX(5, GIGA_VA + (DATA_PA - RAM_BASE) + 0x4560);
    run(m, PRIV_S, [ld(6, 5, 0)]);
    expect(m.x(6)).toBe(0x5555_6666_7777_8888n);
  });

  it('Sv39: a canonical address in the upper half (bits 63..39 all ones) translates', () => {
    const high = 0xffff_ffc0_0000_0000n + 0x3000n; // VPN[2] = 256
    const { m } = paged((pt) => pt.map(high, DATA_PA, RW));
    m.write64(DATA_PA + 8, 0xabcdn);
    m.setX(5, high);
    run(m, PRIV_S, [ld(6, 5, 8)]);
    expect(m.x(6)).toBe(0xabcdn);
  });

  it('Sv48: four levels, and addresses beyond Sv39\'s reach', () => {
    const far = 0x7f80_1234_5000n; // bit 46 set: valid in Sv48 only
    const { m } = paged((pt) => { pt.map(far, DATA_PA + PAGE, RW); pt.map(GIGA_VA, RAM_BASE, RW, 2); }, { mode: SV48 });
    m.write64(DATA_PA + PAGE + 0x10, 0x4848_4848n);
    m.write64(DATA_PA + 0x20, 0x3939n);
    m.setX(5, far);
    m.setX(6, GIGA_VA + (DATA_PA - RAM_BASE));
    run(m, PRIV_S, [ld(7, 5, 0x10), ld(8, 6, 0x20)]);
    expect([m.x(7), m.x(8)]).toEqual([0x4848_4848n, 0x3939n]);
  });

  it('U-mode runs from a U page and reaches U data pages', () => {
    const { m } = paged((pt) => pt.map(DATA_VA, DATA_PA, RW | Pte.U), { codeFlags: Pte.U });
    m.write64(DATA_PA, 77n);
    m.setX(5, DATA_VA);
    run(m, PRIV_U, [ld(6, 5, 0)]);
    expect(m.x(6)).toBe(77n);
  });
});

describe('accessed and dirty bits', () => {
  const A = BigInt(Pte.A), D = BigInt(Pte.D);

  it('a load sets A but not D; a store then sets D', () => {
    const { m, pt } = paged((p) => p.map(DATA_VA, DATA_PA, Pte.R | Pte.W));
    m.setX(5, DATA_VA);
    m.load([ld(6, 5, 0), sd(6, 5, 8)]);
    m.enter(PRIV_S);
    m.step();
    expect(pt.pte(DATA_VA) & (A | D)).toBe(A);
    m.step();
    expect(pt.pte(DATA_VA) & (A | D)).toBe(A | D);
  });

  it('a store to a clean page sets both A and D', () => {
    const { m, pt } = paged((p) => p.map(DATA_VA, DATA_PA, Pte.R | Pte.W));
    m.setX(5, DATA_VA);
    run(m, PRIV_S, [sw(0, 5, 0)]);
    expect(pt.pte(DATA_VA) & (A | D)).toBe(A | D);
  });

  it('an instruction fetch sets A on the code page', () => {
    const codeVa = 0x5000_0000;
    const { m, pt } = paged((p) => p.map(codeVa, CODE, Pte.R | Pte.X));
    m.load([nop()]);
    m.enter(PRIV_S, { pc: codeVa });
    m.step();
    expect(m.hart.pc).toBe(codeVa + 4);
    expect(pt.pte(codeVa) & (A | D)).toBe(A);
  });

  it('a faulting access sets neither bit', () => {
    const { m, pt } = paged((p) => p.map(DATA_VA, DATA_PA, Pte.R));
    m.setX(5, DATA_VA);
    run(m, PRIV_S, [sd(0, 5, 0)]);
    expect(m.mTrap().cause).toBe(BigInt(Cause.StorePageFault));
    expect(pt.pte(DATA_VA) & (A | D)).toBe(0n);
  });
});

describe('permission faults', () => {
  /** Runs one access at DATA_VA + 0x28 in `priv` and expects the given page fault, with mtval = that address. */
  function expectFault(program: number, priv: number, cause: Cause, map: (pt: PageTables) => void, setup: Setup = {}): BareHart {
    const { m } = paged(map, setup);
    m.setX(5, DATA_VA);
    m.setX(6, SENTINEL);
    run(m, priv, [program], setup.status);
    expect(m.mTrap()).toEqual(mTrapAt(cause, CODE, DATA_VA + 0x28));
    expect(m.x(6)).toBe(SENTINEL);
    return m;
  }
  const SENTINEL = 0x5a5an;
  const LOAD = ld(6, 5, 0x28), STORE = sd(6, 5, 0x28);

  it('a load from a page without R (execute-only) is a load page fault', () => {
    expectFault(LOAD, PRIV_S, Cause.LoadPageFault, (pt) => pt.map(DATA_VA, DATA_PA, Pte.X | Pte.A));
  });

  it('a store to a read-only page is a store page fault', () => {
    const m = expectFault(STORE, PRIV_S, Cause.StorePageFault, (pt) => pt.map(DATA_VA, DATA_PA, Pte.R | Pte.A | Pte.D));
    expect(m.read64(DATA_PA + 0x28)).toBe(0n);
  });

  it('a fetch from a page without X is an instruction page fault at that address', () => {
    const { m } = paged((pt) => pt.map(DATA_VA, CODE, RW));
    m.enter(PRIV_S, { pc: DATA_VA + 0x40 });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.InstructionPageFault, DATA_VA + 0x40, DATA_VA + 0x40));
  });

  it('an invalid PTE (V = 0) faults, whatever its other bits say', () => {
    expectFault(LOAD, PRIV_S, Cause.LoadPageFault, (pt) => {
      pt.map(DATA_VA, DATA_PA, RW);
      pt.set(DATA_VA, pt.pte(DATA_VA) & ~BigInt(Pte.V));
    });
  });

  it('U-mode may not touch a page without U', () => {
    expectFault(LOAD, PRIV_U, Cause.LoadPageFault, (pt) => pt.map(DATA_VA, DATA_PA, RW), { codeFlags: Pte.U });
  });

  it('U-mode may not fetch from a page without U', () => {
    const { m } = paged(() => undefined, { codeFlags: 0 });
    m.enter(PRIV_U);
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.InstructionPageFault, CODE, CODE));
  });

  describe('sstatus.SUM', () => {
    const userPage = (pt: PageTables): void => pt.map(DATA_VA, DATA_PA, RW | Pte.X | Pte.U);

    it('S-mode loads and stores to a U page fault without SUM', () => {
      expectFault(LOAD, PRIV_S, Cause.LoadPageFault, userPage);
      expectFault(STORE, PRIV_S, Cause.StorePageFault, userPage);
    });

    it('S-mode loads and stores to a U page succeed with SUM', () => {
      const { m } = paged(userPage);
      m.write64(DATA_PA + 0x28, 99n);
      m.setX(5, DATA_VA);
      m.setX(7, 55n);
      run(m, PRIV_S, [ld(6, 5, 0x28), sd(7, 5, 0x30)], Mstatus.SUM);
      expect(m.x(6)).toBe(99n);
      expect(m.read64(DATA_PA + 0x30)).toBe(55n);
    });

    it('S-mode never executes from a U page, even with SUM', () => {
      const { m } = paged((pt) => pt.map(DATA_VA, CODE, RW | Pte.X | Pte.U));
      m.enter(PRIV_S, { pc: DATA_VA, status: Mstatus.SUM });
      m.step();
      expect(m.mTrap()).toEqual(mTrapAt(Cause.InstructionPageFault, DATA_VA, DATA_VA));
    });
  });

  describe('sstatus.MXR', () => {
    const execOnly = (pt: PageTables): void => pt.map(DATA_VA, DATA_PA, Pte.X | Pte.A);

    it('without MXR, a load from an execute-only page faults', () => {
      expectFault(LOAD, PRIV_S, Cause.LoadPageFault, execOnly);
    });

    it('with MXR, a load from an execute-only page reads it; a store still faults', () => {
      const { m } = paged(execOnly);
      m.write64(DATA_PA + 0x28, 0x4d58_52n);
      m.setX(5, DATA_VA);
      run(m, PRIV_S, [ld(6, 5, 0x28), sd(6, 5, 0x28)], Mstatus.MXR);
      expect(m.x(6)).toBe(0x4d58_52n);
      expect(m.mTrap()).toEqual(mTrapAt(Cause.StorePageFault, CODE + 4, DATA_VA + 0x28));
    });
  });
});

describe('malformed page tables and addresses', () => {
  it.each([
    ['load', 'a 4 KiB leaf', ld(6, 5, 0), Cause.LoadPageFault, 0],
    ['store', 'a 4 KiB leaf', sd(6, 5, 0), Cause.StorePageFault, 0],
    ['load', 'a level-1 PTE', ld(6, 5, 0), Cause.LoadPageFault, 1],
    ['store', 'a level-1 PTE', sd(6, 5, 0), Cause.StorePageFault, 1],
  ])('a W-without-R PTE (reserved) faults on a %s, as %s', (_name, _where, inst, cause, level) => {
    const va = (level === 0 ? DATA_VA : MEGA_VA) + 3 * PAGE;
    const { m } = paged((pt) => pt.map(va, DATA_PA, Pte.W | Pte.A | Pte.D, level));
    // Were it read as a pointer (no R, no X), the level-1 PTE would lead to a table whose entry 3 is a valid leaf.
    m.write64(DATA_PA + 8 * 3, (BigInt((DATA_PA + 16 * PAGE) / PAGE) << 10n) | BigInt(RW | Pte.V));
    m.setX(5, va);
    run(m, PRIV_S, [inst]);
    expect(m.mTrap()).toEqual(mTrapAt(cause, CODE, va));
  });

  it.each([
    ['a reserved bit (54)', 54n],
    ['PBMT (bit 61) without Svpbmt', 61n],
    ['N (bit 63) without Svnapot', 63n],
  ])('a leaf with %s set faults', (_name, bitNo) => {
    const { m } = paged((pt) => { pt.map(DATA_VA, DATA_PA, RW); pt.set(DATA_VA, pt.pte(DATA_VA) | (1n << bitNo)); });
    m.setX(5, DATA_VA);
    run(m, PRIV_S, [ld(6, 5, 0)]);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.LoadPageFault, CODE, DATA_VA));
  });

  it('a misaligned megapage (PPN[0] != 0) faults', () => {
    const { m } = paged((pt) => pt.map(MEGA_VA, DATA_PA + PAGE, RW, 1));
    m.setX(5, MEGA_VA + 0x10);
    run(m, PRIV_S, [ld(6, 5, 0)]);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.LoadPageFault, CODE, MEGA_VA + 0x10));
  });

  it('a misaligned gigapage (PPN[1] != 0) faults', () => {
    const { m } = paged((pt) => pt.map(GIGA_VA, DATA_PA, RW, 2));
    m.setX(5, GIGA_VA);
    run(m, PRIV_S, [ld(6, 5, 0)]);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.LoadPageFault, CODE, GIGA_VA));
  });

  it('a non-leaf PTE at the last level faults', () => {
    const { m } = paged((pt) => pt.map(DATA_VA, DATA_PA, 0)); // V alone: a pointer to a next level there is not
    m.setX(5, DATA_VA);
    run(m, PRIV_S, [ld(6, 5, 0)]);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.LoadPageFault, CODE, DATA_VA));
  });

  it.each([
    ['Sv39, bit 38 set but not bits 63..39', SV39, 0x40_0000_0000n, ld(6, 5, 0), Cause.LoadPageFault],
    ['Sv39, bits 63..39 set but not bit 38', SV39, 0xffff_ff80_0000_1000n, sd(6, 5, 0), Cause.StorePageFault],
    ['Sv48, bit 47 set but not bits 63..48', SV48, 0x8000_0000_0000n, ld(6, 5, 0), Cause.LoadPageFault],
  ])('a non-canonical address faults (%s)', (_name, mode, va, inst, cause) => {
    // Map the address's low bits anyway, so only canonicality can make the access fail.
    const { m } = paged((pt) => pt.map(va & ((1n << (mode === SV39 ? 39n : 48n)) - 1n), DATA_PA, RW), { mode });
    m.setX(5, va);
    run(m, PRIV_S, [inst]);
    expect(m.mTrap()).toEqual(mTrapAt(cause, CODE, va));
  });

  it('a fetch from a non-canonical address is an instruction page fault', () => {
    const va = 0x40_0000_0000n;
    const { m } = paged(() => undefined);
    m.enter(PRIV_S, { pc: Number(va) });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.InstructionPageFault, va, va));
  });
});

describe('accesses that cross into a faulting page', () => {
  /** Page 0 at DATA_VA is mapped, the page after it is not. */
  const firstPageOnly = (pt: PageTables): void => pt.map(DATA_VA, DATA_PA, RW | Pte.X);

  it('a fetch of a 4-byte instruction straddling the boundary: mepc = its start, mtval = the faulting half', () => {
    const start = DATA_VA + PAGE - 2;
    const { m } = paged(firstPageOnly);
    m.place(DATA_PA + PAGE - 4, [0x0013_0001]); // c.nop, then the first half of `addi x0, x0, 0`
    m.enter(PRIV_S, { pc: start });
    m.step();
    expect(m.mTrap()).toEqual(mTrapAt(Cause.InstructionPageFault, start, DATA_VA + PAGE));
  });

  // Privileged spec, mtval/stval: "If mtval is written with a nonzero value when a misaligned load or
  // store causes an access-fault or page-fault exception, then mtval will contain the virtual address
  // of the portion of the access that caused the fault."
  it.each([
    ['load', ld(6, 5, 0), Cause.LoadPageFault],
    ['store', sd(6, 5, 0), Cause.StorePageFault],
  ])('a misaligned %s: mtval lies in the faulting portion, on the unmapped page', (_name, inst, cause) => {
    const start = DATA_VA + PAGE - 4;
    const { m } = paged(firstPageOnly);
    m.setX(5, start);
    m.setX(6, -1n);
    run(m, PRIV_S, [inst]);
    const t = m.mTrap();
    expect([t.cause, t.epc]).toEqual([BigInt(cause), BigInt(CODE)]);
    expect(t.tval).toBeGreaterThanOrEqual(BigInt(DATA_VA + PAGE));
    expect(t.tval).toBeLessThan(BigInt(start + 8));
  });
});

describe('mstatus.MPRV and delegation', () => {
  it('with MPRV, M-mode loads are translated and checked with MPP\'s privilege', () => {
    const { m } = paged((pt) => pt.map(DATA_VA, DATA_PA, RW));
    m.write64(DATA_PA + 8, 0x5151n);
    m.setX(5, DATA_VA);
    m.load([ld(6, 5, 8), ld(7, 5, 16)]);
    m.csrWriteM(CsrNum.Mstatus, Mstatus.MPRV | (PRIV_S << Mstatus.MPP_SHIFT));
    m.step(); // the fetch is M-mode's own, untranslated; the load is S-mode's
    expect(m.x(6)).toBe(0x5151n);
    m.csrWriteM(CsrNum.Mstatus, Mstatus.MPRV | (PRIV_U << Mstatus.MPP_SHIFT));
    m.step(); // as U: DATA_VA has no U bit
    expect(m.mTrap()).toEqual(mTrapAt(Cause.LoadPageFault, CODE + 4, DATA_VA + 16));
  });

  it('a page fault delegated with medeleg goes to S-mode with stval = the address', () => {
    const { m } = paged((pt) => pt.map(DATA_VA, DATA_PA, Pte.R | Pte.A));
    m.csrWriteM(CsrNum.Medeleg, 1 << Cause.StorePageFault);
    m.setX(5, DATA_VA);
    run(m, PRIV_S, [sw(0, 5, 0x44)]);
    expect(m.sTrap()).toEqual(sTrapAt(Cause.StorePageFault, CODE, DATA_VA + 0x44));
  });
});

describe('SFENCE.VMA', () => {
  it.each([
    ['all addresses (rs1 = x0)', 0],
    ['the changed address (rs1 = its register)', 5],
  ])('after a PTE changes, sfence.vma for %s makes the new mapping visible', (_name, rs1) => {
    const OLD = DATA_PA, NEW = DATA_PA + 5 * PAGE;
    const { m, pt } = paged((p) => p.map(DATA_VA, OLD, RW));
    m.write64(OLD, 0x01d0n);
    m.write64(NEW, 0x2e3n);
    m.setX(5, DATA_VA);
    m.load([ld(6, 5, 0), sfenceVma(rs1, 0), ld(7, 5, 0)]);
    m.enter(PRIV_S);
    m.step();
    expect(m.x(6)).toBe(0x01d0n);
    pt.map(DATA_VA, NEW, RW); // as the supervisor would, through a mapping of its page tables
    m.step(2);
    expect(m.x(7)).toBe(0x2e3n);
  });

  it('after a PTE loses W, sfence.vma makes stores fault', () => {
    const { m, pt } = paged((p) => p.map(DATA_VA, DATA_PA, RW));
    m.setX(5, DATA_VA);
    m.setX(6, 1);
    m.load([sd(6, 5, 0), sfenceVma(0, 0), sd(6, 5, 8)]);
    m.enter(PRIV_S);
    m.step();
    pt.map(DATA_VA, DATA_PA, Pte.R | Pte.A | Pte.D);
    m.step(2);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.StorePageFault, CODE + 8, DATA_VA + 8));
    expect(m.read64(DATA_PA + 8)).toBe(0n);
  });

  it('sfence.vma in U-mode is illegal', () => {
    const { m } = paged(() => undefined, { codeFlags: Pte.U });
    run(m, PRIV_U, [sfenceVma(0, 0)]);
    expect(m.mTrap()).toEqual(mTrapAt(Cause.IllegalInstruction, CODE, sfenceVma(0, 0)));
  });
});

describe('satp writes and global mappings', () => {
  /** A kernel-like address in the upper half, mapped the same in both address spaces. */
  const KERNEL_VA = 0xffff_ffc0_0000_0000n + 0x5000n;
  const USER_A = DATA_PA, USER_B = DATA_PA + 7 * PAGE, KERNEL_PA = DATA_PA + 9 * PAGE;

  /** Whether the hart's load TLB holds an entry for `va` (any context). */
  const cached = (m: BareHart, va: bigint | number): boolean => {
    const lo = Number(BigInt.asIntN(32, BigInt.asUintN(64, BigInt(va)) & 0xffff_ffffn)), t = (lo >>> 12) & TLB_MASK;
    return m.hart.mmu.tlbs[Access.Load].tags[2 * t] === (lo & -4096);
  };

  /**
   * Two address spaces: DATA_VA to USER_A in the first (installed, ASID 1) and USER_B in the second,
   * KERNEL_VA in both with `kernelFlags` on its leaf and `rootFlags` on its root PTE. S-mode code
   * loads both addresses into x6 and x7, writes satp from x9 (the second space, ASID 2, or
   * `nextSatp`), and loads them again into x10 and x11.
   */
  function twoSpaces(kernelFlags: number, rootFlags = 0, nextSatp?: bigint): BareHart {
    const m = new BareHart();
    const a = new PageTables(m, SV39), b = new PageTables(m, SV39, TABLES + 0x1_0000);
    for (const pt of [a, b]) {
      pt.map(RAM_BASE, RAM_BASE, Pte.R | Pte.X | Pte.A, 2);
      pt.map(KERNEL_VA, KERNEL_PA, RW | kernelFlags);
      if (rootFlags !== 0) pt.set(KERNEL_VA, pt.pte(KERNEL_VA, 2) | BigInt(rootFlags), 2);
    }
    a.map(DATA_VA, USER_A, RW);
    b.map(DATA_VA, USER_B, RW);
    m.write64(USER_A, 0xaan);
    m.write64(USER_B, 0xbbn);
    m.write64(KERNEL_PA, 0x4e1n);
    a.install(1n);
    m.setX(5, DATA_VA);
    m.setX(8, KERNEL_VA);
    m.setX(9, nextSatp ?? (SV39 << 60n) | (2n << 44n) | BigInt(b.root / PAGE));
    m.load([ld(6, 5, 0), ld(7, 8, 0), csrw(CsrNum.Satp, 9), ld(10, 5, 0), ld(11, 8, 0)]);
    m.enter(PRIV_S);
    return m;
  }

  it('another address space (a new ASID, no SFENCE.VMA): a non-global page resolves through its own tables', () => {
    const m = twoSpaces(Pte.G);
    m.step(5);
    expect([m.x(6), m.x(7), m.x(10), m.x(11)]).toEqual([0xaan, 0x4e1n, 0xbbn, 0x4e1n]);
  });

  it('keeps the TLB entries of global mappings across a satp write, and drops the others', () => {
    const m = twoSpaces(Pte.G);
    m.step(2);
    expect([cached(m, DATA_VA), cached(m, KERNEL_VA)]).toEqual([true, true]);
    m.step();
    expect([cached(m, DATA_VA), cached(m, KERNEL_VA)]).toEqual([false, true]);
  });

  it('drops every non-global entry at a satp write, also more of them than the TLB keeps a list of', () => {
    for (const pages of [40, 300]) { // the TLBs list 256 (mmu.ts NON_GLOBAL_LIST), then sweep
      const m = new BareHart();
      const pt = new PageTables(m, SV39);
      pt.map(RAM_BASE, RAM_BASE, Pte.R | Pte.X | Pte.A, 2);
      pt.map(KERNEL_VA, KERNEL_PA, RW | Pte.G);
      // From the ninth page on: KERNEL_VA's TLB slot (its page number's low bits, 5) stays out of the way.
      const first = DATA_VA + 8 * PAGE;
      for (let k = 0; k < pages; k++) pt.map(first + k * PAGE, USER_A, RW);
      pt.install(1n);
      m.setX(5, first);
      m.setX(7, pages);
      m.setX(8, KERNEL_VA);
      m.setX(9, (SV39 << 60n) | (2n << 44n) | BigInt(pt.root / PAGE)); // ASID 2, the same tables
      // x10 = 4096; then a load from each page; then the kernel page, and satp.
      m.load([lui(10, 1), ld(6, 5, 0), add(5, 5, 10), addi(7, 7, -1), bne(7, 0, -12), ld(6, 8, 0), csrw(CsrNum.Satp, 9)]);
      m.enter(PRIV_S);
      m.step(2 + 4 * pages);
      const userCached = (): number => Array.from({ length: pages }, (_, k) => cached(m, first + k * PAGE)).filter(Boolean).length;
      expect(userCached()).toBe(pages);
      m.step();
      expect([userCached(), cached(m, KERNEL_VA)]).toEqual([0, true]);
    }
  });

  it('a G bit in a non-leaf PTE makes the mappings below it global', () => {
    const m = twoSpaces(0, Pte.G);
    m.step(3);
    expect(cached(m, KERNEL_VA)).toBe(true);
  });

  /**
   * One address space (ASID 1): KERNEL_VA global, DATA_VA not. S-mode code loads DATA_VA (x5) into
   * x6 and KERNEL_VA (x8) into x7, then runs `next`.
   */
  function oneSpace(next: number[]): BareHart {
    const m = new BareHart();
    const pt = new PageTables(m, SV39);
    pt.map(RAM_BASE, RAM_BASE, Pte.R | Pte.X | Pte.A, 2);
    pt.map(KERNEL_VA, KERNEL_PA, RW | Pte.G);
    pt.map(DATA_VA, USER_A, RW);
    pt.install(1n);
    m.setX(5, DATA_VA);
    m.setX(8, KERNEL_VA);
    m.load([ld(6, 5, 0), ld(7, 8, 0), ...next]);
    m.enter(PRIV_S);
    return m;
  }

  it('sfence.vma for one ASID (rs2 not x0) keeps global entries; sfence.vma x0, x0 drops them too', () => {
    for (const [rs2, kept] of [[9, true], [0, false]] as const) {
      const m = oneSpace([sfenceVma(0, rs2), ld(10, 5, 0)]);
      m.setX(9, 1); // the ASID
      m.step(3);
      expect([cached(m, DATA_VA), cached(m, KERNEL_VA)]).toEqual([false, kept]);
    }
  });

  it('sfence.vma for one ASID still makes a changed non-global mapping visible', () => {
    const m = new BareHart();
    const pt = new PageTables(m, SV39);
    pt.map(RAM_BASE, RAM_BASE, Pte.R | Pte.X | Pte.A, 2);
    pt.map(DATA_VA, USER_A, RW);
    pt.install(1n);
    m.write64(USER_A, 0xaan);
    m.write64(USER_B, 0xbbn);
    m.setX(5, DATA_VA);
    m.setX(9, 1);
    m.load([ld(6, 5, 0), sfenceVma(0, 9), ld(7, 5, 0)]);
    m.enter(PRIV_S);
    m.step();
    pt.map(DATA_VA, USER_B, RW);
    m.step(2);
    expect([m.x(6), m.x(7)]).toEqual([0xaan, 0xbbn]);
  });

  it('a remote fence for one ASID (SBI remote_sfence_vma_asid) keeps global entries; one for every address space does not', () => {
    const m = oneSpace([nop(), nop()]);
    m.step(2);
    const control = new HartsControl(m.hart.mem, 1);
    control.requestFlush(0, FlushScope.NonGlobal);
    m.step(); // the request is honoured before the next instruction
    expect([cached(m, DATA_VA), cached(m, KERNEL_VA)]).toEqual([false, true]);
    control.requestFlush(0, FlushScope.NonGlobal);
    control.requestFlush(0, FlushScope.All); // both asked: the wider wins
    m.step();
    expect(cached(m, KERNEL_VA)).toBe(false);
  });

  it('drops every entry, global ones too, when there is no G bit or the translation mode changes', () => {
    const plain = twoSpaces(0);
    plain.step(3);
    expect(cached(plain, KERNEL_VA)).toBe(false);
    const bare = twoSpaces(Pte.G, 0, 0n);
    bare.step(3);
    expect(cached(bare, KERNEL_VA)).toBe(false);
  });
});

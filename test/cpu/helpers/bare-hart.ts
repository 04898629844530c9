/**
 * @fileoverview A bare hart for the CPU unit tests: one RV64 hart over a few MiB of guest RAM, with
 * a fake platform (no devices, a settable mtime), so that tests place instruction words in guest
 * RAM, put the hart in a privilege mode and step it one instruction at a time.
 *
 * This is the only file of the CPU tests that imports from src/: everything the tests need from
 * the emulator is re-exported here, so that when files in src/ move only these imports change.
 *
 * Guest physical layout the fixture sets up (RAM starts at RAM_BASE):
 *   RAM_BASE + 0x000   M_TRAP    mtvec: `j .`
 *   RAM_BASE + 0x100   S_TRAP    stvec: `j .`
 *   RAM_BASE + 0x400   VECTORS   room for a vectored trap table (32 entries)
 *   RAM_BASE + 0x800   FIRMWARE  scratch word for csrWriteM/csrReadM
 *   RAM_BASE + 0xc00   TRAMPOLINE  csrw mstatus; csrw mepc; mret (how enter() leaves M-mode)
 *   RAM_BASE + 0x1000  CODE      where load() puts a test's program (followed by `j .`)
 */

import { Hart } from '../../../src/cpu/hart.ts';
import { resetHart } from '../../../src/cpu/reset.ts';
import { CsrNum, Mstatus, Slot } from '../../../src/cpu/csr-numbers.ts';
import { Control, Global, RAM_OFFSET, createSharedMemory } from '../../../src/memory/layout.ts';
import { RAM_BASE } from '../../../src/memory/machine-map.ts';
import { csrrs, csrrw, jSelf, mret } from './asm.ts';

export { Exit } from '../../../src/cpu/exit.ts';
export { Hart, type HartPlatform } from '../../../src/cpu/hart.ts';
export { CsrNum, Mstatus, Slot } from '../../../src/cpu/csr-numbers.ts';
export { Cause, Irq } from '../../../src/cpu/trap-causes.ts';
export { IrqBit } from '../../../src/memory/irq-bits.ts';
export { RAM_BASE } from '../../../src/memory/machine-map.ts';
export { Ext } from '../../../src/memory/extensions.ts';
export { TRIGGERS } from '../../../src/cpu/triggers.ts';

export const PRIV_U = 0;
export const PRIV_S = 1;
export const PRIV_M = 3;

export const RAM_BYTES = 4 << 20;
export const M_TRAP = RAM_BASE;
export const S_TRAP = RAM_BASE + 0x100;
export const VECTORS = RAM_BASE + 0x400;
const FIRMWARE = RAM_BASE + 0x800;
const TRAMPOLINE = RAM_BASE + 0xc00;
export const CODE = RAM_BASE + 0x1000;

/** Bit 63 of xcause: the trap was an interrupt. */
export const INTERRUPT = 1n << 63n;
/** Scratch registers the fixture's own instructions use (t5, t6); tests should leave them alone. */
const SCRATCH_A = 30, SCRATCH_B = 31;

const MASK64 = (1n << 64n) - 1n;

/** One shared memory for every fixture in a test file, cleared for each new fixture. */
let shared: WebAssembly.Memory | undefined;

/** A trap's record as the handler would see it (M-level or S-level CSRs), with the hart's pc and privilege. */
export interface TrapState {
  pc: number;
  priv: number;
  cause: bigint;
  epc: bigint;
  tval: bigint;
}

export class BareHart {
  readonly hart: Hart;
  readonly memory: WebAssembly.Memory;
  /** What the platform's mtime() returns (ticks of the 10 MHz timebase). */
  mtime = 0;
  private readonly words: Int32Array;
  private readonly view: DataView;

  /**
   * A fresh hart 0 in M-mode at CODE, with mtvec = M_TRAP and stvec = S_TRAP (each holding `j .`),
   * no timer armed (mtimecmp = 2^64 - 1) and nothing delegated. Any earlier fixture is invalidated.
   */
  constructor() {
    shared ??= createSharedMemory(RAM_BYTES);
    this.memory = shared;
    const buffer = shared.buffer as unknown as SharedArrayBuffer;
    new Uint8Array(buffer).fill(0);
    this.words = new Int32Array(buffer);
    this.view = new DataView(buffer);
    this.words[Global.Harts] = 1;
    this.hart = new Hart(shared, 0, RAM_BYTES, {
      tohost: -1,
      mtime: () => this.mtime,
      tohostWritten: () => undefined,
      mmioRead: () => false,
      mmioWrite: () => false,
    });
    resetHart(this.hart, CODE, PRIV_M, 0);
    this.setMtimecmp(MASK64);
    this.place(M_TRAP, [jSelf()]);
    this.place(S_TRAP, [jSelf()]);
    this.csrWriteM(CsrNum.Mtvec, M_TRAP);
    this.csrWriteM(CsrNum.Stvec, S_TRAP);
  }

  // ---- guest memory ---------------------------------------------------------------------------------

  private host(pa: number, size: number): number {
    if (pa < RAM_BASE || pa + size > RAM_BASE + RAM_BYTES) throw new RangeError(`0x${pa.toString(16)} is not in RAM`);
    return RAM_OFFSET + (pa - RAM_BASE);
  }

  /** Writes instruction words (little-endian, 4 bytes each) at a guest physical address. */
  place(pa: number, words: readonly number[]): void {
    words.forEach((w, i) => this.view.setUint32(this.host(pa + 4 * i, 4), w >>> 0, true));
  }

  /** Places a test program at CODE, followed by `j .` so that the hart parks after it. */
  load(program: readonly number[], at = CODE): void {
    this.place(at, [...program, jSelf()]);
  }

  read64(pa: number): bigint {
    return this.view.getBigUint64(this.host(pa, 8), true);
  }

  write64(pa: number, value: bigint): void {
    this.view.setBigUint64(this.host(pa, 8), BigInt.asUintN(64, value), true);
  }

  // ---- registers and CSR slots --------------------------------------------------------------------

  /** x register n as an unsigned 64-bit value. */
  x(n: number): bigint {
    return (BigInt(this.hart.r[2 * n + 1] >>> 0) << 32n) | BigInt(this.hart.r[2 * n] >>> 0);
  }

  setX(n: number, value: bigint | number): void {
    if (n === 0) throw new RangeError('x0 is hardwired to zero');
    const v = BigInt.asUintN(64, BigInt(value));
    this.hart.r[2 * n] = Number(BigInt.asIntN(32, v));
    this.hart.r[2 * n + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** The stored value of a CSR slot (no side effects, no access check), as an unsigned 64-bit value. */
  slot(s: Slot): bigint {
    return (BigInt(this.hart.csr[2 * s + 1] >>> 0) << 32n) | BigInt(this.hart.csr[2 * s] >>> 0);
  }

  // ---- running ----------------------------------------------------------------------------------

  /**
   * Runs n steps. A step takes a pending, enabled interrupt if there is one, then executes one
   * instruction or takes one exception (hart.run(1) does exactly that).
   */
  step(n = 1): void {
    for (let i = 0; i < n; i++) this.hart.run(1);
  }

  /**
   * What M-mode firmware does with `csrw csr, value`: runs one CSRRW at FIRMWARE in M-mode, then
   * puts the pc back. Goes through the CSR write path, WARL rules included. The hart must be in M-mode.
   */
  csrWriteM(csr: CsrNum, value: bigint | number): void {
    this.firmwareStep(csrrw(0, csr, SCRATCH_B), value);
  }

  /** `csrr` in M-mode, the same way as csrWriteM. */
  csrReadM(csr: CsrNum): bigint {
    return this.firmwareStep(csrrs(SCRATCH_B, csr, 0), 0);
  }

  /** Runs one instruction at FIRMWARE with SCRATCH_B = value; returns what it left in SCRATCH_B. */
  private firmwareStep(inst: number, value: bigint | number): bigint {
    if (this.hart.priv !== PRIV_M) throw new Error('firmware steps need the hart in M-mode');
    const pc = this.hart.pc;
    this.place(FIRMWARE, [inst]);
    this.setX(SCRATCH_B, value);
    this.hart.pc = FIRMWARE;
    this.hart.run(1);
    if (this.hart.pc !== FIRMWARE + 4) throw new Error(`firmware CSR access 0x${inst.toString(16)} trapped`);
    const result = this.x(SCRATCH_B);
    this.setX(SCRATCH_B, 0);
    this.hart.pc = pc;
    return result;
  }

  /**
   * Leaves M-mode for `priv` at `pc` as firmware does: csrw mstatus (MPP = priv, plus `status`
   * bits, e.g. SUM or SIE); csrw mepc; mret. mret sets MIE from MPIE, so pass Mstatus.MPIE to
   * arrive with MIE set. Afterwards the hart is at `pc` in `priv`, with nothing executed there yet.
   */
  enter(priv: number, { pc = CODE, status = 0 }: { pc?: number; status?: number } = {}): void {
    if (this.hart.priv !== PRIV_M) throw new Error('enter() starts from M-mode');
    this.place(TRAMPOLINE, [csrrw(0, CsrNum.Mstatus, SCRATCH_A), csrrw(0, CsrNum.Mepc, SCRATCH_B), mret()]);
    this.setX(SCRATCH_A, ((status & ~Mstatus.MPP) | (priv << Mstatus.MPP_SHIFT)) >>> 0);
    this.setX(SCRATCH_B, pc);
    this.hart.pc = TRAMPOLINE;
    this.step(3);
    this.setX(SCRATCH_A, 0);
    this.setX(SCRATCH_B, 0);
    if (this.hart.priv !== priv || this.hart.pc !== pc) throw new Error(`mret did not reach privilege ${priv} at 0x${pc.toString(16)}`);
  }

  // ---- interrupts and the timer -------------------------------------------------------------------

  /** Raises mip bits from outside the hart, as the CLINT and PLIC do (the PendingIrq control word). */
  raiseIrq(bits: number): void {
    Atomics.or(this.words, this.hart.ctl + Control.PendingIrq, bits);
  }

  lowerIrq(bits: number): void {
    Atomics.and(this.words, this.hart.ctl + Control.PendingIrq, ~bits);
  }

  /** The CLINT's mtimecmp for this hart: MTIP is pending while mtime >= mtimecmp. */
  setMtimecmp(value: bigint): void {
    const v = BigInt.asUintN(64, value);
    Atomics.store(this.words, this.hart.ctl + Control.MtimecmpLo, Number(BigInt.asIntN(32, v)));
    Atomics.store(this.words, this.hart.ctl + Control.MtimecmpHi, Number(BigInt.asIntN(32, v >> 32n)));
  }

  // ---- trap records -------------------------------------------------------------------------------

  /** mcause, mepc, mtval with the hart's pc and privilege. */
  mTrap(): TrapState {
    return { pc: this.hart.pc, priv: this.hart.priv, cause: this.slot(Slot.Mcause), epc: this.slot(Slot.Mepc), tval: this.slot(Slot.Mtval) };
  }

  /** scause, sepc, stval with the hart's pc and privilege. */
  sTrap(): TrapState {
    return { pc: this.hart.pc, priv: this.hart.priv, cause: this.slot(Slot.Scause), epc: this.slot(Slot.Sepc), tval: this.slot(Slot.Stval) };
  }

  /** The low word of mstatus (every field this hart keeps lives there but UXL/SXL/SD). */
  get mstatus(): number {
    return this.hart.csr[2 * Slot.Mstatus];
  }
}

/** The trap record expected after a trap into M-mode (pc = mtvec base, privilege M). */
export function mTrapAt(cause: bigint | number, epc: bigint | number, tval: bigint | number = 0n, pc = M_TRAP): TrapState {
  return { pc, priv: PRIV_M, cause: BigInt(cause), epc: BigInt(epc), tval: BigInt(tval) };
}

/** The trap record expected after a trap into S-mode (pc = stvec base, privilege S). */
export function sTrapAt(cause: bigint | number, epc: bigint | number, tval: bigint | number = 0n, pc = S_TRAP): TrapState {
  return { pc, priv: PRIV_S, cause: BigInt(cause), epc: BigInt(epc), tval: BigInt(tval) };
}

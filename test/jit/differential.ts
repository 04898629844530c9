/**
 * @fileoverview Differential mode: one guest program run on both tiers in lockstep, the JIT on one
 * machine and the interpreter (the reference) on another, comparing architectural state (pc, the x
 * and f registers, fcsr, instret, the privilege and the CSR file) at every block boundary and guest
 * RAM at the end. The first difference is reported with the block it appeared after, so a
 * translation bug points at its instruction.
 *
 * Each side is a single hart that starts in M-mode (a program may go on in S- or U-mode under
 * paging: random-system-program.ts) on its own memory, with one device: the test finisher
 * at 0x10_0000 (a store there ends the run). Every block start is translated at once, so the JIT
 * side runs compiled code wherever it can.
 *
 * With `interruptEvery`, a machine software interrupt is raised on the JIT side before every n-th
 * entry into compiled code, as another hart would raise it (the pending bit, then the wake word): the
 * dispatcher notices it after the entry's first block and takes it in its events helper, inside
 * compiled code. The reference takes the same interrupt after as many instructions.
 *
 * runToEnd() is the coarser check of the production path: the JIT side runs the hart's own run loop
 * (hotness counting, batches, a BlockCompiler that may hand modules back late) and only the final
 * state and RAM are compared.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Exit } from '../../src/cpu/exit.ts';
import { Hart, type HartPlatform } from '../../src/cpu/hart.ts';
import { resetHart } from '../../src/cpu/reset.ts';
import { raise } from '../../src/cpu/traps.ts';
import { runWithJit } from '../../src/jit/run-loop.ts';
import { Global, RAM_OFFSET, createSharedMemory } from '../../src/memory/layout.ts';
import { HartsControl } from '../../src/memory/harts-control.ts';
import { IrqBit } from '../../src/memory/irq-bits.ts';
import { csrRead, csrWrite } from '../../src/cpu/csrs.ts';
import { CsrNum, Mstatus } from '../../src/cpu/csr-numbers.ts';
import { out } from '../../src/cpu/int64.ts';
import { parseElf } from '../../src/loader/elf.ts';
import { Jit, type BlockCompiler, type JitStats } from '../../src/jit/jit.ts';
import { FINISHER_BASE, RAM_BASE } from '../../src/memory/machine-map.ts';

const TWO32 = 4294967296;

export interface LockstepResult {
  /** Empty when both tiers agreed throughout. */
  mismatch: string;
  /** Instructions retired (on both sides, when they agree). */
  instret: number;
  /** How many of them ran as compiled code. */
  translated: number;
  /** Whether the program reached the finisher. */
  finished: boolean;
  /** Where the JIT side's blocks start. */
  blockStarts: number[];
  stats: JitStats;
  /** Interrupts (interruptEvery) compiled code took in its events helper. */
  interruptsTaken: number;
}

/**
 * How many instructions each entry into compiled code may retire in runLockstep's unit mode: mostly
 * more than a block, so that compiled code goes from block to block (inside a unit's function, or
 * through the dispatcher) before the tiers are compared.
 */
const UNIT_MODE_BUDGETS = [1, 2, 3, 5, 8, 13, 40, 200, 1000];

class Side {
  readonly hart: Hart;
  readonly ram: Uint8Array;
  finished = false;

  constructor(elf: Uint8Array, ramBytes: number) {
    const memory = createSharedMemory(ramBytes);
    const buffer = memory.buffer as unknown as SharedArrayBuffer;
    const words = new Int32Array(buffer);
    words[Global.Harts] = 1;
    this.ram = new Uint8Array(buffer, RAM_OFFSET, ramBytes);
    const image = parseElf(elf, 'lockstep program');
    for (const s of image.segments) this.ram.set(s.fileBytes, Number(s.paddr) - RAM_BASE);
    const platform: HartPlatform = {
      tohost: -1,
      mtime: () => 0,
      tohostWritten: () => undefined,
      mmioRead: () => false,
      mmioWrite: (pa) => {
        if (pa !== FINISHER_BASE) return false;
        this.finished = true;
        Atomics.store(words, Global.Stop, 1); // as the machine's finisher does: the run loop leaves
        return true;
      },
    };
    this.hart = new Hart(memory, 0, ramBytes, platform);
    resetHart(this.hart, Number(image.entry), 3, 0);
  }
}

/** A machine software interrupt raised on the hart as another hart would (the pending bit, then its wake word). */
function raiseSoftwareInterrupt(h: Hart): void {
  new HartsControl(h.mem, 1).raise(h.id, IrqBit.MSIP);
}

function lowerSoftwareInterrupt(h: Hart): void {
  new HartsControl(h.mem, 1).lower(h.id, IrqBit.MSIP);
}

/** A CSR's value as the hart holds it (64 bits, signed). */
function readCsr(h: Hart, n: CsrNum): bigint {
  csrRead(h, n);
  return BigInt.asIntN(64, (BigInt(out[1] >>> 0) << 32n) | BigInt(out[0] >>> 0));
}

function describeState(h: Hart): string {
  const regs: string[] = [];
  for (let r = 1; r < 32; r++) regs.push(`x${r}=${(BigInt(h.r[2 * r + 1] >>> 0) << 32n | BigInt(h.r[2 * r] >>> 0)).toString(16)}`);
  return `pc=${h.pc.toString(16)} instret=${h.instret} ${regs.join(' ')}`;
}

function compare(jit: Hart, ref: Hart): string {
  if (jit.pc !== ref.pc) return 'pc';
  if (jit.instret !== ref.instret) return 'instret';
  for (let i = 2; i < 64; i++) if (jit.r[i] !== ref.r[i]) return `x${i >> 1}`;
  for (let i = 0; i < 64; i++) if (jit.f[i] !== ref.f[i]) return `f${i >> 1}`;
  if (jit.fpu.readCsr(0x003) !== ref.fpu.readCsr(0x003)) return 'fcsr';
  if (jit.priv !== ref.priv) return 'privilege';
  // The CSR file: status, trap and address-translation state, which system code changes.
  for (let i = 0; i < jit.csr.length; i++) if (jit.csr[i] !== ref.csr[i]) return `CSR slot ${i >> 1} (csr-numbers.ts Slot)`;
  return '';
}

/**
 * Runs the program (an ELF for RAM at 0x8000_0000) on both tiers; stops at the finisher or after
 * maxInstructions. By default every block is compiled alone when first met and each entry into
 * compiled code runs one block. In unit mode, every block a first (default) run met is compiled in
 * one batch up front, so that the blocks of a page share a function (jit.ts translationUnits), and
 * entries run up to UNIT_MODE_BUDGETS instructions: the tiers are compared where compiled code
 * leaves, having gone between blocks inside units.
 */
export function runLockstep(elf: Uint8Array, maxInstructions: number, { units = false, ramBytes = 1 << 20, interruptEvery = 0 } = {}): LockstepResult {
  const a = new Side(elf, ramBytes), b = new Side(elf, ramBytes);
  const jitHart = a.hart, ref = b.hart;
  if (interruptEvery > 0) {
    for (const h of [jitHart, ref]) {
      csrWrite(h, CsrNum.Mie, IrqBit.MSIP, 0);
      csrWrite(h, CsrNum.Mstatus, h.mstatusLo() | Mstatus.MIE, 0);
    }
  }
  const jit = new Jit(jitHart, { pleSpins: 0 });
  if (units) jit.compileBatch(runLockstep(elf, maxInstructions, { ramBytes }).blockStarts);
  let entries = 0;
  let translated = 0;
  let interruptsTaken = 0;
  /** Compiled code handed the next instruction to the interpreter (Exit.Interpret). */
  let interpretNext = false;
  while (!a.finished && jitHart.instret < maxInstructions) {
    const pc = jitHart.pc;
    let trapped = false;
    let where: string;
    let interrupted = false;
    if (!interpretNext && jit.compileNow(pc)) {
      const budget = units ? UNIT_MODE_BUDGETS[entries % UNIT_MODE_BUDGETS.length] : 1;
      const raised = interruptEvery > 0 && entries % interruptEvery === interruptEvery - 1;
      entries++;
      if (raised) {
        for (const h of [jitHart, ref]) csrWrite(h, CsrNum.Mcause, 0, 0); // so that a taken one shows
        raiseSoftwareInterrupt(jitHart);
      }
      const retired = jit.enter(pc | 0, Math.floor(pc / TWO32) | 0, budget);
      jitHart.instret += retired;
      translated += retired;
      jitHart.pc = jit.pcHi * TWO32 + (jit.pcLo >>> 0);
      if (jit.exitKind === Exit.Trap) { jitHart.pc = raise(jitHart, jitHart.pc); trapped = true; }
      interpretNext = jit.exitKind === Exit.Interpret;
      if (raised) {
        // Taken in compiled code (it left mcause = machine software interrupt), or not at all: the
        // pending bit goes, so that neither side takes it later.
        const cause = readCsr(jitHart, CsrNum.Mcause);
        interrupted = cause < 0n && (cause & 0xffn) === 3n;
        if (interrupted) interruptsTaken++;
        lowerSoftwareInterrupt(jitHart);
      }
      where = `after the compiled block at ${pc.toString(16)}`;
    } else {
      const before = jitHart.instret;
      const exit = jitHart.run(1);
      trapped = jitHart.instret === before && exit === Exit.None;
      where = `after the interpreted instruction at ${pc.toString(16)}`;
      interpretNext = false;
    }
    // The reference retires as many instructions, then takes the same trap if there was one.
    while (ref.instret < jitHart.instret && !b.finished) {
      const before = ref.instret;
      ref.run(jitHart.instret - ref.instret);
      if (ref.instret === before) break; // it trapped where the JIT did not
    }
    if (interrupted) { // the reference takes it after as many instructions, where its next check would
      raiseSoftwareInterrupt(ref);
      ref.checkEvents();
      lowerSoftwareInterrupt(ref);
    }
    if (trapped) ref.run(1);
    // Compiled code takes ECALL's and EBREAK's traps itself (Fn.System) and goes on at the trap
    // vector: the reference, stopped at that instruction, takes the same trap in one step.
    else if (ref.pc !== jitHart.pc && ref.instret === jitHart.instret) ref.run(1);
    const diff = compare(jitHart, ref);
    if (diff !== '') {
      return {
        mismatch: `${diff} differs ${where}\n  jit:         ${describeState(jitHart)}\n  interpreter: ${describeState(ref)}`,
        instret: jitHart.instret, translated, finished: false, blockStarts: jit.blockStarts, stats: jit.stats, interruptsTaken,
      };
    }
  }
  for (let i = 0; i < ramBytes; i++) {
    if (a.ram[i] !== b.ram[i]) {
      return { mismatch: `RAM differs at 0x${(RAM_BASE + i).toString(16)}`, instret: jitHart.instret, translated, finished: a.finished, blockStarts: jit.blockStarts, stats: jit.stats, interruptsTaken };
    }
  }
  return { mismatch: '', instret: jitHart.instret, translated, finished: a.finished, blockStarts: jit.blockStarts, stats: jit.stats, interruptsTaken };
}

export interface EndResult {
  /** Empty when both tiers ended in the same state. */
  mismatch: string;
  instret: number;
  finished: boolean;
  jit: JitStats;
}

/** Runs the program to the finisher (or maxInstructions) on the JIT's run loop and on the interpreter; compares the end states. */
export function runToEnd(elf: Uint8Array, maxInstructions: number, compiler?: BlockCompiler, ramBytes = 1 << 20): EndResult {
  const a = new Side(elf, ramBytes), b = new Side(elf, ramBytes);
  const jitHart = a.hart, ref = b.hart;
  const jit = new Jit(jitHart, { pleSpins: 0, compiler });
  while (!a.finished && jitHart.instret < maxInstructions) runWithJit(jitHart, jit, 10_000);
  while (!b.finished && ref.instret < jitHart.instret) ref.run(Math.min(10_000, jitHart.instret - ref.instret));
  let mismatch = compare(jitHart, ref);
  if (mismatch !== '') mismatch += ` differs at the end\n  jit:         ${describeState(jitHart)}\n  interpreter: ${describeState(ref)}`;
  else if (a.finished !== b.finished) mismatch = 'only one side reached the finisher';
  for (let i = 0; mismatch === '' && i < ramBytes; i++) {
    if (a.ram[i] !== b.ram[i]) mismatch = `RAM differs at 0x${(RAM_BASE + i).toString(16)}`;
  }
  return { mismatch, instret: jitHart.instret, finished: a.finished, jit: jit.stats };
}

/** runToEnd on a guest program of test/guest, as built: `name` is its path under build/guest, without .elf. */
export function runBuiltGuestToEnd(name: string, maxInstructions: number): EndResult {
  const elf = path.join(import.meta.dirname, '..', '..', 'build', 'guest', `${name}.elf`);
  return runToEnd(new Uint8Array(readFileSync(elf)), maxInstructions);
}

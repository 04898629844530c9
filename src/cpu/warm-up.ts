/**
 * @fileoverview Warming up the interpreter before a guest runs. V8 optimizes Hart.run (one large
 * function) with the type feedback it has gathered so far, and drops the optimized code whenever
 * execution reaches a path it has no feedback for. A booting kernel keeps reaching new paths, so
 * it ran for long stretches in V8's unoptimized tiers, waiting for one more recompile of run() after
 * each such drop (some 18 per hart in a Linux boot).
 *
 * So each vCPU thread runs a set of small training programs (the ISA test programs packed into
 * warm-up.bin by scripts/build-warm-up.mjs) on a scratch hart with memory of its own: between them
 * they take every instruction class, compressed code, atomics, CSRs, traps, paging in S and U mode
 * and FENCE.I through the interpreter, with pause-loop counting on and, every other program, a
 * branch-target profile, so that run() is optimized for all of it early on. Measured over
 * seven 2-hart Linux boots each: median 3.75 s without, 2.99 s with, the warm-up's own cost (about
 * 0.1 s) included. The run loop (vcpu/run-loop.ts) trains once its guest has run for a few tens of
 * milliseconds, or at once on a hart that starts stopped, so that a short guest never waits for it:
 * Linux boots took the same time either way (medians of nine, 1.96 s at 2 harts).
 */

import { readFileSync } from 'node:fs';
import { Hart, type HartPlatform } from './hart.ts';
import { TARGET_PROFILE_ENTRIES, type TargetProfile } from './target-profile.ts';
import { resetHart } from './reset.ts';
import { Global, RAM_OFFSET, createSharedMemory } from '../memory/layout.ts';
import { CLINT_BASE, CLINT_SIZE, FINISHER_BASE, FinisherCode, RAM_BASE, UART_BASE, UART_SIZE } from '../memory/machine-map.ts';

/** Resolves from src/cpu/ and from the bundles in build/dist/ alike (both two levels below the root). */
const WARM_UP_FILE = new URL('../../src/cpu/warm-up.bin', import.meta.url);
/** Enough RAM for the programs' images, page tables and the megapages vm-sv39 maps. */
const SCRATCH_RAM_BYTES = 8 << 20;
/** Instructions a program may run before it is cut short (each needs far fewer to pass). */
const MAX_INSTRUCTIONS = 400_000;
/**
 * The devices the programs touch: the UART (its line status register reads "transmitter ready")
 * and the CLINT (reads 0, takes writes). Any other device address faults, as on the machine.
 */
const UART_LSR = UART_BASE + 5;
const LSR_IDLE = 0x60;

function isDevice(pa: number): boolean {
  return (pa >= UART_BASE && pa < UART_BASE + UART_SIZE) || (pa >= CLINT_BASE && pa < CLINT_BASE + CLINT_SIZE);
}

interface Program { name: string; entry: number; segments: { paddr: number; memsz: number; bytes: Uint8Array }[] }

function unpack(file: Uint8Array): Program[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (String.fromCharCode(...file.subarray(0, 4)) !== 'HVWU') throw new Error('warm-up.bin: not a packed warm-up file');
  let at = 4;
  const u32 = (): number => { const n = v.getUint32(at, true); at += 4; return n; };
  const programs: Program[] = [];
  for (let count = u32(); count > 0; count--) {
    const nameLength = u32();
    const name = String.fromCharCode(...file.subarray(at, at + nameLength));
    at += nameLength;
    const entry = u32();
    const segments = [];
    for (let n = u32(); n > 0; n--) {
      const paddr = u32(), memsz = u32(), filesz = u32();
      segments.push({ paddr, memsz, bytes: file.subarray(at, at + filesz) });
      at += filesz;
    }
    programs.push({ name, entry, segments });
  }
  return programs;
}

export interface WarmUpReport {
  /** Per program: whether it reached its finisher's pass, and the instructions it ran. */
  programs: { name: string; passed: boolean; instructions: number }[];
  ms: number;
}

/**
 * The training, one program at a time, so that a vCPU thread can train while it would otherwise
 * wait (for its hart, before the guest starts) and stop as soon as there is work.
 */
export class InterpreterWarmUp {
  private readonly programs = unpack(readFileSync(WARM_UP_FILE));
  private next = 0;
  private readonly memory = createSharedMemory(SCRATCH_RAM_BYTES);
  private readonly words = new Int32Array(this.memory.buffer as unknown as SharedArrayBuffer);
  private readonly ram = new Uint8Array(this.memory.buffer as unknown as SharedArrayBuffer, RAM_OFFSET, SCRATCH_RAM_BYTES);
  private passed = false;
  private readonly platform: HartPlatform = {
    tohost: -1,
    mtime: () => 0,
    tohostWritten: () => undefined,
    mmioRead: (pa, _size, result) => {
      result[0] = pa === UART_LSR ? LSR_IDLE : 0;
      result[1] = 0;
      return isDevice(pa);
    },
    mmioWrite: (pa, _size, lo) => {
      if (pa === FINISHER_BASE) {
        this.passed = (lo & 0xffff) === FinisherCode.Pass;
        Atomics.store(this.words, Global.Stop, 1);
        return true;
      }
      return isDevice(pa);
    },
  };
  // Counting that never reaches its threshold: with the JIT on, the guest's harts run the
  // interpreter with a branch-target profile most of the time, without it never.
  private readonly profile: TargetProfile = { counts: new Int32Array(TARGET_PROFILE_ENTRIES), threshold: 1 << 30 };
  readonly report: WarmUpReport = { programs: [], ms: 0 };

  constructor() {
    this.words[Global.Harts] = 1;
  }

  get done(): boolean {
    return this.next >= this.programs.length;
  }

  /** Runs the next training program; false when none was left. */
  step(): boolean {
    if (this.done) return false;
    const started = performance.now();
    const program = this.programs[this.next];
    for (const s of program.segments) {
      this.ram.fill(0, s.paddr - RAM_BASE, s.paddr - RAM_BASE + s.memsz);
      this.ram.set(s.bytes, s.paddr - RAM_BASE);
    }
    Atomics.store(this.words, Global.Stop, 0);
    this.passed = false;
    const hart = new Hart(this.memory, 0, SCRATCH_RAM_BYTES, this.platform);
    resetHart(hart, program.entry, 3, 0);
    // PAUSE and tight loops counted toward pause-loop exiting, as on the machine, but never exiting.
    hart.pleSpinLimit = 1 << 30;
    hart.profile = this.next % 2 === 0 ? this.profile : undefined;
    while (Atomics.load(this.words, Global.Stop) === 0 && hart.instret < MAX_INSTRUCTIONS) hart.run(4096);
    this.report.programs.push({ name: program.name, passed: this.passed, instructions: hart.instret });
    this.report.ms += performance.now() - started;
    this.next++;
    return true;
  }

  /** Runs the programs not run yet. */
  finish(): WarmUpReport {
    while (this.step());
    return this.report;
  }
}

/** Runs all the training programs through the interpreter on a scratch hart. */
export function warmUpInterpreter(): WarmUpReport {
  return new InterpreterWarmUp().finish();
}

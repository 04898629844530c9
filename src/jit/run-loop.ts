/**
 * @fileoverview Running a hart with the JIT: compiled code where there is some, the interpreter
 * elsewhere, a basic block at a time so that the JIT sees where blocks start. This is the JIT's own
 * loop around the two tiers; the interpreter (cpu/hart.ts) knows nothing of it.
 */

import { Exit } from '../cpu/exit.ts';
import type { Hart } from '../cpu/hart.ts';
import { raise, raiseUnreachableTarget } from '../cpu/traps.ts';
import { Control } from '../memory/layout.ts';
import type { Jit } from './jit.ts';

/** Most instructions compiled code runs between checks for interrupts and the stop word. */
const JIT_SLICE = 16384;
const TWO32 = 4294967296;

/** Runs up to about `budget` instructions of `hart` with `jit`; returns why it stopped, as Hart.run does. */
export function runWithJit(hart: Hart, jit: Jit, budget: number): Exit {
  // Events are checked after compiled code ran; the interpreter checks them itself, and a miss
  // that only installs a block runs nothing in between.
  let checkEvents = true;
  while (budget > 0) {
    if (checkEvents) {
      const event = hart.checkEvents();
      if (event !== -1) return event;
    }
    checkEvents = true;
    if (jit.compiling) jit.poll();
    if (hart.fenceIPending || Atomics.load(hart.mem, hart.ctl + Control.CodeWritten) !== 0) {
      hart.fenceIPending = false;
      Atomics.store(hart.mem, hart.ctl + Control.CodeWritten, 0);
      jit.invalidateStale();
    }
    // Compiled code does not check Sdtrig triggers: while one is armed the interpreter runs alone,
    // a slice at a time so that compiled code takes over again soon after the last is disarmed.
    if (hart.triggersArmed) {
      const before = hart.instret;
      const exit = hart.run(budget < JIT_SLICE ? budget : JIT_SLICE);
      budget -= Math.max(1, hart.instret - before);
      if (exit !== Exit.None) return exit;
      checkEvents = false;
      continue;
    }
    const slice = budget < JIT_SLICE ? budget : JIT_SLICE;
    const pc = hart.pc;
    const retired = jit.enter(pc | 0, Math.floor(pc / TWO32) | 0, slice);
    hart.instret += retired;
    budget -= retired;
    const lo = jit.pcLo, hi = jit.pcHi;
    const top = hi >> 21;
    if (top !== 0 && top !== -1) { // a JALR to where nothing can be fetched
      hart.pc = raiseUnreachableTarget(hart, lo, hi);
      budget--;
      continue;
    }
    hart.pc = hi * TWO32 + (lo >>> 0);
    const kind = jit.exitKind;
    if (kind === Exit.Trap) { hart.pc = raise(hart, hart.pc); budget--; continue; }
    if (kind === Exit.Yield) return Exit.Yield;
    if (kind === Exit.Interpret) {
      jit.stats.interpreterRuns++;
      const before = hart.instret;
      const exit = hart.run(1);
      budget -= Math.max(1, hart.instret - before);
      if (exit !== Exit.None) return exit;
      continue;
    }
    if (kind === Exit.EndBlock || retired >= slice) continue;
    checkEvents = retired !== 0;
    // A miss: no compiled block at pc yet. Interpret until a hot block start, or for a slice while
    // modules are being compiled elsewhere, so that they are picked up as soon as they are done.
    if (jit.miss(hart.pc, retired !== 0)) continue;
    jit.stats.interpreterRuns++;
    const before = hart.instret;
    hart.profile = jit.interpreterProfile;
    const exit = hart.run(jit.compiling && budget > JIT_SLICE ? JIT_SLICE : budget);
    hart.profile = undefined;
    budget -= Math.max(1, hart.instret - before);
    if (exit !== Exit.None) return exit;
    checkEvents = false;
  }
  return Exit.None;
}

/**
 * @fileoverview Interrupts as a hart sees them: mip (software bits, lines other threads raised in
 * the PendingIrq control word, the timers), which interrupt is taken now (privileged spec, "Machine
 * Interrupt Registers": enables by privilege and delegation, fixed priority), and when WFI wakes.
 */

import { Control } from '../memory/layout.ts';
import { IrqBit } from '../memory/irq-bits.ts';
import { TIMER_TICKS_PER_MS } from '../memory/machine-map.ts';
import { Mstatus, STCE_HI, Slot } from './csr-numbers.ts';
import { IRQ_PRIORITY } from './trap-causes.ts';
import type { HartState } from './hart-state.ts';

const TWO32 = 4294967296;

function mtimecmp(h: HartState): number {
  const hi = h.mem[h.ctl + Control.MtimecmpHi] >>> 0;
  return hi * TWO32 + (h.mem[h.ctl + Control.MtimecmpLo] >>> 0);
}

/**
 * The compare values whose timers raise an interrupt now, Infinity for one that does not count.
 * With Sstc on, STIP is stimecmp's alone and the SBI timer (mtimecmp -> STIP) stands aside; without
 * it, stimecmp raises nothing.
 */
function mtimecmpInUse(h: HartState): number {
  return h.timerToSupervisor && sstcEnabled(h) ? Infinity : mtimecmp(h);
}

function stimecmpInUse(h: HartState): number {
  return sstcEnabled(h) ? stimecmp(h) : Infinity;
}

/** mip as the guest sees it: software bits, bits raised by other threads, and the timers. */
export function readMip(h: HartState, withTimers: boolean): number {
  const csr = h.csr;
  let mip = csr[Slot.Mip * 2] | Atomics.load(h.mem, h.ctl + Control.PendingIrq);
  if (withTimers) {
    const now = h.platform.mtime();
    if (now >= mtimecmpInUse(h)) mip |= h.timerToSupervisor ? IrqBit.STIP : IrqBit.MTIP;
    if (sstcEnabled(h)) mip = (mip & ~IrqBit.STIP) | (now >= stimecmpInUse(h) ? IrqBit.STIP : 0);
    if ((mip & (IrqBit.MTIP | IrqBit.STIP)) !== 0) h.timersQuietFrom = NaN; // pendingInterrupt must see it too
  }
  return mip;
}

export function sstcEnabled(h: HartState): boolean {
  return (h.csr[Slot.Menvcfg * 2 + 1] & STCE_HI) !== 0;
}

function stimecmp(h: HartState): number {
  return (h.csr[Slot.Stimecmp * 2 + 1] >>> 0) * TWO32 + (h.csr[Slot.Stimecmp * 2] >>> 0);
}

/**
 * How long interrupt checks trust a look at the clock that found no timer due: fewer than
 * TIMER_LOOK_INSTRUCTIONS instructions and at most TIMER_LOOK_CHECKS checks (the interpreter brings
 * instret up to date only when it returns, checking every 1024 instructions meanwhile). A look is a
 * call into the engine (performance.now), and a Linux guest's hart checks hundreds of thousands of
 * times a second: once per move between compiled code and the interpreter, and after each CSR
 * access and xRET compiled code hands over. In bench:kernel the looks took 7% of the vCPU thread's
 * time. A timer is now taken at most a few thousand instructions late, within what compiled code
 * already allows itself (it checks between slices of 16384 instructions).
 */
const TIMER_LOOK_INSTRUCTIONS = 512;
const TIMER_LOOK_CHECKS = 4;

/**
 * Whether a timer may be due: false without looking at the clock while a recent look, with the same
 * compare values, found none due (HartState.timersQuiet*). A write to minstret that moves instret
 * back, and any look elsewhere that finds a timer due (readMip), make the next check look.
 */
function timersMayBeDue(h: HartState): boolean {
  const m = mtimecmpInUse(h), s = stimecmpInUse(h);
  const since = h.instret - h.timersQuietFrom;
  if (since >= 0 && since < TIMER_LOOK_INSTRUCTIONS && h.timersQuietChecks < TIMER_LOOK_CHECKS &&
    m === h.timersQuietMtimecmp && s === h.timersQuietStimecmp) {
    h.timersQuietChecks++;
    return false;
  }
  const now = h.platform.mtime();
  if (now >= m || now >= s) return true;
  h.timersQuietFrom = h.instret;
  h.timersQuietMtimecmp = m;
  h.timersQuietStimecmp = s;
  h.timersQuietChecks = 0;
  return false;
}

/**
 * The highest-priority interrupt that is pending and enabled at the current privilege, or -1. The
 * timers may count as not due on a recent look at the clock (timersMayBeDue): what a guest's CSR
 * write changes, enables and compare values, is read afresh every time.
 */
export function pendingInterrupt(h: HartState): number {
  const csr = h.csr;
  const mie = csr[Slot.Mie * 2];
  if (mie === 0) return -1;
  const pending = readMip(h, (mie & (IrqBit.MTIP | IrqBit.STIP)) !== 0 && timersMayBeDue(h)) & mie;
  if (pending === 0) return -1;
  const status = csr[Slot.Mstatus * 2];
  const mideleg = csr[Slot.Mideleg * 2];
  const mEnabled = h.priv < 3 || (status & Mstatus.MIE) !== 0;
  const sEnabled = h.priv < 1 || (h.priv === 1 && (status & Mstatus.SIE) !== 0);
  const candidates = (mEnabled ? pending & ~mideleg : 0) | (sEnabled ? pending & mideleg : 0);
  if (candidates === 0) return -1;
  // M-level interrupts outrank S-level ones; within a level, the spec's fixed order.
  const mLevel = candidates & ~mideleg;
  const pick = mLevel !== 0 ? mLevel : candidates;
  for (const irq of IRQ_PRIORITY) if ((pick >>> irq) & 1) return irq;
  return -1;
}

/** True when WFI may complete at once: some interrupt is pending and locally enabled in mie. */
export function interruptWaiting(h: HartState): boolean {
  const mie = h.csr[Slot.Mie * 2];
  return (readMip(h, true) & mie) !== 0;
}

/** Milliseconds until the earliest armed timer fires (Infinity when none is armed). */
export function msUntilTimer(h: HartState): number {
  const mie = h.csr[Slot.Mie * 2];
  const sstc = sstcEnabled(h);
  let deadline = Infinity;
  if (h.timerToSupervisor) {
    if (!sstc && (mie & IrqBit.STIP) !== 0) deadline = mtimecmp(h);
  } else if ((mie & IrqBit.MTIP) !== 0) {
    deadline = mtimecmp(h);
  }
  if (sstc && (mie & IrqBit.STIP) !== 0) deadline = Math.min(deadline, stimecmp(h));
  if (deadline === Infinity) return Infinity;
  return Math.max(0, (deadline - h.platform.mtime()) / TIMER_TICKS_PER_MS);
}

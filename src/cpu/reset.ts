/**
 * @fileoverview How a hart starts: the reset state, what the builtin firmware sets up before S-mode
 * code runs, and entering S-mode at an address (the boot hart, and SBI HSM hart_start).
 */

import { Control, State } from '../memory/layout.ts';
import { CsrNum, Envcfg, MEDELEG_WRITABLE, MIDELEG_WRITABLE, Mstatus, PBMTE_HI, STCE_HI, Slot } from './csr-numbers.ts';
import { csrWrite } from './csrs.ts';
import { Cause } from './trap-causes.ts';
import { out, splitNumber } from './int64.ts';
import { resetTriggers } from './triggers.ts';
import type { HartState } from './hart-state.ts';

/** Sets the reset state: pc, privilege, a0 = hartid, a1 = the given value. */
export function resetHart(h: HartState, pc: number, priv: number, a1: number): void {
  const pleWindow = h.state[State.PleWindow]; // a setting of the vCPU, not architectural state
  h.state.fill(0);
  h.state[State.PleWindow] = pleWindow;
  h.pc = pc;
  h.priv = priv;
  splitNumber(h.id); h.r[20] = out[0]; h.r[21] = out[1];
  splitNumber(a1); h.r[22] = out[0]; h.r[23] = out[1];
  h.mmu.setSatp(0, 0);
  h.mmu.pbmte = false; // menvcfg is 0
  resetTriggers(h);
  h.updateContext();
}

/**
 * What the builtin firmware sets up before any S-mode code runs, as OpenSBI does: every exception
 * but S/M ecalls and all supervisor interrupts delegated to S-mode, counters readable, Sstc enabled,
 * and in menvcfg the cache-block operations and Svpbmt's memory types allowed to S-mode (csrWrite
 * keeps the bits of extensions the hart lacks clear).
 */
export function setUpForSupervisor(h: HartState): void {
  h.setSlot(Slot.Medeleg, MEDELEG_WRITABLE & ~(1 << Cause.EcallFromS), 0);
  h.setSlot(Slot.Mideleg, MIDELEG_WRITABLE, 0);
  h.setSlot(Slot.Mcounteren, 7, 0);
  csrWrite(h, CsrNum.Menvcfg, Envcfg.CBIE | Envcfg.CBCFE | Envcfg.CBZE, STCE_HI | PBMTE_HI);
  h.setSlot(Slot.Stimecmp, -1, -1);
  // No timer is pending until the kernel asks for one (SBI set_timer or stimecmp).
  Atomics.store(h.mem, h.ctl + Control.MtimecmpLo, -1);
  Atomics.store(h.mem, h.ctl + Control.MtimecmpHi, -1);
  h.timerToSupervisor = true;
}

/** Enters S-mode at addr with a0 = hartid, a1 = a1, translation off and interrupts disabled (SBI hart_start). */
export function enterSupervisor(h: HartState, addr: number, a1Lo: number, a1Hi: number): void {
  h.pc = addr;
  h.priv = 1;
  h.r.fill(0);
  splitNumber(h.id); h.r[20] = out[0]; h.r[21] = out[1];
  h.r[22] = a1Lo; h.r[23] = a1Hi;
  h.setSlot(Slot.Satp, 0, 0);
  h.mmu.setSatp(0, 0);
  h.setSlot(Slot.Mstatus, h.csr[Slot.Mstatus * 2] & ~Mstatus.SIE, 0);
  h.updateContext();
}

/**
 * @fileoverview The CLINT (SiFive / ACLINT layout as on QEMU virt): msip per hart at +0x0,
 * mtimecmp per hart at +0x4000, mtime at +0xbff8. Its state lives in the harts' shared control words,
 * so any thread can serve an access: each vCPU worker serves its own hart's accesses without an exit.
 */

import { Control, controlWordBase } from '../memory/layout.ts';

import type { MachineClock } from '../memory/clock.ts';
import { HartsControl } from '../memory/harts-control.ts';
import { IrqBit } from '../memory/irq-bits.ts';

const MSIP = 0x0000;
const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

export class Clint {
  private readonly router: HartsControl;

  constructor(
    private readonly mem: Int32Array,
    private readonly harts: number,
    private readonly clock: MachineClock,
    /** The hart whose accesses this instance serves: an msip write is an IPI from it. */
    private readonly self: number,
  ) {
    this.router = new HartsControl(mem, harts);
  }

  /** Reads `size` bytes at `offset`; result in result[0..1]; false if no register is there. */
  read(offset: number, size: number, result: Int32Array): boolean {
    if (offset >= MSIP && offset < MSIP + 4 * this.harts && size === 4 && (offset & 3) === 0) {
      const pending = Atomics.load(this.mem, controlWordBase(offset >> 2) + Control.PendingIrq);
      result[0] = (pending & IrqBit.MSIP) !== 0 ? 1 : 0;
      result[1] = 0;
      return true;
    }
    if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.harts && (size === 8 || size === 4) && (offset & (size - 1)) === 0) {
      const base = controlWordBase((offset - MTIMECMP) >> 3);
      const word = (offset & 4) === 0 ? Control.MtimecmpLo : Control.MtimecmpHi;
      result[0] = Atomics.load(this.mem, base + word);
      result[1] = size === 8 ? Atomics.load(this.mem, base + Control.MtimecmpHi) : 0;
      return true;
    }
    if (offset >= MTIME && offset < MTIME + 8 && (size === 8 || size === 4) && (offset & (size - 1)) === 0) {
      const now = this.clock.mtime();
      const lo = now % 4294967296 | 0, hi = Math.floor(now / 4294967296) | 0;
      result[0] = (offset & 4) === 0 ? lo : hi;
      result[1] = size === 8 ? hi : 0;
      return true;
    }
    return false;
  }

  /** Writes a register; false if no register is there. mtime is read-only here (its epoch is the VMM's). */
  write(offset: number, size: number, lo: number, hi: number): boolean {
    if (offset >= MSIP && offset < MSIP + 4 * this.harts && size === 4 && (offset & 3) === 0) {
      // msip is a level: 1 raises MSIP on that hart, 0 lowers it. Either way the target is woken:
      // firmware such as OpenSBI parks harts in WFI loops that re-read msip, and a hart must not
      // sleep through a change it is waiting to see.
      if ((lo & 1) !== 0) this.router.sendIpi(this.self, offset >> 2, IrqBit.MSIP);
      else { this.router.lower(offset >> 2, IrqBit.MSIP); this.router.wake(offset >> 2); }
      return true;
    }
    if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.harts && (size === 8 || size === 4) && (offset & (size - 1)) === 0) {
      const base = controlWordBase((offset - MTIMECMP) >> 3);
      if (size === 8) {
        Atomics.store(this.mem, base + Control.MtimecmpLo, lo);
        Atomics.store(this.mem, base + Control.MtimecmpHi, hi);
      } else {
        Atomics.store(this.mem, base + ((offset & 4) === 0 ? Control.MtimecmpLo : Control.MtimecmpHi), lo);
      }
      this.router.wake((offset - MTIMECMP) >> 3); // a sleeping hart must recompute its deadline
      return true;
    }
    if (offset >= MTIME && offset < MTIME + 8) return true; // writes to mtime are ignored
    return false;
  }
}

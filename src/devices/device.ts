/** @fileoverview The interface every memory-mapped device implements, and interrupt lines handed to devices. */

/**
 * A device seen through its MMIO window. Offsets are relative to the window's base; the bus has
 * already checked that the access lies inside the window. Values are unsigned: 32-bit for size 4,
 * masked to the access size otherwise. A device ignores (never throws on) accesses it does not
 * understand, since they come from the guest.
 */
export interface MmioDevice {
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

/** A level-triggered interrupt line from a device to its interrupt controller. */
export interface IrqLine {
  set(level: boolean): void;
}

/** The line of a device wired to nothing, for tests and for devices used without interrupts. */
export const NO_IRQ: IrqLine = Object.freeze({
  set(_level: boolean): void {},
});

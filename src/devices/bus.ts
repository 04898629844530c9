/** @fileoverview The MMIO bus: guest physical address windows mapped to devices, refusing overlaps. */

import type { MmioDevice } from './device.ts';

interface Window {
  base: number;
  /** Exclusive. */
  end: number;
  device: MmioDevice;
  name: string;
}

/**
 * Routes guest physical accesses to the device whose window holds them. An access that is not
 * entirely inside one window reaches nothing, and the caller raises an access fault, as a physical
 * bus would for an unclaimed address.
 */
export class MmioBus {
  /** Sorted by base; a machine has a handful of windows, so binary search over an array is enough. */
  private readonly windows: Window[] = [];

  /** Maps [base, base + length) to device; throws if the window is empty or overlaps another. */
  insert(base: number, length: number, device: MmioDevice, name: string): void {
    if (!Number.isSafeInteger(base) || base < 0) {
      throw new RangeError(`MMIO window for ${name}: base ${base} is not a guest physical address`);
    }
    if (!Number.isSafeInteger(length) || length <= 0) {
      throw new RangeError(`MMIO window for ${name} at ${hex(base)}: length ${length} must be a positive integer`);
    }
    const end = base + length;
    // Guest physical addresses are JS numbers, exact only below 2^53.
    if (!Number.isSafeInteger(end)) {
      throw new RangeError(`MMIO window for ${name} at ${hex(base)}: it runs past the end of the address space`);
    }
    for (const other of this.windows) {
      if (base < other.end && other.base < end) {
        throw new RangeError(
          `MMIO window for ${name} (${hex(base)}..${hex(end)}) overlaps ${other.name} (${hex(other.base)}..${hex(other.end)})`,
        );
      }
    }
    const at = this.windows.findIndex((w) => w.base > base);
    this.windows.splice(at < 0 ? this.windows.length : at, 0, { base, end, device, name });
  }

  /**
   * Reads `size` bytes at addr. An 8-byte access is two 4-byte device accesses, low half first;
   * `hi` is 0 for smaller ones. Undefined if nothing is mapped there.
   */
  read(addr: number, size: 1 | 2 | 4 | 8): { lo: number; hi: number } | undefined {
    const window = this.find(addr, size);
    if (window === undefined) return undefined;
    const offset = addr - window.base;
    if (size === 8) {
      const lo = window.device.read(offset, 4) >>> 0;
      const hi = window.device.read(offset + 4, 4) >>> 0;
      return { lo, hi };
    }
    return { lo: mask(window.device.read(offset, size), size), hi: 0 };
  }

  /** Writes `size` bytes at addr (hi is used only for size 8); false if nothing is mapped there. */
  write(addr: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): boolean {
    const window = this.find(addr, size);
    if (window === undefined) return false;
    const offset = addr - window.base;
    if (size === 8) {
      window.device.write(offset, 4, lo >>> 0);
      window.device.write(offset + 4, 4, hi >>> 0);
    } else {
      window.device.write(offset, size, mask(lo, size));
    }
    return true;
  }

  /** The mapped windows in address order, for the device tree, logs and tests. */
  describe(): { base: number; length: number; name: string }[] {
    return this.windows.map((w) => ({ base: w.base, length: w.end - w.base, name: w.name }));
  }

  /** The window holding all of [addr, addr + size), if any. */
  private find(addr: number, size: number): Window | undefined {
    const windows = this.windows;
    let low = 0;
    let high = windows.length - 1;
    // Find the last window whose base is <= addr.
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (windows[mid].base <= addr) low = mid + 1;
      else high = mid - 1;
    }
    if (high < 0) return undefined;
    const window = windows[high];
    return addr + size <= window.end ? window : undefined;
  }
}

function mask(value: number, size: 1 | 2 | 4): number {
  return size === 4 ? value >>> 0 : value & (size === 1 ? 0xff : 0xffff);
}

function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

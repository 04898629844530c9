/**
 * @fileoverview The machine as a guest sees it, defined once: where RAM and every device live in
 * guest physical memory, which PLIC source each device interrupts on, the timer's rate, and the ISA
 * the harts implement. It is QEMU's `virt` board (less PCI, flash and fw-cfg), so the same kernels,
 * firmware and device trees work on both. The device tree, the device models, the boot path, the
 * interpreter's warm-up and `misa` all derive from this file; nothing else spells an address or an
 * extension.
 *
 *   0x0010_0000  test finisher (sifive_test)       0x1000_0000  UART 16550A (IRQ 10)
 *   0x0010_1000  goldfish RTC (IRQ 11)             0x1000_1000  virtio-mmio slot n at + n * 0x1000 (IRQ 1 + n)
 *   0x0200_0000  CLINT (msip, mtimecmp, mtime)     0x8000_0000  RAM
 *   0x0c00_0000  PLIC
 */

import { ALL_EXTENSIONS, multiLetterExtensions } from './extensions.ts';

/** Guest physical address where RAM starts. */
export const RAM_BASE = 0x8000_0000;

/** sifive_test finisher: a write of 0x5555 powers off with success, (code << 16) | 0x3333 fails, 0x7777 resets. */
export const FINISHER_BASE = 0x10_0000;
export const FINISHER_SIZE = 0x1000;
export const enum FinisherCode {
  Fail = 0x3333,
  Pass = 0x5555,
  Reset = 0x7777,
}

/** goldfish RTC. */
export const RTC_BASE = 0x10_1000;
export const RTC_SIZE = 0x1000;
export const RTC_IRQ = 11;

/** CLINT: msip (4 bytes a hart) at +0, mtimecmp (8 bytes a hart) at +0x4000, mtime at +0xbff8. */
export const CLINT_BASE = 0x200_0000;
export const CLINT_SIZE = 0x1_0000;

/** PLIC: priorities, pending, enables, then threshold/claim pages; QEMU virt's fixed window. */
export const PLIC_BASE = 0xc00_0000;
export const PLIC_SIZE = 0x60_0000;
/** Interrupt sources the PLIC has, source 0 ("none") included: 96, as QEMU virt's. */
export const PLIC_SOURCES = 96;

/** UART 16550A. */
export const UART_BASE = 0x1000_0000;
export const UART_SIZE = 0x100;
export const UART_IRQ = 10;
/** The UART's input clock: 3.6864 MHz, the classic 16550 crystal and QEMU's value. */
export const UART_CLOCK_HZ = 0x38_4000;

/** virtio-mmio slot n: its window at VIRTIO_BASE + n * VIRTIO_STRIDE, its interrupt on source VIRTIO_IRQ_FIRST + n. */
export const VIRTIO_BASE = 0x1000_1000;
export const VIRTIO_STRIDE = 0x1000;
export const VIRTIO_SIZE = 0x1000;
export const VIRTIO_IRQ_FIRST = 1;
/** Slots on IRQs 1..8, below the UART's 10; QEMU virt has as many. */
export const VIRTIO_SLOTS = 8;

export function virtioSlotBase(slot: number): number {
  return VIRTIO_BASE + slot * VIRTIO_STRIDE;
}

/** Every device's register window, [base, size]. */
const DEVICE_WINDOWS: ReadonlyArray<readonly [number, number]> = [
  [FINISHER_BASE, FINISHER_SIZE], [RTC_BASE, RTC_SIZE], [CLINT_BASE, CLINT_SIZE], [PLIC_BASE, PLIC_SIZE],
  [UART_BASE, UART_SIZE], [VIRTIO_BASE, VIRTIO_SLOTS * VIRTIO_STRIDE],
];

/**
 * Whether a device answers at guest physical address pa. For what must know without touching the
 * device, such as a cache-block operation, which an address nothing answers at refuses.
 */
export function isDeviceAddress(pa: number): boolean {
  return DEVICE_WINDOWS.some(([base, size]) => pa >= base && pa < base + size);
}

/** The rate of mtime (and of the `time` CSR): 10 MHz, as QEMU virt's. */
export const TIMEBASE_HZ = 10_000_000;
export const TIMER_TICKS_PER_MS = TIMEBASE_HZ / 1000;

/**
 * The ISA: RV64 with these single-letter extensions (in canonical order), the multi-letter ones of
 * extensions.ts (the base set always, the optional ones as --cpu leaves them). The device tree's
 * riscv,isa and riscv,isa-extensions and the misa CSR come from these lists.
 */
export const ISA_XLEN = 64;
export const ISA_LETTERS = ['i', 'm', 'a', 'f', 'd', 'c'] as const;
/** The privilege modes besides M, which misa lists as extensions S and U. */
export const PRIVILEGE_MODES = ['s', 'u'] as const;

/** riscv,isa for a hart with the optional extensions in `extensions` (extensions.ts Ext bits). */
export function hartIsa(extensions: number): string {
  return `rv${ISA_XLEN}${ISA_LETTERS.join('')}_${multiLetterExtensions(extensions).join('_')}`;
}

/** riscv,isa with every optional extension on (the default). */
export const HART_ISA = hartIsa(ALL_EXTENSIONS);

/** misa's extension bits (bit 0 = A ... bit 25 = Z): the letters and the privilege modes. */
export const MISA_EXTENSIONS = [...ISA_LETTERS, ...PRIVILEGE_MODES]
  .reduce((bits, letter) => bits | (1 << (letter.charCodeAt(0) - 0x61)), 0);
/** misa's MXL field in the high word: 2 (XLEN 64) in bits 63:62. */
export const MISA_MXL_HI = 0x8000_0000 | 0;

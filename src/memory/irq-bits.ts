/**
 * @fileoverview Interrupt-pending bits, as mip and mie lay them out (privileged spec, mip/mie). They
 * are also the language of a hart's PendingIrq control word: a device, the interrupt router or
 * another hart raises a line by ORing its bit in there with Atomics, and the hart folds the word
 * into mip (cpu/interrupts.ts).
 */

export const enum IrqBit {
  SSIP = 1 << 1,
  MSIP = 1 << 3,
  STIP = 1 << 5,
  MTIP = 1 << 7,
  SEIP = 1 << 9,
  MEIP = 1 << 11,
}

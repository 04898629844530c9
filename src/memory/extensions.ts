/**
 * @fileoverview The optional extensions a hart has beyond RV64GC (the RVA22 set hartvm implements), as
 * one bit mask. The VMM builds the mask from --cpu; every hart, the JIT's block reader and the device
 * tree read it, so turning an extension off makes its instructions and CSRs illegal everywhere and
 * takes it out of riscv,isa at once. The base set (IMAFDC, Zicsr, Zifencei, Zihintpause, Sstc) is
 * always on: machine-map.ts lists it.
 */

export const enum Ext {
  Zba = 1 << 0,
  Zbb = 1 << 1,
  Zbc = 1 << 2,
  Zbkb = 1 << 3,
  Zbkx = 1 << 4,
  Zbs = 1 << 5,
  Zicond = 1 << 6,
  Zicbom = 1 << 7,
  Zicbop = 1 << 8,
  Zicboz = 1 << 9,
  Zihintntl = 1 << 10,
  Zfhmin = 1 << 11,
  Sdtrig = 1 << 12,
  Svinval = 1 << 13,
  Svnapot = 1 << 14,
  Svpbmt = 1 << 15,
}

/**
 * Every multi-letter extension of the hart by name, with its bit (0: in the base set, always on), in
 * the order riscv,isa lists them: Z before S; Z extensions by the single letter they extend in
 * canonical order (I, then F, then B), each group alphabetical; then the S extensions alphabetical.
 */
export const MULTI_LETTER_EXTENSIONS: ReadonlyArray<readonly [name: string, bit: Ext | 0]> = [
  ['zicbom', Ext.Zicbom], ['zicbop', Ext.Zicbop], ['zicboz', Ext.Zicboz], ['zicond', Ext.Zicond],
  ['zicsr', 0], ['zifencei', 0], ['zihintntl', Ext.Zihintntl], ['zihintpause', 0],
  ['zfhmin', Ext.Zfhmin],
  ['zba', Ext.Zba], ['zbb', Ext.Zbb], ['zbc', Ext.Zbc], ['zbkb', Ext.Zbkb], ['zbkx', Ext.Zbkx], ['zbs', Ext.Zbs],
  ['sdtrig', Ext.Sdtrig], ['sstc', 0], ['svinval', Ext.Svinval], ['svnapot', Ext.Svnapot], ['svpbmt', Ext.Svpbmt],
];

/** The extensions --cpu can switch off, by name. */
export const OPTIONAL_EXTENSIONS = MULTI_LETTER_EXTENSIONS.filter(([, bit]) => bit !== 0) as
  ReadonlyArray<readonly [name: string, bit: Ext]>;

/** Every optional extension on: the default, as on QEMU with each of them enabled. */
export const ALL_EXTENSIONS: number = OPTIONAL_EXTENSIONS.reduce((mask, [, bit]) => mask | bit, 0);

/** The size in bytes of a cache block for Zicbom and Zicboz (device tree riscv,cbom/cboz-block-size). */
export const CACHE_BLOCK_BYTES = 64;

/**
 * Instructions Zbb and Zbkb share (rotates, ANDN/ORN/XNOR, REV8): legal when either is on.
 * A mask test `(exts & ZBB_OR_ZBKB) !== 0` reads as "Zbb or Zbkb".
 */
export const ZBB_OR_ZBKB = Ext.Zbb | Ext.Zbkb;

/** The multi-letter extensions of a hart with the optional ones in `mask`, in riscv,isa order. */
export function multiLetterExtensions(mask: number): string[] {
  return MULTI_LETTER_EXTENSIONS.filter(([, bit]) => bit === 0 || (mask & bit) !== 0).map(([name]) => name);
}

/** @fileoverview Loading a kernel, firmware or test program (ELF or raw binary) from a file into guest RAM. */

import { readFileSync, statSync } from 'node:fs';
import { isElf, parseElf, type ElfImage } from './elf.ts';
import { LoaderError } from './errors.ts';
import { outOfRamError, placeInRam, type SkippedPart } from './ram-placement.ts';

/** Where an image landed in guest physical memory, and the HTIF mailboxes it declares. */
export interface LoadedImage {
  entry: bigint;
  /** Guest physical address of the HTIF `tohost` word, if the ELF defines the symbol. */
  tohost?: bigint;
  /** Guest physical address of the HTIF `fromhost` word, if the ELF defines the symbol. */
  fromhost?: bigint;
  /** Lowest guest physical address written. */
  lowest: bigint;
  /** One past the highest guest physical address written (exclusive). */
  highest: bigint;
  /** ELF segment parts outside RAM that were left out, holding only headers or padding (ram-placement.ts). */
  skipped: SkippedPart[];
}

/** Reads a whole image file, turning the file system's errors into LoaderErrors that name the path. */
export function readKernelFile(path: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      throw new LoaderError('unreadable', `${path} is a directory, not a kernel or program file`);
    }
    size = stat.size;
  } catch (error) {
    if (error instanceof LoaderError) throw error;
    throw fileError(path, error);
  }
  let contents: Buffer;
  try {
    contents = readFileSync(path);
  } catch (error) {
    throw fileError(path, error);
  }
  // Check the bytes read, not the stat size: a FIFO or /proc file reports 0 but may have content.
  if (contents.length === 0) {
    throw new LoaderError('empty', `${path} is empty (${size} bytes): nothing to load`);
  }
  // A plain Uint8Array over the same bytes: callers should not come to depend on Buffer's extras.
  return new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength);
}

function fileError(path: string, error: unknown): LoaderError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new LoaderError('missing', `${path} does not exist`);
  }
  if (code === 'EISDIR') {
    return new LoaderError('unreadable', `${path} is a directory, not a kernel or program file`);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new LoaderError('unreadable', `${path} cannot be read: ${reason}`);
}

/**
 * Copies an image into guest RAM. An ELF file has each PT_LOAD segment placed at its physical
 * address (p_paddr, as QEMU does for -bios none) with its .bss zeroed, less any part outside RAM that
 * holds only headers or padding (ram-placement.ts); anything else is a raw binary copied to
 * rawLoadAddress, which is also its entry point. Nothing is written unless every part of the image
 * that is needed fits in [ramBase, ramBase + ram.length).
 */
export function loadIntoRam(
  bytes: Uint8Array,
  name: string,
  ram: Uint8Array,
  ramBase: bigint,
  rawLoadAddress: bigint,
): LoadedImage {
  const window = { base: ramBase, end: ramBase + BigInt(ram.length) };

  if (!isElf(bytes)) {
    const end = rawLoadAddress + BigInt(bytes.length);
    if (rawLoadAddress < window.base || end > window.end) throw outOfRamError(name, 'the raw image', rawLoadAddress, end, window);
    ram.set(bytes, Number(rawLoadAddress - ramBase));
    return { entry: rawLoadAddress, lowest: rawLoadAddress, highest: end, skipped: [] };
  }

  const image = parseElf(bytes, name);
  const { parts, skipped } = placeInRam(image, name, window);
  let lowest = parts[0].paddr;
  let highest = lowest;
  for (const part of parts) {
    const offset = Number(part.paddr - ramBase);
    ram.set(part.fileBytes, offset);
    // RAM may be reused (reset, batch jobs), so .bss is zeroed explicitly rather than assumed fresh.
    ram.fill(0, offset + part.fileBytes.length, offset + Number(part.memsz));
    if (part.paddr < lowest) lowest = part.paddr;
    if (part.paddr + part.memsz > highest) highest = part.paddr + part.memsz;
  }
  return {
    entry: image.entry,
    tohost: physicalSymbol(image, 'tohost'),
    fromhost: physicalSymbol(image, 'fromhost'),
    lowest,
    highest,
    skipped,
  };
}

/**
 * A symbol's physical address. Symbols hold virtual addresses; for bare-metal programs these equal
 * physical ones, but a program linked with distinct LMA and VMA has its HTIF words where its segment
 * was loaded, so the address is moved by the containing segment's paddr - vaddr.
 */
function physicalSymbol(image: ElfImage, symbol: string): bigint | undefined {
  const value = image.symbols.get(symbol);
  if (value === undefined) return undefined;
  for (const segment of image.segments) {
    if (value >= segment.vaddr && value < segment.vaddr + segment.memsz) {
      return segment.paddr + (value - segment.vaddr);
    }
  }
  return value;
}

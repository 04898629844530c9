/** @fileoverview Parsing and formatting of guest RAM sizes such as the `--memory` option's "128M". */

import { MAX_RAM_BYTES, MIN_RAM_BYTES } from './layout.ts';

/** A RAM size that cannot be used, with a message that names the value given and the limits. */
export class MemorySizeError extends Error {
  readonly kind = 'memory-size' as const;

  constructor(message: string) {
    super(message);
    this.name = 'MemorySizeError';
  }
}

/** Guest RAM is mapped and protected in whole pages, so its size must be a multiple of this. */
const PAGE_BYTES = 4096;

/** Binary units, as QEMU's -m and Firecracker's mem_size_mib mean them: K is 1024 bytes. */
const UNIT_SHIFT: Record<string, bigint> = { K: 10n, M: 20n, G: 30n, T: 40n };

/**
 * A whole number with an optional K/M/G/T suffix, which may be followed by "B" or "iB" ("512MiB");
 * a bare number is bytes, and "B" alone is accepted after a bare number ("65536B").
 * Fractions ("1.5G") are refused rather than rounded: a size that is not whole bytes is a mistake.
 */
const SIZE_SYNTAX = /^(\d+)(?:([KMGT])(?:i?B)?|B)?$/i;

/**
 * Parses a guest RAM size: "128M", "1g", "512K", "65536" (bytes), "2GiB".
 * Throws MemorySizeError if it is not a size, is zero, is not whole 4 KiB pages, or lies outside
 * [MIN_RAM_BYTES, MAX_RAM_BYTES].
 */
export function parseMemorySize(text: string): number {
  const given = text.trim();
  const shown = `--memory ${/^\S+$/.test(given) ? given : JSON.stringify(text)}`;
  if (given === '') {
    throw new MemorySizeError(`--memory is empty: give a size such as 128M or 2G`);
  }
  const match = SIZE_SYNTAX.exec(given);
  if (match === null) {
    throw new MemorySizeError(
      `${shown} is not a size: use a whole number with an optional K, M, G or T suffix ` +
        `(binary units, e.g. 512M or 2G); a bare number is bytes`,
    );
  }
  // BigInt so that absurd values ("99999999999999999999G") are compared exactly, not rounded.
  const unit = match[2] === undefined ? 0n : UNIT_SHIFT[match[2].toUpperCase()];
  const bytes = BigInt(match[1]) << unit;
  if (bytes === 0n) {
    throw new MemorySizeError(`${shown} is zero: the guest needs at least ${formatMemorySize(MIN_RAM_BYTES)} of RAM`);
  }
  if (bytes > BigInt(MAX_RAM_BYTES)) {
    throw new MemorySizeError(
      `${shown} is too large: at most ${formatMemorySize(MAX_RAM_BYTES)} of guest RAM fit in one wasm32 shared memory`,
    );
  }
  if (bytes < BigInt(MIN_RAM_BYTES)) {
    throw new MemorySizeError(
      `${shown} is too small: the guest needs at least ${formatMemorySize(MIN_RAM_BYTES)} of RAM`,
    );
  }
  const result = Number(bytes);
  if (result % PAGE_BYTES !== 0) {
    throw new MemorySizeError(
      `${shown} is not a multiple of 4K (${PAGE_BYTES} bytes): guest RAM is mapped in whole pages`,
    );
  }
  return result;
}

/** The shortest exact spelling of a byte count in the syntax parseMemorySize accepts: 4095M, 1G, 12345. */
export function formatMemorySize(bytes: number): string {
  for (const [suffix, shift] of [['T', 40], ['G', 30], ['M', 20], ['K', 10]] as const) {
    const unit = 2 ** shift;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

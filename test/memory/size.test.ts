import { describe, expect, it } from 'vitest';
import { MAX_RAM_BYTES, MIN_RAM_BYTES } from '../../src/memory/layout.ts';
import { formatMemorySize, MemorySizeError, parseMemorySize } from '../../src/memory/size.ts';

function sizeError(text: string): MemorySizeError {
  try {
    parseMemorySize(text);
  } catch (error) {
    if (error instanceof MemorySizeError) return error;
    throw error;
  }
  throw new Error(`parseMemorySize(${JSON.stringify(text)}) did not throw`);
}

describe('parseMemorySize', () => {
  it('accepts binary K, M, G suffixes in either case, and bare bytes', () => {
    expect(parseMemorySize('128M')).toBe(128 * 2 ** 20);
    expect(parseMemorySize('128m')).toBe(128 * 2 ** 20);
    expect(parseMemorySize('1G')).toBe(2 ** 30);
    expect(parseMemorySize('2g')).toBe(2 ** 31);
    expect(parseMemorySize('1024K')).toBe(2 ** 20);
    expect(parseMemorySize('1048576')).toBe(2 ** 20);
  });

  it('accepts a trailing B or iB', () => {
    expect(parseMemorySize('512MB')).toBe(512 * 2 ** 20);
    expect(parseMemorySize('512MiB')).toBe(512 * 2 ** 20);
    expect(parseMemorySize('1gib')).toBe(2 ** 30);
    expect(parseMemorySize('1048576B')).toBe(2 ** 20);
  });

  it('accepts the limits themselves', () => {
    expect(parseMemorySize(String(MIN_RAM_BYTES))).toBe(MIN_RAM_BYTES);
    expect(parseMemorySize('4075M')).toBe(MAX_RAM_BYTES);
  });

  it('refuses an empty value', () => {
    expect(sizeError('').message).toMatch(/empty/);
    expect(sizeError('   ').kind).toBe('memory-size');
  });

  it('refuses what is not a whole number with a known suffix, naming the value', () => {
    for (const text of ['1.5G', 'lots', '-1G', '12X', '0x1000', '1 G', 'G', '4096iB', '1e9']) {
      const error = sizeError(text);
      expect(error.message, text).toContain(text);
      expect(error.message).toMatch(/not a size/);
    }
  });

  it('refuses zero', () => {
    expect(sizeError('0').message).toMatch(/--memory 0 is zero/);
    expect(sizeError('0G').message).toMatch(/zero/);
  });

  it('refuses sizes that do not fit a wasm32 memory, stating the limit', () => {
    const error = sizeError('8G');
    expect(error.message).toBe('--memory 8G is too large: at most 4075M of guest RAM fit in one wasm32 shared memory');
    expect(sizeError('4G').message).toMatch(/too large/);
    expect(sizeError('99999999999999999999999T').message).toMatch(/too large/);
  });

  it('refuses sizes below the minimum, stating it', () => {
    expect(sizeError('512K').message).toBe('--memory 512K is too small: the guest needs at least 1M of RAM');
    expect(sizeError('65536').message).toMatch(/too small/);
  });

  it('refuses sizes that are not whole 4 KiB pages', () => {
    const error = sizeError(String(MIN_RAM_BYTES + 1));
    expect(error.message).toMatch(/not a multiple of 4K/);
    expect(sizeError('1025K').message).toMatch(/multiple of 4K/);
    expect(parseMemorySize('1028K')).toBe(1028 * 1024);
  });

  it('is a typed error', () => {
    const error = sizeError('nope');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MemorySizeError');
    expect(error.kind).toBe('memory-size');
  });
});

describe('formatMemorySize', () => {
  it('uses the largest exact binary unit', () => {
    expect(formatMemorySize(MAX_RAM_BYTES)).toBe('4075M');
    expect(formatMemorySize(2 ** 30)).toBe('1G');
    expect(formatMemorySize(4096)).toBe('4K');
    expect(formatMemorySize(4097)).toBe('4097');
    expect(formatMemorySize(0)).toBe('0');
  });

  it('round-trips through parseMemorySize', () => {
    for (const bytes of [MIN_RAM_BYTES, 3 * 2 ** 20 + 4096, 2 ** 31, MAX_RAM_BYTES]) {
      expect(parseMemorySize(formatMemorySize(bytes))).toBe(bytes);
    }
  });
});

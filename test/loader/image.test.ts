import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadIntoRam, readKernelFile } from '../../src/loader/image.ts';
import { makeElf } from './make-elf.ts';
import { loaderError } from './loader-error.ts';

const RAM_BASE = 0x8000_0000n;
const RAM_BYTES = 0x10_0000;

describe('readKernelFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hartvm-loader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the bytes of a file as a Uint8Array', () => {
    const path = join(dir, 'kernel.bin');
    writeFileSync(path, Uint8Array.from([1, 2, 3]));
    const bytes = readKernelFile(path);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([1, 2, 3]);
  });

  it('reports a missing file as missing, naming it', () => {
    for (const path of [join(dir, 'nope.elf'), join(dir, 'kernel.bin', 'below-a-file')]) {
      writeFileSync(join(dir, 'kernel.bin'), Uint8Array.from([1]));
      const error = loaderError(() => readKernelFile(path));
      expect(error.kind).toBe('missing');
      expect(error.message).toContain(path);
    }
  });

  it('reports a directory as unreadable', () => {
    const error = loaderError(() => readKernelFile(dir));
    expect(error.kind).toBe('unreadable');
    expect(error.message).toContain(dir);
  });

  it.skipIf(process.getuid?.() === 0)('reports a file without read permission as unreadable', () => {
    const path = join(dir, 'secret.elf');
    writeFileSync(path, Uint8Array.from([1]));
    chmodSync(path, 0o000);
    const error = loaderError(() => readKernelFile(path));
    expect(error.kind).toBe('unreadable');
    expect(error.message).toContain(path);
  });

  it('reports an empty file as empty', () => {
    const path = join(dir, 'empty.elf');
    writeFileSync(path, new Uint8Array(0));
    const error = loaderError(() => readKernelFile(path));
    expect(error.kind).toBe('empty');
    expect(error.message).toContain(path);
  });
});

describe('loadIntoRam', () => {
  const code = Uint8Array.from([0x13, 0, 0, 0, 0x73, 0, 0x10, 0]);

  it('copies each segment to its physical address and zeroes the rest of memsz', () => {
    const ram = new Uint8Array(RAM_BYTES).fill(0xaa);
    const elf = makeElf({
      entry: 0x8000_0004n,
      segments: [
        { paddr: 0x8000_0000n, data: code },
        { paddr: 0x8000_2000n, data: Uint8Array.from([7, 8]), memsz: 0x10n },
      ],
    });
    const loaded = loadIntoRam(elf, 'prog.elf', ram, RAM_BASE, 0x8020_0000n);
    expect(loaded).toEqual({
      entry: 0x8000_0004n, lowest: 0x8000_0000n, highest: 0x8000_2010n, tohost: undefined, fromhost: undefined, skipped: [],
    });
    expect([...ram.subarray(0, 8)]).toEqual([...code]);
    expect(ram[8]).toBe(0xaa); // nothing outside the segments is touched
    expect([...ram.subarray(0x2000, 0x2010)]).toEqual([7, 8, ...new Array(14).fill(0)]);
    expect(ram[0x2010]).toBe(0xaa);
  });

  it('reports tohost and fromhost when the ELF defines them', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const elf = makeElf({
      segments: [{ paddr: 0x8000_0000n, data: code, memsz: 0x2000n }],
      symbols: [
        { name: 'tohost', value: 0x8000_1000n },
        { name: 'fromhost', value: 0x8000_1040n },
      ],
    });
    const loaded = loadIntoRam(elf, 'rv64ui-p-add', ram, RAM_BASE, 0n);
    expect(loaded.tohost).toBe(0x8000_1000n);
    expect(loaded.fromhost).toBe(0x8000_1040n);
  });

  it('translates tohost to a physical address when the segment is linked elsewhere', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const elf = makeElf({
      segments: [{ paddr: 0x8000_0000n, vaddr: 0x1000n, data: code, memsz: 0x2000n }],
      symbols: [{ name: 'tohost', value: 0x2000n }],
    });
    expect(loadIntoRam(elf, 'x', ram, RAM_BASE, 0n).tohost).toBe(0x8000_1000n);
  });

  it('loads a non-ELF file as a raw binary at the raw load address', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const loaded = loadIntoRam(code, 'Image', ram, RAM_BASE, 0x8002_0000n);
    expect(loaded).toEqual({ entry: 0x8002_0000n, lowest: 0x8002_0000n, highest: 0x8002_0008n, skipped: [] });
    expect([...ram.subarray(0x2_0000, 0x2_0008)]).toEqual([...code]);
  });

  it('works on RAM that is a view into a SharedArrayBuffer at an offset', () => {
    const shared = new SharedArrayBuffer(0x1000 + RAM_BYTES);
    const ram = new Uint8Array(shared, 0x1000, RAM_BYTES);
    const elf = makeElf({ segments: [{ paddr: 0x8000_0010n, data: code }] });
    loadIntoRam(elf, 'x', ram, RAM_BASE, 0n);
    expect([...new Uint8Array(shared, 0x1010, 8)]).toEqual([...code]);
  });

  it('refuses segments beyond the end of RAM, suggesting --memory, and writes nothing', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const elf = makeElf({
      segments: [
        { paddr: 0x8000_0000n, data: code },
        { paddr: 0x800f_fff0n, data: code, memsz: 0x20n },
      ],
    });
    const error = loaderError(() => loadIntoRam(elf, 'big.elf', ram, RAM_BASE, 0n));
    expect(error.kind).toBe('out-of-ram');
    expect(error.message).toContain('big.elf');
    expect(error.message).toContain('0x800ffff0..0x80100010');
    expect(error.message).toContain('0x80000000..0x80100000');
    expect(error.message).toContain('--memory');
    expect(ram.every((b) => b === 0)).toBe(true);
  });

  it('refuses segments below RAM without suggesting more memory', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const elf = makeElf({ segments: [{ paddr: 0x7fff_f000n, data: code }] });
    const error = loaderError(() => loadIntoRam(elf, 'low.elf', ram, RAM_BASE, 0n));
    expect(error.kind).toBe('out-of-ram');
    expect(error.message).toContain('0x7ffff000');
    expect(error.message).not.toContain('--memory');
  });

  it('refuses a raw binary that does not fit', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const big = new Uint8Array(RAM_BYTES);
    expect(loaderError(() => loadIntoRam(big, 'Image', ram, RAM_BASE, 0x8000_1000n)).kind).toBe('out-of-ram');
    expect(loaderError(() => loadIntoRam(code, 'Image', ram, RAM_BASE, 0x1000n)).kind).toBe('out-of-ram');
  });

  it('passes on ELF errors instead of loading a broken ELF as raw', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const elf = makeElf({ segments: [{ paddr: 0x8000_0000n, data: code }] });
    expect(loaderError(() => loadIntoRam(elf.subarray(0, 40), 'cut.elf', ram, RAM_BASE, 0n)).kind).toBe('truncated');
  });
});

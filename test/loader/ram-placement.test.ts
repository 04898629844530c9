/**
 * @fileoverview Segment parts outside guest RAM: skipped when they hold only ELF headers or padding
 * (as QEMU's -bios none loads GNU ld's `-Ttext=0x80000000` output), refused when the program needs
 * them, naming the section.
 */
import { describe, expect, it } from 'vitest';
import { parseElf } from '../../src/loader/elf.ts';
import { loadIntoRam } from '../../src/loader/image.ts';
import { describeSkipped, placeInRam } from '../../src/loader/ram-placement.ts';
import { makeElf, type TestElf } from './make-elf.ts';
import { loaderError } from './loader-error.ts';

const RAM_BASE = 0x8000_0000n;
const RAM_BYTES = 0x10_0000;
const RAM = { base: RAM_BASE, end: RAM_BASE + BigInt(RAM_BYTES) };
/** GNU ld's page of headers: the segment starts at 0x7ffff000, .text at 0x80000000. */
const HEADERS_PAGE = 0x1000;
const HEADERS_AT = RAM_BASE - BigInt(HEADERS_PAGE);

const code = Uint8Array.from([0x13, 0, 0, 0, 0x73, 0, 0x10, 0]);
const TEXT = { name: '.text', addr: RAM_BASE, size: BigInt(code.length) };

/** One segment as GNU ld writes it with -Ttext=0x80000000 and no linker script. */
function gnuLdLayout(extra: Partial<TestElf> = {}): TestElf {
  return { entry: RAM_BASE, segments: [{ paddr: HEADERS_AT, data: code, headers: HEADERS_PAGE }], ...extra };
}

const place = (spec: TestElf) => placeInRam(parseElf(makeElf(spec), 'prog.elf'), 'prog.elf', RAM);

describe('placeInRam', () => {
  it('places a segment inside RAM whole and skips nothing', () => {
    const placement = place({ segments: [{ paddr: RAM_BASE, data: code, memsz: 0x20n }], sections: [TEXT] });
    expect(placement.skipped).toEqual([]);
    expect(placement.parts).toHaveLength(1);
    expect(placement.parts[0].paddr).toBe(RAM_BASE);
    expect(placement.parts[0].memsz).toBe(0x20n);
    expect([...placement.parts[0].fileBytes]).toEqual([...code]);
  });

  it('skips the part below RAM that holds only the ELF headers, by the section headers', () => {
    const placement = place(gnuLdLayout({ sections: [TEXT, { name: '.comment', addr: 0n, size: 16n, flags: 0x30n }] }));
    expect(placement.skipped).toEqual([
      { segment: 0, from: HEADERS_AT, to: RAM_BASE, why: 'it holds the ELF headers and no allocated section' },
    ]);
    expect(placement.parts).toHaveLength(1);
    expect(placement.parts[0].paddr).toBe(RAM_BASE);
    expect([...placement.parts[0].fileBytes]).toEqual([...code]);
  });

  it('refuses an allocated section outside RAM, naming it and where it lies', () => {
    // .rodata at the top of the header page, as a linker script that starts earlier would put it.
    const rodata = { name: '.rodata', addr: RAM_BASE - 0x10n, size: 0x10n, flags: 0x2n };
    const error = loaderError(() => place(gnuLdLayout({ sections: [rodata, TEXT] })));
    expect(error.kind).toBe('out-of-ram');
    expect(error.message).toBe(
      'prog.elf: section .rodata at 0x7ffffff0..0x80000000 lies outside guest RAM 0x80000000..0x80100000 (1M); ' +
        'it must be linked to run in RAM, at or above 0x80000000',
    );
  });

  it('refuses a .bss that runs past the end of RAM, naming it and suggesting --memory', () => {
    const bss = { name: '.bss', addr: RAM.end - 0x10n, size: 0x30n, type: 8, flags: 0x3n };
    const error = loaderError(() =>
      place({ segments: [{ paddr: RAM.end - 0x18n, data: code, memsz: 0x38n }], sections: [{ ...TEXT, addr: RAM.end - 0x18n }, bss] }),
    );
    expect(error.message).toContain('section .bss at 0x800ffff0..0x80100020 lies outside guest RAM');
    expect(error.message).toContain('--memory (at least 2M)');
  });

  it('skips padding past the end of RAM when no section lies there', () => {
    const placement = place({ segments: [{ paddr: RAM.end - 0x8n, data: code, memsz: 0x100n }], sections: [{ ...TEXT, addr: RAM.end - 0x8n }] });
    expect(placement.skipped).toEqual([
      { segment: 0, from: RAM.end, to: RAM.end + 0xf8n, why: 'it holds no allocated section (padding)' },
    ]);
    expect(placement.parts[0].memsz).toBe(8n);
  });

  it('ignores empty allocated sections and .tbss, which take no room in the segment', () => {
    const empty = { name: '.sdata', addr: HEADERS_AT + 0x100n, size: 0n, flags: 0x3n };
    const tbss = { name: '.tbss', addr: HEADERS_AT + 0x200n, size: 0x40n, type: 8, flags: 0x403n };
    expect(place(gnuLdLayout({ sections: [TEXT, empty, tbss] })).skipped).toHaveLength(1);
  });

  it('without section headers, skips a part that holds only the ELF headers and zero padding', () => {
    const placement = place(gnuLdLayout());
    expect(placement.skipped).toEqual([
      { segment: 0, from: HEADERS_AT, to: RAM_BASE, why: 'it holds only the ELF headers and zero padding' },
    ]);
    expect([...placement.parts[0].fileBytes]).toEqual([...code]);
  });

  it('without section headers, refuses a part outside RAM that holds other bytes', () => {
    const bytes = makeElf(gnuLdLayout());
    bytes[0x800] = 0x13; // an instruction in what would otherwise be padding
    const error = loaderError(() => placeInRam(parseElf(bytes, 'stripped.elf'), 'stripped.elf', RAM));
    expect(error.kind).toBe('out-of-ram');
    expect(error.message).toBe(
      'stripped.elf: segment 0 at 0x7ffff000..0x80000008 lies outside guest RAM 0x80000000..0x80100000 (1M): ' +
        'its byte at 0x7ffff800 is neither ELF header nor zero padding, and the file has no section headers to say what it is; ' +
        'it must be linked to run in RAM, at or above 0x80000000',
    );
  });

  it('without section headers, refuses memory past the file bytes outside RAM (a .bss)', () => {
    const error = loaderError(() => place({ segments: [{ paddr: RAM.end - 0x8n, data: code, memsz: 0x10n }] }));
    expect(error.message).toContain('segment 0 at 0x800ffff8..0x80100008');
    expect(error.message).toContain('its memory at 0x80100000..0x80100008 is not in the file (.bss)');
  });

  it('refuses an image of which nothing lies in RAM', () => {
    const error = loaderError(() => place({ segments: [{ paddr: 0x1000n, data: new Uint8Array(8) }] }));
    expect(error.kind).toBe('out-of-ram');
    expect(error.message).toContain('every segment at 0x1000..0x1008 lies outside guest RAM');
  });
});

describe('describeSkipped', () => {
  it('says what was skipped, where, and why', () => {
    const part = { segment: 0, from: HEADERS_AT, to: RAM_BASE, why: 'it holds the ELF headers and no allocated section' };
    expect(describeSkipped('prog.elf', part, RAM)).toBe(
      'prog.elf: skipped 0x7ffff000..0x80000000 of segment 0, below guest RAM (0x80000000..0x80100000): ' +
        'it holds the ELF headers and no allocated section',
    );
  });
});

describe('loadIntoRam with a part outside RAM', () => {
  it('writes the part in RAM, reports the part skipped and where the image lies', () => {
    const ram = new Uint8Array(RAM_BYTES).fill(0xaa);
    const loaded = loadIntoRam(makeElf(gnuLdLayout({ sections: [TEXT] })), 'prog.elf', ram, RAM_BASE, 0n);
    expect(loaded.entry).toBe(RAM_BASE);
    expect(loaded.lowest).toBe(RAM_BASE);
    expect(loaded.highest).toBe(RAM_BASE + BigInt(code.length));
    expect(loaded.skipped.map((s) => [s.from, s.to])).toEqual([[HEADERS_AT, RAM_BASE]]);
    expect([...ram.subarray(0, code.length)]).toEqual([...code]);
    expect(ram[code.length]).toBe(0xaa);
  });

  it('writes nothing when a needed section lies outside RAM', () => {
    const ram = new Uint8Array(RAM_BYTES);
    const text = { ...TEXT, addr: HEADERS_AT + 0x800n };
    expect(loaderError(() => loadIntoRam(makeElf(gnuLdLayout({ sections: [text] })), 'prog.elf', ram, RAM_BASE, 0n)).message)
      .toContain('section .text at 0x7ffff800..0x7ffff808');
    expect(ram.every((b) => b === 0)).toBe(true);
  });
});

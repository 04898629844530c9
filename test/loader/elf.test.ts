import { describe, expect, it } from 'vitest';
import { isElf, parseElf } from '../../src/loader/elf.ts';
import { LoaderError } from '../../src/loader/errors.ts';
import { ELF_FIELD, makeElf } from './make-elf.ts';
import { loaderError } from './loader-error.ts';

const text = Uint8Array.from([0x13, 0x05, 0x00, 0x00, 0x73, 0x00, 0x10, 0x00]);
const data = Uint8Array.from([1, 2, 3, 4]);

function sample(): Uint8Array {
  return makeElf({
    entry: 0x8000_0000n,
    segments: [
      { paddr: 0x8000_0000n, data: text },
      { paddr: 0x8000_1000n, data, memsz: 0x100n },
    ],
    symbols: [
      { name: 'tohost', value: 0x8000_1000n },
      { name: 'fromhost', value: 0x8000_1040n },
      { name: '_start', value: 0x8000_0000n, type: 0 },
      { name: 'main', value: 0x8000_0004n, type: 2 },
    ],
  });
}

function patched(bytes: Uint8Array, patch: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  patch(new DataView(copy.buffer));
  return copy;
}

describe('isElf', () => {
  it('recognises the ELF magic and nothing else', () => {
    expect(isElf(sample())).toBe(true);
    expect(isElf(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]))).toBe(true);
    expect(isElf(Uint8Array.from([0x7f, 0x45, 0x4c]))).toBe(false);
    expect(isElf(new Uint8Array(0))).toBe(false);
    expect(isElf(text)).toBe(false);
  });

  it('works on a view that does not start at its buffer start', () => {
    const buffer = new Uint8Array(100);
    buffer.set(sample().subarray(0, 4), 10);
    expect(isElf(buffer.subarray(10))).toBe(true);
  });
});

describe('parseElf', () => {
  it('returns the entry, the PT_LOAD segments with their file bytes and memory sizes', () => {
    const image = parseElf(sample(), 'test.elf');
    expect(image.entry).toBe(0x8000_0000n);
    expect(image.segments).toHaveLength(2);
    expect(image.segments[0].paddr).toBe(0x8000_0000n);
    expect(image.segments[0].vaddr).toBe(0x8000_0000n);
    expect([...image.segments[0].fileBytes]).toEqual([...text]);
    expect(image.segments[0].memsz).toBe(8n);
    expect([...image.segments[1].fileBytes]).toEqual([...data]);
    expect(image.segments[1].memsz).toBe(0x100n);
  });

  it('reads object, function and untyped symbols from .symtab', () => {
    const { symbols } = parseElf(sample(), 'test.elf');
    expect(symbols.get('tohost')).toBe(0x8000_1000n);
    expect(symbols.get('fromhost')).toBe(0x8000_1040n);
    expect(symbols.get('_start')).toBe(0x8000_0000n);
    expect(symbols.get('main')).toBe(0x8000_0004n);
  });

  it('leaves out undefined symbols, sections, files and other symbol types', () => {
    const bytes = makeElf({
      segments: [{ paddr: 0x8000_0000n, data: text }],
      symbols: [
        { name: 'undefined_ref', value: 0n, shndx: 0 },
        { name: '.text', value: 0x8000_0000n, type: 3 /* STT_SECTION */ },
        { name: 'crt0.S', value: 0n, type: 4 /* STT_FILE */ },
        { name: 'kept', value: 0x10n },
      ],
    });
    expect([...parseElf(bytes, 'x').symbols.keys()]).toEqual(['kept']);
  });

  it('prefers a global symbol to a local one of the same name, whatever their order', () => {
    for (const order of [0, 1]) {
      const syms = [
        { name: 'tohost', value: 0x1000n, bind: 0 /* STB_LOCAL */ },
        { name: 'tohost', value: 0x2000n, bind: 1 /* STB_GLOBAL */ },
      ];
      if (order) syms.reverse();
      const bytes = makeElf({ segments: [{ paddr: 0x8000_0000n, data: text }], symbols: syms });
      expect(parseElf(bytes, 'x').symbols.get('tohost')).toBe(0x2000n);
    }
  });

  it('accepts an image without a section header table, with no symbols', () => {
    const image = parseElf(makeElf({ segments: [{ paddr: 0x8000_0000n, data: text }] }), 'stripped.elf');
    expect(image.symbols.size).toBe(0);
    expect(image.segments).toHaveLength(1);
    expect(image.sections).toBeUndefined();
  });

  it('reads the section headers, with their names, flags, addresses and sizes', () => {
    const bytes = makeElf({
      segments: [{ paddr: 0x8000_0000n, data: text, memsz: 0x100n }],
      sections: [
        { name: '.text', addr: 0x8000_0000n, size: 8n },
        { name: '.bss', addr: 0x8000_0010n, size: 0xf0n, type: 8, flags: 0x3n },
      ],
    });
    const { sections } = parseElf(bytes, 'x');
    expect(sections?.slice(0, 2)).toEqual([
      { name: '.text', type: 1, flags: 0x6n, addr: 0x8000_0000n, size: 8n },
      { name: '.bss', type: 8, flags: 0x3n, addr: 0x8000_0010n, size: 0xf0n },
    ]);
    expect(sections?.slice(2).map((s) => s.name)).toEqual(['.symtab', '.strtab', '.shstrtab']);
  });

  it('names sections by number when the section name table is missing', () => {
    const bytes = makeElf({ segments: [{ paddr: 0x8000_0000n, data: text }], sections: [{ name: '.text', addr: 0x8000_0000n, size: 8n }] });
    const noNames = patched(bytes, (v) => v.setUint16(62 /* e_shstrndx */, 0, true));
    expect(parseElf(noNames, 'x').sections?.[0].name).toBe('section 1');
  });

  it('gives where the ELF header and the program header table lie in the file', () => {
    const bytes = makeElf({ segments: [{ paddr: 0x8000_0000n, data: text }, { paddr: 0x8000_1000n, data }] });
    expect(parseElf(bytes, 'x').headers).toEqual([{ start: 0, end: 64 }, { start: 64, end: 64 + 2 * 56 }]);
  });

  it('gives each segment its file offset, 0 when it holds the headers', () => {
    const bytes = makeElf({ segments: [{ paddr: 0x7fff_f000n, data: text, headers: 0x1000 }] });
    const [segment] = parseElf(bytes, 'x').segments;
    expect(segment.fileOffset).toBe(0);
    expect(segment.fileBytes.length).toBe(0x1000 + text.length);
    expect([...segment.fileBytes.subarray(0x1000)]).toEqual([...text]);
  });

  it('keeps vaddr and paddr apart when they differ', () => {
    const bytes = makeElf({
      segments: [{ paddr: 0x8020_0000n, vaddr: 0xffff_ffff_8000_0000n, data: text }],
    });
    const [segment] = parseElf(bytes, 'kernel').segments;
    expect(segment.paddr).toBe(0x8020_0000n);
    expect(segment.vaddr).toBe(0xffff_ffff_8000_0000n);
  });

  it('skips non-PT_LOAD segments and segments with no memory size', () => {
    const bytes = makeElf({
      segments: [
        { paddr: 0n, data: Uint8Array.from([9, 9]), type: 4 /* PT_NOTE */ },
        { paddr: 0x8000_0000n, data: text },
        { paddr: 0x8000_2000n, data: new Uint8Array(0), memsz: 0n },
      ],
    });
    const image = parseElf(bytes, 'x');
    expect(image.segments.map((s) => s.paddr)).toEqual([0x8000_0000n]);
  });

  it('accepts ET_DYN as linked', () => {
    const bytes = makeElf({ type: 3, segments: [{ paddr: 0x8000_0000n, data: text }] });
    expect(parseElf(bytes, 'pie').segments[0].paddr).toBe(0x8000_0000n);
  });

  it('refuses a file without the ELF magic as not-elf, naming it', () => {
    const error = loaderError(() => parseElf(text, 'raw.bin'));
    expect(error.kind).toBe('not-elf');
    expect(error.message).toContain('raw.bin');
  });

  it('refuses a 32-bit ELF as wrong-class', () => {
    const bytes = patched(sample(), (v) => v.setUint8(ELF_FIELD.class, 1));
    const error = loaderError(() => parseElf(bytes, 'rv32.elf'));
    expect(error.kind).toBe('wrong-class');
    expect(error.message).toMatch(/rv32\.elf.*32-bit/);
  });

  it('refuses a big-endian ELF as wrong-endian', () => {
    // e_machine must then be big-endian too, or the machine check would fire first.
    const bytes = patched(sample(), (v) => {
      v.setUint8(ELF_FIELD.data, 2);
      v.setUint16(ELF_FIELD.machine, 243, false);
    });
    const error = loaderError(() => parseElf(bytes, 'be.elf'));
    expect(error.kind).toBe('wrong-endian');
    expect(error.message).toContain('be.elf');
  });

  it('refuses another machine as wrong-machine and says which machine it is', () => {
    const x86 = patched(sample(), (v) => v.setUint16(ELF_FIELD.machine, 62, true));
    const error = loaderError(() => parseElf(x86, '/bin/true'));
    expect(error.kind).toBe('wrong-machine');
    expect(error.message).toContain('/bin/true');
    expect(error.message).toContain('x86-64');
    expect(error.message).toContain('62');

    const odd = patched(sample(), (v) => v.setUint16(ELF_FIELD.machine, 999, true));
    expect(loaderError(() => parseElf(odd, 'x')).message).toContain('999');
  });

  it('reports an i386 file as the wrong machine rather than the wrong class', () => {
    const i386 = patched(sample(), (v) => {
      v.setUint8(ELF_FIELD.class, 1);
      v.setUint16(ELF_FIELD.machine, 3, true);
    });
    expect(loaderError(() => parseElf(i386, 'x')).kind).toBe('wrong-machine');
  });

  it('refuses relocatable objects and core dumps as not-executable', () => {
    const rel = patched(sample(), (v) => v.setUint16(ELF_FIELD.type, 1, true));
    const relError = loaderError(() => parseElf(rel, 'start.o'));
    expect(relError.kind).toBe('not-executable');
    expect(relError.message).toMatch(/start\.o.*relocatable/);
    const core = patched(sample(), (v) => v.setUint16(ELF_FIELD.type, 4, true));
    expect(loaderError(() => parseElf(core, 'core')).kind).toBe('not-executable');
  });

  it('refuses a file with nothing to load as not-executable', () => {
    const none = makeElf({ segments: [{ paddr: 0x8000_0000n, data: text, type: 4 }] });
    expect(loaderError(() => parseElf(none, 'x')).kind).toBe('not-executable');
    const noHeaders = patched(sample(), (v) => v.setUint16(ELF_FIELD.phnum, 0, true));
    expect(loaderError(() => parseElf(noHeaders, 'x')).kind).toBe('not-executable');
  });

  it('refuses corrupt headers as not-elf', () => {
    const cases: [string, (v: DataView) => void][] = [
      ['bad class', (v) => v.setUint8(ELF_FIELD.class, 7)],
      ['bad data encoding', (v) => v.setUint8(ELF_FIELD.data, 0)],
      ['bad version', (v) => v.setUint8(ELF_FIELD.version, 2)],
      ['short phentsize', (v) => v.setUint16(ELF_FIELD.phentsize, 32, true)],
      // filesz larger than memsz in the first segment
      ['filesz > memsz', (v) => v.setBigUint64(ELF_FIELD.firstPhdr + 40, 4n, true)],
    ];
    for (const [what, patch] of cases) {
      expect(loaderError(() => parseElf(patched(sample(), patch), what)).kind, what).toBe('not-elf');
    }
  });

  it('refuses overlapping segments', () => {
    const bytes = makeElf({
      segments: [
        { paddr: 0x8000_0000n, data: text, memsz: 0x1000n },
        { paddr: 0x8000_0800n, data },
      ],
    });
    expect(loaderError(() => parseElf(bytes, 'x')).kind).toBe('not-elf');
  });

  it('refuses offsets and sizes past the end of the file as truncated', () => {
    const cases: [string, (v: DataView) => void][] = [
      ['phoff', (v) => v.setBigUint64(ELF_FIELD.phoff, 0xffff_ffff_ffff_fff0n, true)],
      ['segment offset', (v) => v.setBigUint64(ELF_FIELD.firstPhdr + 8, 1n << 40n, true)],
      [
        'segment size',
        (v) => {
          v.setBigUint64(ELF_FIELD.firstPhdr + 32, 1n << 62n, true);
          v.setBigUint64(ELF_FIELD.firstPhdr + 40, 1n << 62n, true);
        },
      ],
      ['shoff', (v) => v.setBigUint64(ELF_FIELD.shoff, 1n << 63n, true)],
      ['phnum', (v) => v.setUint16(ELF_FIELD.phnum, 0xfffe, true)],
      ['shnum', (v) => v.setUint16(ELF_FIELD.shnum, 0xfeff, true)],
    ];
    for (const [what, patch] of cases) {
      const error = loaderError(() => parseElf(patched(sample(), patch), 'cut.elf'));
      expect(error.kind, what).toBe('truncated');
      expect(error.message).toContain('cut.elf');
    }
  });

  it('gives a LoaderError for every truncation of a valid file', () => {
    for (const bytes of [sample(), makeElf({ segments: [{ paddr: 0x8000_0000n, data: text }] })]) {
      for (let length = 0; length < bytes.length; length++) {
        const error = loaderError(() => parseElf(bytes.subarray(0, length), 'cut.elf'));
        expect(error.kind === 'truncated' || error.kind === 'not-elf', `length ${length}: ${error.kind}`).toBe(true);
      }
    }
  });

  it('never throws anything but a LoaderError on corrupted bytes', () => {
    // A small deterministic generator (xorshift32), so that a failure can be reproduced.
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const original = sample();
    for (let round = 0; round < 2000; round++) {
      const bytes = original.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      try {
        parseElf(bytes, 'fuzz.elf');
      } catch (error) {
        expect(error, `round ${round}`).toBeInstanceOf(LoaderError);
      }
    }
  });
});

/** @fileoverview Test helper: writes minimal ELF64 RISC-V executables with given segments, sections and symbols. */

export interface TestSegment {
  paddr: bigint;
  /** Defaults to paddr. */
  vaddr?: bigint;
  data: Uint8Array;
  /** Defaults to data.length. */
  memsz?: bigint;
  /** p_type; defaults to PT_LOAD (1). */
  type?: number;
  /**
   * The segment starts at file offset 0 and holds the file's first `headers` bytes (ELF header,
   * program headers, zero padding) before `data`, as GNU ld lays out a segment when no linker
   * script says otherwise; paddr is then the headers' address. First segment only.
   */
  headers?: number;
}

export interface TestSection {
  name: string;
  /** sh_addr: a virtual address. */
  addr: bigint;
  size: bigint;
  /** SHT_*; defaults to SHT_PROGBITS (1). */
  type?: number;
  /** SHF_*; defaults to SHF_ALLOC | SHF_EXECINSTR (0x6). */
  flags?: bigint;
}

export interface TestSymbol {
  name: string;
  value: bigint;
  /** STT_*; defaults to STT_OBJECT (1). */
  type?: number;
  /** STB_*; defaults to STB_GLOBAL (1). */
  bind?: number;
  /** Defaults to SHN_ABS (0xfff1): defined. */
  shndx?: number;
}

export interface TestElf {
  entry?: bigint;
  segments: TestSegment[];
  /**
   * With neither symbols nor sections (both undefined) the file has no section header table at all,
   * like a stripped image.
   */
  symbols?: TestSymbol[];
  /** Sections before .symtab, .strtab and .shstrtab in the section header table. */
  sections?: TestSection[];
  /** e_type; defaults to ET_EXEC (2). */
  type?: number;
}

const EHDR = 64;
const PHDR = 56;
const SHDR = 64;
const SYM = 24;

/**
 * Lays the file out as a linker does, with every byte referenced by a header: ELF header, program
 * headers, segment data, .symtab, .strtab, .shstrtab, then the section header table at the end.
 * That makes any truncation of the file cut something the parser needs.
 */
export function makeElf(spec: TestElf): Uint8Array {
  const parts: { offset: number; bytes: Uint8Array }[] = [];
  let size = EHDR + spec.segments.length * PHDR;
  if (spec.segments.slice(1).some((s) => s.headers !== undefined)) throw new Error('only the first segment can hold the headers');
  const headers = spec.segments[0]?.headers ?? 0;
  if (headers > 0 && headers < size) throw new Error(`headers: ${headers} bytes cannot hold the ${size} of the ELF and program headers`);
  if (headers > 0) size = headers;
  const place = (bytes: Uint8Array): number => {
    const offset = size;
    parts.push({ offset, bytes });
    size += bytes.length;
    return offset;
  };

  const segmentOffsets = spec.segments.map((s) => place(s.data) - (s.headers ?? 0));
  const fileSize = (s: TestSegment): number => (s.headers ?? 0) + s.data.length;
  /** A section's file offset: where its address falls in a segment's file bytes (0 if none). */
  const offsetOf = (addr: bigint): number => {
    const i = spec.segments.findIndex((s) => addr >= (s.vaddr ?? s.paddr) && addr < (s.vaddr ?? s.paddr) + BigInt(fileSize(s)));
    return i < 0 ? 0 : segmentOffsets[i] + Number(addr - (spec.segments[i].vaddr ?? spec.segments[i].paddr));
  };

  let shoff = 0;
  let shnum = 0;
  let sectionTable: Uint8Array | undefined;
  let shstrndx = 0;
  if (spec.symbols !== undefined || spec.sections !== undefined) {
    const symbols = spec.symbols ?? [];
    const sections = spec.sections ?? [];
    const strtab = new StringTable();
    const symtab = new Uint8Array((symbols.length + 1) * SYM);
    const view = new DataView(symtab.buffer);
    symbols.forEach((sym, i) => {
      const at = (i + 1) * SYM;
      view.setUint32(at, strtab.add(sym.name), true);
      view.setUint8(at + 4, ((sym.bind ?? 1) << 4) | (sym.type ?? 1));
      view.setUint16(at + 6, sym.shndx ?? 0xfff1, true);
      view.setBigUint64(at + 8, sym.value, true);
    });
    const shstrtab = new StringTable();
    const sectionNames = sections.map((s) => shstrtab.add(s.name));
    const names = ['.symtab', '.strtab', '.shstrtab'].map((n) => shstrtab.add(n));
    const strBytes = strtab.bytes();
    const shstrBytes = shstrtab.bytes();
    const symtabOffset = place(symtab);
    const strtabOffset = place(strBytes);
    const shstrtabOffset = place(shstrBytes);

    const first = 1 + sections.length; // index of .symtab
    shnum = first + 3;
    shstrndx = first + 2;
    sectionTable = new Uint8Array(shnum * SHDR);
    const sv = new DataView(sectionTable.buffer);
    const section = (
      i: number, name: number, type: number, offset: number, length: bigint, link = 0, entsize = 0, flags = 0n, addr = 0n,
    ): void => {
      const at = i * SHDR;
      sv.setUint32(at, name, true);
      sv.setUint32(at + 4, type, true);
      sv.setBigUint64(at + 8, flags, true);
      sv.setBigUint64(at + 16, addr, true);
      sv.setBigUint64(at + 24, BigInt(offset), true);
      sv.setBigUint64(at + 32, length, true);
      sv.setUint32(at + 40, link, true);
      sv.setBigUint64(at + 56, BigInt(entsize), true);
    };
    sections.forEach((s, i) => {
      section(1 + i, sectionNames[i], s.type ?? 1, offsetOf(s.addr), s.size, 0, 0, s.flags ?? 0x6n, s.addr);
    });
    section(first, names[0], 2, symtabOffset, BigInt(symtab.length), first + 1, SYM);
    section(first + 1, names[1], 3, strtabOffset, BigInt(strBytes.length));
    section(first + 2, names[2], 3, shstrtabOffset, BigInt(shstrBytes.length));
    shoff = place(sectionTable);
  }

  const file = new Uint8Array(size);
  const view = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* LSB */, 1 /* EV_CURRENT */]);
  view.setUint16(16, spec.type ?? 2, true);
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  const first = spec.segments[0];
  view.setBigUint64(24, spec.entry ?? (first === undefined ? 0n : first.paddr + BigInt(first.headers ?? 0)), true);
  view.setBigUint64(32, BigInt(spec.segments.length > 0 ? EHDR : 0), true);
  view.setBigUint64(40, BigInt(shoff), true);
  view.setUint16(52, EHDR, true);
  view.setUint16(54, PHDR, true);
  view.setUint16(56, spec.segments.length, true);
  view.setUint16(58, SHDR, true);
  view.setUint16(60, shnum, true);
  view.setUint16(62, shstrndx, true);
  spec.segments.forEach((s, i) => {
    const at = EHDR + i * PHDR;
    view.setUint32(at, s.type ?? 1, true);
    view.setUint32(at + 4, 7, true); // RWX
    view.setBigUint64(at + 8, BigInt(segmentOffsets[i]), true);
    view.setBigUint64(at + 16, s.vaddr ?? s.paddr, true);
    view.setBigUint64(at + 24, s.paddr, true);
    view.setBigUint64(at + 32, BigInt(fileSize(s)), true);
    view.setBigUint64(at + 40, s.memsz ?? BigInt(fileSize(s)), true);
    view.setBigUint64(at + 48, 8n, true);
  });
  for (const part of parts) file.set(part.bytes, part.offset);
  return file;
}

/** Little-endian field offsets tests patch to make invalid variants. */
export const ELF_FIELD = {
  class: 4,
  data: 5,
  version: 6,
  type: 16,
  machine: 18,
  phoff: 32,
  shoff: 40,
  phentsize: 54,
  phnum: 56,
  shnum: 60,
  firstPhdr: EHDR,
} as const;

class StringTable {
  private readonly chunks: number[] = [0];

  add(name: string): number {
    const offset = this.chunks.length;
    this.chunks.push(...new TextEncoder().encode(name), 0);
    return offset;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

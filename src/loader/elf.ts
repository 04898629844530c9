/**
 * @fileoverview ELF64 parser for RISC-V executables: the loadable segments, the entry point, the
 * section headers and the symbol table.
 */

import { LoaderError } from './errors.ts';

/** One PT_LOAD segment: fileBytes go at paddr, and the rest up to memsz is zero (.bss). */
export interface ElfSegment {
  paddr: bigint;
  vaddr: bigint;
  /** A view into the file's bytes (p_filesz long), not a copy. */
  fileBytes: Uint8Array;
  /** Where fileBytes start in the file (p_offset): says whether a segment holds the ELF headers. */
  fileOffset: number;
  memsz: bigint;
}

/** One section header: what the linker put where, so the loader can tell code and data from padding. */
export interface ElfSection {
  /** From the section name string table; `section N` when the file gives no readable name. */
  name: string;
  /** sh_type (SHT_NOBITS = 8 for .bss). */
  type: number;
  /** sh_flags (SHF_ALLOC = 0x2: occupies memory when the program runs). */
  flags: bigint;
  /** sh_addr: a virtual address, as p_vaddr is. */
  addr: bigint;
  size: bigint;
}

/** A byte range [start, end) of the file. */
export interface FileRange {
  start: number;
  end: number;
}

export interface ElfImage {
  entry: bigint;
  /** PT_LOAD segments with a non-zero memory size, in program header order. */
  segments: ElfSegment[];
  /** Defined object, function and untyped symbols from .symtab, by name (empty if stripped). */
  symbols: Map<string, bigint>;
  /** Every section header but the null one at index 0; undefined when the file has no section header table. */
  sections?: ElfSection[];
  /** The ELF header and the program header table, which linkers may put inside the first segment. */
  headers: FileRange[];
}

// Field offsets and constants from the ELF-64 Object File Format (version 1.5) and the System V gABI.
const enum Ident {
  Class = 4,
  Data = 5,
  Version = 6,
  Size = 16,
}
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
const EV_CURRENT = 1;

const enum Ehdr {
  Type = 16,
  Machine = 18,
  Entry = 24,
  Phoff = 32,
  Shoff = 40,
  Phentsize = 54,
  Phnum = 56,
  Shentsize = 58,
  Shnum = 60,
  Shstrndx = 62,
  Size = 64,
}
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_CORE = 4;
const EM_RISCV = 243;

const enum Phdr {
  Type = 0,
  Offset = 8,
  Vaddr = 16,
  Paddr = 24,
  Filesz = 32,
  Memsz = 40,
  Size = 56,
}
const PT_LOAD = 1;
/** e_phnum value meaning "the real count is in section 0's sh_info" (more than 0xfffe headers). */
const PN_XNUM = 0xffff;

const enum Shdr {
  Name = 0,
  Type = 4,
  Flags = 8,
  Addr = 16,
  Offset = 24,
  Size = 32,
  Link = 40,
  Info = 44,
  Entsize = 56,
  Bytes = 64,
}
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
/** e_shstrndx value meaning "the real index is in section 0's sh_link". */
const SHN_XINDEX = 0xffff;

const enum Sym {
  Name = 0,
  Info = 4,
  Shndx = 6,
  Value = 8,
  Size = 24,
}
const STT_NOTYPE = 0;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_LOCAL = 0;
const SHN_UNDEF = 0;

/** Machines a wrong file is most likely built for, so the message can say which. */
const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'no machine'],
  [2, 'SPARC'],
  [3, 'x86 (i386)'],
  [8, 'MIPS'],
  [20, 'PowerPC'],
  [21, 'PowerPC64'],
  [22, 'IBM S/390'],
  [40, 'ARM'],
  [42, 'SuperH'],
  [43, 'SPARC V9'],
  [50, 'IA-64'],
  [62, 'x86-64'],
  [183, 'AArch64'],
  [243, 'RISC-V'],
  [258, 'LoongArch'],
]);

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46]; // "\x7fELF"

/** True if the bytes start with the ELF magic; anything else is loaded as a raw binary. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= ELF_MAGIC.length && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Parses an ELF64 little-endian RISC-V executable. `name` is the file name used in error messages.
 * Every offset and size read from the file is checked against its length first, so a truncated or
 * corrupt file gives a LoaderError and never a RangeError.
 */
export function parseElf(bytes: Uint8Array, name: string): ElfImage {
  return new ElfReader(bytes, name).parse();
}

/** A file byte range resolved to safe JS numbers. */
type Span = FileRange;

/** Where the section header table lies and how its entries are spaced. */
interface SectionTable {
  table: Span;
  count: number;
  stride: number;
}

class ElfReader {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly name: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  parse(): ElfImage {
    this.checkIdent();
    const entry = this.u64(Ehdr.Entry);
    const { segments, programHeaders } = this.loadSegments();
    const sectionTable = this.sectionTable();
    const symbols = sectionTable === undefined ? new Map<string, bigint>() : this.symbols(sectionTable);
    const sections = sectionTable === undefined ? undefined : this.sections(sectionTable);
    return { entry, segments, symbols, sections, headers: [{ start: 0, end: Ehdr.Size }, programHeaders] };
  }

  /** e_ident and the type and machine: is this a file we can run at all? */
  private checkIdent(): void {
    const { bytes, name } = this;
    if (!isElf(bytes)) {
      if (bytes.length > 0 && bytes.length < ELF_MAGIC.length && ELF_MAGIC.slice(0, bytes.length).every((b, i) => bytes[i] === b)) {
        throw this.truncated(`the ELF header`, 0, Ehdr.Size);
      }
      throw new LoaderError('not-elf', `${name} is not an ELF file (no \\x7fELF magic)`);
    }
    // e_machine sits at the same offset in 32- and 64-bit headers: read it before the class so an
    // i386 or 32-bit ARM file is reported as the wrong machine, which is the more useful message.
    this.need(0, Ehdr.Machine + 2, 'the ELF header');
    const cls = bytes[Ident.Class];
    const data = bytes[Ident.Data];
    if (cls !== ELFCLASS32 && cls !== ELFCLASS64) {
      throw this.corrupt(`unknown ELF class ${cls} in e_ident`);
    }
    if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) {
      throw this.corrupt(`unknown ELF data encoding ${data} in e_ident`);
    }
    if (bytes[Ident.Version] !== EV_CURRENT) {
      throw this.corrupt(`unknown ELF version ${bytes[Ident.Version]} in e_ident`);
    }
    const machine = this.view.getUint16(Ehdr.Machine, data === ELFDATA2LSB);
    if (machine !== EM_RISCV) {
      const what = MACHINE_NAMES.get(machine) ?? 'an unknown machine';
      throw new LoaderError(
        'wrong-machine',
        `${name} is an ELF file for ${what} (e_machine ${machine}), not RISC-V (${EM_RISCV}): build it with a riscv64 toolchain`,
      );
    }
    if (cls !== ELFCLASS64) {
      throw new LoaderError(
        'wrong-class',
        `${name} is a 32-bit (ELFCLASS32) RISC-V file; hartvm runs RV64 code: build it for rv64 (e.g. -march=rv64gc -mabi=lp64d)`,
      );
    }
    if (data !== ELFDATA2LSB) {
      throw new LoaderError(
        'wrong-endian',
        `${name} is a big-endian ELF file; RISC-V on hartvm is little-endian: build it little-endian`,
      );
    }
    this.need(0, Ehdr.Size, 'the ELF header');
    const type = this.u16(Ehdr.Type);
    if (type !== ET_EXEC && type !== ET_DYN) {
      const what =
        type === ET_REL
          ? 'a relocatable object file (ET_REL): link it into an executable first'
          : type === ET_CORE
            ? 'a core dump (ET_CORE), not a program'
            : `of ELF type ${type}, not an executable (ET_EXEC) or a position-independent executable (ET_DYN)`;
      throw new LoaderError('not-executable', `${name} is ${what}`);
    }
  }

  /** The PT_LOAD segments. ET_DYN images are taken as linked (at p_paddr), as QEMU does with -bios none. */
  private loadSegments(): { segments: ElfSegment[]; programHeaders: Span } {
    let count = this.u16(Ehdr.Phnum);
    if (count === PN_XNUM) count = this.section0Field(Shdr.Info, 'e_phnum');
    const stride = this.u16(Ehdr.Phentsize);
    const segments: ElfSegment[] = [];
    if (count === 0) throw this.nothingToLoad();
    if (stride < Phdr.Size) {
      throw this.corrupt(`program header entries are ${stride} bytes, less than the ${Phdr.Size} of ELF64`);
    }
    const table = this.span(this.u64(Ehdr.Phoff), BigInt(count) * BigInt(stride), 'the program header table');
    for (let i = 0; i < count; i++) {
      const at = table.start + i * stride;
      if (this.u32(at + Phdr.Type) !== PT_LOAD) continue;
      const memsz = this.u64(at + Phdr.Memsz);
      const filesz = this.u64(at + Phdr.Filesz);
      if (memsz === 0n) continue;
      if (filesz > memsz) {
        throw this.corrupt(`segment ${i} has more file bytes (${filesz}) than memory bytes (${memsz})`);
      }
      const paddr = this.u64(at + Phdr.Paddr);
      if (paddr + memsz > 1n << 64n) {
        throw this.corrupt(`segment ${i} at ${hex(paddr)} runs past the end of the 64-bit address space`);
      }
      const data = this.span(this.u64(at + Phdr.Offset), filesz, `the data of segment ${i}`);
      segments.push({
        paddr,
        vaddr: this.u64(at + Phdr.Vaddr),
        fileBytes: this.bytes.subarray(data.start, data.end),
        fileOffset: data.start,
        memsz,
      });
    }
    if (segments.length === 0) throw this.nothingToLoad();
    this.checkNoOverlap(segments);
    return { segments, programHeaders: table };
  }

  /** Overlapping segments would make the image depend on load order: no linker writes them. */
  private checkNoOverlap(segments: ElfSegment[]): void {
    const sorted = [...segments].sort((a, b) => (a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      if (sorted[i].paddr < prev.paddr + prev.memsz) {
        throw this.corrupt(
          `segments at ${hex(prev.paddr)} (${prev.memsz} bytes) and ${hex(sorted[i].paddr)} overlap in physical memory`,
        );
      }
    }
  }

  /** The section header table, or undefined when there is none (a stripped or hand-made image). */
  private sectionTable(): SectionTable | undefined {
    const shoff = this.u64(Ehdr.Shoff);
    if (shoff === 0n) return undefined;
    let count = this.u16(Ehdr.Shnum);
    if (count === 0) count = this.section0Field(Shdr.Size, 'e_shnum');
    if (count === 0) return undefined;
    const stride = this.u16(Ehdr.Shentsize);
    if (stride < Shdr.Bytes) {
      throw this.corrupt(`section header entries are ${stride} bytes, less than the ${Shdr.Bytes} of ELF64`);
    }
    const table = this.span(shoff, BigInt(count) * BigInt(stride), 'the section header table');
    return { table, count, stride };
  }

  /**
   * Every section but the null one. Names only serve messages, so a missing or damaged name table
   * gives `section N` names instead of refusing a file that loads as well without them.
   */
  private sections({ table, count, stride }: SectionTable): ElfSection[] {
    const header = (index: number): number => table.start + index * stride;
    let namesIndex = this.u16(Ehdr.Shstrndx);
    if (namesIndex === SHN_XINDEX) namesIndex = this.u32(header(0) + Shdr.Link);
    const names = this.nameTable(namesIndex < count ? header(namesIndex) : undefined);
    const sections: ElfSection[] = [];
    for (let i = 1; i < count; i++) {
      const at = header(i);
      sections.push({
        name: this.sectionName(names, this.u32(at + Shdr.Name)) ?? `section ${i}`,
        type: this.u32(at + Shdr.Type),
        flags: this.u64(at + Shdr.Flags),
        addr: this.u64(at + Shdr.Addr),
        size: this.u64(at + Shdr.Size),
      });
    }
    return sections;
  }

  /** The section name string table's bytes, if the header given is a string table wholly in the file. */
  private nameTable(header: number | undefined): Span | undefined {
    if (header === undefined || this.u32(header + Shdr.Type) !== SHT_STRTAB) return undefined;
    const offset = this.u64(header + Shdr.Offset);
    const size = this.u64(header + Shdr.Size);
    const length = BigInt(this.bytes.length);
    if (offset > length || size > length - offset) return undefined;
    return { start: Number(offset), end: Number(offset + size) };
  }

  private sectionName(names: Span | undefined, offset: number): string | undefined {
    if (names === undefined || offset === 0 || offset >= names.end - names.start) return undefined;
    const start = names.start + offset;
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= names.end || nul === start) return undefined;
    return new TextDecoder('utf-8').decode(this.bytes.subarray(start, nul));
  }

  /** Defined symbols from the first SHT_SYMTAB section, if the file has one. */
  private symbols({ table, count, stride }: SectionTable): Map<string, bigint> {
    const symbols = new Map<string, bigint>();
    const header = (index: number): number => table.start + index * stride;

    let symtab = -1;
    for (let i = 0; i < count; i++) {
      if (this.u32(header(i) + Shdr.Type) === SHT_SYMTAB) {
        symtab = i;
        break;
      }
    }
    if (symtab < 0) return symbols;
    const strtabIndex = this.u32(header(symtab) + Shdr.Link);
    if (strtabIndex >= count || this.u32(header(strtabIndex) + Shdr.Type) !== SHT_STRTAB) {
      throw this.corrupt(`the symbol table links to section ${strtabIndex}, which is not a string table`);
    }
    const entsize = this.u64(header(symtab) + Shdr.Entsize);
    if (entsize < BigInt(Sym.Size) || entsize > 0x1000n) {
      throw this.corrupt(`symbol table entries are ${entsize} bytes, not the ${Sym.Size} of ELF64`);
    }
    const symStride = Number(entsize);
    const syms = this.sectionSpan(header(symtab), 'the symbol table (.symtab)');
    const strs = this.sectionSpan(header(strtabIndex), 'the symbol string table (.strtab)');
    const decoder = new TextDecoder('utf-8');
    // Globals win over locals of the same name (a static `tohost` in one file must not hide the real one).
    const globals = new Set<string>();

    // Entry 0 is the reserved null symbol.
    for (let at = syms.start + symStride; at + Sym.Size <= syms.end; at += symStride) {
      const type = this.bytes[at + Sym.Info] & 0xf;
      if (type !== STT_NOTYPE && type !== STT_OBJECT && type !== STT_FUNC) continue;
      if (this.u16(at + Sym.Shndx) === SHN_UNDEF) continue;
      const nameOffset = this.u32(at + Sym.Name);
      if (nameOffset === 0) continue;
      if (nameOffset >= strs.end - strs.start) {
        throw this.corrupt(`a symbol name lies outside the string table`);
      }
      const start = strs.start + nameOffset;
      const nul = this.bytes.indexOf(0, start);
      if (nul < 0 || nul >= strs.end) throw this.corrupt(`a symbol name is not NUL-terminated in the string table`);
      if (nul === start) continue;
      const symName = decoder.decode(this.bytes.subarray(start, nul));
      const local = this.bytes[at + Sym.Info] >> 4 === STB_LOCAL;
      // RISC-V mapping symbols ($x, $d, $x<isa>) mark code and data ranges; they name nothing.
      if (local && type === STT_NOTYPE && symName.startsWith('$')) continue;
      if (local ? symbols.has(symName) : globals.has(symName)) continue;
      symbols.set(symName, this.u64(at + Sym.Value));
      if (!local) globals.add(symName);
    }
    return symbols;
  }

  /** Extended numbering: when a count does not fit its e_* field, it is kept in section header 0. */
  private section0Field(field: Shdr.Info | Shdr.Size, what: string): number {
    const shoff = this.u64(Ehdr.Shoff);
    if (shoff === 0n) throw this.corrupt(`${what} uses extended numbering but there is no section header table`);
    const at = this.span(shoff, BigInt(Shdr.Bytes), 'section header 0').start;
    const value = field === Shdr.Info ? BigInt(this.u32(at + field)) : this.u64(at + field);
    // A count beyond what the file could hold is corrupt; the table span check would say truncated.
    if (value > BigInt(this.bytes.length)) throw this.corrupt(`${what} (extended) is ${value}, more than the file holds`);
    return Number(value);
  }

  private sectionSpan(header: number, what: string): Span {
    return this.span(this.u64(header + Shdr.Offset), this.u64(header + Shdr.Size), what);
  }

  /** Resolves [offset, offset + size) in the file, or throws 'truncated' if it is not all there. */
  private span(offset: bigint, size: bigint, what: string): Span {
    const length = BigInt(this.bytes.length);
    if (offset > length || size > length - offset) {
      throw this.truncated(what, offset, offset + size);
    }
    return { start: Number(offset), end: Number(offset + size) };
  }

  private need(offset: number, size: number, what: string): void {
    this.span(BigInt(offset), BigInt(size), what);
  }

  private u16(at: number): number {
    return this.view.getUint16(at, true);
  }

  private u32(at: number): number {
    return this.view.getUint32(at, true);
  }

  private u64(at: number): bigint {
    return this.view.getBigUint64(at, true);
  }

  private truncated(what: string, start: number | bigint, end: number | bigint): LoaderError {
    return new LoaderError(
      'truncated',
      `${this.name} is truncated or corrupt: ${what} (bytes ${start}..${end}) runs past the end of the file (${this.bytes.length} bytes)`,
    );
  }

  private corrupt(why: string): LoaderError {
    return new LoaderError('not-elf', `${this.name} is not a valid ELF file: ${why}`);
  }

  private nothingToLoad(): LoaderError {
    return new LoaderError('not-executable', `${this.name} has no PT_LOAD segment with a memory size: nothing to load`);
  }
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

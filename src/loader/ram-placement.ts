/**
 * @fileoverview Where an ELF image's segments go in guest RAM, as QEMU's `-bios none` loads them: a
 * segment part that lies outside RAM is left out when it holds nothing the program needs, and
 * refused, naming what it holds, when it does. GNU ld without a linker script (`-Ttext=0x80000000`)
 * starts the first PT_LOAD segment a page early, at 0x7ffff000, with the ELF headers in it: QEMU
 * loads the part in RAM and drops the headers, so such a program must run here too.
 *
 * What a part holds comes from the section headers: any allocated section there is needed. A file
 * without section headers cannot say, so its part outside RAM may only hold the ELF headers and
 * zero bytes. Pure: no RAM is written here.
 */

import { formatMemorySize } from '../memory/size.ts';
import type { ElfImage, ElfSection, ElfSegment, FileRange } from './elf.ts';
import { LoaderError } from './errors.ts';

/** The part of a segment that goes into RAM: fileBytes at paddr, then zeros up to memsz. */
export interface PlacedPart {
  paddr: bigint;
  fileBytes: Uint8Array;
  memsz: bigint;
}

/** A segment part outside RAM that was left out, for the caller to report (`--verbose`). */
export interface SkippedPart {
  /** Index of the segment among the image's loadable segments. */
  segment: number;
  /** Guest physical range [from, to). */
  from: bigint;
  to: bigint;
  /** What the part holds, that makes it safe to leave out. */
  why: string;
}

export interface RamPlacement {
  parts: PlacedPart[];
  skipped: SkippedPart[];
}

/** Guest RAM as the loader sees it: physical [base, end). */
export interface RamWindow {
  base: bigint;
  end: bigint;
}

/** A range of offsets [from, to) from the start of a segment. */
interface SegmentRange {
  from: bigint;
  to: bigint;
}

const SHF_ALLOC = 0x2n;
const SHF_TLS = 0x400n;
const SHT_NOBITS = 8;

/**
 * Splits each segment into the part in RAM, to be copied, and parts outside it, to be skipped;
 * throws an 'out-of-ram' LoaderError naming the file (`name`) if a part outside holds anything the
 * program needs.
 */
export function placeInRam(image: ElfImage, name: string, ram: RamWindow): RamPlacement {
  const parts: PlacedPart[] = [];
  const skipped: SkippedPart[] = [];
  image.segments.forEach((segment, index) => {
    const start = segment.paddr;
    const end = segment.paddr + segment.memsz;
    for (const outside of outsideParts(segment, ram)) {
      const why = whyUnneeded(image, index, outside, name, ram);
      skipped.push({ segment: index, from: start + outside.from, to: start + outside.to, why });
    }
    const inStart = start > ram.base ? start : ram.base;
    const inEnd = end < ram.end ? end : ram.end;
    if (inStart >= inEnd) return;
    const fileEnd = BigInt(segment.fileBytes.length);
    const clamp = (offset: bigint): number => Number(offset < fileEnd ? offset : fileEnd);
    parts.push({
      paddr: inStart,
      fileBytes: segment.fileBytes.subarray(clamp(inStart - start), clamp(inEnd - start)),
      memsz: inEnd - inStart,
    });
  });
  if (parts.length === 0) {
    // Only headers and padding, all outside RAM: there is no program to run.
    const lowest = image.segments.reduce((m, s) => (s.paddr < m ? s.paddr : m), image.segments[0].paddr);
    const highest = image.segments.reduce((m, s) => (s.paddr + s.memsz > m ? s.paddr + s.memsz : m), 0n);
    throw outOfRamError(name, 'every segment', lowest, highest, ram);
  }
  return { parts, skipped };
}

/** A skipped part as one line for the user, e.g. for `--verbose`. */
export function describeSkipped(name: string, part: SkippedPart, ram: RamWindow): string {
  const side = part.to <= ram.base ? 'below' : 'above';
  return `${name}: skipped ${hex(part.from)}..${hex(part.to)} of segment ${part.segment}, ${side} guest RAM ` +
    `(${hex(ram.base)}..${hex(ram.end)}): ${part.why}`;
}

/** What an out-of-RAM error may add: the end RAM must reach (for the --memory hint), and why it matters. */
interface OutOfRamDetail {
  needEnd?: bigint;
  why?: string;
}

/** The error for an image or part that must lie in RAM and does not. */
export function outOfRamError(
  name: string, what: string, start: bigint, end: bigint, ram: RamWindow, { needEnd = end, why }: OutOfRamDetail = {},
): LoaderError {
  const hint =
    start >= ram.base
      ? `give the guest more memory with --memory (at least ${formatMemorySize(roundUpToMiB(needEnd - ram.base))})`
      : `it must be linked to run in RAM, at or above ${hex(ram.base)}`;
  return new LoaderError(
    'out-of-ram',
    `${name}: ${what} at ${hex(start)}..${hex(end)} lies outside guest RAM ` +
      `${hex(ram.base)}..${hex(ram.end)} (${formatMemorySize(Number(ram.end - ram.base))})${why === undefined ? '' : `: ${why}`}; ${hint}`,
  );
}

/** The parts of a segment below and above RAM, as offsets from its start; none if it fits. */
function outsideParts(segment: ElfSegment, ram: RamWindow): SegmentRange[] {
  const start = segment.paddr;
  const end = segment.paddr + segment.memsz;
  const parts: SegmentRange[] = [];
  if (start < ram.base) parts.push({ from: 0n, to: (end < ram.base ? end : ram.base) - start });
  if (end > ram.end) parts.push({ from: (start > ram.end ? start : ram.end) - start, to: segment.memsz });
  return parts;
}

/** Why a part outside RAM may be left out; throws if it may not. */
function whyUnneeded(image: ElfImage, index: number, part: SegmentRange, name: string, ram: RamWindow): string {
  const segment = image.segments[index];
  const holdsHeaders = fileRangeOf(segment, part).some((at) => image.headers.some((h) => overlaps(at, h)));
  if (image.sections !== undefined) {
    const needed = image.sections
      .filter(occupiesMemory)
      .flatMap((section) => {
        const range = sectionRange(section, segment);
        return range !== undefined && range.from < part.to && range.to > part.from ? [{ section, range }] : [];
      })
      .sort((a, b) => (a.range.from < b.range.from ? -1 : a.range.from > b.range.from ? 1 : 0));
    if (needed.length > 0) {
      const { section, range } = needed[0];
      const more = needed.length > 1 ? ` (with ${needed.slice(1).map((n) => n.section.name).join(', ')})` : '';
      const needEnd = needed.reduce((m, n) => (n.range.to > m ? n.range.to : m), 0n);
      throw outOfRamError(
        name, `section ${section.name}${more}`, segment.paddr + range.from, segment.paddr + range.to, ram, { needEnd: segment.paddr + needEnd },
      );
    }
    return holdsHeaders ? 'it holds the ELF headers and no allocated section' : 'it holds no allocated section (padding)';
  }

  // No section headers: only bytes that are certainly not the program's may be left out.
  const whole = (why: string): LoaderError =>
    outOfRamError(name, `segment ${index}`, segment.paddr, segment.paddr + segment.memsz, ram, { why });
  const fileEnd = BigInt(segment.fileBytes.length);
  // Memory past the file bytes is .bss: zero now, but the program's to use.
  if (part.to > fileEnd) {
    const from = part.from > fileEnd ? part.from : fileEnd;
    throw whole(`its memory at ${hex(segment.paddr + from)}..${hex(segment.paddr + part.to)} is not in the file (.bss)`);
  }
  let padding = false;
  for (let offset = Number(part.from); offset < Number(part.to); offset++) {
    const at = segment.fileOffset + offset;
    if (image.headers.some((h) => at >= h.start && at < h.end)) continue;
    if (segment.fileBytes[offset] !== 0) {
      throw whole(`its byte at ${hex(segment.paddr + BigInt(offset))} is neither ELF header nor zero padding, and the file has no section headers to say what it is`);
    }
    padding = true;
  }
  if (!holdsHeaders) return 'it holds only zero bytes (padding) and the file has no section headers';
  return padding ? 'it holds only the ELF headers and zero padding' : 'it holds only the ELF headers';
}

/**
 * Sections that take memory when the program runs: allocated and not empty. A .tbss is only the
 * template of each thread's zeroed TLS block, which takes no room in the segment it follows.
 */
function occupiesMemory(section: ElfSection): boolean {
  if ((section.flags & SHF_ALLOC) === 0n || section.size === 0n) return false;
  return !((section.flags & SHF_TLS) !== 0n && section.type === SHT_NOBITS);
}

/**
 * Where a section lies in a segment, as offsets from the segment's start. Section addresses are
 * virtual, like p_vaddr, so the match is by virtual address; a segment loaded elsewhere (p_paddr)
 * then carries its sections along.
 */
function sectionRange(section: ElfSection, segment: ElfSegment): SegmentRange | undefined {
  const start = segment.vaddr;
  const end = segment.vaddr + segment.memsz;
  const from = section.addr > start ? section.addr : start;
  const to = section.addr + section.size < end ? section.addr + section.size : end;
  return from < to ? { from: from - start, to: to - start } : undefined;
}

/** The file bytes of a segment part, as a file range (none if the part is all .bss). */
function fileRangeOf(segment: ElfSegment, part: SegmentRange): FileRange[] {
  const fileEnd = BigInt(segment.fileBytes.length);
  if (part.from >= fileEnd) return [];
  const to = part.to < fileEnd ? part.to : fileEnd;
  return [{ start: segment.fileOffset + Number(part.from), end: segment.fileOffset + Number(to) }];
}

function overlaps(a: FileRange, b: FileRange): boolean {
  return a.start < b.end && b.start < a.end;
}

function roundUpToMiB(bytes: bigint): number {
  const mib = 1n << 20n;
  return Number(((bytes + mib - 1n) / mib) * mib);
}

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

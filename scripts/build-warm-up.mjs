#!/usr/bin/env node
/**
 * @fileoverview Packs the interpreter's warm-up programs (src/cpu/warm-up.ts) into
 * src/cpu/warm-up.bin: a few of the bare-metal ISA test programs, which between them run every
 * instruction class, compressed code, atomics, CSRs, traps, paging in S and U mode and the FPU.
 * The file is committed, so that hartvm needs no cross compiler at run time; the test suite checks
 * that it is what this script makes from the current test programs (their builds are reproducible).
 *
 * Format, little-endian: "HVWU", u32 program count; per program: u32 name length, the name (ASCII),
 * u32 entry (low word; the programs live in the low 4 GiB), u32 segment count; per loadable
 * segment: u32 physical address, u32 bytes in memory, u32 bytes in the file, then the file bytes.
 *
 * Usage: node scripts/build-warm-up.mjs [--check]   (--check: exit 1 if the file is out of date)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, buildGuests } from './build-guests.mjs';

/** The programs, in the order they run. interrupts.elf is left out: it waits for a real timer. */
export const WARM_UP_PROGRAMS = [
  'isa/rv64i', 'isa/rv64m', 'isa/rv64a', 'isa/rv64c', 'isa/zicsr', 'isa/traps', 'isa/privilege',
  'isa/vm-sv39', 'isa/vm-sv48', 'isa/zifencei', 'fp/fp-arith', 'fp/fp-state',
];
export const WARM_UP_FILE = path.join(ROOT, 'src', 'cpu', 'warm-up.bin');

/** The PT_LOAD segments of an ELF64 little-endian executable. */
function loadSegments(elf) {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = Number(v.getBigUint64(32, true));
  const phentsize = v.getUint16(54, true), phnum = v.getUint16(56, true);
  const segments = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (v.getUint32(p, true) !== 1) continue; // PT_LOAD
    const offset = Number(v.getBigUint64(p + 8, true));
    const paddr = Number(v.getBigUint64(p + 24, true));
    const filesz = Number(v.getBigUint64(p + 32, true));
    const memsz = Number(v.getBigUint64(p + 40, true));
    segments.push({ paddr, memsz, bytes: elf.subarray(offset, offset + filesz) });
  }
  return { entry: Number(v.getBigUint64(24, true)), segments };
}

/** The packed file's bytes, from the ELFs in build/guest/. */
export function packWarmUp() {
  const parts = [];
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); parts.push(b); };
  parts.push(Buffer.from('HVWU'));
  u32(WARM_UP_PROGRAMS.length);
  for (const name of WARM_UP_PROGRAMS) {
    const { entry, segments } = loadSegments(readFileSync(path.join(ROOT, 'build', 'guest', `${name}.elf`)));
    u32(name.length);
    parts.push(Buffer.from(name, 'ascii'));
    u32(entry);
    u32(segments.length);
    for (const s of segments) {
      u32(s.paddr);
      u32(s.memsz);
      u32(s.bytes.length);
      parts.push(Buffer.from(s.bytes));
    }
  }
  return Buffer.concat(parts);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildGuests();
  const packed = packWarmUp();
  if (process.argv.includes('--check')) {
    const current = readFileSync(WARM_UP_FILE);
    if (!current.equals(packed)) {
      console.error(`${path.relative(ROOT, WARM_UP_FILE)} is out of date: run node scripts/build-warm-up.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(WARM_UP_FILE, packed);
    console.log(`${path.relative(ROOT, WARM_UP_FILE)}: ${WARM_UP_PROGRAMS.length} programs, ${packed.length} bytes`);
  }
}

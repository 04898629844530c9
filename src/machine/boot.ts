/**
 * @fileoverview Boot preparation: puts the firmware, the kernel, the initrd and the device tree in
 * guest RAM where each boot path expects them, and says how the harts start.
 *   --bios none     the program at its ELF addresses (raw: at RAM start); every hart in M-mode at its
 *                   entry, a1 = the device tree (QEMU's -bios none).
 *   --bios builtin  the kernel (Linux Image at RAM + text_offset, vmlinux at RAM + 2 MiB, other ELFs
 *                   as linked, raw at RAM + 2 MiB);
 *                   hart 0 in S-mode at its entry with a1 = the device tree, the others STOPPED.
 *   --bios FILE     an M-mode firmware (OpenSBI fw_jump) at RAM start and the kernel at RAM + 2 MiB,
 *                   every hart in M-mode at the firmware's entry with a1 = the device tree.
 */

import { buildMachineDtb } from '../fdt/machine-dt.ts';
import { loadIntoRam, readKernelFile, type LoadedImage } from '../loader/image.ts';
import { parseLinuxImage } from '../loader/linux-image.ts';
import { isElf, parseElf, type ElfImage } from '../loader/elf.ts';
import { LoaderError } from '../loader/errors.ts';
import { describeSkipped } from '../loader/ram-placement.ts';
import { ConfigError, type MachineConfig } from './config.ts';
import { RAM_BASE } from '../memory/machine-map.ts';

/** S-mode kernels load here by default: where OpenSBI's fw_jump jumps on QEMU virt. */
const KERNEL_OFFSET = 0x20_0000n;
/** ELF addresses at or above this are a kernel's virtual addresses (riscv64 Linux: 0xffffffff80000000). */
const KERNEL_VIRTUAL_BASE = 0xffff_ffff_0000_0000n;
/** The device tree goes 2 MiB below the end of RAM (when RAM is large enough), as QEMU places it. */
const DTB_TOP_GAP = 0x20_0000;
const PAGE = 0x1000;

export interface BootPlan {
  /** Where the harts that start at reset begin. */
  entry: number;
  /** 'none': every hart starts at entry in M-mode; 'builtin': hart 0 in S-mode, SBI served by the VMM. */
  firmware: 'none' | 'builtin';
  /** a1 at entry: the device tree's address (0 if there is none). */
  a1: number;
  tohost?: number;
  fromhost?: number;
  /** What the loader did that QEMU does silently (ELF header parts outside RAM it skipped), one line each. */
  notes: string[];
}

interface Region { start: bigint; end: bigint; what: string }

export function prepareBoot(config: MachineConfig, ram: Uint8Array): BootPlan {
  const base = BigInt(RAM_BASE);
  const used: Region[] = [];
  const claim = (start: bigint, end: bigint, what: string): void => {
    for (const r of used) {
      if (start < r.end && end > r.start) {
        throw new ConfigError([`${what} (0x${start.toString(16)}..0x${end.toString(16)}) overlaps ${r.what}: use a larger --memory`]);
      }
    }
    used.push({ start, end, what });
  };
  const notes: string[] = [];
  const ramWindow = { base, end: base + BigInt(ram.length) };
  const noteSkipped = (image: LoadedImage, path: string): void => {
    for (const part of image.skipped) notes.push(describeSkipped(path, part, ramWindow));
  };

  let entry: LoadedImage;
  let tohost: LoadedImage | undefined;
  if (config.bios.kind === 'file') {
    const firmware = loadIntoRam(readKernelFile(config.bios.path), config.bios.path, ram, base, base);
    claim(firmware.lowest, firmware.highest, `the firmware ${config.bios.path}`);
    noteSkipped(firmware, config.bios.path);
    const kernel = loadKernel(config.kernel, ram, base);
    claim(kernel.lowest, kernel.highest, `the kernel ${config.kernel}`);
    noteSkipped(kernel, config.kernel);
    entry = firmware;
  } else if (config.bios.kind === 'builtin') {
    const kernel = loadKernel(config.kernel, ram, base);
    claim(kernel.lowest, kernel.highest, `the kernel ${config.kernel}`);
    noteSkipped(kernel, config.kernel);
    entry = kernel;
    tohost = kernel;
  } else {
    const program = loadIntoRam(readKernelFile(config.kernel), config.kernel, ram, base, base);
    claim(program.lowest, program.highest, `the program ${config.kernel}`);
    noteSkipped(program, config.kernel);
    entry = program;
    tohost = program;
  }

  let initrd: { start: bigint; end: bigint } | undefined;
  if (config.initrd !== undefined) {
    if (config.bios.kind === 'none') throw new ConfigError(['--initrd needs a kernel booted by firmware: use --bios builtin or --bios FILE']);
    const bytes = readKernelFile(config.initrd);
    const start = base + initrdOffset(ram.length, bytes.length);
    const end = start + BigInt(bytes.length);
    if (end > base + BigInt(ram.length)) {
      throw new ConfigError([`--initrd ${config.initrd} (${bytes.length} bytes) does not fit in guest RAM: use a larger --memory`]);
    }
    claim(start, end, `the initrd ${config.initrd}`);
    ram.set(bytes, Number(start - base));
    initrd = { start, end };
  }

  const dtb = buildMachineDtb({ harts: config.harts, memoryBytes: ram.length, extensions: config.extensions, bootargs: config.append, initrd });
  const dtbOffset = ((ram.length > 4 * DTB_TOP_GAP ? ram.length - DTB_TOP_GAP : ram.length) - dtb.length) & ~7;
  let a1 = 0;
  if (dtbOffset >= 0) {
    const start = base + BigInt(dtbOffset);
    const fits = used.every((r) => start + BigInt(dtb.length) <= r.start || start >= r.end);
    if (fits) {
      ram.set(dtb, dtbOffset);
      a1 = RAM_BASE + dtbOffset;
    } else if (config.bios.kind !== 'none') {
      // A bare-metal program may fill RAM; a kernel cannot boot without its device tree.
      throw new ConfigError([`the device tree does not fit in guest RAM beside the kernel: use a larger --memory`]);
    }
  }

  return {
    entry: Number(entry.entry),
    firmware: config.bios.kind === 'builtin' ? 'builtin' : 'none',
    a1,
    tohost: tohost?.tohost === undefined ? undefined : Number(tohost.tohost),
    fromhost: tohost?.fromhost === undefined ? undefined : Number(tohost.fromhost),
    notes,
  };
}

/**
 * A kernel for a firmware to start: a Linux Image at its text_offset, a vmlinux ELF (linked at the
 * kernel's virtual addresses) moved to RAM + 2 MiB, any other ELF as linked, raw at RAM + 2 MiB.
 */
function loadKernel(path: string, ram: Uint8Array, base: bigint): LoadedImage {
  const bytes = readKernelFile(path);
  if (isElf(bytes)) {
    const elf = parseElf(bytes, path);
    const lowest = elf.segments.reduce((m, s) => (s.paddr < m ? s.paddr : m), elf.segments[0].paddr);
    if (lowest >= KERNEL_VIRTUAL_BASE) return loadVmlinux(elf, path, ram, base, lowest);
  }
  const header = parseLinuxImage(bytes);
  if (header === undefined) return loadIntoRam(bytes, path, ram, base, base + KERNEL_OFFSET);
  const start = base + header.textOffset;
  const size = header.imageSize > BigInt(bytes.length) ? header.imageSize : BigInt(bytes.length);
  if (start + size > base + BigInt(ram.length)) {
    throw new LoaderError('out-of-ram', `${path}: the kernel needs ${size} bytes at 0x${start.toString(16)}, ` +
      `beyond the end of guest RAM (${ram.length >> 20} MiB): use a larger --memory`);
  }
  const image = loadIntoRam(bytes, path, ram, base, start);
  // The kernel's bss (image_size beyond the file) must not hold anything else.
  return { ...image, highest: start + size };
}

/**
 * A vmlinux is linked where the kernel runs once paging is on (0xffffffff80000000 on riscv64), not
 * where it is loaded. The RISC-V kernel runs from any 2 MiB-aligned physical address, so its segments
 * go to RAM + 2 MiB at their offsets from the lowest one, and the entry moves with them (QEMU also
 * translates a vmlinux's addresses into RAM).
 */
function loadVmlinux(elf: ElfImage, path: string, ram: Uint8Array, base: bigint, lowest: bigint): LoadedImage {
  const start = base + KERNEL_OFFSET;
  const ramEnd = base + BigInt(ram.length);
  let highest = start;
  for (const segment of elf.segments) {
    const at = start + (segment.paddr - lowest);
    if (at + segment.memsz > ramEnd) {
      throw new LoaderError('out-of-ram', `${path}: the kernel does not fit in guest RAM (${ram.length >> 20} MiB): use a larger --memory`);
    }
    const offset = Number(at - base);
    ram.fill(0, offset, offset + Number(segment.memsz));
    ram.set(segment.fileBytes, offset);
    if (at + segment.memsz > highest) highest = at + segment.memsz;
  }
  return { entry: start + (elf.entry - lowest), lowest: start, highest, skipped: [] };
}

/**
 * Where the initrd goes: far enough above the kernel that unpacking it cannot clobber the initrd,
 * low enough for the kernel to reach early: halfway into RAM below 256 MiB, at 128 MiB above (QEMU's rule).
 */
function initrdOffset(ramBytes: number, initrdBytes: number): bigint {
  const offset = ramBytes < 256 << 20 ? ramBytes / 2 : 128 << 20;
  const aligned = Math.floor(offset / PAGE) * PAGE;
  // A large initrd in a small RAM: move it down so it still ends below the device tree.
  const limit = ramBytes - 4 * DTB_TOP_GAP - initrdBytes;
  return BigInt(Math.max(0, Math.min(aligned, Math.floor(limit / PAGE) * PAGE)));
}

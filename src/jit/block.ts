/**
 * @fileoverview Finding a block of guest code to translate: which instructions the JIT handles, and
 * where a block ends. A block is a run of code on one page: it ends after an indirect jump, a
 * backward jump or a branch back to its start, before the first instruction the JIT leaves to the
 * interpreter, at the page's end, or at MAX_BLOCK_INSTRUCTIONS. Branches and forward jumps to
 * instructions further on in it stay inside it; other branches leave it through side exits.
 */

import { decodeBitmanip, NOT_BITMANIP } from '../cpu/bitmanip.ts';

/** Longest block, in instructions. */
export const MAX_BLOCK_INSTRUCTIONS = 128;

export interface GuestInstruction {
  /** Guest virtual address (a signed 64-bit value as a number, as the interpreter keeps pc). */
  pc: number;
  /** The instruction as 32 bits; a compressed one expanded to its 32-bit equivalent. */
  inst: number;
  /** Its length in memory: 2 or 4. */
  len: number;
}

export interface BlockCode {
  start: number;
  insts: GuestInstruction[];
  /** Bytes of guest code from start the block covers. */
  bytes: number;
}

/**
 * Whether the instruction at pc ends a block starting at `start`. Indirect jumps do, and jumps
 * backward or off the page. A conditional branch does only when it goes back to the block's start
 * (the block then loops inside its function, and may be a spin loop for pause-loop exiting); any
 * other is a side exit, or, when its target is further on in the block, a jump inside it
 * (translator.ts), and the block goes on along its fall-through path, so that a block is worth the
 * cost of compiling it. A forward jump on the page reads on too: the code after it is what its
 * target, and the other branches over it, reach.
 */
export function endsBlock(inst: number, pc: number, start: number): boolean {
  const op = inst & 0x7f;
  if (op === 0x63) return pc + branchOffset(inst) === start;
  if (op === 0x73) return (inst & 0x7000) === 0; // ECALL, EBREAK, xRET, WFI, SFENCE.VMA: the dispatcher goes on
  if (op === 0x6f) { // a jump forward on the same page reads on: its target may lie in the block
    const target = pc + jalOffset(inst);
    return !(target > pc && Math.floor(target / 4096) === Math.floor(pc / 4096));
  }
  return op === 0x67;
}

/**
 * Whether the JIT translates this (32-bit or expanded) instruction on a hart with these optional
 * extensions (memory/extensions.ts). Everything else, including every
 * reserved encoding, is left to the interpreter, which raises what the specification says.
 */
export function translatable(inst: number, extensions: number): boolean {
  const f3 = (inst >>> 12) & 7;
  const f7 = inst >>> 25;
  switch (inst & 0x7f) {
    case 0x13: case 0x33: case 0x1b: case 0x3b:
      return integerTranslatable(inst, f3, f7) || decodeBitmanip(inst, extensions) !== NOT_BITMANIP;
    case 0x37: case 0x17: return true; // LUI, AUIPC
    case 0x6f: return jalOffset(inst) !== 0; // `j .` stays with the interpreter, which sees it as an idle loop
    case 0x67: return f3 === 0;
    case 0x63: return f3 !== 2 && f3 !== 3;
    case 0x03: return f3 !== 7;
    case 0x23: return f3 < 4;
    case 0x0f: return f3 === 0; // FENCE, FENCE.TSO, PAUSE; FENCE.I goes to the interpreter
    case 0x73: // Zicsr, and ECALL, EBREAK, SRET, MRET, WFI, SFENCE.VMA: through the interpreter (translator.ts)
      return (f3 & 3) !== 0 || inst === 0x00000073 || inst === 0x00100073 || inst === 0x10200073 || inst === 0x30200073 ||
        inst === 0x10500073 || (inst & 0xfe007fff) === 0x12000073;
    // F and D: natively where translate-fp.ts can, else compiled code calls the interpreter's FPU.
    case 0x07: case 0x27: return f3 === 2 || f3 === 3;
    case 0x43: case 0x47: case 0x4b: case 0x4f: case 0x53: return true;
    case 0x2f: { // A: LR, SC, and the AMOs with a wasm read-modify-write (MIN/MAX stay interpreted)
      const f5 = inst >>> 27;
      if (f3 !== 2 && f3 !== 3) return false;
      if (f5 === 0x02) return ((inst >>> 20) & 31) === 0;
      return f5 === 0x03 || f5 === 0x01 || f5 === 0x00 || f5 === 0x04 || f5 === 0x0c || f5 === 0x08;
    }
    default: return false;
  }
}

/** RV64I's and M's OP-IMM, OP, OP-IMM-32 and OP-32 encodings. */
function integerTranslatable(inst: number, f3: number, f7: number): boolean {
  switch (inst & 0x7f) {
    case 0x13:
      if (f3 === 1) return (inst >>> 26) === 0;
      if (f3 === 5) return (inst >>> 26) === 0 || (inst >>> 26) === 0x10;
      return true;
    case 0x1b:
      if (f3 === 0) return true;
      if (f3 === 1) return f7 === 0;
      if (f3 === 5) return f7 === 0 || f7 === 0x20;
      return false;
    case 0x33:
      if (f7 === 0 || f7 === 1) return true;
      return f7 === 0x20 && (f3 === 0 || f3 === 5);
    default: // 0x3b
      if (f7 === 0) return f3 === 0 || f3 === 1 || f3 === 5;
      if (f7 === 0x20) return f3 === 0 || f3 === 5;
      if (f7 === 1) return f3 === 0 || f3 >= 4;
      return false;
  }
}

export function jalOffset(inst: number): number {
  return ((inst >> 31) << 20) | (inst & 0xff000) | (((inst >>> 20) & 1) << 11) | (((inst >>> 21) & 0x3ff) << 1);
}

export function branchOffset(inst: number): number {
  return ((inst >> 31) << 12) | (((inst >>> 7) & 1) << 11) | (((inst >>> 25) & 0x3f) << 5) | (((inst >>> 8) & 0xf) << 1);
}

/**
 * Reads the block starting at `pc`, whose page begins at buffer byte offset `pageHost`, from the
 * 16-bit view of the buffer. `expand` maps a compressed parcel to its 32-bit form (0: reserved);
 * `extensions` are the hart's (an instruction of one it lacks is the interpreter's to refuse).
 * Returns an empty block when the first instruction is not translatable.
 */
export function readBlock(
  u16: Uint16Array, pageHost: number, pc: number, expand: Int32Array | Uint32Array, extensions: number,
): BlockCode {
  const insts: GuestInstruction[] = [];
  const startOff = pc - Math.floor(pc / 4096) * 4096;
  let off = startOff;
  while (insts.length < MAX_BLOCK_INSTRUCTIONS && off < 4096) {
    const half = u16[(pageHost + off) >>> 1];
    let inst: number, len: number;
    if ((half & 3) === 3) {
      if (off + 4 > 4096) break; // straddles the page: the interpreter fetches it
      inst = (half | (u16[(pageHost + off + 2) >>> 1] << 16)) | 0;
      len = 4;
    } else {
      inst = expand[half] | 0;
      len = 2;
      if (inst === 0) break;
    }
    if (!translatable(inst, extensions)) break;
    insts.push({ pc: pc + (off - startOff), inst, len });
    off += len;
    if (endsBlock(inst, pc + (off - len - startOff), pc)) break;
  }
  return { start: pc, insts, bytes: off - startOff };
}

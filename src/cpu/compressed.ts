/**
 * @fileoverview The C extension as a table: every 16-bit parcel expanded to the 32-bit instruction
 * it stands for, so the interpreter decodes compressed code with one table load. Reserved and
 * illegal parcels expand to 0, which is itself an illegal 32-bit instruction; the interpreter then
 * reports the original 16 bits in tval.
 *
 * Expanding all 65,536 parcels took some 11 ms of every vCPU thread's start, on the way to its
 * first guest instruction, so the table ships built: compressed-table.bin, little-endian, written by
 * scripts/build-compressed-table.mjs and checked against expandCompressed by the test suite.
 */

import { readFileSync } from 'node:fs';

const bit = (v: number, hi: number, lo: number): number => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

const iType = (imm: number, rs1: number, f3: number, rd: number, op: number): number =>
  ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
const sType = (imm: number, rs2: number, rs1: number, f3: number, op: number): number =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | op;
const rType = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number): number =>
  (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
const bType = (imm: number, rs2: number, rs1: number, f3: number): number =>
  (bit(imm, 12, 12) << 31) | (bit(imm, 10, 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
  (bit(imm, 4, 1) << 8) | (bit(imm, 11, 11) << 7) | 0x63;
const jType = (imm: number, rd: number): number =>
  (bit(imm, 20, 20) << 31) | (bit(imm, 10, 1) << 21) | (bit(imm, 11, 11) << 20) | (bit(imm, 19, 12) << 12) |
  (rd << 7) | 0x6f;

const OP_LOAD = 0x03, OP_LOAD_FP = 0x07, OP_IMM = 0x13, OP_IMM_32 = 0x1b, OP_STORE = 0x23, OP_STORE_FP = 0x27,
  OP = 0x33, OP_LUI = 0x37, OP_32 = 0x3b, OP_JALR = 0x67, OP_SYSTEM = 0x73;
const EBREAK = 0x00100073;

/** Expands one 16-bit parcel (low two bits != 3) to its 32-bit equivalent, or 0 if it is illegal. */
export function expandCompressed(c: number): number {
  const quadrant = c & 3;
  const f3 = bit(c, 15, 13);
  const rdFull = bit(c, 11, 7);
  const rs2Full = bit(c, 6, 2);
  const rdP = bit(c, 4, 2) + 8; // rd' / rs2'
  const rs1P = bit(c, 9, 7) + 8; // rs1' / rd'
  const imm6 = sext((bit(c, 12, 12) << 5) | bit(c, 6, 2), 6);
  switch (quadrant) {
    case 0: {
      // Offsets scaled by 8 (ld/sd/fld/fsd) and by 4 (lw/sw).
      const off8 = (bit(c, 12, 10) << 3) | (bit(c, 6, 5) << 6);
      const off4 = (bit(c, 12, 10) << 3) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 6);
      switch (f3) {
        case 0: { // C.ADDI4SPN
          const imm = (bit(c, 12, 11) << 4) | (bit(c, 10, 7) << 6) | (bit(c, 6, 6) << 2) | (bit(c, 5, 5) << 3);
          return imm === 0 ? 0 : iType(imm, 2, 0, rdP, OP_IMM);
        }
        case 1: return iType(off8, rs1P, 3, rdP, OP_LOAD_FP); // C.FLD
        case 2: return iType(off4, rs1P, 2, rdP, OP_LOAD); // C.LW
        case 3: return iType(off8, rs1P, 3, rdP, OP_LOAD); // C.LD
        case 5: return sType(off8, rdP, rs1P, 3, OP_STORE_FP); // C.FSD
        case 6: return sType(off4, rdP, rs1P, 2, OP_STORE); // C.SW
        case 7: return sType(off8, rdP, rs1P, 3, OP_STORE); // C.SD
        default: return 0; // f3 = 4 is reserved
      }
    }
    case 1:
      switch (f3) {
        case 0: return iType(imm6, rdFull, 0, rdFull, OP_IMM); // C.ADDI, C.NOP (and hints)
        case 1: return rdFull === 0 ? 0 : iType(imm6, rdFull, 0, rdFull, OP_IMM_32); // C.ADDIW
        case 2: return iType(imm6, 0, 0, rdFull, OP_IMM); // C.LI
        case 3: {
          if (rdFull === 2) { // C.ADDI16SP
            const imm = sext((bit(c, 12, 12) << 9) | (bit(c, 6, 6) << 4) | (bit(c, 5, 5) << 6) |
              (bit(c, 4, 3) << 7) | (bit(c, 2, 2) << 5), 10);
            return imm === 0 ? 0 : iType(imm, 2, 0, 2, OP_IMM);
          }
          // C.LUI: nzimm[17:12]; rd = 0 is a hint and still legal.
          return imm6 === 0 ? 0 : ((imm6 << 12) | (rdFull << 7) | OP_LUI);
        }
        case 4: {
          const shamt = (bit(c, 12, 12) << 5) | bit(c, 6, 2);
          switch (bit(c, 11, 10)) {
            case 0: return iType(shamt, rs1P, 5, rs1P, OP_IMM); // C.SRLI
            case 1: return iType(0x400 | shamt, rs1P, 5, rs1P, OP_IMM); // C.SRAI
            case 2: return iType(imm6, rs1P, 7, rs1P, OP_IMM); // C.ANDI
            default: {
              const sel = bit(c, 6, 5);
              if (bit(c, 12, 12) === 0) {
                switch (sel) {
                  case 0: return rType(0x20, rdP, rs1P, 0, rs1P, OP); // C.SUB
                  case 1: return rType(0, rdP, rs1P, 4, rs1P, OP); // C.XOR
                  case 2: return rType(0, rdP, rs1P, 6, rs1P, OP); // C.OR
                  default: return rType(0, rdP, rs1P, 7, rs1P, OP); // C.AND
                }
              }
              if (sel === 0) return rType(0x20, rdP, rs1P, 0, rs1P, OP_32); // C.SUBW
              if (sel === 1) return rType(0, rdP, rs1P, 0, rs1P, OP_32); // C.ADDW
              return 0;
            }
          }
        }
        case 5: { // C.J
          const imm = sext((bit(c, 12, 12) << 11) | (bit(c, 11, 11) << 4) | (bit(c, 10, 9) << 8) |
            (bit(c, 8, 8) << 10) | (bit(c, 7, 7) << 6) | (bit(c, 6, 6) << 7) | (bit(c, 5, 3) << 1) |
            (bit(c, 2, 2) << 5), 12);
          return jType(imm, 0);
        }
        default: { // C.BEQZ (6), C.BNEZ (7)
          const imm = sext((bit(c, 12, 12) << 8) | (bit(c, 11, 10) << 3) | (bit(c, 6, 5) << 6) |
            (bit(c, 4, 3) << 1) | (bit(c, 2, 2) << 5), 9);
          return bType(imm, 0, rs1P, f3 === 6 ? 0 : 1);
        }
      }
    case 2: {
      const ldsp = (bit(c, 12, 12) << 5) | (bit(c, 6, 5) << 3) | (bit(c, 4, 2) << 6);
      const sdsp = (bit(c, 12, 10) << 3) | (bit(c, 9, 7) << 6);
      switch (f3) {
        case 0: return iType((bit(c, 12, 12) << 5) | rs2Full, rdFull, 1, rdFull, OP_IMM); // C.SLLI
        case 1: return iType(ldsp, 2, 3, rdFull, OP_LOAD_FP); // C.FLDSP
        case 2: { // C.LWSP
          const imm = (bit(c, 12, 12) << 5) | (bit(c, 6, 4) << 2) | (bit(c, 3, 2) << 6);
          return rdFull === 0 ? 0 : iType(imm, 2, 2, rdFull, OP_LOAD);
        }
        case 3: return rdFull === 0 ? 0 : iType(ldsp, 2, 3, rdFull, OP_LOAD); // C.LDSP
        case 4:
          if (bit(c, 12, 12) === 0) {
            if (rs2Full === 0) return rdFull === 0 ? 0 : iType(0, rdFull, 0, 0, OP_JALR); // C.JR
            return rType(0, rs2Full, 0, 0, rdFull, OP); // C.MV
          }
          if (rs2Full === 0) {
            if (rdFull === 0) return EBREAK; // C.EBREAK
            return iType(0, rdFull, 0, 1, OP_JALR); // C.JALR
          }
          return rType(0, rs2Full, rdFull, 0, rdFull, OP); // C.ADD
        case 5: return sType(sdsp, rs2Full, 2, 3, OP_STORE_FP); // C.FSDSP
        case 6: return sType((bit(c, 12, 9) << 2) | (bit(c, 8, 7) << 6), rs2Full, 2, 2, OP_STORE); // C.SWSP
        default: return sType(sdsp, rs2Full, 2, 3, OP_STORE); // C.SDSP
      }
    }
    default:
      return 0; // quadrant 3 is a 32-bit instruction, never looked up here
  }
}

/** Where the built table ships (from src/cpu/ and from the bundles in build/dist/ alike). */
export const COMPRESSED_TABLE_FILE = new URL('../../src/cpu/compressed-table.bin', import.meta.url);
const TABLE_ENTRIES = 0x10000;

/** Expands every parcel: the table compressed-table.bin holds. */
export function buildCompressedTable(): Int32Array {
  const built = new Int32Array(TABLE_ENTRIES);
  for (let c = 0; c < TABLE_ENTRIES; c++) built[c] = (c & 3) === 3 ? 0 : expandCompressed(c);
  return built;
}

/**
 * The shipped table, or undefined when it cannot be used: missing, the wrong size, or read on a
 * big-endian host (C.NOP must come out as ADDI x0, x0, 0).
 */
function shippedTable(): Int32Array | undefined {
  let bytes: Buffer;
  try { bytes = readFileSync(COMPRESSED_TABLE_FILE); } catch { return undefined; }
  if (bytes.length !== TABLE_ENTRIES * 4) return undefined;
  const shipped = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return shipped[0x0001] === 0x00000013 ? shipped : undefined;
}

let table: Int32Array | undefined;

/** The 64 Ki-entry expansion table, loaded on first use and shared by every hart in a thread. */
export function compressedTable(): Int32Array {
  table ??= shippedTable() ?? buildCompressedTable();
  return table;
}

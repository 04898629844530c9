/**
 * The C extension's expansion table ships built (src/cpu/compressed-table.bin, written by
 * scripts/build-compressed-table.mjs): it must be exactly what expanding every parcel gives now,
 * and it is what the harts decode with.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPRESSED_TABLE_FILE, buildCompressedTable, compressedTable, expandCompressed } from '../../src/cpu/compressed.ts';

describe('the shipped compressed-instruction table', () => {
  it('holds the expansion of every parcel, little-endian (else: node scripts/build-compressed-table.mjs)', () => {
    const bytes = readFileSync(COMPRESSED_TABLE_FILE);
    const built = buildCompressedTable();
    expect(bytes.length).toBe(built.length * 4);
    const stale: string[] = [];
    for (let c = 0; c < built.length && stale.length < 5; c++) {
      if (bytes.readInt32LE(4 * c) !== built[c]) stale.push(`0x${c.toString(16)}: file 0x${(bytes.readInt32LE(4 * c) >>> 0).toString(16)}, expands to 0x${(built[c] >>> 0).toString(16)}`);
    }
    expect(stale).toEqual([]);
  });

  it('is the table the interpreter decodes with', () => {
    const table = compressedTable();
    expect(table).toEqual(buildCompressedTable());
    expect(table[0x0001]).toBe(0x00000013); // C.NOP: ADDI x0, x0, 0
    expect(table[0x4501]).toBe(expandCompressed(0x4501)); // C.LI a0, 0
    expect(table[0x0000]).toBe(0); // the all-zero parcel is reserved
  });
});

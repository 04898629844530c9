#!/usr/bin/env node
/**
 * @fileoverview Writes src/cpu/compressed-table.bin: the C extension's expansion of every 16-bit
 * parcel (src/cpu/compressed.ts buildCompressedTable), 65,536 little-endian 32-bit words, which a
 * vCPU thread then reads instead of expanding them all at start. Run it after changing
 * compressed.ts; the test suite (test/cpu/compressed-table.test.ts) fails while the file is stale.
 *
 * Usage: node scripts/build-compressed-table.mjs
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { COMPRESSED_TABLE_FILE, buildCompressedTable } = await tsImport('../src/cpu/compressed.ts', import.meta.url);
const table = buildCompressedTable();
const bytes = Buffer.alloc(table.length * 4);
table.forEach((word, i) => bytes.writeInt32LE(word, 4 * i));
writeFileSync(fileURLToPath(COMPRESSED_TABLE_FILE), bytes);
console.log(`wrote ${fileURLToPath(COMPRESSED_TABLE_FILE)} (${bytes.length} bytes)`);

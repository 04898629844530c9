/**
 * @fileoverview An initramfs overlay: files appended to the guest's rootfs.cpio as a second newc
 * archive, which Linux unpacks over the first (a file in both ends up with the second's content).
 * Benchmarks use it to put their own /init and programs into the project's guest without changing
 * its build (and so its build cache key).
 */

import { readFileSync } from 'node:fs';

export interface OverlayFile {
  /** Path in the guest, without the leading slash: "init", "bin/kernel-ops". */
  name: string;
  data: Uint8Array;
  /** Permission bits, e.g. 0o755. */
  mode: number;
}

const REGULAR_FILE = 0o100000;

/** Pads `length` up to a multiple of 4, as newc aligns each header and each file's data. */
const padTo4 = (length: number): number => (4 - (length % 4)) % 4;

/** One newc entry: the 110-byte ASCII header (13 fields of 8 hex digits after the magic), the name, the data. */
function entry(name: string, data: Uint8Array, mode: number, ino: number): Uint8Array {
  const nameBytes = Buffer.from(`${name}\0`, 'latin1');
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`, 'latin1');
  return Buffer.concat([
    header, nameBytes, Buffer.alloc(padTo4(header.length + nameBytes.length)),
    Buffer.from(data), Buffer.alloc(padTo4(data.length)),
  ]);
}

/** The guest's initramfs `base` (a newc archive on disk) with `files` unpacked over it. */
export function withOverlay(base: string, files: OverlayFile[]): Buffer {
  const first = readFileSync(base);
  const parts: Uint8Array[] = [first, Buffer.alloc(padTo4(first.length))];
  files.forEach((f, i) => parts.push(entry(f.name, f.data, REGULAR_FILE | f.mode, 0x4000 + i)));
  parts.push(entry('TRAILER!!!', new Uint8Array(0), 0, 0));
  return Buffer.concat(parts);
}

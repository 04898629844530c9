/**
 * @fileoverview The RISC-V Linux kernel Image header (Documentation/riscv/boot-image-header.rst):
 * 64 bytes at the start of arch/riscv/boot/Image that say where in RAM the kernel wants to be loaded
 * (text_offset from the start of RAM) and how much memory it occupies (image_size, bss included).
 */

export interface LinuxImageHeader {
  /** Load offset from the start of RAM. */
  textOffset: bigint;
  /** Bytes the kernel occupies once loaded, including its bss. 0 in very old kernels: use the file size. */
  imageSize: bigint;
  version: number;
}

const HEADER_BYTES = 64;
/** "RSC\x05" at offset 56: the current magic. */
const MAGIC2 = 0x05435352;
/** "RISCV\0\0\0" at offset 48: the deprecated magic, still written by 6.1. */
const MAGIC = 0x5643534952n;

/** The header when `bytes` is a RISC-V Linux Image, undefined otherwise. */
export function parseLinuxImage(bytes: Uint8Array): LinuxImageHeader | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(56, true) !== MAGIC2 && view.getBigUint64(48, true) !== MAGIC) return undefined;
  return {
    textOffset: view.getBigUint64(8, true),
    imageSize: view.getBigUint64(16, true),
    version: view.getUint32(32, true),
  };
}

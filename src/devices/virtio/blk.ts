/** @fileoverview virtio-blk (Virtio 1.2 §5.2): a block device backed by a host file, with synchronous I/O. */

import fs from 'node:fs';
import path from 'node:path';
import { VirtioDeviceId, VIRTIO_QUEUE_SIZE_MAX, type VirtioDevice, type VirtioQueues } from './mmio.ts';
import type { DescriptorChain } from './queue.ts';

/** virtio-blk addresses the disk in 512-byte sectors whatever its block size. */
export const SECTOR_BYTES = 512;
/** Bytes of the request header: le32 type, le32 reserved, le64 sector. */
export const BLK_HEADER_BYTES = 16;
/** Bytes of the GET_ID reply. */
export const BLK_ID_BYTES = 20;

/** Feature bits (§5.2.3). */
export const VIRTIO_BLK_F_SIZE_MAX = 1n << 1n;
export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;

/** Request types (§5.2.6). */
export const enum BlkRequestType {
  In = 0,
  Out = 1,
  Flush = 4,
  GetId = 8,
  GetLifetime = 10,
  Discard = 11,
  WriteZeroes = 13,
  SecureErase = 14,
}

/** Request status byte values. */
export const enum BlkStatus {
  Ok = 0,
  IoErr = 1,
  Unsupp = 2,
}

/** Config space offsets (struct virtio_blk_config). */
const enum Config {
  Capacity = 0x00, // le64, in sectors
  SizeMax = 0x08, // le32
  SegMax = 0x0c, // le32
  BlkSize = 0x14, // le32
  /** Fields up to num_queues (0x22, le16); everything past it reads as 0. */
  Bytes = 0x24,
}

/**
 * Data segments per request: a chain (or indirect table) holds the header, the data and the status,
 * so a direct chain in a full-size queue carries at most queue size - 2 data segments.
 */
export const BLK_SEG_MAX = VIRTIO_QUEUE_SIZE_MAX - 2;

export type VirtioBlkErrorKind = 'open' | 'not-a-file' | 'size';

/** The backing file cannot serve as a disk. Its message names the file. */
export class VirtioBlkError extends Error {
  override readonly name = 'VirtioBlkError';
  constructor(
    readonly kind: VirtioBlkErrorKind,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface VirtioBlkOptions {
  /** Open the file read-only and offer VIRTIO_BLK_F_RO; writes fail with IOERR. */
  readonly readonly: boolean;
}

/**
 * A virtio-blk device over a host file, one request queue. Reads and writes go straight between the
 * file and guest RAM with synchronous fs calls on the VMM thread, so requests complete in order
 * before QueueNotify returns. VIRTIO_BLK_F_FLUSH is offered: a FLUSH fsyncs the file before it
 * completes, and a driver that does not accept FLUSH gets writethrough (each write is fsynced), as
 * §5.2.6.2 requires of a device that offered it.
 */
export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VirtioDeviceId.Block;
  readonly queueCount = 1;
  readonly features: bigint;
  /** Size of the disk in 512-byte sectors. */
  readonly capacity: bigint;
  /** The GET_ID string: "hartvm-" + the file's base name, ASCII, NUL-padded to 20 bytes. */
  readonly serial: Uint8Array;
  readonly readonly: boolean;
  private readonly sizeBytes: number;
  private readonly config = new Uint8Array(Config.Bytes);
  private fd: number;

  private constructor(readonly path: string, fd: number, sizeBytes: number, isReadonly: boolean) {
    this.fd = fd;
    this.sizeBytes = sizeBytes;
    this.readonly = isReadonly;
    this.capacity = BigInt(sizeBytes / SECTOR_BYTES);
    this.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH | (isReadonly ? VIRTIO_BLK_F_RO : 0n);
    this.serial = serialFor(path);
    const view = new DataView(this.config.buffer);
    view.setBigUint64(Config.Capacity, this.capacity, true);
    view.setUint32(Config.SegMax, BLK_SEG_MAX, true);
  }

  /**
   * Opens `file` as a disk (read-write unless opts.readonly). Throws VirtioBlkError naming the file
   * if it cannot be opened, is not a regular file, or its size is not a multiple of 512 bytes.
   */
  static open(file: string, opts: VirtioBlkOptions): VirtioBlk {
    let fd: number;
    try {
      fd = fs.openSync(file, opts.readonly ? 'r' : 'r+');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new VirtioBlkError('open', file, `cannot open disk image ${file}: ${why}`, { cause: err });
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) {
        throw new VirtioBlkError('not-a-file', file, `disk image ${file} is not a regular file`);
      }
      if (stat.size % SECTOR_BYTES !== 0) {
        throw new VirtioBlkError(
          'size',
          file,
          `disk image ${file} is ${stat.size} bytes, not a multiple of the ${SECTOR_BYTES}-byte sector`,
        );
      }
      return new VirtioBlk(file, fd, stat.size, opts.readonly);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** Closes the file; later requests fail with IOERR. Idempotent. */
  close(): void {
    if (this.fd < 0) return;
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  readConfig(offset: number, size: number): number {
    let value = 0;
    for (let i = size - 1; i >= 0; i--) {
      const at = offset + i;
      value = value * 256 + (at >= 0 && at < this.config.length ? this.config[at] : 0);
    }
    return value;
  }

  // No writable config field is offered (no CONFIG_WCE): config writes are ignored.
  writeConfig(_offset: number, _size: number, _value: number): void {}

  reset(): void {
    // Requests complete synchronously: nothing is in flight.
  }

  process(queue: number, transport: VirtioQueues): boolean {
    let used = false;
    for (let chain = transport.pop(queue); chain; chain = transport.pop(queue)) {
      transport.addUsed(queue, chain, this.handle(chain, transport));
      used = true;
    }
    return used;
  }

  /** Serves one request; returns the bytes written into its writable buffers. */
  private handle(chain: DescriptorChain, transport: VirtioQueues): number {
    if (chain.readableBytes < BLK_HEADER_BYTES || chain.writableBytes < 1) {
      transport.warnOnce(
        'blk-short-request',
        `request ${chain.head} without a header (${chain.readableBytes} readable bytes) or a status byte: returned unserved`,
      );
      return 0;
    }
    const header = new DataView(chain.read(0, BLK_HEADER_BYTES).buffer);
    const type = header.getUint32(0, true);
    const sector = header.getBigUint64(8, true);
    // The status byte is the last writable byte; data-in is the writable bytes before it.
    const statusAt = chain.writableBytes - 1;
    let status: number;
    let written = 1;
    switch (type) {
      case BlkRequestType.In: {
        const length = statusAt;
        status = this.readSectors(chain, sector, length);
        if (status === BlkStatus.Ok) written += length;
        break;
      }
      case BlkRequestType.Out:
        status = this.writeSectors(chain, sector, chain.readableBytes - BLK_HEADER_BYTES, transport);
        break;
      case BlkRequestType.Flush:
        status = this.flush();
        break;
      case BlkRequestType.GetId: {
        const n = chain.write(0, this.serial.subarray(0, Math.min(BLK_ID_BYTES, statusAt)));
        written += n;
        status = BlkStatus.Ok;
        break;
      }
      default:
        status = BlkStatus.Unsupp;
    }
    chain.write(statusAt, Uint8Array.of(status));
    return written;
  }

  /** Byte position of [sector, sector + length) on the disk, or -1 if it is out of range or not whole sectors. */
  private position(sector: bigint, length: number): number {
    if (length % SECTOR_BYTES !== 0 || sector > this.capacity) return -1;
    const start = Number(sector) * SECTOR_BYTES;
    return start + length <= this.sizeBytes ? start : -1;
  }

  private readSectors(chain: DescriptorChain, sector: bigint, length: number): number {
    let pos = this.position(sector, length);
    if (pos < 0 || this.fd < 0) return BlkStatus.IoErr;
    try {
      for (const part of chain.writableSlices(0, length)) {
        let done = 0;
        while (done < part.length) {
          const n = fs.readSync(this.fd, part, done, part.length - done, pos + done);
          if (n === 0) return BlkStatus.IoErr; // the file shrank under us
          done += n;
        }
        pos += part.length;
      }
    } catch {
      return BlkStatus.IoErr;
    }
    return BlkStatus.Ok;
  }

  private writeSectors(chain: DescriptorChain, sector: bigint, length: number, transport: VirtioQueues): number {
    // §5.2.6.2: a write to a device that offered VIRTIO_BLK_F_RO fails with IOERR and writes nothing.
    if (this.readonly) return BlkStatus.IoErr;
    let pos = this.position(sector, length);
    if (pos < 0 || this.fd < 0) return BlkStatus.IoErr;
    try {
      for (const part of chain.readableSlices(BLK_HEADER_BYTES, length)) {
        let done = 0;
        while (done < part.length) done += fs.writeSync(this.fd, part, done, part.length - done, pos + done);
        pos += part.length;
      }
      // Offered FLUSH but not accepted: the driver expects writethrough (§5.2.6.2, case 1).
      if ((transport.driverFeatures & VIRTIO_BLK_F_FLUSH) === 0n) fs.fsyncSync(this.fd);
    } catch {
      return BlkStatus.IoErr;
    }
    return BlkStatus.Ok;
  }

  private flush(): number {
    if (this.fd < 0) return BlkStatus.IoErr;
    try {
      // Synchronous: once the driver sees this request complete, its earlier writes are on disk.
      fs.fsyncSync(this.fd);
    } catch {
      return BlkStatus.IoErr;
    }
    return BlkStatus.Ok;
  }
}

/** "hartvm-" + base name as printable ASCII (others become '_'), truncated or NUL-padded to 20 bytes. */
function serialFor(file: string): Uint8Array {
  const text = `hartvm-${path.basename(file)}`;
  const out = new Uint8Array(BLK_ID_BYTES);
  for (let i = 0; i < BLK_ID_BYTES && i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c >= 0x20 && c < 0x7f ? c : 0x5f;
  }
  return out;
}

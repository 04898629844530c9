/** @fileoverview Guest physical RAM as seen by device models: bounds-checked little-endian access and views. */

/** Why a guest memory access failed. */
export type GuestMemoryErrorKind = 'out-of-ram';

/** An access by a device model to guest physical memory that is not entirely RAM. */
export class GuestMemoryError extends Error {
  override readonly name = 'GuestMemoryError';
  constructor(
    readonly kind: GuestMemoryErrorKind,
    /** Guest physical address of the access. */
    readonly addr: bigint,
    readonly length: number,
  ) {
    super(`guest physical [0x${addr.toString(16)}, +${length}) is not RAM`);
  }
}

/** 2^53: guest physical addresses at or above this cannot be RAM (RAM ends below 2^33). */
const MAX_SAFE_ADDR = 2 ** 53;

/**
 * Guest RAM, guest physical [ramBase, ramBase + ramBytes), held in a SharedArrayBuffer at byte
 * ramOffset. vCPU threads write the same buffer concurrently: plain accessors here are plain typed
 * array accesses (no ordering), and the `Acquire`/`Release` accessors and `fence()` are the
 * Atomics operations a virtqueue needs to order its index words against the ring contents.
 *
 * Addresses are guest physical, as a number or a bigint (descriptors carry 64-bit addresses).
 */
export class GuestMemory {
  readonly buffer: SharedArrayBuffer;
  readonly ramOffset: number;
  readonly ramBase: number;
  readonly ramBytes: number;
  // Views over RAM only (not the whole buffer): a 4 GiB buffer is longer than a typed array may be.
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Uint16 view of RAM for Atomics on the virtqueue index words; undefined if RAM is not 2-aligned in the buffer. */
  private readonly halves: Uint16Array | undefined;
  /**
   * Told of every guest physical range a device has written and is about to hand back to the driver
   * (virtqueue used buffers), before the driver can see it: the JIT's code invalidation hooks here.
   */
  onDeviceWrite: ((addr: number, len: number) => void) | undefined;
  /** A private word: an Atomics read-modify-write on it is a full barrier on the host. */
  private readonly fenceWord = new Int32Array(new SharedArrayBuffer(4));

  constructor(buffer: SharedArrayBuffer, ramOffset: number, ramBase: number, ramBytes: number) {
    if (
      !Number.isSafeInteger(ramOffset) || ramOffset < 0 ||
      !Number.isSafeInteger(ramBytes) || ramBytes < 0 ||
      !Number.isSafeInteger(ramBase) || ramBase < 0 ||
      ramOffset + ramBytes > buffer.byteLength
    ) {
      throw new RangeError(
        `guest RAM of ${ramBytes} bytes at buffer offset ${ramOffset} does not fit a buffer of ${buffer.byteLength} bytes`,
      );
    }
    this.buffer = buffer;
    this.ramOffset = ramOffset;
    this.ramBase = ramBase;
    this.ramBytes = ramBytes;
    this.bytes = new Uint8Array(buffer, ramOffset, ramBytes);
    this.view = new DataView(buffer, ramOffset, ramBytes);
    this.halves = ramOffset % 2 === 0 ? new Uint16Array(buffer, ramOffset, ramBytes >>> 1) : undefined;
  }

  /** Byte offset in the buffer of guest physical [addr, addr+len), or -1 if that is not entirely RAM. */
  offsetOf(addr: bigint | number, len: number): number {
    const rel = this.ramIndex(addr, len);
    return rel < 0 ? -1 : this.ramOffset + rel;
  }

  /** Offset into RAM of guest physical [addr, addr+len), or -1 if that is not entirely RAM. */
  private ramIndex(addr: bigint | number, len: number): number {
    let a: number;
    if (typeof addr === 'bigint') {
      if (addr < 0n || addr >= BigInt(MAX_SAFE_ADDR)) return -1;
      a = Number(addr);
    } else {
      if (!(addr >= 0 && addr < MAX_SAFE_ADDR) || !Number.isInteger(addr)) return -1;
      a = addr;
    }
    const rel = a - this.ramBase;
    if (rel < 0 || !(len >= 0) || !Number.isInteger(len) || rel + len > this.ramBytes) return -1;
    return rel;
  }

  /** True if guest physical [addr, addr+len) is entirely RAM. */
  contains(addr: bigint | number, len: number): boolean {
    return this.ramIndex(addr, len) >= 0;
  }

  /** A view (not a copy) of guest physical [addr, addr+len), or undefined if not entirely RAM. */
  slice(addr: bigint | number, len: number): Uint8Array | undefined {
    const off = this.ramIndex(addr, len);
    return off < 0 ? undefined : this.bytes.subarray(off, off + len);
  }

  /** Like slice, but throws GuestMemoryError instead of returning undefined. */
  view8(addr: bigint | number, len: number): Uint8Array {
    const off = this.at(addr, len);
    return this.bytes.subarray(off, off + len);
  }

  readU8(addr: bigint | number): number {
    return this.bytes[this.at(addr, 1)];
  }
  writeU8(addr: bigint | number, value: number): void {
    this.bytes[this.at(addr, 1)] = value;
  }
  readU16(addr: bigint | number): number {
    return this.view.getUint16(this.at(addr, 2), true);
  }
  writeU16(addr: bigint | number, value: number): void {
    this.view.setUint16(this.at(addr, 2), value, true);
  }
  readU32(addr: bigint | number): number {
    return this.view.getUint32(this.at(addr, 4), true);
  }
  writeU32(addr: bigint | number, value: number): void {
    this.view.setUint32(this.at(addr, 4), value >>> 0, true);
  }
  readU64(addr: bigint | number): bigint {
    return this.view.getBigUint64(this.at(addr, 8), true);
  }
  writeU64(addr: bigint | number, value: bigint): void {
    this.view.setBigUint64(this.at(addr, 8), BigInt.asUintN(64, value), true);
  }

  /**
   * Reads a 16-bit word another thread publishes (a virtqueue's avail idx): an Atomics load, so the
   * ring contents the writer stored before it are visible to the reads that follow.
   */
  readU16Acquire(addr: bigint | number): number {
    const off = this.at(addr, 2);
    if ((off & 1) === 0 && this.halves) return Atomics.load(this.halves, off >>> 1);
    this.fence();
    return this.view.getUint16(off, true);
  }

  /**
   * Publishes a 16-bit word (a virtqueue's used idx): an Atomics store, so every plain store made
   * before it (the used ring entries) is visible to a thread that then reads the word.
   */
  writeU16Release(addr: bigint | number, value: number): void {
    const off = this.at(addr, 2);
    if ((off & 1) === 0 && this.halves) {
      Atomics.store(this.halves, off >>> 1, value & 0xffff);
    } else {
      this.fence();
      this.view.setUint16(off, value, true);
      this.fence();
    }
  }

  /** A full memory barrier: orders earlier stores before later loads (the virtio mb()). */
  fence(): void {
    Atomics.add(this.fenceWord, 0, 0);
  }

  /** The RAM offset of an access, or a GuestMemoryError. */
  private at(addr: bigint | number, len: number): number {
    const off = this.ramIndex(addr, len);
    if (off < 0) {
      const big = typeof addr === 'bigint' ? addr : Number.isSafeInteger(addr) ? BigInt(addr) : -1n;
      throw new GuestMemoryError('out-of-ram', BigInt.asUintN(64, big), len);
    }
    return off;
  }
}

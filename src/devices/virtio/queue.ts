/**
 * @fileoverview The device side of a virtio split virtqueue (Virtio 1.2 §2.7): descriptor table,
 * available ring and used ring in guest RAM; popping descriptor chains (direct and indirect),
 * returning them on the used ring, and notification suppression with VIRTIO_F_EVENT_IDX.
 */

import type { GuestMemory } from './guest-memory.ts';

/** Descriptor flags (struct virtq_desc.flags). */
export const enum DescFlag {
  /** The chain continues at `next`. */
  Next = 1,
  /** The buffer is device-writable (otherwise device-readable). */
  Write = 2,
  /** The buffer holds a table of descriptors (VIRTIO_F_INDIRECT_DESC). */
  Indirect = 4,
}

/** virtq_avail.flags: the driver asks for no used-buffer notifications (without EVENT_IDX). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** virtq_used.flags: the device asks for no available-buffer notifications (never set here). */
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Bytes per descriptor (le64 addr, le32 len, le16 flags, le16 next). */
export const DESC_BYTES = 16;
/** Bytes per used ring element (le32 id, le32 len). */
export const USED_ELEM_BYTES = 8;

/** The largest split queue the spec allows. */
export const QUEUE_SIZE_LIMIT = 32768;

/** Bytes of the descriptor table, the available ring and the used ring of a queue of `size` (with the event words). */
export function descTableBytes(size: number): number {
  return DESC_BYTES * size;
}
export function availRingBytes(size: number): number {
  return 6 + 2 * size;
}
export function usedRingBytes(size: number): number {
  return 6 + USED_ELEM_BYTES * size;
}

/** Why a queue could not be used: the driver broke the ring protocol. */
export type QueueErrorKind =
  | 'bad-layout' // size or ring addresses unusable when the queue is made ready
  | 'bad-avail-idx' // the driver made more buffers available than the queue holds
  | 'bad-index' // a head or next index beyond the table
  | 'loop' // a chain longer than its table: it loops
  | 'out-of-ram' // a buffer or table not entirely in RAM
  | 'bad-indirect'; // an indirect table of bad length, nested, or combined with NEXT

/** A malformed queue or chain, found while reading what the driver wrote. Caught by the transport. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  constructor(
    readonly kind: QueueErrorKind,
    message: string,
  ) {
    super(message);
  }
}

/** One buffer of a chain: guest physical address and length, already checked to be entirely RAM. */
export interface GuestBuffer {
  readonly addr: number;
  readonly len: number;
}

/**
 * A descriptor chain popped from the available ring: its device-readable buffers (the driver's
 * request, in order) and its device-writable buffers (room for the reply, in order). The readable
 * and writable buffers each form one byte stream; helpers address them by offset into that stream.
 * Every buffer was checked to lie in RAM when the chain was popped.
 */
export class DescriptorChain {
  /** Sum of readable buffer lengths. */
  readonly readableBytes: number;
  /** Sum of writable buffer lengths. */
  readonly writableBytes: number;

  constructor(
    private readonly memory: GuestMemory,
    /** Head descriptor index: the id returned on the used ring. */
    readonly head: number,
    readonly readable: readonly GuestBuffer[],
    readonly writable: readonly GuestBuffer[],
    /** The queue's generation when popped; a chain from before a reset is never returned. */
    readonly epoch: number,
  ) {
    this.readableBytes = readable.reduce((n, b) => n + b.len, 0);
    this.writableBytes = writable.reduce((n, b) => n + b.len, 0);
  }

  /** Views of readable bytes [offset, offset+length) of the readable stream, clipped to its end. */
  readableSlices(offset = 0, length = this.readableBytes - offset): Uint8Array[] {
    return this.slices(this.readable, offset, length);
  }

  /** Views of writable bytes [offset, offset+length) of the writable stream, clipped to its end. */
  writableSlices(offset = 0, length = this.writableBytes - offset): Uint8Array[] {
    return this.slices(this.writable, offset, length);
  }

  /** A copy of `length` readable bytes from `offset` (shorter if the stream ends first). */
  read(offset: number, length: number): Uint8Array {
    const parts = this.readableSlices(offset, length);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** A copy of every readable byte, in order. */
  readAll(): Uint8Array {
    return this.read(0, this.readableBytes);
  }

  /** Copies data into the writable stream at `offset`; returns the bytes written (clipped to its end). */
  write(offset: number, data: Uint8Array): number {
    let at = 0;
    for (const part of this.writableSlices(offset, data.length)) {
      part.set(data.subarray(at, at + part.length));
      at += part.length;
    }
    return at;
  }

  private slices(buffers: readonly GuestBuffer[], offset: number, length: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let skip = Math.max(0, offset);
    let left = Math.max(0, length);
    for (const b of buffers) {
      if (left === 0) break;
      if (skip >= b.len) {
        skip -= b.len;
        continue;
      }
      const n = Math.min(b.len - skip, left);
      // Checked at pop time: the whole buffer is RAM.
      out.push(this.memory.slice(b.addr + skip, n)!);
      left -= n;
      skip = 0;
    }
    return out;
  }
}

/**
 * The device's side of one split virtqueue. The transport sets its size and ring addresses from the
 * driver's register writes and activates it; devices reach it through the transport.
 *
 * Memory ordering (a vCPU thread is the driver, concurrently): the avail idx is read with an Atomics
 * load before the ring entry and descriptors it covers; used ring entries are plain stores published
 * by an Atomics store of the used idx; with EVENT_IDX, the avail_event store and the re-read of the
 * avail idx are ordered by that store's full barrier, so a buffer made available meanwhile is never
 * missed without a notification.
 */
export class Virtqueue {
  /** Queue size chosen by the driver (QueueNum). */
  size: number;
  ready = false;
  descAddr = 0n;
  availAddr = 0n;
  usedAddr = 0n;
  /** Incremented on every reset: chains popped before are dropped by addUsed. */
  epoch = 0;

  private eventIdx = false;
  // Numeric ring addresses, valid while ready.
  private desc = 0;
  private avail = 0;
  private used = 0;
  /** Next available ring index to read (free-running, 16 bits). */
  private lastAvail = 0;
  /** Next used ring index to write (free-running, 16 bits). */
  private usedIdx = 0;
  /** Used idx when the driver was last notified (for EVENT_IDX). */
  private signalledUsed = 0;
  private signalledValid = false;

  constructor(
    private readonly memory: GuestMemory,
    /** QueueNumMax: the largest size the driver may choose. */
    readonly maxSize: number,
  ) {
    this.size = maxSize;
  }

  /** Back to the state after device reset: not ready, no addresses, indices at 0. */
  reset(): void {
    this.ready = false;
    this.size = this.maxSize;
    this.descAddr = this.availAddr = this.usedAddr = 0n;
    this.desc = this.avail = this.used = 0;
    this.lastAvail = this.usedIdx = this.signalledUsed = 0;
    this.signalledValid = false;
    this.eventIdx = false;
    this.epoch++;
  }

  /**
   * Makes the queue live with the size and addresses the driver wrote (QueueReady = 1). Throws
   * QueueError 'bad-layout' if the size is not a power of two up to maxSize, or a ring is
   * misaligned or not entirely RAM; the queue then stays not ready.
   */
  activate(eventIdx: boolean): void {
    const size = this.size;
    if (size < 1 || size > this.maxSize || (size & (size - 1)) !== 0) {
      throw new QueueError('bad-layout', `queue size ${size} is not a power of two in [1, ${this.maxSize}]`);
    }
    const rings: [string, bigint, number, bigint][] = [
      ['descriptor table', this.descAddr, descTableBytes(size), 16n],
      ['available ring', this.availAddr, availRingBytes(size), 2n],
      ['used ring', this.usedAddr, usedRingBytes(size), 4n],
    ];
    for (const [what, addr, bytes, align] of rings) {
      if (addr % align !== 0n || !this.memory.contains(addr, bytes)) {
        throw new QueueError('bad-layout', `${what} at 0x${addr.toString(16)} (${bytes} bytes) is misaligned or not RAM`);
      }
    }
    this.desc = Number(this.descAddr);
    this.avail = Number(this.availAddr);
    this.used = Number(this.usedAddr);
    this.eventIdx = eventIdx;
    // The driver zeroes the rings before QueueReady, and the device's indices start at 0 (§2.7.13.1).
    this.lastAvail = this.usedIdx = this.signalledUsed = 0;
    this.signalledValid = false;
    this.ready = true;
  }

  /** Stops using the queue (QueueReady = 0) without forgetting its configuration. */
  deactivate(): void {
    this.ready = false;
  }

  /**
   * The next available descriptor chain, or undefined if none is available (or the queue is not
   * ready). Throws QueueError if the driver's ring or chain is malformed; the entry is then consumed.
   */
  pop(): DescriptorChain | undefined {
    if (!this.ready) return undefined;
    const mem = this.memory;
    let availIdx = mem.readU16Acquire(this.avail + 2);
    if (availIdx === this.lastAvail) {
      if (!this.eventIdx) return undefined;
      // Ask to be notified at the next buffer, then look again: the driver may have added one
      // after our first read but before seeing avail_event.
      this.setAvailEvent();
      availIdx = mem.readU16Acquire(this.avail + 2);
      if (availIdx === this.lastAvail) return undefined;
    }
    if (((availIdx - this.lastAvail) & 0xffff) > this.size) {
      throw new QueueError(
        'bad-avail-idx',
        `avail idx ${availIdx} is more than ${this.size} ahead of the device's ${this.lastAvail}`,
      );
    }
    const slot = this.lastAvail & (this.size - 1);
    const head = mem.readU16(this.avail + 4 + 2 * slot);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (this.eventIdx) this.setAvailEvent();
    return this.walk(head);
  }

  /** Puts chain `head` on the used ring with the number of bytes written into it, and publishes it. */
  addUsed(head: number, writtenLength: number): void {
    if (!this.ready) return;
    const mem = this.memory;
    const elem = this.used + 4 + USED_ELEM_BYTES * (this.usedIdx & (this.size - 1));
    mem.writeU32(elem, head);
    mem.writeU32(elem + 4, writtenLength);
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    mem.writeU16Release(this.used + 2, this.usedIdx);
  }

  /**
   * Whether the driver wants a used-buffer notification for the buffers added since the last call
   * that returned true: by virtq_avail.flags, or with EVENT_IDX by used_event (§2.7.10).
   */
  needsNotification(): boolean {
    if (!this.ready) return false;
    const mem = this.memory;
    const now = this.usedIdx;
    const before = this.signalledUsed;
    const valid = this.signalledValid;
    if (valid && now === before) return false;
    // Orders our used idx store before the reads of the driver's suppression words.
    mem.fence();
    this.signalledUsed = now;
    this.signalledValid = true;
    if (this.eventIdx) {
      const usedEvent = mem.readU16Acquire(this.avail + 4 + 2 * this.size);
      // vring_need_event: notify if used_event lies in [before, now).
      return !valid || ((now - usedEvent - 1) & 0xffff) < ((now - before) & 0xffff);
    }
    return (mem.readU16Acquire(this.avail) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }

  /** virtq_used.avail_event = the next avail index we will read. */
  private setAvailEvent(): void {
    this.memory.writeU16Release(this.used + 4 + USED_ELEM_BYTES * this.size, this.lastAvail);
  }

  /** Reads the chain starting at `head`, following NEXT links and at most one indirect table. */
  private walk(head: number): DescriptorChain {
    const mem = this.memory;
    const readable: GuestBuffer[] = [];
    const writable: GuestBuffer[] = [];
    let table = this.desc;
    let tableSize = this.size;
    let indirect = false;
    let index = head;
    let visited = 0;
    for (;;) {
      if (index >= tableSize) {
        throw new QueueError('bad-index', `descriptor index ${index} beyond a table of ${tableSize} (head ${head})`);
      }
      if (++visited > tableSize) {
        throw new QueueError('loop', `descriptor chain from head ${head} is longer than its table of ${tableSize}: a loop`);
      }
      const d = table + DESC_BYTES * index;
      const lo = mem.readU32(d);
      const hi = mem.readU32(d + 4);
      const addr = hi * 0x1_0000_0000 + lo;
      const len = mem.readU32(d + 8);
      const flags = mem.readU16(d + 12);
      const next = mem.readU16(d + 14);
      if (flags & DescFlag.Indirect) {
        if (indirect) throw new QueueError('bad-indirect', `nested indirect table in chain ${head}`);
        if (flags & DescFlag.Next) throw new QueueError('bad-indirect', `indirect descriptor with NEXT in chain ${head}`);
        if (len === 0 || len % DESC_BYTES !== 0) {
          throw new QueueError('bad-indirect', `indirect table of ${len} bytes in chain ${head}`);
        }
        if (!mem.contains(addr, len)) {
          throw new QueueError('out-of-ram', `indirect table at 0x${addr.toString(16)} (+${len}) is not RAM (chain ${head})`);
        }
        // The WRITE flag of the descriptor naming an indirect table is ignored (§2.7.5.3.2).
        table = addr;
        tableSize = len / DESC_BYTES;
        indirect = true;
        index = 0;
        visited = 0;
        continue;
      }
      if (!mem.contains(addr, len)) {
        throw new QueueError('out-of-ram', `buffer at 0x${addr.toString(16)} (+${len}) is not RAM (chain ${head})`);
      }
      (flags & DescFlag.Write ? writable : readable).push({ addr, len });
      if (!(flags & DescFlag.Next)) break;
      index = next;
    }
    return new DescriptorChain(mem, head, readable, writable, this.epoch);
  }
}

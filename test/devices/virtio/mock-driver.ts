/**
 * @fileoverview A driver-side model of virtio-mmio for tests: guest RAM in a SharedArrayBuffer, the
 * Linux initialisation sequence through the registers, and split virtqueues laid out in that RAM.
 */

import type { IrqLine } from '../../../src/devices/device.ts';
import { GuestMemory } from '../../../src/devices/virtio/guest-memory.ts';
import {
  VIRTIO_F_EVENT_IDX,
  VirtioMmioReg as Reg,
  VirtioStatus as Status,
  type VirtioMmio,
} from '../../../src/devices/virtio/mmio.ts';
import { DescFlag, DESC_BYTES, USED_ELEM_BYTES } from '../../../src/devices/virtio/queue.ts';
import { RAM_OFFSET } from '../../../src/memory/layout.ts';
import { RAM_BASE } from '../../../src/memory/machine-map.ts';

/** Guest RAM of the tests: small, at the machine's real base and buffer offset. */
export const TEST_RAM_BYTES = 2 << 20;

export function makeGuestMemory(ramBytes = TEST_RAM_BYTES): GuestMemory {
  return new GuestMemory(new SharedArrayBuffer(RAM_OFFSET + ramBytes), RAM_OFFSET, RAM_BASE, ramBytes);
}

/** An interrupt line that remembers its level and counts rising edges. */
export class RecordingIrq implements IrqLine {
  level = false;
  raised = 0;
  set(level: boolean): void {
    if (level && !this.level) this.raised++;
    this.level = level;
  }
}

/** A bump allocator over guest RAM (guest physical addresses). */
export class RamAllocator {
  private next: number;
  constructor(private readonly memory: GuestMemory, start = RAM_BASE + 0x1000) {
    this.next = start;
  }
  alloc(bytes: number, align = 16): number {
    const addr = Math.ceil(this.next / align) * align;
    this.next = addr + Math.max(bytes, 1);
    if (this.next > this.memory.ramBase + this.memory.ramBytes) throw new Error('test guest RAM exhausted');
    return addr;
  }
}

/** One buffer of a request: device-readable with `data`, or device-writable of `writable` bytes. */
export type BufferSpec = { readonly data: Uint8Array } | { readonly writable: number };

export interface PlacedBuffer {
  readonly addr: number;
  readonly len: number;
  readonly write: boolean;
}

export interface Submitted {
  readonly head: number;
  readonly buffers: readonly PlacedBuffer[];
}

export interface UsedElem {
  readonly id: number;
  readonly len: number;
}

export interface InitOptions {
  /** Features the driver wants; it accepts those of them the device offers. Default: all offered. */
  readonly want?: bigint;
  /** Size per queue; default QueueNumMax. */
  readonly queueSizes?: readonly number[];
  /** Stop before DRIVER_OK (for buffers made available early). */
  readonly skipDriverOk?: boolean;
}

/** The driver side of one virtio-mmio device, as Linux's virtio_mmio.c and virtio core drive it. */
export class MockDriver {
  readonly queues: MockQueue[] = [];
  negotiated = 0n;

  constructor(
    readonly mmio: VirtioMmio,
    readonly memory: GuestMemory,
    readonly alloc = new RamAllocator(memory),
  ) {}

  read(reg: number): number {
    return this.mmio.read(reg, 4);
  }
  write(reg: number, value: number): void {
    this.mmio.write(reg, 4, value);
  }
  status(): number {
    return this.read(Reg.Status);
  }
  addStatus(bit: number): void {
    this.write(Reg.Status, this.status() | bit);
  }

  /** register_virtio_device + virtio_dev_probe + find_vqs + virtio_device_ready. Returns negotiated features. */
  init(options: InitOptions = {}): bigint {
    if (this.read(Reg.MagicValue) !== 0x7472_6976) throw new Error('bad magic');
    if (this.read(Reg.Version) !== 2) throw new Error('not a modern virtio-mmio device');
    this.reset();
    this.addStatus(Status.Acknowledge);
    this.addStatus(Status.Driver);
    const offered = this.deviceFeatures();
    if (!this.negotiate(offered & (options.want ?? offered))) throw new Error('FEATURES_OK did not stick');
    const count = options.queueSizes?.length ?? this.queueCountGuess();
    for (let q = 0; q < count; q++) this.setupQueue(q, options.queueSizes?.[q]);
    if (!options.skipDriverOk) this.addStatus(Status.DriverOk);
    return this.negotiated;
  }

  /** Writes 0 to Status and waits (reads) until it reads back 0. */
  reset(): void {
    this.write(Reg.Status, 0);
    if (this.status() !== 0) throw new Error('reset did not complete');
    this.queues.length = 0;
  }

  deviceFeatures(): bigint {
    this.write(Reg.DeviceFeaturesSel, 1);
    const hi = BigInt(this.read(Reg.DeviceFeatures));
    this.write(Reg.DeviceFeaturesSel, 0);
    const lo = BigInt(this.read(Reg.DeviceFeatures));
    return (hi << 32n) | lo;
  }

  /** Writes the driver features and sets FEATURES_OK; true if the device kept it. */
  negotiate(features: bigint): boolean {
    this.write(Reg.DriverFeaturesSel, 1);
    this.write(Reg.DriverFeatures, Number(features >> 32n) >>> 0);
    this.write(Reg.DriverFeaturesSel, 0);
    this.write(Reg.DriverFeatures, Number(features & 0xffff_ffffn));
    this.addStatus(Status.FeaturesOk);
    const ok = (this.status() & Status.FeaturesOk) !== 0;
    if (ok) this.negotiated = features;
    return ok;
  }

  /** vm_setup_vq: select, check not ready, size, ring addresses, ready. */
  setupQueue(index: number, size?: number): MockQueue {
    this.write(Reg.QueueSel, index);
    if (this.read(Reg.QueueReady) !== 0) throw new Error(`queue ${index} already set up`);
    const max = this.read(Reg.QueueNumMax);
    if (max === 0) throw new Error(`queue ${index} not available`);
    const n = size ?? max;
    const queue = new MockQueue(this, index, n, (this.negotiated & VIRTIO_F_EVENT_IDX) !== 0n);
    this.write(Reg.QueueNum, n);
    this.setQueueAddresses(queue.desc, queue.avail, queue.used);
    this.write(Reg.QueueReady, 1);
    this.queues[index] = queue;
    return queue;
  }

  setQueueAddresses(desc: number, avail: number, used: number): void {
    for (const [low, addr] of [
      [Reg.QueueDescLow, desc],
      [Reg.QueueDriverLow, avail],
      [Reg.QueueDeviceLow, used],
    ] as const) {
      this.write(low, addr % 2 ** 32);
      this.write(low + 4, Math.floor(addr / 2 ** 32));
    }
  }

  /** The interrupt handler: reads InterruptStatus and acknowledges it. */
  acknowledge(): number {
    const pending = this.read(Reg.InterruptStatus);
    this.write(Reg.InterruptAck, pending);
    return pending;
  }

  /** Reads device config like Linux's vm_get for one field. */
  config(offset: number, size: 1 | 2 | 4): number {
    return this.mmio.read(Reg.Config + offset, size);
  }

  private queueCountGuess(): number {
    let n = 0;
    for (;;) {
      this.write(Reg.QueueSel, n);
      if (this.read(Reg.QueueNumMax) === 0) return n;
      n++;
    }
  }
}

/** A split virtqueue as the driver lays it out and fills it. */
export class MockQueue {
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
  private readonly memory: GuestMemory;
  private readonly free: number[] = [];
  /** Descriptor indices held by each outstanding head. */
  private readonly held = new Map<number, number[]>();
  private availIdx = 0;
  private lastUsed = 0;

  constructor(
    private readonly driver: MockDriver,
    readonly index: number,
    readonly size: number,
    readonly eventIdx: boolean,
  ) {
    this.memory = driver.memory;
    const alloc = driver.alloc;
    this.desc = alloc.alloc(DESC_BYTES * size, 16);
    this.avail = alloc.alloc(6 + 2 * size, 2);
    this.used = alloc.alloc(6 + USED_ELEM_BYTES * size, 4);
    for (let i = 0; i < size; i++) this.free.push(i);
  }

  /** Places the buffers in RAM, chains them (directly or through an indirect table), makes the chain available. */
  submit(buffers: readonly BufferSpec[], options: { indirect?: boolean; kick?: boolean } = {}): Submitted {
    const placed = buffers.map((spec): PlacedBuffer => {
      if ('data' in spec) {
        const addr = this.driver.alloc.alloc(spec.data.length, 8);
        this.memory.slice(addr, spec.data.length)!.set(spec.data);
        return { addr, len: spec.data.length, write: false };
      }
      const addr = this.driver.alloc.alloc(spec.writable, 8);
      this.memory.slice(addr, spec.writable)!.fill(0xee);
      return { addr, len: spec.writable, write: true };
    });
    let head: number;
    if (options.indirect) {
      const table = this.driver.alloc.alloc(DESC_BYTES * placed.length, 16);
      placed.forEach((b, i) =>
        writeDesc(this.memory, table + DESC_BYTES * i, b.addr, b.len,
          (b.write ? DescFlag.Write : 0) | (i + 1 < placed.length ? DescFlag.Next : 0), i + 1),
      );
      head = this.take(1)[0];
      this.writeDesc(head, table, DESC_BYTES * placed.length, DescFlag.Indirect, 0);
    } else {
      const indices = this.take(placed.length);
      placed.forEach((b, i) =>
        this.writeDesc(indices[i], b.addr, b.len,
          (b.write ? DescFlag.Write : 0) | (i + 1 < placed.length ? DescFlag.Next : 0), indices[i + 1] ?? 0),
      );
      head = indices[0];
    }
    this.makeAvailable(head);
    if (options.kick ?? true) this.kick();
    return { head, buffers: placed };
  }

  /** Takes `count` free descriptors for a chain (the first is its head). */
  take(count: number): number[] {
    if (this.free.length < count) throw new Error('mock queue: out of descriptors');
    const indices = this.free.splice(0, count);
    this.held.set(indices[0], indices);
    return indices;
  }

  writeDesc(index: number, addr: number | bigint, len: number, flags: number, next: number): void {
    writeDesc(this.memory, this.desc + DESC_BYTES * index, addr, len, flags, next);
  }

  /** Puts `head` on the available ring and publishes the new idx. */
  makeAvailable(head: number): void {
    this.memory.writeU16(this.avail + 4 + 2 * (this.availIdx % this.size), head);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.memory.writeU16Release(this.avail + 2, this.availIdx);
  }

  /** Writes avail idx directly (for malformed-ring tests). */
  setAvailIdx(idx: number): void {
    this.availIdx = idx & 0xffff;
    this.memory.writeU16Release(this.avail + 2, this.availIdx);
  }

  kick(): void {
    this.driver.write(Reg.QueueNotify, this.index);
  }

  setAvailFlags(flags: number): void {
    this.memory.writeU16(this.avail, flags);
  }
  /** avail->used_event (EVENT_IDX): interrupt when the used idx passes this. */
  setUsedEvent(value: number): void {
    this.memory.writeU16(this.avail + 4 + 2 * this.size, value);
  }
  /** used->avail_event (EVENT_IDX), written by the device. */
  availEvent(): number {
    return this.memory.readU16(this.used + 4 + USED_ELEM_BYTES * this.size);
  }
  usedIdx(): number {
    return this.memory.readU16Acquire(this.used + 2);
  }

  /** The used elements added since the last call; their descriptors become free again. */
  takeUsed(): UsedElem[] {
    const out: UsedElem[] = [];
    const end = this.usedIdx();
    while (this.lastUsed !== end) {
      const elem = this.used + 4 + USED_ELEM_BYTES * (this.lastUsed % this.size);
      const id = this.memory.readU32(elem);
      out.push({ id, len: this.memory.readU32(elem + 4) });
      const indices = this.held.get(id);
      if (indices) {
        this.held.delete(id);
        this.free.push(...indices);
      }
      this.lastUsed = (this.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  /** A copy of a placed buffer's current contents. */
  bytes(buffer: PlacedBuffer): Uint8Array {
    return this.memory.slice(buffer.addr, buffer.len)!.slice();
  }
}

export function writeDesc(memory: GuestMemory, at: number, addr: number | bigint, len: number, flags: number, next: number): void {
  memory.writeU64(at, BigInt(addr));
  memory.writeU32(at + 8, len);
  memory.writeU16(at + 12, flags);
  memory.writeU16(at + 14, next);
}

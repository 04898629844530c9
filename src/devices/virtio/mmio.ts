/**
 * @fileoverview The virtio-mmio transport, version 2 (Virtio 1.2 §4.2): the register file, feature
 * negotiation, device status and reset, the virtqueues and the interrupt line of one virtio device.
 */

import type { IrqLine, MmioDevice } from '../device.ts';
import { GuestMemoryError, type GuestMemory } from './guest-memory.ts';
import { QueueError, Virtqueue, type DescriptorChain } from './queue.ts';

/** "virt" in little-endian ASCII. */
export const VIRTIO_MMIO_MAGIC = 0x7472_6976;
/** Version 2: the modern (virtio 1.x) register layout; version 1 was the legacy one. */
export const VIRTIO_MMIO_VERSION = 2;
/** "QEMU": the vendor id QEMU's virt board reports, so guests see what they see there. */
export const VIRTIO_MMIO_VENDOR_ID = 0x554d_4551;
/** QueueNumMax of every queue: 256 entries, plenty for a block device and QEMU's default. */
export const VIRTIO_QUEUE_SIZE_MAX = 256;

/** Device-independent feature bits (§6). */
export const VIRTIO_F_INDIRECT_DESC = 1n << 28n;
export const VIRTIO_F_EVENT_IDX = 1n << 29n;
export const VIRTIO_F_VERSION_1 = 1n << 32n;
/** The transport features every device here offers on top of its own. */
export const TRANSPORT_FEATURES = VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX;
/** Bits 0-23 are device-specific; 24-40 and 50+ belong to the transport and ring (§2.2). */
export const DEVICE_FEATURE_MASK = (1n << 24n) - 1n;

/** Virtio device ids (§5). */
export const enum VirtioDeviceId {
  Net = 1,
  Block = 2,
  Console = 3,
  Entropy = 4,
}

/** Device status bits (§2.1). */
export const enum VirtioStatus {
  Acknowledge = 1,
  Driver = 2,
  DriverOk = 4,
  FeaturesOk = 8,
  DeviceNeedsReset = 64,
  Failed = 128,
}

/** InterruptStatus bits. */
export const enum VirtioInterrupt {
  UsedBuffer = 1,
  ConfigChange = 2,
}

/** Register offsets of the virtio-mmio window (§4.2.2). All are 32 bits wide. */
export const enum VirtioMmioReg {
  MagicValue = 0x000,
  Version = 0x004,
  DeviceId = 0x008,
  VendorId = 0x00c,
  DeviceFeatures = 0x010,
  DeviceFeaturesSel = 0x014,
  DriverFeatures = 0x020,
  DriverFeaturesSel = 0x024,
  QueueSel = 0x030,
  QueueNumMax = 0x034,
  QueueNum = 0x038,
  QueueReady = 0x044,
  QueueNotify = 0x050,
  InterruptStatus = 0x060,
  InterruptAck = 0x064,
  Status = 0x070,
  QueueDescLow = 0x080,
  QueueDescHigh = 0x084,
  QueueDriverLow = 0x090,
  QueueDriverHigh = 0x094,
  QueueDeviceLow = 0x0a0,
  QueueDeviceHigh = 0x0a4,
  ShmSel = 0x0ac,
  ShmLenLow = 0x0b0,
  ShmLenHigh = 0x0b4,
  ShmBaseLow = 0x0b8,
  ShmBaseHigh = 0x0bc,
  QueueReset = 0x0c0,
  ConfigGeneration = 0x0fc,
  Config = 0x100,
}

/**
 * What a device sees of its transport while processing: its queues and the negotiated features.
 * The transport guarantees that nothing here throws: a malformed ring or chain puts the device in
 * DEVICE_NEEDS_RESET (status bit, config-change interrupt, one log line) and pop returns undefined.
 */
export interface VirtioQueues {
  readonly memory: GuestMemory;
  /** The features the driver accepted (valid once FEATURES_OK was set). */
  readonly driverFeatures: bigint;
  /** The next available chain of `queue`, or undefined if none (or the queue or device is not live). */
  pop(queue: number): DescriptorChain | undefined;
  /**
   * Returns a popped chain to the driver with the number of bytes written into its writable buffers,
   * visible to the driver at once. A chain popped before a device reset is dropped. Asynchronous
   * completions call `notify(queue)` after their addUsed calls.
   */
  addUsed(queue: number, chain: DescriptorChain, writtenLength: number): void;
  /** Raises the used-buffer interrupt for `queue` if its driver has not suppressed it. */
  notify(queue: number): void;
  /** Logs a message once per key for this device (a guest driver's mistake, not a host error). */
  warnOnce(key: string, message: string): void;
}

/** A virtio device type: what it is, what it offers, and how it processes its queues. */
export interface VirtioDevice {
  /** Virtio device id (§5): 2 block, 4 entropy, ... */
  readonly deviceId: number;
  readonly queueCount: number;
  /** Device-specific feature bits (0-23); the transport adds VERSION_1, INDIRECT_DESC and EVENT_IDX. */
  readonly features: bigint;
  /** Reads `size` bytes (1, 2 or 4) of device config space at `offset`, little-endian; 0 past its end. */
  readConfig(offset: number, size: number): number;
  writeConfig?(offset: number, size: number, value: number): void;
  /**
   * Processes available chains of `queue` (pop, then addUsed); returns true if it used any. Called on
   * QueueNotify and when the driver sets DRIVER_OK. A Promise result means the work completes later:
   * the transport then notifies if it resolves true (a rejection puts the device in NEEDS_RESET).
   */
  process(queue: number, transport: VirtioQueues): boolean | Promise<boolean>;
  /** Device reset: forget in-flight state and negotiated behaviour. */
  reset(): void;
}

export interface VirtioMmioOptions {
  /** Where guest-caused problems are reported, once each. Default: console.warn. */
  warn?: (message: string) => void;
  /** A name for messages, e.g. "virtio-blk@0x10001000". */
  name?: string;
}

/**
 * One virtio-mmio window with its device. The transport owns the register file, feature
 * negotiation, the device status, the virtqueues and the interrupt line (level = InterruptStatus is
 * non-zero); the device only says its type, features and config space and processes chains.
 *
 * Accesses other than aligned 32-bit ones below the config space are ignored (logged once), as the
 * spec requires drivers to use those. Nothing a guest does makes read or write throw.
 */
export class VirtioMmio implements MmioDevice, VirtioQueues {
  readonly memory: GuestMemory;
  private readonly device: VirtioDevice;
  private readonly irq: IrqLine;
  private readonly warn: (message: string) => void;
  private readonly name: string;
  private readonly warned = new Set<string>();
  private readonly queues: Virtqueue[];
  private readonly offered: bigint;

  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeaturesValue = 0n;
  private negotiated = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private irqLevel = false;
  private configGeneration = 0;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(device: VirtioDevice, memory: GuestMemory, irq: IrqLine, options: VirtioMmioOptions = {}) {
    this.device = device;
    this.memory = memory;
    this.irq = irq;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.name = options.name ?? `virtio-mmio(device ${device.deviceId})`;
    this.offered = (device.features & DEVICE_FEATURE_MASK) | TRANSPORT_FEATURES;
    this.queues = Array.from({ length: device.queueCount }, () => new Virtqueue(memory, VIRTIO_QUEUE_SIZE_MAX));
  }

  /** Features the driver accepted (set at FEATURES_OK). */
  get driverFeatures(): bigint {
    return this.negotiated;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= VirtioMmioReg.Config) {
      return this.device.readConfig(offset - VirtioMmioReg.Config, size) >>> 0;
    }
    if (size !== 4 || (offset & 3) !== 0) {
      this.warnOnce(`read-size-${offset}`, `${size}-byte read at register offset 0x${offset.toString(16)} ignored`);
      return 0;
    }
    const q = this.queues[this.queueSel] as Virtqueue | undefined;
    switch (offset) {
      case VirtioMmioReg.MagicValue: return VIRTIO_MMIO_MAGIC;
      case VirtioMmioReg.Version: return VIRTIO_MMIO_VERSION;
      case VirtioMmioReg.DeviceId: return this.device.deviceId;
      case VirtioMmioReg.VendorId: return VIRTIO_MMIO_VENDOR_ID;
      case VirtioMmioReg.DeviceFeatures:
        return this.deviceFeaturesSel < 2 ? Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn) : 0;
      case VirtioMmioReg.QueueNumMax: return q ? q.maxSize : 0;
      case VirtioMmioReg.QueueNum: return q ? q.size : 0;
      case VirtioMmioReg.QueueReady: return q?.ready ? 1 : 0;
      case VirtioMmioReg.InterruptStatus: return this.interruptStatus;
      case VirtioMmioReg.Status: return this.status;
      case VirtioMmioReg.QueueDescLow: return q ? lo32(q.descAddr) : 0;
      case VirtioMmioReg.QueueDescHigh: return q ? hi32(q.descAddr) : 0;
      case VirtioMmioReg.QueueDriverLow: return q ? lo32(q.availAddr) : 0;
      case VirtioMmioReg.QueueDriverHigh: return q ? hi32(q.availAddr) : 0;
      case VirtioMmioReg.QueueDeviceLow: return q ? lo32(q.usedAddr) : 0;
      case VirtioMmioReg.QueueDeviceHigh: return q ? hi32(q.usedAddr) : 0;
      // No shared memory regions: every region's length reads as -1 (§4.2.2).
      case VirtioMmioReg.ShmLenLow:
      case VirtioMmioReg.ShmLenHigh:
      case VirtioMmioReg.ShmBaseLow:
      case VirtioMmioReg.ShmBaseHigh:
        return 0xffff_ffff;
      case VirtioMmioReg.ConfigGeneration: return this.configGeneration;
      // Write-only registers, and VIRTIO_F_RING_RESET's QueueReset (not offered), read as 0.
      case VirtioMmioReg.DeviceFeaturesSel:
      case VirtioMmioReg.DriverFeatures:
      case VirtioMmioReg.DriverFeaturesSel:
      case VirtioMmioReg.QueueSel:
      case VirtioMmioReg.QueueNotify:
      case VirtioMmioReg.InterruptAck:
      case VirtioMmioReg.ShmSel:
      case VirtioMmioReg.QueueReset:
        return 0;
      default:
        this.warnOnce(`read-${offset}`, `read of unknown register offset 0x${offset.toString(16)} ignored`);
        return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset >= VirtioMmioReg.Config) {
      this.device.writeConfig?.(offset - VirtioMmioReg.Config, size, value);
      return;
    }
    if (size !== 4 || (offset & 3) !== 0) {
      this.warnOnce(`write-size-${offset}`, `${size}-byte write at register offset 0x${offset.toString(16)} ignored`);
      return;
    }
    value >>>= 0;
    switch (offset) {
      case VirtioMmioReg.DeviceFeaturesSel: this.deviceFeaturesSel = value; return;
      case VirtioMmioReg.DriverFeaturesSel: this.driverFeaturesSel = value; return;
      case VirtioMmioReg.DriverFeatures: return this.writeDriverFeatures(value);
      case VirtioMmioReg.QueueSel: this.queueSel = value; return;
      case VirtioMmioReg.QueueNum:
      case VirtioMmioReg.QueueDescLow:
      case VirtioMmioReg.QueueDescHigh:
      case VirtioMmioReg.QueueDriverLow:
      case VirtioMmioReg.QueueDriverHigh:
      case VirtioMmioReg.QueueDeviceLow:
      case VirtioMmioReg.QueueDeviceHigh:
        return this.writeQueueConfig(offset, value);
      case VirtioMmioReg.QueueReady: return this.writeQueueReady(value);
      case VirtioMmioReg.QueueNotify: return this.queueNotify(value & 0xffff);
      case VirtioMmioReg.InterruptAck:
        this.interruptStatus &= ~value;
        this.updateIrq();
        return;
      case VirtioMmioReg.Status: return this.writeStatus(value);
      case VirtioMmioReg.ShmSel: return;
      default:
        this.warnOnce(`write-${offset}`, `write of unknown or read-only register offset 0x${offset.toString(16)} ignored`);
    }
  }

  /** The device's config space changed: bump ConfigGeneration and raise the config-change interrupt. */
  configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if (this.status & VirtioStatus.DriverOk) this.raise(VirtioInterrupt.ConfigChange);
  }

  /** Resolves once every asynchronous process() started so far has settled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  // ---- VirtioQueues, for the device ----

  pop(queue: number): DescriptorChain | undefined {
    const q = this.queues[queue];
    if (!q || !this.live()) return undefined;
    try {
      return q.pop();
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  addUsed(queue: number, chain: DescriptorChain, writtenLength: number): void {
    const q = this.queues[queue];
    // A chain from before a reset belongs to a driver that has forgotten it.
    if (!q || !q.ready || chain.epoch !== q.epoch) return;
    try {
      if (this.memory.onDeviceWrite !== undefined) {
        let left = writtenLength >>> 0;
        for (const b of chain.writable) {
          if (left === 0) break;
          const n = Math.min(left, b.len);
          this.memory.onDeviceWrite(Number(b.addr), n);
          left -= n;
        }
      }
      q.addUsed(chain.head, writtenLength >>> 0);
    } catch (err) {
      this.fail(err);
    }
  }

  notify(queue: number): void {
    const q = this.queues[queue];
    if (!q || !q.ready) return;
    try {
      if (q.needsNotification()) this.raise(VirtioInterrupt.UsedBuffer);
    } catch (err) {
      this.fail(err);
    }
  }

  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(`${this.name}: ${message}`);
  }

  // ---- register behaviour ----

  private writeDriverFeatures(value: number): void {
    // Features are fixed once FEATURES_OK is set (§3.1.1).
    if (this.status & VirtioStatus.FeaturesOk) {
      this.warnOnce('features-after-ok', 'DriverFeatures written after FEATURES_OK: ignored');
      return;
    }
    if (this.driverFeaturesSel > 1) return;
    const shift = BigInt(32 * this.driverFeaturesSel);
    this.driverFeaturesValue = (this.driverFeaturesValue & ~(0xffff_ffffn << shift)) | (BigInt(value) << shift);
  }

  private writeQueueConfig(offset: number, value: number): void {
    const q = this.queues[this.queueSel];
    if (!q) {
      this.warnOnce(`queue-sel-${this.queueSel}`, `queue ${this.queueSel} does not exist: configuration ignored`);
      return;
    }
    if (q.ready) {
      this.warnOnce('queue-config-ready', `queue ${this.queueSel} configured while ready: ignored`);
      return;
    }
    const v = BigInt(value);
    switch (offset) {
      case VirtioMmioReg.QueueNum: q.size = value; break;
      case VirtioMmioReg.QueueDescLow: q.descAddr = setLo(q.descAddr, v); break;
      case VirtioMmioReg.QueueDescHigh: q.descAddr = setHi(q.descAddr, v); break;
      case VirtioMmioReg.QueueDriverLow: q.availAddr = setLo(q.availAddr, v); break;
      case VirtioMmioReg.QueueDriverHigh: q.availAddr = setHi(q.availAddr, v); break;
      case VirtioMmioReg.QueueDeviceLow: q.usedAddr = setLo(q.usedAddr, v); break;
      case VirtioMmioReg.QueueDeviceHigh: q.usedAddr = setHi(q.usedAddr, v); break;
    }
  }

  private writeQueueReady(value: number): void {
    const q = this.queues[this.queueSel];
    if (!q) return;
    if ((value & 1) === 0) {
      q.deactivate();
      return;
    }
    if (q.ready) return;
    try {
      q.activate((this.negotiated & VIRTIO_F_EVENT_IDX) !== 0n);
    } catch (err) {
      this.fail(err);
    }
  }

  private writeStatus(value: number): void {
    if (value === 0) {
      this.reset();
      return;
    }
    const before = this.status;
    // DEVICE_NEEDS_RESET is the device's to set; only a reset clears it.
    let next = (value & 0xff & ~VirtioStatus.DeviceNeedsReset) | (before & VirtioStatus.DeviceNeedsReset);
    if (next & VirtioStatus.FeaturesOk && !(before & VirtioStatus.FeaturesOk)) {
      const unknown = this.driverFeaturesValue & ~this.offered;
      if (unknown !== 0n || (this.driverFeaturesValue & VIRTIO_F_VERSION_1) === 0n) {
        // Refuse: FEATURES_OK does not stick, which tells the driver (§3.1.1 step 6).
        this.warnOnce(
          'features-refused',
          `driver features 0x${this.driverFeaturesValue.toString(16)} refused (offered 0x${this.offered.toString(16)}; VERSION_1 is required)`,
        );
        next &= ~VirtioStatus.FeaturesOk;
      } else {
        this.negotiated = this.driverFeaturesValue;
      }
    }
    this.status = next;
    if (next & VirtioStatus.DriverOk && !(before & VirtioStatus.DriverOk)) {
      // Buffers made available before DRIVER_OK, and their notifications, are served now.
      for (let i = 0; i < this.queues.length; i++) {
        if (this.queues[i].ready) this.runProcess(i);
      }
    }
  }

  private queueNotify(index: number): void {
    const q = this.queues[index];
    if (!q) {
      this.warnOnce(`notify-${index}`, `notification for queue ${index}, which does not exist: ignored`);
      return;
    }
    // Before DRIVER_OK the device must not use buffers; they are served when DRIVER_OK is set.
    if (!q.ready || !this.live()) return;
    this.runProcess(index);
  }

  private runProcess(queue: number): void {
    let result: boolean | Promise<boolean>;
    try {
      result = this.device.process(queue, this);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (typeof result === 'boolean') {
      if (result) this.notify(queue);
      return;
    }
    const epoch = this.queues[queue].epoch;
    const settled = result.then(
      (used) => {
        if (used && this.queues[queue].epoch === epoch) this.notify(queue);
      },
      (err: unknown) => {
        if (this.queues[queue].epoch === epoch) this.fail(err);
      },
    );
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  /** The driver may use the device: DRIVER_OK set and no NEEDS_RESET. */
  private live(): boolean {
    return (this.status & (VirtioStatus.DriverOk | VirtioStatus.DeviceNeedsReset)) === VirtioStatus.DriverOk;
  }

  /**
   * The driver broke the protocol (or the device failed): enter DEVICE_NEEDS_RESET and tell a live
   * driver with a config-change interrupt (§2.1.2, §4.2.3.4); logged once per kind.
   */
  private fail(err: unknown): void {
    const kind = err instanceof QueueError ? err.kind : err instanceof GuestMemoryError ? err.kind : 'device-error';
    const message = err instanceof Error ? err.message : String(err);
    this.warnOnce(`fail-${kind}`, `device needs reset: ${message}`);
    if (this.status & VirtioStatus.DeviceNeedsReset) return;
    // Queues keep their registers; pop() stops serving them until the driver resets the device.
    this.status |= VirtioStatus.DeviceNeedsReset;
    if (this.status & VirtioStatus.DriverOk) this.raise(VirtioInterrupt.ConfigChange);
  }

  private reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = this.driverFeaturesSel = 0;
    this.driverFeaturesValue = this.negotiated = 0n;
    this.queueSel = 0;
    for (const q of this.queues) q.reset();
    this.interruptStatus = 0;
    this.updateIrq();
    this.device.reset();
  }

  private raise(bits: number): void {
    this.interruptStatus |= bits;
    this.updateIrq();
  }

  private updateIrq(): void {
    const level = this.interruptStatus !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}

function lo32(v: bigint): number {
  return Number(v & 0xffff_ffffn);
}
function hi32(v: bigint): number {
  return Number((v >> 32n) & 0xffff_ffffn);
}
function setLo(v: bigint, lo: bigint): bigint {
  return (v & ~0xffff_ffffn) | lo;
}
function setHi(v: bigint, hi: bigint): bigint {
  return (v & 0xffff_ffffn) | (hi << 32n);
}

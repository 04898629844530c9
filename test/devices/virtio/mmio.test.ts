import { describe, expect, it } from 'vitest';
import {
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1,
  VirtioMmio,
  VirtioMmioReg as Reg,
  VirtioStatus as Status,
  type VirtioDevice,
  type VirtioQueues,
} from '../../../src/devices/virtio/mmio.ts';
import { DescFlag, VIRTQ_AVAIL_F_NO_INTERRUPT, type DescriptorChain } from '../../../src/devices/virtio/queue.ts';
import { GuestMemory, GuestMemoryError } from '../../../src/devices/virtio/guest-memory.ts';
import { RAM_OFFSET } from '../../../src/memory/layout.ts';
import { makeGuestMemory, MockDriver, RecordingIrq } from './mock-driver.ts';
import { RAM_BASE } from '../../../src/memory/machine-map.ts';

const DEVICE_BIT_0 = 1n << 0n;
const DEVICE_BIT_3 = 1n << 3n;

/**
 * A test device with two queues: it answers each chain with its readable bytes reversed, in its
 * writable buffers. `async` completes later, as file I/O on a thread pool would.
 */
class ReverseDevice implements VirtioDevice {
  readonly deviceId = 42;
  readonly queueCount = 2;
  readonly features = DEVICE_BIT_0 | DEVICE_BIT_3 | (1n << 40n); // bit 40 is not the device's: dropped
  readonly config = Uint8Array.of(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);
  resets = 0;
  async = false;
  pending: (() => void)[] = [];

  readConfig(offset: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (this.config[offset + i] ?? 0);
    return v;
  }
  reset(): void {
    this.resets++;
  }
  process(queue: number, transport: VirtioQueues): boolean | Promise<boolean> {
    const chains: DescriptorChain[] = [];
    for (let c = transport.pop(queue); c; c = transport.pop(queue)) chains.push(c);
    const complete = (): boolean => {
      for (const c of chains) {
        const reply = c.readAll().reverse();
        transport.addUsed(queue, c, c.write(0, reply));
      }
      return chains.length > 0;
    };
    if (!this.async) return complete();
    return new Promise((resolve) => this.pending.push(() => resolve(complete())));
  }
}

function setup(memoryBytes?: number) {
  const memory = makeGuestMemory(memoryBytes);
  const device = new ReverseDevice();
  const irq = new RecordingIrq();
  const warnings: string[] = [];
  const mmio = new VirtioMmio(device, memory, irq, { warn: (m) => warnings.push(m), name: 'test' });
  const driver = new MockDriver(mmio, memory);
  return { memory, device, irq, warnings, mmio, driver };
}

const bytes = (...v: number[]) => Uint8Array.from(v);

describe('VirtioMmio registers', () => {
  it('identifies itself as a version 2 virtio-mmio device with the device id and QEMU vendor id', () => {
    const { driver } = setup();
    expect(driver.read(Reg.MagicValue)).toBe(0x74726976);
    expect(driver.read(Reg.Version)).toBe(2);
    expect(driver.read(Reg.DeviceId)).toBe(42);
    expect(driver.read(Reg.VendorId)).toBe(0x554d4551);
  });

  it('reports QueueNumMax 256 for existing queues and 0 for the others', () => {
    const { driver } = setup();
    for (const [q, max] of [[0, 256], [1, 256], [2, 0], [100, 0]]) {
      driver.write(Reg.QueueSel, q);
      expect(driver.read(Reg.QueueNumMax)).toBe(max);
      expect(driver.read(Reg.QueueReady)).toBe(0);
    }
  });

  it('offers the device bits (0-23 only) plus VERSION_1, INDIRECT_DESC and EVENT_IDX', () => {
    const { driver } = setup();
    const offered = driver.deviceFeatures();
    expect(offered).toBe(DEVICE_BIT_0 | DEVICE_BIT_3 | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX);
    driver.write(Reg.DeviceFeaturesSel, 1);
    expect(driver.read(Reg.DeviceFeatures)).toBe(1); // bit 32
    driver.write(Reg.DeviceFeaturesSel, 2);
    expect(driver.read(Reg.DeviceFeatures)).toBe(0);
  });

  it('goes through Linux initialisation to DRIVER_OK and records the accepted features', () => {
    const { driver, mmio } = setup();
    const negotiated = driver.init({ want: VIRTIO_F_VERSION_1 | DEVICE_BIT_3 | (1n << 7n) });
    expect(negotiated).toBe(VIRTIO_F_VERSION_1 | DEVICE_BIT_3);
    expect(mmio.driverFeatures).toBe(negotiated);
    expect(driver.status()).toBe(Status.Acknowledge | Status.Driver | Status.FeaturesOk | Status.DriverOk);
    driver.write(Reg.QueueSel, 1);
    expect(driver.read(Reg.QueueReady)).toBe(1);
    expect(driver.read(Reg.QueueNum)).toBe(256);
    expect(driver.read(Reg.QueueDescLow)).toBe(driver.queues[1].desc);
    expect(driver.read(Reg.QueueDriverLow)).toBe(driver.queues[1].avail);
    expect(driver.read(Reg.QueueDeviceLow)).toBe(driver.queues[1].used);
  });

  it('does not keep FEATURES_OK without VERSION_1 or with features it did not offer', () => {
    for (const features of [DEVICE_BIT_0, VIRTIO_F_VERSION_1 | (1n << 5n), VIRTIO_F_VERSION_1 | (1n << 40n)]) {
      const { driver, warnings } = setup();
      driver.reset();
      driver.addStatus(Status.Acknowledge);
      driver.addStatus(Status.Driver);
      expect(driver.negotiate(features)).toBe(false);
      expect(driver.status()).toBe(Status.Acknowledge | Status.Driver);
      expect(warnings.join()).toMatch(/refused/);
    }
  });

  it('ignores DriverFeatures written after FEATURES_OK', () => {
    const { driver, mmio } = setup();
    driver.init({ want: VIRTIO_F_VERSION_1 });
    driver.write(Reg.DriverFeaturesSel, 0);
    driver.write(Reg.DriverFeatures, 0xff);
    expect(mmio.driverFeatures).toBe(VIRTIO_F_VERSION_1);
  });

  it('reads the device config space at 0x100 with 8, 16 and 32-bit accesses', () => {
    const { driver } = setup();
    expect(driver.config(0, 1)).toBe(0x11);
    expect(driver.config(2, 2)).toBe(0x4433);
    expect(driver.config(4, 4)).toBe(0x88776655);
    expect(driver.config(6, 4)).toBe(0x8877); // past the end reads 0
  });

  it('bumps ConfigGeneration and raises the config-change interrupt when the config changes', () => {
    const { driver, mmio, irq } = setup();
    driver.init();
    const generation = driver.read(Reg.ConfigGeneration);
    mmio.configChanged();
    expect(driver.read(Reg.ConfigGeneration)).toBe(generation + 1);
    expect(irq.level).toBe(true);
    expect(driver.acknowledge()).toBe(2);
    expect(irq.level).toBe(false);
  });

  it('ignores narrow, misaligned, unknown and read-only register accesses without throwing', () => {
    const { driver, mmio, warnings } = setup();
    driver.init();
    expect(mmio.read(Reg.MagicValue, 1)).toBe(0);
    expect(mmio.read(Reg.Version + 2, 4)).toBe(0);
    expect(mmio.read(0x0f0, 4)).toBe(0);
    expect(() => {
      mmio.write(Reg.Status, 2, 0);
      mmio.write(Reg.MagicValue, 4, 0);
      mmio.write(0x0f0, 4, 1);
      mmio.write(Reg.QueueNotify, 4, 7); // no queue 7
      mmio.write(Reg.QueueSel, 4, 9);
      mmio.write(Reg.QueueNum, 4, 8);
      mmio.write(Reg.QueueReady, 4, 1);
    }).not.toThrow();
    expect(driver.status() & Status.DriverOk).toBe(Status.DriverOk);
    expect(warnings.length).toBeGreaterThan(0);
    // Logged once each: repeating an access adds nothing.
    const count = warnings.length;
    mmio.read(Reg.MagicValue, 1);
    expect(warnings.length).toBe(count);
  });

  it('ignores queue configuration while the queue is ready', () => {
    const { driver } = setup();
    driver.init();
    driver.write(Reg.QueueSel, 0);
    driver.write(Reg.QueueNum, 16);
    driver.write(Reg.QueueDescLow, 0x1234_0000);
    expect(driver.read(Reg.QueueNum)).toBe(256);
    expect(driver.read(Reg.QueueDescLow)).toBe(driver.queues[0].desc);
  });
});

describe('VirtioMmio queues and interrupts', () => {
  it('processes a chain on QueueNotify, puts it on the used ring and raises the used-buffer interrupt', () => {
    const { driver, irq } = setup();
    driver.init();
    const q = driver.queues[1];
    const { head, buffers } = q.submit([{ data: bytes(1, 2, 3) }, { writable: 4 }]);
    expect(q.takeUsed()).toEqual([{ id: head, len: 3 }]);
    expect(q.bytes(buffers[1])).toEqual(bytes(3, 2, 1, 0xee));
    expect(irq.level).toBe(true);
    expect(driver.read(Reg.InterruptStatus)).toBe(1);
    expect(driver.acknowledge()).toBe(1);
    expect(irq.level).toBe(false);
    expect(driver.read(Reg.InterruptStatus)).toBe(0);
  });

  it('serves several chains per notification and keeps their order on the used ring', () => {
    const { driver } = setup();
    driver.init();
    const q = driver.queues[0];
    const a = q.submit([{ data: bytes(1) }, { writable: 1 }], { kick: false });
    const b = q.submit([{ data: bytes(2, 3) }, { writable: 2 }], { kick: false });
    q.kick();
    expect(q.takeUsed()).toEqual([{ id: a.head, len: 1 }, { id: b.head, len: 2 }]);
  });

  it('honours VIRTQ_AVAIL_F_NO_INTERRUPT without EVENT_IDX', () => {
    const { driver, irq } = setup();
    driver.init({ want: VIRTIO_F_VERSION_1 });
    const q = driver.queues[0];
    q.setAvailFlags(VIRTQ_AVAIL_F_NO_INTERRUPT);
    q.submit([{ data: bytes(1) }, { writable: 1 }]);
    expect(q.takeUsed()).toHaveLength(1);
    expect(irq.level).toBe(false);
    q.setAvailFlags(0);
    q.submit([{ data: bytes(1) }, { writable: 1 }]);
    expect(irq.level).toBe(true);
  });

  it('with EVENT_IDX, publishes avail_event and interrupts only when used_event is passed', () => {
    const { driver, irq } = setup();
    expect(driver.init() & VIRTIO_F_EVENT_IDX).toBe(VIRTIO_F_EVENT_IDX);
    const q = driver.queues[0];
    // First completion: used_event 0 is passed by used idx 0 -> 1.
    q.submit([{ data: bytes(1) }, { writable: 1 }]);
    expect(q.availEvent()).toBe(1);
    expect(irq.raised).toBe(1);
    driver.acknowledge();
    // The driver asks to hear about used idx passing 5 only.
    q.setUsedEvent(5);
    for (let i = 0; i < 4; i++) q.submit([{ data: bytes(i) }, { writable: 1 }]);
    expect(q.usedIdx()).toBe(5);
    expect(irq.raised).toBe(1);
    q.submit([{ data: bytes(9) }, { writable: 1 }]);
    expect(q.usedIdx()).toBe(6);
    expect(irq.raised).toBe(2);
    expect(q.availEvent()).toBe(6);
  });

  it('serves buffers made available before DRIVER_OK once DRIVER_OK is set', () => {
    const { driver, irq } = setup();
    driver.init({ skipDriverOk: true });
    const q = driver.queues[0];
    const { head } = q.submit([{ data: bytes(7) }, { writable: 1 }]);
    expect(q.takeUsed()).toEqual([]);
    driver.addStatus(Status.DriverOk);
    expect(q.takeUsed()).toEqual([{ id: head, len: 1 }]);
    expect(irq.level).toBe(true);
  });

  it('resets on Status = 0: queues not ready, interrupt cleared, device reset; and initialises again', () => {
    const { driver, device, irq } = setup();
    driver.init();
    driver.queues[0].submit([{ data: bytes(1) }, { writable: 1 }]);
    expect(irq.level).toBe(true);
    const resets = device.resets;
    driver.write(Reg.Status, 0);
    expect(driver.status()).toBe(0);
    expect(driver.read(Reg.InterruptStatus)).toBe(0);
    expect(irq.level).toBe(false);
    expect(device.resets).toBe(resets + 1);
    for (const q of [0, 1]) {
      driver.write(Reg.QueueSel, q);
      expect(driver.read(Reg.QueueReady)).toBe(0);
    }
    driver.init();
    const { head } = driver.queues[0].submit([{ data: bytes(5) }, { writable: 1 }]);
    expect(driver.queues[0].takeUsed()).toEqual([{ id: head, len: 1 }]);
  });

  it('keeps used and avail indices right across the 16-bit wrap', () => {
    const { driver, memory } = setup();
    driver.init({ queueSizes: [4] });
    const q = driver.queues[0];
    const input = RAM_BASE + 0x10_0000;
    const output = input + 0x100;
    let seen = 0;
    for (let i = 0; i < 0x1_0010; i += 2) {
      for (let k = 0; k < 2; k++) {
        const [a, b] = q.take(2);
        memory.writeU8(input + k, (i + k) & 0xff);
        q.writeDesc(a, input + k, 1, DescFlag.Next, b);
        q.writeDesc(b, output + k, 1, DescFlag.Write, 0);
        q.makeAvailable(a);
      }
      q.kick();
      const used = q.takeUsed();
      seen += used.length;
      // Plain checks: an expect() per iteration would dominate the run time.
      if (used.length !== 2 || memory.readU8(output + 1) !== ((i + 1) & 0xff)) {
        throw new Error(`request pair ${i} not served (used ${used.length})`);
      }
    }
    expect(seen).toBe(0x1_0010);
    expect(q.usedIdx()).toBe(0x10);
  });
});

describe('VirtioMmio with asynchronous devices', () => {
  it('publishes completions and interrupts when the device finishes later', async () => {
    const { driver, device, irq, mmio } = setup();
    device.async = true;
    driver.init();
    const q = driver.queues[0];
    const { head } = q.submit([{ data: bytes(1, 2) }, { writable: 2 }]);
    expect(q.takeUsed()).toEqual([]);
    expect(irq.level).toBe(false);
    for (const finish of device.pending.splice(0)) finish();
    await mmio.idle();
    expect(q.takeUsed()).toEqual([{ id: head, len: 2 }]);
    expect(irq.level).toBe(true);
  });

  it('drops a completion that arrives after a reset', async () => {
    const { driver, device, irq, mmio } = setup();
    device.async = true;
    driver.init();
    driver.queues[0].submit([{ data: bytes(1) }, { writable: 1 }]);
    driver.init(); // resets and sets up fresh queues
    const q = driver.queues[0];
    for (const finish of device.pending.splice(0)) finish();
    await mmio.idle();
    expect(q.usedIdx()).toBe(0);
    expect(irq.level).toBe(false);
  });
});

describe('VirtioMmio with a misbehaving driver', () => {
  function expectNeedsReset(ctx: ReturnType<typeof setup>, pattern: RegExp): void {
    expect(ctx.driver.status() & Status.DeviceNeedsReset).toBe(Status.DeviceNeedsReset);
    expect(ctx.driver.read(Reg.InterruptStatus) & 2).toBe(2);
    expect(ctx.irq.level).toBe(true);
    expect(ctx.warnings.filter((w) => /needs reset/.test(w))).toHaveLength(1);
    expect(ctx.warnings.join('\n')).toMatch(pattern);
  }

  const malformed: [string, RegExp, (ctx: ReturnType<typeof setup>) => void][] = [
    ['a chain that loops', /loop/, ({ driver }) => {
      const q = driver.queues[0];
      const [a, b] = q.take(2);
      q.writeDesc(a, RAM_BASE, 1, DescFlag.Next, b);
      q.writeDesc(b, RAM_BASE, 1, DescFlag.Next, a);
      q.makeAvailable(a);
    }],
    ['a head index beyond the table', /index 300/, ({ driver }) => driver.queues[0].makeAvailable(300)],
    ['a next index beyond the table', /index 999/, ({ driver }) => {
      const q = driver.queues[0];
      const [a] = q.take(1);
      q.writeDesc(a, RAM_BASE, 1, DescFlag.Next, 999);
      q.makeAvailable(a);
    }],
    ['a buffer outside RAM', /not RAM/, ({ driver }) => {
      const q = driver.queues[0];
      const [a] = q.take(1);
      q.writeDesc(a, 0x1000_0000, 16, 0, 0);
      q.makeAvailable(a);
    }],
    ['a buffer running past the end of RAM', /not RAM/, ({ driver, memory }) => {
      const q = driver.queues[0];
      const [a] = q.take(1);
      q.writeDesc(a, RAM_BASE + memory.ramBytes - 8, 16, DescFlag.Write, 0);
      q.makeAvailable(a);
    }],
    ['a 64-bit address far above RAM', /not RAM/, ({ driver }) => {
      const q = driver.queues[0];
      const [a] = q.take(1);
      q.writeDesc(a, 0xffff_ffff_ffff_f000n, 16, 0, 0);
      q.makeAvailable(a);
    }],
    ['an indirect table of a bad length', /indirect table of 20 bytes/, ({ driver }) => {
      const q = driver.queues[0];
      const [a] = q.take(1);
      q.writeDesc(a, RAM_BASE + 0x10_0000, 20, DescFlag.Indirect, 0);
      q.makeAvailable(a);
    }],
    ['a nested indirect table', /nested/, ({ driver, memory }) => {
      const q = driver.queues[0];
      const table = RAM_BASE + 0x10_0000;
      memory.writeU64(table, BigInt(table));
      memory.writeU32(table + 8, 16);
      memory.writeU16(table + 12, DescFlag.Indirect);
      const [a] = q.take(1);
      q.writeDesc(a, table, 16, DescFlag.Indirect, 0);
      q.makeAvailable(a);
    }],
    ['an avail idx too far ahead', /ahead/, ({ driver }) => driver.queues[0].setAvailIdx(1000)],
  ];

  for (const [what, pattern, corrupt] of malformed) {
    it(`enters DEVICE_NEEDS_RESET on ${what}, without throwing, until reset`, () => {
      const ctx = setup();
      ctx.driver.init();
      corrupt(ctx);
      expect(() => ctx.driver.queues[0].kick()).not.toThrow();
      expectNeedsReset(ctx, pattern);
      // Further notifications are ignored; the status bit survives driver writes.
      ctx.driver.acknowledge();
      ctx.driver.queues[0].kick();
      ctx.driver.addStatus(Status.DriverOk);
      expect(ctx.driver.status() & Status.DeviceNeedsReset).toBe(Status.DeviceNeedsReset);
      // A reset brings the device back.
      ctx.driver.init();
      expect(ctx.driver.status() & Status.DeviceNeedsReset).toBe(0);
      const { head } = ctx.driver.queues[0].submit([{ data: bytes(4) }, { writable: 1 }]);
      expect(ctx.driver.queues[0].takeUsed()).toEqual([{ id: head, len: 1 }]);
    });
  }

  it('refuses a queue whose rings are outside RAM or misaligned when it is made ready', () => {
    for (const [desc, avail, used] of [
      [0x1000, RAM_BASE + 0x2000, RAM_BASE + 0x4000],
      [RAM_BASE + 0x1008, RAM_BASE + 0x2000, RAM_BASE + 0x4000],
      [RAM_BASE + 0x1000, RAM_BASE + 0x2000, RAM_BASE + 0x4002],
    ]) {
      const ctx = setup();
      const { driver } = ctx;
      driver.reset();
      driver.addStatus(Status.Acknowledge | Status.Driver);
      driver.negotiate(VIRTIO_F_VERSION_1);
      driver.write(Reg.QueueSel, 0);
      driver.write(Reg.QueueNum, 16);
      driver.setQueueAddresses(desc, avail, used);
      expect(() => driver.write(Reg.QueueReady, 1)).not.toThrow();
      expect(driver.read(Reg.QueueReady)).toBe(0);
      expect(driver.status() & Status.DeviceNeedsReset).toBe(Status.DeviceNeedsReset);
    }
  });

  it('refuses a queue size that is not a power of two', () => {
    const ctx = setup();
    ctx.driver.reset();
    ctx.driver.addStatus(Status.Acknowledge | Status.Driver);
    ctx.driver.negotiate(VIRTIO_F_VERSION_1);
    expect(() => ctx.driver.setupQueue(0, 12)).not.toThrow();
    expect(ctx.driver.read(Reg.QueueReady)).toBe(0);
    expect(ctx.warnings.join()).toMatch(/power of two/);
  });

  it('turns an exception thrown by the device into DEVICE_NEEDS_RESET', () => {
    const ctx = setup();
    ctx.device.process = () => {
      throw new Error('device bug');
    };
    ctx.driver.init();
    expect(() => ctx.driver.queues[0].submit([{ data: bytes(1) }, { writable: 1 }])).not.toThrow();
    expectNeedsReset(ctx, /device bug/);
  });
});

describe('GuestMemory', () => {
  const memory = new GuestMemory(new SharedArrayBuffer(RAM_OFFSET + 0x1000), RAM_OFFSET, RAM_BASE, 0x1000);

  it('maps guest physical addresses to the RAM part of the buffer, little-endian', () => {
    memory.writeU64(RAM_BASE + 8, 0x1122_3344_5566_7788n);
    expect(new Uint8Array(memory.buffer, RAM_OFFSET + 8, 2)).toEqual(Uint8Array.of(0x88, 0x77));
    expect(memory.readU32(BigInt(RAM_BASE + 12))).toBe(0x1122_3344);
    expect(memory.readU16(RAM_BASE + 9)).toBe(0x6677);
    memory.writeU16Release(RAM_BASE + 0x20, 0xbeef);
    expect(memory.readU16Acquire(RAM_BASE + 0x20)).toBe(0xbeef);
    memory.writeU16Release(RAM_BASE + 0x23, 0x1234); // odd: still correct, through a fence
    expect(memory.readU16Acquire(RAM_BASE + 0x23)).toBe(0x1234);
    expect(memory.offsetOf(RAM_BASE + 4, 4)).toBe(RAM_OFFSET + 4);
  });

  it('gives views only of ranges entirely in RAM', () => {
    expect(memory.slice(RAM_BASE, 0x1000)?.length).toBe(0x1000);
    expect(memory.slice(RAM_BASE + 0x1000, 0)?.length).toBe(0);
    expect(memory.slice(RAM_BASE + 0xfff, 2)).toBeUndefined();
    expect(memory.slice(RAM_BASE - 1, 1)).toBeUndefined();
    expect(memory.slice(2n ** 64n - 1n, 1)).toBeUndefined();
    expect(memory.slice(-1, 1)).toBeUndefined();
    expect(memory.slice(RAM_BASE, -1)).toBeUndefined();
  });

  it('throws a GuestMemoryError for accesses outside RAM', () => {
    expect(() => memory.readU32(RAM_BASE + 0xffe)).toThrow(GuestMemoryError);
    expect(() => memory.writeU64(0x1000, 0n)).toThrow(/0x1000/);
    expect(() => memory.readU16Acquire(RAM_BASE - 2)).toThrow(GuestMemoryError);
  });
});

import { describe, expect, it } from 'vitest';
import { VIRTIO_F_VERSION_1, VirtioMmio, VirtioMmioReg as Reg } from '../../../src/devices/virtio/mmio.ts';
import { VirtioRng } from '../../../src/devices/virtio/rng.ts';
import { makeGuestMemory, MockDriver, RecordingIrq } from './mock-driver.ts';

function setup() {
  const memory = makeGuestMemory();
  const irq = new RecordingIrq();
  const driver = new MockDriver(new VirtioMmio(new VirtioRng(), memory, irq), memory);
  driver.init();
  return { driver, queue: driver.queues[0], irq };
}

describe('VirtioRng', () => {
  it('is the entropy device (id 4) with one queue and no device features', () => {
    const { driver } = setup();
    expect(driver.read(Reg.DeviceId)).toBe(4);
    expect(driver.deviceFeatures() & ((1n << 24n) - 1n)).toBe(0n);
    expect(driver.deviceFeatures() & VIRTIO_F_VERSION_1).toBe(VIRTIO_F_VERSION_1);
    driver.write(Reg.QueueSel, 1);
    expect(driver.read(Reg.QueueNumMax)).toBe(0);
    expect(driver.config(0, 4)).toBe(0);
  });

  it('fills every writable buffer with random bytes and reports their length', () => {
    const { queue, irq } = setup();
    const { head, buffers } = queue.submit([{ writable: 64 }, { writable: 3 }, { writable: 100_000 }]);
    expect(queue.takeUsed()).toEqual([{ id: head, len: 100_067 }]);
    expect(irq.level).toBe(true);
    // The mock fills buffers with 0xee; random bytes replace that (a 64-byte run of 0xee has odds 2^-512).
    const first = queue.bytes(buffers[0]);
    expect(first.some((b) => b !== 0xee)).toBe(true);
    const big = queue.bytes(buffers[2]);
    expect(big.subarray(99_000).some((b) => b !== 0xee)).toBe(true);
    // Two requests get different bytes.
    const again = queue.submit([{ writable: 64 }]);
    queue.takeUsed();
    expect(queue.bytes(again.buffers[0])).not.toEqual(first);
  });

  it('returns a chain without writable buffers with length 0', () => {
    const { queue } = setup();
    const { head } = queue.submit([{ data: new Uint8Array(8) }]);
    expect(queue.takeUsed()).toEqual([{ id: head, len: 0 }]);
  });

  it('serves requests through indirect tables', () => {
    const { queue } = setup();
    const { head, buffers } = queue.submit([{ writable: 32 }, { writable: 32 }], { indirect: true });
    expect(queue.takeUsed()).toEqual([{ id: head, len: 64 }]);
    expect(queue.bytes(buffers[1]).some((b) => b !== 0xee)).toBe(true);
  });
});

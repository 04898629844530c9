import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BlkRequestType,
  BlkStatus,
  VIRTIO_BLK_F_FLUSH,
  VIRTIO_BLK_F_RO,
  VIRTIO_BLK_F_SEG_MAX,
  VirtioBlk,
  VirtioBlkError,
} from '../../../src/devices/virtio/blk.ts';
import {
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_INDIRECT_DESC,
  VIRTIO_F_VERSION_1,
  VirtioMmio,
  VirtioMmioReg as Reg,
  VirtioStatus as Status,
} from '../../../src/devices/virtio/mmio.ts';
import { DescFlag } from '../../../src/devices/virtio/queue.ts';

import { makeGuestMemory, MockDriver, RecordingIrq, type BufferSpec, type InitOptions } from './mock-driver.ts';
import { RAM_BASE } from '../../../src/memory/machine-map.ts';

const SECTORS = 64;

let dir: string;
let devices: VirtioBlk[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hartvm-blk-'));
  devices = [];
});

afterEach(() => {
  for (const d of devices) d.close();
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A disk image whose byte i is (i * 7 + (i >> 9)) & 0xff, so every sector differs. */
function pattern(offset: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, k) => ((offset + k) * 7 + ((offset + k) >> 9)) & 0xff);
}

function makeImage(name = 'disk.img', bytes = SECTORS * 512): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, pattern(0, bytes));
  return file;
}

function open(file: string, readonly = false, init?: InitOptions) {
  const blk = VirtioBlk.open(file, { readonly });
  devices.push(blk);
  const memory = makeGuestMemory();
  const irq = new RecordingIrq();
  const warnings: string[] = [];
  const mmio = new VirtioMmio(blk, memory, irq, { warn: (m) => warnings.push(m) });
  const driver = new MockDriver(mmio, memory);
  driver.init(init);
  return { blk, driver, queue: driver.queues[0], irq, warnings, memory };
}

function header(type: number, sector: bigint | number = 0): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint32(0, type, true);
  v.setBigUint64(8, BigInt(sector), true);
  return h;
}

/** Submits a request and returns its used length, status byte and the writable buffers' contents. */
function request(ctx: ReturnType<typeof open>, buffers: BufferSpec[], indirect = false) {
  const { head, buffers: placed } = ctx.queue.submit(buffers, { indirect });
  const used = ctx.queue.takeUsed();
  expect(used).toHaveLength(1);
  expect(used[0].id).toBe(head);
  const writable = placed.filter((b) => b.write).map((b) => ctx.queue.bytes(b));
  const all = concat(writable);
  return { len: used[0].len, status: all[all.length - 1], data: all.subarray(0, all.length - 1) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('VirtioBlk.open', () => {
  it('fails with a VirtioBlkError naming a file that cannot be opened', () => {
    const missing = path.join(dir, 'missing.img');
    expect(() => VirtioBlk.open(missing, { readonly: false })).toThrow(VirtioBlkError);
    try {
      VirtioBlk.open(missing, { readonly: true });
    } catch (err) {
      expect((err as VirtioBlkError).kind).toBe('open');
      expect((err as Error).message).toContain(missing);
    }
  });

  it('fails with a VirtioBlkError naming a file whose size is not a multiple of 512', () => {
    const file = makeImage('odd.img', 1000);
    expect(() => VirtioBlk.open(file, { readonly: false })).toThrow(/odd\.img.*1000 bytes/);
    try {
      VirtioBlk.open(file, { readonly: false });
    } catch (err) {
      expect(err).toBeInstanceOf(VirtioBlkError);
      expect((err as VirtioBlkError).kind).toBe('size');
    }
  });

  it('refuses a directory', () => {
    expect(() => VirtioBlk.open(dir, { readonly: true })).toThrow(VirtioBlkError);
  });
});

describe('VirtioBlk device', () => {
  it('is device 2 offering FLUSH and SEG_MAX, with capacity in sectors in its config', () => {
    const ctx = open(makeImage());
    expect(ctx.driver.read(Reg.DeviceId)).toBe(2);
    expect(ctx.driver.deviceFeatures()).toBe(
      VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_SEG_MAX | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX,
    );
    expect(ctx.driver.config(0, 4)).toBe(SECTORS);
    expect(ctx.driver.config(4, 4)).toBe(0);
    expect(ctx.driver.config(0x0c, 4)).toBe(254);
    expect(ctx.blk.capacity).toBe(BigInt(SECTORS));
  });

  it('reads sectors into the writable buffers', () => {
    const ctx = open(makeImage());
    const r = request(ctx, [{ data: header(BlkRequestType.In, 3) }, { writable: 1024 }, { writable: 1 }]);
    expect(r.status).toBe(BlkStatus.Ok);
    expect(r.len).toBe(1025);
    expect(r.data).toEqual(pattern(3 * 512, 1024));
    expect(ctx.irq.level).toBe(true);
  });

  it('writes sectors to the file', () => {
    const file = makeImage();
    const ctx = open(file);
    const data = Uint8Array.from({ length: 1024 }, (_, i) => (i * 13) & 0xff);
    const r = request(ctx, [{ data: header(BlkRequestType.Out, 10) }, { data }, { writable: 1 }]);
    expect(r.status).toBe(BlkStatus.Ok);
    expect(r.len).toBe(1);
    const disk = fs.readFileSync(file);
    expect(new Uint8Array(disk.subarray(10 * 512, 12 * 512))).toEqual(data);
    expect(new Uint8Array(disk.subarray(9 * 512, 10 * 512))).toEqual(pattern(9 * 512, 512));
    // And reads it back through the device.
    const back = request(ctx, [{ data: header(BlkRequestType.In, 10) }, { writable: 1024 }, { writable: 1 }]);
    expect(back.data).toEqual(data);
  });

  it('fsyncs the file before completing a FLUSH', () => {
    const ctx = open(makeImage());
    const fsync = vi.spyOn(fs, 'fsyncSync');
    request(ctx, [{ data: header(BlkRequestType.Out, 0) }, { data: new Uint8Array(512) }, { writable: 1 }]);
    expect(fsync).not.toHaveBeenCalled(); // FLUSH negotiated: writes are write-back
    const r = request(ctx, [{ data: header(BlkRequestType.Flush) }, { writable: 1 }]);
    expect(r.status).toBe(BlkStatus.Ok);
    expect(r.len).toBe(1);
    expect(fsync).toHaveBeenCalledTimes(1);
  });

  it('writes through (fsync per write) when the driver did not accept FLUSH', () => {
    const ctx = open(makeImage(), false, { want: VIRTIO_F_VERSION_1 });
    const fsync = vi.spyOn(fs, 'fsyncSync');
    const r = request(ctx, [{ data: header(BlkRequestType.Out, 1) }, { data: new Uint8Array(512) }, { writable: 1 }]);
    expect(r.status).toBe(BlkStatus.Ok);
    expect(fsync).toHaveBeenCalledTimes(1);
  });

  it('answers GET_ID with "hartvm-" and the file name, NUL-padded to 20 bytes', () => {
    const ctx = open(makeImage('root.img'));
    const r = request(ctx, [{ data: header(BlkRequestType.GetId) }, { writable: 20 }, { writable: 1 }]);
    expect(r.status).toBe(BlkStatus.Ok);
    expect(r.len).toBe(21);
    const expected = new Uint8Array(20);
    expected.set(new TextEncoder().encode('hartvm-root.img'));
    expect(r.data).toEqual(expected);
  });

  it('truncates a long GET_ID string to 20 bytes without a terminator', () => {
    const ctx = open(makeImage('a-rather-long-disk-name.img'));
    const r = request(ctx, [{ data: header(BlkRequestType.GetId) }, { writable: 20 }, { writable: 1 }]);
    expect(new TextDecoder().decode(r.data)).toBe('hartvm-a-rather-long');
  });

  it('offers RO for a read-only image and fails writes with IOERR, writing nothing', () => {
    const file = makeImage();
    const ctx = open(file, true);
    expect(ctx.driver.deviceFeatures() & VIRTIO_BLK_F_RO).toBe(VIRTIO_BLK_F_RO);
    const r = request(ctx, [{ data: header(BlkRequestType.Out, 0) }, { data: new Uint8Array(512) }, { writable: 1 }]);
    expect(r.status).toBe(BlkStatus.IoErr);
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(pattern(0, SECTORS * 512));
    const read = request(ctx, [{ data: header(BlkRequestType.In, 0) }, { writable: 512 }, { writable: 1 }]);
    expect(read.status).toBe(BlkStatus.Ok);
    expect(request(ctx, [{ data: header(BlkRequestType.Flush) }, { writable: 1 }]).status).toBe(BlkStatus.Ok);
  });

  it('fails requests beyond the end of the disk with IOERR', () => {
    const ctx = open(makeImage());
    for (const [type, sector, bytes] of [
      [BlkRequestType.In, SECTORS - 1, 1024],
      [BlkRequestType.In, SECTORS, 512],
      [BlkRequestType.In, 2n ** 63n, 512],
      [BlkRequestType.Out, SECTORS - 1, 1024],
      [BlkRequestType.Out, 2n ** 64n - 1n, 512],
    ] as const) {
      const buffers: BufferSpec[] = type === BlkRequestType.In
        ? [{ data: header(type, sector) }, { writable: bytes }, { writable: 1 }]
        : [{ data: header(type, sector) }, { data: new Uint8Array(bytes) }, { writable: 1 }];
      const r = request(ctx, buffers);
      expect(r.status).toBe(BlkStatus.IoErr);
      expect(r.len).toBe(1);
    }
    // The last sector itself is fine.
    expect(request(ctx, [{ data: header(BlkRequestType.In, SECTORS - 1) }, { writable: 512 }, { writable: 1 }]).status)
      .toBe(BlkStatus.Ok);
  });

  it('fails data that is not a whole number of sectors with IOERR', () => {
    const ctx = open(makeImage());
    expect(request(ctx, [{ data: header(BlkRequestType.In, 0) }, { writable: 100 }, { writable: 1 }]).status)
      .toBe(BlkStatus.IoErr);
    expect(request(ctx, [{ data: header(BlkRequestType.Out, 0) }, { data: new Uint8Array(100) }, { writable: 1 }]).status)
      .toBe(BlkStatus.IoErr);
  });

  it('answers unsupported request types with UNSUPP', () => {
    const ctx = open(makeImage());
    for (const type of [BlkRequestType.Discard, BlkRequestType.WriteZeroes, BlkRequestType.GetLifetime, 2, 0x8000_0000]) {
      const r = request(ctx, [{ data: header(type) }, { data: new Uint8Array(16) }, { writable: 1 }]);
      expect(r.status).toBe(BlkStatus.Unsupp);
    }
  });

  it('handles chains whose header, data and status are split over many descriptors', () => {
    const file = makeImage();
    const ctx = open(file);
    const h = header(BlkRequestType.Out, 5);
    const data = Uint8Array.from({ length: 1536 }, (_, i) => (i ^ 0x5a) & 0xff);
    const w = request(ctx, [
      { data: h.subarray(0, 4) }, { data: h.subarray(4, 16) },
      { data: data.subarray(0, 100) }, { data: data.subarray(100, 612) }, { data: data.subarray(612) },
      { writable: 1 },
    ]);
    expect(w.status).toBe(BlkStatus.Ok);
    expect(new Uint8Array(fs.readFileSync(file).subarray(5 * 512, 8 * 512))).toEqual(data);
    // A read into odd-sized pieces, with the status byte sharing the last descriptor.
    const h2 = header(BlkRequestType.In, 5);
    const r = request(ctx, [
      { data: h2.subarray(0, 8) }, { data: h2.subarray(8) },
      { writable: 7 }, { writable: 1000 }, { writable: 529 + 1 },
    ]);
    expect(r.status).toBe(BlkStatus.Ok);
    expect(r.len).toBe(1537);
    expect(r.data).toEqual(data);
  });

  it('handles requests through indirect descriptor tables', () => {
    const file = makeImage();
    const ctx = open(file);
    const data = pattern(12345, 512);
    const w = request(ctx, [{ data: header(BlkRequestType.Out, 20) }, { data }, { writable: 1 }], true);
    expect(w.status).toBe(BlkStatus.Ok);
    const r = request(ctx, [{ data: header(BlkRequestType.In, 19) }, { writable: 512 }, { writable: 512 }, { writable: 1 }], true);
    expect(r.status).toBe(BlkStatus.Ok);
    expect(r.data.subarray(0, 512)).toEqual(pattern(19 * 512, 512));
    expect(r.data.subarray(512)).toEqual(data);
  });

  it('returns a request without a header or status byte unserved, and keeps working', () => {
    const ctx = open(makeImage());
    const { head } = ctx.queue.submit([{ data: new Uint8Array(8) }, { writable: 1 }]);
    expect(ctx.queue.takeUsed()).toEqual([{ id: head, len: 0 }]);
    const noStatus = ctx.queue.submit([{ data: header(BlkRequestType.In, 0) }]);
    expect(ctx.queue.takeUsed()).toEqual([{ id: noStatus.head, len: 0 }]);
    expect(ctx.warnings.join()).toMatch(/without a header/);
    expect(request(ctx, [{ data: header(BlkRequestType.Flush) }, { writable: 1 }]).status).toBe(BlkStatus.Ok);
  });

  it('does not throw on a malformed chain: it asks for a reset instead', () => {
    const ctx = open(makeImage());
    const q = ctx.queue;
    const [a, b] = q.take(2);
    q.writeDesc(a, RAM_BASE + 0x1000, 16, DescFlag.Next, b);
    q.writeDesc(b, RAM_BASE + 0x1000, 16, DescFlag.Next, a);
    q.makeAvailable(a);
    expect(() => q.kick()).not.toThrow();
    expect(ctx.driver.status() & Status.DeviceNeedsReset).toBe(Status.DeviceNeedsReset);
    expect(ctx.driver.read(Reg.InterruptStatus) & 2).toBe(2);
  });

  it('fails requests with IOERR once closed', () => {
    const ctx = open(makeImage());
    ctx.blk.close();
    expect(request(ctx, [{ data: header(BlkRequestType.In, 0) }, { writable: 512 }, { writable: 1 }]).status)
      .toBe(BlkStatus.IoErr);
    expect(request(ctx, [{ data: header(BlkRequestType.Flush) }, { writable: 1 }]).status).toBe(BlkStatus.IoErr);
  });
});

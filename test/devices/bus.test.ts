import { describe, expect, it } from 'vitest';
import { MmioBus } from '../../src/devices/bus.ts';
import type { MmioDevice } from '../../src/devices/device.ts';

/** A device that records accesses and reads back base + offset, so routing is visible. */
class Recorder implements MmioDevice {
  readonly log: string[] = [];
  constructor(private readonly tag: number) {}
  read(offset: number, size: 1 | 2 | 4): number {
    this.log.push(`r${size}@${offset}`);
    return (this.tag + offset) >>> 0;
  }
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    this.log.push(`w${size}@${offset}=${value.toString(16)}`);
  }
}

function busWith(...windows: [number, number, string][]): { bus: MmioBus; devices: Recorder[] } {
  const bus = new MmioBus();
  const devices = windows.map(([base, length, name]) => {
    const device = new Recorder(base);
    bus.insert(base, length, device, name);
    return device;
  });
  return { bus, devices };
}

describe('MmioBus', () => {
  it('routes an access to the device holding the address, at an offset into its window', () => {
    const { bus, devices } = busWith([0x1000_0000, 0x100, 'uart'], [0x10_0000, 0x1000, 'finisher']);
    expect(bus.read(0x1000_0005, 1)).toEqual({ lo: (0x1000_0005) & 0xff, hi: 0 });
    expect(devices[0].log).toEqual(['r1@5']);
    expect(bus.write(0x10_0000, 4, 0x5555, 0)).toBe(true);
    expect(devices[1].log).toEqual(['w4@0=5555']);
  });

  it('returns undefined / false for addresses nothing is mapped at', () => {
    const { bus } = busWith([0x1000, 0x100, 'a']);
    expect(bus.read(0xfff, 1)).toBeUndefined();
    expect(bus.read(0x1100, 4)).toBeUndefined();
    expect(bus.read(0, 4)).toBeUndefined();
    expect(bus.write(0x2000, 4, 1, 0)).toBe(false);
    expect(new MmioBus().read(0x1000, 4)).toBeUndefined();
  });

  it('treats an access straddling the end of a window as unmapped', () => {
    const { bus, devices } = busWith([0x1000, 0x100, 'a'], [0x1100, 0x100, 'b']);
    expect(bus.read(0x10fe, 4)).toBeUndefined();
    expect(bus.read(0x10fc, 8)).toBeUndefined();
    expect(bus.write(0x10ff, 2, 0, 0)).toBe(false);
    expect(bus.read(0x10fc, 4)).toBeDefined();
    expect(devices[1].log).toEqual([]);
  });

  it('splits an 8-byte access into two 4-byte accesses, low half first', () => {
    const { bus, devices } = busWith([0x2000, 0x100, 'a']);
    expect(bus.read(0x2008, 8)).toEqual({ lo: 0x2008, hi: 0x200c });
    expect(bus.write(0x2010, 8, 0x1111_2222, 0xffff_ffff)).toBe(true);
    expect(devices[0].log).toEqual(['r4@8', 'r4@12', 'w4@16=11112222', 'w4@20=ffffffff']);
  });

  it('masks values to the access size and keeps 32-bit values unsigned', () => {
    const bus = new MmioBus();
    const written: number[] = [];
    bus.insert(0, 0x10, { read: () => -1, write: (_o, _s, v) => void written.push(v) }, 'signed');
    expect(bus.read(0, 1)).toEqual({ lo: 0xff, hi: 0 });
    expect(bus.read(0, 2)).toEqual({ lo: 0xffff, hi: 0 });
    expect(bus.read(0, 4)).toEqual({ lo: 0xffff_ffff, hi: 0 });
    expect(bus.read(0, 8)).toEqual({ lo: 0xffff_ffff, hi: 0xffff_ffff });
    bus.write(0, 1, 0x1234, 0);
    bus.write(0, 2, -1, 0);
    bus.write(0, 4, -1, 0);
    expect(written).toEqual([0x34, 0xffff, 0xffff_ffff]);
  });

  it('finds the right window among many, inserted in any order', () => {
    const bases = [0x1000_8000, 0x10_0000, 0x8000_0000, 0x1000_1000, 0x0c00_0000, 0x200_0000, 0x10_1000];
    const { bus } = busWith(...bases.map((b, i): [number, number, string] => [b, 0x1000, `dev${i}`]));
    for (const base of bases) {
      expect(bus.read(base, 4)?.lo).toBe(base >>> 0);
      expect(bus.read(base + 0xffc, 4)?.lo).toBe((base + 0xffc) >>> 0);
      const below = bus.read(base - 1, 1);
      if (bases.includes(base - 0x1000)) expect(below?.lo).toBe((base - 1) & 0xff);
      else expect(below).toBeUndefined();
    }
  });

  it('handles addresses above 4 GiB', () => {
    const { bus } = busWith([0x1_0000_0000, 0x1000, 'high']);
    expect(bus.read(0x1_0000_0010, 1)).toBeDefined();
    expect(bus.read(0x10, 1)).toBeUndefined();
  });

  it('refuses overlapping windows, naming both devices', () => {
    const { bus } = busWith([0x1000, 0x100, 'uart']);
    expect(() => bus.insert(0x10ff, 1, new Recorder(0), 'rtc')).toThrow(/rtc.*overlaps uart/);
    expect(() => bus.insert(0x0f00, 0x101, new Recorder(0), 'x')).toThrow(/overlaps/);
    expect(() => bus.insert(0x0f00, 0x1000, new Recorder(0), 'x')).toThrow(/overlaps/);
    bus.insert(0x1100, 0x100, new Recorder(0), 'adjacent above');
    bus.insert(0x0f00, 0x100, new Recorder(0), 'adjacent below');
  });

  it('refuses empty and invalid windows', () => {
    const bus = new MmioBus();
    expect(() => bus.insert(0x1000, 0, new Recorder(0), 'empty')).toThrow(/empty|length/);
    expect(() => bus.insert(0x1000, -4, new Recorder(0), 'negative')).toThrow();
    expect(() => bus.insert(-1, 4, new Recorder(0), 'below zero')).toThrow();
    expect(() => bus.insert(0.5, 4, new Recorder(0), 'fraction')).toThrow();
    expect(() => bus.insert(Number.MAX_SAFE_INTEGER, 2, new Recorder(0), 'too high')).toThrow();
    expect(bus.describe()).toEqual([]);
  });

  it('describes its windows in address order', () => {
    const { bus } = busWith([0x1000_0000, 0x100, 'uart'], [0x10_0000, 0x1000, 'finisher']);
    expect(bus.describe()).toEqual([
      { base: 0x10_0000, length: 0x1000, name: 'finisher' },
      { base: 0x1000_0000, length: 0x100, name: 'uart' },
    ]);
  });
});

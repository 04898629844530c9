import { describe, expect, it } from 'vitest';
import { TestFinisher, type FinishEvent } from '../../src/devices/finisher.ts';

function finisher(): { device: TestFinisher; events: FinishEvent[]; warnings: string[] } {
  const events: FinishEvent[] = [];
  const warnings: string[] = [];
  const device = new TestFinisher((e) => events.push(e), (m) => warnings.push(m));
  return { device, events, warnings };
}

describe('TestFinisher', () => {
  it('reports 0x5555 as a pass', () => {
    const { device, events } = finisher();
    device.write(0, 4, 0x5555);
    expect(events).toEqual([{ kind: 'pass' }]);
  });

  it('reports (code << 16) | 0x3333 as a failure with that code', () => {
    const { device, events } = finisher();
    device.write(0, 4, (3 << 16) | 0x3333);
    device.write(0, 4, 0xffff_3333);
    device.write(0, 4, 0x3333);
    expect(events).toEqual([
      { kind: 'fail', code: 3 },
      { kind: 'fail', code: 0xffff },
      { kind: 'fail', code: 0 },
    ]);
  });

  it('reports 0x7777 as a reset request', () => {
    const { device, events } = finisher();
    device.write(0, 4, 0x7777);
    expect(events).toEqual([{ kind: 'reset' }]);
  });

  it('decides on the low 16 bits alone, as QEMU does', () => {
    const { device, events } = finisher();
    device.write(0, 4, 0x1234_5555);
    device.write(0, 2, 0x5555);
    expect(events).toEqual([{ kind: 'pass' }, { kind: 'pass' }]);
  });

  it('ignores other values, offsets and byte writes, warning once', () => {
    const { device, events, warnings } = finisher();
    device.write(0, 4, 0x1234);
    device.write(4, 4, 0x5555);
    device.write(0, 1, 0x55);
    expect(events).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('0x1234');
  });

  it('reads as zero', () => {
    const { device } = finisher();
    expect(device.read(0, 4)).toBe(0);
    expect(device.read(8, 1)).toBe(0);
  });

  it('works without a warning sink', () => {
    const events: FinishEvent[] = [];
    const device = new TestFinisher((e) => events.push(e));
    device.write(0, 4, 1);
    expect(events).toEqual([]);
  });
});

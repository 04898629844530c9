import { afterEach, describe, expect, it, vi } from 'vitest';
import { Plic } from '../../src/devices/plic.ts';
import { PLIC_BASE, PLIC_SIZE, PLIC_SOURCES } from '../../src/memory/machine-map.ts';

const PRIORITY = 0x000000, PENDING = 0x001000, ENABLE = 0x002000, CONTEXT = 0x200000;
const priorityOf = (source: number) => PRIORITY + 4 * source;
const enableOf = (ctx: number, word = 0) => ENABLE + 0x80 * ctx + 4 * word;
const thresholdOf = (ctx: number) => CONTEXT + 0x1000 * ctx;
const claimOf = (ctx: number) => CONTEXT + 0x1000 * ctx + 4;

function plic(harts = 1) {
  const events: string[] = [];
  const levels = new Map<string, boolean>();
  const device = new Plic(harts, (hart, supervisor, level) => {
    const ctx = `${hart}${supervisor ? 'S' : 'M'}`;
    events.push(`${ctx}=${level ? 1 : 0}`);
    levels.set(ctx, level);
  });
  const r = (offset: number) => device.read(offset, 4);
  const w = (offset: number, value: number) => device.write(offset, 4, value);
  return {
    device,
    events,
    r,
    w,
    /** The output level of hart h's M (supervisor false) or S context. */
    out: (hart: number, supervisor = false) => levels.get(`${hart}${supervisor ? 'S' : 'M'}`) ?? false,
    enable: (ctx: number, ...sources: number[]) => {
      for (const s of sources) w(enableOf(ctx, s >> 5), r(enableOf(ctx, s >> 5)) | (1 << (s & 31)));
    },
    claim: (ctx: number) => r(claimOf(ctx)),
    complete: (ctx: number, source: number) => w(claimOf(ctx), source),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Plic layout', () => {
  it('has the QEMU virt window and source count', () => {
    expect(PLIC_BASE).toBe(0x0c00_0000);
    expect(PLIC_SIZE).toBe(0x60_0000);
    expect(PLIC_SOURCES).toBe(96);
  });

  it('keeps 3 bits of priority and threshold, and none for source 0', () => {
    const t = plic();
    t.w(priorityOf(5), 0xff);
    expect(t.r(priorityOf(5))).toBe(7);
    t.w(priorityOf(0), 7);
    expect(t.r(priorityOf(0))).toBe(0);
    t.w(thresholdOf(1), 0x1d);
    expect(t.r(thresholdOf(1))).toBe(5);
  });

  it('stores enable bits per context, with source 0 hardwired off', () => {
    const t = plic();
    t.w(enableOf(0, 0), 0xffff_ffff);
    t.w(enableOf(1, 2), 0x8000_0001);
    expect(t.r(enableOf(0, 0))).toBe(0xffff_fffe);
    expect(t.r(enableOf(0, 2))).toBe(0);
    expect(t.r(enableOf(1, 0))).toBe(0);
    expect(t.r(enableOf(1, 2))).toBe(0x8000_0001);
  });

  it('hands out one line per source, 1 to 95 only', () => {
    const t = plic();
    expect(t.device.line(10)).toBe(t.device.line(10));
    expect(() => t.device.line(0)).toThrow(RangeError);
    expect(() => t.device.line(96)).toThrow(RangeError);
    expect(() => t.device.line(95)).not.toThrow();
  });
});

describe('Plic gateway and pending bits', () => {
  it('makes a source pending while its line is high, even when not enabled', () => {
    const t = plic();
    t.device.line(1).set(true);
    t.device.line(33).set(true);
    t.device.line(95).set(true);
    expect(t.r(PENDING)).toBe(1 << 1);
    expect(t.r(PENDING + 4)).toBe(1 << 1);
    expect(t.r(PENDING + 8)).toBe(0x8000_0000);
    expect(t.events).toEqual([]);
  });

  it('forgets a level that drops before the claim', () => {
    const t = plic();
    t.w(priorityOf(10), 1);
    t.enable(0, 10);
    t.device.line(10).set(true);
    expect(t.out(0)).toBe(true);
    t.device.line(10).set(false);
    expect(t.r(PENDING)).toBe(0);
    expect(t.out(0)).toBe(false);
    expect(t.claim(0)).toBe(0);
  });

  it('ignores writes to the pending bits', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const t = plic();
    t.w(PENDING, 0xffff_ffff);
    expect(t.r(PENDING)).toBe(0);
  });
});

describe('Plic claim and complete', () => {
  it('returns 0 when nothing is pending', () => {
    const t = plic();
    expect(t.claim(0)).toBe(0);
    t.w(priorityOf(3), 1);
    t.enable(0, 3);
    expect(t.claim(0)).toBe(0);
  });

  it('claims the highest priority first', () => {
    const t = plic();
    t.w(priorityOf(3), 2);
    t.w(priorityOf(7), 5);
    t.w(priorityOf(40), 3);
    t.enable(0, 3, 7, 40);
    for (const s of [3, 7, 40]) t.device.line(s).set(true);
    expect(t.claim(0)).toBe(7);
    expect(t.claim(0)).toBe(40);
    expect(t.claim(0)).toBe(3);
    expect(t.claim(0)).toBe(0);
  });

  it('breaks priority ties by the lowest id, across words', () => {
    const t = plic();
    for (const s of [70, 33, 9]) t.w(priorityOf(s), 4);
    t.enable(0, 70, 33, 9);
    for (const s of [70, 33, 9]) t.device.line(s).set(true);
    expect([t.claim(0), t.claim(0), t.claim(0)]).toEqual([9, 33, 70]);
  });

  it('never delivers a source of priority 0', () => {
    const t = plic();
    t.enable(0, 4);
    t.device.line(4).set(true);
    expect(t.out(0)).toBe(false);
    expect(t.claim(0)).toBe(0);
    expect(t.r(PENDING)).toBe(1 << 4);
  });

  it('masks sources at or below the threshold', () => {
    const t = plic();
    t.w(priorityOf(2), 3);
    t.w(priorityOf(5), 4);
    t.enable(0, 2, 5);
    t.w(thresholdOf(0), 4);
    t.device.line(2).set(true);
    t.device.line(5).set(true);
    expect(t.out(0)).toBe(false);
    expect(t.claim(0)).toBe(0);
    t.w(thresholdOf(0), 3);
    expect(t.out(0)).toBe(true);
    expect(t.claim(0)).toBe(5);
    // Source 2 (priority 3) stays masked at threshold 3 ...
    expect(t.out(0)).toBe(false);
    expect(t.claim(0)).toBe(0);
    // ... until the threshold drops below its priority.
    t.w(thresholdOf(0), 2);
    expect(t.out(0)).toBe(true);
    expect(t.claim(0)).toBe(2);
  });

  it('re-pends a line still high only after completion', () => {
    const t = plic();
    t.w(priorityOf(10), 1);
    t.enable(0, 10);
    const line = t.device.line(10);
    line.set(true);
    expect(t.claim(0)).toBe(10);
    // In flight: not pending, output low, even though the line is high.
    expect(t.r(PENDING)).toBe(0);
    expect(t.out(0)).toBe(false);
    expect(t.claim(0)).toBe(0);
    line.set(false);
    line.set(true);
    expect(t.r(PENDING)).toBe(0);
    t.complete(0, 10);
    expect(t.r(PENDING)).toBe(1 << 10);
    expect(t.out(0)).toBe(true);
    expect(t.claim(0)).toBe(10);
    // The device is served: its line drops, and completion leaves nothing pending.
    line.set(false);
    t.complete(0, 10);
    expect(t.r(PENDING)).toBe(0);
    expect(t.out(0)).toBe(false);
    expect(t.events).toEqual(['0M=1', '0M=0', '0M=1', '0M=0']);
  });

  it('ignores a completion for a source not enabled for the context', () => {
    const t = plic();
    t.w(priorityOf(6), 1);
    t.enable(0, 6);
    t.device.line(6).set(true);
    expect(t.claim(0)).toBe(6);
    t.complete(1, 6); // context 1 does not have source 6 enabled
    expect(t.r(PENDING)).toBe(0);
    t.complete(0, 6);
    expect(t.r(PENDING)).toBe(1 << 6);
  });

  it('ignores completions of ids out of range or not in flight', () => {
    const t = plic();
    t.w(priorityOf(6), 1);
    t.enable(0, 6);
    t.complete(0, 0);
    t.complete(0, 96);
    t.complete(0, 0xffff_ffff);
    t.complete(0, 6);
    expect(t.r(PENDING)).toBe(0);
    expect(t.claim(0)).toBe(0);
  });

  it('lets one context claim what another also has enabled', () => {
    const t = plic(2);
    t.w(priorityOf(1), 1);
    t.enable(1, 1);
    t.enable(3, 1);
    t.device.line(1).set(true);
    expect(t.out(0, true)).toBe(true);
    expect(t.out(1, true)).toBe(true);
    expect(t.claim(3)).toBe(1);
    expect(t.out(0, true)).toBe(false);
    expect(t.out(1, true)).toBe(false);
    expect(t.claim(1)).toBe(0);
  });
});

describe('Plic outputs', () => {
  it('calls output only when a context level changes', () => {
    const t = plic();
    t.w(priorityOf(1), 1);
    t.w(priorityOf(2), 2);
    t.enable(0, 1, 2);
    t.device.line(1).set(true);
    t.device.line(1).set(true); // same level again
    t.device.line(2).set(true); // another source, output already high
    t.w(priorityOf(1), 3); // reprioritising keeps it high
    t.w(thresholdOf(0), 0);
    expect(t.events).toEqual(['0M=1']);
    t.w(enableOf(0), 0);
    expect(t.events).toEqual(['0M=1', '0M=0']);
    t.w(enableOf(0), 0);
    expect(t.events).toEqual(['0M=1', '0M=0']);
  });

  it('follows priority changes: a priority of 0 masks a source', () => {
    const t = plic();
    t.w(priorityOf(9), 1);
    t.enable(0, 9);
    t.device.line(9).set(true);
    expect(t.out(0)).toBe(true);
    t.w(priorityOf(9), 0);
    expect(t.out(0)).toBe(false);
    t.w(priorityOf(9), 2);
    expect(t.out(0)).toBe(true);
  });

  it('routes each context of 4 harts to its own hart and mode', () => {
    const t = plic(4);
    for (let ctx = 0; ctx < 8; ctx++) {
      const source = 20 + ctx;
      t.w(priorityOf(source), 1);
      t.enable(ctx, source);
    }
    for (let ctx = 0; ctx < 8; ctx++) {
      const hart = ctx >> 1;
      const supervisor = (ctx & 1) === 1;
      t.events.length = 0;
      t.device.line(20 + ctx).set(true);
      expect(t.events).toEqual([`${hart}${supervisor ? 'S' : 'M'}=1`]);
      for (let other = 0; other < 8; other++) {
        expect(t.out(other >> 1, (other & 1) === 1)).toBe(other <= ctx);
      }
    }
    for (let ctx = 0; ctx < 8; ctx++) {
      expect(t.claim(ctx)).toBe(20 + ctx);
      expect(t.out(ctx >> 1, (ctx & 1) === 1)).toBe(false);
      expect(t.r(thresholdOf(ctx))).toBe(0);
    }
  });
});

describe('Plic unknown accesses', () => {
  it('ignores unknown offsets and sizes, warning once per offset', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const t = plic(1);
    const unknown = [
      priorityOf(96), // past the last source
      PENDING + 12, // past the pending words
      enableOf(0, 3), // past the enable words
      enableOf(2), // context 2 does not exist on 1 hart
      thresholdOf(2),
      CONTEXT + 8, // no register after claim/complete
      0x1ff_fffc,
      PLIC_SIZE - 4,
    ];
    for (const offset of unknown) {
      expect(t.r(offset)).toBe(0);
      t.w(offset, 0xffff_ffff);
      expect(t.r(offset)).toBe(0);
    }
    expect(warn).toHaveBeenCalledTimes(unknown.length);
    expect(warn.mock.calls[0][0]).toContain('0x180');
    // Narrow and misaligned accesses reach no register.
    t.device.write(priorityOf(1), 1, 7);
    t.device.write(priorityOf(1) + 2, 2, 7);
    t.w(priorityOf(1) + 1, 7);
    expect(t.device.read(priorityOf(1), 2)).toBe(0);
    expect(t.r(priorityOf(1))).toBe(0);
    expect(t.events).toEqual([]);
  });

  it('keeps working after ignored accesses', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const t = plic();
    t.w(0x5f_fff0, 1);
    t.device.read(claimOf(0), 1);
    t.w(priorityOf(1), 1);
    t.enable(0, 1);
    t.device.line(1).set(true);
    expect(t.claim(0)).toBe(1);
  });
});

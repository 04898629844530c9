/**
 * The hart control words as every thread drives them (src/memory/harts-control.ts): interrupt lines,
 * wake-ups, remote flush requests and SBI HSM hart_start, on a real shared memory and no worker.
 */
import { describe, expect, it } from 'vitest';
import { HartsControl } from '../../src/memory/harts-control.ts';
import { IrqBit } from '../../src/memory/irq-bits.ts';
import { Control, FlushScope, Global, HsmState, controlWordBase, createSharedMemory } from '../../src/memory/layout.ts';
import { Worker } from 'node:worker_threads';

function machine(harts = 2): { mem: Int32Array; control: HartsControl; word: (hart: number, w: Control) => number } {
  const mem = new Int32Array(createSharedMemory(1 << 20).buffer);
  return { mem, control: new HartsControl(mem, harts), word: (hart, w) => mem[controlWordBase(hart) + w] };
}

describe('HartsControl', () => {
  it('raises and lowers interrupt lines on one hart only, waking it on a raise', () => {
    const { control, word } = machine();
    control.raise(1, IrqBit.SSIP | IrqBit.MEIP);
    expect(word(1, Control.PendingIrq)).toBe(IrqBit.SSIP | IrqBit.MEIP);
    expect(word(0, Control.PendingIrq)).toBe(0);
    expect(word(1, Control.Wake)).toBe(1);
    control.lower(1, IrqBit.SSIP);
    expect(word(1, Control.PendingIrq)).toBe(IrqBit.MEIP);
    expect(word(1, Control.Wake)).toBe(1); // a line going low wakes nobody
  });

  it('asks for a TLB flush and wakes the hart, without waiting for it', () => {
    const { control, word } = machine();
    control.requestFlush(0);
    expect(word(0, Control.FlushRequest)).toBe(FlushScope.All);
    expect(word(0, Control.Wake)).toBe(1);
  });

  it('keeps every scope of flush asked for until the hart takes them', () => {
    const { control, word } = machine();
    control.requestFlush(1, FlushScope.NonGlobal);
    expect(word(1, Control.FlushRequest)).toBe(FlushScope.NonGlobal);
    control.requestFlush(1, FlushScope.All);
    expect(word(1, Control.FlushRequest)).toBe(FlushScope.NonGlobal | FlushScope.All);
  });

  it('starts a STOPPED hart with its address and opaque value, and only a STOPPED one', () => {
    const { control, word } = machine();
    control.setHsmState(1, HsmState.Stopped);
    expect(control.requestStart(1, 0x8020_0000 + 2 ** 32, 0x1234_5678_9abc_def0n)).toBe(true);
    expect(control.hsmState(1)).toBe(HsmState.StartPending);
    expect(control.rawHsmState(1)).toBe(HsmState.StartPending);
    expect(word(1, Control.StartAddrLo) >>> 0).toBe(0x8020_0000);
    expect(word(1, Control.StartAddrHi)).toBe(1);
    expect(word(1, Control.StartOpaqueLo) >>> 0).toBe(0x9abc_def0);
    expect(word(1, Control.StartOpaqueHi)).toBe(0x1234_5678);
    expect(word(1, Control.Wake)).toBe(1);
    // Already START_PENDING, or running: SBI_ERR_ALREADY_AVAILABLE for the caller.
    expect(control.requestStart(1, 0x8000_0000, 0n)).toBe(false);
    control.setHsmState(0, HsmState.Started);
    expect(control.requestStart(0, 0x8000_0000, 0n)).toBe(false);
  });

  it('shows a hart claimed by a starter as START_PENDING to the guest, but not yet to the hart itself', () => {
    const { control } = machine();
    control.setHsmState(1, HsmState.StartClaimed); // a hart_start caller between claiming and publishing
    expect(control.hsmState(1)).toBe(HsmState.StartPending);
    expect(control.rawHsmState(1)).toBe(HsmState.StartClaimed);
    expect(control.requestStart(1, 0x8000_0000, 0n)).toBe(false);
  });

  it('lets the harts that start running begin together: each waits in startTogether until the last has come', async () => {
    const { mem, control } = machine(2);
    mem[Global.StartingHarts] = 2;
    // The other hart, in a thread of its own, checks in a while from now.
    const other = new Worker(`
      const { workerData: mem } = require('node:worker_threads');
      setTimeout(() => {
        Atomics.add(mem, ${Global.StartedHarts}, 1);
        Atomics.notify(mem, ${Global.StartedHarts});
      }, 150);
    `, { eval: true, workerData: mem });
    control.startTogether();
    const whenReturned = mem[Global.StartedHarts];
    await new Promise((resolve) => other.once('exit', resolve));
    expect(whenReturned).toBe(2); // it did not go on alone
  });

  it('does not wait when it is the last to come, or when the machine stops', () => {
    const { mem, control } = machine(2);
    mem[Global.StartingHarts] = 1;
    control.startTogether();
    expect(mem[Global.StartedHarts]).toBe(1);
    mem[Global.StartingHarts] = 3;
    mem[Global.Stop] = 1;
    control.startTogether(); // returns within its 100 ms poll instead of waiting for a third hart
    expect(mem[Global.StartedHarts]).toBe(2);
  });
});

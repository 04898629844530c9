/**
 * Harts share compiled modules (jit.ts PeerBatch, vcpu/block-exchange.ts): a block one hart
 * compiled runs on another hart against that hart's own state, and only where it fits there (the
 * same physical code at the same generation, the same privilege). Two harts over one memory, with
 * the exchange between them as two queues.
 */
import { describe, expect, it } from 'vitest';
import { Hart } from '../../src/cpu/hart.ts';
import { resetHart } from '../../src/cpu/reset.ts';
import { Jit, type BlockExchange, type PeerBatch } from '../../src/jit/jit.ts';
import { runWithJit } from '../../src/jit/run-loop.ts';
import { Global, RAM_OFFSET, createSharedMemory } from '../../src/memory/layout.ts';
import { RAM_BASE } from '../../src/memory/machine-map.ts';
import { add, addi, bne, jSelf, lui } from '../cpu/helpers/asm.ts';

const RAM_BYTES = 1 << 20;
const CODE = RAM_BASE + 0x1000;
const A0 = 10, A1 = 11, A2 = 12;
const ITERATIONS = 1 << 16;

/** a0 = ITERATIONS + ... + 1 in a three-instruction loop, a2 = a0 + 1, then `j .` at END. */
const PROGRAM = [addi(A0, 0, 0), lui(A1, ITERATIONS >> 12), add(A0, A0, A1), addi(A1, A1, -1), bne(A1, 0, -8), addi(A2, A0, 1), jSelf()];
const END = CODE + 4 * (PROGRAM.length - 1);
const SUM = (ITERATIONS * (ITERATIONS + 1)) / 2;

/** Two exchanges joined: what one offers, the other takes. */
function exchangePair(): [BlockExchange, BlockExchange] {
  const toFirst: PeerBatch[] = [], toSecond: PeerBatch[] = [];
  return [
    { offer: (b) => toSecond.push(b), take: () => toFirst.shift() },
    { offer: (b) => toFirst.push(b), take: () => toSecond.shift() },
  ];
}

function machine() {
  const memory = createSharedMemory(RAM_BYTES);
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  new Int32Array(buffer)[Global.Harts] = 2;
  const ram = new DataView(buffer, RAM_OFFSET, RAM_BYTES);
  PROGRAM.forEach((w, i) => ram.setUint32(CODE - RAM_BASE + 4 * i, w, true));
  const [first, second] = exchangePair();
  const hart = (id: number, exchange: BlockExchange) => {
    const h = new Hart(memory, id, RAM_BYTES, { tohost: -1, mtime: () => 0, tohostWritten: () => undefined, mmioRead: () => false, mmioWrite: () => false });
    return { hart: h, jit: new Jit(h, { pleSpins: 0, exchange }) };
  };
  return { ram, harts: [hart(0, first), hart(1, second)] };
}

/** Runs from CODE at privilege `priv` until the hart parks at END. */
function runProgram({ hart, jit }: { hart: Hart; jit: Jit }, priv: number): void {
  resetHart(hart, CODE, priv, 0);
  for (let slices = 0; hart.pc !== END; slices++) {
    if (slices > 10_000) throw new Error(`hart ${hart.id} did not reach the end: pc 0x${hart.pc.toString(16)}`);
    runWithJit(hart, jit, 1000);
  }
}

const reg = (h: Hart, r: number): number => h.r[2 * r + 1] * 2 ** 32 + (h.r[2 * r] >>> 0);

describe('compiled blocks shared between harts', () => {
  it('runs a block another hart compiled on its own registers', () => {
    const { harts: [h0, h1] } = machine();
    runProgram(h0, 3);
    expect(h0.jit.stats.modules).toBeGreaterThan(0);
    runProgram(h1, 3);
    expect(h1.jit.stats.fromPeers).toBeGreaterThan(0);
    expect(reg(h1.hart, A0)).toBe(SUM);
    expect(reg(h1.hart, A2)).toBe(SUM + 1);
    // Hart 0's registers are its own still: hart 1's run of the shared code wrote none of them.
    h0.hart.saveState();
    expect(reg(h0.hart, A1)).toBe(0);
    expect(reg(h0.hart, A0)).toBe(SUM);
    // It took the loop at once instead of counting to the JIT's threshold in the interpreter.
    expect(h1.jit.stats.instret / h1.hart.instret).toBeGreaterThan(0.99);
  });

  it('does not take a block whose code was written since it was compiled', () => {
    const { ram, harts: [h0, h1] } = machine();
    runProgram(h0, 3);
    // The loop adds twice a1 now: as a store would, the write bumps the page's code generation.
    ram.setUint32(CODE - RAM_BASE + 8, add(A0, A0, A0), true);
    h1.hart.codePages.noteWrite(CODE + 8, 4);
    runProgram(h1, 3);
    expect(h1.jit.stats.fromPeers).toBe(0);
    expect(reg(h1.hart, A0)).toBe(0); // 0 doubled, ITERATIONS times
  });

  it('does not take a block compiled at another privilege', () => {
    const { harts: [h0, h1] } = machine();
    runProgram(h0, 3);
    runProgram(h1, 1); // S-mode, satp bare: the same physical code
    expect(h1.jit.stats.fromPeers).toBe(0);
    expect(h1.jit.stats.modules).toBeGreaterThan(0);
    expect(reg(h1.hart, A0)).toBe(SUM);
  });
});

/**
 * Run tokens (src/memory/run-tokens.ts): the shared-memory vCPU scheduler. Its rules one at a time on
 * one thread, then many threads at once, as vCPU workers use it.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Control, Global, controlWordBase, createSharedMemory } from '../../src/memory/layout.ts';
import { RunTokens, TokenHint, TokenState, clockMicros32 } from '../../src/memory/run-tokens.ts';

const WORKER = new URL('./helpers/token-worker.ts', import.meta.url).href;

function machine(harts: number, hostCpus: number): { tokens: RunTokens; mem: Int32Array } {
  const mem = new Int32Array(createSharedMemory(1 << 20).buffer);
  const tokens = new RunTokens(mem, harts);
  tokens.init(hostCpus);
  return { tokens, mem };
}

describe('RunTokens', () => {
  it('grants at most K tokens and queues the rest', () => {
    const { tokens } = machine(4, 2);
    expect(tokens.request(0, 0)).toBe(true);
    expect(tokens.request(1, 0)).toBe(true);
    expect(tokens.free()).toBe(0);
    expect(tokens.request(2, 0)).toBe(false);
    expect(tokens.state(2)).toBe(TokenState.Waiting);
    expect(tokens.waiters()).toBe(1);
    expect(tokens.sleep(2, 1)).toBe(false); // still queued after a short sleep
  });

  it('gives a returned token to the queued vCPUs in the order they queued (FIFO)', () => {
    const { tokens } = machine(5, 1);
    tokens.request(0, 0);
    tokens.request(3, 0); tokens.request(1, 0); tokens.request(4, 0); // queue: 3, 1, 4
    tokens.release(0);
    expect(tokens.state(3)).toBe(TokenState.Held);
    tokens.release(3);
    expect(tokens.state(1)).toBe(TokenState.Held);
    expect(tokens.state(4)).toBe(TokenState.Waiting);
    tokens.release(1);
    expect(tokens.state(4)).toBe(TokenState.Held);
    tokens.release(4);
    expect(tokens.free()).toBe(1);
    expect(tokens.waiters()).toBe(0);
  });

  it('does not let a newcomer take a free token ahead of the queue', () => {
    const { tokens } = machine(3, 1);
    tokens.request(0, 0);
    tokens.request(1, 0);
    tokens.release(0); // straight to hart 1: the token is never free in between
    expect(tokens.request(2, 0)).toBe(false);
    expect(tokens.state(1)).toBe(TokenState.Held);
  });

  it('takes a queued vCPU that gives up out of the queue', () => {
    const { tokens } = machine(3, 1);
    tokens.request(0, 0);
    tokens.request(1, 0);
    tokens.release(1); // it halted while queued
    expect(tokens.waiters()).toBe(0);
    tokens.release(0);
    expect(tokens.free()).toBe(1);
    expect(tokens.state(1)).toBe(TokenState.None);
  });

  it('hands a token over to the queue\'s head, or to the one chosen, and queues the giver last', () => {
    const { tokens, mem } = machine(4, 1);
    expect(tokens.request(0, 0)).toBe(true);
    expect(tokens.handOver(0, 0)).toBe(false); // nobody waits: keep it
    expect(tokens.state(0)).toBe(TokenState.Held);
    tokens.request(1, TokenHint.Spinner); tokens.request(2, 1); // queue: 1 (spinner), 2 (S-mode)
    let offered: number[] = [];
    let hints: number[] = [];
    expect(tokens.handOver(0, TokenHint.Spinner, (queued, hintOf) => { offered = queued; hints = queued.map(hintOf); return 2; })).toBe(true);
    expect(offered).toEqual([1, 2]);
    expect(hints).toEqual([TokenHint.Spinner, 1]);
    expect(tokens.state(2)).toBe(TokenState.Held);
    expect(tokens.state(0)).toBe(TokenState.Waiting);
    expect(mem[controlWordBase(0) + Control.TokenHint]).toBe(TokenHint.Spinner);
    tokens.release(2); // FIFO again: 1 queued before 0
    expect(tokens.state(1)).toBe(TokenState.Held);
    expect(tokens.handOver(1, 0)).toBe(true); // default choice: the head, hart 0
    expect(tokens.state(0)).toBe(TokenState.Held);
    expect(tokens.handOver(0, 0, () => -1)).toBe(false); // the chooser may keep it
    expect(tokens.state(0)).toBe(TokenState.Held);
  });

  it('asks a holder whose timeslice ran out to leave guest code, and bounds the waiter\'s sleep by the next slice end', () => {
    const { tokens, mem } = machine(3, 2);
    tokens.request(0, 0);
    tokens.request(1, 0);
    // Hart 0 has held its token for 10 ms, hart 1 just got its own.
    Atomics.store(mem, controlWordBase(0) + Control.TokenSince, (clockMicros32() - 10_000) | 0);
    const nextMs = tokens.preemptExpired(3000);
    expect(mem[controlWordBase(0) + Control.ExitRequest]).toBe(1);
    expect(mem[controlWordBase(1) + Control.ExitRequest]).toBe(0);
    expect(nextMs).toBeGreaterThan(0);
    expect(nextMs).toBeLessThanOrEqual(3);
    // A new grant clears the request.
    tokens.request(2, 0);
    tokens.release(0);
    expect(mem[controlWordBase(2) + Control.ExitRequest]).toBe(0);
  });

  it('counts live vCPUs to tell whether every one has a host CPU', () => {
    const { tokens, mem } = machine(3, 2);
    tokens.setLive(true); tokens.setLive(true);
    expect(tokens.undercommitted()).toBe(true);
    tokens.setLive(true);
    expect(tokens.undercommitted()).toBe(false);
    tokens.setLive(false);
    expect(tokens.undercommitted()).toBe(true);
    expect(Atomics.load(mem, Global.LiveVcpus)).toBe(2);
  });

  it('never has more than K holders, and loses no wake-up, with 6 threads on 2 tokens', async () => {
    const harts = 6, hostCpus = 2, rounds = 3000;
    const memory = createSharedMemory(1 << 20);
    const mem = new Int32Array(memory.buffer);
    new RunTokens(mem, harts).init(hostCpus);
    const insideWord = 1000, maxWord = 1001, readyWord = 1002; // spare global words for the test's own counters
    const results = await Promise.all(Array.from({ length: harts }, (_, hart) => new Promise<{ lostWakeups: number; handOvers: number }>((resolve, reject) => {
      // The worker loads the TypeScript helper through tsx, as workers/load-body.mjs loads vCPU bodies.
      const w = new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(import.meta.url)}))`, {
        eval: true, workerData: { buffer: memory.buffer, hart, harts, rounds, insideWord, maxWord, readyWord },
      });
      w.once('message', resolve);
      w.once('error', reject);
    })));
    expect(Atomics.load(mem, maxWord)).toBeLessThanOrEqual(hostCpus);
    expect(results.reduce((n, r) => n + r.lostWakeups, 0)).toBe(0);
    expect(results.reduce((n, r) => n + r.handOvers, 0)).toBeGreaterThan(0);
    expect(Atomics.load(mem, Global.TokensFree)).toBe(hostCpus); // every token came back
    expect(Atomics.load(mem, Global.TokenWaiters)).toBe(0);
  }, 60_000);
});

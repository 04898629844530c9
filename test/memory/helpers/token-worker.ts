/**
 * A stand-in vCPU for the run-token stress test (run-tokens.test.ts): in a worker thread, it takes
 * a token (queuing and sleeping when none is free), counts itself inside, works a little, sometimes
 * hands its token on, and gives it back; `rounds` times. It records what the scheduler must never
 * allow: more holders than tokens, and a sleep that outlasted every holder (a lost wake-up).
 */
import { workerData, parentPort } from 'node:worker_threads';
import { RunTokens } from '../../../src/memory/run-tokens.ts';

interface Init { buffer: SharedArrayBuffer; hart: number; harts: number; rounds: number; insideWord: number; maxWord: number; readyWord: number }

const { buffer, hart, harts, rounds, insideWord, maxWord, readyWord } = workerData as Init;
const mem = new Int32Array(buffer);
const tokens = new RunTokens(mem, harts);
let lostWakeups = 0;
let handOvers = 0;

/**
 * Waits in the queue until granted. Holders keep a token for microseconds, so a sleep that runs its
 * whole 5 s means a grant (or a freed token) came without its wake-up (5 s, not less: on a loaded
 * 2-core CI host a runnable holder thread can go without a core for a long time).
 */
function waitForToken(): boolean {
  for (;;) {
    const asleep = performance.now();
    const granted = tokens.sleep(hart, 5000);
    if (performance.now() - asleep >= 4900) {
      lostWakeups++;
      return false; // report it now rather than wait out every round
    }
    if (granted) return true;
  }
}

// Start together: each worker takes long to load (tsx), and one that ran its rounds before the others
// arrived would find nobody queued, and the test no contention.
Atomics.add(mem, readyWord, 1);
Atomics.notify(mem, readyWord);
for (let ready = Atomics.load(mem, readyWord); ready < harts; ready = Atomics.load(mem, readyWord)) Atomics.wait(mem, readyWord, ready, 100);

for (let round = 0; round < rounds; round++) {
  if (!tokens.request(hart, 0) && !waitForToken()) break;
  const inside = Atomics.add(mem, insideWord, 1) + 1;
  for (;;) { // the most holders ever seen at once
    const max = Atomics.load(mem, maxWord);
    if (inside <= max || Atomics.compareExchange(mem, maxWord, max, inside) === max) break;
  }
  let x = 0;
  for (let i = 0; i < 200; i++) x += i * round;
  Atomics.sub(mem, insideWord, 1);
  if (round % 7 === 0 && x >= 0) {
    // A directed hand-over to the last queued hart; this one queues behind it and must get back in.
    if (tokens.handOver(hart, 0, (queued) => queued[queued.length - 1])) {
      handOvers++;
      if (!waitForToken()) break;
    }
  }
  tokens.release(hart);
}
parentPort!.postMessage({ lostWakeups, handOvers });

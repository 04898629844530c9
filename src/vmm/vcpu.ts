/**
 * @fileoverview The body of a vCPU worker: builds its hart over the shared memory and runs it until
 * the machine stops, sleeping in WFI with Atomics.wait bounded by the hart's next timer deadline.
 */

import { parentPort } from 'node:worker_threads';
import { Exit, Hart } from '../cpu/hart.ts';
import { Control, Global, RunState, StopReason, controlWordBase, requestStop } from '../memory/layout.ts';
import { MachineClock } from './clock.ts';
import { VcpuPlatform } from './vcpu-platform.ts';

export interface VcpuInit {
  memory: WebAssembly.Memory;
  hart: number;
  harts: number;
  ramBytes: number;
  entry: number;
  /** Privilege to start in: 3 (M) for --bios none. */
  priv: number;
  /** Value of a1 at entry (the device tree's address when there is one). */
  a1: number;
  tohost: number;
  fromhost: number;
  trace: boolean;
}

export type VcpuMessage =
  | { type: 'console'; byte: number }
  | { type: 'fatal'; hart: number; message: string }
  | { type: 'exited'; hart: number; instret: number; micros: number };

/** Short runs first: V8 then optimises the loop with its exits already seen (see DESIGN.md). */
const WARMUP_RUNS = 64;
const WARMUP_BUDGET = 200;
const BUDGET = 1 << 22;
/** Longest single WFI sleep; the wake word ends it sooner on any event. */
const MAX_SLEEP_MS = 50;

export function runVcpu(init: VcpuInit): void {
  const post = (m: VcpuMessage): void => parentPort?.postMessage(m);
  const buffer = init.memory.buffer as unknown as SharedArrayBuffer;
  const mem = new Int32Array(buffer);
  const clock = new MachineClock(buffer);
  const platform = new VcpuPlatform(mem, init.hart, init.harts, clock, init.tohost, init.fromhost,
    (byte) => post({ type: 'console', byte }));
  const hart = new Hart(init.memory, init.hart, init.ramBytes, platform);
  hart.reset(init.entry, init.priv, init.a1);
  const ctl = controlWordBase(init.hart);
  Atomics.store(mem, ctl + Control.RunState, RunState.Running);

  const started = performance.now();
  let runs = 0;
  for (;;) {
    let exit: Exit;
    if (init.trace) {
      process.stderr.write(`hart${init.hart} pc=${hart.pc.toString(16)} priv=${hart.priv}\n`);
      exit = hart.run(1);
    } else {
      exit = hart.run(runs < WARMUP_RUNS ? WARMUP_BUDGET : BUDGET);
      runs++;
    }
    if (exit === Exit.Budget) continue;
    if (exit === Exit.Wfi) {
      const seen = Atomics.load(mem, ctl + Control.Wake);
      if (hart.interruptWaiting() || Atomics.load(mem, Global.Stop) !== 0) continue;
      Atomics.wait(mem, ctl + Control.Wake, seen, Math.min(hart.msUntilTimer(), MAX_SLEEP_MS));
      continue;
    }
    if (exit === Exit.Fatal) {
      post({ type: 'fatal', hart: init.hart, message: hart.fatalMessage });
      requestStop(mem, init.harts, StopReason.Fatal, 1);
    }
    break;
  }
  hart.saveState();
  Atomics.store(mem, ctl + Control.RunState, RunState.Finished);
  post({ type: 'exited', hart: init.hart, instret: hart.instret, micros: Math.round((performance.now() - started) * 1000) });
}

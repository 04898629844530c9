/**
 * @fileoverview The body of a vCPU worker: builds its hart over the shared memory and runs it until
 * the machine stops. The hart's life follows SBI HSM: a STOPPED hart sleeps on its wake word until
 * hart_start; a running hart sleeps in WFI with Atomics.wait, bounded by its next timer deadline.
 */

import { parentPort, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Exit, Hart } from '../cpu/hart.ts';
import { warmUpInterpreter } from '../cpu/warm-up.ts';
import { Jit, type JitStats } from '../jit/jit.ts';
import {
  Control, Global, HsmState, RunState, StopReason, controlWordBase, requestStop,
} from '../memory/layout.ts';
import { MachineClock } from '../memory/clock.ts';
import { VcpuPlatform } from './platform.ts';
import { HartsControl } from '../memory/harts-control.ts';
import { HaltPoller } from './halt-poll.ts';
import { compilerOn } from './compile-client.ts';
import { SbiFirmware } from './sbi/firmware.ts';
import { MailboxConsole } from './sbi/console-port.ts';
import type { SbiContext } from './sbi/context.ts';
import { type PleConfig } from './pause-loop.ts';

export interface VcpuInit {
  memory: WebAssembly.Memory;
  hart: number;
  harts: number;
  ramBytes: number;
  entry: number;
  /** 'none': M-mode at the entry on every hart. 'builtin': S-mode on hart 0, the rest STOPPED, SBI served here. */
  firmware: 'none' | 'builtin';
  /** Value of a1 at entry (the device tree's address when there is one). */
  a1: number;
  tohost: number;
  fromhost: number;
  trace: boolean;
  ple: PleConfig;
  /** Run hot code compiled to WebAssembly. */
  jit: boolean;
  /** This hart's channel to the machine's JIT compile pool (vmm/compile-pool.ts), when it has one. */
  compilePort?: MessagePort;
}

/** The control plane a vCPU worker exposes over comlink. Served between slices of guest execution. */
export interface VcpuControl {
  /** Stops the hart at its next slice boundary with its state saved to the state block. */
  pause(): void;
  resume(): void;
  stats(): { instret: number; micros: number; paused: boolean };
}

export type VcpuMessage =
  | { type: 'fatal'; hart: number; message: string }
  | { type: 'exited'; hart: number; instret: number; micros: number; jit?: JitStats };

/** Short runs first: V8 then optimises the loop with its exits already seen (see DESIGN.md). */
const WARMUP_RUNS = 64;
const WARMUP_BUDGET = 200;
const BUDGET = 1 << 22;
/** How often a paused vCPU checks for a stop. */
const PAUSED_POLL_MS = 50;
/** How often a running vCPU lets its control plane (comlink) in. */
const CONTROL_POLL_MS = 10;
/**
 * Longest single sleep. Events for a hart (interrupt, start, stop, control-plane call) bump its wake
 * word, and this bound caps how long any wake-up the guest's firmware depends on and that does not
 * (a 1 s bound hung one OpenSBI boot in four at power-off; 50 ms never did) can be missed. Idle harts
 * wake this often, which costs well under 1% of a core.
 */
const MAX_SLEEP_MS = 50;

/** Lets queued control-plane messages run: the run loop is synchronous between these points. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function runVcpu(init: VcpuInit): Promise<void> {
  // Before the guest, so that V8 optimizes the interpreter for every path from the start.
  warmUpInterpreter();
  const post = (m: VcpuMessage): void => parentPort?.postMessage(m);
  const buffer = init.memory.buffer as unknown as SharedArrayBuffer;
  const mem = new Int32Array(buffer);
  const ctl = controlWordBase(init.hart);
  const platform = new VcpuPlatform(mem, init.hart, init.harts, new MachineClock(buffer), init.tohost, init.fromhost);
  const hart = new Hart(init.memory, init.hart, init.ramBytes, platform);
  const harts = new HartsControl(mem, init.harts);
  hart.pleSpinLimit = init.ple.enabled ? init.ple.spins : 0;
  if (init.jit && !init.trace) {
    const compiler = init.compilePort !== undefined ? compilerOn(init.compilePort) : undefined;
    hart.jit = new Jit(hart, { pleSpins: hart.pleSpinLimit, compiler });
  }

  let sbi: SbiContext | undefined;
  if (init.firmware === 'builtin') {
    sbi = {
      hart, harts,
      console: new MailboxConsole(platform.mailbox),
      stop: (why) => {
        if (why === 'shutdown') requestStop(mem, init.harts, StopReason.Shutdown, 0);
        else if (why === 'failure') requestStop(mem, init.harts, StopReason.Fail, 1);
        else requestStop(mem, init.harts, StopReason.Reset, 0);
      },
    };
    hart.sbi = new SbiFirmware(sbi, init.ramBytes);
    hart.reset(init.entry, 1, 0);
    hart.setUpForSupervisor();
    if (init.hart === 0) hart.enterSupervisor(init.entry, init.a1 | 0, Math.floor(init.a1 / 4294967296));
  } else {
    hart.reset(init.entry, 3, init.a1);
  }
  Atomics.store(mem, ctl + Control.RunState, RunState.Running);

  const stopped = (): boolean => Atomics.load(mem, Global.Stop) !== 0;
  const started = performance.now();
  let paused = false;
  let resumed: (() => void) | undefined;
  const control: VcpuControl = {
    pause: () => {
      paused = true;
      hart.saveState();
      Atomics.store(mem, ctl + Control.RunState, RunState.Paused);
    },
    resume: () => {
      paused = false;
      Atomics.store(mem, ctl + Control.RunState, RunState.Running);
      resumed?.();
    },
    stats: () => ({ instret: hart.instret, micros: Math.round((performance.now() - started) * 1000), paused }),
  };
  if (parentPort) Comlink.expose(control, nodeEndpoint(parentPort));

  const halt = new HaltPoller();
  let runs = 0;
  let lastYield = performance.now();
  while (!stopped()) {
    // Control-plane messages are served between slices, at most every CONTROL_POLL_MS: a turn of the
    // event loop after every WFI wake-up would add its cost to every IPI.
    if (performance.now() - lastYield >= CONTROL_POLL_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    while (paused && !stopped()) {
      await new Promise<void>((resolve) => {
        resumed = resolve;
        setTimeout(resolve, PAUSED_POLL_MS); // also notice a stop while paused
      });
    }
    if (harts.hsmState(init.hart) !== HsmState.Started) {
      // STOPPED (or stopping): wait for hart_start to make us START_PENDING.
      if (harts.hsmState(init.hart) === HsmState.StopPending) harts.setHsmState(init.hart, HsmState.Stopped);
      const seen = Atomics.load(mem, ctl + Control.Wake);
      if (harts.hsmState(init.hart) !== HsmState.StartPending) {
        Atomics.wait(mem, ctl + Control.Wake, seen, MAX_SLEEP_MS);
        continue;
      }
      hart.enterSupervisor(
        (mem[ctl + Control.StartAddrHi] >>> 0) * 4294967296 + (mem[ctl + Control.StartAddrLo] >>> 0),
        mem[ctl + Control.StartOpaqueLo], mem[ctl + Control.StartOpaqueHi]);
      harts.setHsmState(init.hart, HsmState.Started);
    }
    let exit: Exit;
    if (init.trace) {
      process.stderr.write(`hart${init.hart} pc=${hart.pc.toString(16)} priv=${hart.priv}\n`);
      exit = hart.run(1);
    } else {
      const budget = runs < WARMUP_RUNS ? WARMUP_BUDGET : BUDGET;
      exit = hart.jit !== undefined ? hart.runJit(budget) : hart.run(budget);
      runs++;
    }
    switch (exit) {
      case Exit.Budget:
        break;
      case Exit.Wfi: {
        // Sleep until an interrupt is pending and enabled in mie (WFI's wake-up condition, whatever
        // the global enables), the machine stops, or the timer deadline passes. The wake word is read
        // before the last check, so an event in between makes Atomics.wait return at once.
        const ready = (): boolean => hart.interruptWaiting() || stopped();
        if (!halt.poll(ready)) {
          const asleep = performance.now();
          for (;;) {
            const seen = Atomics.load(mem, ctl + Control.Wake);
            if (ready()) break;
            Atomics.wait(mem, ctl + Control.Wake, seen, Math.min(hart.msUntilTimer(), MAX_SLEEP_MS));
          }
          halt.slept(performance.now() - asleep);
        }
        if (sbi?.resume !== undefined) { // a non-retentive suspend resumes at its resume address
          const { addr, opaque } = sbi.resume;
          sbi.resume = undefined;
          hart.enterSupervisor(addr, Number(BigInt.asIntN(32, opaque)), Number(BigInt.asIntN(32, opaque >> 32n)));
        }
        break;
      }
      case Exit.Yield: {
        // Pause-loop exit: give the host CPU to whoever the guest is waiting for (perhaps a vCPU that
        // was descheduled holding a lock), unless an event for this hart ends the sleep sooner.
        const seen = Atomics.load(mem, ctl + Control.Wake);
        Atomics.wait(mem, ctl + Control.Wake, seen, init.ple.sleepMicros / 1000);
        break;
      }
      case Exit.HartStopped:
        harts.setHsmState(init.hart, HsmState.Stopped);
        break;
      case Exit.Fatal:
        post({ type: 'fatal', hart: init.hart, message: hart.fatalMessage });
        requestStop(mem, init.harts, StopReason.Fatal, 1);
        break;
      case Exit.Stop:
        break;
    }
  }
  hart.saveState();
  Atomics.store(mem, ctl + Control.RunState, RunState.Finished);
  post({ type: 'exited', hart: init.hart, instret: hart.instret, micros: Math.round((performance.now() - started) * 1000), jit: hart.jit?.stats });
}

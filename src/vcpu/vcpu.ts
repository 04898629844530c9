/**
 * @fileoverview The body of a vCPU worker: builds its hart over the shared memory (with its JIT, its
 * platform and the builtin SBI when the machine has it), serves the control plane over comlink, and
 * hands the hart to its run loop (run-loop.ts) until the machine stops.
 */

import { parentPort, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { compressedTable } from '../cpu/compressed.ts';
import { Hart } from '../cpu/hart.ts';
import { enterSupervisor, resetHart, setUpForSupervisor } from '../cpu/reset.ts';
import { InterpreterWarmUp } from '../cpu/warm-up.ts';
import { Jit, type JitStats } from '../jit/jit.ts';
import { MachineClock } from '../memory/clock.ts';
import { HartsControl } from '../memory/harts-control.ts';
import { Control, HsmState, RunState, StopReason, controlWordBase, requestStop } from '../memory/layout.ts';
import { RunTokens } from '../memory/run-tokens.ts';
import { compilerOn } from './compile-client.ts';
import type { PleConfig } from './pause-loop.ts';
import { VcpuPlatform } from './platform.ts';
import { VcpuRunLoop } from './run-loop.ts';
import type { VcpuAccounting } from './vcpu-accounting.ts';
import { MailboxConsole } from './sbi/console-port.ts';
import type { SbiContext } from './sbi/context.ts';
import { SbiFirmware } from './sbi/firmware.ts';
import { StealTimeRecord } from './steal-time.ts';
import { VcpuState } from './vcpu-state.ts';

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
  /** How long this vCPU may keep its run token while another waits for one (µs). */
  timesliceMicros: number;
  /** Run hot code compiled to WebAssembly. */
  jit: boolean;
  /** The optional ISA extensions the hart implements (memory/extensions.ts Ext bits). */
  extensions: number;
  /** This hart's channel to the machine's JIT compile pool (vmm/compile-pool.ts), when it has one. */
  compilePort?: MessagePort;
}

/** The control plane a vCPU worker exposes over comlink. Served between slices of guest execution. */
export interface VcpuControl {
  /** Stops the hart at its next slice boundary with its state saved to the state block. */
  pause(): void;
  resume(): void;
  stats(): { instret: number; micros: number; paused: boolean; accounting: VcpuAccounting };
}

export type VcpuMessage =
  | { type: 'fatal'; hart: number; message: string }
  | { type: 'exited'; hart: number; instret: number; micros: number; jit?: JitStats; accounting: VcpuAccounting };

/** The interpreter's training (warm-up.ts), begun while the thread waits and finished in the guest. */
let training: InterpreterWarmUp | undefined;

/**
 * What a vCPU needs that depends on no hart, done while its thread waits for its VcpuInit
 * (vcpu-thread.ts): then it is off the guest's start-up path.
 */
export function prepareVcpu(): void {
  compressedTable();
}

/**
 * One more program of the interpreter's training, for a thread with nothing else to do yet (its
 * VcpuInit has not come): false when the training is over. Hart 0's thread starts before the
 * machine is built, and a kernel and initrd take tens of milliseconds to load, time in which the
 * training then costs the guest nothing.
 */
export function trainWhileWaiting(): boolean {
  return (training ??= new InterpreterWarmUp()).step();
}

export async function runVcpu(init: VcpuInit): Promise<void> {
  const post = (m: VcpuMessage): void => parentPort?.postMessage(m);
  const buffer = init.memory.buffer as unknown as SharedArrayBuffer;
  const mem = new Int32Array(buffer);
  const ctl = controlWordBase(init.hart);
  const platform = new VcpuPlatform(mem, init.hart, init.harts, new MachineClock(buffer), init.tohost, init.fromhost);
  const hart = new Hart(init.memory, init.hart, init.ramBytes, platform);
  hart.extensions = init.extensions;
  const harts = new HartsControl(mem, init.harts);
  hart.pleSpinLimit = init.ple.enabled ? init.ple.spins : 0;
  let jit: Jit | undefined;
  const makeJit = init.jit && !init.trace ? (): Jit => {
    const compiler = init.compilePort !== undefined ? compilerOn(init.compilePort) : undefined;
    jit = new Jit(hart, { pleSpins: hart.pleSpinLimit, compiler });
    return jit;
  } : undefined;

  let sbi: SbiContext | undefined;
  if (init.firmware === 'builtin') {
    sbi = {
      hart, harts,
      console: new MailboxConsole(platform.mailbox),
      stealTime: new StealTimeRecord(mem, init.ramBytes),
      stop: (why) => {
        if (why === 'shutdown') requestStop(mem, init.harts, StopReason.Shutdown, 0);
        else if (why === 'failure') requestStop(mem, init.harts, StopReason.Fail, 1);
        else requestStop(mem, init.harts, StopReason.Reset, 0);
      },
    };
    hart.sbi = new SbiFirmware(sbi, init.ramBytes);
    resetHart(hart, init.entry, 1, 0);
    setUpForSupervisor(hart);
    if (init.hart === 0) enterSupervisor(hart, init.entry, init.a1 | 0, Math.floor(init.a1 / 4294967296));
  } else {
    resetHart(hart, init.entry, 3, init.a1);
  }
  Atomics.store(mem, ctl + Control.RunState, RunState.Running);

  const started = performance.now();
  const loop = new VcpuRunLoop({
    hart, makeJit, harts, sbi, tokens: new RunTokens(mem, init.harts), timesliceMicros: init.timesliceMicros,
    trace: init.trace, pleYield: init.ple.yield, pleSleepMicros: init.ple.sleepMicros,
    // What is left of it, early in the guest rather than before it (run-loop.ts), so that a short
    // guest starts at once.
    warmUp: training?.done ? undefined : () => { (training ??= new InterpreterWarmUp()).finish(); },
    fatal: () => {
      post({ type: 'fatal', hart: init.hart, message: hart.fatalMessage });
      requestStop(mem, init.harts, StopReason.Fatal, 1);
    },
  });
  /** The run loop's own counts, with the IPI counts other harts add to this hart's control words. */
  const accountingNow = (): VcpuAccounting => {
    const ipis = harts.ipiCounts(init.hart);
    return { ...loop.accounting, ipisSent: ipis.sent, ipisReceived: ipis.received };
  };
  const control: VcpuControl = {
    pause: () => {
      loop.pause();
      hart.saveState();
      Atomics.store(mem, ctl + Control.RunState, RunState.Paused);
    },
    resume: () => {
      Atomics.store(mem, ctl + Control.RunState, RunState.Running);
      loop.resume();
    },
    stats: () => ({
      instret: hart.instret, micros: Math.round((performance.now() - started) * 1000), paused: loop.paused,
      accounting: accountingNow(),
    }),
  };
  if (parentPort) Comlink.expose(control, nodeEndpoint(parentPort));

  // With the builtin SBI, every hart but the boot hart starts STOPPED (SBI HSM) and waits for hart_start.
  await loop.run(harts.hsmState(init.hart) === HsmState.Started ? VcpuState.Running : VcpuState.Stopped);
  hart.saveState();
  Atomics.store(mem, ctl + Control.RunState, RunState.Finished);
  post({
    type: 'exited', hart: init.hart, instret: hart.instret, micros: Math.round((performance.now() - started) * 1000),
    jit: jit?.stats, accounting: accountingNow(),
  });
}

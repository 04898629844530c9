/**
 * @fileoverview Builds and runs a VM: a linear recipe (shared memory and RAM, the guest image, the
 * devices on the MMIO bus, the clock, the MMIO mailbox server, one vCPU worker per hart), then waits
 * for the machine to stop and reports why. The same function serves the CLI and embedding programs.
 */

import { CodePages } from '../memory/code-pages.ts';
import type { JitStats } from '../jit/jit.ts';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Control, Global, HsmState, RAM_OFFSET, State, StopReason, controlWordBase, createSharedMemory, requestStop, stateByteBase } from '../memory/layout.ts';
import { MachineClock } from '../memory/clock.ts';
import { ALL_EXTENSIONS } from '../memory/extensions.ts';
import { RunTokens } from '../memory/run-tokens.ts';
import { MailboxServer } from '../vmm/mailbox-server.ts';
import { CompilePool } from '../vmm/compile-pool.ts';
import type { VcpuControl, VcpuInit, VcpuMessage } from '../vcpu/vcpu.ts';
import type { VcpuAccounting } from '../vcpu/vcpu-accounting.ts';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MmioBus } from '../devices/bus.ts';
import { Uart16550 } from '../devices/uart16550.ts';
import { UartShared } from '../devices/uart-shared.ts';
import { TestFinisher } from '../devices/finisher.ts';
import { Plic } from '../devices/plic.ts';
import { GoldfishRtc } from '../devices/goldfish-rtc.ts';
import { HartsControl } from '../memory/harts-control.ts';
import { GuestMemory } from '../devices/virtio/guest-memory.ts';
import { VirtioMmio, type VirtioDevice } from '../devices/virtio/mmio.ts';
import { VirtioBlk, VirtioBlkError } from '../devices/virtio/blk.ts';
import { VirtioRng } from '../devices/virtio/rng.ts';
import { EmptyVirtioSlot } from '../devices/virtio/empty-slot.ts';
import type { DriveSpec } from './drive-spec.ts';
import { VcpuThread } from './vcpu-thread.ts';

import { prepareBoot } from './boot.ts';
import { SbiConsoleBackend } from '../vmm/console-backend.ts';
import { ConfigError, DEFAULT_JIT, DEFAULT_PLE, DEFAULT_TIMESLICE_MS, type MachineConfig, validateConfig } from './config.ts';
import {
  FINISHER_BASE, FINISHER_SIZE, PLIC_BASE, PLIC_SIZE, RAM_BASE, RTC_BASE, RTC_IRQ, RTC_SIZE, UART_BASE, UART_IRQ, UART_SIZE,
  VIRTIO_IRQ_FIRST, VIRTIO_SLOTS, VIRTIO_SIZE, virtioSlotBase,
} from '../memory/machine-map.ts';
import { IrqBit } from '../memory/irq-bits.ts';

export interface MachineIo {
  /** Guest console output. */
  output(bytes: Uint8Array): void;
  /** Host console input for the guest, if any. */
  input?: NodeJS.ReadableStream;
}

export interface HartStats {
  hart: number;
  instret: number;
  micros: number;
  /** The JIT's figures, when it ran. */
  jit?: JitStats;
  /** Time by run-loop state, halt polls and pause-loop exits. */
  accounting: VcpuAccounting;
}

export interface RunResult {
  /** Process exit status the CLI should use: 0 pass, the guest's code, 124 timeout. */
  exitCode: number;
  reason: StopReason;
  /** Human-readable explanation when the guest did not simply pass. */
  message?: string;
  stats: HartStats[];
}

/** How long stopping harts get to leave their loops before they are terminated. */
const STOP_GRACE_MS = 2000;

/** Builds the machine, runs it until it stops and reports why. */
export async function runMachine(config: MachineConfig, io: MachineIo): Promise<RunResult> {
  return startMachine(config, io).finished;
}

/** A hart's architectural state as the state block holds it (read while the hart is paused or finished). */
export interface HartRegisters {
  hart: number;
  pc: bigint;
  priv: number;
  x: bigint[];
  instret: bigint;
}

/**
 * A running machine, for programs that embed hartvm: the control plane (pause, resume, registers,
 * stats, stop) and the promise of its result. Pause and stats are comlink calls to the vCPU workers;
 * registers are read straight from the shared state blocks.
 */
export interface MachineHandle {
  readonly finished: Promise<RunResult>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Registers of one hart; pause first for a consistent view of a running hart. */
  registers(hart: number): HartRegisters;
  stats(): Promise<{ hart: number; instret: number; micros: number; paused: boolean; accounting: VcpuAccounting }[]>;
  /** Stops the machine (exit status 0 unless the guest had already stopped it). */
  stop(): void;
  /** What loading the images did that QEMU does silently, one line each (the CLI prints them with --verbose). */
  readonly bootNotes: readonly string[];
}

export interface MachineThreads {
  /** Hart 0's thread, started early by the caller (bin/hartvm.mjs starts it before it loads the CLI). */
  hart0?: VcpuThread;
}

export function startMachine(config: MachineConfig, io: MachineIo, started: MachineThreads = {}): MachineHandle {
  validateConfig(config);
  const harts = config.harts;
  // The vCPU threads boot while the machine is built (vcpu-thread.ts); they get their harts in step 5.
  const threads = Array.from({ length: harts }, (_, hart) => (hart === 0 ? started.hart0 : undefined) ?? new VcpuThread(hart));
  try {
    return buildAndRun(config, io, threads);
  } catch (err) {
    for (const t of threads) t.discard();
    throw err;
  }
}

function buildAndRun(config: MachineConfig, io: MachineIo, threads: VcpuThread[]): MachineHandle {
  const harts = config.harts;

  // 1. Memory: one shared wasm Memory holding the state blocks, control words and guest RAM.
  const memory = createSharedMemory(config.memoryBytes);
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  const mem = new Int32Array(buffer);
  const ram = new Uint8Array(buffer, RAM_OFFSET, config.memoryBytes);
  Atomics.store(mem, Global.Harts, harts);
  new RunTokens(mem, harts).init(config.hostCpus ?? availableParallelism());

  // 2. Firmware, kernel, initrd and device tree in RAM, as the boot path expects them (boot.ts).
  const boot = prepareBoot(config, ram);
  const builtin = boot.firmware === 'builtin';
  for (let hart = 0; hart < harts; hart++) {
    // SBI HSM: with the builtin firmware only the boot hart runs; the others wait for hart_start.
    const state = !builtin || hart === 0 ? HsmState.Started : HsmState.Stopped;
    Atomics.store(mem, controlWordBase(hart) + Control.HsmState, state);
  }
  Atomics.store(mem, Global.StartingHarts, builtin ? 1 : harts); // they start together (HartsControl.startTogether)

  // 3. Devices on the main thread's bus; the CLINT is served by the vCPUs themselves.
  const bus = new MmioBus();
  bus.insert(FINISHER_BASE, FINISHER_SIZE, new TestFinisher((event) => {
    if (event.kind === 'pass') requestStop(mem, harts, StopReason.Pass, 0);
    else if (event.kind === 'fail') requestStop(mem, harts, StopReason.Fail, exitStatusOf(event.code));
    else requestStop(mem, harts, StopReason.Reset, 0);
  }), 'test-finisher');
  // The PLIC drives each hart's MEIP (M context) and SEIP (S context) through the router.
  const router = new HartsControl(mem, harts);
  const plic = new Plic(harts, (hart, supervisor, level) => {
    const bit = supervisor ? IrqBit.SEIP : IrqBit.MEIP;
    if (level) router.raise(hart, bit); else router.lower(hart, bit);
  });
  bus.insert(PLIC_BASE, PLIC_SIZE, plic, 'plic');
  // vCPUs transmit and read the registers whose reads have no effect through shared memory
  // (uart-shared.ts); the UART takes their bytes when the ring's bell rings, and before it serves
  // anything else.
  const uartShared = new UartShared(buffer);
  const uart = new Uart16550({ output: (bytes) => io.output(bytes), irq: plic.line(UART_IRQ), shared: uartShared });
  bus.insert(UART_BASE, UART_SIZE, uart, 'uart');
  const rtc = new GoldfishRtc({ irq: plic.line(RTC_IRQ) });
  bus.insert(RTC_BASE, RTC_SIZE, rtc, 'rtc');
  // virtio-mmio slot n at virtioSlotBase(n) on PLIC source VIRTIO_IRQ_FIRST + n: the drives first,
  // then an entropy source. Empty slots read as "no device" (device id 0), which Linux skips.
  const guestMemory = new GuestMemory(buffer, RAM_OFFSET, RAM_BASE, config.memoryBytes);
  // Device DMA into RAM may overwrite code the JIT translated (a program read from disk into pages
  // that held other code): the harts must hear of it.
  const codePages = new CodePages(buffer, config.memoryBytes);
  guestMemory.onDeviceWrite = (addr, len) => codePages.noteWrite(addr, len);
  const disks = (config.drives ?? []).map((d) => openDrive(d));
  const virtioDevices: VirtioDevice[] = [...disks, new VirtioRng()];
  if (virtioDevices.length > VIRTIO_SLOTS) {
    for (const d of disks) d.close();
    throw new ConfigError([`at most ${VIRTIO_SLOTS - 1} --drive options fit in the machine's virtio slots`]);
  }
  for (let slot = 0; slot < VIRTIO_SLOTS; slot++) {
    const base = virtioSlotBase(slot);
    const device = virtioDevices[slot] ?? new EmptyVirtioSlot();
    bus.insert(base, VIRTIO_SIZE,
      new VirtioMmio(device, guestMemory, plic.line(VIRTIO_IRQ_FIRST + slot), { name: `virtio@0x${base.toString(16)}` }), `virtio${slot}`);
  }
  const console = new SbiConsoleBackend(ram, config.memoryBytes, io);
  const onInput = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    // Input goes to the SBI console once the guest has read from it, to the UART otherwise.
    if (console.inUse) console.receive(bytes);
    else uart.receive(bytes);
  };
  io.input?.on('data', onInput);

  // 4. Time starts now; the MMIO mailboxes are served from here on.
  new MachineClock(buffer).start();
  // Every request first sends on what the UART's ring holds: bytes a hart wrote before it made this
  // request come out before anything the request itself prints (an SBI console write, say).
  const server = new MailboxServer(mem, harts, {
    read: (pa, size) => { uart.takeSharedTx(); return bus.read(pa, size as 1 | 2 | 4 | 8); },
    write: (pa, size, lo, hi) => { uart.takeSharedTx(); return bus.write(pa, size as 1 | 2 | 4 | 8, lo, hi); },
    console: (kind, arg, length) => { uart.takeSharedTx(); return console.serve(kind, arg, length); },
  });
  server.start();
  uartShared.watch(() => uart.takeSharedTx());

  // 5. Each vCPU thread gets its hart.
  const stats: HartStats[] = [];
  let fatalMessage: string | undefined;
  // A hart is done when it has posted its final stats, or when its thread ended without them (a
  // crash). The threads' own teardown (some 25 ms each) is left to run after the result is in,
  // except with --trace: the thread writes the trace to stderr itself, and only its end makes sure
  // that the last lines have reached the process.
  const done: Promise<void>[] = [];
  const doneAtStats = !config.trace;
  const workers: Worker[] = [];
  const controls: Comlink.Remote<VcpuControl>[] = [];
  const jit = (config.jit ?? DEFAULT_JIT) && !config.trace;
  // The compile pool pays only where a host core is left over for it: with every core running a
  // vCPU, its thread takes time from them. Measured on this 2-core host, medians of five 2-hart
  // Linux boots: compiling in place 2.57 s, on the pool 2.71 s (interpreting only: 2.40 s).
  const compilePool = jit && availableParallelism() > harts ? new CompilePool() : undefined;
  for (let hart = 0; hart < harts; hart++) {
    const compilePort = compilePool?.connect();
    const init: VcpuInit = {
      memory, hart, harts, ramBytes: config.memoryBytes,
      entry: boot.entry, firmware: boot.firmware, a1: boot.a1,
      tohost: boot.tohost ?? -1, fromhost: boot.fromhost ?? -1,
      trace: config.trace,
      ple: config.ple ?? DEFAULT_PLE,
      timesliceMicros: (config.timesliceMs ?? DEFAULT_TIMESLICE_MS) * 1000,
      jit: config.jit ?? DEFAULT_JIT,
      extensions: config.extensions ?? ALL_EXTENSIONS,
      compilePort,
    };
    const worker = threads[hart].worker;
    workers.push(worker);
    controls.push(Comlink.wrap<VcpuControl>(nodeEndpoint(worker)));
    done.push(new Promise((resolve) => {
      worker.on('message', (m: VcpuMessage) => {
        // The same port carries comlink's replies: only our two message types are handled here.
        if (m?.type === 'fatal') fatalMessage ??= m.message;
        else if (m?.type === 'exited') {
          stats.push({ hart: m.hart, instret: m.instret, micros: m.micros, jit: m.jit, accounting: m.accounting });
          if (doneAtStats) resolve();
        }
      });
      threads[hart].start(init, {
        error: (err) => {
          fatalMessage ??= `hart ${hart}: internal error: ${err.stack ?? err.message}`;
          requestStop(mem, harts, StopReason.Fatal, 1);
        },
        exit: () => resolve(),
      });
    }));
  }

  // 6. Run until something stops the machine.
  let timer: NodeJS.Timeout | undefined;
  if (config.timeoutSeconds !== undefined) {
    timer = setTimeout(() => requestStop(mem, harts, StopReason.Timeout, 124), config.timeoutSeconds * 1000);
  }
  const allDone = Promise.all(done);
  const finished = (async (): Promise<RunResult> => {
    await Promise.race([waitForStop(mem), allDone]);
    requestStop(mem, harts, StopReason.Host, 0); // no-op if already stopped: makes every hart leave
    if (timer) clearTimeout(timer);
    const grace = setTimeout(() => { for (const w of workers) void w.terminate(); }, STOP_GRACE_MS);
    await allDone;
    clearTimeout(grace);
    server.close();
    uart.takeSharedTx(); // what the guest printed last, before it stopped the machine
    uartShared.stop();
    await compilePool?.close();
    rtc.dispose();
    for (const d of disks) d.close(); // every flushed write is already on disk; this releases the files
    io.input?.off('data', onInput);
    for (const c of controls) c[Comlink.releaseProxy]();

    const reason = Atomics.load(mem, Global.Reason) as StopReason;
    stats.sort((a, b) => a.hart - b.hart);
    return {
      exitCode: Atomics.load(mem, Global.ExitCode),
      reason,
      message: describeStop(reason, Atomics.load(mem, Global.ExitCode), config, fatalMessage),
      stats,
    };
  })();

  /** A sleeping vCPU serves comlink only when it wakes: wake it as the call goes out. */
  const controlCall = <T>(hart: number, call: () => Promise<T>): Promise<T> => {
    const result = call();
    router.wake(hart);
    return result;
  };

  return {
    finished,
    pause: async () => { await Promise.all(controls.map((c, hart) => controlCall(hart, () => c.pause()))); },
    resume: async () => { await Promise.all(controls.map((c, hart) => controlCall(hart, () => c.resume()))); },
    registers: (hart) => readRegisters(buffer, hart),
    stats: async () => Promise.all(controls.map(async (c, hart) => ({ hart, ...(await controlCall(hart, () => c.stats())) }))),
    stop: () => { requestStop(mem, harts, StopReason.Host, 0); },
    bootNotes: boot.notes,
  };
}

function readRegisters(buffer: SharedArrayBuffer, hart: number): HartRegisters {
  const state = new Int32Array(buffer, stateByteBase(hart), State.CSR);
  const pair = (i: number): bigint => BigInt.asIntN(64, (BigInt(state[i + 1]) << 32n) | BigInt(state[i] >>> 0));
  return {
    hart,
    pc: BigInt.asUintN(64, pair(State.PcLo)),
    priv: state[State.Priv],
    x: Array.from({ length: 32 }, (_, n) => BigInt.asUintN(64, pair(State.X + 2 * n))),
    instret: pair(State.InstretLo),
  };
}

/** Opens a --drive image; a file that cannot serve as a disk is a configuration problem (exit 2). */
function openDrive(drive: DriveSpec): VirtioBlk {
  try {
    return VirtioBlk.open(drive.path, { readonly: drive.readonly });
  } catch (err) {
    if (err instanceof VirtioBlkError) throw new ConfigError([`--drive file=${drive.path}: ${err.message}`]);
    throw err;
  }
}

function waitForStop(mem: Int32Array): Promise<void> {
  const waiting = Atomics.waitAsync(mem, Global.Stop, 0);
  return waiting.async ? waiting.value.then(() => undefined) : Promise.resolve();
}

/** Exit statuses are 8 bits: a failure code must never wrap around to 0 (success). */
function exitStatusOf(code: number): number {
  if (code === 0) return 1;
  return code > 255 ? 255 : code;
}

function describeStop(reason: StopReason, code: number, config: MachineConfig, fatal?: string): string | undefined {
  switch (reason) {
    case StopReason.Fail: return `guest reported failure with code ${code}`;
    case StopReason.Timeout: return `timed out after ${config.timeoutSeconds} s (--timeout)`;
    case StopReason.Reset: return 'guest requested a reset or reboot';
    case StopReason.Fatal: return fatal ?? 'a hart stopped unexpectedly';
    default: return undefined;
  }
}

/**
 * @fileoverview Builds and runs a VM: a linear recipe (shared memory and RAM, the guest image, the
 * devices on the MMIO bus, the clock, the MMIO mailbox server, one vCPU worker per hart), then waits
 * for the machine to stop and reports why. The same function serves the CLI and embedding programs.
 */

import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import {
  Global, RAM_BASE, RAM_OFFSET, StopReason, createSharedMemory, requestStop,
} from '../memory/layout.ts';
import { MachineClock } from '../vmm/clock.ts';
import { MailboxServer } from '../vmm/mailbox.ts';
import type { VcpuInit, VcpuMessage } from '../vmm/vcpu.ts';
import { MmioBus } from '../devices/bus.ts';
import { Uart16550 } from '../devices/uart16550.ts';
import { TestFinisher } from '../devices/finisher.ts';
import { loadIntoRam, readKernelFile } from '../loader/image.ts';
import { type MachineConfig, validateConfig } from './config.ts';

/** QEMU virt's addresses for the devices this machine has. */
const FINISHER_BASE = 0x10_0000;
const FINISHER_SIZE = 0x1000;
const UART_BASE = 0x1000_0000;
const UART_SIZE = 0x100;

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
}

export interface RunResult {
  /** Process exit status the CLI should use: 0 pass, the guest's code, 124 timeout. */
  exitCode: number;
  reason: StopReason;
  /** Human-readable explanation when the guest did not simply pass. */
  message?: string;
  stats: HartStats[];
}

const VCPU_WORKER = fileURLToPath(new URL('../../workers/vcpu.worker.mjs', import.meta.url));
/** How long stopping harts get to leave their loops before they are terminated. */
const STOP_GRACE_MS = 2000;

export async function runMachine(config: MachineConfig, io: MachineIo): Promise<RunResult> {
  validateConfig(config);
  const harts = config.harts;

  // 1. Memory: one shared wasm Memory holding the state blocks, control words and guest RAM.
  const memory = createSharedMemory(config.memoryBytes);
  const buffer = memory.buffer as unknown as SharedArrayBuffer;
  const mem = new Int32Array(buffer);
  const ram = new Uint8Array(buffer, RAM_OFFSET, config.memoryBytes);

  // 2. The guest image. --bios none: the program itself starts every hart in M-mode (QEMU's -bios none).
  const image = loadIntoRam(readKernelFile(config.kernel), config.kernel, ram, BigInt(RAM_BASE), BigInt(RAM_BASE));

  // 3. Devices on the main thread's bus; the CLINT is served by the vCPUs themselves.
  const bus = new MmioBus();
  bus.insert(FINISHER_BASE, FINISHER_SIZE, new TestFinisher((event) => {
    if (event.kind === 'pass') requestStop(mem, harts, StopReason.Pass, 0);
    else if (event.kind === 'fail') requestStop(mem, harts, StopReason.Fail, exitStatusOf(event.code));
    else requestStop(mem, harts, StopReason.Reset, 0);
  }), 'test-finisher');
  const uart = new Uart16550({ output: (bytes) => io.output(bytes) });
  bus.insert(UART_BASE, UART_SIZE, uart, 'uart');
  const onInput = (chunk: Buffer | string): void => {
    uart.receive(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };
  io.input?.on('data', onInput);

  // 4. Time starts now; the MMIO mailboxes are served from here on.
  new MachineClock(buffer).start();
  const server = new MailboxServer(mem, harts, {
    read: (pa, size) => bus.read(pa, size as 1 | 2 | 4 | 8),
    write: (pa, size, lo, hi) => bus.write(pa, size as 1 | 2 | 4 | 8, lo, hi),
  });
  server.start();

  // 5. One worker per hart.
  const stats: HartStats[] = [];
  let fatalMessage: string | undefined;
  const exited: Promise<void>[] = [];
  const workers: Worker[] = [];
  for (let hart = 0; hart < harts; hart++) {
    const init: VcpuInit = {
      memory, hart, harts, ramBytes: config.memoryBytes,
      entry: Number(image.entry), priv: 3, a1: 0,
      tohost: image.tohost === undefined ? -1 : Number(image.tohost),
      fromhost: image.fromhost === undefined ? -1 : Number(image.fromhost),
      trace: config.trace,
    };
    const worker = new Worker(VCPU_WORKER, { workerData: init, name: `hart-${hart}` });
    workers.push(worker);
    worker.on('message', (m: VcpuMessage) => {
      if (m.type === 'console') io.output(Uint8Array.of(m.byte));
      else if (m.type === 'fatal') fatalMessage ??= m.message;
      else stats.push({ hart: m.hart, instret: m.instret, micros: m.micros });
    });
    exited.push(new Promise((resolve) => {
      worker.on('error', (err) => {
        fatalMessage ??= `hart ${hart}: internal error: ${err.stack ?? err.message}`;
        requestStop(mem, harts, StopReason.Fatal, 1);
      });
      worker.on('exit', () => resolve());
    }));
  }

  // 6. Run until something stops the machine.
  let timer: NodeJS.Timeout | undefined;
  if (config.timeoutSeconds !== undefined) {
    timer = setTimeout(() => requestStop(mem, harts, StopReason.Timeout, 124), config.timeoutSeconds * 1000);
  }
  const allExited = Promise.all(exited);
  await Promise.race([waitForStop(mem), allExited]);
  requestStop(mem, harts, StopReason.Host, 0); // no-op if already stopped: makes every hart leave
  if (timer) clearTimeout(timer);
  const grace = setTimeout(() => { for (const w of workers) void w.terminate(); }, STOP_GRACE_MS);
  await allExited;
  clearTimeout(grace);
  server.close();
  io.input?.off('data', onInput);

  const reason = Atomics.load(mem, Global.Reason) as StopReason;
  stats.sort((a, b) => a.hart - b.hart);
  return {
    exitCode: Atomics.load(mem, Global.ExitCode),
    reason,
    message: describeStop(reason, Atomics.load(mem, Global.ExitCode), config, fatalMessage),
    stats,
  };
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
    case StopReason.Reset: return 'guest requested a reset; hartvm stops instead of resetting';
    case StopReason.Fatal: return fatal ?? 'a hart stopped unexpectedly';
    default: return undefined;
  }
}

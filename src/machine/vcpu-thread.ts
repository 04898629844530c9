/**
 * @fileoverview A vCPU's worker thread, started before its hart is known. A worker takes some 60 ms
 * to boot Node and 30 more to load its body (on this 2-core host), longer than everything else a
 * small guest needs. So the thread starts first and learns its hart later, in one message (the
 * VcpuInit): startMachine starts the threads before it loads the images, and `hartvm run` starts hart
 * 0's before it even loads the CLI (bin/hartvm.mjs), so that the two overlap.
 */

import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { VcpuInit } from '../vcpu/vcpu.ts';

const VCPU_WORKER = fileURLToPath(new URL('../../workers/vcpu.worker.cjs', import.meta.url));

export interface VcpuThreadEvents {
  /** The thread failed outside the guest (its body did not load, an internal error). */
  error(err: Error): void;
  /** The thread has ended. */
  exit(): void;
}

export class VcpuThread {
  readonly worker: Worker;
  private earlyError: Error | undefined;
  private ended = false;

  /** `hart` only names the thread (hart-N in profiles and traces); start() says which hart it runs. */
  constructor(hart: number) {
    this.worker = new Worker(VCPU_WORKER, { name: `hart-${hart}` });
    // Until start(), a failure is kept rather than thrown: start() hands it on.
    this.worker.on('error', (err) => { this.earlyError ??= err; });
    this.worker.once('exit', () => { this.ended = true; });
  }

  /** Gives the thread its hart; `events` hears of a failure or the end even when they came first. */
  start(init: VcpuInit, events: VcpuThreadEvents): void {
    this.worker.on('error', (err) => events.error(err));
    if (this.earlyError !== undefined) events.error(this.earlyError);
    if (this.ended) events.exit();
    else this.worker.once('exit', () => events.exit());
    this.worker.postMessage(init, init.compilePort !== undefined ? [init.compilePort] : []);
  }

  /** Ends a thread that was never started (the machine could not be built). */
  discard(): void {
    void this.worker.terminate();
  }
}

/**
 * @fileoverview The machine's JIT compile pool (piscina): harts send it batches of hot blocks and go
 * on interpreting them; a pool thread translates and compiles each batch (jit/block-module.ts) and
 * the module goes back to the hart, which only instantiates it. Translation and V8's compile are
 * most of a batch's cost, so this takes them off the vCPU threads.
 *
 * Each hart talks to the pool through a MessageChannel of its own: the main thread receives its
 * jobs, runs them on the pool and posts the results back. The hart reads results with
 * receiveMessageOnPort (compile-client.ts), between blocks, without waiting for its event loop. The pool (piscina
 * itself, some 45 ms to load, and its thread) starts with the first job, so a guest that never gets
 * hot never pays for it. The machine has a pool only
 * when the host has a core to spare beyond one per hart (machine.ts); otherwise harts compile in place.
 */

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import type { CompileJob, CompileResult } from '../jit/block-module.ts';

const COMPILE_WORKER = fileURLToPath(new URL('../../workers/jit-compile.worker.mjs', import.meta.url));

/**
 * One thread: batches are small and come in bursts, and on a small host every other core is running
 * a vCPU. A second thread would only take time from them.
 */
const POOL_THREADS = 1;

/** Main-thread side: the pool and each hart's channel. */
export class CompilePool {
  private pool: Promise<Piscina> | undefined;
  private readonly ports: MessagePort[] = [];
  private closed = false;

  /** A new channel for one hart: keep the returned port here, transfer `hartPort` to the hart. */
  connect(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (job: CompileJob) => {
      this.pool ??= import('piscina').then(({ Piscina }) =>
        new Piscina({ filename: COMPILE_WORKER, minThreads: POOL_THREADS, maxThreads: POOL_THREADS }));
      this.pool.then((pool) => pool.run(job)).then(
        (result: CompileResult) => { if (!this.closed) port1.postMessage(result); },
        () => { /* the batch is lost; the hart interprets that code (stale entries never install) */ },
      );
    });
    this.ports.push(port1);
    return port2;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.ports) p.close();
    await (await this.pool)?.destroy();
  }
}

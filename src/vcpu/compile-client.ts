/**
 * @fileoverview The hart's end of its channel to the JIT compile pool (compile-pool.ts): batches go
 * out with postMessage, and finished modules are picked up with receiveMessageOnPort, which never
 * waits and needs no turn of the worker's event loop (the run loop does not give it one for up to
 * 10 ms).
 */

import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { BlockCompiler } from '../jit/jit.ts';
import type { CompileResult } from '../jit/block-module.ts';

export function compilerOn(port: MessagePort): BlockCompiler {
  return {
    submit: (job) => port.postMessage(job),
    take: () => receiveMessageOnPort(port)?.message as CompileResult | undefined,
  };
}

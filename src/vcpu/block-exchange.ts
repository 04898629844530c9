/**
 * @fileoverview The hart's end of the machine's channel for compiled blocks: every module a hart
 * compiles (in place or on the compile pool) goes out to the other harts, which instantiate it
 * for themselves when they reach one of its blocks (jit.ts takePeerBlock). A WebAssembly.Module
 * posted to another thread shares the engine's compiled code, so a kernel path is translated and
 * compiled once per machine, not once per hart, and warms up on every hart as soon as one ran it.
 *
 * A BroadcastChannel by a name the machine chose: it reaches every other hart's thread without the
 * main thread in the way. Batches are picked up with receiveMessageOnPort between blocks, like the
 * compile pool's results (compile-client.ts); the channel's message handler takes those that arrive
 * while the thread waits in its event loop.
 */

import { BroadcastChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { BlockExchange, PeerBatch } from '../jit/jit.ts';

export function exchangeOn(name: string): BlockExchange & { close(): void } {
  const channel = new BroadcastChannel(name);
  const arrived: PeerBatch[] = [];
  // Also what starts the channel: without a handler, receiveMessageOnPort finds nothing on it.
  channel.onmessage = (event: unknown) => { arrived.push((event as { data: PeerBatch }).data); };
  channel.unref();
  return {
    offer: (batch) => channel.postMessage(batch),
    // Node's receiveMessageOnPort takes a BroadcastChannel too; its typings know only MessagePort.
    take: () => arrived.shift() ?? (receiveMessageOnPort(channel as unknown as MessagePort)?.message as PeerBatch | undefined),
    close: () => channel.close(),
  };
}

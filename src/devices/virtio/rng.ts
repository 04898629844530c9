/** @fileoverview virtio-rng, the entropy device (Virtio 1.2 §5.4): fills device-writable buffers with host randomness. */

import { VirtioDeviceId, type VirtioDevice, type VirtioQueues } from './mmio.ts';

/** crypto.getRandomValues fills at most this many bytes per call. */
const RANDOM_CHUNK_BYTES = 65536;

/**
 * An entropy source: one request queue, no feature bits, no config space. Each chain's writable
 * buffers are filled entirely with bytes from the host CSPRNG (crypto.getRandomValues) and returned
 * with that length; readable buffers are ignored.
 */
export class VirtioRng implements VirtioDevice {
  readonly deviceId = VirtioDeviceId.Entropy;
  readonly queueCount = 1;
  readonly features = 0n;

  readConfig(_offset: number, _size: number): number {
    return 0;
  }

  reset(): void {}

  process(queue: number, transport: VirtioQueues): boolean {
    let used = false;
    for (let chain = transport.pop(queue); chain; chain = transport.pop(queue)) {
      for (const part of chain.writableSlices()) {
        for (let at = 0; at < part.length; at += RANDOM_CHUNK_BYTES) {
          crypto.getRandomValues(part.subarray(at, at + RANDOM_CHUNK_BYTES));
        }
      }
      transport.addUsed(queue, chain, chain.writableBytes);
      used = true;
    }
    return used;
  }
}

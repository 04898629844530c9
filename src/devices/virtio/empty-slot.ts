/**
 * @fileoverview An unused virtio-mmio slot: device id 0 tells the driver there is nothing here, as
 * QEMU's virt board shows its empty slots, so the device tree can always list all eight.
 */

import type { VirtioDevice } from './mmio.ts';

export class EmptyVirtioSlot implements VirtioDevice {
  readonly deviceId = 0;
  readonly queueCount = 0;
  readonly features = 0n;

  readConfig(): number {
    return 0;
  }

  process(): boolean {
    return false;
  }

  reset(): void {}
}

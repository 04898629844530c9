/** @fileoverview The SiFive test finisher (sifive_test): lets a guest end the run with a status, or reset. */

import type { MmioDevice } from './device.ts';
import { FinisherCode as Status } from '../memory/machine-map.ts';

export type FinishEvent = { kind: 'pass' } | { kind: 'fail'; code: number } | { kind: 'reset' };

// The low 16 bits of a write to offset 0 select the action (a Status); for a failure the high 16 bits are the code.

/**
 * QEMU's sifive_test: a write at offset 0 of (code << 16) | 0x3333 fails with `code`, 0x5555 passes
 * (whatever the high bits) and 0x7777 asks for a reset. Like QEMU, 16- and 32-bit writes count; the
 * failure code is passed on as written (0 included) for the caller to map to an exit status.
 * Anything else is reported once through `warn` and ignored; reads return 0.
 */
export class TestFinisher implements MmioDevice {
  private warned = false;

  constructor(
    private readonly onFinish: (event: FinishEvent) => void,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  read(_offset: number, _size: 1 | 2 | 4): number {
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset === 0 && size !== 1) {
      switch (value & 0xffff) {
        case Status.Pass:
          this.onFinish({ kind: 'pass' });
          return;
        case Status.Fail:
          this.onFinish({ kind: 'fail', code: (value >>> 16) & 0xffff });
          return;
        case Status.Reset:
          this.onFinish({ kind: 'reset' });
          return;
      }
    }
    if (!this.warned) {
      this.warned = true;
      this.warn(
        `test finisher: ignored a ${size}-byte write of 0x${(value >>> 0).toString(16)} at offset 0x${offset.toString(16)} ` +
          `(expected a 32-bit write at 0 of 0x5555, (code << 16) | 0x3333 or 0x7777); further ones are not reported`,
      );
    }
  }
}

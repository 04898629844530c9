/**
 * @fileoverview What a hart needs from the machine around it. The hart knows nothing of threads or
 * devices: a vCPU worker implements it (vcpu/platform.ts), tests give fakes.
 */

export interface HartPlatform {
  /** Reads a device register at a guest physical address outside RAM; false if nothing is there. Result in result[0..1]. */
  mmioRead(pa: number, size: number, result: Int32Array): boolean;
  /** Writes a device register; false if nothing is there. */
  mmioWrite(pa: number, size: number, lo: number, hi: number): boolean;
  /** The machine timer (mtime) in ticks of the timebase (memory/machine-map.ts TIMEBASE_HZ). */
  mtime(): number;
  /** Guest physical address of HTIF tohost, or -1 when the guest has none. */
  readonly tohost: number;
  /** Called after the guest stores a non-zero value to tohost. */
  tohostWritten(lo: number, hi: number): void;
}

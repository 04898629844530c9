/**
 * A fake FpHost for the FPU's unit tests (fpu.test.ts, zfhmin.test.ts): x and f register files,
 * 64 KiB of flat memory at address 0 for FP loads and stores of 2, 4 and 8 bytes, a count of
 * mstatus.FS dirtyings, and the optional extensions the FPU sees; and register accessors.
 */
import type { FpHost } from '../../../src/cpu/fpu.ts';
import { out } from '../../../src/cpu/int64.ts';

export class FakeFpHost implements FpHost {
  readonly r = new Int32Array(64);
  readonly f = new Int32Array(64);
  readonly mem = new DataView(new ArrayBuffer(65536));
  dirty = 0;
  constructor(public extensions = 0) {}
  setFsDirty(): void { this.dirty++; }
  loadSlow(lo: number, hi: number, f3: number): boolean {
    if (hi !== 0 || lo < 0 || lo + 8 > 65536) return false;
    if (f3 === 1) { out[0] = this.mem.getInt16(lo, true); out[1] = out[0] >> 31; }
    else if (f3 === 2) { out[0] = this.mem.getInt32(lo, true); out[1] = out[0] >> 31; }
    else { out[0] = this.mem.getInt32(lo, true); out[1] = this.mem.getInt32(lo + 4, true); }
    return true;
  }
  storeSlow(lo: number, hi: number, f3: number, vlo: number, vhi: number): boolean {
    if (hi !== 0 || lo < 0 || lo + 8 > 65536) return false;
    if (f3 === 1) this.mem.setInt16(lo, vlo, true);
    else this.mem.setInt32(lo, vlo, true);
    if (f3 === 3) this.mem.setInt32(lo + 4, vhi, true);
    return true;
  }
}

export function setF(h: FakeFpHost, n: number, v: bigint): void {
  h.f[2 * n] = Number(BigInt.asIntN(32, v)); h.f[2 * n + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

export function getF(h: FakeFpHost, n: number): bigint {
  return (BigInt(h.f[2 * n + 1] >>> 0) << 32n) | BigInt(h.f[2 * n] >>> 0);
}

export function setX(h: FakeFpHost, n: number, v: bigint): void {
  h.r[2 * n] = Number(BigInt.asIntN(32, v)); h.r[2 * n + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

export function getX(h: FakeFpHost, n: number): bigint {
  return (BigInt(h.r[2 * n + 1] >>> 0) << 32n) | BigInt(h.r[2 * n] >>> 0);
}

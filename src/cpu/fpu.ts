/**
 * @fileoverview The F and D extensions, and Zfhmin: decode and execute of every single- and
 * double-precision instruction (LOAD-FP, STORE-FP, the four fused multiply-adds, OP-FP), of
 * Zfhmin's half-precision loads, stores, moves and conversions when the hart has that extension,
 * and the fflags/frm/fcsr CSRs, over a host that provides the register files and memory access.
 *
 * Register conventions (RISC-V unprivileged spec, F and D chapters):
 * - f registers hold raw 64-bit patterns. A binary32 value must be NaN-boxed (upper 32 bits all
 *   ones), a binary16 value likewise (upper 48 bits all ones); an operand that is not reads as the
 *   canonical NaN. Every binary32 and binary16 result is boxed.
 * - Any NaN an arithmetic instruction produces is the canonical NaN (0x7e00, 0x7fc00000 or
 *   0x7ff8000000000000). Moves, loads, stores and sign injection copy bits untouched.
 * - Flags accrue into fflags; nothing traps on an FP exception.
 * The arithmetic itself (exact in every rounding mode) lives in fp/: single.ts, double.ts,
 * convert.ts, half.ts (the binary16 format), on the rounding core in round.ts.
 */

import { out } from './int64.ts';
import { Flag, Rm, acc } from './fp/flags.ts';
import { CANON_D_HI, CANON_S, dBits, dOf, isNaND, isNaNS, isSNaND, isSNaNS, sBits, sOf, w } from './fp/bits.ts';
import { Fmt, roundToSingle } from './fp/round.ts';
import { addS, divS, fmaS, mulS, sqrtS } from './fp/single.ts';
import { addD, divD, fmaD, mulD, sqrtD } from './fp/double.ts';
import { fromInt, toInt } from './fp/convert.ts';
import { CANON_H, hBits, hOf, isNaNH, isSNaNH, roundToHalf } from './fp/half.ts';
import { Ext } from '../memory/extensions.ts';

export interface FpHost {
  readonly r: Int32Array;   // x registers: x[n] = lo r[2n], hi r[2n+1]; x0 must never be written
  readonly f: Int32Array;   // f registers as raw 64-bit patterns: f[n] = lo f[2n], hi f[2n+1]
  /** The optional extensions the hart has (memory/extensions.ts Ext bits): Zfhmin's encodings are illegal without it. */
  readonly extensions: number;
  /** Marks mstatus.FS Dirty (call whenever an f register or fflags/frm changes). */
  setFsDirty(): void;
  /** Load via the MMU (translation, MMIO, misaligned all handled). f3: 1 = 16-bit, 2 = 32-bit, 3 = 64-bit. Result in `out` from int64.ts (out[0] lo, out[1] hi; for f3=1 and 2 the value is sign-extended, use out[0]). false = a fault was already raised. */
  loadSlow(lo: number, hi: number, f3: number): boolean;
  /** Store via the MMU; false = a fault was already raised. */
  storeSlow(lo: number, hi: number, f3: number, vlo: number, vhi: number): boolean;
}

export const enum FpResult { Ok = 0, Illegal = 1, Faulted = 2 }

/** CSR numbers of the FP CSRs. */
const FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;

export class Fpu {
  private readonly r: Int32Array;
  private readonly f: Int32Array;

  /**
   * `fcsr[0]` holds fcsr: the accrued exception flags (bits 4:0) and the dynamic rounding mode
   * (bits 7:5, may hold 5..7). A hart passes a word of its state block, which compiled code reads
   * and accrues flags into too (jit/translate-fp.ts).
   */
  constructor(private readonly host: FpHost, private readonly fcsr: Int32Array = new Int32Array(1)) {
    this.r = host.r;
    this.f = host.f;
  }

  private get fflags(): number { return this.fcsr[0] & 31; }
  private set fflags(flags: number) { this.fcsr[0] = (this.fcsr[0] & ~31) | (flags & 31); }
  private get frm(): number { return (this.fcsr[0] >>> 5) & 7; }
  private set frm(mode: number) { this.fcsr[0] = (this.fcsr[0] & 31) | ((mode & 7) << 5); }

  readCsr(csr: number): number {
    switch (csr) {
      case FFLAGS: return this.fflags;
      case FRM: return this.frm;
      case FCSR: return (this.frm << 5) | this.fflags;
      default: return 0;
    }
  }

  writeCsr(csr: number, value: number): void {
    switch (csr) {
      case FFLAGS: this.fflags = value & 31; break;
      case FRM: this.frm = value & 7; break;
      case FCSR: this.fflags = value & 31; this.frm = (value >> 5) & 7; break;
    }
  }

  execute(inst: number): FpResult {
    switch (inst & 0x7f) {
      case 0x07: return this.load(inst);
      case 0x27: return this.store(inst);
      case 0x43: case 0x47: case 0x4b: case 0x4f: return this.fused(inst);
      case 0x53: return this.opFp(inst);
      default: return FpResult.Illegal;
    }
  }

  /** The effective rounding mode for an rm field, or -1 if it is reserved (5, 6, or DYN with frm 5..7). */
  private rounding(rm: number): number {
    if (rm < 5) return rm;
    if (rm === Rm.DYN && this.frm < 5) return this.frm;
    return -1;
  }

  /** Whether the hart has Zfhmin (read at each use: the VMM sets the hart's extensions after construction). */
  private hasZfhmin(): boolean {
    return (this.host.extensions & Ext.Zfhmin) !== 0;
  }

  // ---- register access ----------------------------------------------------------------------

  /** The binary32 bits of f[n]: the low word if NaN-boxed, else the canonical NaN. */
  private sBitsOf(n: number): number {
    return this.f[2 * n + 1] === -1 ? this.f[2 * n] : CANON_S;
  }

  /** The binary16 bits of f[n]: the low half-word if NaN-boxed (upper 48 bits ones), else the canonical NaN. */
  private hBitsOf(n: number): number {
    const lo = this.f[2 * n];
    return this.f[2 * n + 1] === -1 && (lo >>> 16) === 0xffff ? lo & 0xffff : CANON_H;
  }

  /** Writes the binary16 pattern `bits`, NaN-boxed. */
  private writeH(n: number, bits: number): void {
    this.f[2 * n] = bits | 0xffff0000;
    this.f[2 * n + 1] = -1;
  }

  private writeS(n: number, v: number): void {
    this.f[2 * n] = v !== v ? CANON_S : sBits(v);
    this.f[2 * n + 1] = -1;
  }

  private writeD(n: number, v: number): void {
    if (v !== v) { this.f[2 * n] = 0; this.f[2 * n + 1] = CANON_D_HI; return; }
    dBits(v);
    this.f[2 * n] = w[0]; this.f[2 * n + 1] = w[1];
  }

  private writeX(n: number, lo: number, hi: number): void {
    if (n !== 0) { this.r[2 * n] = lo; this.r[2 * n + 1] = hi; }
  }

  /** Merges the instruction's flags into fflags; FS becomes Dirty if an f register or fflags changed. */
  private finish(wroteF: boolean): FpResult {
    const fl = acc.flags;
    if (fl !== 0 && (this.fflags | fl) !== this.fflags) { this.fflags |= fl; wroteF = true; }
    if (wroteF) this.host.setFsDirty();
    return FpResult.Ok;
  }

  // ---- loads and stores ----------------------------------------------------------------------

  private load(inst: number): FpResult {
    const f3 = (inst >> 12) & 7;
    if (f3 !== 2 && f3 !== 3 && !(f3 === 1 && this.hasZfhmin())) return FpResult.Illegal;
    const rs1 = (inst >> 15) & 31, rd = (inst >> 7) & 31;
    const imm = inst >> 20;
    const alo = this.r[2 * rs1];
    const lo = (alo + imm) | 0;
    const hi = (this.r[2 * rs1 + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
    if (!this.host.loadSlow(lo, hi, f3)) return FpResult.Faulted;
    // FLW and FLH NaN-box what they load; FLD takes all 64 bits.
    this.f[2 * rd] = f3 === 1 ? out[0] | 0xffff0000 : out[0];
    this.f[2 * rd + 1] = f3 === 3 ? out[1] : -1;
    this.host.setFsDirty();
    return FpResult.Ok;
  }

  private store(inst: number): FpResult {
    const f3 = (inst >> 12) & 7;
    if (f3 !== 2 && f3 !== 3 && !(f3 === 1 && this.hasZfhmin())) return FpResult.Illegal;
    const rs1 = (inst >> 15) & 31, rs2 = (inst >> 20) & 31;
    const imm = ((inst >> 25) << 5) | ((inst >> 7) & 31);
    const alo = this.r[2 * rs1];
    const lo = (alo + imm) | 0;
    const hi = (this.r[2 * rs1 + 1] + (imm >> 31) + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
    // FSW and FSH store the low 32 or 16 bits as they are, boxed or not.
    const vlo = this.f[2 * rs2], vhi = f3 === 3 ? this.f[2 * rs2 + 1] : vlo >> 31;
    return this.host.storeSlow(lo, hi, f3, vlo, vhi) ? FpResult.Ok : FpResult.Faulted;
  }

  // ---- fused multiply-add ----------------------------------------------------------------------

  private fused(inst: number): FpResult {
    const fmt = (inst >> 25) & 3;
    const rm = this.rounding((inst >> 12) & 7);
    if (fmt > 1 || rm < 0) return FpResult.Illegal;
    const op = inst & 0x7f;
    const rd = (inst >> 7) & 31, rs1 = (inst >> 15) & 31, rs2 = (inst >> 20) & 31, rs3 = inst >>> 27;
    // FMADD: a·b + c; FMSUB: a·b - c; FNMSUB: -(a·b) + c; FNMADD: -(a·b) - c. Negating an operand
    // first gives the same exact value, so one rounding of it is the instruction's result.
    const negProd = op === 0x4b || op === 0x4f, negAdd = op === 0x47 || op === 0x4f;
    acc.flags = 0;
    let a: number, b: number, c: number, nan: boolean, snan: boolean;
    if (fmt === Fmt.S) {
      const ab = this.sBitsOf(rs1), bb = this.sBitsOf(rs2), cb = this.sBitsOf(rs3);
      a = sOf(ab); b = sOf(bb); c = sOf(cb);
      nan = isNaNS(ab) || isNaNS(bb) || isNaNS(cb);
      snan = nan && (isSNaNS(ab) || isSNaNS(bb) || isSNaNS(cb));
    } else {
      const f = this.f;
      const alo = f[2 * rs1], ahi = f[2 * rs1 + 1], blo = f[2 * rs2], bhi = f[2 * rs2 + 1];
      const clo = f[2 * rs3], chi = f[2 * rs3 + 1];
      a = dOf(alo, ahi); b = dOf(blo, bhi); c = dOf(clo, chi);
      nan = isNaND(alo, ahi) || isNaND(blo, bhi) || isNaND(clo, chi);
      snan = nan && (isSNaND(alo, ahi) || isSNaND(blo, bhi) || isSNaND(clo, chi));
    }
    if (negProd) a = -a;
    if (negAdd) c = -c;
    const v = fmt === Fmt.S ? fmaS(a, b, c, rm) : fmaD(a, b, c, rm);
    if (v !== v) {
      // NV for a signalling NaN, for an invalid operation on non-NaN operands, and for
      // ∞ · 0 even when the addend is a quiet NaN (the spec requires it).
      const infZero = (a === 0 && (b === Infinity || b === -Infinity)) || (b === 0 && (a === Infinity || a === -Infinity));
      if (snan || !nan || infZero) acc.flags |= Flag.NV;
    }
    if (fmt === Fmt.S) this.writeS(rd, v); else this.writeD(rd, v);
    return this.finish(true);
  }

  // ---- OP-FP ------------------------------------------------------------------------------------

  private opFp(inst: number): FpResult {
    const f7 = inst >>> 25;
    const f3 = (inst >> 12) & 7;
    const rd = (inst >> 7) & 31, rs1 = (inst >> 15) & 31, rs2 = (inst >> 20) & 31;
    const f = this.f;
    acc.flags = 0;
    switch (f7) {
      // -- binary32 arithmetic --
      case 0x00: case 0x04: case 0x08: case 0x0c: case 0x2c: {
        const rm = this.rounding(f3);
        if (rm < 0 || (f7 === 0x2c && rs2 !== 0)) return FpResult.Illegal;
        const ab = this.sBitsOf(rs1), a = sOf(ab);
        let v: number, bb = 0;
        if (f7 === 0x2c) v = sqrtS(a, rm);
        else {
          bb = this.sBitsOf(rs2);
          const b = sOf(bb);
          v = f7 === 0x00 ? addS(a, b, rm) : f7 === 0x04 ? addS(a, -b, rm) : f7 === 0x08 ? mulS(a, b, rm) : divS(a, b, rm);
        }
        if (v !== v) {
          const two = f7 !== 0x2c;
          if (isSNaNS(ab) || (two && isSNaNS(bb)) || !(isNaNS(ab) || (two && isNaNS(bb)))) acc.flags |= Flag.NV;
        }
        this.writeS(rd, v);
        return this.finish(true);
      }
      // -- binary64 arithmetic --
      case 0x01: case 0x05: case 0x09: case 0x0d: case 0x2d: {
        const rm = this.rounding(f3);
        if (rm < 0 || (f7 === 0x2d && rs2 !== 0)) return FpResult.Illegal;
        const alo = f[2 * rs1], ahi = f[2 * rs1 + 1];
        const a = dOf(alo, ahi);
        let v: number, blo = 0, bhi = 0;
        if (f7 === 0x2d) v = sqrtD(a, rm);
        else {
          blo = f[2 * rs2]; bhi = f[2 * rs2 + 1];
          const b = dOf(blo, bhi);
          v = f7 === 0x01 ? addD(a, b, rm) : f7 === 0x05 ? addD(a, -b, rm) : f7 === 0x09 ? mulD(a, b, rm) : divD(a, b, rm);
        }
        if (v !== v) {
          const two = f7 !== 0x2d;
          if (isSNaND(alo, ahi) || (two && isSNaND(blo, bhi)) || !(isNaND(alo, ahi) || (two && isNaND(blo, bhi)))) acc.flags |= Flag.NV;
        }
        this.writeD(rd, v);
        return this.finish(true);
      }
      // -- sign injection: bit operations, no flags, NaNs kept as they are --
      case 0x10: {
        if (f3 > 2) return FpResult.Illegal;
        const a = this.sBitsOf(rs1), b = this.sBitsOf(rs2);
        const sign = f3 === 0 ? b : f3 === 1 ? ~b : a ^ b;
        f[2 * rd] = (a & 0x7fffffff) | (sign & 0x80000000);
        f[2 * rd + 1] = -1;
        return this.finish(true);
      }
      case 0x11: {
        if (f3 > 2) return FpResult.Illegal;
        const ahi = f[2 * rs1 + 1], bhi = f[2 * rs2 + 1];
        const sign = f3 === 0 ? bhi : f3 === 1 ? ~bhi : ahi ^ bhi;
        f[2 * rd] = f[2 * rs1];
        f[2 * rd + 1] = (ahi & 0x7fffffff) | (sign & 0x80000000);
        return this.finish(true);
      }
      // -- minimum / maximum (IEEE 754-2019 minimumNumber / maximumNumber) --
      case 0x14: {
        if (f3 > 1) return FpResult.Illegal;
        const ab = this.sBitsOf(rs1), bb = this.sBitsOf(rs2);
        const an = isNaNS(ab), bn = isNaNS(bb);
        if (isSNaNS(ab) || isSNaNS(bb)) acc.flags |= Flag.NV;
        let res: number;
        if (an || bn) res = an && bn ? CANON_S : an ? bb : ab;
        else res = this.pick(sOf(ab), sOf(bb), ab < 0, bb < 0, f3 === 1) ? ab : bb;
        f[2 * rd] = res; f[2 * rd + 1] = -1;
        return this.finish(true);
      }
      case 0x15: {
        if (f3 > 1) return FpResult.Illegal;
        const alo = f[2 * rs1], ahi = f[2 * rs1 + 1], blo = f[2 * rs2], bhi = f[2 * rs2 + 1];
        const an = isNaND(alo, ahi), bn = isNaND(blo, bhi);
        if (isSNaND(alo, ahi) || isSNaND(blo, bhi)) acc.flags |= Flag.NV;
        let lo: number, hi: number;
        if (an && bn) { lo = 0; hi = CANON_D_HI; }
        else if (an) { lo = blo; hi = bhi; }
        else if (bn) { lo = alo; hi = ahi; }
        else if (this.pick(dOf(alo, ahi), dOf(blo, bhi), ahi < 0, bhi < 0, f3 === 1)) { lo = alo; hi = ahi; }
        else { lo = blo; hi = bhi; }
        f[2 * rd] = lo; f[2 * rd + 1] = hi;
        return this.finish(true);
      }
      // -- conversions between the formats --
      case 0x20: { // FCVT.S.D
        if (rs2 === 2) return this.fromHalf(Fmt.S, f3, rd, rs1);
        const rm = this.rounding(f3);
        if (rm < 0 || rs2 !== 1) return FpResult.Illegal;
        const lo = f[2 * rs1], hi = f[2 * rs1 + 1];
        let v: number;
        if (isNaND(lo, hi)) { if (isSNaND(lo, hi)) acc.flags |= Flag.NV; v = NaN; }
        else v = roundToSingle(dOf(lo, hi), rm);
        this.writeS(rd, v);
        return this.finish(true);
      }
      case 0x21: { // FCVT.D.S: exact
        if (rs2 === 2) return this.fromHalf(Fmt.D, f3, rd, rs1);
        if (this.rounding(f3) < 0 || rs2 !== 0) return FpResult.Illegal;
        const b = this.sBitsOf(rs1);
        if (isSNaNS(b)) acc.flags |= Flag.NV;
        this.writeD(rd, isNaNS(b) ? NaN : sOf(b));
        return this.finish(true);
      }
      case 0x22: { // FCVT.H.S, FCVT.H.D (Zfhmin)
        const rm = this.rounding(f3);
        if (rm < 0 || rs2 > 1 || !this.hasZfhmin()) return FpResult.Illegal;
        let x: number, nan: boolean, snan: boolean;
        if (rs2 === 0) {
          const b = this.sBitsOf(rs1);
          x = sOf(b); nan = isNaNS(b); snan = isSNaNS(b);
        } else {
          const lo = f[2 * rs1], hi = f[2 * rs1 + 1];
          x = dOf(lo, hi); nan = isNaND(lo, hi); snan = isSNaND(lo, hi);
        }
        if (snan) acc.flags |= Flag.NV;
        this.writeH(rd, nan ? CANON_H : hBits(roundToHalf(x, rm)));
        return this.finish(true);
      }
      // -- comparisons --
      case 0x50: case 0x51: {
        if (f3 > 2) return FpResult.Illegal;
        let a: number, b: number, nan: boolean, snan: boolean;
        if (f7 === 0x50) {
          const ab = this.sBitsOf(rs1), bb = this.sBitsOf(rs2);
          a = sOf(ab); b = sOf(bb);
          nan = isNaNS(ab) || isNaNS(bb); snan = isSNaNS(ab) || isSNaNS(bb);
        } else {
          const alo = f[2 * rs1], ahi = f[2 * rs1 + 1], blo = f[2 * rs2], bhi = f[2 * rs2 + 1];
          a = dOf(alo, ahi); b = dOf(blo, bhi);
          nan = isNaND(alo, ahi) || isNaND(blo, bhi); snan = isSNaND(alo, ahi) || isSNaND(blo, bhi);
        }
        let res = 0;
        if (nan) {
          // FEQ is a quiet comparison (NV only for a signalling NaN); FLT and FLE signal on any NaN.
          if (snan || f3 !== 2) acc.flags |= Flag.NV;
        } else {
          res = (f3 === 2 ? a === b : f3 === 1 ? a < b : a <= b) ? 1 : 0;
        }
        this.writeX(rd, res, 0);
        return this.finish(false);
      }
      // -- float to integer --
      case 0x60: case 0x61: {
        const rm = this.rounding(f3);
        if (rm < 0 || rs2 > 3) return FpResult.Illegal;
        const x = f7 === 0x60 ? sOf(this.sBitsOf(rs1)) : dOf(f[2 * rs1], f[2 * rs1 + 1]);
        toInt(x, rs2, rm);
        this.writeX(rd, out[0], out[1]);
        return this.finish(false);
      }
      // -- integer to float --
      case 0x68: case 0x69: {
        const rm = this.rounding(f3);
        if (rm < 0 || rs2 > 3) return FpResult.Illegal;
        const fmt = f7 === 0x68 ? Fmt.S : Fmt.D;
        const v = fromInt(this.r[2 * rs1], this.r[2 * rs1 + 1], rs2, fmt, rm);
        if (fmt === Fmt.S) this.writeS(rd, v); else this.writeD(rd, v);
        return this.finish(true);
      }
      // -- moves to integer registers, classification --
      case 0x70: case 0x71: {
        if (rs2 !== 0 || f3 > 1) return FpResult.Illegal;
        if (f3 === 0) { // FMV.X.W sign-extends the raw low word; FMV.X.D copies all 64 bits
          const lo = f[2 * rs1];
          this.writeX(rd, lo, f7 === 0x70 ? lo >> 31 : f[2 * rs1 + 1]);
        } else {
          this.writeX(rd, f7 === 0x70 ? classS(this.sBitsOf(rs1)) : classD(f[2 * rs1], f[2 * rs1 + 1]), 0);
        }
        return FpResult.Ok;
      }
      // -- binary16 moves (Zfhmin): FMV.X.H sign-extends the raw low half-word; FMV.H.X boxes --
      case 0x72: {
        if (rs2 !== 0 || f3 !== 0 || !this.hasZfhmin()) return FpResult.Illegal; // f3 = 1 is Zfh's FCLASS.H
        const v = (f[2 * rs1] << 16) >> 16;
        this.writeX(rd, v, v >> 31);
        return FpResult.Ok;
      }
      case 0x7a: {
        if (rs2 !== 0 || f3 !== 0 || !this.hasZfhmin()) return FpResult.Illegal;
        this.writeH(rd, this.r[2 * rs1] & 0xffff);
        return this.finish(true);
      }
      // -- moves from integer registers --
      case 0x78: case 0x79: {
        if (rs2 !== 0 || f3 !== 0) return FpResult.Illegal;
        f[2 * rd] = this.r[2 * rs1];
        f[2 * rd + 1] = f7 === 0x78 ? -1 : this.r[2 * rs1 + 1];
        return this.finish(true);
      }
      default:
        return FpResult.Illegal;
    }
  }

  /**
   * FCVT.S.H / FCVT.D.H (Zfhmin): exact, as every binary16 value is a binary32 and a binary64 value;
   * a signalling NaN raises NV, and any NaN gives the destination's canonical NaN. The rm field is
   * checked like FCVT.D.S's although nothing rounds.
   */
  private fromHalf(fmt: Fmt, f3: number, rd: number, rs1: number): FpResult {
    if (this.rounding(f3) < 0 || !this.hasZfhmin()) return FpResult.Illegal;
    const h = this.hBitsOf(rs1);
    if (isSNaNH(h)) acc.flags |= Flag.NV;
    const v = isNaNH(h) ? NaN : hOf(h);
    if (fmt === Fmt.S) this.writeS(rd, v); else this.writeD(rd, v);
    return this.finish(true);
  }

  /** FMIN (max false) / FMAX (max true) of two non-NaN values: true to pick a. -0 < +0. */
  private pick(a: number, b: number, aNeg: boolean, bNeg: boolean, max: boolean): boolean {
    if (a === b) return max ? !aNeg || bNeg : aNeg || !bNeg; // equal (incl. ±0): order by sign
    return max ? a > b : a < b;
  }
}

/** FCLASS bit index from sign, exponent class and fraction: one bit set in the result. */
function classBits(neg: boolean, expAllOnes: boolean, expZero: boolean, fracZero: boolean, quiet: boolean): number {
  if (expAllOnes) return fracZero ? (neg ? 1 : 1 << 7) : quiet ? 1 << 9 : 1 << 8;
  if (expZero) return fracZero ? (neg ? 1 << 3 : 1 << 4) : neg ? 1 << 2 : 1 << 5;
  return neg ? 1 << 1 : 1 << 6;
}

function classS(b: number): number {
  const e = (b >>> 23) & 0xff;
  return classBits(b < 0, e === 0xff, e === 0, (b & 0x7fffff) === 0, (b & 0x400000) !== 0);
}

function classD(lo: number, hi: number): number {
  const e = (hi >>> 20) & 0x7ff;
  return classBits(hi < 0, e === 0x7ff, e === 0, ((hi & 0xfffff) | lo) === 0, (hi & 0x80000) !== 0);
}

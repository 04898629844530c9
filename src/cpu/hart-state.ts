/**
 * @fileoverview A hart's state: views of its registers and CSRs over its state block in the shared
 * memory (memory/layout.ts), its privilege and pc, its MMU, and the flags by which an instruction
 * tells the run loop what to do next. The behaviour lives in one file per concern, as functions of
 * the state: csrs.ts, traps.ts, interrupts.ts, system.ts, memory-access.ts, atomics.ts, reset.ts;
 * the interpreter loop is hart.ts.
 */

import {
  CSR_SLOTS, Control, State, STATE_BYTES, controlWordBase, stateByteBase,
} from '../memory/layout.ts';
import { CodePages } from '../memory/code-pages.ts';
import { ALL_EXTENSIONS, Ext } from '../memory/extensions.ts';
import { Mstatus, Slot } from './csr-numbers.ts';
import { Exit } from './exit.ts';
import type { Fpu } from './fpu.ts';
import type { HartPlatform } from './hart-platform.ts';
import { Mmu, contextTag } from './mmu.ts';
import { out, splitNumber } from './int64.ts';

/** Firmware that serves S-mode ECALLs itself (the builtin SBI) instead of letting them trap to M-mode. */
export interface SbiHandler {
  /**
   * Serves the call in a0..a7 and returns what the hart does next: Exit.None (return to the caller),
   * Exit.HartStopped (HSM hart_stop) or Exit.Wfi (HSM suspend: sleep until an interrupt is pending).
   */
  ecall(hart: HartState): Exit;
}

export class HartState {
  readonly id: number;
  readonly mem: Int32Array;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  /** The buffer as doubles: only for single-copy-atomic 64-bit loads and stores (see int64.ts). */
  readonly f64: Float64Array;
  /** x registers as lo/hi pairs: x[n] is r[2n], r[2n+1]. */
  readonly r: Int32Array;
  /** f registers as raw 64-bit patterns, lo/hi pairs like r. */
  readonly f: Int32Array;
  /** The F and D extensions (set by Hart, which is the FPU's host). */
  fpu!: Fpu;
  /** The whole state block. */
  readonly state: Int32Array;
  /** CSR storage: slot s at csr[2s], csr[2s+1]. */
  readonly csr: Int32Array;
  readonly mmu: Mmu;
  /** Which RAM pages hold translated code (shared by all harts): slow-path stores report to it. */
  readonly codePages: CodePages;
  /** Index of this hart's control words in mem. */
  readonly ctl: number;
  /** A word of this hart's own for FENCE's locked operation (no sharing, so no contention). */
  readonly fenceWord: number;

  /**
   * The optional extensions this hart implements (memory/extensions.ts Ext bits, from --cpu): an
   * instruction or CSR of one that is off is illegal.
   */
  get extensions(): number {
    return this.extensionMask;
  }

  set extensions(mask: number) {
    this.extensionMask = mask;
    this.mmu.svnapot = (mask & Ext.Svnapot) !== 0;
  }

  private extensionMask = 0;
  pc = 0;
  priv = 3;
  /** TLB context tags (mmu.ts contextTag) for data accesses and for fetches; see updateContext(). */
  dataTag = 3 << 24;
  fetchTag = 3 << 24;
  instret = 0;
  /** mcycle runs with instret (one instruction per cycle) plus what software wrote to it. */
  cycleDelta = 0;

  /** A synchronous exception waiting to be taken by traps.ts raise(). */
  excPending = false;
  excCause = 0;
  excTvalLo = 0;
  excTvalHi = 0;
  /**
   * What a SYSTEM instruction asks of the hart's owner once it retires: Exit.Wfi (WFI with nothing
   * pending, an SBI suspend), Exit.HartStopped (SBI hart_stop); Exit.None otherwise.
   */
  pendingExit = Exit.None;
  /** An MMIO store happened: end the block so a stop request is seen promptly. */
  endBlock = false;
  /**
   * FENCE.I ran. The interpreter fetches from RAM every time and needs nothing; a tier that caches
   * translations (the JIT) must drop stale ones before the next fetch, and clears the flag.
   */
  fenceIPending = false;
  /**
   * Some Sdtrig trigger is set to fire on something (triggers.ts keeps it up to date): the
   * interpreter then checks every instruction against the triggers first, and the JIT stays out of
   * compiled code, which does not check them.
   */
  triggersArmed = false;
  /** Non-empty when the hart cannot continue (its trap vector is not executable). */
  fatalMessage = '';
  /** The builtin SBI, when the machine runs with --bios builtin. */
  sbi: SbiHandler | undefined;
  /** With the builtin SBI the machine timer (mtimecmp) is the supervisor's timer: it raises STIP. */
  timerToSupervisor = false;
  /**
   * The last look at the clock for an interrupt check found no timer due (interrupts.ts
   * timersMayBeDue): at instret `timersQuietFrom` (NaN: look next time), with these compare values;
   * `timersQuietChecks` checks have trusted it since.
   */
  timersQuietFrom = NaN;
  timersQuietMtimecmp = NaN;
  timersQuietStimecmp = NaN;
  timersQuietChecks = 0;

  constructor(readonly memory: WebAssembly.Memory, id: number, ramBytes: number, readonly platform: HartPlatform) {
    const buf = memory.buffer as unknown as SharedArrayBuffer;
    this.id = id;
    this.mem = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
    this.i8 = new Int8Array(buf);
    this.u16 = new Uint16Array(buf);
    this.i16 = new Int16Array(buf);
    this.i32 = this.mem;
    this.i64 = new BigInt64Array(buf);
    this.f64 = new Float64Array(buf);
    const base = stateByteBase(id);
    this.state = new Int32Array(buf, base, STATE_BYTES / 4);
    this.r = new Int32Array(buf, base + State.X * 4, 64);
    this.f = new Int32Array(buf, base + State.F * 4, 64);
    this.csr = new Int32Array(buf, base + State.CSR * 4, CSR_SLOTS * 2);
    this.ctl = controlWordBase(id);
    this.fenceWord = this.ctl + Control.FenceScratch;
    const tohostPage = platform.tohost < 0 ? -1 : platform.tohost - (platform.tohost % 4096);
    this.codePages = new CodePages(buf, ramBytes);
    this.mmu = new Mmu(this.mem, ramBytes, tohostPage, id, this.codePages);
    this.extensions = ALL_EXTENSIONS; // and so what the MMU knows of them
  }

  /** Sets a synchronous exception for raise() to take. */
  exception(cause: number, tvalLo: number, tvalHi: number): void {
    this.excPending = true;
    this.excCause = cause;
    this.excTvalLo = tvalLo;
    this.excTvalHi = tvalHi;
  }

  /** Writes a CSR slot as it is, with no access check or WARL rule (csrs.ts applies those). */
  setSlot(s: number, lo: number, hi: number): void {
    this.csr[s * 2] = lo;
    this.csr[s * 2 + 1] = hi;
  }

  mstatusLo(): number {
    return this.csr[Slot.Mstatus * 2];
  }

  /** Privilege that data accesses use: MPRV in M-mode borrows MPP's. */
  dataPriv(): number {
    const status = this.csr[Slot.Mstatus * 2];
    return this.priv === 3 && (status & Mstatus.MPRV) !== 0 ? (status & Mstatus.MPP) >>> Mstatus.MPP_SHIFT : this.priv;
  }

  /**
   * Recomputes the TLB context tags after the privilege or mstatus changed: data accesses use the
   * effective privilege (MPRV borrows MPP's) with SUM and MXR; fetches the privilege alone.
   */
  updateContext(): void {
    const status = this.csr[Slot.Mstatus * 2];
    this.dataTag = contextTag(this.dataPriv(), status);
    this.fetchTag = contextTag(this.priv, 0);
  }

  /** mstatus.FS: 0 Off (FP instructions and CSRs are illegal), 1 Initial, 2 Clean, 3 Dirty. */
  fpState(): number {
    return (this.csr[Slot.Mstatus * 2] & Mstatus.FS) >>> Mstatus.FS_SHIFT;
  }

  setFsDirty(): void {
    this.csr[Slot.Mstatus * 2] |= Mstatus.FS;
  }

  /** Writes pc, privilege and instret to the state block, for readers on other threads. */
  saveState(): void {
    splitNumber(this.pc);
    this.state[State.PcLo] = out[0];
    this.state[State.PcHi] = out[1];
    this.state[State.Priv] = this.priv;
    splitNumber(this.instret);
    this.state[State.InstretLo] = out[0];
    this.state[State.InstretHi] = out[1];
  }
}

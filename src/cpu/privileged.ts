/**
 * @fileoverview The privileged half of a hart: its state over the shared state block, the CSR file,
 * trap entry and return, interrupts, the slow paths of memory access (translation, misaligned
 * accesses, MMIO, HTIF) and the A extension. The interpreter loop (hart.ts) extends this class.
 */

import { Control, State, controlWordBase, stateByteBase } from '../memory/layout.ts';
import { CsrNum, Mstatus, Slot } from './csr-numbers.ts';
import { Mmu, SatpMode, TLB_MASK, contextTag } from './mmu.ts';
import { CodePages } from '../memory/code-pages.ts';
import { Access, Cause, IRQ_PRIORITY, accessFaultCause } from './trap-causes.ts';
import { out, scratchF64, scratchI32, splitNumber, toBigSigned, fromBig } from './int64.ts';
import { Fpu, type FpHost } from './fpu.ts';
import { MISA_EXTENSIONS, MISA_MXL_HI, TIMER_TICKS_PER_MS } from '../memory/machine-map.ts';
import { IrqBit } from '../memory/irq-bits.ts';

/** What a hart needs from the machine around it. Implemented by the vCPU worker; fakes in tests. */
export interface HartPlatform {
  /** Reads a device register at a guest physical address outside RAM; false if nothing is there. Result in result[0..1]. */
  mmioRead(pa: number, size: number, result: Int32Array): boolean;
  /** Writes a device register; false if nothing is there. */
  mmioWrite(pa: number, size: number, lo: number, hi: number): boolean;
  /** The machine timer (mtime) in ticks of the 10 MHz timebase. */
  mtime(): number;
  /** Guest physical address of HTIF tohost, or -1 when the guest has none. */
  readonly tohost: number;
  /** Called after the guest stores a non-zero value to tohost. */
  tohostWritten(lo: number, hi: number): void;
}

/** Firmware that serves S-mode ECALLs itself (the builtin SBI) instead of letting them trap to M-mode. */
export interface SbiHandler {
  /** Serves the call in a0..a7; returns an SbiAction (0 continue, 1 stop hart, 2 suspend, 3 non-retentive suspend). */
  ecall(hart: Privileged): number;
}

const TWO32 = 4294967296;
/** HARTVM_DEBUG_TRAPS=1 logs every synchronous trap to stderr: a debugging aid for guest and emulator bugs. */
const DEBUG_TRAPS = process.env.HARTVM_DEBUG_TRAPS !== undefined;
/** mstatus.UXL = mstatus.SXL = 2 (64-bit) in bits 35:32. */
const MSTATUS_XL_HI = 0xa;
/** sstatus shows these mstatus fields (SIE, SPIE, UBE, SPP, VS, FS, XS, SUM, MXR) and SD, UXL. */
const SSTATUS_MASK = Mstatus.SIE | Mstatus.SPIE | Mstatus.UBE | Mstatus.SPP | Mstatus.VS | Mstatus.FS |
  Mstatus.XS | Mstatus.SUM | Mstatus.MXR;
const MSTATUS_WRITABLE = Mstatus.SIE | Mstatus.MIE | Mstatus.SPIE | Mstatus.MPIE | Mstatus.SPP | Mstatus.MPP |
  Mstatus.MPRV | Mstatus.SUM | Mstatus.MXR | Mstatus.TVM | Mstatus.TW | Mstatus.TSR;
const SSTATUS_WRITABLE = Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.SUM | Mstatus.MXR;
/** Exceptions that may be delegated: all but ecall from M (11) and the reserved causes. */
const MEDELEG_WRITABLE = 0xb3ff;
/** Only the supervisor interrupts can be delegated to S-mode. */
const MIDELEG_WRITABLE = IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP;
const MIE_WRITABLE = 0xaaa;
/** mip bits software may set directly; MSIP/MTIP/MEIP come from the CLINT and PLIC. */
const MIP_SOFT_WRITABLE = IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP;
/** menvcfg.STCE (bit 63) enables Sstc's stimecmp. */
const STCE_HI = 0x8000_0000 | 0;

export class Privileged implements FpHost {
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
  /** The F and D extensions. */
  readonly fpu: Fpu;
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

  pc = 0;
  priv = 3;
  /** TLB context tags (mmu.ts contextTag) for data accesses and for fetches; see updateContext(). */
  dataTag = 3 << 24;
  fetchTag = 3 << 24;
  instret = 0;
  /** mcycle runs with instret (one instruction per cycle) plus what software wrote to it. */
  private cycleDelta = 0;

  /** A synchronous exception waiting to be taken by raise(). */
  excPending = false;
  excCause = 0;
  excTvalLo = 0;
  excTvalHi = 0;
  /** WFI found nothing pending: the owner should sleep. */
  wfiPending = false;
  /** An MMIO store happened: end the block so a stop request is seen promptly. */
  endBlock = false;
  /** Non-empty when the hart cannot continue (its trap vector is not executable). */
  fatalMessage = '';
  /** The builtin SBI, when the machine runs with --bios builtin. */
  sbi: SbiHandler | undefined;
  /** Set by an SBI hart_stop: the hart leaves its run loop. */
  hsmStopPending = false;
  /** With the builtin SBI the machine timer (mtimecmp) is the supervisor's timer: it raises STIP. */
  timerToSupervisor = false;

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
    this.state = new Int32Array(buf, base, 1024);
    this.r = new Int32Array(buf, base, 64);
    this.f = new Int32Array(buf, base + State.F * 4, 64);
    this.csr = new Int32Array(buf, base + State.CSR * 4, 512);
    this.ctl = controlWordBase(id);
    this.fenceWord = this.ctl + 63;
    const tohostPage = platform.tohost < 0 ? -1 : platform.tohost - (platform.tohost % 4096);
    this.codePages = new CodePages(buf, ramBytes);
    this.mmu = new Mmu(this.mem, ramBytes, tohostPage, id, this.codePages);
    this.fpu = new Fpu(this);
  }

  /** Sets the reset state: pc, privilege, a0 = hartid, a1 = the given value. */
  reset(pc: number, priv: number, a1: number): void {
    this.state.fill(0);
    this.pc = pc;
    this.priv = priv;
    splitNumber(this.id); this.r[20] = out[0]; this.r[21] = out[1];
    splitNumber(a1); this.r[22] = out[0]; this.r[23] = out[1];
    this.mmu.setSatp(0, 0);
    this.updateContext();
  }

  /**
   * What the builtin firmware sets up before any S-mode code runs, as OpenSBI does: every exception
   * but S/M ecalls and all supervisor interrupts delegated to S-mode, counters readable, Sstc enabled.
   */
  setUpForSupervisor(): void {
    this.setSlot(Slot.Medeleg, MEDELEG_WRITABLE & ~(1 << Cause.EcallFromS), 0);
    this.setSlot(Slot.Mideleg, MIDELEG_WRITABLE, 0);
    this.setSlot(Slot.Mcounteren, 7, 0);
    this.setSlot(Slot.Menvcfg, 0, STCE_HI);
    this.setSlot(Slot.Stimecmp, -1, -1);
    // No timer is pending until the kernel asks for one (SBI set_timer or stimecmp).
    Atomics.store(this.mem, this.ctl + Control.MtimecmpLo, -1);
    Atomics.store(this.mem, this.ctl + Control.MtimecmpHi, -1);
    this.timerToSupervisor = true;
  }

  /** Enters S-mode at addr with a0 = hartid, a1 = a1, translation off and interrupts disabled (SBI hart_start). */
  enterSupervisor(addr: number, a1Lo: number, a1Hi: number): void {
    this.pc = addr;
    this.priv = 1;
    this.r.fill(0);
    splitNumber(this.id); this.r[20] = out[0]; this.r[21] = out[1];
    this.r[22] = a1Lo; this.r[23] = a1Hi;
    this.setSlot(Slot.Satp, 0, 0);
    this.mmu.setSatp(0, 0);
    this.setSlot(Slot.Mstatus, this.csr[Slot.Mstatus * 2] & ~Mstatus.SIE, 0);
    this.updateContext();
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

  // ---- exceptions and traps -------------------------------------------------------------------

  exception(cause: number, tvalLo: number, tvalHi: number): void {
    this.excPending = true;
    this.excCause = cause;
    this.excTvalLo = tvalLo;
    this.excTvalHi = tvalHi;
  }

  mstatusLo(): number {
    return this.csr[Slot.Mstatus * 2];
  }

  /** Takes the pending exception at instruction address pc; returns the trap handler's address. */
  raise(pc: number): number {
    this.excPending = false;
    splitNumber(pc);
    const epcLo = out[0], epcHi = out[1];
    const cause = this.excCause;
    if (DEBUG_TRAPS) console.error(`trap cause=${cause} pc=${pc.toString(16)} tval=${hex(this.excTvalLo, this.excTvalHi)} priv=${this.priv} mstatus=${this.csr[0].toString(16)}`);
    // What the previous trap left, in case this one turns out to be its handler failing to fetch.
    const before = this.priv <= 1 && ((this.csr[Slot.Medeleg * 2] >>> cause) & 1) !== 0 ? Slot.Sepc : Slot.Mepc;
    const prevEpcLo = this.csr[before * 2], prevEpcHi = this.csr[before * 2 + 1];
    const prevCause = this.csr[(before + 1) * 2], prevTvalLo = this.csr[(before + 2) * 2], prevTvalHi = this.csr[(before + 2) * 2 + 1];
    const target = this.enterTrap(cause, false, this.excTvalLo, this.excTvalHi, epcLo, epcHi);
    if ((cause === Cause.InstructionAccessFault || cause === Cause.InstructionPageFault) && target === pc && this.fatalMessage === "") {
      this.fatalMessage = `hart ${this.id}: exception ${prevCause} (${causeName(prevCause)}) at pc 0x${hex(prevEpcLo, prevEpcHi)}, ` +
        `tval 0x${hex(prevTvalLo, prevTvalHi)}; its trap vector 0x${hex(epcLo, epcHi)} cannot be fetched ` +
        `(${cause === Cause.InstructionAccessFault ? 'no memory there' : 'page fault'}), so the guest cannot handle the fault`;
    }
    return target;
  }

  /**
   * A jump to an address no JS number holds exactly (beyond ±2^53): nothing can live there, so the
   * fetch faults at once, with the exact address in epc and tval.
   */
  raiseUnreachableTarget(lo: number, hi: number): number {
    const translated = this.priv !== 3 && ((this.csr[Slot.Satp * 2 + 1] >>> 28) as SatpMode) !== SatpMode.Bare;
    return this.enterTrap(translated ? Cause.InstructionPageFault : Cause.InstructionAccessFault, false, lo, hi, lo, hi);
  }

  takeInterrupt(irq: number, pc: number): number {
    splitNumber(pc);
    return this.enterTrap(irq, true, 0, 0, out[0], out[1]);
  }

  /** Trap entry (privileged spec 3.1.6, 4.1.1): picks M or S by delegation, saves state, returns the vector. */
  private enterTrap(cause: number, interrupt: boolean, tvalLo: number, tvalHi: number, epcLo: number, epcHi: number): number {
    const csr = this.csr;
    const deleg = interrupt ? csr[Slot.Mideleg * 2] : csr[Slot.Medeleg * 2];
    const toS = this.priv <= 1 && ((deleg >>> cause) & 1) !== 0;
    let status = csr[Slot.Mstatus * 2];
    let tvecSlot: number;
    if (toS) {
      csr[Slot.Sepc * 2] = epcLo; csr[Slot.Sepc * 2 + 1] = epcHi;
      csr[Slot.Scause * 2] = cause; csr[Slot.Scause * 2 + 1] = interrupt ? 0x8000_0000 | 0 : 0;
      csr[Slot.Stval * 2] = tvalLo; csr[Slot.Stval * 2 + 1] = tvalHi;
      status = (status & ~(Mstatus.SPIE | Mstatus.SPP | Mstatus.SIE)) |
        ((status & Mstatus.SIE) !== 0 ? Mstatus.SPIE : 0) | (this.priv === 1 ? Mstatus.SPP : 0);
      this.priv = 1;
      tvecSlot = Slot.Stvec;
    } else {
      csr[Slot.Mepc * 2] = epcLo; csr[Slot.Mepc * 2 + 1] = epcHi;
      csr[Slot.Mcause * 2] = cause; csr[Slot.Mcause * 2 + 1] = interrupt ? 0x8000_0000 | 0 : 0;
      csr[Slot.Mtval * 2] = tvalLo; csr[Slot.Mtval * 2 + 1] = tvalHi;
      status = (status & ~(Mstatus.MPIE | Mstatus.MPP | Mstatus.MIE)) |
        ((status & Mstatus.MIE) !== 0 ? Mstatus.MPIE : 0) | (this.priv << Mstatus.MPP_SHIFT);
      this.priv = 3;
      tvecSlot = Slot.Mtvec;
    }
    csr[Slot.Mstatus * 2] = status;
    this.updateContext();
    const tvecLo = csr[tvecSlot * 2], tvecHi = csr[tvecSlot * 2 + 1];
    const base = tvecHi * TWO32 + ((tvecLo & ~3) >>> 0);
    return interrupt && (tvecLo & 3) === 1 ? base + 4 * cause : base;
  }

  /** MRET and SRET: restore the interrupted privilege and enable bits, return to xepc. */
  private trapReturn(fromM: boolean): number {
    const csr = this.csr;
    let status = csr[Slot.Mstatus * 2];
    let epcSlot: number;
    if (fromM) {
      this.priv = (status & Mstatus.MPP) >>> Mstatus.MPP_SHIFT;
      status = (status & ~(Mstatus.MIE | Mstatus.MPP)) | Mstatus.MPIE | ((status & Mstatus.MPIE) !== 0 ? Mstatus.MIE : 0);
      epcSlot = Slot.Mepc;
    } else {
      this.priv = (status & Mstatus.SPP) !== 0 ? 1 : 0;
      status = (status & ~(Mstatus.SIE | Mstatus.SPP)) | Mstatus.SPIE | ((status & Mstatus.SPIE) !== 0 ? Mstatus.SIE : 0);
      epcSlot = Slot.Sepc;
    }
    if (this.priv !== 3) status &= ~Mstatus.MPRV;
    csr[Slot.Mstatus * 2] = status;
    this.updateContext();
    const lo = csr[epcSlot * 2], hi = csr[epcSlot * 2 + 1];
    const top = hi >> 21;
    if (top !== 0 && top !== -1) return this.raiseUnreachableTarget(lo, hi);
    return hi * TWO32 + (lo >>> 0);
  }

  // ---- interrupts --------------------------------------------------------------------------------

  private mtimecmp(): number {
    const hi = this.mem[this.ctl + Control.MtimecmpHi] >>> 0;
    return hi * TWO32 + (this.mem[this.ctl + Control.MtimecmpLo] >>> 0);
  }

  /** mip as the guest sees it: software bits, bits raised by other threads, and the timers. */
  readMip(withTimers: boolean): number {
    const csr = this.csr;
    let mip = csr[Slot.Mip * 2] | Atomics.load(this.mem, this.ctl + Control.PendingIrq);
    if (withTimers) {
      const now = this.platform.mtime();
      const sstc = this.sstcEnabled();
      // With Sstc on, STIP is stimecmp's alone; the SBI timer (mtimecmp -> STIP) then stands aside.
      if (!(this.timerToSupervisor && sstc) && now >= this.mtimecmp()) {
        mip |= this.timerToSupervisor ? IrqBit.STIP : IrqBit.MTIP;
      }
      if (sstc) mip = (mip & ~IrqBit.STIP) | (now >= this.stimecmp() ? IrqBit.STIP : 0);
    }
    return mip;
  }

  setStimecmp(lo: number, hi: number): void {
    this.setSlot(Slot.Stimecmp, lo, hi);
  }

  sstcEnabled(): boolean {
    return (this.csr[Slot.Menvcfg * 2 + 1] & STCE_HI) !== 0;
  }

  private stimecmp(): number {
    return (this.csr[Slot.Stimecmp * 2 + 1] >>> 0) * TWO32 + (this.csr[Slot.Stimecmp * 2] >>> 0);
  }

  /** The highest-priority interrupt that is pending and enabled at the current privilege, or -1. */
  pendingInterrupt(): number {
    const csr = this.csr;
    const mie = csr[Slot.Mie * 2];
    if (mie === 0) return -1;
    const pending = this.readMip((mie & (IrqBit.MTIP | IrqBit.STIP)) !== 0) & mie;
    if (pending === 0) return -1;
    const status = csr[Slot.Mstatus * 2];
    const mideleg = csr[Slot.Mideleg * 2];
    const mEnabled = this.priv < 3 || (status & Mstatus.MIE) !== 0;
    const sEnabled = this.priv < 1 || (this.priv === 1 && (status & Mstatus.SIE) !== 0);
    const candidates = (mEnabled ? pending & ~mideleg : 0) | (sEnabled ? pending & mideleg : 0);
    if (candidates === 0) return -1;
    // M-level interrupts outrank S-level ones; within a level, the spec's fixed order.
    const mLevel = candidates & ~mideleg;
    const pick = mLevel !== 0 ? mLevel : candidates;
    for (const irq of IRQ_PRIORITY) if ((pick >>> irq) & 1) return irq;
    return -1;
  }

  /** True when WFI may complete at once: some interrupt is pending and locally enabled in mie. */
  interruptWaiting(): boolean {
    const mie = this.csr[Slot.Mie * 2];
    return (this.readMip(true) & mie) !== 0;
  }

  /** Milliseconds until the earliest armed timer fires (Infinity when none is armed). */
  msUntilTimer(): number {
    const mie = this.csr[Slot.Mie * 2];
    const sstc = this.sstcEnabled();
    let deadline = Infinity;
    if (this.timerToSupervisor) {
      if (!sstc && (mie & IrqBit.STIP) !== 0) deadline = this.mtimecmp();
    } else if ((mie & IrqBit.MTIP) !== 0) {
      deadline = this.mtimecmp();
    }
    if (sstc && (mie & IrqBit.STIP) !== 0) deadline = Math.min(deadline, this.stimecmp());
    if (deadline === Infinity) return Infinity;
    return Math.max(0, (deadline - this.platform.mtime()) / TIMER_TICKS_PER_MS);
  }

  // ---- SYSTEM ------------------------------------------------------------------------------------

  /** ECALL, EBREAK, xRET, WFI, SFENCE.VMA and the CSR instructions. Returns the next pc. */
  system(inst: number, pc: number, ilen: number): number {
    const f3 = (inst >> 12) & 7;
    const status = this.csr[Slot.Mstatus * 2];
    if (f3 === 0) {
      switch (inst) {
        case 0x00000073: // ECALL
          if (this.priv === 1 && this.sbi !== undefined) return this.sbiCall(pc, ilen);
          this.exception(this.priv === 0 ? Cause.EcallFromU : this.priv === 1 ? Cause.EcallFromS : Cause.EcallFromM, 0, 0);
          return pc;
        case 0x00100073: // EBREAK: tval may be 0 or the pc; 0, as QEMU writes
          this.exception(Cause.Breakpoint, 0, 0);
          return pc;
        case 0x30200073: // MRET
          if (this.priv !== 3) break;
          return this.trapReturn(true);
        case 0x10200073: // SRET
          if (this.priv === 0 || (this.priv === 1 && (status & Mstatus.TSR) !== 0)) break;
          return this.trapReturn(false);
        case 0x10500073: // WFI
          if (this.priv === 0 || (this.priv === 1 && (status & Mstatus.TW) !== 0)) break;
          if (!this.interruptWaiting()) this.wfiPending = true;
          return pc + ilen;
        default:
          if ((inst & 0xfe007fff) === 0x12000073) { // SFENCE.VMA
            if (this.priv === 0 || (this.priv === 1 && (status & Mstatus.TVM) !== 0)) break;
            const rs1 = (inst >> 15) & 31;
            if (rs1 === 0) this.mmu.flush();
            else this.mmu.flushPage(this.r[rs1 * 2], this.r[rs1 * 2 + 1]);
            return pc + ilen;
          }
      }
      this.exception(Cause.IllegalInstruction, inst, 0);
      return pc;
    }
    if (f3 === 4) { this.exception(Cause.IllegalInstruction, inst, 0); return pc; }

    // Zicsr: CSRRW/S/C and their immediate forms.
    const csrNum = inst >>> 20;
    const src = (inst >> 15) & 31;
    const rd = (inst >> 7) & 31;
    const op = f3 & 3;
    const writes = op === 1 || src !== 0;
    if (((csrNum >> 8) & 3) > this.priv || (writes && (csrNum >>> 10) === 3) || !this.csrRead(csrNum)) {
      this.exception(Cause.IllegalInstruction, inst, 0);
      return pc;
    }
    const oldLo = out[0], oldHi = out[1];
    if (writes) {
      const sLo = (f3 & 4) !== 0 ? src : this.r[src * 2];
      const sHi = (f3 & 4) !== 0 ? 0 : this.r[src * 2 + 1];
      // In mip/sip, a read shows the software bits ORed with the interrupt controller's and timers'
      // signals, but only the software bits take part in CSRRS/CSRRC's read-modify-write (privileged
      // spec, mip): otherwise `csrs mip, SSIP` would latch a momentary SEIP for good.
      const rmwLo = csrNum === CsrNum.Mip || csrNum === CsrNum.Sip ? this.csr[Slot.Mip * 2] : oldLo;
      const newLo = op === 1 ? sLo : op === 2 ? rmwLo | sLo : rmwLo & ~sLo;
      const newHi = op === 1 ? sHi : op === 2 ? oldHi | sHi : oldHi & ~sHi;
      this.csrWrite(csrNum, newLo, newHi);
    }
    if (rd !== 0) { this.r[rd * 2] = oldLo; this.r[rd * 2 + 1] = oldHi; }
    return pc + ilen;
  }

  private sbiCall(pc: number, ilen: number): number {
    const action = this.sbi!.ecall(this);
    if (action === 1) this.hsmStopPending = true;
    else if (action >= 2) this.wfiPending = true; // suspend: sleep until an interrupt is pending
    return pc + ilen;
  }

  /**
   * Counter CSRs in S and U mode are gated by mcounteren and scounteren (one bit per counter). Under
   * the builtin firmware, reads the enables refuse are served anyway: SBI firmware (OpenSBI) keeps
   * illegal-instruction traps in M-mode and emulates cycle/time/instret reads there, and Linux's vDSO
   * relies on it (it reads `time` from U-mode with scounteren clear unless a PMU driver set it).
   */
  private counterAllowed(index: number): boolean {
    if (this.priv === 3) return true;
    if (this.sbi !== undefined && index <= 2) return true;
    if (((this.csr[Slot.Mcounteren * 2] >>> index) & 1) === 0) return false;
    return this.priv === 1 || ((this.csr[Slot.Scounteren * 2] >>> index) & 1) !== 0;
  }

  private slot(s: number): boolean {
    out[0] = this.csr[s * 2];
    out[1] = this.csr[s * 2 + 1];
    return true;
  }

  private value(lo: number, hi: number): boolean {
    out[0] = lo;
    out[1] = hi;
    return true;
  }

  /** Reads a CSR into out; false when it does not exist or may not be accessed now. */
  protected csrRead(n: number): boolean {
    const csr = this.csr;
    const status = csr[Slot.Mstatus * 2];
    const sd = (status & Mstatus.FS) === Mstatus.FS || (status & Mstatus.XS) === Mstatus.XS ? 0x8000_0000 | 0 : 0;
    switch (n) {
      case CsrNum.Fflags: case CsrNum.Frm: case CsrNum.Fcsr: return this.fpCsrRead(n);
      case CsrNum.Sstatus: return this.value(status & SSTATUS_MASK, (MSTATUS_XL_HI & 3) | sd);
      case CsrNum.Sie: return this.value(csr[Slot.Mie * 2] & csr[Slot.Mideleg * 2], 0);
      case CsrNum.Sip: return this.value(this.readMip(true) & csr[Slot.Mideleg * 2], 0);
      case CsrNum.Stvec: return this.slot(Slot.Stvec);
      case CsrNum.Scounteren: return this.slot(Slot.Scounteren);
      case CsrNum.Senvcfg: return this.slot(Slot.Senvcfg);
      case CsrNum.Sscratch: return this.slot(Slot.Sscratch);
      case CsrNum.Sepc: return this.slot(Slot.Sepc);
      case CsrNum.Scause: return this.slot(Slot.Scause);
      case CsrNum.Stval: return this.slot(Slot.Stval);
      case CsrNum.Stimecmp:
        if (this.priv < 3 && ((csr[Slot.Menvcfg * 2 + 1] & STCE_HI) === 0 || !this.counterAllowed(1))) return false;
        return this.slot(Slot.Stimecmp);
      case CsrNum.Satp:
        if (this.priv === 1 && (status & Mstatus.TVM) !== 0) return false;
        return this.slot(Slot.Satp);
      case CsrNum.Mstatus: return this.value(status, MSTATUS_XL_HI | sd);
      case CsrNum.Misa: return this.value(MISA_EXTENSIONS, MISA_MXL_HI);
      case CsrNum.Medeleg: return this.slot(Slot.Medeleg);
      case CsrNum.Mideleg: return this.slot(Slot.Mideleg);
      case CsrNum.Mie: return this.slot(Slot.Mie);
      case CsrNum.Mtvec: return this.slot(Slot.Mtvec);
      case CsrNum.Mcounteren: return this.slot(Slot.Mcounteren);
      case CsrNum.Menvcfg: return this.slot(Slot.Menvcfg);
      case CsrNum.Mcountinhibit: return this.slot(Slot.Mcountinhibit);
      case CsrNum.Mscratch: return this.slot(Slot.Mscratch);
      case CsrNum.Mepc: return this.slot(Slot.Mepc);
      case CsrNum.Mcause: return this.slot(Slot.Mcause);
      case CsrNum.Mtval: return this.slot(Slot.Mtval);
      case CsrNum.Mip: return this.value(this.readMip(true), 0);
      case CsrNum.Mcycle: splitNumber(this.instret + this.cycleDelta); return true;
      case CsrNum.Minstret: splitNumber(this.instret); return true;
      case CsrNum.Mvendorid: case CsrNum.Marchid: case CsrNum.Mimpid: case CsrNum.Mconfigptr: return this.value(0, 0);
      case CsrNum.Mhartid: return this.value(this.id, 0);
      case CsrNum.Cycle:
        if (!this.counterAllowed(0)) return false;
        splitNumber(this.instret + this.cycleDelta); return true;
      case CsrNum.Time:
        if (!this.counterAllowed(1)) return false;
        splitNumber(this.platform.mtime()); return true;
      case CsrNum.Instret:
        if (!this.counterAllowed(2)) return false;
        splitNumber(this.instret); return true;
    }
    if (n >= CsrNum.Pmpcfg0 && n <= CsrNum.Pmpcfg15) {
      if ((n & 1) !== 0) return false; // RV64 has only the even pmpcfg registers
      return this.slot(Slot.Pmpcfg0 + ((n - CsrNum.Pmpcfg0) >> 1));
    }
    if (n >= CsrNum.Pmpaddr0 && n <= CsrNum.Pmpaddr63) return this.slot(Slot.Pmpaddr0 + (n - CsrNum.Pmpaddr0));
    // Unimplemented hardware performance monitors read as zero and ignore writes.
    if ((n >= CsrNum.Mhpmcounter3 && n <= CsrNum.Mhpmcounter31) || (n >= CsrNum.Mhpmevent3 && n <= CsrNum.Mhpmevent31)) {
      return this.value(0, 0);
    }
    if (n >= CsrNum.Hpmcounter3 && n <= CsrNum.Hpmcounter31) {
      return this.counterAllowed(n - CsrNum.Cycle) ? this.value(0, 0) : false;
    }
    return false;
  }

  private setSlot(s: number, lo: number, hi: number): void {
    this.csr[s * 2] = lo;
    this.csr[s * 2 + 1] = hi;
  }

  /** An xtvec write: mode 0 (direct) and 1 (vectored) are legal; a reserved mode keeps the old mode. */
  private writeTvec(s: number, lo: number, hi: number): void {
    const mode = (lo & 3) <= 1 ? lo & 3 : this.csr[s * 2] & 3;
    this.setSlot(s, (lo & ~3) | mode, hi);
  }

  /** Writes a CSR whose access csrRead has already allowed. WARL fields keep legal values. */
  protected csrWrite(n: number, lo: number, hi: number): void {
    const csr = this.csr;
    const status = csr[Slot.Mstatus * 2];
    switch (n) {
      case CsrNum.Fflags: case CsrNum.Frm: case CsrNum.Fcsr: this.fpCsrWrite(n, lo); return;
      case CsrNum.Sstatus: {
        const writable = SSTATUS_WRITABLE | (this.fpPresent() ? Mstatus.FS : 0);
        this.setSlot(Slot.Mstatus, (status & ~writable) | (lo & writable), 0);
        this.updateContext();
        return;
      }
      case CsrNum.Sie: {
        const mask = csr[Slot.Mideleg * 2];
        this.setSlot(Slot.Mie, (csr[Slot.Mie * 2] & ~mask) | (lo & mask), 0);
        return;
      }
      case CsrNum.Sip: {
        const mask = csr[Slot.Mideleg * 2] & IrqBit.SSIP;
        this.setSlot(Slot.Mip, (csr[Slot.Mip * 2] & ~mask) | (lo & mask), 0);
        this.clearRoutedSoftBits(mask & ~lo);
        return;
      }
      case CsrNum.Stvec: this.writeTvec(Slot.Stvec, lo, hi); return;
      case CsrNum.Scounteren: this.setSlot(Slot.Scounteren, lo, 0); return;
      case CsrNum.Senvcfg: this.setSlot(Slot.Senvcfg, lo & 1, 0); return; // FIOM only
      case CsrNum.Sscratch: this.setSlot(Slot.Sscratch, lo, hi); return;
      case CsrNum.Sepc: this.setSlot(Slot.Sepc, lo & ~1, hi); return;
      case CsrNum.Scause: this.setSlot(Slot.Scause, lo, hi); return;
      case CsrNum.Stval: this.setSlot(Slot.Stval, lo, hi); return;
      case CsrNum.Stimecmp: this.setSlot(Slot.Stimecmp, lo, hi); return;
      case CsrNum.Satp: {
        const mode = hi >>> 28;
        // Linux probes paging modes by writing satp and reading it back: an unsupported mode is not written.
        if (mode !== SatpMode.Bare && mode !== SatpMode.Sv39 && mode !== SatpMode.Sv48) return;
        this.setSlot(Slot.Satp, lo, hi);
        this.mmu.setSatp(lo, hi);
        return;
      }
      case CsrNum.Mstatus: {
        let writable = MSTATUS_WRITABLE | (this.fpPresent() ? Mstatus.FS : 0);
        if (((lo & Mstatus.MPP) >>> Mstatus.MPP_SHIFT) === 2) writable &= ~Mstatus.MPP; // MPP=2 is reserved
        this.setSlot(Slot.Mstatus, (status & ~writable) | (lo & writable), 0);
        this.updateContext();
        return;
      }
      case CsrNum.Misa: return; // fixed: extensions cannot be switched off
      case CsrNum.Medeleg: this.setSlot(Slot.Medeleg, lo & MEDELEG_WRITABLE, 0); return;
      case CsrNum.Mideleg: this.setSlot(Slot.Mideleg, lo & MIDELEG_WRITABLE, 0); return;
      case CsrNum.Mie: this.setSlot(Slot.Mie, lo & MIE_WRITABLE, 0); return;
      case CsrNum.Mtvec: this.writeTvec(Slot.Mtvec, lo, hi); return;
      case CsrNum.Mcounteren: this.setSlot(Slot.Mcounteren, lo, 0); return;
      case CsrNum.Menvcfg: this.setSlot(Slot.Menvcfg, lo & 1, hi & STCE_HI); return; // FIOM, STCE
      case CsrNum.Mcountinhibit: this.setSlot(Slot.Mcountinhibit, lo & ~2, 0); return;
      case CsrNum.Mscratch: this.setSlot(Slot.Mscratch, lo, hi); return;
      case CsrNum.Mepc: this.setSlot(Slot.Mepc, lo & ~1, hi); return;
      case CsrNum.Mcause: this.setSlot(Slot.Mcause, lo, hi); return;
      case CsrNum.Mtval: this.setSlot(Slot.Mtval, lo, hi); return;
      case CsrNum.Mip: {
        let writable = MIP_SOFT_WRITABLE;
        if ((csr[Slot.Menvcfg * 2 + 1] & STCE_HI) !== 0) writable &= ~IrqBit.STIP; // Sstc drives STIP
        this.setSlot(Slot.Mip, (csr[Slot.Mip * 2] & ~writable) | (lo & writable), 0);
        this.clearRoutedSoftBits(IrqBit.SSIP & ~lo);
        return;
      }
      // The counter write takes effect after this instruction retires, which adds one.
      case CsrNum.Mcycle: this.cycleDelta = (hi * TWO32 + (lo >>> 0)) - this.instret - 1; return;
      case CsrNum.Minstret: this.instret = (hi * TWO32 + (lo >>> 0)) - 1; return;
    }
    if (n >= CsrNum.Pmpcfg0 && n <= CsrNum.Pmpcfg15) {
      this.setSlot(Slot.Pmpcfg0 + ((n - CsrNum.Pmpcfg0) >> 1), lo, hi);
    } else if (n >= CsrNum.Pmpaddr0 && n <= CsrNum.Pmpaddr63) {
      this.setSlot(Slot.Pmpaddr0 + (n - CsrNum.Pmpaddr0), lo, hi & 0x3fffff); // 54 bits
    }
  }

  /**
   * An SBI IPI raises SSIP in the shared pending word; when the guest clears sip.SSIP it acknowledges
   * that IPI, so the routed bit must drop too or the interrupt would fire forever.
   */
  private clearRoutedSoftBits(bits: number): void {
    if (bits !== 0) Atomics.and(this.mem, this.ctl + Control.PendingIrq, ~bits);
  }

  /** mstatus.FS: 0 Off (FP instructions and CSRs are illegal), 1 Initial, 2 Clean, 3 Dirty. */
  fpState(): number {
    return (this.csr[Slot.Mstatus * 2] & Mstatus.FS) >>> Mstatus.FS_SHIFT;
  }

  setFsDirty(): void {
    this.csr[Slot.Mstatus * 2] |= Mstatus.FS;
  }

  private fpCsrRead(n: number): boolean {
    if (this.fpState() === 0) return false;
    return this.value(this.fpu.readCsr(n), 0);
  }

  private fpCsrWrite(n: number, lo: number): void {
    this.fpu.writeCsr(n, lo);
    this.setFsDirty();
  }

  private fpPresent(): boolean {
    return true;
  }

  // ---- memory slow paths -------------------------------------------------------------------------

  /** Privilege that data accesses use: MPRV in M-mode borrows MPP's. */
  dataPriv(): number {
    const status = this.csr[Slot.Mstatus * 2];
    return this.priv === 3 && (status & Mstatus.MPRV) !== 0 ? (status & Mstatus.MPP) >>> Mstatus.MPP_SHIFT : this.priv;
  }

  private translateData(lo: number, hi: number, access: Access): number {
    const pa = this.mmu.translate(lo, hi, access, this.dataPriv(), this.csr[Slot.Mstatus * 2]);
    if (pa < 0) this.exception(this.mmu.faultCause, lo, hi);
    return pa;
  }

  /** One byte (misaligned accesses are done a byte at a time); -1 after raising a fault. */
  private loadByte(lo: number, hi: number, tLo: number, tHi: number): number {
    const pa = this.translateData(lo, hi, Access.Load);
    if (pa < 0) { this.excTvalLo = tLo; this.excTvalHi = tHi; return -1; } // report the access's own address
    if (this.mmu.isRam(pa, 1)) return this.u8[this.mmu.hostOf(pa)];
    if (!this.platform.mmioRead(pa, 1, out)) { this.exception(Cause.LoadAccessFault, tLo, tHi); return -1; }
    return out[0] & 0xff;
  }

  /**
   * Loads that missed the TLB: translation, TLB fill, MMIO and misaligned accesses (done byte by byte,
   * as QEMU does, rather than trapping). Result in out, extended as funct3 says; false after a fault.
   */
  loadSlow(lo: number, hi: number, f3: number): boolean {
    const size = 1 << (f3 & 3);
    let vlo = 0, vhi = 0;
    if ((lo & (size - 1)) !== 0) {
      for (let i = size - 1; i >= 0; i--) {
        const blo = (lo + i) | 0, bhi = (hi + ((blo >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
        const b = this.loadByte(blo, bhi, lo, hi);
        if (b < 0) return false;
        vhi = (vhi << 8) | (vlo >>> 24);
        vlo = (vlo << 8) | b;
      }
    } else {
      // The FPU's loads and the JIT's misses come here first: a TLB hit spares the page walk.
      const tlb = this.mmu.tlbs[Access.Load], t = (lo >>> 12) & TLB_MASK;
      const hit = tlb.tags[2 * t] === (lo & -4096) && tlb.tags[2 * t + 1] === (hi ^ this.dataTag);
      const pa = hit ? 0 : this.translateData(lo, hi, Access.Load);
      if (pa < 0) return false;
      if (hit || this.mmu.isRam(pa, size)) {
        if (!hit) this.mmu.fill(Access.Load, lo, hi, pa, this.dataTag);
        const h = hit ? (tlb.host[t] >>> 0) + (lo & 0xfff) : this.mmu.hostOf(pa);
        switch (size) {
          case 1: vlo = this.u8[h]; break;
          case 2: vlo = this.u16[h >>> 1]; break;
          case 4: vlo = this.i32[h >>> 2]; break;
          default: scratchF64[0] = this.f64[h >>> 3]; vlo = scratchI32[0]; vhi = scratchI32[1]; break;
        }
      } else {
        if (!this.platform.mmioRead(pa, size, out)) { this.exception(Cause.LoadAccessFault, lo, hi); return false; }
        vlo = out[0]; vhi = size === 8 ? out[1] : 0;
      }
    }
    // Extend: f3 0..3 are signed (LB, LH, LW, LD), 4..6 unsigned.
    switch (f3) {
      case 0: vlo = (vlo << 24) >> 24; vhi = vlo >> 31; break;
      case 1: vlo = (vlo << 16) >> 16; vhi = vlo >> 31; break;
      case 2: vhi = vlo >> 31; break;
      case 4: vlo &= 0xff; vhi = 0; break;
      case 5: vlo &= 0xffff; vhi = 0; break;
      case 6: vhi = 0; break;
    }
    out[0] = vlo; out[1] = vhi;
    return true;
  }

  /** Stores that missed the TLB: like loadSlow. Misaligned stores translate every byte before writing any. */
  storeSlow(lo: number, hi: number, f3: number, vlo: number, vhi: number): boolean {
    const size = 1 << f3;
    if ((lo & (size - 1)) !== 0) {
      const pas: number[] = [];
      for (let i = 0; i < size; i++) {
        const blo = (lo + i) | 0, bhi = (hi + ((blo >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
        const pa = this.translateData(blo, bhi, Access.Store);
        if (pa < 0) { this.excTvalLo = lo; this.excTvalHi = hi; return false; }
        pas.push(pa);
      }
      for (let i = 0; i < size; i++) {
        const b = (i < 4 ? vlo >>> (8 * i) : vhi >>> (8 * (i - 4))) & 0xff;
        if (!this.storePhysical(pas[i], 1, b, 0, lo, hi)) return false;
      }
      return true;
    }
    const tlb = this.mmu.tlbs[Access.Store], t = (lo >>> 12) & TLB_MASK;
    if (tlb.tags[2 * t] === (lo & -4096) && tlb.tags[2 * t + 1] === (hi ^ this.dataTag)) {
      // A store TLB hit (the FPU's stores come here): RAM with no translated code and no HTIF.
      const h = (tlb.host[t] >>> 0) + (lo & 0xfff);
      switch (size) {
        case 1: this.u8[h] = vlo; break;
        case 2: this.u16[h >>> 1] = vlo; break;
        case 4: this.i32[h >>> 2] = vlo; break;
        default: scratchI32[0] = vlo; scratchI32[1] = vhi; this.f64[h >>> 3] = scratchF64[0]; break;
      }
      return true;
    }
    const pa = this.translateData(lo, hi, Access.Store);
    if (pa < 0) return false;
    if (this.mmu.isRam(pa, size)) this.mmu.fill(Access.Store, lo, hi, pa, this.dataTag);
    return this.storePhysical(pa, size, vlo, vhi, lo, hi);
  }

  private storePhysical(pa: number, size: number, vlo: number, vhi: number, tLo: number, tHi: number): boolean {
    if (this.mmu.isRam(pa, size)) {
      const h = this.mmu.hostOf(pa);
      switch (size) {
        case 1: this.u8[h] = vlo; break;
        case 2: this.u16[h >>> 1] = vlo; break;
        case 4: this.i32[h >>> 2] = vlo; break;
        default: scratchI32[0] = vlo; scratchI32[1] = vhi; this.f64[h >>> 3] = scratchF64[0]; break;
      }
      this.codePages.noteWrite(pa, size);
      const tohost = this.platform.tohost;
      if (tohost >= 0 && pa < tohost + 8 && pa + size > tohost) {
        const t = this.mmu.hostOf(tohost) >>> 2;
        const tlo = this.i32[t], thi = this.i32[t + 1];
        if ((tlo | thi) !== 0) { this.platform.tohostWritten(tlo, thi); this.endBlock = true; }
      }
      return true;
    }
    if (!this.platform.mmioWrite(pa, size, vlo, vhi)) { this.exception(Cause.StoreAccessFault, tLo, tHi); return false; }
    this.endBlock = true;
    return true;
  }

  // ---- A extension -------------------------------------------------------------------------------

  /**
   * LR/SC and AMOs. AMOs map to Atomics on the shared buffer, so they are atomic against every other
   * hart's thread. SC is a compare-exchange against the value LR loaded: it succeeds if the word
   * still holds that value, so an ABA change by another hart between LR and SC goes unnoticed (the
   * choice QEMU and RVVM make; RVWMO-visible only to code that relies on LR/SC detecting ABA).
   */
  atomic(inst: number): boolean {
    const f3 = (inst >> 12) & 7;
    const f5 = inst >>> 27;
    const rd = (inst >> 7) & 31, rs1 = (inst >> 15) & 31, rs2 = (inst >> 20) & 31;
    const isLr = f5 === 0x02;
    if ((f3 !== 2 && f3 !== 3) || (isLr && rs2 !== 0) || !isAmoFunct(f5)) {
      this.exception(Cause.IllegalInstruction, inst, 0);
      return false;
    }
    const size = f3 === 2 ? 4 : 8;
    const lo = this.r[rs1 * 2], hi = this.r[rs1 * 2 + 1];
    const access = isLr ? Access.Load : Access.Store;
    if ((lo & (size - 1)) !== 0) {
      this.exception(isLr ? Cause.LoadMisaligned : Cause.StoreMisaligned, lo, hi);
      return false;
    }
    const pa = this.translateData(lo, hi, access);
    if (pa < 0) return false;
    if (!this.mmu.isRam(pa, size)) { // no atomics on devices
      this.exception(accessFaultCause(access), lo, hi);
      return false;
    }
    const host = this.mmu.hostOf(pa);
    const st = this.state;
    let rlo: number, rhi: number;
    if (size === 4) {
      const i = host >>> 2;
      const b = this.r[rs2 * 2];
      let old: number;
      switch (f5) {
        case 0x02: old = Atomics.load(this.i32, i); st[State.ResValid] = 4; st[State.ResAddr] = host; st[State.ResValLo] = old; break;
        case 0x03: {
          const ok = st[State.ResValid] === 4 && st[State.ResAddr] === (host | 0) &&
            Atomics.compareExchange(this.i32, i, st[State.ResValLo], b) === st[State.ResValLo];
          st[State.ResValid] = 0;
          old = ok ? 0 : 1;
          break;
        }
        case 0x01: old = Atomics.exchange(this.i32, i, b); break;
        case 0x00: old = Atomics.add(this.i32, i, b); break;
        case 0x04: old = Atomics.xor(this.i32, i, b); break;
        case 0x0c: old = Atomics.and(this.i32, i, b); break;
        case 0x08: old = Atomics.or(this.i32, i, b); break;
        default: {
          for (;;) {
            old = Atomics.load(this.i32, i);
            const next = pickMinMax32(f5, old, b);
            if (Atomics.compareExchange(this.i32, i, old, next) === old) break;
          }
        }
      }
      rlo = old; rhi = old >> 31;
    } else {
      const i = host >>> 3;
      const b = toBigSigned(this.r[rs2 * 2], this.r[rs2 * 2 + 1]);
      let old: bigint;
      switch (f5) {
        case 0x02:
          old = Atomics.load(this.i64, i);
          fromBig(old);
          st[State.ResValid] = 8; st[State.ResAddr] = host; st[State.ResValLo] = out[0]; st[State.ResValHi] = out[1];
          break;
        case 0x03: {
          const expected = toBigSigned(st[State.ResValLo], st[State.ResValHi]);
          const ok = st[State.ResValid] === 8 && st[State.ResAddr] === (host | 0) &&
            Atomics.compareExchange(this.i64, i, expected, b) === expected;
          st[State.ResValid] = 0;
          old = ok ? 0n : 1n;
          break;
        }
        case 0x01: old = Atomics.exchange(this.i64, i, b); break;
        case 0x00: old = Atomics.add(this.i64, i, b); break;
        case 0x04: old = Atomics.xor(this.i64, i, b); break;
        case 0x0c: old = Atomics.and(this.i64, i, b); break;
        case 0x08: old = Atomics.or(this.i64, i, b); break;
        default: {
          for (;;) {
            old = Atomics.load(this.i64, i);
            const next = pickMinMax64(f5, old, b);
            if (Atomics.compareExchange(this.i64, i, old, next) === old) break;
          }
        }
      }
      fromBig(old);
      rlo = out[0]; rhi = out[1];
    }
    if (rd !== 0) { this.r[rd * 2] = rlo; this.r[rd * 2 + 1] = rhi; }
    if (!isLr) this.codePages.noteWrite(pa, size);
    return true;
  }

}

function isAmoFunct(f5: number): boolean {
  switch (f5) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x08: case 0x0c:
    case 0x10: case 0x14: case 0x18: case 0x1c: return true;
    default: return false;
  }
}

/** AMOMIN (0x10), AMOMAX (0x14), AMOMINU (0x18), AMOMAXU (0x1c) on 32-bit words. */
function pickMinMax32(f5: number, a: number, b: number): number {
  switch (f5) {
    case 0x10: return a < b ? a : b;
    case 0x14: return a > b ? a : b;
    case 0x18: return (a >>> 0) < (b >>> 0) ? a : b;
    default: return (a >>> 0) > (b >>> 0) ? a : b;
  }
}

function pickMinMax64(f5: number, a: bigint, b: bigint): bigint {
  switch (f5) {
    case 0x10: return a < b ? a : b;
    case 0x14: return a > b ? a : b;
    case 0x18: return BigInt.asUintN(64, a) < BigInt.asUintN(64, b) ? a : b;
    default: return BigInt.asUintN(64, a) > BigInt.asUintN(64, b) ? a : b;
  }
}

const CAUSE_NAMES: Record<number, string> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction', 3: 'breakpoint',
  4: 'load address misaligned', 5: 'load access fault', 6: 'store/AMO address misaligned', 7: 'store/AMO access fault',
  8: 'ecall from U-mode', 9: 'ecall from S-mode', 11: 'ecall from M-mode', 12: 'instruction page fault',
  13: 'load page fault', 15: 'store/AMO page fault',
};

export function causeName(cause: number): string {
  return CAUSE_NAMES[cause] ?? 'reserved cause';
}

export function hex(lo: number, hi: number): string {
  return ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString(16);
}

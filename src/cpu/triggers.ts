/**
 * @fileoverview Sdtrig, the trigger module of the RISC-V Debug Specification (chapter "Sdtrig"):
 * TRIGGERS address triggers, each an mcontrol6 (type 6) or the older mcontrol (type 2), that raise a
 * breakpoint exception (cause 3) just before an instruction runs whose address, or whose load or
 * store address, matches; and their CSRs tselect, tdata1, tdata2, tdata3, tinfo and tcontrol.
 *
 * Every tdata field is WARL, and this module keeps what the spec requires plus what costs little:
 *   - compare values are addresses (select 0), of an access of any size (size 0): for a load or store
 *     every byte it touches (the spec's recommendation), for execution the instruction's address;
 *   - match 0 (equal), 2 (greater or equal) and 3 (less than), unsigned;
 *   - action 0 only (there is no Debug Mode); timing "before": the instruction does nothing, its
 *     address goes to xepc and the matched access's address to xtval (the pc for execution);
 *   - no chains, no hit bits, no textra (tdata3 reads 0).
 * A configuration outside that reads back as a disabled trigger (type 15), so a debugger sees at once
 * that it did not stick, as the spec asks of tdata writes.
 *
 * Reentrancy (spec, "Native Triggers"): a breakpoint taken in the mode that handles it would clobber
 * the handler's xepc. In M-mode triggers fire only while tcontrol.MTE is set, which every trap into
 * M-mode clears (saving it in MPTE) and MRET restores: the spec's second solution, the one the
 * riscv-tests breakpoint test relies on. That solution also asks for medeleg[3] hard-wired to 0,
 * which would break the SBI firmware and Linux, which delegate breakpoints; so S-mode takes the
 * first solution instead: with medeleg[3] set, triggers fire there only while sstatus.SIE is set.
 *
 * Cost: none while no trigger is armed. h.triggersArmed, recomputed on tdata1 writes and at reset,
 * makes the interpreter step one instruction at a time, asking triggerFires() before each, and keeps
 * the JIT's run loop out of compiled code.
 */

import { CACHE_BLOCK_BYTES, Ext } from '../memory/extensions.ts';
import { cacheBlockOperationAllowed } from './cache-block.ts';
import { isAmoFunct } from './atomics.ts';
import { compressedTable } from './compressed.ts';
import { CsrNum, Mstatus, Slot } from './csr-numbers.ts';
import { out } from './int64.ts';
import { Access, Cause } from './trap-causes.ts';
import type { HartState } from './hart-state.ts';

/** How many triggers the hart has (Slot.Tdata1 and Slot.Tdata2 hold this many slots each). */
export const TRIGGERS = 4;

const TWO32 = 4294967296;

/** tdata1's type field (bits 63:60, the top of the high word). */
export const enum TriggerType {
  /** "There is no trigger at this tselect": never stored, as every index below TRIGGERS has one. */
  None = 0,
  Mcontrol = 2,
  Mcontrol6 = 6,
  Disabled = 15,
}

/** Fields of tdata1's low word: those mcontrol and mcontrol6 share, then the ones each places its own way. */
export const enum Tdata1 {
  Load = 1 << 0,
  Store = 1 << 1,
  Execute = 1 << 2,
  U = 1 << 3,
  S = 1 << 4,
  M = 1 << 6,
  MatchShift = 7,
  /** match, bits 10:7. */
  Match = 15 << 7,
  /** action, bits 15:12: 0 raises a breakpoint exception, 1 enters Debug Mode. */
  ActionShift = 12,
  /** mcontrol's select (bit 19) and sizelo (17:16); sizehi is bits 22:21. */
  McontrolSelect = 1 << 19,
  McontrolSize = (3 << 16) | (3 << 21),
  /** mcontrol6's select (bit 21) and size (18:16). */
  Mcontrol6Select = 1 << 21,
  Mcontrol6Size = 7 << 16,
}

/** The match types implemented (mcontrol and mcontrol6 share the encoding). */
export const enum Match {
  Equal = 0,
  AtLeast = 2,
  Below = 3,
}

/** tcontrol: M-mode trigger enable and its previous value, saved by traps into M-mode. */
export const enum Tcontrol {
  MTE = 1 << 3,
  MPTE = 1 << 7,
}

/** What tdata1 keeps of a legal mcontrol or mcontrol6 write: everything else reads as 0. */
const KEPT_FIELDS = Tdata1.Load | Tdata1.Store | Tdata1.Execute | Tdata1.U | Tdata1.S | Tdata1.M | Tdata1.Match;
/** tdata1 of a disabled trigger: type 15, every other field 0 (the spec ignores them). */
const DISABLED_HI = (TriggerType.Disabled << 28) | 0;
/** tinfo: version 1 (the ratified Sdtrig 1.0) in bits 31:24; bit N of info set for each type N a trigger can hold. */
const TINFO = (1 << 24) | (1 << TriggerType.Mcontrol) | (1 << TriggerType.Mcontrol6) | (1 << TriggerType.Disabled);

/** Reads a trigger CSR into out; false when the hart has no Sdtrig (the CSR does not exist then). */
export function triggerCsrRead(h: HartState, n: number): boolean {
  if ((h.extensions & Ext.Sdtrig) === 0) return false;
  const csr = h.csr;
  const t = csr[Slot.Tselect * 2];
  switch (n) {
    case CsrNum.Tselect: out[0] = t; out[1] = 0; return true;
    case CsrNum.Tdata1: out[0] = csr[(Slot.Tdata1 + t) * 2]; out[1] = csr[(Slot.Tdata1 + t) * 2 + 1]; return true;
    case CsrNum.Tdata2: out[0] = csr[(Slot.Tdata2 + t) * 2]; out[1] = csr[(Slot.Tdata2 + t) * 2 + 1]; return true;
    case CsrNum.Tdata3: out[0] = 0; out[1] = 0; return true; // textra64 with every field 0: match in any context
    case CsrNum.Tinfo: out[0] = TINFO; out[1] = 0; return true;
    case CsrNum.Tcontrol: out[0] = csr[Slot.Tcontrol * 2]; out[1] = 0; return true;
    default: return false;
  }
}

/** Writes a trigger CSR that triggerCsrRead has allowed; WARL fields keep legal values. */
export function triggerCsrWrite(h: HartState, n: number, lo: number, hi: number): void {
  const t = h.csr[Slot.Tselect * 2];
  switch (n) {
    case CsrNum.Tselect:
      // WARL: an index with no trigger behind it leaves tselect as it was, so that software counts
      // the triggers by writing 0, 1, 2, ... until the value does not read back.
      if (hi === 0 && (lo >>> 0) < TRIGGERS) h.setSlot(Slot.Tselect, lo, 0);
      return;
    case CsrNum.Tdata1:
      legalTdata1(lo, hi);
      h.setSlot(Slot.Tdata1 + t, out[0], out[1]);
      h.triggersArmed = anyTriggerArmed(h);
      return;
    case CsrNum.Tdata2: h.setSlot(Slot.Tdata2 + t, lo, hi); return; // any address, kept exactly
    case CsrNum.Tcontrol: h.setSlot(Slot.Tcontrol, lo & (Tcontrol.MTE | Tcontrol.MPTE), 0); return;
    default: return; // tdata3 and tinfo: nothing writable
  }
}

/**
 * The tdata1 value a write of lo/hi leaves, into out. An mcontrol or mcontrol6 this module implements
 * keeps its mode, access and match bits; the fields it cannot honour read back as the spec allows:
 * dmode 0 (only Debug Mode may set it), action 1 (enter Debug Mode) becomes 0 as the spec says to do
 * when dmode is 0, chain 0 (chains of one), timing 0 (before), hit and uncertain 0 (not kept),
 * vs and vu 0 (no H extension). Any other configuration, and writing 0, disables the trigger.
 */
export function legalTdata1(lo: number, hi: number): void {
  const type = hi >>> 28;
  const action = (lo >>> Tdata1.ActionShift) & 15;
  const match = (lo & Tdata1.Match) >>> Tdata1.MatchShift;
  const dataOrSized = type === TriggerType.Mcontrol
    ? (lo & (Tdata1.McontrolSelect | Tdata1.McontrolSize)) !== 0
    : (lo & (Tdata1.Mcontrol6Select | Tdata1.Mcontrol6Size)) !== 0;
  if ((type !== TriggerType.Mcontrol && type !== TriggerType.Mcontrol6) || action > 1 || dataOrSized ||
    (match !== Match.Equal && match !== Match.AtLeast && match !== Match.Below)) {
    out[0] = 0; out[1] = DISABLED_HI;
    return;
  }
  out[0] = lo & KEPT_FIELDS;
  out[1] = (type << 28) | 0;
}

/** Whether some trigger would fire on something in some mode: then every instruction must be checked. */
function anyTriggerArmed(h: HartState): boolean {
  for (let i = 0; i < TRIGGERS; i++) {
    const lo = h.csr[(Slot.Tdata1 + i) * 2];
    if ((lo & (Tdata1.Load | Tdata1.Store | Tdata1.Execute)) !== 0 && (lo & (Tdata1.M | Tdata1.S | Tdata1.U)) !== 0) return true;
  }
  return false;
}

/** The trigger module at reset: tselect 0, tcontrol 0, every trigger disabled. */
export function resetTriggers(h: HartState): void {
  h.setSlot(Slot.Tselect, 0, 0);
  h.setSlot(Slot.Tcontrol, 0, 0);
  for (let i = 0; i < TRIGGERS; i++) {
    h.setSlot(Slot.Tdata1 + i, 0, DISABLED_HI);
    h.setSlot(Slot.Tdata2 + i, 0, 0);
  }
  h.triggersArmed = false;
}

/** Trap entry into M-mode: MPTE = MTE, MTE = 0, so the handler's first instructions cannot hit a trigger. */
export function tcontrolOnTrapToM(csr: Int32Array): void {
  csr[Slot.Tcontrol * 2] = (csr[Slot.Tcontrol * 2] & Tcontrol.MTE) << 4;
}

/** MRET: MTE = MPTE. */
export function tcontrolOnMret(csr: Int32Array): void {
  const t = csr[Slot.Tcontrol * 2];
  csr[Slot.Tcontrol * 2] = (t & Tcontrol.MPTE) | ((t & Tcontrol.MPTE) >>> 4);
}

/**
 * Whether a trigger of the instruction at pc fires, before it executes. If one does, the breakpoint
 * exception is set (h.exception) for the caller to raise at pc, with tval the matched address: the
 * pc for an execute trigger, the access's lowest address for a load or store trigger. Execute
 * triggers come first: they outrank the fetch's own faults, while load and store triggers rank with
 * illegal instructions, so an instruction that cannot be fetched or decoded fires none of those.
 */
export function triggerFires(h: HartState, pc: number): boolean {
  if (!breakpointsAllowed(h)) return false;
  const csr = h.csr;
  const modeBit = 1 << (3 + h.priv); // U is bit 3, S bit 4, M bit 6
  const pcLo = pc | 0, pcHi = Math.floor(pc / TWO32) | 0;
  let dataKinds = 0;
  for (let i = 0; i < TRIGGERS; i++) {
    const lo = csr[(Slot.Tdata1 + i) * 2];
    if ((lo & modeBit) === 0) continue; // a disabled trigger has no mode bit either
    if ((lo & Tdata1.Execute) !== 0 && matches(csr, i, lo, pcLo, pcHi, 1)) {
      h.exception(Cause.Breakpoint, pcLo, pcHi);
      return true;
    }
    dataKinds |= lo & (Tdata1.Load | Tdata1.Store);
  }
  if (dataKinds === 0 || !decodeAccess(h, pc) || (dataKinds & access.kinds) === 0) return false;
  for (let i = 0; i < TRIGGERS; i++) {
    const lo = csr[(Slot.Tdata1 + i) * 2];
    if ((lo & modeBit) !== 0 && (lo & access.kinds) !== 0 && matches(csr, i, lo, access.lo, access.hi, access.bytes)) {
      h.exception(Cause.Breakpoint, access.lo, access.hi);
      return true;
    }
  }
  return false;
}

/** The reentrancy rule of this module's header: may a breakpoint trigger fire in the current mode? */
function breakpointsAllowed(h: HartState): boolean {
  const csr = h.csr;
  if (h.priv === 3) return (csr[Slot.Tcontrol * 2] & Tcontrol.MTE) !== 0;
  if (h.priv === 1 && ((csr[Slot.Medeleg * 2] >>> Cause.Breakpoint) & 1) !== 0) return (csr[Slot.Mstatus * 2] & Mstatus.SIE) !== 0;
  return true;
}

/**
 * Whether trigger i (tdata1 low word lo) matches an access of `bytes` bytes at lo/hi: its compare
 * values are those addresses, and it matches when any of them is equal to, at least or below tdata2.
 */
function matches(csr: Int32Array, i: number, t1: number, lo: number, hi: number, bytes: number): boolean {
  const tLo = csr[(Slot.Tdata2 + i) * 2], tHi = csr[(Slot.Tdata2 + i) * 2 + 1];
  // d = tdata2 - address: tdata2 is one of the accessed bytes when d < bytes.
  const dLo = (tLo - lo) | 0;
  const dHi = (tHi - hi - ((tLo >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
  const inside = dHi === 0 && (dLo >>> 0) < bytes;
  const below = (hi >>> 0) < (tHi >>> 0) || (hi === tHi && (lo >>> 0) < (tLo >>> 0)); // address < tdata2
  switch ((t1 & Tdata1.Match) >>> Tdata1.MatchShift) {
    case Match.Equal: return inside;
    // The first byte is at least tdata2, or a later one reaches it.
    case Match.AtLeast: return !below || inside;
    // The first byte is below tdata2, or the access wraps past 2^64 - 1 to address 0.
    default: return below || ((tLo | tHi) !== 0 && wrapsToZero(lo, hi, bytes));
  }
}

/** Whether an access of `bytes` bytes at lo/hi runs past the top of the address space. */
function wrapsToZero(lo: number, hi: number, bytes: number): boolean {
  const nLo = -lo | 0, nHi = (~hi + (lo === 0 ? 1 : 0)) | 0; // 2^64 - address
  return nHi === 0 && nLo !== 0 && (nLo >>> 0) < bytes;
}

/** The data access decodeAccess() found: its kinds (Tdata1.Load and/or Tdata1.Store), address and size. */
const access = { kinds: 0, lo: 0, hi: 0, bytes: 0 };

/**
 * Decodes the instruction at pc as a data access into `access`: loads, stores, FP loads and stores,
 * LR (a load), SC (a store, whether or not it will succeed: the spec leaves that open) and the other
 * AMOs (both), compressed forms included. False when it accesses no data, cannot be fetched, or is
 * an illegal encoding (the interpreter then raises that exception, which outranks the trigger).
 */
function decodeAccess(h: HartState, pc: number): boolean {
  const first = fetchParcel(h, pc);
  if (first < 0) return false;
  let inst: number;
  if ((first & 3) !== 3) {
    inst = compressedTable()[first];
    if (inst === 0) return false;
  } else {
    const second = fetchParcel(h, pc + 2);
    if (second < 0) return false;
    inst = first | (second << 16);
  }
  const f3 = (inst >> 12) & 7;
  const rs1 = (inst >> 15) & 31;
  const loadImm = inst >> 20;
  const storeImm = ((inst >> 25) << 5) | ((inst >> 7) & 31);
  let imm: number;
  switch (inst & 0x7f) {
    case 0x03: // LOAD
      if (f3 === 7) return false;
      access.kinds = Tdata1.Load; access.bytes = 1 << (f3 & 3); imm = loadImm;
      break;
    case 0x23: // STORE
      if (f3 > 3) return false;
      access.kinds = Tdata1.Store; access.bytes = 1 << f3; imm = storeImm;
      break;
    case 0x07: case 0x27: // LOAD-FP, STORE-FP: FLH/FSH (Zfhmin), FLW/FSW, FLD/FSD, with the FPU on
      if (h.fpState() === 0 || (f3 !== 2 && f3 !== 3 && !(f3 === 1 && (h.extensions & Ext.Zfhmin) !== 0))) return false;
      access.kinds = (inst & 0x7f) === 0x07 ? Tdata1.Load : Tdata1.Store;
      access.bytes = 1 << f3;
      imm = access.kinds === Tdata1.Load ? loadImm : storeImm;
      break;
    case 0x2f: { // AMO
      const f5 = inst >>> 27;
      if ((f3 !== 2 && f3 !== 3) || !isAmoFunct(f5) || (f5 === 0x02 && ((inst >> 20) & 31) !== 0)) return false;
      access.kinds = f5 === 0x02 ? Tdata1.Load : f5 === 0x03 ? Tdata1.Store : Tdata1.Load | Tdata1.Store;
      access.bytes = f3 === 2 ? 4 : 8;
      imm = 0;
      break;
    }
    case 0x0f: // CBO.*: a store to its whole cache block, as the debug specification has it match
      if (f3 !== 2 || !cacheBlockOperationAllowed(h, inst)) return false;
      access.kinds = Tdata1.Store; access.bytes = CACHE_BLOCK_BYTES; imm = 0;
      break;
    default:
      return false;
  }
  const baseLo = h.r[rs1 * 2];
  access.lo = (baseLo + imm) | 0;
  access.hi = (h.r[rs1 * 2 + 1] + (imm >> 31) + ((access.lo >>> 0) < (baseLo >>> 0) ? 1 : 0)) | 0;
  if (access.bytes === CACHE_BLOCK_BYTES) access.lo &= -CACHE_BLOCK_BYTES;
  return true;
}

/** The 16-bit parcel at virtual address va as the hart would fetch it, or -1 where the fetch would fault. */
function fetchParcel(h: HartState, va: number): number {
  const lo = va | 0, hi = Math.floor(va / TWO32) | 0;
  const pa = h.mmu.translate(lo, hi, Access.Fetch, h.priv, h.mstatusLo());
  if (pa < 0 || !h.mmu.isRam(pa, 2)) return -1;
  return h.u16[h.mmu.hostOf(pa) >>> 1];
}

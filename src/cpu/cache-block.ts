/**
 * @fileoverview The cache-block operations of Zicbom (CBO.CLEAN, CBO.FLUSH, CBO.INVAL) and Zicboz
 * (CBO.ZERO): MISC-MEM with funct3 2 (the CMO specification, in the unprivileged ISA). This machine
 * has no caches a guest could see, so management is only its checks; CBO.ZERO writes 64 zero bytes.
 *
 * The checks, in the specification's order: whether the less privileged modes may use the
 * instruction (menvcfg for S and U, senvcfg too for U: CBIE, CBCFE, CBZE), then whether the block
 * may be accessed. A management operation needs load or store permission, and a block no access is
 * permitted to faults as a store, with a store access fault where neither RAM nor a device is. A
 * fault's tval is the effective address, rs1, not the block's (the CMO chapter says so since 2024;
 * QEMU and Spike once reported the block). (Zicbop's prefetches are ORI hints with rd = x0: the
 * integer core retires them.)
 */

import { CACHE_BLOCK_BYTES, Ext } from '../memory/extensions.ts';
import { isDeviceAddress } from '../memory/machine-map.ts';
import { Envcfg, Slot } from './csr-numbers.ts';
import { slowStore } from './memory-access.ts';
import { Access, Cause } from './trap-causes.ts';
import type { HartState } from './hart-state.ts';

const enum CboOp {
  Inval = 0,
  Clean = 1,
  Flush = 2,
  Zero = 4,
}

/** Whether an envcfg register's low word `cfg` lets the less privileged mode run `op`. */
function enabledBy(cfg: number, op: CboOp): boolean {
  switch (op) {
    case CboOp.Zero: return (cfg & Envcfg.CBZE) !== 0;
    case CboOp.Inval: return (cfg & Envcfg.CBIE) !== 0; // 01 flushes, 11 invalidates: here the same
    default: return (cfg & Envcfg.CBCFE) !== 0;
  }
}

/**
 * Whether the CBO `inst` (MISC-MEM, funct3 2) is legal here: an operation of an extension the hart
 * has, rd = x0, and allowed to the hart's privilege by menvcfg and senvcfg.
 */
export function cacheBlockOperationAllowed(h: HartState, inst: number): boolean {
  const op = inst >>> 20;
  const known = op === CboOp.Zero ? (h.extensions & Ext.Zicboz) !== 0
    : (op === CboOp.Inval || op === CboOp.Clean || op === CboOp.Flush) && (h.extensions & Ext.Zicbom) !== 0;
  return known && ((inst >>> 7) & 31) === 0 &&
    (h.priv === 3 || enabledBy(h.csr[Slot.Menvcfg * 2], op)) &&
    (h.priv !== 0 || enabledBy(h.csr[Slot.Senvcfg * 2], op));
}

/**
 * Executes the CBO `inst` at the hart's privilege. Returns false after raising an exception (illegal
 * instruction when the encoding, the extensions or envcfg forbid it; a store fault on the block).
 */
export function cacheBlockOperation(h: HartState, inst: number): boolean {
  if (!cacheBlockOperationAllowed(h, inst)) { h.exception(Cause.IllegalInstruction, inst, 0); return false; }
  const op = inst >>> 20;

  const rs1 = (inst >> 14) & 62;
  const lo = h.r[rs1], hi = h.r[rs1 + 1];
  if (op === CboOp.Zero) {
    // A byte store at rs1 itself makes the checks, so that a fault reports rs1. The block lies within
    // that page, so the stores of the whole block after it cannot fault.
    if (!slowStore(h, lo, hi, 0, 0, 0)) return false;
    const block = lo & -CACHE_BLOCK_BYTES;
    for (let at = 0; at < CACHE_BLOCK_BYTES; at += 8) {
      if (!slowStore(h, (block + at) | 0, hi, 3, 0, 0)) return false;
    }
    return true;
  }
  const priv = h.dataPriv(), status = h.csr[Slot.Mstatus * 2];
  let pa = h.mmu.translate(lo, hi, Access.Load, priv, status);
  if (pa < 0 && h.mmu.faultCause === Cause.LoadPageFault) pa = h.mmu.translate(lo, hi, Access.Store, priv, status);
  if (pa < 0) {
    const cause = h.mmu.faultCause === Cause.LoadAccessFault || h.mmu.faultCause === Cause.StoreAccessFault
      ? Cause.StoreAccessFault : Cause.StorePageFault;
    h.exception(cause, lo, hi);
    return false;
  }
  if (!h.mmu.isRam(pa, 1) && !isDeviceAddress(pa)) { h.exception(Cause.StoreAccessFault, lo, hi); return false; }
  return true;
}


/**
 * @fileoverview SBI RFENCE extension (EID "RFNC"): remote FENCE.I and SFENCE.VMA (with or without
 * ASID). Each target is asked to flush at its next block boundary, or when it next wakes, so the
 * caller never waits for a descheduled hart. The interpreter decodes from RAM on every fetch, so a
 * remote FENCE.I needs no work beyond ordering, which the caller's own fence provides. A fence
 * flushes a target's whole TLB (ranges only narrow what the guest asked for), except that one for
 * an ASID keeps the entries of global mappings, as SFENCE.VMA with an ASID does (cpu/system.ts).
 */

import { FlushScope } from '../../memory/layout.ts';
import { SbiError, type SbiRet, fail, ok } from './constants.ts';
import { type SbiContext, argU64, maskedHarts } from './context.ts';

export function handleRfence(ctx: SbiContext, fid: number): SbiRet {
  if (fid > 2) return fail(SbiError.NotSupported); // the hypervisor fences (3..6): no H extension
  const targets = maskedHarts(argU64(ctx.hart, 0), argU64(ctx.hart, 1), ctx.harts.harts);
  if (targets === undefined) return fail(SbiError.InvalidParam);
  Atomics.or(ctx.hart.mem, ctx.hart.fenceWord, 0); // order the caller's page-table stores first
  if (fid === 0) return ok();
  // remote_sfence_vma_asid (fid 2) is SFENCE.VMA with an ASID: it orders no access to a global
  // mapping, so global entries stay (a kernel's mappings are global).
  const scope = fid === 2 ? FlushScope.NonGlobal : FlushScope.All;
  for (const t of targets) {
    if (t === ctx.hart.id) ctx.hart.mmu.flushScope(scope);
    else ctx.harts.requestFlush(t, scope);
  }
  return ok();
}

/**
 * @fileoverview SBI Base extension (EID 0x10): versions, implementation identity, extension probing
 * and the machine ID registers.
 */

import { Eid, IMPL_ID, IMPL_VERSION, SPEC_VERSION, SbiError, type SbiRet, fail, ok } from './constants.ts';
import { type SbiContext, argU64 } from './context.ts';

export const IMPLEMENTED_EXTENSIONS: readonly number[] = [
  Eid.LegacySetTimer, Eid.LegacyConsolePutchar, Eid.LegacyConsoleGetchar, Eid.LegacyShutdown,
  Eid.Base, Eid.Time, Eid.Ipi, Eid.Rfence, Eid.Hsm, Eid.Srst, Eid.Dbcn, Eid.Sta,
];

export function handleBase(ctx: SbiContext, fid: number): SbiRet {
  switch (fid) {
    case 0: return ok(SPEC_VERSION);
    case 1: return ok(IMPL_ID);
    case 2: return ok(IMPL_VERSION);
    case 3: { // probe_extension: 0 when absent, non-zero (here 1) when present
      const eid = argU64(ctx.hart, 0);
      return ok(IMPLEMENTED_EXTENSIONS.some((e) => BigInt(e) === eid) ? 1 : 0);
    }
    case 4: case 5: case 6: return ok(0); // mvendorid, marchid, mimpid: as the hart's CSRs say
    default: return fail(SbiError.NotSupported);
  }
}

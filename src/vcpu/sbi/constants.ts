/**
 * @fileoverview SBI v2.0 numbers: extension IDs, error codes and the implementation's identity.
 */

/** Extension IDs (a7). The legacy extensions are 0x00..0x0f. */
export const enum Eid {
  LegacySetTimer = 0x00,
  LegacyConsolePutchar = 0x01,
  LegacyConsoleGetchar = 0x02,
  LegacyShutdown = 0x08,
  Base = 0x10,
  Time = 0x54494d45,
  Ipi = 0x735049,
  Rfence = 0x52464e43,
  Hsm = 0x48534d,
  Srst = 0x53525354,
  Dbcn = 0x4442434e,
  Sta = 0x535441,
}

/** Standard SBI error codes (returned in a0). */
export const enum SbiError {
  Success = 0,
  Failed = -1,
  NotSupported = -2,
  InvalidParam = -3,
  Denied = -4,
  InvalidAddress = -5,
  AlreadyAvailable = -6,
  AlreadyStarted = -7,
  AlreadyStopped = -8,
}

/** SBI spec version 2.0: major in bits 30:24, minor in 23:0. */
export const SPEC_VERSION = 2 << 24;
/** Implementation ID: not one of the IDs the SBI spec assigns, so no guest mistakes us for them. */
export const IMPL_ID = 0x6876; // "hv"
export const IMPL_VERSION = 1;

export interface SbiRet {
  error: number;
  value: bigint;
}

export const ok = (value: bigint | number = 0n): SbiRet => ({ error: SbiError.Success, value: BigInt(value) });
export const fail = (error: SbiError): SbiRet => ({ error, value: 0n });

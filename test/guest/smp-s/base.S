/*
 * base: the SBI BASE extension as SBI v2.0 specifies it, for the extensions hartvm implements.
 * Checks (exit status = code):
 *   1  get_spec_version returns error 0 and a version >= 2.0 (0x2000000)
 *   2  get_impl_id / get_impl_version / get_mvendorid / get_marchid / get_mimpid return error 0
 *   3  probe_extension finds TIME, IPI, RFENCE, HSM, SRST (non-zero value, error 0)
 *   4  probe_extension finds DBCN
 *   5  probe_extension finds the legacy console putchar (0x01) and set_timer (0x00)
 *   6  probe_extension of an extension nobody defines (0x0abcdef0) returns 0
 *   7  an unknown BASE function (fid 99) returns SBI_ERR_NOT_SUPPORTED
 *   8  a call to an unknown extension returns SBI_ERR_NOT_SUPPORTED
 *   9  DBCN console_write of a message returns error 0 and its length
 *   10 RFENCE remote_fence_i to every hart (hart_mask_base = -1) returns 0
 * QEMU 7.2's firmware (OpenSBI 1.1) implements SBI v1.0 without DBCN: the QEMU build
 * (-DQEMU_DEVIATIONS) accepts a version >= 1.0 and skips checks 4 and 9.
 */
#include "sbi.h"

#ifdef QEMU_DEVIATIONS
#define MIN_SPEC_VERSION 0x1000000
#else
#define MIN_SPEC_VERSION 0x2000000
#endif

.macro PROBE eid, code
  li a0, \eid
  sbi_call SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION
  CHECKI a0, 0, \code
  FAIL_IF beq, a1, zero, \code
.endm

  .section .rodata
msg: .ascii "base: DBCN console_write works\n"
msg_end:
  .equ MSG_LEN, msg_end - msg

SBI_BEGIN
  /* 1 */
  sbi_call SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION
  CHECKI a0, 0, 1
  li t0, MIN_SPEC_VERSION
  FAIL_IF bltu, a1, t0, 1
  /* 2 */
  sbi_call SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID
  CHECKI a0, 0, 2
  sbi_call SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION
  CHECKI a0, 0, 2
  sbi_call SBI_EXT_BASE, SBI_BASE_GET_MVENDORID
  CHECKI a0, 0, 2
  sbi_call SBI_EXT_BASE, SBI_BASE_GET_MARCHID
  CHECKI a0, 0, 2
  sbi_call SBI_EXT_BASE, SBI_BASE_GET_MIMPID
  CHECKI a0, 0, 2
  /* 3 */
  PROBE SBI_EXT_TIME, 3
  PROBE SBI_EXT_IPI, 3
  PROBE SBI_EXT_RFENCE, 3
  PROBE SBI_EXT_HSM, 3
  PROBE SBI_EXT_SRST, 3
#ifndef QEMU_DEVIATIONS
  /* 4 */
  PROBE SBI_EXT_DBCN, 4
#endif
  /* 5 */
  PROBE SBI_EXT_LEGACY_PUTCHAR, 5
  PROBE SBI_EXT_LEGACY_SET_TIMER, 5
  /* 6 */
  li a0, 0x0abcdef0
  sbi_call SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION
  CHECKI a0, 0, 6
  CHECKI a1, 0, 6
  /* 7 */
  sbi_call SBI_EXT_BASE, 99
  CHECKI a0, SBI_ERR_NOT_SUPPORTED, 7
  /* 8 */
  sbi_call 0x0abcdef0, 0
  CHECKI a0, SBI_ERR_NOT_SUPPORTED, 8
#ifndef QEMU_DEVIATIONS
  /* 9 */
  la a1, msg
  li a0, MSG_LEN
  li a2, 0
  sbi_call SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE
  CHECKI a0, 0, 9
  CHECKI a1, MSG_LEN, 9
#endif
  /* 10 */
  li a0, 0
  li a1, -1
  sbi_call SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I
  CHECKI a0, 0, 10
  SAY "base: all checks passed\n"
  j sbi_pass
SBI_END

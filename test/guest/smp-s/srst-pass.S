/*
 * srst-pass: the boot hart prints a line through the SBI console and ends the run with SBI SRST
 * system_reset(shutdown, reason 0 = no reason). Expected: exit status 0 (hartvm and QEMU).
 */
#include "sbi.h"

SBI_BEGIN
  SAY "srst-pass: shutting down with reason 0\n"
  li a0, SBI_SRST_SHUTDOWN
  li a1, SBI_SRST_REASON_NONE
  sbi_call SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
  /* SRST must not return */
  SAY "srst-pass: system_reset returned\n"
  li a0, 1
  j sbi_fail
SBI_END

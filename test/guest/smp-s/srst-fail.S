/*
 * srst-fail: the boot hart ends the run with SBI SRST system_reset(shutdown, reason 1 = system
 * failure). Expected: a non-zero exit status on hartvm (1). QEMU 7.2's OpenSBI 1.1 ends every
 * shutdown by writing the sifive_test finisher's pass value whatever the reason, so QEMU exits 0:
 * there the program can only be checked by its output ("shutting down with reason 1", and no
 * "returned" line).
 * If SRST returns (it must not), the program shuts down with reason 0 after printing why, so a
 * broken SRST makes the expected failure look like a pass and the test that expects failure goes red.
 */
#include "sbi.h"

SBI_BEGIN
  SAY "srst-fail: shutting down with reason 1 (system failure)\n"
  li a0, SBI_SRST_SHUTDOWN
  li a1, SBI_SRST_REASON_FAILURE
  sbi_call SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
  SAY "srst-fail: system_reset returned\n"
  li a0, SBI_SRST_SHUTDOWN
  li a1, SBI_SRST_REASON_NONE
  sbi_call SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
  sbi_call SBI_EXT_LEGACY_SHUTDOWN, 0
  j sbi_park
SBI_END

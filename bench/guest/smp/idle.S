/* idle: 4 harts (the boot hart starts the others with HSM) sit in WFI with nothing armed; the
 * others stay there for good, the boot hart arms its supervisor timer IDLE_MS ahead through Sstc's
 * stimecmp and shuts the machine down (SRST) when it fires. Built with -DIDLE_MS=... */
#include "sbi.h"

SBI_BEGIN
  li s1, 0
1:bgeu s1, s10, 2f
  beq s1, s11, 3f
  mv a0, s1
  la a1, sbi_secondary
  la a2, sleeper
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
3:addi s1, s1, 1
  j 1b
2:rdtime t0
  li t1, IDLE_MS * TICKS_PER_MS
  add s2, t0, t1
  csrw CSR_STIMECMP, s2
  li t0, SIE_STIE
  csrw sie, t0                          /* SIE stays clear: WFI wakes, no trap */
4:wfi
  rdtime t0
  bltu t0, s2, 4b
  li a0, SBI_SRST_SHUTDOWN
  li a1, SBI_SRST_REASON_NONE
  sbi_call SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
  j sbi_park

sleeper:
  csrw sie, zero
1:wfi
  j 1b
SBI_END

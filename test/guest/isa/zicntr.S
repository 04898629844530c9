/* zicntr.S: Zicntr in M-mode: cycle, instret and time advance; time agrees with CLINT mtime;
 * mcycle/minstret are writable and keep counting from the written value; the RV32-only high halves
 * (cycleh ...) do not exist on RV64. Counter access from S/U (mcounteren/scounteren) is in
 * privilege.S. */
#include "harness.h"

HARNESS_BEGIN

  /* cycle increases */
  li TESTNUM, 1
  rdcycle a0
  li a2, 100
1: addi a2, a2, -1
  bnez a2, 1b
  rdcycle a1
  bleu a1, a0, fail
  /* instret increases by at least the instructions retired in between */
  li TESTNUM, 2
  rdinstret a0
  li a2, 100
1: addi a2, a2, -1
  bnez a2, 1b
  rdinstret a1
  sub a1, a1, a0
  li a3, 200
  bltu a1, a3, fail
  /* the long names read the same counters */
  li TESTNUM, 3
  csrr a0, mcycle
  csrr a1, cycle
  bltu a1, a0, fail
  csrr a0, minstret
  csrr a1, instret
  bltu a1, a0, fail

  /* time advances (10 MHz timebase: wait at most ~2^20 iterations) */
  li TESTNUM, 4
  rdtime a0
  li a2, 1 << 20
1: rdtime a1
  bne a1, a0, 2f
  addi a2, a2, -1
  bnez a2, 1b
  j fail
2: bltu a1, a0, fail
  /* time is mtime: csr time <= mtime (MMIO) <= csr time */
  li TESTNUM, 5
  li s0, CLINT_MTIME
  rdtime a0
  ld a1, 0(s0)
  rdtime a2
  bltu a1, a0, fail
  bltu a2, a1, fail
  /* the 32-bit halves of mtime */
  li TESTNUM, 6
  lwu a0, 4(s0)
  ld a1, 0(s0)
  srli a1, a1, 32
  sub a1, a1, a0
  li a2, 1
  bgtu a1, a2, fail

  /* mcycle / minstret are writable and continue from the written value */
  li TESTNUM, 7
  li a1, 1 << 40
  csrw mcycle, a1
  csrr a0, mcycle
  bltu a0, a1, fail
  sub a0, a0, a1
  li a2, 1 << 32
  bgeu a0, a2, fail
  rdcycle a3                      /* the user view too */
  bltu a3, a1, fail
  li TESTNUM, 8
  li a1, 1 << 40
  csrw minstret, a1
  csrr a0, minstret
  bltu a0, a1, fail
  sub a0, a0, a1
  li a2, 1 << 32
  bgeu a0, a2, fail
  li TESTNUM, 9
  csrw minstret, zero
  rdinstret a0
  li a2, 1 << 32
  bgeu a0, a2, fail

  /* RV32-only high halves are not CSRs on RV64 */
  TEST_ILLEGAL(10, csrr a0, 0xc80)     /* cycleh */
  TEST_ILLEGAL(11, csrr a0, 0xc81)     /* timeh */
  TEST_ILLEGAL(12, csrr a0, 0xc82)     /* instreth */
  TEST_ILLEGAL(13, csrr a0, 0xb80)     /* mcycleh */

HARNESS_END

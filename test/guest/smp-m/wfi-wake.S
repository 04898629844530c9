/*
 * wfi-wake: harts 1..N-1 sleep in WFI with mie.MSIE set and mstatus.MIE clear, so a software
 * interrupt wakes them without a trap. Hart 0 waits until every sleeper has announced itself and
 * ~2 ms more (so they are really asleep), then wakes them one at a time by setting their CLINT msip;
 * each woken hart checks mip.MSIP, clears its msip, checks mip.MSIP is clear again and reports.
 * After each wake-up hart 0 checks that exactly that hart (and no other) has reported. ROUNDS rounds.
 * WFI may also return for no reason (the spec allows it); sleepers just sleep again.
 *
 * Checks (exit status = code): 1 a hart other than the one woken reported, 2 the woken hart did not
 * report within 2 s, 3 mip.MSIP still set after the hart cleared its msip, 4 a trap was taken (any
 * trap here is unexpected: smp_trap reports it as 252), 5 the round count of a sleeper is wrong.
 * With one hart there is nobody to wake: hart 0 checks that WFI with MSIE and its own msip set
 * returns at once without a trap, ROUNDS times.
 */
#include "smp.h"

#define ROUNDS 20

SMP_BEGIN
  li t0, MIP_MSIP
  csrw mie, t0                          /* MIE stays clear: no traps */
  li t0, CLINT_MSIP
  slli t1, s11, 2
  add s1, t0, t1                        /* s1 = own msip */
  li s3, 1                              /* round */
  bnez s11, sleeper
  li t0, 1
  bne s10, t0, waker

  /* one hart: wake ourselves */
1:li t0, 1
  sw t0, 0(s1)
  wfi
  csrr t0, mip
  andi t0, t0, MIP_MSIP
  CHECKI t0, MIP_MSIP, 2
  sw zero, 0(s1)
  csrr t0, mip
  andi t0, t0, MIP_MSIP
  CHECKI t0, 0, 3
  addi s3, s3, 1
  li t0, ROUNDS
  ble s3, t0, 1b
  j smp_pass

waker:
  /* round s3: wait for N-1 announcements of this round, let them fall asleep, wake each */
1:la t0, asleep
  addi t1, s10, -1
  mul t1, t1, s3                        /* (N-1) * round announcements so far */
2:lw t2, 0(t0)
  bgeu t2, t1, 3f
  PAUSE
  j 2b
3:li a0, 2 * TICKS_PER_MS
  call smp_delay
  li s4, 1                              /* hart to wake */
4:la t0, reported
  slli t1, s4, 6
  add s5, t0, t1                        /* &reported[s4] */
  li t0, CLINT_MSIP
  slli t1, s4, 2
  add t0, t0, t1
  li t1, 1
  sw t1, 0(t0)
  MTIME s6
  li t0, 20000000
  add s6, s6, t0                        /* deadline: 2 s */
5:lw t0, 0(s5)
  bgeu t0, s3, 6f
  MTIME t1
  FAIL_IF bgtu, t1, s6, 2
  PAUSE
  j 5b
6:FAIL_IF_NE t0, s3, 5
  /* no hart above s4 may have reported this round yet */
  addi t2, s4, 1
7:bgeu t2, s10, 8f
  la t0, reported
  slli t1, t2, 6
  add t0, t0, t1
  lw t0, 0(t0)
  FAIL_IF bgeu, t0, s3, 1
  addi t2, t2, 1
  j 7b
8:addi s4, s4, 1
  bltu s4, s10, 4b
  addi s3, s3, 1
  li t0, ROUNDS
  ble s3, t0, 1b
  call smp_barrier
  j smp_pass

sleeper:
  la s5, reported
  slli t0, s11, 6
  add s5, s5, t0
1:la t0, asleep
  li t1, 1
  amoadd.w.aqrl zero, t1, (t0)
2:wfi
  csrr t0, mip
  andi t0, t0, MIP_MSIP
  beqz t0, 2b                           /* woke for nothing: sleep again */
  sw zero, 0(s1)
  csrr t0, mip
  andi t0, t0, MIP_MSIP
  CHECKI t0, 0, 3
  fence rw, w
  sw s3, 0(s5)
  addi s3, s3, 1
  li t0, ROUNDS
  ble s3, t0, 1b
  call smp_barrier
  j smp_park

  .data
  .balign 64
asleep:   .word 0
  .balign 64
reported: .space 64 * SMP_MAX_HARTS
SMP_END

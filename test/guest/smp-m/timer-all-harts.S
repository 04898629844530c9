/*
 * timer-all-harts: every hart arms its own CLINT mtimecmp a little ahead (1 ms + 0.25 ms per hart
 * ID + 0.1 ms per round), enables MTIE, waits in WFI (race-free: MIE is set only after WFI returns)
 * and must take the machine timer interrupt, ROUNDS times, all harts at once.
 *
 * Checks (exit status = code): 1 mcause is not 0x8000000000000007, 2 mtime read in the handler is
 * below this hart's mtimecmp (the interrupt came early), 3 mip.MTIP still set after the handler
 * wrote mtimecmp = -1, 4 mtime passed mtimecmp + 1 s and no interrupt came, 5 mip.MTIP set before
 * the timer was armed, 6 not exactly one interrupt per round.
 */
#include "smp.h"

#define ROUNDS 10

SMP_BEGIN
  la t0, timer_trap
  csrw mtvec, t0
  li t0, CLINT_MTIMECMP
  slli t1, s11, 3
  add s1, t0, t1                        /* s1 = &mtimecmp[hart] */
  slli t0, s11, 6
  la s2, hartdata
  add s2, s2, t0                        /* s2: +0 expected cmp, +8 count, +16 cause, +24 mtime */
  li t0, MIP_MTIP
  csrw mie, t0
  li s3, 1                              /* round */
1:call smp_barrier
  csrr t0, mip
  andi t0, t0, MIP_MTIP
  CHECKI t0, 0, 5
  /* cmp = mtime + 1 ms + hart * 0.25 ms + round * 0.1 ms */
  li t0, 2500
  mul t0, t0, s11
  li t1, 1000
  mul t1, t1, s3
  add t0, t0, t1
  li t1, TICKS_PER_MS
  add t0, t0, t1
  MTIME t1
  add t0, t0, t1
  sd t0, 0(s2)
  sd t0, 0(s1)
  li s4, 10000000                       /* 1 s */
  add s4, s4, t0                        /* give-up time */
2:csrci mstatus, MSTATUS_MIE
  ld t0, 8(s2)
  bgeu t0, s3, 3f
  MTIME t1
  FAIL_IF bgtu, t1, s4, 4
  wfi
  csrsi mstatus, MSTATUS_MIE
  j 2b
3:ld t0, 8(s2)
  FAIL_IF_NE t0, s3, 6
  ld t0, 16(s2)
  CHECKI t0, IRQ_M_TIMER, 1
  ld t0, 24(s2)
  ld t1, 0(s2)
  FAIL_IF bltu, t0, t1, 2
  addi s3, s3, 1
  li t0, ROUNDS
  ble s3, t0, 1b

  call smp_barrier
  bnez s11, smp_park
  j smp_pass

  .balign 4
timer_trap:
  addi sp, sp, -32
  sd t0, 0(sp)
  sd t1, 8(sp)
  csrr t0, mcause
  sd t0, 16(s2)
  MTIME t0
  sd t0, 24(s2)
  li t0, -1
  sd t0, 0(s1)                          /* quiet this hart's timer */
  csrr t0, mip
  andi t0, t0, MIP_MTIP
  beqz t0, 1f
  li a0, 3
  j smp_fail
1:ld t0, 8(s2)
  addi t0, t0, 1
  sd t0, 8(s2)
  ld t0, 0(sp)
  ld t1, 8(sp)
  addi sp, sp, 32
  mret

  .data
  .balign 64
hartdata: .space 64 * SMP_MAX_HARTS
SMP_END

/*
 * msip-pingpong: harts pair up (2p and 2p+1; an odd hart out, and a single hart, ping themselves)
 * and bounce a machine software interrupt through the CLINT msip registers ROUNDS times: the even
 * hart sets its partner's msip and waits; the partner takes the interrupt (mtvec handler: clear its
 * own msip, count it), then replies the same way. Waiting is race-free: check the count with
 * mstatus.MIE clear, WFI (a pending enabled interrupt wakes it), then set MIE to take it.
 * A watchdog (this hart's mtimecmp, WATCHDOG_MS ahead) turns a lost interrupt into a loud failure.
 *
 * Checks (exit status = code): 1 a hart's final count is not ROUNDS, 2 a trap other than the
 * software interrupt, 3 mip.MSIP still set after the handler cleared msip, 4 more interrupts than
 * sent (a count ran ahead of the round), 253 the watchdog fired (an interrupt was lost).
 */
#include "smp.h"

#define ROUNDS 1000
#define WATCHDOG_MS 30000

SMP_BEGIN
  la t0, ipi_trap
  csrw mtvec, t0
  slli t0, s11, 6
  la s1, recv
  add s1, s1, t0                        /* s1 = &recv[hart] */
  xori s2, s11, 1                       /* partner */
  bltu s2, s10, 1f
  mv s2, s11                            /* odd hart out: itself */
1:li t0, CLINT_MSIP
  slli t1, s2, 2
  add s3, t0, t1                        /* s3 = partner's msip */
  SMP_WATCHDOG WATCHDOG_MS
  li t0, MIP_MSIP | MIP_MTIP
  csrw mie, t0
  call smp_barrier
  csrsi mstatus, MSTATUS_MIE

  andi s4, s11, 1                       /* 0: initiator, 1: responder */
  beq s2, s11, 2f
  j 3f
2:li s4, 0
3:li s5, 1                              /* round */
  li s6, ROUNDS
  li s7, 1
1:bnez s4, 2f
  sw s7, 0(s3)                          /* ping */
  mv a0, s5
  call wait_recv
  j 3f
2:mv a0, s5
  call wait_recv
  sw s7, 0(s3)                          /* pong */
3:addi s5, s5, 1
  ble s5, s6, 1b

  call smp_barrier                      /* every reply has been taken */
  csrci mstatus, MSTATUS_MIE
  lw t0, 0(s1)
  CHECKI t0, ROUNDS, 1
  call smp_barrier
  bnez s11, smp_park
  j smp_pass

/* wait until recv[hart] >= a0, then require == a0 */
wait_recv:
1:csrci mstatus, MSTATUS_MIE
  lw t0, 0(s1)
  bgeu t0, a0, 2f
  wfi
  csrsi mstatus, MSTATUS_MIE
  j 1b
2:csrsi mstatus, MSTATUS_MIE
  FAIL_IF_NE t0, a0, 4
  ret

  .balign 4
ipi_trap:
  addi sp, sp, -32
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t6, 16(sp)
  sd a0, 24(sp)
  csrr t0, mcause
  li t1, IRQ_M_SOFT
  beq t0, t1, 1f
  li t1, IRQ_M_TIMER
  bne t0, t1, 2f
  li a0, SMP_ERR_TIMEOUT
  j smp_fail
2:li a0, 2
  j smp_fail
1:li t0, CLINT_MSIP
  slli t1, s11, 2
  add t0, t0, t1
  sw zero, 0(t0)
  csrr t1, mip
  andi t1, t1, MIP_MSIP
  beqz t1, 3f
  li a0, 3
  j smp_fail
3:lw t0, 0(s1)
  addi t0, t0, 1
  sw t0, 0(s1)
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t6, 16(sp)
  ld a0, 24(sp)
  addi sp, sp, 32
  mret

  .data
  .balign 64
recv: .space 64 * SMP_MAX_HARTS
SMP_END

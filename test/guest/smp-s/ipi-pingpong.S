/*
 * ipi-pingpong: SBI IPI between the boot hart and every other hart in turn (started with HSM),
 * ROUNDS round trips each: the boot hart sends with send_ipi(hart_mask = 1, hart_mask_base = h),
 * h takes the supervisor software interrupt (stvec handler: scause 0x8000000000000001, clear
 * sip.SSIP, count) and replies the same way. Waiting is race-free: check the count with
 * sstatus.SIE clear, WFI, then set SIE to take the interrupt. Each hart arms a watchdog with SBI
 * set_timer (WATCHDOG_S ahead): a lost IPI becomes a loud failure instead of a hang.
 *
 * Checks (exit status = code): 1 send_ipi did not return 0, 2 a trap other than SSI (or the
 * watchdog's STI: 253), 3 sip.SSIP still set after the handler cleared it, 4 a count ran ahead of
 * the round (an IPI from nowhere), 5 a responder's final count is not ROUNDS, 6 send_ipi to a
 * hart_mask_base with no hart does not return SBI_ERR_INVALID_PARAM, 7 hart_start failed, 253 a
 * started hart did not become ready within SBI_WAIT_S (20 s), or the watchdog fired.
 * The boot hart sends the first ping only once the partner says it is ready: OpenSBI 1.1 silently
 * drops an IPI to a hart that is still START_PENDING (its send_ipi only targets STARTED harts).
 */
#include "sbi.h"

#define ROUNDS 500
#define WATCHDOG_S 30

SBI_BEGIN
  la t0, ipi_trap
  csrw stvec, t0
  call setup_hart
  /* 6 */
  li a0, 1
  mv a1, s10
  sbi_call SBI_EXT_IPI, SBI_IPI_SEND_IPI
  CHECKI a0, SBI_ERR_INVALID_PARAM, 6
  li s1, 0                              /* partner */
partner_loop:
  bgeu s1, s10, done
  beq s1, s11, next
  la s3, recv
  slli t0, s1, 6
  add s3, s3, t0                        /* &recv[partner] */
  mv a0, s1
  la a1, sbi_secondary
  la a2, responder
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, 0, 7
  /* wait until it is ready (OpenSBI drops IPIs to a hart that is not STARTED yet) */
  rdtime t1
  li t2, SBI_WAIT_S * TIME_HZ
  add t1, t1, t2
2:ld t0, 8(s3)
  bnez t0, 3f
  rdtime t2
  FAIL_IF bgtu, t2, t1, SBI_ERR_TIMEOUT
  PAUSE
  j 2b
3:fence r, rw
  ld s4, 0(s2)                          /* own count before this partner */
  li s5, 1
1:li a0, 1
  mv a1, s1
  sbi_call SBI_EXT_IPI, SBI_IPI_SEND_IPI
  CHECKI a0, 0, 1
  add a0, s4, s5
  call wait_recv
  addi s5, s5, 1
  li t0, ROUNDS
  ble s5, t0, 1b
  /* the responder counted ROUNDS pings and stops itself */
  mv a0, s1
  li a1, SBI_HSM_STOPPED
  call sbi_wait_status
  ld t0, 0(s3)
  CHECKI t0, ROUNDS, 5
next:
  addi s1, s1, 1
  j partner_loop
done:
  csrci sstatus, SSTATUS_SIE
  SAY "ipi-pingpong: all round trips done\n"
  j sbi_pass

/* Per hart: s2 = &recv[hart]; stvec, watchdog, sie = SSIE | STIE, SIE on. */
setup_hart:
  mv s8, ra
  la t0, ipi_trap
  csrw stvec, t0
  la s2, recv
  slli t0, s11, 6
  add s2, s2, t0
  rdtime a0
  li t0, WATCHDOG_S * TIME_HZ
  add a0, a0, t0
  sbi_call SBI_EXT_TIME, SBI_TIME_SET_TIMER
  li t0, SIE_SSIE | SIE_STIE
  csrw sie, t0
  csrsi sstatus, SSTATUS_SIE
  mv ra, s8
  ret

/* Started by the boot hart (s9): answer each ping with a pong, ROUNDS times, then stop. */
responder:
  call setup_hart
  li t0, 1
  fence rw, w
  sd t0, 8(s2)                          /* ready */
  li s5, 1
1:mv a0, s5
  call wait_recv
  li a0, 1
  mv a1, s9
  sbi_call SBI_EXT_IPI, SBI_IPI_SEND_IPI
  CHECKI a0, 0, 1
  addi s5, s5, 1
  li t0, ROUNDS
  ble s5, t0, 1b
  csrw sie, zero
  csrci sstatus, SSTATUS_SIE
  j sbi_hart_stop

/* wait until recv[hart] >= a0, then require == a0 */
wait_recv:
1:csrci sstatus, SSTATUS_SIE
  ld t0, 0(s2)
  bgeu t0, a0, 2f
  wfi
  csrsi sstatus, SSTATUS_SIE
  j 1b
2:csrsi sstatus, SSTATUS_SIE
  FAIL_IF_NE t0, a0, 4
  ret

  .balign 4
ipi_trap:
  addi sp, sp, -32
  sd t0, 0(sp)
  sd t1, 8(sp)
  csrr t0, scause
  li t1, IRQ_S_SOFT
  beq t0, t1, 1f
  li t1, IRQ_S_TIMER
  bne t0, t1, 2f
  li a0, SBI_ERR_TIMEOUT
  j sbi_fail
2:li a0, 2
  j sbi_fail
1:li t0, SIP_SSIP
  csrc sip, t0
  csrr t0, sip
  andi t0, t0, SIP_SSIP
  beqz t0, 3f
  li a0, 3
  j sbi_fail
3:ld t0, 0(s2)
  addi t0, t0, 1
  sd t0, 0(s2)
  ld t0, 0(sp)
  ld t1, 8(sp)
  addi sp, sp, 32
  sret

  .data
  .balign 64
recv: .space 64 * SBI_MAX_HARTS          /* per hart: +0 IPIs taken, +8 ready */
SBI_END

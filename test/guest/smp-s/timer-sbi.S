/*
 * timer-sbi: every hart (the boot hart and the others, started with HSM) takes supervisor timer
 * interrupts (scause 0x8000000000000005) ROUNDS times from each source:
 *   1. SBI TIME set_timer(time + delta); the handler calls set_timer(-1), which must clear sip.STIP;
 *   2. Sstc: stimecmp written directly; the handler writes stimecmp = -1, which must clear sip.STIP.
 * Sstc is optional in the spec and QEMU 7.2's OpenSBI 1.1 does not enable it (menvcfg.STCE), so
 * part 2 runs only when `csrr stimecmp` does not trap (an illegal-instruction trap during the probe
 * is caught and skipped). Each hart prints "timer-sbi: hart H sstc yes|no" (hartvm: yes).
 * QEMU 7.2 deviates: with OpenSBI 1.1 (menvcfg.STCE clear) S-mode can still read and write
 * stimecmp but the interrupt never comes, so the QEMU build (-DQEMU_DEVIATIONS) skips part 2.
 * Waiting polls the count with sstatus.SIE set (no WFI: a hart whose timer never fires would sleep
 * forever) and is bounded: 1 s past the deadline with no interrupt fails with code 4.
 *
 * Checks (exit status = code): 1 scause is not the supervisor timer, 2 time read in the handler is
 * below the deadline (early), 3 sip.STIP still set after the handler quietened the timer,
 * 4 no interrupt 1 s after the deadline, 5 not exactly one interrupt per round, 6 a trap other
 * than the timer (outside the probe), 7 hart_start failed, 8 not every hart finished, 253 timeout.
 */
#include "sbi.h"

#define ROUNDS 5
/* per-hart slot: +0 deadline, +8 count, +16 scause, +24 time in handler, +32 mode (1 SBI, 2 Sstc),
 * +40 probing, +48 probe trapped */
#define SLOT_SHIFT 6

SBI_BEGIN
  li s1, 0
1:bgeu s1, s10, 2f
  beq s1, s11, 3f
  mv a0, s1
  la a1, sbi_secondary
  la a2, timer_hart
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, 0, 7
3:addi s1, s1, 1
  j 1b
2:call timer_hart
  /* all others finish and stop */
  li s1, 0
1:bgeu s1, s10, 2f
  beq s1, s11, 3f
  mv a0, s1
  li a1, SBI_HSM_STOPPED
  call sbi_wait_status
3:addi s1, s1, 1
  j 1b
2:ld t0, finished
  FAIL_IF_NE t0, s10, 8
  SAY "timer-sbi: all harts took their timer interrupts\n"
  j sbi_pass

/* Runs on every hart; the boot hart returns, the others stop. */
timer_hart:
  mv s8, ra
  la t0, timer_trap
  csrw stvec, t0
  la s2, slots
  slli t0, s11, SLOT_SHIFT
  add s2, s2, t0
  li t0, SIE_STIE
  csrw sie, t0
  /* part 1: SBI set_timer */
  li t0, 1
  sd t0, 32(s2)
  li s3, 1
1:mv a0, s3
  call arm
  sbi_call SBI_EXT_TIME, SBI_TIME_SET_TIMER
  call wait_and_check
  addi s3, s3, 1
  li t0, ROUNDS
  ble s3, t0, 1b
  /* part 2: Sstc, if stimecmp can be read */
#ifdef QEMU_DEVIATIONS
  j no_sstc
#endif
  li t0, 1
  sd t0, 40(s2)
  csrr t1, CSR_STIMECMP
  sd zero, 40(s2)
  ld t0, 48(s2)
  bnez t0, no_sstc
  call sbi_lock
  la a0, msg_hart
  call sbi_puts
  mv a0, s11
  call sbi_putdec
  la a0, msg_yes
  call sbi_puts
  call sbi_unlock
  li t0, 2
  sd t0, 32(s2)
  li s3, ROUNDS + 1
1:mv a0, s3
  call arm
  csrw CSR_STIMECMP, a0
  call wait_and_check
  addi s3, s3, 1
  li t0, 2 * ROUNDS
  ble s3, t0, 1b
  j 2f
no_sstc:
  call sbi_lock
  la a0, msg_hart
  call sbi_puts
  mv a0, s11
  call sbi_putdec
  la a0, msg_no
  call sbi_puts
  call sbi_unlock
2:csrw sie, zero
  la t0, finished
  li t1, 1
  amoadd.d.aqrl zero, t1, (t0)
  bne s11, s9, 3f
  mv ra, s8
  ret
3:j sbi_hart_stop

/* a0 = round: a0 = deadline = time + 1 ms + hart * 0.25 ms, stored in the slot; s4 = give-up time */
arm:
  li t0, 2500
  mul t0, t0, s11
  li t1, TICKS_PER_MS
  add t0, t0, t1
  rdtime t1
  add a0, t0, t1
  sd a0, 0(s2)
  li s4, TIME_HZ
  add s4, s4, a0
  ret

/* wait for round s3's interrupt, then check it */
wait_and_check:
  csrsi sstatus, SSTATUS_SIE
1:ld t0, 8(s2)
  bgeu t0, s3, 2f
  rdtime t1
  FAIL_IF bgtu, t1, s4, 4
  PAUSE
  j 1b
2:csrci sstatus, SSTATUS_SIE
  FAIL_IF_NE t0, s3, 5
  ld t0, 16(s2)
  CHECKI t0, IRQ_S_TIMER, 1
  ld t0, 24(s2)
  ld t1, 0(s2)
  FAIL_IF bltu, t0, t1, 2
  ret

  .balign 4
timer_trap:
  addi sp, sp, -64
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd a0, 16(sp)
  sd a1, 24(sp)
  sd a6, 32(sp)
  sd a7, 40(sp)
  csrr t0, scause
  li t1, CAUSE_ILLEGAL
  bne t0, t1, 1f
  ld t1, 40(s2)                         /* probing stimecmp? skip the csrr */
  beqz t1, bad
  li t1, 1
  sd t1, 48(s2)
  csrr t1, sepc
  addi t1, t1, 4
  csrw sepc, t1
  j out
1:li t1, IRQ_S_TIMER
  bne t0, t1, bad
  sd t0, 16(s2)
  rdtime t0
  sd t0, 24(s2)
  ld t0, 32(s2)
  li t1, 2
  beq t0, t1, 2f
  li a0, -1
  sbi_call SBI_EXT_TIME, SBI_TIME_SET_TIMER
  j 3f
2:li t0, -1
  csrw CSR_STIMECMP, t0
3:csrr t0, sip
  andi t0, t0, SIP_STIP
  beqz t0, 4f
  li a0, 3
  j sbi_fail
4:ld t0, 8(s2)
  addi t0, t0, 1
  sd t0, 8(s2)
out:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld a0, 16(sp)
  ld a1, 24(sp)
  ld a6, 32(sp)
  ld a7, 40(sp)
  addi sp, sp, 64
  sret
bad:
  j sbi_trap

  .section .rodata
msg_hart: .string "timer-sbi: hart "
msg_yes:  .string " sstc yes\n"
msg_no:   .string " sstc no\n"
  .data
  .balign 64
finished: .dword 0
  .balign 64
slots: .space (1 << SLOT_SHIFT) * SBI_MAX_HARTS
SBI_END

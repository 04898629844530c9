/* ipi-rtt: SBI IPI round trip between the boot hart and hart 1 (started with HSM), ROUNDS times,
 * each timed with the time CSR (10 MHz) on the boot hart; prints "ipi-rtt: median T min T max T"
 * in ticks, with the samples sorted in the guest. Uses test/guest/include/sbi.h. Needs 2 harts. */
#include "sbi.h"
#define ROUNDS 1000

SBI_BEGIN
  la t0, rtt_trap
  csrw stvec, t0
  li t0, SIE_SSIE
  csrw sie, t0
  mv s1, s11
  xori s1, s1, 1                        /* partner: the other of harts 0/1 */
  mv a0, s1
  la a1, sbi_secondary
  la a2, responder
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, 0, 1
1:ld t0, ready                          /* OpenSBI drops IPIs to harts not yet STARTED */
  beqz t0, 1b
  la s2, count
  slli t0, s11, 3
  add s2, s2, t0
  la s3, samples
  li s4, 1
2:rdtime s5
  li a0, 1
  mv a1, s1
  sbi_call SBI_EXT_IPI, SBI_IPI_SEND_IPI
  mv a0, s4
  call wait_count
  rdtime t0
  sub t0, t0, s5
  sd t0, 0(s3)
  addi s3, s3, 8
  addi s4, s4, 1
  li t0, ROUNDS
  ble s4, t0, 2b
  /* insertion sort */
  la s3, samples
  li s4, 1
3:li t0, ROUNDS
  bgeu s4, t0, 6f
  slli t1, s4, 3
  add t1, t1, s3
  ld t2, 0(t1)
4:beq t1, s3, 5f
  ld t3, -8(t1)
  bleu t3, t2, 5f
  sd t3, 0(t1)
  addi t1, t1, -8
  j 4b
5:sd t2, 0(t1)
  addi s4, s4, 1
  j 3b
6:SAY "ipi-rtt: median "
  ld a0, samples + (ROUNDS / 2) * 8
  call sbi_putdec
  SAY " min "
  ld a0, samples
  call sbi_putdec
  SAY " max "
  ld a0, samples + (ROUNDS - 1) * 8
  call sbi_putdec
  SAY " ticks\n"
  j sbi_pass

responder:
  la t0, rtt_trap
  csrw stvec, t0
  li t0, SIE_SSIE
  csrw sie, t0
  la s2, count
  slli t0, s11, 3
  add s2, s2, t0
  li t0, 1
  la t1, ready
  sd t0, 0(t1)
  li s4, 1
1:mv a0, s4
  call wait_count
  li a0, 1
  mv a1, s9
  sbi_call SBI_EXT_IPI, SBI_IPI_SEND_IPI
  addi s4, s4, 1
  j 1b

/* until *s2 >= a0: SIE clear, check, WFI, SIE set */
wait_count:
1:csrci sstatus, SSTATUS_SIE
  ld t0, 0(s2)
  bgeu t0, a0, 2f
  wfi
  csrsi sstatus, SSTATUS_SIE
  j 1b
2:ret

  .balign 4
rtt_trap:
  csrw sscratch, t0
  li t0, SIP_SSIP
  csrc sip, t0
  ld t0, 0(s2)
  addi t0, t0, 1
  sd t0, 0(s2)
  csrr t0, sscratch
  sret

  .data
  .balign 64
ready: .dword 0
count: .dword 0, 0
  .bss
  .balign 64
samples: .space ROUNDS * 8
SBI_END

/*
 * amo-counter: every hart hammers shared words with AMOs; afterwards hart 0 checks that no update
 * was lost. TOTAL operations per test are split evenly over the harts (K = TOTAL / harts each).
 *
 * Checks (exit status = code on failure):
 *   1  amoadd.w: the 32-bit counter ends at harts * K
 *   2  amoadd.w: the word beside the counter (same doubleword) is untouched
 *   3  amoadd.w: the value each amoadd.w returned is unique across all harts (a bitmap of returned
 *      values, set with amoor.w; a second hit on a bit means two harts read the same old value)
 *   4  amoadd.d of 0xffffffff (every add carries from the low word into the high word): the
 *      64-bit counter ends at harts * K * 0xffffffff
 *   5  amoxor.w: each hart flips its own bit K times (K even), so the shared word ends at 0
 *   6  amomaxu.d: the maximum of all values offered (hart + harts * i, i < K) is harts * K - 1
 *   7  amoswap.w: a token passed by swapping is never duplicated (the sum of what is held stays 1)
 * The bitmap lives in .bss: RAM is zero at reset on QEMU virt and hartvm, and nothing clears it.
 */
#include "smp.h"

#define TOTAL 524288                    /* a power of two: every hart count up to 8 divides it */

SMP_BEGIN
  li t0, TOTAL
  divu s0, t0, s10                      /* s0 = K */
  call smp_barrier

  /* 1-3: amoadd.w, with uniqueness of the returned values */
  la s1, cnt32
  la s2, seen
  li s3, 1
  mv s4, s0
1:amoadd.w t0, s3, (s1)
  srli t1, t0, 5
  slli t1, t1, 2
  add t1, t1, s2                        /* word of the bitmap */
  andi t2, t0, 31
  sll t2, s3, t2                        /* bit */
  amoor.w t3, t2, (t1)
  and t3, t3, t2
  beqz t3, 2f
  li a0, 3
  j smp_fail
2:addi s4, s4, -1
  bnez s4, 1b

  /* 4: amoadd.d with a carry across the halves every time */
  la s1, cnt64
  li t1, 0xffffffff
  mv s4, s0
1:amoadd.d zero, t1, (s1)
  addi s4, s4, -1
  bnez s4, 1b

  /* 5: amoxor.w of this hart's bit, K times */
  la s1, xorword
  li t1, 1
  sll t1, t1, s11
  mv s4, s0
1:amoxor.w zero, t1, (s1)
  addi s4, s4, -1
  bnez s4, 1b

  /* 6: amomaxu.d of hart + harts * i */
  la s1, maxword
  mv t1, s11
  mv s4, s0
1:amomaxu.d zero, t1, (s1)
  add t1, t1, s10
  addi s4, s4, -1
  bnez s4, 1b

  /* 7: one token (token = 1 at start) passed around by amoswap.w; a hart holding it (t1 = 1) swaps
   * it back, a hart without it swaps in 0 and maybe gets it. held[hart] counts what each holds. */
  la s1, token
  li t1, 0                              /* what this hart holds */
  mv s4, s0
1:amoswap.w t1, t1, (s1)
  addi s4, s4, -1
  bnez s4, 1b
  la t0, held
  amoadd.w zero, t1, (t0)               /* hand in what this hart holds at the end */

  call smp_barrier
  bnez s11, smp_park

  /* hart 0 checks */
  mul s5, s0, s10                       /* harts * K */
  lwu t0, cnt32
  FAIL_IF_NE t0, s5, 1
  lw t0, cnt32_neighbour
  CHECKI t0, 0x5a5aa5a5, 2
  li t1, 0xffffffff
  mul t1, t1, s5
  ld t0, cnt64
  FAIL_IF_NE t0, t1, 4
  lw t0, xorword
  CHECKI t0, 0, 5
  ld t0, maxword
  addi t1, s5, -1
  FAIL_IF_NE t0, t1, 6
  lw t0, token
  lw t1, held
  add t0, t0, t1
  CHECKI t0, 1, 7
  j smp_pass

  .data
  .balign 64
cnt32:           .word 0
cnt32_neighbour: .word 0x5a5aa5a5
  .balign 64
cnt64:           .dword 0
  .balign 64
xorword:         .word 0
  .balign 64
maxword:         .dword 0
  .balign 64
token:           .word 1
  .balign 64
held:            .word 0
  .bss
  .balign 64
seen:            .space TOTAL / 8
SMP_END

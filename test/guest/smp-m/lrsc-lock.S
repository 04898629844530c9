/*
 * lrsc-lock: spinlocks built from LR/SC protect plain (non-atomic) load-add-store counters; after
 * every hart has taken the lock K times (TOTAL / harts), no update may be lost.
 *
 * Phase 1: a 32-bit lock (lr.w.aq / sc.w, released with a plain store after fence rw,w) protecting
 *          a 64-bit counter and a 32-bit counter, each updated with ld/add/sd (lw/add/sw).
 * Phase 2: a 64-bit lock (lr.d.aq / sc.d, released with amoswap.d.rl) whose "held" value lives only
 *          in the high word (1 << 32), so an SC that compares or swaps only the low word fails it.
 * Inside each critical section the hart also writes its ID to an owner word and reads it back after
 * the update: another hart in the same critical section shows up at once.
 *
 * Checks (exit status = code): 1 phase-1 64-bit counter, 2 phase-1 32-bit counter, 3 phase-1 owner
 * changed inside the critical section, 4 phase-2 counter, 5 phase-2 owner changed, 6 a lock word is
 * not free at the end, 7 sc.w to an address without a reservation succeeded (single hart, first).
 */
#include "smp.h"

#define TOTAL 65536

SMP_BEGIN
  /* 7: sc without a prior lr must fail (the reservation set by nothing) */
  la t0, scratch
  li t1, 1
  sc.w t2, t1, (t0)
  bnez t2, 1f
  li a0, 7
  j smp_fail
1:
  li t0, TOTAL
  divu s0, t0, s10                      /* K */
  addi s8, s11, 1                       /* owner tag: hartid + 1 */
  call smp_barrier

  /* ---- phase 1: 32-bit LR/SC lock ---- */
  la s1, lock32
  la s2, counter64
  la s3, counter32
  la s4, owner
  li s6, 1
  mv s5, s0
1:lr.w.aq t0, (s1)
  bnez t0, 3f
  sc.w t0, s6, (s1)
  bnez t0, 1b
  /* critical section */
  sw s8, 0(s4)
  ld t1, 0(s2)
  addi t1, t1, 1
  sd t1, 0(s2)
  lw t2, 0(s3)
  addi t2, t2, 1
  sw t2, 0(s3)
  lw t3, 0(s4)
  beq t3, s8, 2f
  li a0, 3
  j smp_fail
2:fence rw, w
  sw zero, 0(s1)
  addi s5, s5, -1
  bnez s5, 1b
  j 4f
3:PAUSE                                 /* held: wait until it looks free, then retry LR */
  lw t0, 0(s1)
  bnez t0, 3b
  j 1b
4:
  call smp_barrier

  /* ---- phase 2: 64-bit LR/SC lock, held value 1 << 32 ---- */
  la s1, lock64
  la s2, counter2
  li s6, 1
  slli s6, s6, 32
  mv s5, s0
1:lr.d.aq t0, (s1)
  bnez t0, 3f
  sc.d t0, s6, (s1)
  bnez t0, 1b
  sw s8, 0(s4)
  ld t1, 0(s2)
  addi t1, t1, 1
  sd t1, 0(s2)
  lw t3, 0(s4)
  beq t3, s8, 2f
  li a0, 5
  j smp_fail
2:amoswap.d.rl zero, zero, (s1)
  addi s5, s5, -1
  bnez s5, 1b
  j 4f
3:PAUSE
  ld t0, 0(s1)
  bnez t0, 3b
  j 1b
4:
  call smp_barrier
  bnez s11, smp_park

  mul s5, s0, s10
  ld t0, counter64
  FAIL_IF_NE t0, s5, 1
  lwu t0, counter32
  FAIL_IF_NE t0, s5, 2
  ld t0, counter2
  FAIL_IF_NE t0, s5, 4
  lw t0, lock32
  CHECKI t0, 0, 6
  ld t0, lock64
  CHECKI t0, 0, 6
  j smp_pass

  .data
  .balign 64
lock32:    .word 0
  .balign 64
lock64:    .dword 0
  .balign 64
counter64: .dword 0
counter32: .word 0
  .balign 64
counter2:  .dword 0
  .balign 64
owner:     .word 0
  .balign 64
scratch:   .word 0
SMP_END

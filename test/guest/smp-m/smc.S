/*
 * smc: code that is rewritten while it is hot, as a JIT sees it. `value` (li a0, N; ret) is called
 * CALLS times, enough for hartvm's JIT to translate it; then its first instruction is rewritten, the
 * callers execute FENCE.I, and every later call must return the new N.
 *   Round 1: hart 0 rewrites it itself (N = 2).
 *   Round 2: the last hart rewrites it (N = 3) and publishes a flag; hart 0 waits for the flag,
 *   executes FENCE.I and calls it again (a modification made on another hart). With one hart,
 *   hart 0 plays both parts.
 * Codes: 1 the original value is wrong, 2 hart 0's own rewrite is not seen after FENCE.I,
 * 3 another hart's rewrite is not seen after FENCE.I.
 */
#include "smp.h"

#define CALLS 5000
#define LI_A0(n) (0x00000513 | ((n) << 20))

SMP_BEGIN
  bnez s11, 1f
  li a0, 1
  call call_many
  CHECKI a0, 1, 1
  li a0, 2
  call rewrite
  fence.i
  li a0, 2
  call call_many
  CHECKI a0, 2, 2
1:call smp_barrier
  addi t0, s10, -1
  bne s11, t0, 2f
  li a0, 3                              /* the last hart (hart 0 when alone) */
  call rewrite
  fence rw, rw
  li t0, 1
  la t1, rewritten
  sw t0, 0(t1)
2:bnez s11, 4f
  la t1, rewritten
3:lw t0, 0(t1)                          /* hart 0: wait for the rewrite */
  beqz t0, 3b
  fence r, r
  fence.i
  li a0, 3
  call call_many
  CHECKI a0, 3, 3
4:call smp_barrier
  bnez s11, smp_park
  j smp_pass

/* a0 = expected: calls value CALLS times; returns the last result (and fails early on a wrong one). */
call_many:
  addi sp, sp, -32
  sd ra, 0(sp)
  sd s2, 8(sp)
  sd s3, 16(sp)
  mv s2, a0
  li s3, CALLS
5:call value
  bne a0, s2, 6f
  addi s3, s3, -1
  bnez s3, 5b
6:ld ra, 0(sp)
  ld s2, 8(sp)
  ld s3, 16(sp)
  addi sp, sp, 32
  ret

/* a0 = N: value's first instruction becomes li a0, N. */
rewrite:
  slli t0, a0, 20
  li t1, LI_A0(0)
  or t0, t0, t1
  la t1, value
  sw t0, 0(t1)
  ret

  .option push
  .option norvc
  .balign 4
value:
  li a0, 1
  ret
  .option pop
SMP_END

  .data
  .balign 64
rewritten: .word 0

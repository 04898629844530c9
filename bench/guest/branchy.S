/* Branch-heavy loop: a xorshift generator drives data-dependent branches; 10 instructions per iteration on either path. */
#include "common.h"
.option norvc
BENCH_START
  li s0, 88172645463325252
  li s1, 0
1:
  slli t0, s0, 13
  xor  s0, s0, t0
  srli t0, s0, 7
  xor  s0, s0, t0
  andi t1, s0, 1
  beqz t1, 2f
  addi s1, s1, 1
  j 3f
2:
  addi s1, s1, -1
  nop
3:
  addi s11, s11, -1
  bnez s11, 1b
BENCH_END

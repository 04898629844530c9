/* The ALU loop in compressed encodings: 12 16-bit instructions per iteration. */
#include "common.h"
.option rvc
BENCH_START
  li s0, 1; li s1, 3; li a2, 5; li a3, 7
  mv a1, s11                    /* c.bnez needs a register from x8..x15 */
1:
  c.add  s0, s1
  c.xor  s1, a2
  c.mv   a4, s0
  c.slli a4, 3
  c.mv   a5, s1
  c.srli a5, 2
  c.sub  a2, a4
  c.or   a3, a5
  c.addw a3, s0
  c.and  a4, a2
  c.addi a1, -1
  c.bnez a1, 1b
BENCH_END

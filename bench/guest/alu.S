/* ALU-heavy loop: 12 uncompressed integer instructions per iteration, no memory traffic. */
#include "common.h"
.option norvc
BENCH_START
  li a1, 1; li a2, 3; li a3, 5; li a4, 7
1:
  add  a1, a1, a2
  xor  a2, a2, a3
  slli a5, a1, 3
  srli a6, a2, 2
  sub  a3, a3, a5
  or   a4, a4, a6
  addw a5, a1, a4
  and  a6, a3, a2
  sltu a7, a5, a6
  add  a4, a4, a7
  addi s11, s11, -1
  bnez s11, 1b
BENCH_END

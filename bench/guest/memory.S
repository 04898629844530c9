/* Load/store-heavy loop over a 2 KiB buffer: 13 instructions per iteration, 8 of them memory accesses. */
#include "common.h"
.option norvc
BENCH_START
  la s0, buffer
  li s1, 0
1:
  andi t0, s1, 0x7f8
  add  t1, s0, t0
  ld   t2, 0(t1)
  lw   t3, 8(t1)
  sd   s1, 16(t1)
  sw   t2, 24(t1)
  lbu  t4, 32(t1)
  sh   t3, 40(t1)
  ld   t5, 16(t1)
  sb   t4, 48(t1)
  addi s1, s1, 8
  addi s11, s11, -1
  bnez s11, 1b
BENCH_END
.section .bss
.align 12
buffer: .space 4096 + 64

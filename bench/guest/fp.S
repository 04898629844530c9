/* FP-heavy loop: 12 instructions per iteration, 10 of them double-precision arithmetic in RNE
 * (fmadd, fmul, fadd, fsub, fdiv, fsqrt...), on values that stay normal. */
#include "common.h"
.option norvc
BENCH_START
  li t0, 1 << 13                 /* mstatus.FS = Initial: FP on */
  csrs mstatus, t0
  la t1, consts
  fld fa0, 0(t1)                 /* 1.0000001 */
  fld fa1, 8(t1)                 /* 0.9999999 */
  fld fa2, 16(t1)                /* 1.5 */
  fmv.d fa3, fa2
  fmv.d fa4, fa2
1:
  fmadd.d fa3, fa3, fa1, fa0
  fmul.d  fa4, fa4, fa1
  fadd.d  fa5, fa3, fa4
  fsub.d  fa6, fa5, fa2
  fdiv.d  fa7, fa5, fa2
  fsqrt.d ft0, fa7
  fmul.d  ft1, ft0, fa0
  fadd.d  fa4, fa4, fa0
  fmsub.d ft2, ft1, fa1, fa6
  fmin.d  fa3, fa3, fa2
  addi s11, s11, -1
  bnez s11, 1b
BENCH_END
.section .rodata
.align 3
consts: .double 1.0000001, 0.9999999, 1.5

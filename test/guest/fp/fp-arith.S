/* fp-arith.S: F and D semantics that software sees: NaN boxing (an unboxed single reads as the
 * canonical NaN, results are boxed, FMV.X.W sign-extends the raw low word, FLW/FMV.W.X box,
 * FSW stores the raw low word), canonical NaN results and payload-preserving sign injection,
 * signed zeros, subnormal results, tininess after rounding, overflow per rounding mode, RMM ties,
 * FMA's single rounding and its 0·inf + qNaN invalid case, saturating conversions, fmin/fmax
 * (IEEE 754-2019), quiet and signalling comparisons, fclass, and the fflags each one raises.
 * Needs rv64gc / lp64d. */
#include "harness.h"

#define NV 0x10
#define DZ 0x08
#define OF 0x04
#define UF 0x02
#define NX 0x01

#define CANON_S 0xffffffff7fc00000
#define CANON_D 0x7ff8000000000000
#define ONE_D   0x3ff0000000000000
#define ONE_S   0xffffffff3f800000
#define MAX_D   0x7fefffffffffffff
#define INF_D   0x7ff0000000000000
#define QNAN_D  0x7ff8000000001234
#define SNAN_D  0x7ff0000000001234

/* f1, f2, f3 = raw 64-bit a, b, c; the code writes f4; check f4's raw bits and the fflags. */
#define TEST_FP(n, expect, eflags, a, b, c, ...) \
  li TESTNUM, n; \
  li t0, a; fmv.d.x f1, t0; li t0, b; fmv.d.x f2, t0; li t0, c; fmv.d.x f3, t0; \
  csrw fflags, zero; \
  __VA_ARGS__; \
  fmv.x.d a0, f4; csrr a1, fflags; \
  CHECK a0, expect; CHECK a1, eflags

/* f1, f2 = raw a, b; the code writes integer register a0. */
#define TEST_FPX(n, expect, eflags, a, b, ...) \
  li TESTNUM, n; \
  li t0, a; fmv.d.x f1, t0; li t0, b; fmv.d.x f2, t0; \
  csrw fflags, zero; \
  li a0, 0x5a5a; \
  __VA_ARGS__; \
  csrr a1, fflags; \
  CHECK a0, expect; CHECK a1, eflags

HARNESS_BEGIN
  li t0, (1 << 13)          /* FS = Initial */
  csrs mstatus, t0

  /* ---- NaN boxing ---- */
  TEST_FP(1, CANON_S, 0, 0x000000003f800000, ONE_S, 0, fadd.s f4, f1, f2)          /* unboxed = qNaN */
  TEST_FP(2, 0xffffffffffc00000, 0, 0x000000003f800000, 0xffffffffbf800000, 0, fsgnj.s f4, f1, f2)
  TEST_FPX(3, 0x200, 0, 0x123456783f800000, 0, fclass.s a0, f1)
  TEST_FPX(4, 0xffffffff80000000, 0, 0x1234567880000000, 0, fmv.x.w a0, f1)       /* raw low word */
  TEST_FP(5, 0xffffffffff801234, 0, 0, 0, 0, li a2, 0x12345678ff801234; fmv.w.x f4, a2)
  TEST_FP(6, 0xffffffff89abcdef, 0, 0, 0, 0, la a2, words; flw f4, 0(a2))
  TEST_FPX(7, 0x3f800000, 0, 0x123456783f800000, 0, la a2, scratch; fsw f1, 0(a2); lwu a0, 0(a2))
  TEST_FPX(8, 0x0123456789abcdef, 0, 0, 0, la a2, words; fld f5, 0(a2); la a3, scratch; fsd f5, 0(a3); ld a0, 0(a3))

  /* ---- NaN results ---- */
  TEST_FP(10, CANON_D, 0, QNAN_D, ONE_D, 0, fadd.d f4, f1, f2)
  TEST_FP(11, CANON_D, NV, ONE_D, SNAN_D, 0, fmul.d f4, f1, f2)
  TEST_FP(12, CANON_D, NV, INF_D, INF_D, 0, fsub.d f4, f1, f2)
  TEST_FP(13, CANON_D, NV, 0, 0x8000000000000000, 0, fdiv.d f4, f1, f2)
  TEST_FP(14, CANON_D, NV, 0xbff0000000000000, 0, 0, fsqrt.d f4, f1)
  TEST_FP(15, 0xfff0000000001234, 0, SNAN_D, 0, 0, fneg.d f4, f1)                  /* payload kept */
  TEST_FP(16, CANON_D, NV, 0, INF_D, QNAN_D, fmadd.d f4, f1, f2, f3)                /* 0 · inf + qNaN */
  TEST_FP(17, CANON_D, NV, 0xffffffff7f801234, 0, 0, fcvt.d.s f4, f1)               /* sNaN single */
  TEST_FP(18, CANON_S, 0, QNAN_D, 0, 0, fcvt.s.d f4, f1)

  /* ---- signed zeros, division by zero ---- */
  TEST_FP(20, 0, 0, 0, 0x8000000000000000, 0, fadd.d f4, f1, f2)
  TEST_FP(21, 0x8000000000000000, 0, 0, 0x8000000000000000, 0, fadd.d f4, f1, f2, rdn)
  TEST_FP(22, 0x8000000000000000, 0, 0x3ff8000000000000, 0x3ff8000000000000, 0, fsub.d f4, f1, f2, rdn)
  TEST_FP(23, 0x8000000000000000, 0, 0x8000000000000000, 0, 0, fsqrt.d f4, f1)
  TEST_FP(24, 0xfff0000000000000, DZ, ONE_D, 0x8000000000000000, 0, fdiv.d f4, f1, f2)
  TEST_FP(25, 0xffffffffff800000, DZ, ONE_S, 0xffffffff80000000, 0, fdiv.s f4, f1, f2)

  /* ---- subnormals and tininess after rounding ---- */
  TEST_FP(30, 0x0008000000000000, 0, 0x0010000000000000, 0x3fe0000000000000, 0, fmul.d f4, f1, f2)
  TEST_FP(31, 0, UF|NX, 1, 0x3fe0000000000000, 0, fmul.d f4, f1, f2)
  TEST_FP(32, 1, UF|NX, 1, 0x3fe0000000000000, 0, fmul.d f4, f1, f2, rup)
  /* 8193·2^-76 × 8191·2^-76 = 2^-126 - 2^-152: rounds to 2^-126 as if unbounded, so not tiny */
  TEST_FP(33, 0xffffffff00800000, NX, 0xffffffff20000400, 0xffffffff1ffff800, 0, fmul.s f4, f1, f2)
  TEST_FP(34, 0xffffffff007fffff, UF|NX, 0xffffffff20000400, 0xffffffff1ffff800, 0, fmul.s f4, f1, f2, rtz)

  /* ---- overflow by rounding mode ---- */
  TEST_FP(40, INF_D, OF|NX, MAX_D, 0x4000000000000000, 0, fmul.d f4, f1, f2)
  TEST_FP(41, MAX_D, OF|NX, MAX_D, 0x4000000000000000, 0, fmul.d f4, f1, f2, rtz)
  TEST_FP(42, MAX_D, OF|NX, MAX_D, 0x4000000000000000, 0, fmul.d f4, f1, f2, rdn)
  TEST_FP(43, 0xfff0000000000000, OF|NX, MAX_D, 0xc000000000000000, 0, fmul.d f4, f1, f2, rdn)
  TEST_FP(44, INF_D, OF|NX, MAX_D, 0x4000000000000000, 0, fmul.d f4, f1, f2, rmm)
  /* max + half an ulp: RTZ's unbounded result is max itself: NX without OF */
  TEST_FP(45, MAX_D, NX, MAX_D, 0x7c90000000000000, 0, fadd.d f4, f1, f2, rtz)
  TEST_FP(46, INF_D, OF|NX, MAX_D, 0x7c90000000000000, 0, fadd.d f4, f1, f2, rne)
  TEST_FP(47, 0xffffffff7f7fffff, OF|NX, 0x48078287f49c4a1d, 0, 0, fcvt.s.d f4, f1, rtz)   /* 1e39 */

  /* ---- rounding: RMM ties, directed ---- */
  TEST_FP(50, 0x3ff0000000000001, NX, ONE_D, 0x3ca0000000000000, 0, fadd.d f4, f1, f2, rmm)
  TEST_FP(51, ONE_D, NX, ONE_D, 0x3ca0000000000000, 0, fadd.d f4, f1, f2, rne)
  TEST_FP(52, 0x3ff0000000000001, NX, ONE_D, 0x3ca0000000000000, 0, fadd.d f4, f1, f2, rup)
  TEST_FP(53, 0xffffffff3f800001, NX, ONE_S, 0xffffffff33800000, 0, fadd.s f4, f1, f2, rmm)

  /* ---- fused multiply-add: one rounding ---- */
  TEST_FP(60, 0x3c90000000000000, 0, 0x3ff0000002000000, 0x3ff0000002000000, 0xbff0000004000000, fmadd.d f4, f1, f2, f3)
  TEST_FP(61, 0x3c90000000000000, 0, 0x3ff0000002000000, 0x3ff0000002000000, 0x3ff0000004000000, fmsub.d f4, f1, f2, f3)
  TEST_FP(62, 0xbc90000000000000, 0, 0x3ff0000002000000, 0x3ff0000002000000, 0x3ff0000004000000, fnmsub.d f4, f1, f2, f3)
  TEST_FP(63, 0xbc90000000000000, 0, 0x3ff0000002000000, 0x3ff0000002000000, 0xbff0000004000000, fnmadd.d f4, f1, f2, f3)
  TEST_FP(64, 0xffffffff33800000, 0, 0xffffffff3f800800, 0xffffffff3f800800, 0xffffffffbf801000, fmadd.s f4, f1, f2, f3)
  TEST_FP(65, 0x8000000000000000, 0, ONE_D, ONE_D, 0xbff0000000000000, fmadd.d f4, f1, f2, f3, rdn)

  /* ---- float to integer: saturation, NaN, rounding ---- */
  TEST_FPX(70, 0x7fffffff, NV, CANON_D, 0, fcvt.w.d a0, f1)
  TEST_FPX(71, -1, NV, CANON_D, 0, fcvt.wu.d a0, f1)
  TEST_FPX(72, 0x7fffffffffffffff, NV, CANON_D, 0, fcvt.l.d a0, f1)
  TEST_FPX(73, -1, NV, CANON_D, 0, fcvt.lu.d a0, f1)
  TEST_FPX(74, 0xffffffff80000000, NV, 0xfff0000000000000, 0, fcvt.w.d a0, f1)
  TEST_FPX(75, -1, 0, 0x41efffffffe00000, 0, fcvt.wu.d a0, f1)                  /* 2^32-1: sign-extended */
  TEST_FPX(76, 0x7fffffffffffffff, NV, 0x43e0000000000000, 0, fcvt.l.d a0, f1)   /* 2^63 */
  TEST_FPX(77, 0, NX, 0xbfe0000000000000, 0, fcvt.wu.d a0, f1, rtz)             /* -0.5: rounds to 0 */
  TEST_FPX(78, 0, NV, 0xbfe0000000000000, 0, fcvt.wu.d a0, f1, rdn)             /* -> -1: out of range */
  TEST_FPX(79, 3, NX, 0x4004000000000000, 0, fcvt.w.d a0, f1, rmm)              /* 2.5 */
  TEST_FPX(80, 2, NX, 0x4004000000000000, 0, fcvt.w.d a0, f1, rne)
  TEST_FPX(81, -3, NX, 0xc004000000000000, 0, fcvt.l.d a0, f1, rmm)
  TEST_FPX(82, 0x7fffffff, NV, 0xffffffff7f800000, 0, fcvt.w.s a0, f1)
  TEST_FPX(83, 0x7fffffff, NV, 0x000000003f800000, 0, fcvt.w.s a0, f1)           /* unboxed: NaN */

  /* ---- integer to float ---- */
  TEST_FP(90, 0x43f0000000000000, NX, 0, 0, 0, li a2, -1; fcvt.d.lu f4, a2)
  TEST_FP(91, 0x43efffffffffffff, NX, 0, 0, 0, li a2, -1; fcvt.d.lu f4, a2, rtz)
  TEST_FP(92, 0xbff0000000000000, 0, 0, 0, 0, li a2, -1; fcvt.d.l f4, a2)
  TEST_FP(93, 0xffffffffcf000000, NX, 0, 0, 0, li a2, 0x80000001; fcvt.s.w f4, a2)

  /* ---- fmin / fmax ---- */
  TEST_FP(100, 0x8000000000000000, 0, 0, 0x8000000000000000, 0, fmin.d f4, f1, f2)
  TEST_FP(101, 0x8000000000000000, 0, 0x8000000000000000, 0, 0, fmin.d f4, f1, f2)
  TEST_FP(102, 0, 0, 0, 0x8000000000000000, 0, fmax.d f4, f1, f2)
  TEST_FP(103, 0, 0, 0x8000000000000000, 0, 0, fmax.d f4, f1, f2)
  TEST_FP(104, ONE_D, 0, QNAN_D, ONE_D, 0, fmin.d f4, f1, f2)
  TEST_FP(105, ONE_D, NV, ONE_D, SNAN_D, 0, fmax.d f4, f1, f2)
  TEST_FP(106, CANON_D, NV, QNAN_D, SNAN_D, 0, fmax.d f4, f1, f2)
  TEST_FP(107, CANON_D, 0, QNAN_D, QNAN_D, 0, fmin.d f4, f1, f2)
  TEST_FP(108, ONE_S, 0, 0x000000003f800000, ONE_S, 0, fmax.s f4, f1, f2)

  /* ---- comparisons, fclass ---- */
  TEST_FPX(110, 0, 0, QNAN_D, ONE_D, feq.d a0, f1, f2)
  TEST_FPX(111, 0, NV, SNAN_D, ONE_D, feq.d a0, f1, f2)
  TEST_FPX(112, 0, NV, QNAN_D, ONE_D, flt.d a0, f1, f2)
  TEST_FPX(113, 0, NV, ONE_D, QNAN_D, fle.d a0, f1, f2)
  TEST_FPX(114, 1, 0, 0x8000000000000000, 0, feq.d a0, f1, f2)
  TEST_FPX(115, 1, 0, 0x8000000000000000, 0, fle.d a0, f1, f2)
  TEST_FPX(116, 0, 0, 0x8000000000000000, 0, flt.d a0, f1, f2)
  TEST_FPX(117, 1, 0, 0xffffffffbf800000, ONE_S, flt.s a0, f1, f2)
  TEST_FPX(120, 0x001, 0, 0xfff0000000000000, 0, fclass.d a0, f1)
  TEST_FPX(121, 0x004, 0, 0x8000000000000001, 0, fclass.d a0, f1)
  TEST_FPX(122, 0x010, 0, 0, 0, fclass.d a0, f1)
  TEST_FPX(123, 0x040, 0, ONE_D, 0, fclass.d a0, f1)
  TEST_FPX(124, 0x100, 0, SNAN_D, 0, fclass.d a0, f1)
  TEST_FPX(125, 0x200, 0, QNAN_D, 0, fclass.d a0, f1)
  TEST_FPX(126, 0x020, 0, 0xffffffff00000001, 0, fclass.s a0, f1)
  TEST_FPX(127, 0x100, 0, 0xffffffff7f800001, 0, fclass.s a0, f1)

HARNESS_END

  .section .rodata
  .balign 8
words: .dword 0x0123456789abcdef
  .section .data
  .balign 8
scratch: .dword 0

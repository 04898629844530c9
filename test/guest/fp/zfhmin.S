/* zfhmin.S: Zfhmin, half precision for storage: FLH NaN-boxes what it loads and FSH stores the raw
 * low 16 bits (payloads kept, misaligned addresses too); FMV.X.H sign-extends the raw low half-word,
 * FMV.H.X boxes; FCVT.{S,D}.H are exact (a signalling NaN raises NV, NaNs become canonical);
 * FCVT.H.{S,D} round in every mode, static and dynamic, with NX, UF (tininess after rounding), OF
 * (infinity or 65504 by mode); an operand that is not NaN-boxed reads as the canonical NaN; Zfh's
 * other instructions and reserved rounding modes stay illegal; mstatus.FS gates and is dirtied.
 * Loops run about a million conversions (every half pattern through both widenings and back, and
 * sweeps of singles and doubles in all five modes hashed) so that compiled code executes them too.
 * Needs rv64gc_zfhmin / lp64d (scripts/build-guests.mjs); on QEMU 7.2 run it with
 * -cpu rv64,Zfhmin=true. The sweep hashes come from an exact rational model of IEEE 754 rounding
 * and agree with QEMU 7.2. */
#include "harness.h"

#define NV 0x10
#define OF 0x04
#define UF 0x02
#define NX 0x01

#define FS_CLEAN   (2 << 13)
#define FS_DIRTY   (3 << 13)

/* A binary16 pattern NaN-boxed in an f register (upper 48 bits ones). */
#define H(b) (0xffffffffffff0000|(b))
#define CANON_H  H(0x7e00)
#define CANON_S  0xffffffff7fc00000
#define CANON_D  0x7ff8000000000000
#define S(b) (0xffffffff00000000|(b))

/* f1, f2 = raw 64-bit a, b; the code writes f4; check f4's raw bits and the fflags. */
#define TEST_FP(n, expect, eflags, a, b, ...) \
  li TESTNUM, n; \
  li t0, a; fmv.d.x f1, t0; li t0, b; fmv.d.x f2, t0; \
  csrw fflags, zero; \
  __VA_ARGS__; \
  fmv.x.d a0, f4; csrr a1, fflags; \
  CHECK a0, expect; CHECK a1, eflags

/* f1 = raw a; the code writes integer register a0. */
#define TEST_FPX(n, expect, a, ...) \
  li TESTNUM, n; \
  li t0, a; fmv.d.x f1, t0; \
  csrw fflags, zero; \
  li a0, 0x5a5a; \
  __VA_ARGS__; \
  csrr a1, fflags; \
  CHECK a0, expect; CHECK a1, 0

/* a0 = mstatus.FS */
#define READ_FS csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0

HARNESS_BEGIN

  /* ---- FS = Off: Zfhmin is illegal like the rest of F and D ---- */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  TEST_ILLEGAL(1, flh f1, 0(sp))
  TEST_ILLEGAL(2, fsh f1, 0(sp))
  TEST_ILLEGAL(3, fmv.x.h a0, f1)
  TEST_ILLEGAL(4, fmv.h.x f1, a0)
  TEST_ILLEGAL(5, fcvt.s.h f1, f2)
  TEST_ILLEGAL(6, fcvt.h.d f1, f2)

  /* ---- FS = Clean: a write to an f register makes it Dirty ---- */
  li t0, FS_CLEAN
  csrs mstatus, t0
  TEST_CASE(7, a0, FS_DIRTY, la a1, halves; flh f1, 0(a1); READ_FS)
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, FS_CLEAN
  csrs mstatus, t0
  TEST_CASE(8, a0, FS_DIRTY, li a1, 0x3c00; fmv.h.x f1, a1; READ_FS)
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, FS_CLEAN
  csrs mstatus, t0
  TEST_CASE(9, a0, FS_DIRTY, fcvt.h.s f2, f1; READ_FS)
  li t0, MSTATUS_FS
  csrs mstatus, t0                                /* Dirty from here on */

  /* ---- loads and stores ---- */
  TEST_FP(10, H(0x3c00), 0, 0, 0, la a2, halves; flh f4, 0(a2))
  TEST_FP(11, H(0xfc01), 0, 0, 0, la a2, halves; flh f4, 2(a2))             /* sNaN payload kept */
  TEST_FP(12, H(0x7e5a), 0, 0, 0, la a2, halves; flh f4, 4(a2))             /* qNaN payload kept */
  TEST_FP(13, H(0x013c), 0, 0, 0, la a2, halves; flh f4, 1(a2))             /* misaligned */
  TEST_FP(14, H(0x8000), 0, 0, 0, la a2, halves; flh f4, -2(a2))            /* negative offset */
  /* FSH stores the low 16 bits of any register, boxed or not, and nothing around them */
  TEST_FPX(15, 0x11112222def04444, 0x123456789abcdef0, \
    la a2, scratch; li t0, 0x1111222233334444; sd t0, 0(a2); fsh f1, 2(a2); ld a0, 0(a2))
  TEST_FPX(16, 0x11def0ff, 0x123456789abcdef0, \
    la a2, scratch; li t0, 0x112233ff; sd t0, 0(a2); fsh f1, 1(a2); ld a0, 0(a2))   /* misaligned */
  TEST_FPX(17, 0x7c01, H(0x7c01), la a2, scratch; sd zero, 0(a2); fsh f1, 0(a2); ld a0, 0(a2))

  /* ---- moves ---- */
  TEST_FPX(20, 0xffffffffffff8000, H(0x8000), fmv.x.h a0, f1)              /* sign-extends bit 15 */
  TEST_FPX(21, 0x7bff, H(0x7bff), fmv.x.h a0, f1)
  TEST_FPX(22, 0xfffffffffffffe00, 0x123456789abcfe00, fmv.x.h a0, f1)     /* raw: not boxed */
  TEST_FPX(23, 0x7c01, H(0x7c01), fmv.x.h a0, f1)                           /* sNaN unchanged */
  TEST_FP(24, H(0x7c01), 0, 0, 0, li a2, 0x12345678ffff7c01; fmv.h.x f4, a2)
  TEST_FP(25, H(0x1234), 0, 0, 0, li a2, 0x8000000000001234; fmv.h.x f4, a2)
  TEST_FP(26, H(0xffff), 0, 0, 0, li a2, -1; fmv.h.x f4, a2)
  TEST_FPX(27, 0, H(0x8000), fmv.x.h x0, f1; mv a0, x0)

  /* ---- widening: exact ---- */
  TEST_FP(30, S(0x3f800000), 0, H(0x3c00), 0, fcvt.s.h f4, f1)
  TEST_FP(31, 0x40effc0000000000, 0, H(0x7bff), 0, fcvt.d.h f4, f1)         /* 65504 */
  TEST_FP(32, S(0x33800000), 0, H(0x0001), 0, fcvt.s.h f4, f1)              /* 2^-24 */
  TEST_FP(33, 0x3f0ff80000000000, 0, H(0x03ff), 0, fcvt.d.h f4, f1)         /* the largest subnormal */
  TEST_FP(34, 0x8000000000000000, 0, H(0x8000), 0, fcvt.d.h f4, f1)         /* -0 */
  TEST_FP(35, S(0xff800000), 0, H(0xfc00), 0, fcvt.s.h f4, f1)              /* -inf */
  TEST_FP(36, S(0xbe600000), 0, H(0xb300), 0, fcvt.s.h f4, f1)              /* -0.21875 */
  TEST_FP(37, CANON_S, NV, H(0x7c01), 0, fcvt.s.h f4, f1)                   /* sNaN */
  TEST_FP(38, CANON_D, NV, H(0xfd00), 0, fcvt.d.h f4, f1)
  TEST_FP(39, CANON_D, 0, H(0x7e01), 0, fcvt.d.h f4, f1)                    /* qNaN: quiet */
  /* not NaN-boxed: the canonical NaN, which is quiet */
  TEST_FP(40, CANON_S, 0, S(0x3c00), 0, fcvt.s.h f4, f1)
  TEST_FP(41, CANON_D, 0, 0x7fffffffffff3c00, 0, fcvt.d.h f4, f1)
  TEST_FP(42, CANON_S, 0, 0x0000000000003c00, 0, fcvt.s.h f4, f1)

  /* ---- narrowing: exact values, ties in every mode ---- */
  TEST_FP(50, H(0x3c00), 0, S(0x3f800000), 0, fcvt.h.s f4, f1)
  TEST_FP(51, H(0x2e66), NX, 0x3fb999999999999a, 0, fcvt.h.d f4, f1)        /* 0.1 */
  /* 1 + 2^-11: half-way between 1 and 1 + 2^-10 */
  TEST_FP(52, H(0x3c00), NX, 0x3ff0020000000000, 0, fcvt.h.d f4, f1, rne)
  TEST_FP(53, H(0x3c00), NX, 0x3ff0020000000000, 0, fcvt.h.d f4, f1, rtz)
  TEST_FP(54, H(0x3c00), NX, 0x3ff0020000000000, 0, fcvt.h.d f4, f1, rdn)
  TEST_FP(55, H(0x3c01), NX, 0x3ff0020000000000, 0, fcvt.h.d f4, f1, rup)
  TEST_FP(56, H(0x3c01), NX, 0x3ff0020000000000, 0, fcvt.h.d f4, f1, rmm)
  TEST_FP(57, H(0xbc00), NX, S(0xbf801000), 0, fcvt.h.s f4, f1, rne)
  TEST_FP(58, H(0xbc00), NX, S(0xbf801000), 0, fcvt.h.s f4, f1, rtz)
  TEST_FP(59, H(0xbc01), NX, S(0xbf801000), 0, fcvt.h.s f4, f1, rdn)
  TEST_FP(60, H(0xbc00), NX, S(0xbf801000), 0, fcvt.h.s f4, f1, rup)
  TEST_FP(61, H(0xbc01), NX, S(0xbf801000), 0, fcvt.h.s f4, f1, rmm)
  /* 1 + 3·2^-11: the tie goes to the even 1 + 2^-9 */
  TEST_FP(62, H(0x3c02), NX, 0x3ff0060000000000, 0, fcvt.h.d f4, f1, rne)
  /* just above the tie, by less than a single's ulp: only the double says so */
  TEST_FP(63, H(0x3c01), NX, 0x3ff0020000400000, 0, fcvt.h.d f4, f1, rne)
  TEST_FP(64, H(0x3c01), NX, S(0x3f801001), 0, fcvt.h.s f4, f1, rne)
  /* dynamic rounding through frm */
  TEST_FP(65, H(0x3c01), NX, 0x3ff0020000000000, 0, csrwi frm, 3; fcvt.h.d f4, f1, dyn; csrwi frm, 0)
  TEST_FP(66, H(0x3c01), NX, S(0x3f801000), 0, csrwi frm, 4; fcvt.h.s f4, f1; csrwi frm, 0)
  /* signed zeros and infinities are exact */
  TEST_FP(67, H(0x8000), 0, S(0x80000000), 0, fcvt.h.s f4, f1, rup)
  TEST_FP(68, H(0x0000), 0, 0, 0, fcvt.h.d f4, f1, rdn)
  TEST_FP(69, H(0xfc00), 0, 0xfff0000000000000, 0, fcvt.h.d f4, f1, rtz)

  /* ---- overflow: infinity or 65504 by mode and sign ---- */
  TEST_FP(80, H(0x7bff), NX, S(0x477fefff), 0, fcvt.h.s f4, f1)             /* just below 65520 */
  TEST_FP(81, H(0x7c00), OF|NX, S(0x477ff000), 0, fcvt.h.s f4, f1, rne)     /* 65520: tie to 2^16 */
  TEST_FP(82, H(0x7bff), NX, S(0x477ff000), 0, fcvt.h.s f4, f1, rtz)
  TEST_FP(83, H(0x7c00), OF|NX, S(0x477ff000), 0, fcvt.h.s f4, f1, rmm)
  TEST_FP(84, H(0x7bff), OF|NX, 0x40f0000000000000, 0, fcvt.h.d f4, f1, rtz) /* 65536 */
  TEST_FP(85, H(0x7bff), OF|NX, 0x4202a05f20000000, 0, fcvt.h.d f4, f1, rdn) /* 1e10 */
  TEST_FP(86, H(0x7c00), OF|NX, 0x4202a05f20000000, 0, fcvt.h.d f4, f1, rup)
  TEST_FP(87, H(0xfc00), OF|NX, 0xc202a05f20000000, 0, fcvt.h.d f4, f1, rdn)
  TEST_FP(88, H(0xfbff), OF|NX, 0xc202a05f20000000, 0, fcvt.h.d f4, f1, rup)
  TEST_FP(89, H(0xfbff), OF|NX, 0xc202a05f20000000, 0, fcvt.h.d f4, f1, rtz)
  TEST_FP(90, H(0x7c00), OF|NX, 0x7fefffffffffffff, 0, fcvt.h.d f4, f1, rne)
  TEST_FP(91, H(0x7c00), OF|NX, S(0x477fe001), 0, fcvt.h.s f4, f1, rup)     /* above 65504 */

  /* ---- underflow: subnormal results; tininess is detected after rounding ---- */
  TEST_FP(100, H(0x0001), 0, S(0x33800000), 0, fcvt.h.s f4, f1)             /* 2^-24: exact */
  TEST_FP(101, H(0x0003), 0, 0x3e88000000000000, 0, fcvt.h.d f4, f1)        /* 3·2^-24 */
  TEST_FP(102, H(0x0000), UF|NX, S(0x33000000), 0, fcvt.h.s f4, f1, rne)    /* 2^-25: tie to 0 */
  TEST_FP(103, H(0x0001), UF|NX, S(0x33000000), 0, fcvt.h.s f4, f1, rup)
  TEST_FP(104, H(0x0001), UF|NX, S(0x33000000), 0, fcvt.h.s f4, f1, rmm)
  TEST_FP(105, H(0x8000), UF|NX, S(0xb3000000), 0, fcvt.h.s f4, f1, rne)    /* -0 */
  TEST_FP(106, H(0x8001), UF|NX, 0xbe60000000000000, 0, fcvt.h.d f4, f1, rdn)
  TEST_FP(107, H(0x0002), UF|NX, 0x3e78000000000000, 0, fcvt.h.d f4, f1, rne) /* 1.5 ulp: tie to 2 */
  TEST_FP(108, H(0x0000), UF|NX, 0x0000000000000001, 0, fcvt.h.d f4, f1, rtz) /* a subnormal double */
  TEST_FP(109, H(0x0001), UF|NX, 0x0000000000000001, 0, fcvt.h.d f4, f1, rup)
  /* 2^-14 - 2^-26 rounds to 2^-14 even with an unbounded exponent: not tiny, NX alone */
  TEST_FP(110, H(0x0400), NX, S(0x387ff000), 0, fcvt.h.s f4, f1, rne)
  TEST_FP(111, H(0x0400), NX, 0x3f0ffe0000000000, 0, fcvt.h.d f4, f1, rup)
  TEST_FP(112, H(0x03ff), UF|NX, 0x3f0ffe0000000000, 0, fcvt.h.d f4, f1, rtz)
  /* 2^-14 - 2^-25 also rounds to 2^-14, but is representable with an unbounded exponent: tiny */
  TEST_FP(113, H(0x0400), UF|NX, 0x3f0ffc0000000000, 0, fcvt.h.d f4, f1, rne)
  TEST_FP(114, H(0x0400), 0, 0x3f10000000000000, 0, fcvt.h.d f4, f1)        /* 2^-14: exact */

  /* ---- NaNs: the canonical 0x7e00, NV only for a signalling NaN ---- */
  TEST_FP(120, CANON_H, 0, S(0x7fc00000), 0, fcvt.h.s f4, f1)
  TEST_FP(121, CANON_H, 0, S(0xffc12345), 0, fcvt.h.s f4, f1)               /* payload dropped */
  TEST_FP(122, CANON_H, NV, S(0x7f800001), 0, fcvt.h.s f4, f1)
  TEST_FP(123, CANON_H, NV, 0xfff0000000000001, 0, fcvt.h.d f4, f1)
  TEST_FP(124, CANON_H, 0, 0x7ff8000000001234, 0, fcvt.h.d f4, f1)
  TEST_FP(125, CANON_H, 0, 0x000000003f800000, 0, fcvt.h.s f4, f1)          /* single not boxed */
  TEST_FP(126, CANON_H, 0, S(0x3f800000), 0, fcvt.h.d f4, f1)               /* a boxed single is a qNaN */

  /* ---- illegal: Zfh beyond Zfhmin, reserved fields and rounding modes ---- */
  TEST_ILLEGAL(130, .insn r OP_FP, 0, 0x02, f3, f1, f2)          /* fadd.h */
  TEST_ILLEGAL(131, .insn r OP_FP, 0, 0x12, f3, f1, f2)          /* fsgnj.h */
  TEST_ILLEGAL(132, .insn r OP_FP, 1, 0x72, a0, f1, x0)          /* fclass.h */
  TEST_ILLEGAL(133, .insn r OP_FP, 2, 0x52, a0, f1, f2)          /* feq.h */
  TEST_ILLEGAL(134, .insn r OP_FP, 1, 0x62, a0, f1, x0)          /* fcvt.w.h */
  TEST_ILLEGAL(135, .insn r OP_FP, 0, 0x6a, f3, a1, x0)          /* fcvt.h.w */
  TEST_ILLEGAL(136, .insn r4 MADD, 0, 2, f3, f1, f2, f1)         /* fmadd.h */
  TEST_ILLEGAL(137, .insn r OP_FP, 0, 0x22, f3, f1, f2)          /* fcvt.h.h */
  TEST_ILLEGAL(138, .insn r OP_FP, 5, 0x22, f3, f1, x0)          /* fcvt.h.s with rm 5 */
  TEST_ILLEGAL(139, .insn r OP_FP, 6, 0x20, f3, f1, f2)          /* fcvt.s.h with rm 6 */
  TEST_ILLEGAL(140, .insn r OP_FP, 0, 0x7a, f3, a1, x1)          /* fmv.h.x with rs2 = 1 */
  csrwi frm, 5
  TEST_ILLEGAL(141, fcvt.h.d f3, f1, dyn)                        /* dynamic while frm = 5 */
  TEST_ILLEGAL(142, .insn r OP_FP, 7, 0x21, f3, f1, f2)          /* fcvt.d.h, dynamic */
  TEST_CASE(143, a0, 0x3c00, li a1, 0x3c00; fmv.h.x f3, a1; fmv.x.h a0, f3)  /* no rm: unaffected */
  csrwi frm, 0

  /* ---- every half pattern through both widenings and back; NV from the signalling NaNs. Only
   * instructions compiled code translates (FLH and FSH are not), so that the loop is one block;
   * four passes (the pattern is the low 16 bits of s0), so that compiled code has time to arrive ---- */
  li TESTNUM, 200
  csrw fflags, zero
  li s0, 0                          /* the pattern */
  li s1, 0x40000
  li s2, 0x7c00
1:
  fmv.h.x f1, s0
  fcvt.s.h f2, f1
  fcvt.h.s f3, f2
  fmv.x.h a0, f3
  fcvt.d.h f4, f1
  fcvt.h.d f5, f4
  fmv.x.h a1, f5
  /* expected: the pattern sign-extended from bit 15, or the canonical NaN for a NaN */
  slli t0, s0, 48
  srai t0, t0, 48
  slli t1, s0, 49
  srli t1, t1, 49
  bleu t1, s2, 2f
  li t0, 0x7e00
2:
  CHECK_EQ a0, t0
  CHECK_EQ a1, t0
  addi s0, s0, 1
  bltu s0, s1, 1b
  li TESTNUM, 201
  csrr a1, fflags
  CHECK a1, NV

  /* ---- sweeps: FCVT.H.S over singles from 2^-25 to past 2^16, both signs, in every mode
   * through frm; the results hashed (h = h·31 + FMV.X.H), the flags accrued ---- */
  li TESTNUM, 202
  csrw fflags, zero
  li s3, 0                          /* hash */
  li s4, 31
  li s5, 0                          /* frm */
  li s6, 0x80000000
3:
  csrw frm, s5
  li s0, 0x33000000
  li s1, 6010
  li s2, 0xdfdb
4:
  fmv.w.x f1, s0
  fcvt.h.s f2, f1, dyn
  fmv.x.h a0, f2
  mul s3, s3, s4
  add s3, s3, a0
  or t0, s0, s6
  fmv.w.x f1, t0
  fcvt.h.s f2, f1, dyn
  fmv.x.h a0, f2
  mul s3, s3, s4
  add s3, s3, a0
  add s0, s0, s2
  addi s1, s1, -1
  bnez s1, 4b
  addi s5, s5, 1
  li t0, 5
  bltu s5, t0, 3b
  csrw frm, zero
  CHECK s3, 0x3a3b30a0376b7600
  li TESTNUM, 203
  csrr a1, fflags
  CHECK a1, OF|UF|NX

  /* ---- the same for FCVT.H.D over doubles with all 52 fraction bits in play ---- */
  li TESTNUM, 204
  csrw fflags, zero
  li s3, 0
  li s5, 0
  li s6, 0x8000000000000000
5:
  csrw frm, s5
  li s0, 0x3e60000000000000
  li s1, 6010
  li s2, 0x1bfd44f30783
6:
  fmv.d.x f1, s0
  fcvt.h.d f2, f1, dyn
  fmv.x.h a0, f2
  mul s3, s3, s4
  add s3, s3, a0
  or t0, s0, s6
  fmv.d.x f1, t0
  fcvt.h.d f2, f1, dyn
  fmv.x.h a0, f2
  mul s3, s3, s4
  add s3, s3, a0
  add s0, s0, s2
  addi s1, s1, -1
  bnez s1, 6b
  addi s5, s5, 1
  li t0, 5
  bltu s5, t0, 5b
  csrw frm, zero
  CHECK s3, 0x330bbe9a4e2db7a0
  li TESTNUM, 205
  csrr a1, fflags
  CHECK a1, OF|UF|NX

HARNESS_END

  .section .rodata
  .balign 8
  .half 0x8000
halves: .half 0x3c00, 0xfc01, 0x7e5a, 0x1234
  .section .data
  .balign 8
scratch: .dword 0

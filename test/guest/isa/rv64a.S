/* rv64a.S: A extension: LR/SC success and failure, every AMO .w/.d (old value in rd, .w results
 * sign-extended, the neighbouring word untouched), rd = x0 and rd = rs2, aq/rl forms.
 * Misaligned AMOs are tested in traps.S. SC failure writes 1 (QEMU; the spec only says nonzero,
 * and 1 is the value every implementation we compare with uses). */
#include "harness.h"

/* AMO on a word at amo_word (whose neighbour word is 0x5a5a5a5a): rd = old (sign-extended),
 * mem = new. */
#define AMO_W(n, op, init, val, rd_expect, mem_expect) \
  li TESTNUM, n; la s0, amo_word; li a1, init; sw a1, 0(s0); li a1, 0x5a5a5a5a; sw a1, 4(s0); \
  li a2, val; op a0, a2, (s0); CHECK a0, rd_expect; \
  ld a3, 0(s0); CHECK a3, (0x5a5a5a5a00000000 | ((mem_expect) & 0xffffffff))

#define AMO_D(n, op, init, val, rd_expect, mem_expect) \
  li TESTNUM, n; la s0, amo_dword; li a1, init; sd a1, 0(s0); \
  li a2, val; op a0, a2, (s0); CHECK a0, rd_expect; \
  ld a3, 0(s0); CHECK a3, mem_expect

HARNESS_BEGIN

  /* ---- LR / SC ---- */
  la s0, amo_dword
  li TESTNUM, 1
  li a1, 0x1122334455667788
  sd a1, 0(s0)
  lr.d a0, (s0)
  CHECK a0, 0x1122334455667788
  li a2, 0x99
  sc.d a3, a2, (s0)
  CHECK a3, 0                    /* success */
  ld a4, 0(s0)
  CHECK a4, 0x99
  li TESTNUM, 2                  /* the reservation is used up: a second sc fails */
  li a2, 0x77
  sc.d a3, a2, (s0)
  CHECK a3, 1
  ld a4, 0(s0)
  CHECK a4, 0x99
  li TESTNUM, 3                  /* lr.w sign-extends */
  la s1, amo_word
  li a1, 0x80000001
  sw a1, 0(s1)
  li a1, 0x5a5a5a5a
  sw a1, 4(s1)
  lr.w a0, (s1)
  CHECK a0, 0xffffffff80000001
  li a2, -1
  sc.w a3, a2, (s1)
  CHECK a3, 0
  ld a4, 0(s1)
  CHECK a4, 0x5a5a5a5affffffff   /* only 32 bits stored */
  li TESTNUM, 4                  /* sc.w without a reservation fails */
  li a2, 5
  sc.w a3, a2, (s1)
  CHECK a3, 1
  lw a4, 0(s1)
  CHECK a4, -1
  li TESTNUM, 5                  /* sc to a different address (other page) than reserved fails */
  la s2, amo_far
  lr.d a0, (s0)
  li a2, 0x1234
  sc.d a3, a2, (s2)
  CHECK a3, 1
  ld a4, 0(s2)
  CHECK a4, 0
  li TESTNUM, 6                  /* ... and the reservation is gone after that failed sc? not
                                    required; just clear it with a successful pair. */
  lr.d a0, (s0)
  sc.d a3, a0, (s0)
  CHECK a3, 0
  li TESTNUM, 7                  /* an lr/sc retry loop: atomic increment */
  sd zero, 0(s0)
  li a5, 10
1: lr.d.aq a0, (s0)
  addi a0, a0, 3
  sc.d.rl a3, a0, (s0)
  bnez a3, 1b
  addi a5, a5, -1
  bnez a5, 1b
  ld a4, 0(s0)
  CHECK a4, 30
  li TESTNUM, 8                  /* sc with rd = rs2 */
  lr.w.aqrl a0, (s1)
  li a2, 0x42
  sc.w.aqrl a2, a2, (s1)
  CHECK a2, 0
  lw a4, 0(s1)
  CHECK a4, 0x42
  li TESTNUM, 9                  /* rd = x0: lr result discarded, sc still stores */
  lr.d x0, (s0)
  li a2, 0x55
  sc.d a3, a2, (s0)
  CHECK a3, 0
  ld a4, 0(s0)
  CHECK a4, 0x55

  /* ---- AMO .w ---- */
  AMO_W(20, amoswap.w, 0x80000000, 0x12345678, 0xffffffff80000000, 0x12345678)
  AMO_W(21, amoswap.w, 0x7fffffff, 0xffffffffdeadbeef, 0x7fffffff, 0xdeadbeef)
  AMO_W(22, amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000)
  AMO_W(23, amoadd.w, 0xffffffff, 1, -1, 0)                        /* no carry into the neighbour */
  AMO_W(24, amoadd.w, 5, 0x1000000003, 5, 8)                       /* upper bits of rs2 ignored */
  AMO_W(25, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xf0f0f0f0)
  AMO_W(26, amoand.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00)
  AMO_W(27, amoor.w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xfff0fff0)
  AMO_W(28, amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
  AMO_W(29, amomin.w, 5, -3, 5, 0xfffffffd)
  AMO_W(30, amomin.w, 1, 0x100000002, 1, 1)                       /* compares 32-bit values */
  AMO_W(31, amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  AMO_W(32, amomax.w, -1, -2, -1, 0xffffffff)
  AMO_W(33, amomax.w, 1, 0xffffffff00000002, 1, 2)
  AMO_W(34, amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff)
  AMO_W(35, amominu.w, 0xffffffff, 0, -1, 0)
  AMO_W(36, amominu.w, 3, 0xffffffff00000004, 3, 3)              /* 32-bit unsigned compare */
  AMO_W(37, amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x80000000)
  AMO_W(38, amomaxu.w, 1, 0xffffffff, 1, 0xffffffff)
  AMO_W(39, amomaxu.w, 0xfffffffe, 0xffffffff, 0xfffffffffffffffe, 0xffffffff)
  AMO_W(40, amoadd.w.aq, 1, 2, 1, 3)
  AMO_W(41, amoadd.w.rl, 1, 2, 1, 3)
  AMO_W(42, amoadd.w.aqrl, 1, 2, 1, 3)

  /* ---- AMO .d ---- */
  AMO_D(50, amoswap.d, 0x8000000000000000, 0x123456789abcdef0, 0x8000000000000000, 0x123456789abcdef0)
  AMO_D(51, amoadd.d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
  AMO_D(52, amoadd.d, -1, 1, -1, 0)
  AMO_D(53, amoadd.d, 0xffffffff, 1, 0xffffffff, 0x100000000)
  AMO_D(54, amoxor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
  AMO_D(55, amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
  AMO_D(56, amoor.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
  AMO_D(57, amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  AMO_D(58, amomin.d, 0x100000000, 0xffffffff, 0x100000000, 0xffffffff)
  AMO_D(59, amomin.d, 5, -3, 5, -3)
  AMO_D(60, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  AMO_D(61, amomax.d, -1, -2, -1, -1)
  AMO_D(62, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  AMO_D(63, amominu.d, -1, 0, -1, 0)
  AMO_D(64, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
  AMO_D(65, amomaxu.d, 1, -1, 1, -1)
  AMO_D(66, amoswap.d.aqrl, 1, 2, 1, 2)

  /* rd = x0: memory still updated */
  li TESTNUM, 70
  la s0, amo_dword
  li a1, 10
  sd a1, 0(s0)
  li a2, 5
  amoadd.d x0, a2, (s0)
  ld a3, 0(s0)
  CHECK a3, 15
  /* rd == rs2 */
  li TESTNUM, 71
  li a2, 7
  amoswap.d a2, a2, (s0)
  CHECK a2, 15
  ld a3, 0(s0)
  CHECK a3, 7
  li TESTNUM, 72
  li a2, 1
  amoadd.w a2, a2, (s0)
  CHECK a2, 7
  ld a3, 0(s0)
  CHECK a3, 8
  /* a store between lr and sc to the reserved address by this hart: sc may fail or succeed; the
     spec leaves it open, so it is not tested. An AMO after lr does not matter either. */

HARNESS_END

  .data
  .balign 8
amo_word:  .dword 0
amo_dword: .dword 0
  .balign 4096
  .skip 64
amo_far:   .dword 0

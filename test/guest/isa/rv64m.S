/* rv64m.S: M extension: MUL/MULH/MULHSU/MULHU/MULW and DIV/DIVU/REM/REMU with W forms, including
 * division by zero (quotient all ones, remainder = dividend) and signed overflow
 * (-2^63 / -1 = -2^63, remainder 0; W forms likewise with -2^31). */
#include "harness.h"

#define MIN64 0x8000000000000000
#define MAX64 0x7fffffffffffffff

HARNESS_BEGIN

  TEST_RR(1, mul, 0, 0, 0)
  TEST_RR(2, mul, 42, 6, 7)
  TEST_RR(3, mul, -42, -6, 7)
  TEST_RR(4, mul, 1, -1, -1)
  TEST_RR(5, mul, 0x0000000100000000, 0x80000000, 2)
  TEST_RR(6, mul, MIN64, MIN64, -1)
  TEST_RR(7, mul, 0xfedcba9876543211, 0x0123456789abcdef, -1)
  TEST_RR(8, mul, 0x2236d88fe5618cf0, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR_SAME(9, mul, 0xfffffffe00000001, 0xffffffff)
  TEST_RR_ZERO(10, mul, 3, 4)

  TEST_RR(20, mulh, 0, 6, 7)
  TEST_RR(21, mulh, -1, -6, 7)
  TEST_RR(22, mulh, 0, -1, -1)
  TEST_RR(23, mulh, 0x4000000000000000, MIN64, MIN64)
  TEST_RR(24, mulh, 0xc000000000000000, MIN64, MAX64)
  TEST_RR(25, mulh, 0x3fffffffffffffff, MAX64, MAX64)
  TEST_RR(26, mulh, 0xffeb49923cc09532, 0x0123456789abcdef, 0xedcba98765432100)
  TEST_RR(30, mulhu, 0, 6, 7)
  TEST_RR(31, mulhu, 0xfffffffffffffffe, -1, -1)
  TEST_RR(32, mulhu, 0x4000000000000000, MIN64, MIN64)
  TEST_RR(33, mulhu, 0x0000000000000005, -1, 6)
  TEST_RR(34, mulhu, 0x0121fa00ad77d742, 0x0123456789abcdef, 0xfedcba9876543210)
  TEST_RR(40, mulhsu, 0, 6, 7)
  TEST_RR(41, mulhsu, 0xffffffffffffffff, -1, -1)      /* -1 * (2^64-1) = -(2^64-1): high = -1 */
  TEST_RR(42, mulhsu, 0xc000000000000000, MIN64, MIN64) /* -2^63 * 2^63 */
  TEST_RR(43, mulhsu, 0x7ffffffffffffffe, MAX64, -1)
  TEST_RR(44, mulhsu, 0xffffffffffffffff, -6, 7)
  TEST_RR(45, mulhsu, 0, 7, 0)
  TEST_RR(46, mulhsu, 6, 7, -6 )      /* 7 * (2^64-6) = 7*2^64 - 42: high = 6 */

  TEST_RR(50, mulw, 42, 6, 7)
  TEST_RR(51, mulw, 0xffffffff80000000, 0x40000000, 2)
  TEST_RR(52, mulw, 0, 0x100000000, 0x100000000)
  TEST_RR(53, mulw, 1, -1, -1)
  TEST_RR(54, mulw, 0xfffffffffffffffe, 0x7fffffff, 0x2)   /* 0xfffffffe sign-extended */
  TEST_RR(55, mulw, 0x0000000000000001, 0xabcdef01ffffffff, 0x12345678ffffffff)

  /* division */
  TEST_RR(60, div, 3, 20, 6)
  TEST_RR(61, div, -3, -20, 6)       /* rounds toward zero */
  TEST_RR(62, div, -3, 20, -6)
  TEST_RR(63, div, 3, -20, -6)
  TEST_RR(64, div, -1, 1, 0)         /* by zero: all ones */
  TEST_RR(65, div, -1, 0, 0)
  TEST_RR(66, div, -1, MIN64, 0)
  TEST_RR(67, div, MIN64, MIN64, -1) /* overflow */
  TEST_RR(68, div, MIN64, MIN64, 1)
  TEST_RR(69, div, 0, 1, 2)
  TEST_RR(70, divu, 3, 20, 6)
  TEST_RR(71, divu, 0x2aaaaaaaaaaaaaa7, -20, 6)
  TEST_RR(72, divu, 0, 20, -6)
  TEST_RR(73, divu, 0xffffffffffffffff, 1, 0)
  TEST_RR(74, divu, 0xffffffffffffffff, 0, 0)
  TEST_RR(75, divu, 0, MIN64, -1)
  TEST_RR(76, divu, 1, -1, -1)
  TEST_RR(80, rem, 2, 20, 6)
  TEST_RR(81, rem, -2, -20, 6)       /* sign of dividend */
  TEST_RR(82, rem, 2, 20, -6)
  TEST_RR(83, rem, -2, -20, -6)
  TEST_RR(84, rem, 1, 1, 0)          /* by zero: dividend */
  TEST_RR(85, rem, MIN64, MIN64, 0)
  TEST_RR(86, rem, 0, MIN64, -1)     /* overflow: 0 */
  TEST_RR(87, rem, 0, 0, 5)
  TEST_RR(90, remu, 2, 20, 6)
  TEST_RR(91, remu, 2, -20, 6)       /* (2^64-20) mod 6 = 2 */
  TEST_RR(92, remu, 20, 20, -6)
  TEST_RR(93, remu, 1, 1, 0)
  TEST_RR(94, remu, -1, -1, 0)
  TEST_RR(95, remu, MIN64, MIN64, -1)
  TEST_RR(96, remu, 0, -1, -1)

  /* W divisions: operate on the low 32 bits, result sign-extended */
  TEST_RR(100, divw, 3, 20, 6)
  TEST_RR(101, divw, -3, -20, 6)
  TEST_RR(102, divw, -1, 1, 0)
  TEST_RR(103, divw, -1, 0, 0)
  TEST_RR(104, divw, 0xffffffff80000000, 0x80000000, -1)  /* overflow */
  TEST_RR(105, divw, 0xffffffff80000000, 0xffffffff80000000, 1)
  TEST_RR(106, divw, -3, 0x1234567800000014, 0xfffffffffffffffa)  /* 20 / -6, upper ignored */
  TEST_RR(107, divw, -1, 5, 0x100000000)                          /* divisor low word 0 */
  TEST_RR(110, divuw, 3, 20, 6)
  TEST_RR(111, divuw, 0x000000002aaaaaa7, -20, 6)
  TEST_RR(112, divuw, 0xffffffffffffffff, 1, 0)
  TEST_RR(113, divuw, 0xffffffff80000000, 0x80000000, 1)  /* result sign-extended */
  TEST_RR(114, divuw, 0, 0x80000000, -1)
  TEST_RR(115, divuw, 0xffffffffffffffff, 0xffffffff, 1)
  TEST_RR(120, remw, 2, 20, 6)
  TEST_RR(121, remw, -2, -20, 6)
  TEST_RR(122, remw, 1, 1, 0)
  TEST_RR(123, remw, 0xffffffff80000000, 0x80000000, 0)   /* by zero: sign-extended dividend */
  TEST_RR(124, remw, 0, 0x80000000, -1)
  TEST_RR(125, remw, 0x12345678, 0xffffffff12345678, 0)
  TEST_RR(130, remuw, 2, 20, 6)
  TEST_RR(131, remuw, 2, -20, 6)
  TEST_RR(132, remuw, 0xffffffff80000000, 0x80000000, 0)  /* by zero: dividend, sign-extended */
  TEST_RR(133, remuw, 0xffffffff80000000, 0x80000000, -1)
  TEST_RR(134, remuw, 0, 0xffffffff, 0xffffffff)
  TEST_RR(135, remuw, 5, 0xfffffffe00000005, 0x100000007)

  /* rd = x0 and rd = rs */
  TEST_RR_ZERO(140, div, 1, 0)
  TEST_RR_ZERO(141, rem, MIN64, -1)
  TEST_RR_SAME(142, div, 1, -7)
  TEST_RR_SAME(143, rem, 0, -7)
  TEST_RR_SAME(144, mulh, 0, 0x7fffffff)
  TEST_RR_SAME(145, mulhu, 1, 0x100000000)

HARNESS_END

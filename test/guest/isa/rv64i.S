/* rv64i.S: RV64I base integer instructions: every ALU op incl. W forms, LUI/AUIPC, branches both
 * ways, JAL/JALR link values and JALR clearing bit 0, loads and stores of every width. */
#include "harness.h"

HARNESS_BEGIN

  /* ---- ADD / SUB / ADDI and W forms ---- */
  TEST_RR(1, add, 0, 0, 0)
  TEST_RR(2, add, 3, 1, 2)
  TEST_RR(3, add, 0x8000000000000000, 0x7fffffffffffffff, 1)
  TEST_RR(4, add, 0xfffffffffffffffe, -1, -1)
  TEST_RR(5, add, 0x0000000080000000, 0x7fffffff, 1)
  TEST_RR(6, sub, 0xffffffffffffffff, 0, 1)
  TEST_RR(7, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)
  TEST_RR(8, sub, 0, -5, -5)
  TEST_RI(9, addi, 0xfffffffffffff800, 0, -2048)
  TEST_RI(10, addi, 0x7ff, 0, 2047)
  TEST_RI(11, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
  TEST_RI(12, addi, 0x7fffffffffffffff, 0x8000000000000000, -1)
  TEST_RR(13, addw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RR(14, addw, 0, 0xffffffff, 1)
  TEST_RR(15, addw, 0x12345678, 0xabcdef0012345678, 0)
  TEST_RR(16, subw, 0x000000007fffffff, 0xffffffff80000000, 1)
  TEST_RR(17, subw, 0xffffffffffffffff, 0, 1)
  TEST_RI(18, addiw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RI(19, addiw, 0xfffffffffffff800, 0, -2048)
  TEST_RI(20, addiw, 0xffffffff87654321, 0x1234567887654321, 0)   /* sext.w */
  TEST_RI(21, addiw, 0x7fffffff, 0x80000000, -1)
  TEST_RR_SAME(22, add, 0x2468, 0x1234)
  TEST_RR_SAME(23, sub, 0, 0x1234)
  TEST_RI_SAME(24, addi, 0x1233, 0x1234, -1)
  TEST_RR_ZERO(25, add, 5, 6)
  TEST_CASE(26, x0, 0, addi x0, x0, 5)
  TEST_CASE(27, a0, 0, li a0, 7; add a0, x0, x0)

  /* ---- logic ---- */
  TEST_RR(30, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(31, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RR(32, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
  TEST_RI(33, andi, 0xff00ff00, 0xff00ff00, -1)
  TEST_RI(34, andi, 0x700, 0xffffffffffffff00, 0x7f0)
  TEST_RI(35, ori, 0xffffffffffffff0f, 0x0f, -256)
  TEST_RI(36, xori, 0xffffffffffffffff, 0, -1)
  TEST_RI(37, xori, 0xfffffffffffff00f, 0xff0, -1)       /* not */
  TEST_RR(38, xor, 0, 0x123456789abcdef0, 0x123456789abcdef0)

  /* ---- shifts ---- */
  TEST_RR(40, sll, 0x0000000000000001, 1, 0)
  TEST_RR(41, sll, 0x0000000080000000, 1, 31)
  TEST_RR(42, sll, 0x0000000100000000, 1, 32)
  TEST_RR(43, sll, 0x8000000000000000, 1, 63)
  TEST_RR(44, sll, 0x8000000000000000, 1, 127)        /* only 6 bits of rs2 */
  TEST_RR(45, sll, 0x2, 1, 65)
  TEST_RR(46, srl, 0x8000000000000000, 0x8000000000000000, 0)
  TEST_RR(47, srl, 0x0000000100000000, 0x8000000000000000, 31)
  TEST_RR(48, srl, 0x0000000080000000, 0x8000000000000000, 32)
  TEST_RR(49, srl, 1, 0x8000000000000000, 63)
  TEST_RR(50, sra, 0xffffffff00000000, 0x8000000000000000, 31)
  TEST_RR(51, sra, 0xffffffff80000000, 0x8000000000000000, 32)
  TEST_RR(52, sra, 0xffffffffffffffff, 0x8000000000000000, 63)
  TEST_RR(53, sra, 0x3fffffffffffffff, 0x7fffffffffffffff, 1)
  TEST_RR(54, sra, 0xffffffffffffffff, 0x8000000000000000, -1)
  TEST_RI(55, slli, 0x8000000000000000, 1, 63)
  TEST_RI(56, slli, 0x100000000, 1, 32)
  TEST_RI(57, slli, 0xabcdef, 0xabcdef, 0)
  TEST_RI(58, srli, 1, 0x8000000000000000, 63)
  TEST_RI(59, srli, 0x80000000, 0x8000000000000000, 32)
  TEST_RI(60, srai, 0xffffffffffffffff, 0x8000000000000000, 63)
  TEST_RI(61, srai, 0xffffffff80000000, 0x8000000000000000, 32)
  TEST_RI(62, srai, 0x0000000000000001, 0x4000000000000000, 62)
  /* W shifts: 5-bit amount, 32-bit result sign-extended */
  TEST_RR(63, sllw, 0xffffffff80000000, 1, 31)
  TEST_RR(64, sllw, 1, 1, 32)                         /* amount mod 32 */
  TEST_RR(65, sllw, 0, 0x100000000, 0)
  TEST_RR(66, sllw, 0x12345678, 0xffffffff12345678, 0)
  TEST_RR(67, srlw, 1, 0x80000000, 31)
  TEST_RR(68, srlw, 0xffffffff80000000, 0x80000000, 0)  /* shift 0 still sign-extends */
  TEST_RR(69, srlw, 0x7fffffff, 0xfffffffffffffffe, 1)
  TEST_RR(70, srlw, 0xffffffff80000000, 0x80000000, 32)
  TEST_RR(71, sraw, 0xffffffffffffffff, 0x80000000, 31)
  TEST_RR(72, sraw, 0xffffffffc0000000, 0x80000000, 1)
  TEST_RR(73, sraw, 0x3fffffff, 0xffffffff7fffffff, 1)   /* upper bits ignored */
  TEST_RI(74, slliw, 0xffffffff80000000, 1, 31)
  TEST_RI(75, slliw, 0, 0xffffffff00000000, 0)
  TEST_RI(76, srliw, 1, 0xffffffff80000000, 31)
  TEST_RI(77, srliw, 0xffffffff80000000, 0x80000000, 0)
  TEST_RI(78, sraiw, 0xffffffffffffffff, 0x80000000, 31)
  TEST_RI(79, sraiw, 0xffffffffffffffff, 0x12345678ff000000, 24) /* upper 32 bits ignored */
  TEST_RI(80, srliw, 0x7fff, 0xfffffffffffe0000, 17)

  /* ---- compares ---- */
  TEST_RR(90, slt, 1, -1, 0)
  TEST_RR(91, slt, 0, 0, -1)
  TEST_RR(92, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR(93, slt, 0, 5, 5)
  TEST_RR(94, sltu, 0, -1, 0)
  TEST_RR(95, sltu, 1, 0, -1)
  TEST_RR(96, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR(97, sltu, 1, 0, 1)    /* snez */
  TEST_RI(98, slti, 1, -2048, -2047)
  TEST_RI(99, slti, 0, 0, -1)
  TEST_RI(100, sltiu, 1, 0, -1)     /* imm sign-extended then unsigned: 0 < 2^64-1 */
  TEST_RI(101, sltiu, 0, -1, -1)
  TEST_RI(102, sltiu, 1, 0, 1)      /* seqz */
  TEST_RI(103, sltiu, 0, 0xfffffffffffff800, -2048)
  TEST_RI(104, sltiu, 1, 0xfffffffffffff7ff, -2048)

  /* ---- LUI / AUIPC ---- */
  TEST_CASE(110, a0, 0xffffffff80000000, lui a0, 0x80000)
  TEST_CASE(111, a0, 0x000000007ffff000, lui a0, 0x7ffff)
  TEST_CASE(112, a0, 0xfffffffffffff000, lui a0, 0xfffff)
  TEST_CASE(113, a0, 0, lui a0, 0)
  TEST_CASE(114, x0, 0, lui x0, 0x12345)
  li TESTNUM, 115
1: auipc a0, 0
  la a1, 1b
  CHECK_EQ a0, a1
  li TESTNUM, 116
1: auipc a0, 1
  la a1, 1b
  sub a0, a0, a1
  CHECK a0, 0x1000
  li TESTNUM, 117
1: auipc a0, 0xfffff         /* pc - 4096 */
  la a1, 1b
  sub a0, a0, a1
  CHECK a0, -4096
  li TESTNUM, 118
1: auipc a0, 0x80000         /* pc - 2^31, sign-extended immediate */
  la a1, 1b
  sub a0, a0, a1
  CHECK a0, 0xffffffff80000000

  /* ---- branches: taken and not taken, forward and backward ---- */
#define BR_TAKEN(n, op, x, y) \
  li TESTNUM, n; li a1, x; li a2, y; op a1, a2, 72f; j fail; \
71: j 73f; \
72: op a1, a2, 71b; j fail; \
73:
#define BR_NOT(n, op, x, y) \
  li TESTNUM, n; li a1, x; li a2, y; op a1, a2, fail; op a1, a2, 1f; j 2f; 1: j fail; 2:
  BR_TAKEN(120, beq, 5, 5)
  BR_TAKEN(121, beq, -1, -1)
  BR_NOT(122, beq, 0, 1)
  BR_NOT(123, beq, 0x100000000, 0)
  BR_TAKEN(124, bne, 0x100000000, 0)
  BR_NOT(125, bne, -3, -3)
  BR_TAKEN(126, blt, -1, 0)
  BR_TAKEN(127, blt, 0x8000000000000000, 0x7fffffffffffffff)
  BR_NOT(128, blt, 0, -1)
  BR_NOT(129, blt, 7, 7)
  BR_TAKEN(130, bge, 7, 7)
  BR_TAKEN(131, bge, 0, -1)
  BR_NOT(132, bge, -1, 0)
  BR_NOT(133, bge, 0x8000000000000000, 0x7fffffffffffffff)
  BR_TAKEN(134, bltu, 0, -1)
  BR_TAKEN(135, bltu, 0x7fffffffffffffff, 0x8000000000000000)
  BR_NOT(136, bltu, -1, 0)
  BR_NOT(137, bltu, 3, 3)
  BR_TAKEN(138, bgeu, -1, 0)
  BR_TAKEN(139, bgeu, 3, 3)
  BR_NOT(140, bgeu, 0, -1)
  BR_NOT(141, bgeu, 0x7fffffffffffffff, 0x8000000000000000)
  /* a backward loop */
  li TESTNUM, 142
  li a0, 0
  li a1, 10
1: addi a0, a0, 3
  addi a1, a1, -1
  bnez a1, 1b
  CHECK a0, 30

  /* ---- JAL / JALR ---- */
  li TESTNUM, 150
  jal ra, 1f
2: j fail
1: CHECK_ADDR ra, 2b
  li TESTNUM, 151
  li a0, 0
  jal x0, 1f            /* j: no link */
  li a0, 1
1: CHECK a0, 0
  li TESTNUM, 152
  la a1, 1f
  jalr a2, 0(a1)
3: j fail
1: CHECK_ADDR a2, 3b
  li TESTNUM, 153       /* jalr clears bit 0 of the target */
  la a1, 1f
  addi a1, a1, 1
  jalr a2, 0(a1)
3: j fail
  .balign 4
1: CHECK_ADDR a2, 3b
  li TESTNUM, 154       /* offset added before clearing bit 0 */
  la a1, 1f
  addi a1, a1, -7
  jalr a2, 8(a1)        /* target = 1f + 1 -> 1f */
3: j fail
  .balign 4
1: CHECK_ADDR a2, 3b
  li TESTNUM, 155       /* rd == rs1: the target uses the old rs1 */
  la a1, 1f
  jalr a1, 0(a1)
3: j fail
1: CHECK_ADDR a1, 3b
  li TESTNUM, 156       /* negative offset */
  la a1, 1f
  addi a1, a1, 16
  jalr x0, -16(a1)
  j fail
  .balign 4
1:
  li TESTNUM, 157       /* jal backwards, call/ret */
  j 2f
1: addi a0, a0, 1
  ret
2: li a0, 40
  call 1b
  call 1b
  CHECK a0, 42

  /* ---- loads and stores ---- */
  la s0, ldst_data
  TEST_CASE(160, a0, 0xffffffffffffff80, lb a0, 0(s0))
  TEST_CASE(161, a0, 0x0000000000000080, lbu a0, 0(s0))
  TEST_CASE(162, a0, 0x000000000000007f, lb a0, 1(s0))
  TEST_CASE(163, a0, 0xffffffffffff8000, lh a0, 2(s0))
  TEST_CASE(164, a0, 0x0000000000008000, lhu a0, 2(s0))
  TEST_CASE(165, a0, 0xffffffff80000000, lw a0, 4(s0))
  TEST_CASE(166, a0, 0x0000000080000000, lwu a0, 4(s0))
  TEST_CASE(167, a0, 0x7fffffff, lw a0, 8(s0))
  TEST_CASE(168, a0, 0x7fffffff, lwu a0, 8(s0))
  TEST_CASE(169, a0, 0x8000000000000001, ld a0, 16(s0))
  TEST_CASE(170, a0, 0x0807060504030201, ld a0, 24(s0))    /* little-endian */
  TEST_CASE(171, a0, 0x04030201, lw a0, 24(s0))
  TEST_CASE(172, a0, 0x0605, lh a0, 28(s0))
  TEST_CASE(173, a0, 0x08, lbu a0, 31(s0))
  TEST_CASE(174, a0, 0x0807060504030201, addi a1, s0, 32; ld a0, -8(a1))   /* negative offset */
  TEST_CASE(175, x0, 0, ld x0, 16(s0))

  la s1, ldst_scratch
  TEST_CASE(180, a0, 0x00000000000000ef, li a1, -1; sd a1, 0(s1); li a2, 0x12345678deadbeef; sd zero, 0(s1); sb a2, 0(s1); ld a0, 0(s1))
  TEST_CASE(181, a0, 0x000000000000beef, sd zero, 0(s1); sh a2, 0(s1); ld a0, 0(s1))
  TEST_CASE(182, a0, 0x00000000deadbeef, sd zero, 0(s1); sw a2, 0(s1); ld a0, 0(s1))
  TEST_CASE(183, a0, 0x12345678deadbeef, sd zero, 0(s1); sd a2, 0(s1); ld a0, 0(s1))
  TEST_CASE(184, a0, 0xffffffffffef0000, li a1, -1; sd a1, 0(s1); sh zero, 0(s1); sb a2, 2(s1); lw a0, 0(s1))
  TEST_CASE(185, a0, 0x00000000ffef0000, lwu a0, 0(s1))
  TEST_CASE(186, a0, 0xffffffffffffffef, lb a0, 2(s1))
  TEST_CASE(187, a0, 0xdeadbeef00000000, sd zero, 0(s1); sw a2, 4(s1); ld a0, 0(s1))
  TEST_CASE(188, a0, 0x5555, li a1, 0x5555; sh a1, 6(s1); lhu a0, 6(s1))
  TEST_CASE(189, a0, 0x12345678deadbeef, addi a1, s1, 64; sd a2, -56(a1); ld a0, 8(s1))
  TEST_CASE(190, a0, 0, sd x0, 8(s1); ld a0, 8(s1))
  /* load into the base register */
  TEST_CASE(191, s2, 0x8000000000000001, addi s2, s0, 16; ld s2, 0(s2))

  /* ---- FENCE, NOP-like forms ---- */
  TEST_CASE(200, a0, 1, li a0, 1; fence; fence rw, rw; fence.tso; fence r, r; nop)
  /* pause (Zihintpause, encoded as fence w,0) runs as a hint */
  TEST_CASE(201, a0, 2, li a0, 2; .word 0x0100000f)
  /* HINTs with rd = x0 do nothing */
  TEST_CASE(202, a0, 3, li a0, 3; slli x0, a0, 3; add x0, a0, a0; lui x0, 1)

HARNESS_END

  .data
  .balign 8
ldst_data:
  .byte 0x80, 0x7f
  .half 0x8000
  .word 0x80000000
  .word 0x7fffffff, 0
  .dword 0x8000000000000001
  .byte 1, 2, 3, 4, 5, 6, 7, 8
ldst_scratch:
  .dword 0, 0, 0, 0

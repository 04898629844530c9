/* rv64c.S: C extension: every RV64C integer instruction written with its explicit c. mnemonic (the
 * assembler refuses one that does not fit a 16-bit encoding), plus c.fld/c.fsd/c.fldsp/c.fsdsp as
 * raw halfwords, c.ebreak through a trap, the all-zero halfword (illegal) and link values of
 * c.jalr (pc + 2). RV64 has c.addiw/c.addw/c.subw/c.ld/c.sd where RV32 has c.jal/c.flw. */
#include "harness.h"

/* Assemble-time check that the code between two labels is exactly n bytes. */
.macro SIZE_IS from, to, n
  .if (\to - \from) != \n
  .error "unexpected instruction size"
  .endif
.endm

HARNESS_BEGIN

  la sp, c_stack + 512

  /* ---- immediates and moves ---- */
  TEST_CASE(1, a0, 31, c.li a0, 31)
  TEST_CASE(2, a0, -32, c.li a0, -32)
  TEST_CASE(3, s0, 0, c.li s0, 5; c.li s0, 0)
  TEST_CASE(4, a0, 0x1f000, c.lui a0, 0x1f)
  TEST_CASE(5, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)   /* nzimm sign-extended */
  TEST_CASE(6, a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
  TEST_CASE(7, t3, 0x1000, c.lui t3, 1)
  TEST_CASE(8, a0, 0x7fffffffffffffe0, li a0, 0x7fffffffffffffff; c.addi a0, -31)
  TEST_CASE(9, a0, 0x8000000000000000, li a0, 0x7fffffffffffffe1; c.addi a0, 31)
  TEST_CASE(10, a1, 0x1234, li a1, 0x1234; c.mv a0, a1; li a1, 0; c.mv a1, a0)
  TEST_CASE(11, t4, 0xfffffffffffffffe, li t4, -1; c.addi t4, -1)
  TEST_CASE(12, a0, 5, li a0, 5; c.nop)

  /* c.addiw: 32-bit add, sign-extended; imm 0 is sext.w */
  TEST_CASE(13, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
  TEST_CASE(14, a0, 0xffffffff87654321, li a0, 0x1234567887654321; c.addiw a0, 0)
  TEST_CASE(15, a0, 0x7fffffff, li a0, 0x80000000; c.addiw a0, -1)
  TEST_CASE(16, s1, 0xffffffffffffffe0, li s1, 0; c.addiw s1, -32)

  /* c.addi16sp / c.addi4spn */
  TEST_CASE(20, a0, -512, mv s2, sp; c.addi16sp sp, -512; sub a0, sp, s2; mv sp, s2)
  TEST_CASE(21, a0, 496, mv s2, sp; c.addi16sp sp, 496; sub a0, sp, s2; mv sp, s2)
  TEST_CASE(22, a0, 16, mv s2, sp; c.addi16sp sp, 16; sub a0, sp, s2; mv sp, s2)
  TEST_CASE(23, a0, 1020, c.addi4spn a0, sp, 1020; sub a0, a0, sp)
  TEST_CASE(24, s0, 4, c.addi4spn s0, sp, 4; sub s0, s0, sp)
  TEST_CASE(25, a5, 512, c.addi4spn a5, sp, 512; sub a5, a5, sp)

  /* ---- shifts and logic ---- */
  TEST_CASE(30, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
  TEST_CASE(31, a0, 0x100000000, li a0, 1; c.slli a0, 32)
  TEST_CASE(32, t0, 0x80000000, li t0, 1; c.slli t0, 31)
  TEST_CASE(33, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
  TEST_CASE(34, a0, 0x80000000, li a0, 0x8000000000000000; c.srli a0, 32)
  TEST_CASE(35, a0, 0xffffffffffffffff, li a0, 0x8000000000000000; c.srai a0, 63)
  TEST_CASE(36, a0, 0xffffffff80000000, li a0, 0x8000000000000000; c.srai a0, 32)
  TEST_CASE(37, a0, 0x0000000100000000, li a0, 0x8000000000000000; c.srai a0, 31; neg a0, a0)
  TEST_CASE(38, a0, 0x10, li a0, 0xff; c.andi a0, 0x10)
  TEST_CASE(39, a0, 0xffffffffffffffe0, li a0, -1; c.andi a0, -32)
  TEST_CASE(40, a0, 0x0f, li a0, 0xff; li a1, 0x0f; c.and a0, a1)
  TEST_CASE(41, a0, 0xff, li a0, 0xf0; li a1, 0x0f; c.or a0, a1)
  TEST_CASE(42, a0, 0xf0, li a0, 0xff; li a1, 0x0f; c.xor a0, a1)
  TEST_CASE(43, a0, -1, li a0, 0; li a1, 1; c.sub a0, a1)
  TEST_CASE(44, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; li a1, -1; c.sub a0, a1)
  TEST_CASE(45, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
  TEST_CASE(46, a0, 0x000000007fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
  TEST_CASE(47, a0, 0, li a0, 0x100000000; li a1, 0x100000000; c.addw a0, a1)
  TEST_CASE(48, s0, 3, li s0, 1; li a5, 2; c.add s0, a5)
  TEST_CASE(49, t6, 0x10, li t6, 8; c.add t6, t6)

  /* ---- loads and stores ---- */
  la s0, c_data
  TEST_CASE(50, a0, 0xffffffff80000000, c.lw a0, 0(s0))
  TEST_CASE(51, a0, 0x7fffffff, c.lw a0, 124(s0))
  TEST_CASE(52, a0, 0x8000000000000001, c.ld a0, 8(s0))
  TEST_CASE(53, a0, 0x1122334455667788, c.ld a0, 248(s0))
  TEST_CASE(54, a1, 0xffffffffdeadbeef, li a1, 0x12345678deadbeef; c.sw a1, 16(s0); c.lw a1, 16(s0))
  TEST_CASE(55, a1, 0x12345678deadbeef, li a1, 0x12345678deadbeef; c.sd a1, 24(s0); c.ld a1, 24(s0))
  TEST_CASE(56, a0, 0xdeadbeef, lwu a0, 16(s0))
  /* sp-relative */
  TEST_CASE(60, a0, 0xffffffffcafef00d, li a1, 0xcafef00d; c.swsp a1, 252(sp); c.lwsp a0, 252(sp))
  TEST_CASE(61, a0, 0x0123456789abcdef, li a1, 0x0123456789abcdef; c.sdsp a1, 504(sp); c.ldsp a0, 504(sp))
  TEST_CASE(62, ra, 42, li a1, 42; c.sdsp a1, 0(sp); c.ldsp ra, 0(sp))
  TEST_CASE(63, t2, 7, li a1, 7; c.swsp a1, 4(sp); c.lwsp t2, 4(sp))
  TEST_CASE(64, a0, 0xcafef00d, lwu a0, 252(sp))

  /* ---- control flow ---- */
  li TESTNUM, 70
  c.j 1f
  j fail
1:
  li TESTNUM, 71          /* c.j backwards */
  j 2f
1: c.j 3f
2: c.j 1b
  j fail
3:
  li TESTNUM, 72
  li a0, 0
  c.beqz a0, 1f
  j fail
1: li a0, 1
  c.beqz a0, fail
  li TESTNUM, 73
  c.bnez a0, 1f
  j fail
1: li a0, 0
  c.bnez a0, fail
  li TESTNUM, 74          /* 64-bit compare: 0x100000000 is not zero */
  li s1, 0x100000000
  c.beqz s1, fail
  c.bnez s1, 1f
  j fail
1:
  li TESTNUM, 75          /* c.beqz backwards */
  li a0, 3
  li a1, 0
2: addi a1, a1, 1
  addi a0, a0, -1
  c.bnez a0, 2b
  CHECK a1, 3

  li TESTNUM, 76          /* c.jr */
  la a1, 1f
  c.jr a1
  j fail
1:
  li TESTNUM, 77          /* c.jalr: link = pc + 2 */
  la a1, 1f
4: c.jalr a1
5: j fail
1: CHECK_ADDR ra, 5b
  SIZE_IS 4b, 5b, 2
  li TESTNUM, 78          /* c.jalr with the target in ra itself: target uses old ra */
  la ra, 1f
4: c.jalr ra
5: j fail
1: CHECK_ADDR ra, 5b
  li TESTNUM, 79          /* call/return through c.jalr / c.jr ra */
  li a0, 0
  la a2, c_func
  c.jalr a2
  c.jalr a2
  CHECK a0, 2

  /* ---- c.ebreak and illegal encodings ---- */
  TEST_TRAP(80, CAUSE_BREAKPOINT, c.ebreak)
  TEST_TRAP(81, CAUSE_ILLEGAL, .half 0x0000)            /* all-zero halfword */
  CHECK_MEM trap_tval, 0
  TEST_TRAP(82, CAUSE_ILLEGAL, .half 0x6001)            /* c.lui x0/x2 with nzimm = 0 (c.lui with rd=x0 nzimm=0) */
  TEST_TRAP(83, CAUSE_ILLEGAL, .half 0x6101)            /* c.addi16sp with nzimm = 0: reserved */
  TEST_TRAP(84, CAUSE_ILLEGAL, .half 0x2001)            /* c.addiw with rd = x0: reserved */
  TEST_TRAP(85, CAUSE_ILLEGAL, .half 0x4002)            /* c.lwsp with rd = x0: reserved */
  TEST_TRAP(86, CAUSE_ILLEGAL, .half 0x6002)            /* c.ldsp with rd = x0: reserved */
  TEST_TRAP(87, CAUSE_ILLEGAL, .half 0x8002)            /* c.jr with rs1 = x0: reserved */

  /* ---- a mixed 16/32-bit sequence at 2-byte alignment ---- */
  li TESTNUM, 90
  .balign 4
  c.li a0, 1
  addi a0, a0, 1          /* a 32-bit instruction at pc % 4 == 2 */
  c.addi a0, 1
  addi a0, a0, 1
  CHECK a0, 4

  /* ---- compressed floating-point loads/stores (D enabled for these lines only; needs FS) ---- */
  li t0, MSTATUS_FS
  csrs mstatus, t0
  la s0, c_data
  li TESTNUM, 95
  .option push
  .option arch, +d
  c.fld fs1, 8(s0)
  fmv.x.d a0, fs1
  .option pop
  CHECK a0, 0x8000000000000001
  li TESTNUM, 96
  .option push
  .option arch, +d
  c.fsd fs1, 24(s0)
  .option pop
  ld a0, 24(s0)
  CHECK a0, 0x8000000000000001
  li TESTNUM, 97
  .option push
  .option arch, +d
  c.fsdsp fs1, 8(sp)
  c.fldsp fa0, 8(sp)
  fmv.x.d a0, fa0
  .option pop
  CHECK a0, 0x8000000000000001
  ld a1, 8(sp)
  CHECK a1, 0x8000000000000001
  li t0, MSTATUS_FS
  csrc mstatus, t0
    .option push
  .option arch, +d
  TEST_TRAP(98, CAUSE_ILLEGAL, c.fld fs1, 8(s0))        /* c.fld with FS = off traps */
  .option pop

HARNESS_END

  .text
c_func:
  c.addi a0, 1
  c.jr ra

  .data
  .balign 8
c_data:
  .word 0x80000000, 0
  .dword 0x8000000000000001
  .dword 0, 0
  .fill 23, 4, 0
  .word 0x7fffffff               /* offset 124 */
  .fill 15, 8, 0
  .dword 0x1122334455667788      /* offset 248 */
  .balign 16
c_stack:
  .fill 128, 8, 0

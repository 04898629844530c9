/* zihintntl.S: the Zihintntl non-temporal locality hints NTL.P1, NTL.PALL, NTL.S1, NTL.ALL (ADD x0,
 * x0, x2..x5) and their compressed forms C.NTL.* (C.ADD x0, x2..x5) are HINTs: they retire without a
 * trap, write no register (x0 stays zero; every other register keeps its value, also the x2..x5
 * they name) and the memory access after them behaves as usual. The hints run in a loop long
 * enough for the JIT to translate it. Zicbop's prefetches (ORI hints) at the end. Written with .insn: the harness's -march lacks Zihintntl
 * (and GNU as 2.40 does not know it). QEMU 7.2 runs them as the plain ADD / C.ADD HINTs they are. */
#include "harness.h"

#define NTL_P1     .insn r 0x33, 0, 0, x0, x0, x2
#define NTL_PALL   .insn r 0x33, 0, 0, x0, x0, x3
#define NTL_S1     .insn r 0x33, 0, 0, x0, x0, x4
#define NTL_ALL    .insn r 0x33, 0, 0, x0, x0, x5
#define C_NTL_P1   .insn cr 2, 9, x0, x2
#define C_NTL_PALL .insn cr 2, 9, x0, x3
#define C_NTL_S1   .insn cr 2, 9, x0, x4
#define C_NTL_ALL  .insn cr 2, 9, x0, x5

#define ALL_NTL \
  NTL_P1; NTL_PALL; NTL_S1; NTL_ALL; \
  C_NTL_P1; C_NTL_PALL; C_NTL_S1; C_NTL_ALL

#define LOOPS 20000
#define VALUE(r) (0x0101010101010101 * (r))

HARNESS_BEGIN

  /* ---- encodings: what the assembler made of the .insn lines ---- */
  li TESTNUM, 1
  la a0, enc
  lwu a1, 0(a0)
  CHECK a1, 0x00200033              /* NTL.P1 = add x0, x0, x2 */
  lwu a1, 4(a0)
  CHECK a1, 0x00300033
  lwu a1, 8(a0)
  CHECK a1, 0x00400033
  lwu a1, 12(a0)
  CHECK a1, 0x00500033
  lhu a1, 16(a0)
  CHECK a1, 0x900a                  /* C.NTL.P1 = c.add x0, x2 */
  lhu a1, 18(a0)
  CHECK a1, 0x900e
  lhu a1, 20(a0)
  CHECK a1, 0x9012
  lhu a1, 22(a0)
  CHECK a1, 0x9016

  /* ---- every register keeps its value (gp, the test number, is 2 throughout) ---- */
  li TESTNUM, 2
  .irp r, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
  li x\r, VALUE(\r)
  .endr
  li x31, LOOPS
1: ALL_NTL
  addi x31, x31, -1
  bnez x31, 1b
  la gp, regs
  sd x0, 0(gp)
  .irp r, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  sd x\r, (\r * 8)(gp)
  .endr
  li TESTNUM, 3
  la a0, regs
  ld a1, 0(a0)
  CHECK a1, 0                       /* x0 */
  li a2, 1
2: li a3, 3                         /* gp held the base */
  beq a2, a3, 3f
  li a3, 31                         /* the loop counter, 0 at the end */
  li a4, 0
  beq a2, a3, 4f
  li a4, 0x0101010101010101
  mul a4, a4, a2
4: slli a3, a2, 3
  add a3, a3, a0
  ld a3, 0(a3)
  beq a3, a4, 3f
  mv TESTNUM, a2                    /* name the register that changed: test 3 + r */
  addi TESTNUM, TESTNUM, 3
  j fail
3: addi a2, a2, 1
  li a3, 32
  blt a2, a3, 2b

  /* ---- the access after a hint ---- */
  la a0, data
  li a1, 0x1234
  TEST_CASE(40, a2, 0x1234, NTL_ALL; sd a1, 0(a0); NTL_P1; ld a2, 0(a0))
  TEST_CASE(41, a2, 0x5678, li a1, 0x5678; C_NTL_S1; sd a1, 8(a0); C_NTL_PALL; ld a2, 8(a0))
  TEST_CASE(42, a2, 0x1234, C_NTL_ALL; lw a2, 0(a0))
  TEST_CASE(43, x0, 0, li sp, 7; NTL_P1; C_NTL_P1)

  /* ---- in S and U too ---- */
  GOTO_S(1f)
1: TEST_NO_TRAP(44, ALL_NTL)
  SGOTO_U(1f)
1: TEST_NO_TRAP(45, ALL_NTL)
  GOTO_M(1f)
1:

  /* ---- Zicbop's prefetches, PREFETCH.I/R/W offset(rs1): ORI x0, rs1, offset with the low five
   * immediate bits 0, 1, 3; hints too. They change nothing, even at an address nothing answers. ---- */
#define PREFETCH_I(off, rs1) .insn i 0x13, 6, x0, rs1, (off) | 0
#define PREFETCH_R(off, rs1) .insn i 0x13, 6, x0, rs1, (off) | 1
#define PREFETCH_W(off, rs1) .insn i 0x13, 6, x0, rs1, (off) | 3
  TEST_CASE(46, a0, 0x40000000, li a0, 0x40000000; PREFETCH_I(32, a0); PREFETCH_R(-64, a0); PREFETCH_W(0, a0))
  TEST_NO_TRAP(47, la a1, 1f; PREFETCH_R(0, a1); PREFETCH_W(64, a1); PREFETCH_I(96, a1))
1:

HARNESS_END

  .data
  .balign 8
enc:
  .option push
  .option norelax
  NTL_P1; NTL_PALL; NTL_S1; NTL_ALL
  C_NTL_P1; C_NTL_PALL; C_NTL_S1; C_NTL_ALL
  .option pop
  .balign 8
data: .dword 0, 0
  .bss
  .balign 8
regs: .skip 32 * 8

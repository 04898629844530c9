/* svinval.S: Svinval. In S-mode the sequence SFENCE.W.INVAL, SINVAL.VMA, SFENCE.INVAL.IR does what
 * SFENCE.VMA does: after a PTE change (of a page, fenced at that address; of a megapage, fenced at
 * another of its addresses; an unmapping, fenced globally) the new mapping is used. SINVAL.VMA needs
 * the same permissions as SFENCE.VMA: legal in M and S, illegal in U, and illegal in S when
 * mstatus.TVM = 1 (legal in M then). SFENCE.W.INVAL and SFENCE.INVAL.IR are legal in M and S,
 * illegal in U, and not affected by TVM ("always permitted in S-mode"). Illegal instructions report
 * their bits in mtval.
 *
 * QEMU: run with -cpu rv64,svinval=on. QEMU 7.2 deviates (compiled out with -DQEMU_DEVIATIONS): it
 * lets U-mode execute SFENCE.W.INVAL and SFENCE.INVAL.IR (as no-ops) instead of raising an
 * illegal-instruction exception. It also writes 0 to mtval / stval for SINVAL.VMA's
 * illegal-instruction exception (the spec lets an implementation write 0 or the instruction bits;
 * hartvm writes the bits, as for every other illegal instruction), so its flavour checks only the
 * cause there. The instructions are written with .insn: the harness's -march does not include
 * Svinval.
 *
 * Map (root = l2):
 *   l2[1]  VA 0x4000_0000 -> l1
 *           l1[0] -> l0: l0[0] VA 0x4000_0000 -> pg0, then pg1, then invalid
 *           l1[1] VA 0x4020_0000 2 MiB -> PA 0x8040_0000 RW, then PA 0x8060_0000
 *   l2[2]  VA 0x8000_0000 1 GiB -> PA 0x8000_0000 RWX (identity: code, data, tables) */
#include "harness.h"

#define SINVAL_VMA(rs1, rs2) .insn r 0x73, 0, 0x0b, x0, rs1, rs2
#define SFENCE_W_INVAL       .insn r 0x73, 0, 0x0c, x0, x0, x0
#define SFENCE_INVAL_IR      .insn r 0x73, 0, 0x0c, x0, x0, x1

#define VA_PAGE  0x40000000
#define VA_MEGA  0x40200000
#define MEGA_PA  0x80400000

/* SINVAL.VMA must raise an illegal-instruction exception (with mtval = its bits, but on QEMU 7.2). */
#ifdef QEMU_DEVIATIONS
#define TEST_ILLEGAL_SINVAL(n, ...) TEST_TRAP(n, CAUSE_ILLEGAL, __VA_ARGS__)
#else
#define TEST_ILLEGAL_SINVAL(n, ...) TEST_ILLEGAL(n, __VA_ARGS__)
#endif

/* The access must raise a page fault with cause and tval = VA (in register va). */
#define TEST_PF(n, cause, va, ...) \
  TEST_TRAP(n, cause, __VA_ARGS__); \
  CHECK_MEM_EQ trap_tval, va

HARNESS_BEGIN

  /* ---- encodings: what the assembler made of the .insn lines ---- */
  li TESTNUM, 1
  la a0, enc
  lwu a1, 0(a0)
  CHECK a1, 0x16b50073           /* sinval.vma a0, a1 */
  lwu a1, 4(a0)
  CHECK a1, 0x18000073           /* sfence.w.inval */
  lwu a1, 8(a0)
  CHECK a1, 0x18100073           /* sfence.inval.ir */

  /* ---- M-mode: all three retire ---- */
  li a0, VA_PAGE
  TEST_NO_TRAP(2, SFENCE_W_INVAL; SINVAL_VMA(zero, zero); SINVAL_VMA(a0, zero); SINVAL_VMA(a0, a1); SFENCE_INVAL_IR)

  /* ---- tables ---- */
  la s0, l2
  la s1, l1
  la s2, l0
  PTE_SET s0, 1, s1, PTE_V
  PTE_SET_PA s0, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  PTE_SET s1, 0, s2, PTE_V
  PTE_SET_PA s1, 1, MEGA_PA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  la a0, pg0
  PTE_SET s2, 0, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li t0, 0x1111111111111111
  sd t0, 0(a0)
  la a0, pg1
  li t0, 0x2222222222222222
  sd t0, 0(a0)
  li t0, MEGA_PA + 0x1000
  li t1, 0x4444444444444444
  sd t1, 0(t0)
  li t0, MEGA_PA + 0x201000      /* what VA_MEGA + 0x1000 reads once l1[1] points 2 MiB higher */
  li t1, 0x5555555555555555
  sd t1, 0(t0)
  srli a0, s0, 12
  li t0, SATP_MODE_SV39
  or s3, a0, t0                  /* s3 = our satp */
  csrw satp, s3
  sfence.vma

  /* ---- S-mode: the Svinval sequence replaces SFENCE.VMA ---- */
  GOTO_S(1f)
1:
  TEST_CASE(10, a0, 0x1111111111111111, li a1, VA_PAGE; ld a0, 0(a1))   /* cached now */
  li TESTNUM, 11                 /* remap the page, fence that address */
  la a0, pg1
  PTE_SET s2, 0, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a1, VA_PAGE
  SFENCE_W_INVAL
  SINVAL_VMA(a1, zero)
  SFENCE_INVAL_IR
  ld a0, 0(a1)
  CHECK a0, 0x2222222222222222
  li TESTNUM, 12                 /* a megapage, fenced at another 4 KiB of it */
  li a1, VA_MEGA + 0x1000
  ld a0, 0(a1)
  CHECK a0, 0x4444444444444444
  PTE_SET_PA s1, 1, MEGA_PA + 0x200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a2, VA_MEGA
  SFENCE_W_INVAL
  SINVAL_VMA(a2, zero)
  SFENCE_INVAL_IR
  ld a0, 0(a1)
  CHECK a0, 0x5555555555555555
  li TESTNUM, 13                 /* unmap the page, fence everything */
  li a1, VA_PAGE
  ld a0, 0(a1)
  PTE_RAW s2, 0, 0
  SFENCE_W_INVAL
  SINVAL_VMA(zero, zero)
  SFENCE_INVAL_IR
  TEST_PF(13, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li TESTNUM, 14                 /* map it again, fence with rs2 = the ASID (0) */
  li s4, 0
  la a0, pg0
  PTE_SET s2, 0, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a1, VA_PAGE
  SFENCE_W_INVAL
  SINVAL_VMA(a1, zero)
  SINVAL_VMA(zero, s4)           /* s4 = 0 */
  SFENCE_INVAL_IR
  ld a0, 0(a1)
  CHECK a0, 0x1111111111111111
  /* several SINVAL.VMAs between one SFENCE.W.INVAL and one SFENCE.INVAL.IR */
  li TESTNUM, 15
  la a0, pg1
  PTE_SET s2, 0, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET_PA s1, 1, MEGA_PA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a1, VA_PAGE
  li a2, VA_MEGA + 0x1000
  SFENCE_W_INVAL
  SINVAL_VMA(a2, zero)
  SINVAL_VMA(a1, zero)
  SFENCE_INVAL_IR
  ld a0, 0(a1)
  CHECK a0, 0x2222222222222222
  ld a0, 0(a2)
  CHECK a0, 0x4444444444444444
  GOTO_M(1f)
1:

  /* ---- mstatus.TVM = 1: SINVAL.VMA is illegal in S, the two fences are not ---- */
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  GOTO_S(1f)
1:
  li a1, VA_PAGE
  TEST_ILLEGAL_SINVAL(20, SINVAL_VMA(zero, zero))
  TEST_ILLEGAL_SINVAL(21, SINVAL_VMA(a1, zero))
  TEST_ILLEGAL_SINVAL(22, SINVAL_VMA(a1, a2))
  TEST_NO_TRAP(23, SFENCE_W_INVAL; SFENCE_INVAL_IR)
  TEST_ILLEGAL(24, sfence.vma)   /* as SFENCE.VMA */
  GOTO_M(1f)
1:
  TEST_NO_TRAP(25, SFENCE_W_INVAL; SINVAL_VMA(zero, zero); SINVAL_VMA(a1, zero); SFENCE_INVAL_IR)  /* TVM does not apply to M */
  li t0, MSTATUS_TVM
  csrc mstatus, t0

  /* ---- U-mode: all three are illegal ---- */
  csrw satp, zero
  sfence.vma
  GOTO_U(1f)
1:
  li a1, VA_PAGE
  TEST_ILLEGAL_SINVAL(30, SINVAL_VMA(zero, zero))
  TEST_ILLEGAL_SINVAL(31, SINVAL_VMA(a1, zero))
#ifndef QEMU_DEVIATIONS
  TEST_ILLEGAL(32, SFENCE_W_INVAL)
  TEST_ILLEGAL(33, SFENCE_INVAL_IR)
#endif
  TEST_ILLEGAL(34, sfence.vma)
  GOTO_M(1f)
1:
  /* the same with the illegal-instruction exception delegated to S */
  li t0, 1 << CAUSE_ILLEGAL
  csrw medeleg, t0
  la t0, harness_strap
  csrw stvec, t0
  GOTO_U(1f)
1:
  TEST_ILLEGAL_SINVAL(35, SINVAL_VMA(zero, zero))
  CHECK_MEM trap_priv, PRV_S
#ifndef QEMU_DEVIATIONS
  TEST_ILLEGAL(36, SFENCE_INVAL_IR)
  CHECK_MEM trap_priv, PRV_S
#endif
  GOTO_M(1f)
1:
  csrw medeleg, zero

HARNESS_END

  .data
  .balign 4
enc:
  SINVAL_VMA(a0, a1)
  SFENCE_W_INVAL
  SFENCE_INVAL_IR

  .bss
  .balign 4096
l2:  .skip 4096
l1:  .skip 4096
l0:  .skip 4096
pg0: .skip 4096
pg1: .skip 4096

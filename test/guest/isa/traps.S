/* traps.S: synchronous exceptions taken in M-mode: ecall from M/S/U (causes 11/9/8), ebreak (3)
 * with mepc, illegal instructions (2) with mtval = the instruction bits, load/store/fetch access
 * faults at unmapped physical addresses (5/7/1, mtval = address), misaligned loads and stores,
 * misaligned and faulting AMOs, and what trap entry and MRET do to mstatus.
 *
 * Open questions, answered the way QEMU 7.2 does it:
 *   - misaligned loads and stores (not LR/SC/AMO) are performed, not trapped, even across pages;
 *   - ebreak and c.ebreak leave mtval = 0;
 *   - mtval on illegal instruction = the instruction bits (16 bits for a compressed one, so the
 *     all-zero parcel gives 0).
 * Spec vs QEMU 7.2 (spec followed here, QEMU values under -DQEMU_DEVIATIONS): a misaligned AMO is
 * a store/AMO address-misaligned exception (6), QEMU raises 4; an AMO to an unmapped address is a
 * store/AMO access fault (7), QEMU raises 5; an MRET to a mode below M clears mstatus.MPRV
 * (privileged spec 1.12), QEMU 7.2 leaves it set. */
#include "harness.h"

#ifdef QEMU_DEVIATIONS
#define CAUSE_AMO_MISALIGNED CAUSE_MISALIGNED_LOAD
#define CAUSE_AMO_ACCESS     CAUSE_LOAD_ACCESS
#else
#define CAUSE_AMO_MISALIGNED CAUSE_MISALIGNED_STORE
#define CAUSE_AMO_ACCESS     CAUSE_STORE_ACCESS
#endif

#define UNMAPPED 0x10000

HARNESS_BEGIN

  /* ---- ecall / ebreak ---- */
  TEST_TRAP(1, CAUSE_ECALL_M, ecall)
  CHECK_MEM trap_tval, 0
  CHECK_MEM trap_priv, PRV_M
  .option push
  .option norvc
  TEST_TRAP(2, CAUSE_BREAKPOINT, ebreak)
  .option pop
  CHECK_MEM trap_tval, 0
  TEST_TRAP(3, CAUSE_BREAKPOINT, c.ebreak)
  CHECK_MEM trap_tval, 0
  /* registers survive a trap (the harness handler restores its temporaries) */
  TEST_CASE(4, a0, 0x1234, li a0, 0x1234; li t0, 1; li t1, 2; li t2, 3; SET_TRAP_RESUME(1f); ecall; 1: add t0, t0, t1; add t0, t0, t2; CHECK t0, 6)

  /* ecall from S-mode and U-mode */
  GOTO_S(1f)
1:
  TEST_TRAP(5, CAUSE_ECALL_S, ecall)
  CHECK_MEM trap_priv, PRV_M
  li TESTNUM, 6                  /* MPP recorded S */
  ld a0, trap_status
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK a0, PRV_S
  GOTO_M(1f)
1:
  GOTO_U(1f)
1:
  TEST_TRAP(7, CAUSE_ECALL_U, ecall)
  li TESTNUM, 8
  ld a0, trap_status
  srli a0, a0, 11
  andi a0, a0, 3
  CHECK a0, PRV_U
  GOTO_M(1f)
1:
  li TESTNUM, 9                  /* GOTO_M brought us back to M: M-only CSRs are accessible */
  csrr a0, mhartid
  CHECK a0, 0

  /* ---- illegal instructions: mtval = encoding ---- */
  TEST_ILLEGAL(10, .word 0x00000000)
  CHECK_MEM trap_tval, 0
  TEST_ILLEGAL(11, .word 0xffffffff)
  CHECK_MEM trap_tval, 0xffffffff
  TEST_ILLEGAL(12, .word 0x0000000b)                  /* custom-0 opcode */
  CHECK_MEM trap_tval, 0x0000000b
  TEST_ILLEGAL(13, .insn r 0x33, 1, 0x20, a0, a1, a2) /* "sll" with funct7 = 0x20 */
  TEST_ILLEGAL(14, .insn i 0x1b, 1, a0, a1, 0x20)     /* slliw with shamt[5] = 1 */
  TEST_ILLEGAL(15, .insn i 0x03, 7, a0, 0(a1))        /* load with funct3 = 7 */
  TEST_ILLEGAL(16, .insn s 0x23, 4, a0, 0(a1))        /* store with funct3 = 4 */
  TEST_ILLEGAL(17, .insn r 0x3b, 0, 0x01 | 0x20, a0, a1, a2)  /* OP-32 funct7 0x21 */
  TEST_ILLEGAL(18, .insn r 0x2f, 3, 0x7c, a0, a1, a2) /* AMO funct5 0x1f */
  TEST_ILLEGAL(19, .insn i 0x67, 1, a0, 0(a1))        /* jalr with funct3 = 1 */
  TEST_ILLEGAL(20, .insn b 0x63, 2, a0, a1, .+8)        /* branch funct3 = 2 */
  TEST_CASE(21, a0, 0x77, li a0, 0x77; SET_TRAP_RESUME(1f); .insn r 0x33, 1, 0x20, a0, a1, a2; j fail; 1:)  /* rd unchanged */

  /* ---- access faults at unmapped physical addresses ---- */
  li s0, UNMAPPED
  TEST_TRAP_TVAL(30, CAUSE_LOAD_ACCESS, UNMAPPED, ld a0, 0(s0))
  TEST_TRAP_TVAL(31, CAUSE_LOAD_ACCESS, UNMAPPED + 8, lbu a0, 8(s0))
  TEST_TRAP_TVAL(32, CAUSE_STORE_ACCESS, UNMAPPED, sd a0, 0(s0))
  TEST_TRAP_TVAL(33, CAUSE_STORE_ACCESS, UNMAPPED + 4, sw a0, 4(s0))
  TEST_TRAP_TVAL(34, CAUSE_LOAD_ACCESS, UNMAPPED, lr.d a0, (s0))
  TEST_TRAP_TVAL(35, CAUSE_AMO_ACCESS, UNMAPPED, amoadd.d a0, a1, (s0))
  TEST_TRAP_TVAL(36, CAUSE_AMO_ACCESS, UNMAPPED, amoswap.w a0, a1, (s0))
  li s1, 0x8000000000000000
  TEST_TRAP_TVAL(37, CAUSE_LOAD_ACCESS, 0x8000000000000000, ld a0, 0(s1))
  TEST_TRAP_TVAL(38, CAUSE_LOAD_ACCESS, UNMAPPED + 16, c.ld a0, 16(s0))
  TEST_CASE(39, a0, 0x99, li a0, 0x99; SET_TRAP_RESUME(1f); ld a0, 0(s0); j fail; 1:)  /* rd unchanged */
  /* instruction access fault: epc = tval = target, the jump's link is written */
  li TESTNUM, 40
  SET_TRAP_RESUME(2f)
  li s1, UNMAPPED
1: jalr ra, s1
  j fail
2: CHECK_MEM trap_cause, CAUSE_FETCH_ACCESS
  CHECK_MEM trap_epc, UNMAPPED
  CHECK_MEM trap_tval, UNMAPPED
  la a0, 1b + 4
  CHECK_EQ ra, a0
  li TESTNUM, 41
  SET_TRAP_RESUME(2f)
  li s1, 0x8000000000000000
  jr s1
  j fail
2: CHECK_MEM trap_cause, CAUSE_FETCH_ACCESS
  CHECK_MEM trap_tval, 0x8000000000000000

  /* ---- misaligned loads and stores: performed (QEMU) ---- */
  la s0, mis_data
  TEST_CASE(50, a0, 0x0011223344556677, ld a0, 1(s0))
  TEST_CASE(51, a0, 0x22334455, lw a0, 3(s0))
  TEST_CASE(52, a0, 0xffffffffff001122, lw a0, 6(s0))
  TEST_CASE(53, a0, 0xff001122, lwu a0, 6(s0))
  TEST_CASE(54, a0, 0x0011, lh a0, 7(s0))
  TEST_CASE(55, a0, 0xffffffffffffeeff, lh a0, 9(s0))
  TEST_CASE(56, a0, 0xeeff, lhu a0, 9(s0))
  TEST_CASE(57, a0, 0xccddeeff00112233, ld a0, 5(s0))
  TEST_CASE(58, a0, 0xffffffffccddeeff, c.addi s0, 1; c.lw a0, 8(s0); c.addi s0, -1)
  la s1, mis_buf
  TEST_CASE(59, a0, 0x0807060504030201, li a1, 0x0807060504030201; sd zero, 0(s1); sd zero, 8(s1); sd a1, 3(s1); ld a0, 3(s1))
  TEST_CASE(60, a0, 0x0504030201000000, ld a0, 0(s1))
  TEST_CASE(61, a0, 0x0000000000080706, ld a0, 8(s1))
  TEST_CASE(62, a0, 0x0000000000080706, li a1, 0xaabb; sh a1, 7(s1); ld a0, 8(s1); srli a0, a0, 0; ld a2, 0(s1); srli a2, a2, 56; CHECK a2, 0xbb; ld a0, 8(s1); andi a2, a0, 0xff; CHECK a2, 0xaa; li a0, 0x0000000000080706)
  TEST_CASE(63, a0, 0xdeadbeef, li a1, 0xdeadbeef; sw a1, 13(s1); lwu a0, 13(s1))
  /* across a page boundary */
  la s2, mis_page + 4096
  TEST_CASE(64, a0, 0x1122334455667788, li a1, 0x1122334455667788; sd a1, -3(s2); ld a0, -3(s2))
  TEST_CASE(65, a0, 0x55667788, lwu a0, -3(s2))
  TEST_CASE(66, a0, 0x11223344, lwu a0, 1(s2))
  TEST_CASE(67, a0, 0xffffffffffff8855, li a1, 0x8855; sh a1, -1(s2); lh a0, -1(s2))

  /* ---- misaligned atomics trap; tval = address ---- */
  la s0, mis_data
  addi s1, s0, 2
  TEST_TRAP(70, CAUSE_AMO_MISALIGNED, amoadd.w a0, a1, (s1))
  CHECK_MEM_EQ trap_tval, s1
  TEST_TRAP(71, CAUSE_AMO_MISALIGNED, amoswap.d a0, a1, (s1))
  CHECK_MEM_EQ trap_tval, s1
  addi s1, s0, 4
  TEST_TRAP(72, CAUSE_AMO_MISALIGNED, amoor.d a0, a1, (s1))
  CHECK_MEM_EQ trap_tval, s1
  TEST_TRAP(73, CAUSE_MISALIGNED_LOAD, lr.d a0, (s1))
  CHECK_MEM_EQ trap_tval, s1
  addi s1, s0, 1
  TEST_TRAP(74, CAUSE_MISALIGNED_LOAD, lr.w a0, (s1))
  CHECK_MEM_EQ trap_tval, s1
  TEST_TRAP(75, CAUSE_AMO_MISALIGNED, amomaxu.w a0, a1, (s1))
  CHECK_MEM_EQ trap_tval, s1
  li TESTNUM, 76                 /* the memory was not modified */
  ld a0, 0(s0)
  CHECK a0, 0x1122334455667788

  /* ---- trap entry and MRET: MIE/MPIE/MPP ---- */
  li TESTNUM, 80                 /* entry: MPIE <- MIE, MIE <- 0, MPP <- M */
  csrw mie, zero
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  SET_TRAP_RESUME(1f)
  ecall
1: ld a0, trap_status
  andi a1, a0, MSTATUS_MIE
  CHECK a1, 0
  andi a1, a0, MSTATUS_MPIE
  CHECK a1, MSTATUS_MPIE
  li a2, MSTATUS_MPP
  and a1, a0, a2
  CHECK a1, MSTATUS_MPP_M
  li TESTNUM, 81                 /* mret: MIE <- MPIE, MPIE <- 1, MPP <- U; to M */
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  li t0, MSTATUS_MPIE | MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1: csrr a0, mstatus
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  andi a1, a0, MSTATUS_MIE
  CHECK a1, MSTATUS_MIE
  andi a1, a0, MSTATUS_MPIE
  CHECK a1, MSTATUS_MPIE
  li a2, MSTATUS_MPP
  and a1, a0, a2
  CHECK a1, 0
  li TESTNUM, 82                 /* mret with MPIE = 0 leaves MIE = 0 */
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
  j fail
1: csrr a0, mstatus
  andi a1, a0, MSTATUS_MIE
  CHECK a1, 0
#ifndef QEMU_DEVIATIONS
  li TESTNUM, 83                 /* mret to U clears MPRV (priv. spec 1.12; QEMU 7.2 keeps it) */
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  GOTO_U(1f)
1: SET_TRAP_RESUME(2f)
  ecall
2: GOTO_M(3f)
3: ld a0, trap_status
  li a1, MSTATUS_MPRV
  and a0, a0, a1
  CHECK a0, 0
  csrr a0, mstatus
  and a0, a0, a1
  CHECK a0, 0
#endif
  li TESTNUM, 84                 /* mepc is the target of mret, with bit 1 honoured (C) */
  la t0, 1f
  csrw mepc, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  mret
  j fail
  .balign 4
  c.nop
1: c.nop

HARNESS_END

  .data
  .balign 8
mis_data:
  .dword 0x1122334455667788, 0x99aabbccddeeff00
mis_buf:
  .dword 0, 0, 0, 0
  .balign 4096
mis_page:
  .skip 8192

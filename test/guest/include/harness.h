/*
 * harness.h: hartvm's own assembler harness for bare-metal ISA test programs (QEMU virt machine,
 * M-mode entry at 0x8000_0000 with a0 = hartid, as with `-bios none`).
 *
 * A test file looks like:
 *     #include "harness.h"
 *     HARNESS_BEGIN
 *       TEST_RR(1, add, 3, 1, 2)
 *       TEST_CASE(2, a0, 5, li a0, 2; addi a0, a0, 3)
 *     HARNESS_END
 *
 * Exit convention (sifive_test finisher at 0x10_0000): PASS writes 0x5555 (QEMU exits 0); a failing
 * check writes (n << 16) | 0x3333 where n = TESTNUM (gp), 1..255, so the exit status names the
 * failing test. TESTNUM 0 or > 255 at failure becomes 255. An unexpected trap prints its cause, epc
 * and tval on the UART and fails with the current TESTNUM.
 *
 * Reserved registers: gp (TESTNUM); t5 and t6 are scratch for the macros; TEST_TRAP clobbers a7.
 * The macros use the numeric local labels 70..79: do not use them in test code.
 * The trap handlers clobber mscratch / sscratch while they run.
 *
 * Traps: the M-mode handler (mtvec, direct mode) and the S-mode handler (harness_strap; a test puts
 * it in stvec before delegating) both record cause, epc, tval, the status register, which handler
 * ran (3 = M, 1 = S) and a count into trap_cause, trap_epc, trap_tval, trap_status, trap_priv,
 * trap_count. Then, in this order:
 *   - a trap whose epc is inside pass/fail ends the run there (so pass/fail work from any mode);
 *   - ecall with a7 = HARNESS_FAIL / HARNESS_PASS ends the run (the S handler forwards to M);
 *   - ecall with a7 = HARNESS_GOTO_M resumes at the address in t6 in M-mode with MIE = 0 (GOTO_M);
 *   - an interrupt clears its enable bit in mie/sie and xPIE (so the resumed code runs with it
 *     disabled, in any mode) and resumes at trap_resume if it is set, else at epc;
 *   - an exception resumes at trap_resume (then cleared) in the privilege it came from; with no
 *     trap_resume set it is unexpected and fails the test.
 */
#ifndef HARTVM_HARNESS_H
#define HARTVM_HARNESS_H

#define TESTNUM gp

/* Machine (QEMU virt). */
#include "virt.h"

/* Harness ecall magic values in a7. */
#define HARNESS_FAIL    0x4641494c
#define HARNESS_PASS    0x50415353
#define HARNESS_GOTO_M  0x474f4d

/* mstatus / sstatus bits. */
#define MSTATUS_SIE     (1 << 1)
#define MSTATUS_MIE     (1 << 3)
#define MSTATUS_SPIE    (1 << 5)
#define MSTATUS_UBE     (1 << 6)
#define MSTATUS_MPIE    (1 << 7)
#define MSTATUS_SPP     (1 << 8)
#define MSTATUS_MPP     (3 << 11)
#define MSTATUS_MPP_S   (1 << 11)
#define MSTATUS_MPP_M   (3 << 11)
#define MSTATUS_FS      (3 << 13)
#define MSTATUS_MPRV    (1 << 17)
#define MSTATUS_SUM     (1 << 18)
#define MSTATUS_MXR     (1 << 19)
#define MSTATUS_TVM     (1 << 20)
#define MSTATUS_TW      (1 << 21)
#define MSTATUS_TSR     (1 << 22)
#define MSTATUS_UXL     (3 << 32)
#define MSTATUS_SXL     (3 << 34)

/* Interrupt bits (mip / mie). */
#define MIP_SSIP        (1 << 1)
#define MIP_MSIP        (1 << 3)
#define MIP_STIP        (1 << 5)
#define MIP_MTIP        (1 << 7)
#define MIP_SEIP        (1 << 9)
#define MIP_MEIP        (1 << 11)

/* Exception causes. */
#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL           2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_U           8
#define CAUSE_ECALL_S           9
#define CAUSE_ECALL_M           11
#define CAUSE_FETCH_PAGE        12
#define CAUSE_LOAD_PAGE         13
#define CAUSE_STORE_PAGE        15
#define CAUSE_INTERRUPT         0x8000000000000000
#define IRQ_S_SOFT              (CAUSE_INTERRUPT | 1)
#define IRQ_M_SOFT              (CAUSE_INTERRUPT | 3)
#define IRQ_S_TIMER             (CAUSE_INTERRUPT | 5)
#define IRQ_M_TIMER             (CAUSE_INTERRUPT | 7)

/* Privilege levels (mstatus.MPP values). */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* Page-table entries and satp modes. */
#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define SATP_MODE_SV39 (8 << 60)
#define SATP_MODE_SV48 (9 << 60)
#define SATP_MODE_SV57 (10 << 60)

/* Offsets in harness_data. */
#define HD_RESUME 0
#define HD_CAUSE  8
#define HD_EPC    16
#define HD_TVAL   24
#define HD_STATUS 32
#define HD_PRIV   40
#define HD_COUNT  48
#define HD_SAVE   56

#ifdef __ASSEMBLER__

/* ---- checks ------------------------------------------------------------------------------ */

/* Fail with TESTNUM unless register \reg equals the 64-bit constant \expect. */
.macro CHECK reg, expect
.ifc \reg, t6
  li t5, \expect
  beq t6, t5, .Lchk_ok\@
.else
.ifc \reg, x31
  li t5, \expect
  beq t6, t5, .Lchk_ok\@
.else
  li t6, \expect
  beq \reg, t6, .Lchk_ok\@
.endif
.endif
  j fail
.Lchk_ok\@:
.endm

/* Fail unless register \reg holds the address of symbol/label \sym. */
.macro CHECK_ADDR reg, sym
  la t6, \sym
  beq \reg, t6, .Lchka_ok\@
  j fail
.Lchka_ok\@:
.endm

/* Fail unless registers \a and \b are equal. */
.macro CHECK_EQ a, b
  beq \a, \b, .Lchke_ok\@
  j fail
.Lchke_ok\@:
.endm

/* Fail unless the doubleword at symbol \sym equals \expect. */
.macro CHECK_MEM sym, expect
  ld t5, \sym
  li t6, \expect
  beq t5, t6, .Lchkm_ok\@
  j fail
.Lchkm_ok\@:
.endm

/* Fail unless the doubleword at symbol \sym equals register \reg (not t5/t6). */
.macro CHECK_MEM_EQ sym, reg
  ld t5, \sym
  beq t5, \reg, .Lchkmr_ok\@
  j fail
.Lchkmr_ok\@:
.endm

/* Fail unless the doubleword at symbol \sym holds the address of label \lab. */
.macro CHECK_MEM_ADDR sym, lab
  ld t5, \sym
  la t6, \lab
  beq t5, t6, .Lchkma_ok\@
  j fail
.Lchkma_ok\@:
.endm

/* Fail unless the recorded tval holds the bits of the instruction at the recorded epc (16 bits
 * for a compressed instruction, 32 otherwise): the illegal-instruction convention. */
.macro CHECK_TVAL_INSN
  ld t5, trap_epc
  lhu t6, 0(t5)
  andi t6, t6, 3
  li t5, 3
  bne t6, t5, .Lchkti_16\@
  ld t5, trap_epc
  lwu t6, 0(t5)
  j .Lchkti_cmp\@
.Lchkti_16\@:
  ld t5, trap_epc
  lhu t6, 0(t5)
.Lchkti_cmp\@:
  ld t5, trap_tval
  beq t5, t6, .Lchkti_ok\@
  j fail
.Lchkti_ok\@:
.endm

/* Fail unless CSR \csr equals \expect. */
.macro CHECK_CSR csr, expect
  csrr t5, \csr
  li t6, \expect
  beq t5, t6, .Lchkc_ok\@
  j fail
.Lchkc_ok\@:
.endm

/* TEST_CASE(n, reg, expect, code...): run code, then check that reg == expect. */
#define TEST_CASE(n, reg, expect, ...) \
  li TESTNUM, n; \
  __VA_ARGS__; \
  CHECK reg, expect

/* Register-register op: a0 = op(a1 = x, a2 = y). */
#define TEST_RR(n, op, expect, x, y) \
  TEST_CASE(n, a0, expect, li a1, x; li a2, y; op a0, a1, a2)

/* Register-immediate op: a0 = op(a1 = x, imm). */
#define TEST_RI(n, op, expect, x, imm) \
  TEST_CASE(n, a0, expect, li a1, x; op a0, a1, imm)

/* rd == rs1 == rs2 */
#define TEST_RR_SAME(n, op, expect, x) \
  TEST_CASE(n, a1, expect, li a1, x; op a1, a1, a1)

/* rd == rs1, register-immediate */
#define TEST_RI_SAME(n, op, expect, x, imm) \
  TEST_CASE(n, a1, expect, li a1, x; op a1, a1, imm)

/* rd = x0 stays zero */
#define TEST_RR_ZERO(n, op, x, y) \
  TEST_CASE(n, x0, 0, li a1, x; li a2, y; op x0, a1, a2)

/* Set trap_resume to label lab (the next trap resumes there). */
#define SET_TRAP_RESUME(lab) la t6, lab; sd t6, trap_resume, t5

/* Clear the trap count (and the recorded cause). */
#define CLEAR_TRAPS sd zero, trap_count, t5; li t6, -1; sd t6, trap_cause, t5

/*
 * TEST_TRAP(n, cause, insn...): the code must trap at its first instruction with mcause/scause =
 * cause; checks the recorded cause and epc, then continues after the code.
 */
#define TEST_TRAP(n, cause, ...) \
  li TESTNUM, n; \
  SET_TRAP_RESUME(79f); \
  li t6, -1; sd t6, trap_cause, t5; \
  li a7, 0; \
78: __VA_ARGS__; \
  j fail; \
79: CHECK_MEM trap_cause, cause; \
  CHECK_MEM_ADDR trap_epc, 78b

/* TEST_TRAP and also check the recorded tval. */
#define TEST_TRAP_TVAL(n, cause, tval, ...) \
  TEST_TRAP(n, cause, __VA_ARGS__); \
  CHECK_MEM trap_tval, tval

/* The instruction must raise an illegal-instruction exception with tval = its encoding. */
#define TEST_ILLEGAL(n, ...) \
  TEST_TRAP(n, CAUSE_ILLEGAL, __VA_ARGS__); \
  CHECK_TVAL_INSN

/* TEST_NO_TRAP(n, code...): the code must run without any trap. */
#define TEST_NO_TRAP(n, ...) \
  li TESTNUM, n; \
  sd zero, trap_count, t5; \
  __VA_ARGS__; \
  CHECK_MEM trap_count, 0

/* ---- page tables ---------------------------------------------------------------------------- */

/* table[index] = PTE for physical address in register \pa with \flags (clobbers t5, t6). */
.macro PTE_SET table, index, pa, flags
  srli t6, \pa, 12
  slli t6, t6, 10
  li t5, \flags
  or t6, t6, t5
  li t5, (\index) * 8
  add t5, t5, \table
  sd t6, 0(t5)
.endm

/* table[index] = PTE for the physical address constant \pa (clobbers t4, t5, t6). */
.macro PTE_SET_PA table, index, pa, flags
  li t4, \pa
  PTE_SET \table, \index, t4, \flags
.endm

/* table[index] = raw value (clobbers t5, t6). */
.macro PTE_RAW table, index, value
  li t6, \value
  li t5, (\index) * 8
  add t5, t5, \table
  sd t6, 0(t5)
.endm

/* ---- privilege changes ------------------------------------------------------------------- */

/* From M-mode: continue at label lab in privilege priv (PRV_U / PRV_S / PRV_M) via mret.
 * MPIE is cleared first, so mstatus.MIE = 0 afterwards. */
#define GOTO_PRIV(priv, lab) \
  li t6, MSTATUS_MPP | MSTATUS_MPIE; csrc mstatus, t6; \
  li t6, ((priv) << 11); csrs mstatus, t6; \
  la t6, lab; csrw mepc, t6; \
  mret

#define GOTO_U(lab) GOTO_PRIV(PRV_U, lab)
#define GOTO_S(lab) GOTO_PRIV(PRV_S, lab)

/* From S-mode: continue at lab in U-mode via sret. */
#define SGOTO_U(lab) \
  li t6, MSTATUS_SPP; csrc sstatus, t6; \
  la t6, lab; csrw sepc, t6; \
  sret

/* From any mode (not M itself, where it also works): continue at lab in M-mode (ecall). */
#define GOTO_M(lab) \
  la t6, lab; li a7, HARNESS_GOTO_M; ecall

/* End the run. */
#define PASS j pass
#define FAIL j fail

/* ---- start-up, handlers, data -------------------------------------------------------------- */

#define HARNESS_BEGIN \
  .section .text.init, "ax", @progbits; \
  .globl _start; \
  .option push; .option norvc; \
_start: \
  j harness_reset; \
  .option pop; \
  .text; \
harness_reset: \
  bnez a0, harness_park; \
  HARNESS_INIT_REGS; \
  la t0, harness_pmp_done; csrw mtvec, t0; \
  li t0, 0x3fffffffffffff; csrw pmpaddr0, t0; \
  li t0, 0x1f; csrw pmpcfg0, t0; \
  .balign 4; \
harness_pmp_done: \
  la t0, harness_mtrap; csrw mtvec, t0; \
  csrw mie, zero; csrw mideleg, zero; csrw medeleg, zero; csrw satp, zero; \
  li t0, MSTATUS_MIE | MSTATUS_SIE | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR; \
  csrc mstatus, t0; \
  li t0, CLINT_MTIMECMP; li t1, -1; sd t1, 0(t0); \
  li t0, CLINT_MSIP; sw zero, 0(t0); \
  la t0, __bss_start; la t1, __bss_end; \
harness_bss_loop: \
  bgeu t0, t1, harness_bss_done; \
  sd zero, 0(t0); addi t0, t0, 8; j harness_bss_loop; \
harness_bss_done: \
  la sp, __stack_top; \
  li t0, 0; li t1, 0; \
  li TESTNUM, 0; \
  j harness_test_main; \
harness_park: \
  wfi; \
  j harness_park; \
harness_test_main:

#define HARNESS_INIT_REGS \
  li x1, 0; li x2, 0; li x3, 0; li x4, 0; li x5, 0; li x6, 0; li x7, 0; \
  li x8, 0; li x9, 0; li x11, 0; li x12, 0; li x13, 0; li x14, 0; li x15, 0; \
  li x16, 0; li x17, 0; li x18, 0; li x19, 0; li x20, 0; li x21, 0; li x22, 0; li x23, 0; \
  li x24, 0; li x25, 0; li x26, 0; li x27, 0; li x28, 0; li x29, 0; li x30, 0; li x31, 0

#define HARNESS_END \
  j pass; \
  HARNESS_ROUTINES; \
  HARNESS_DATA

.macro HARNESS_ROUTINES
  .text
  /* rvc on while aligning: with norvc, a 2-byte pad cannot be made and .balign silently fails */
  .option push
  .option rvc
  .balign 4
/* pass / fail: direct finisher writes; they work from any mode that can reach the finisher, and a
 * trap taken inside them is turned into the same result by the handlers. */
pass:
  fence
  li t6, FINISHER_BASE
  li t5, FINISHER_PASS
  sw t5, 0(t6)
1: wfi
  j 1b
pass_end:

fail:
  fence
  mv t5, TESTNUM
  addi t6, t5, -1
  sltiu t6, t6, 255
  bnez t6, 1f
  li t5, 255
1: slli t5, t5, 16
  li t6, FINISHER_FAIL
  or t5, t5, t6
  li t6, FINISHER_BASE
  sw t5, 0(t6)
2: wfi
  j 2b
fail_end:

/* M-mode trap handler (direct mode, 4-byte aligned). */
  .balign 4
  .globl harness_mtrap
harness_mtrap:
  csrw mscratch, t0
  la t0, harness_data
  sd t1, HD_SAVE+0(t0)
  sd t2, HD_SAVE+8(t0)
  sd t3, HD_SAVE+16(t0)
  csrr t1, mcause
  sd t1, HD_CAUSE(t0)
  csrr t1, mepc
  sd t1, HD_EPC(t0)
  csrr t1, mtval
  sd t1, HD_TVAL(t0)
  csrr t1, mstatus
  sd t1, HD_STATUS(t0)
  li t1, PRV_M
  sd t1, HD_PRIV(t0)
  ld t1, HD_COUNT(t0)
  addi t1, t1, 1
  sd t1, HD_COUNT(t0)
  /* a trap inside pass/fail */
  csrr t1, mepc
  la t2, pass
  la t3, pass_end
  bltu t1, t2, 1f
  bgeu t1, t3, 1f
  j harness_m_pass
1: la t2, fail
  la t3, fail_end
  bltu t1, t2, 2f
  bgeu t1, t3, 2f
  j harness_m_fail
2: /* harness ecalls */
  csrr t1, mcause
  addi t1, t1, -8
  li t2, 3
  bgtu t1, t2, 4f
  li t2, HARNESS_FAIL
  beq a7, t2, harness_m_fail
  li t2, HARNESS_PASS
  beq a7, t2, harness_m_pass
  li t2, HARNESS_GOTO_M
  bne a7, t2, 4f
  csrw mepc, t6
  li t1, MSTATUS_MPP
  csrs mstatus, t1
  li t1, MSTATUS_MPIE
  csrc mstatus, t1
  j harness_m_return
4: /* interrupts */
  csrr t1, mcause
  bgez t1, 5f
  li t2, 1
  sll t2, t2, t1
  csrc mie, t2
  li t1, MSTATUS_MPIE
  csrc mstatus, t1
  ld t1, HD_RESUME(t0)
  beqz t1, harness_m_return
  sd zero, HD_RESUME(t0)
  csrw mepc, t1
  j harness_m_return
5: /* expected exception */
  ld t1, HD_RESUME(t0)
  beqz t1, harness_m_unexpected
  sd zero, HD_RESUME(t0)
  csrw mepc, t1
harness_m_return:
  /* Returning to M-mode: MRET will set MPP to U, so a still-set MPRV would turn the test's next
   * data accesses into U-mode ones. Clear it (QEMU 7.2 hides this by not flushing its TLB on MRET). */
  csrr t1, mstatus
  li t2, MSTATUS_MPP
  and t1, t1, t2
  bne t1, t2, 1f
  li t1, MSTATUS_MPRV
  csrc mstatus, t1
1:
  ld t1, HD_SAVE+0(t0)
  ld t2, HD_SAVE+8(t0)
  ld t3, HD_SAVE+16(t0)
  csrr t0, mscratch
  mret

harness_m_unexpected:
  la a0, harness_msg_trap
  jal harness_puts
  la a0, harness_msg_cause
  jal harness_puts
  ld a0, trap_cause
  jal harness_puthex
  la a0, harness_msg_epc
  jal harness_puts
  ld a0, trap_epc
  jal harness_puthex
  la a0, harness_msg_tval
  jal harness_puts
  ld a0, trap_tval
  jal harness_puthex
  la a0, harness_msg_test
  jal harness_puts
  mv a0, TESTNUM
  jal harness_puthex
  li a0, '\n'
  jal harness_putc
harness_m_fail:
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  j fail
harness_m_pass:
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  j pass

/* UART output for the M-mode handler (clobbers a0-a3, ra via callers). */
harness_putc:
  li a1, UART0_BASE
1: lbu a2, 5(a1)
  andi a2, a2, 0x20
  beqz a2, 1b
  sb a0, 0(a1)
  ret
harness_puts:
  mv a3, ra
  mv t3, a0
1: lbu a0, 0(t3)
  beqz a0, 2f
  jal harness_putc
  addi t3, t3, 1
  j 1b
2: mv ra, a3
  ret
harness_puthex:
  mv t2, ra
  mv t3, a0
  li t1, 60
1: srl a0, t3, t1
  andi a0, a0, 15
  addi a0, a0, '0'
  li a2, '9'
  ble a0, a2, 2f
  addi a0, a0, 'a' - '0' - 10
2: jal harness_putc
  addi t1, t1, -4
  bgez t1, 1b
  mv ra, t2
  ret

/* S-mode trap handler: a test delegating traps puts this in stvec. */
  .balign 4
  .globl harness_strap
harness_strap:
  csrw sscratch, t0
  la t0, harness_data
  sd t1, HD_SAVE+0(t0)
  sd t2, HD_SAVE+8(t0)
  sd t3, HD_SAVE+16(t0)
  csrr t1, scause
  sd t1, HD_CAUSE(t0)
  csrr t1, sepc
  sd t1, HD_EPC(t0)
  csrr t1, stval
  sd t1, HD_TVAL(t0)
  csrr t1, sstatus
  sd t1, HD_STATUS(t0)
  li t1, PRV_S
  sd t1, HD_PRIV(t0)
  ld t1, HD_COUNT(t0)
  addi t1, t1, 1
  sd t1, HD_COUNT(t0)
  csrr t1, sepc
  la t2, pass
  la t3, pass_end
  bltu t1, t2, 1f
  bgeu t1, t3, 1f
  li a7, HARNESS_PASS
  j harness_s_forward
1: la t2, fail
  la t3, fail_end
  bltu t1, t2, 2f
  bgeu t1, t3, 2f
  li a7, HARNESS_FAIL
  j harness_s_forward
2: csrr t1, scause
  addi t1, t1, -8
  li t2, 1
  bgtu t1, t2, 4f
  li t2, HARNESS_FAIL
  beq a7, t2, harness_s_forward
  li t2, HARNESS_PASS
  beq a7, t2, harness_s_forward
  li t2, HARNESS_GOTO_M
  beq a7, t2, harness_s_forward
4: csrr t1, scause
  bgez t1, 5f
  li t2, 1
  sll t2, t2, t1
  csrc sie, t2
  li t1, MSTATUS_SPIE
  csrc sstatus, t1
  ld t1, HD_RESUME(t0)
  beqz t1, harness_s_return
  sd zero, HD_RESUME(t0)
  csrw sepc, t1
  j harness_s_return
5: ld t1, HD_RESUME(t0)
  bnez t1, 6f
  li a7, HARNESS_FAIL
  j harness_s_forward
6: sd zero, HD_RESUME(t0)
  csrw sepc, t1
harness_s_return:
  ld t1, HD_SAVE+0(t0)
  ld t2, HD_SAVE+8(t0)
  ld t3, HD_SAVE+16(t0)
  csrr t0, sscratch
  sret
harness_s_forward:
  ld t1, HD_SAVE+0(t0)
  ld t2, HD_SAVE+8(t0)
  ld t3, HD_SAVE+16(t0)
  csrr t0, sscratch
  ecall
  j fail
  .option pop
.endm

.macro HARNESS_DATA
  .section .rodata.harness, "a", @progbits
harness_msg_trap:  .string "harness: unexpected trap"
harness_msg_cause: .string " cause=0x"
harness_msg_epc:   .string " epc=0x"
harness_msg_tval:  .string " tval=0x"
harness_msg_test:  .string " test=0x"
  .section .data.harness, "aw", @progbits
  .balign 64
  .globl harness_data, trap_resume, trap_cause, trap_epc, trap_tval, trap_status, trap_priv, trap_count
harness_data:
trap_resume: .dword 0
trap_cause:  .dword 0
trap_epc:    .dword 0
trap_tval:   .dword 0
trap_status: .dword 0
trap_priv:   .dword 0
trap_count:  .dword 0
harness_save: .dword 0, 0, 0, 0
  .text
.endm

#endif /* __ASSEMBLER__ */
#endif /* HARTVM_HARNESS_H */

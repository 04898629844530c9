/* interrupts.S: M-mode interrupts from the CLINT: software interrupt (msip) and timer (mtimecmp),
 * mip reflecting the sources, the global enable (mstatus.MIE) and per-source enables (mie), WFI
 * returning for a pending enabled interrupt even with MIE = 0, priority (MSI before MTI), M
 * interrupts always enabled below M, mip.SSIP written by M-mode, and mtvec vectored mode
 * (interrupts at base + 4 * cause, exceptions at base). */
#include "harness.h"

#define SPIN_LIMIT 2000000

/* Spin until a trap resumes at trap_resume; fail after SPIN_LIMIT iterations. */
#define SPIN_FOR_TRAP \
  li t0, SPIN_LIMIT; \
77: addi t0, t0, -1; \
  bnez t0, 77b; \
  j fail

HARNESS_BEGIN

  li s0, CLINT_MSIP
  li s1, CLINT_MTIMECMP
  li s2, CLINT_MTIME

  /* ---- msip: pending bit, no trap while disabled ---- */
  li TESTNUM, 1
  csrr a0, mip
  andi a0, a0, MIP_MSIP | MIP_MTIP
  CHECK a0, 0
  li TESTNUM, 2
  li a0, 1
  sw a0, 0(s0)
  lw a1, 0(s0)
  CHECK a1, 1
  csrr a0, mip
  andi a0, a0, MIP_MSIP
  CHECK a0, MIP_MSIP
  /* enabled in mie but MIE = 0: no trap, and WFI still returns */
  TEST_NO_TRAP(3, li t0, MIP_MSIP; csrs mie, t0; li t0, 1000; 1: addi t0, t0, -1; bnez t0, 1b; wfi; wfi)
  /* MIE = 1: taken */
  li TESTNUM, 4
  CLEAR_TRAPS
  SET_TRAP_RESUME(1f)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  SPIN_FOR_TRAP
1: CHECK_MEM trap_cause, IRQ_M_SOFT
  CHECK_MEM trap_count, 1
  CHECK_CSR mie, 0               /* the harness disabled the source it took */
  li TESTNUM, 5                  /* entry cleared MIE; the harness cleared MPIE: still disabled */
  csrr a0, mstatus
  andi a0, a0, MSTATUS_MIE
  CHECK a0, 0
  ld a0, trap_status
  andi a0, a0, MSTATUS_MPIE
  CHECK a0, MSTATUS_MPIE         /* MPIE held the old MIE = 1 at entry */
  li TESTNUM, 6                  /* clearing msip clears mip.MSIP */
  sw zero, 0(s0)
  li t0, 100
1: csrr a0, mip
  andi a0, a0, MIP_MSIP
  beqz a0, 2f
  addi t0, t0, -1
  bnez t0, 1b
  j fail
2: csrw mie, zero

  /* ---- the timer ---- */
  li TESTNUM, 10                 /* mtimecmp in the past: MTIP pending */
  sd zero, 0(s1)
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHECK a0, MIP_MTIP
  li TESTNUM, 11                 /* mtimecmp far away: MTIP clear */
  li a0, -1
  sd a0, 0(s1)
  li t0, 100
1: csrr a0, mip
  andi a0, a0, MIP_MTIP
  beqz a0, 2f
  addi t0, t0, -1
  bnez t0, 1b
  j fail
2:
  li TESTNUM, 12                 /* timer interrupt taken from WFI */
  CLEAR_TRAPS
  ld a0, 0(s2)
  addi a0, a0, 1000              /* 100 us at 10 MHz */
  sd a0, 0(s1)
  li t0, MIP_MTIP
  csrw mie, t0
  SET_TRAP_RESUME(2f)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  li t1, 100000
1: wfi
  addi t1, t1, -1
  bnez t1, 1b
  j fail
2: CHECK_MEM trap_cause, IRQ_M_TIMER
  CHECK_MEM trap_count, 1
  li TESTNUM, 13                 /* mtime had reached mtimecmp */
  ld a0, 0(s2)
  ld a1, 0(s1)
  bltu a0, a1, fail
  li TESTNUM, 14                 /* rearming mtimecmp clears the pending bit */
  li a0, -1
  sd a0, 0(s1)
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  CHECK a0, 0
  li TESTNUM, 15                 /* with MIE = 0, WFI wakes up on the timer without a trap */
  CLEAR_TRAPS
  li t0, MIP_MTIP
  csrw mie, t0
  ld a0, 0(s2)
  addi a0, a0, 500
  sd a0, 0(s1)
  li t1, 100000
1: wfi
  csrr a0, mip
  andi a0, a0, MIP_MTIP
  bnez a0, 2f
  addi t1, t1, -1
  bnez t1, 1b
  j fail
2: CHECK_MEM trap_count, 0
  li a0, -1
  sd a0, 0(s1)
  csrw mie, zero

  /* ---- priority: MSI is taken before MTI ---- */
  li TESTNUM, 20
  CLEAR_TRAPS
  li a0, 1
  sw a0, 0(s0)
  sd zero, 0(s1)
  li t0, MIP_MSIP | MIP_MTIP
  csrw mie, t0
  SET_TRAP_RESUME(1f)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  SPIN_FOR_TRAP
1: CHECK_MEM trap_cause, IRQ_M_SOFT
  li TESTNUM, 21                 /* then the timer */
  sw zero, 0(s0)
  li t0, MIP_MTIP
  csrw mie, t0
  SET_TRAP_RESUME(1f)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  SPIN_FOR_TRAP
1: CHECK_MEM trap_cause, IRQ_M_TIMER
  li a0, -1
  sd a0, 0(s1)
  csrw mie, zero

  /* ---- M interrupts are enabled in U-mode whatever mstatus.MIE says ---- */
  li TESTNUM, 22
  CLEAR_TRAPS
  li a0, 1
  sw a0, 0(s0)
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  SET_TRAP_RESUME(2f)
  GOTO_U(1f)
1: SPIN_FOR_TRAP
2: GOTO_M(3f)                    /* the interrupt returned to U at 2f (MPP = U) */
3: CHECK_MEM trap_count, 2       /* the interrupt and the GOTO_M ecall */
  sw zero, 0(s0)
  csrw mie, zero
  li TESTNUM, 23                 /* the interrupt was recorded first: check its MPP via a rerun */
  CLEAR_TRAPS
  li a0, 1
  sw a0, 0(s0)
  li t0, MIP_MSIP
  csrw mie, t0
  SET_TRAP_RESUME(2f)
  GOTO_U(1f)
1: SPIN_FOR_TRAP
2: ld s3, trap_cause
  ld s4, trap_status
  GOTO_M(3f)
3: li t0, IRQ_M_SOFT
  CHECK_EQ s3, t0
  srli s4, s4, 11
  andi s4, s4, 3
  CHECK s4, PRV_U
  sw zero, 0(s0)
  csrw mie, zero

  /* ---- mip.SSIP is writable by M and raises an S software interrupt, taken in M when not
     delegated ---- */
  li TESTNUM, 30
  CLEAR_TRAPS
  li t0, MIP_SSIP
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, MIP_SSIP
  CHECK a0, MIP_SSIP
  li t0, MIP_SSIP
  csrw mie, t0
  SET_TRAP_RESUME(1f)
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  SPIN_FOR_TRAP
1: CHECK_MEM trap_cause, IRQ_S_SOFT
  li t0, MIP_SSIP
  csrc mip, t0
  csrr a0, mip
  andi a0, a0, MIP_SSIP
  CHECK a0, 0
  csrw mie, zero

  /* ---- vectored mtvec ---- */
  li TESTNUM, 40
  la t0, vec_table
  ori t0, t0, 1
  csrw mtvec, t0
  li s5, 0
  li s6, 0
  ecall                          /* exceptions go to base */
  li t0, CAUSE_ECALL_M
  CHECK_EQ s5, t0
  CHECK s6, 0
  li TESTNUM, 41                 /* software interrupt: base + 4 * 3 */
  li s5, 0
  li a0, 1
  sw a0, 0(s0)
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  li t0, SPIN_LIMIT
1: bnez s5, 2f
  addi t0, t0, -1
  bnez t0, 1b
  j fail
2: li t0, MSTATUS_MIE
  csrc mstatus, t0
  li t0, IRQ_M_SOFT
  CHECK_EQ s5, t0
  CHECK s6, 3
  li TESTNUM, 42                 /* timer interrupt: base + 4 * 7 */
  li s5, 0
  ld a0, 0(s2)
  addi a0, a0, 200
  sd a0, 0(s1)
  li t0, MIP_MTIP
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  li t0, SPIN_LIMIT
1: bnez s5, 2f
  addi t0, t0, -1
  bnez t0, 1b
  j fail
2: li t0, MSTATUS_MIE
  csrc mstatus, t0
  li t0, IRQ_M_TIMER
  CHECK_EQ s5, t0
  CHECK s6, 7
  csrw mie, zero
  la t0, harness_mtrap
  csrw mtvec, t0

HARNESS_END

  /* Vector table: entry n is at base + 4 n; each handler records mcause in s5 and the entry
     number in s6. */
  .text
  .balign 256
  .option push
  .option norvc
vec_table:
  j vec_exc
  j vec_bad
  j vec_bad
  j vec_msi
  j vec_bad
  j vec_bad
  j vec_bad
  j vec_mti
  j vec_bad
  j vec_bad
  j vec_bad
  j vec_bad
  .option pop
vec_bad:
  la t0, harness_mtrap
  csrw mtvec, t0
  j fail
vec_exc:
  csrr s5, mcause
  li s6, 0
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
vec_msi:
  csrr s5, mcause
  li s6, 3
  li t0, CLINT_MSIP
  sw zero, 0(t0)
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  mret
vec_mti:
  csrr s5, mcause
  li s6, 7
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  mret

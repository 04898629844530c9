/* privilege.S: M/S/U modes: MRET into S and U, CSR privilege checks (U-mode access to S/M CSRs,
 * S-mode access to M CSRs, xRET from too low a mode), mstatus TVM/TSR/TW, WFI in U, counter access
 * through mcounteren/scounteren, exception delegation with medeleg to the S handler (scause, sepc,
 * stval, SPP), SRET, sstatus as a view of mstatus, sie/sip masked by mideleg, delegated S
 * interrupts taken in S and U but never in M. (MPRV is tested with paging, in vm-sv39.S.) */
#include "harness.h"

#define SPIN_FOR_TRAP \
  li t0, 2000000; \
77: addi t0, t0, -1; \
  bnez t0, 77b; \
  j fail

/* Extract mstatus-style field bits from the recorded status. */
#define CHECK_STATUS_BITS(mask, expect) ld a0, trap_status; li a1, mask; and a0, a0, a1; CHECK a0, expect

HARNESS_BEGIN

  la t0, harness_strap
  csrw stvec, t0

  /* ---- S-mode without delegation: M CSRs and MRET are illegal, traps go to M ---- */
  GOTO_S(1f)
1:
  TEST_ILLEGAL(1, csrr a0, mstatus)
  CHECK_MEM trap_priv, PRV_M
  CHECK_STATUS_BITS(MSTATUS_MPP, MSTATUS_MPP_S)
  TEST_ILLEGAL(2, csrr a0, mscratch)
  TEST_ILLEGAL(3, csrr a0, mhartid)
  TEST_ILLEGAL(4, csrw mtvec, a0)
  TEST_ILLEGAL(5, csrr a0, medeleg)
  TEST_ILLEGAL(6, csrr a0, mcounteren)
  TEST_ILLEGAL(7, mret)
  TEST_ILLEGAL(8, csrr a0, pmpcfg0)
  TEST_CASE(9, a0, 0x5a, li a1, 0x5a; csrw sscratch, a1; csrr a0, sscratch)
  TEST_NO_TRAP(10, csrr a0, sstatus; csrr a0, sie; csrr a0, sip; csrr a0, stvec; csrr a0, satp; csrr a0, scounteren; csrr a0, sepc; csrr a0, scause; csrr a0, stval)
  TEST_TRAP(11, CAUSE_ECALL_S, ecall)
  /* sret with SPP = S stays in S (a CSR only S can read proves it) */
  li TESTNUM, 12
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
  j fail
2: csrr a0, sscratch
  CHECK a0, 0x5a
  GOTO_M(1f)
1:

  /* ---- TVM, TSR, TW ---- */
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  GOTO_S(1f)
1:
  TEST_ILLEGAL(20, csrr a0, satp)
  TEST_ILLEGAL(21, csrw satp, zero)
  TEST_ILLEGAL(22, sfence.vma)
  TEST_ILLEGAL(23, sfence.vma a0, a1)
  GOTO_M(1f)
1:
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  GOTO_S(1f)
1:
  TEST_NO_TRAP(24, csrr a0, satp; sfence.vma; sfence.vma zero, zero)
  GOTO_M(1f)
1:
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  GOTO_S(1f)
1:
  TEST_ILLEGAL(25, sret)
  GOTO_M(1f)
1:
  li t0, MSTATUS_TSR | MSTATUS_TW
  csrc mstatus, t0
  li t0, MSTATUS_TW
  csrs mstatus, t0
  GOTO_S(1f)
1:
  TEST_ILLEGAL(26, wfi)
  GOTO_M(1f)
1:
  li t0, MSTATUS_TW
  csrc mstatus, t0
  /* TW has no effect in M (a pending enabled interrupt, with MIE = 0, lets WFI return) */
  TEST_NO_TRAP(27, li t1, CLINT_MSIP; li t2, 1; sw t2, 0(t1); li t2, MIP_MSIP; csrw mie, t2; li t0, MSTATUS_TW; csrs mstatus, t0; wfi; csrc mstatus, t0; sw zero, 0(t1); csrw mie, zero)

  /* ---- U-mode: every S/M CSR and xRET is illegal, WFI too ---- */
  csrw mcounteren, zero
  GOTO_U(1f)
1:
  TEST_ILLEGAL(30, csrr a0, sstatus)
  TEST_ILLEGAL(31, csrr a0, sscratch)
  TEST_ILLEGAL(32, csrr a0, satp)
  TEST_ILLEGAL(33, csrr a0, stvec)
  TEST_ILLEGAL(34, csrr a0, sie)
  TEST_ILLEGAL(35, csrr a0, mstatus)
  TEST_ILLEGAL(36, csrr a0, mhartid)
  TEST_ILLEGAL(37, csrr a0, misa)
  TEST_ILLEGAL(38, csrw sscratch, a0)
  TEST_ILLEGAL(39, sret)
  TEST_ILLEGAL(40, mret)
  TEST_ILLEGAL(41, wfi)
  TEST_ILLEGAL(42, sfence.vma)
  TEST_ILLEGAL(43, rdcycle a0)
  TEST_ILLEGAL(44, rdtime a0)
  TEST_ILLEGAL(45, rdinstret a0)
  li TESTNUM, 46
  CHECK_MEM trap_priv, PRV_M
  CHECK_STATUS_BITS(MSTATUS_MPP, 0)
  GOTO_M(1f)
1:

  /* ---- counter enables ---- */
  csrw mcounteren, zero
  csrw scounteren, zero
  GOTO_S(1f)
1:
  TEST_ILLEGAL(50, rdcycle a0)
  TEST_ILLEGAL(51, rdtime a0)
  TEST_ILLEGAL(52, rdinstret a0)
  GOTO_M(1f)
1:
  li t0, 1                       /* CY only */
  csrw mcounteren, t0
  GOTO_S(1f)
1:
  TEST_NO_TRAP(53, rdcycle a0)
  TEST_ILLEGAL(54, rdtime a0)
  TEST_ILLEGAL(55, rdinstret a0)
  GOTO_M(1f)
1:
  li t0, 7
  csrw mcounteren, t0
  GOTO_S(1f)
1:
  TEST_NO_TRAP(56, rdcycle a0; rdtime a0; rdinstret a0)
  li TESTNUM, 57                 /* time in S is mtime */
  rdtime a0
  li a1, CLINT_MTIME
  ld a1, 0(a1)
  bltu a1, a0, fail
  csrw scounteren, zero
  SGOTO_U(2f)
2:
  TEST_ILLEGAL(58, rdcycle a0)   /* scounteren = 0 */
  GOTO_M(1f)
1:
  li t0, 4                       /* IR */
  csrw scounteren, t0
  GOTO_U(1f)
1:
  TEST_NO_TRAP(59, rdinstret a0)
  TEST_ILLEGAL(60, rdcycle a0)
  TEST_ILLEGAL(61, rdtime a0)
  GOTO_M(1f)
1:
  li t0, 7
  csrw scounteren, t0
  li t0, 3                       /* mcounteren lacks IR: U cannot read it whatever scounteren */
  csrw mcounteren, t0
  GOTO_U(1f)
1:
  TEST_NO_TRAP(62, rdcycle a0; rdtime a0)
  TEST_ILLEGAL(63, rdinstret a0)
  GOTO_M(1f)
1:
  csrw mcounteren, zero
  csrw scounteren, zero

  /* ---- exception delegation to S ---- */
  li t0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT)
  csrw medeleg, t0
  GOTO_U(1f)
1:
  TEST_TRAP(70, CAUSE_ECALL_U, ecall)
  CHECK_MEM trap_priv, PRV_S
  CHECK_MEM trap_tval, 0
  CHECK_STATUS_BITS(MSTATUS_SPP, 0)
  TEST_ILLEGAL(71, csrr a0, sstatus)             /* stval = instruction bits too */
  CHECK_MEM trap_priv, PRV_S
  TEST_ILLEGAL(72, .word 0x0000000b)
  CHECK_MEM trap_tval, 0x0000000b
  TEST_TRAP(73, CAUSE_BREAKPOINT, c.ebreak)
  CHECK_MEM trap_priv, PRV_S
  li a1, 0x10000                 /* not delegated: load access fault goes to M */
  TEST_TRAP(74, CAUSE_LOAD_ACCESS, ld a0, 0(a1))
  CHECK_MEM trap_priv, PRV_M
  GOTO_M(1f)                     /* the ecall is delegated: the S handler forwards it */
1:
  GOTO_S(1f)
1:
  TEST_ILLEGAL(75, csrr a0, mstatus)             /* delegated, from S to S */
  CHECK_MEM trap_priv, PRV_S
  CHECK_STATUS_BITS(MSTATUS_SPP, MSTATUS_SPP)
  TEST_TRAP(76, CAUSE_ECALL_S, ecall)            /* not delegated */
  CHECK_MEM trap_priv, PRV_M
  GOTO_M(1f)
1:
  TEST_ILLEGAL(77, csrr a0, 0x123)               /* traps in M are never delegated */
  CHECK_MEM trap_priv, PRV_M
  li TESTNUM, 78                 /* the delegated ecall went to S */
  li t0, 1 << CAUSE_ECALL_U
  csrw medeleg, t0
  li t0, 0x1234
  csrw mscratch, t0
  GOTO_U(1f)
1: SET_TRAP_RESUME(2f)
3: ecall
2: ld s3, trap_epc
  ld s4, trap_priv
  GOTO_M(4f)
4: CHECK_ADDR s3, 3b
  CHECK s4, PRV_S
  csrr a0, scause                /* the last trap into S: the forwarded GOTO_M ecall */
  CHECK a0, CAUSE_ECALL_U
  csrr a0, mcause                /* the last trap into M: the S handler's forwarding ecall */
  CHECK a0, CAUSE_ECALL_S
  csrw medeleg, zero

  /* ---- SRET: SIE <- SPIE, SPIE <- 1, SPP <- U ---- */
  li TESTNUM, 80
  GOTO_S(1f)
1: li t0, MSTATUS_SIE | MSTATUS_SPP
  csrc sstatus, t0
  li t0, MSTATUS_SPIE
  csrs sstatus, t0
  la t0, 2f
  csrw sepc, t0
  sret
2: GOTO_M(3f)
3: csrr a0, mstatus
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  andi a1, a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  CHECK a1, MSTATUS_SIE | MSTATUS_SPIE
  li TESTNUM, 81                 /* it really went to U: an S CSR trapped there */
  GOTO_S(1f)
1: la t0, 2f
  csrw sepc, t0
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  sret
2: TEST_ILLEGAL(82, csrr a0, sscratch)
  CHECK_STATUS_BITS(MSTATUS_MPP, 0)
  GOTO_M(1f)
1:

  /* ---- sstatus is a view of mstatus ---- */
  li TESTNUM, 90
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SUM | MSTATUS_MXR
  csrs mstatus, t0
  csrr a0, sstatus
  and a0, a0, t0
  CHECK_EQ a0, t0
  csrc sstatus, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHECK a0, 0
  li TESTNUM, 91                 /* M-only fields are invisible in sstatus */
  li t0, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW | MSTATUS_MPRV
  csrs mstatus, t0
  csrr a0, sstatus
  li t1, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW | MSTATUS_MPRV | MSTATUS_SXL
  and a0, a0, t1
  CHECK a0, 0
  csrc mstatus, t0
  li TESTNUM, 92                 /* writes to sstatus do not reach M-only fields */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_MPRV
  csrs sstatus, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHECK a0, 0
  li TESTNUM, 93                 /* UXL reads 2 in sstatus */
  csrr a0, sstatus
  srli a0, a0, 32
  andi a0, a0, 3
  CHECK a0, 2
  li TESTNUM, 94                 /* SPP written through sstatus shows in mstatus */
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHECK_EQ a0, t0
  csrc sstatus, t0

  /* ---- sie / sip are mie / mip masked by mideleg ---- */
  li TESTNUM, 100
  csrw mideleg, zero
  li t0, MIP_SSIP | MIP_STIP | MIP_MSIP
  csrw mie, t0
  csrr a0, sie
  CHECK a0, 0
  li TESTNUM, 101
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mideleg, t0
  csrr a0, sie
  CHECK a0, MIP_SSIP | MIP_STIP
  li TESTNUM, 102                /* writing sie leaves M bits alone */
  csrw sie, zero
  csrr a0, mie
  CHECK a0, MIP_MSIP
  li t0, -1
  csrw sie, t0
  csrr a0, mie
  CHECK a0, MIP_MSIP | MIP_SSIP | MIP_STIP | MIP_SEIP
  csrw mie, zero
  li TESTNUM, 103                /* sip.SSIP: set by M, visible and clearable in sip */
  li t0, MIP_SSIP
  csrs mip, t0
  csrr a0, sip
  andi a0, a0, MIP_SSIP
  CHECK a0, MIP_SSIP
  csrc sip, t0
  csrr a0, mip
  andi a0, a0, MIP_SSIP
  CHECK a0, 0
  li TESTNUM, 104                /* not delegated: sip does not show it */
  csrw mideleg, zero
  li t0, MIP_SSIP
  csrs mip, t0
  csrr a0, sip
  CHECK a0, 0
  csrc mip, t0
  li TESTNUM, 105                /* sip.STIP is read-only for S */
  li t0, MIP_STIP
  csrw mideleg, t0
  csrs sip, t0
  csrr a0, mip
  andi a0, a0, MIP_STIP
  CHECK a0, 0

  /* ---- delegated S software interrupt ---- */
  li t0, MIP_SSIP
  csrw mideleg, t0
  csrw mie, t0
  li TESTNUM, 110                /* pending + enabled in M-mode with MIE = 1: never taken in M */
  CLEAR_TRAPS
  csrs mip, t0
  li t0, MSTATUS_MIE | MSTATUS_SIE
  csrs mstatus, t0
  li t0, 10000
1: addi t0, t0, -1
  bnez t0, 1b
  li t0, MSTATUS_MIE | MSTATUS_SIE
  csrc mstatus, t0
  CHECK_MEM trap_count, 0
  li TESTNUM, 111                /* in S with SIE = 0: not taken */
  GOTO_S(1f)
1: li t0, 10000
2: addi t0, t0, -1
  bnez t0, 2b
  CHECK_MEM trap_count, 0        /* GOTO_S is an mret, not a trap */
  li TESTNUM, 112                /* in S with SIE = 1: taken by the S handler */
  SET_TRAP_RESUME(2f)
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  SPIN_FOR_TRAP
2: CHECK_MEM trap_cause, IRQ_S_SOFT
  CHECK_MEM trap_priv, PRV_S
  CHECK_STATUS_BITS(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE)
  li t0, MIP_SSIP
  csrc sip, t0
  GOTO_M(1f)
1:
  li TESTNUM, 113                /* in U: taken whatever SIE */
  CLEAR_TRAPS
  li t0, MIP_SSIP
  csrs mip, t0
  csrw mie, t0
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  SET_TRAP_RESUME(2f)
  GOTO_U(1f)
1: SPIN_FOR_TRAP
2: GOTO_M(3f)
3: li t0, MIP_SSIP
  csrc mip, t0
  csrw mie, zero
  csrw mideleg, zero
  li a0, 0                       /* the first recorded trap was the interrupt: count = 2 */
  CHECK_MEM trap_count, 2

HARNESS_END

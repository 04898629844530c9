/* vm-sv39.S: Sv39 paging with tables built by the test: 4 KiB pages, 2 MiB and 1 GiB superpages,
 * identity and alias mappings, permission checks (R/W/X, W without R, U pages from S with and
 * without SUM, S pages from U, fetch from a U page in S), MXR, invalid PTEs, a non-leaf PTE at the
 * last level, misaligned superpages, non-canonical addresses, hardware A/D updates (QEMU sets them;
 * the spec also allows a page fault instead), SFENCE.VMA after a PTE change (of a page, and of a
 * megapage fenced at another of its addresses), delegation of page
 * faults to S, MPRV with MPP = S / U, and satp writes with unsupported modes.
 *
 * Map (root = l2):
 *   l2[0]  VA 0x0000_0000 1 GiB -> PA 0            RW   (MMIO: finisher, UART, CLINT)
 *   l2[1]  VA 0x4000_0000 -> l1
 *           l1[0] -> l0: 4 KiB pages VA 0x4000_0000 + i * 4 KiB, see PAGE_* below
 *           l1[1] VA 0x4020_0000 2 MiB -> PA 0x8040_0000  RW
 *           l1[2] VA 0x4040_0000 2 MiB -> PA 0x8040_1000  misaligned: page fault
 *           l1[3] -> l0b, whose entry 0 is a pointer (R=W=X=0) at the last level: page fault
 *   l2[2]  VA 0x8000_0000 1 GiB -> PA 0x8000_0000  RWX  (identity: code, data, tables)
 *   l2[3]  VA 0xc000_0000 1 GiB -> PA 0x8000_0000  RW   (alias)
 *   l2[4]  VA 0x1_0000_0000     -> PA 0x8020_0000  misaligned gigapage: page fault
 *   l2[5]  VA 0x1_4000_0000 1 GiB -> PA 0x8000_0000 U RWX (U-mode runs the code through this)
 *
 * QEMU 7.2 implements Sv57; hartvm implements Sv39 and Sv48 only, so the "Sv57 write is ignored"
 * check is compiled out with -DQEMU_DEVIATIONS. */
#include "harness.h"

#define VA_L0(i)     (0x40000000 + (i) * 0x1000)
#define VA_MEGA      0x40200000
#define VA_MEGA_BAD  0x40400000
#define VA_NONLEAF   0x40600000
#define VA_GIGA_ALIAS 0xc0000000
#define VA_GIGA_BAD  0x100000000
#define U_ALIAS_OFF  (0x140000000 - 0x80000000)
#define MEGA_PA      0x80400000

#define PAGE_RW      0   /* pg0 RW A D */
#define PAGE_RO      1   /* pg1 R A */
#define PAGE_XO      2   /* x_page X A */
#define PAGE_URW     3   /* pg3 U RW A D */
#define PAGE_INVALID 4
#define PAGE_WO      5   /* pg0 W only: reserved */
#define PAGE_ALIAS   6   /* pg0 RW A D */
#define PAGE_AD      7   /* pg2 RW, A = D = 0 */
#define PAGE_XO_DATA 8   /* pg1 X only */
#define PAGE_SFENCE  9   /* pg0, then pg1 */
#define PAGE_UX      10  /* x_page U RX A */
#define PAGE_D       11  /* pg2 RW A, D = 0 */

/* Page fault test: the access must trap with cause and tval = VA (in register va). */
#define TEST_PF(n, cause, va, ...) \
  TEST_TRAP(n, cause, __VA_ARGS__); \
  CHECK_MEM_EQ trap_tval, va

/* Instruction page fault on jumping to the VA in register va: epc = tval = va. */
#define TEST_FETCH_PF(n, va) \
  li TESTNUM, n; \
  SET_TRAP_RESUME(79f); \
  jalr va; \
  j fail; \
79: CHECK_MEM trap_cause, CAUSE_FETCH_PAGE; \
  CHECK_MEM_EQ trap_epc, va; \
  CHECK_MEM_EQ trap_tval, va

HARNESS_BEGIN

  /* ---- build the tables (M-mode, physical) ---- */
  la s0, l2
  la s1, l1
  la s2, l0
  la s3, l0b
  PTE_SET_PA s0, 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s0, 1, s1, PTE_V
  PTE_SET_PA s0, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  PTE_SET_PA s0, 3, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET_PA s0, 4, 0x80200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET_PA s0, 5, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
  PTE_SET s1, 0, s2, PTE_V
  PTE_SET_PA s1, 1, MEGA_PA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET_PA s1, 2, MEGA_PA + 0x1000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s1, 3, s3, PTE_V
  PTE_SET s3, 0, s2, PTE_V
  la a0, pg0
  la a1, pg1
  la a2, pg2
  la a3, pg3
  la a4, x_page
  PTE_SET s2, PAGE_RW, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s2, PAGE_RO, a1, PTE_V | PTE_R | PTE_A
  PTE_SET s2, PAGE_XO, a4, PTE_V | PTE_X | PTE_A
  PTE_SET s2, PAGE_URW, a3, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  PTE_SET s2, PAGE_WO, a0, PTE_V | PTE_W | PTE_A | PTE_D
  PTE_SET s2, PAGE_ALIAS, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s2, PAGE_AD, a2, PTE_V | PTE_R | PTE_W
  PTE_SET s2, PAGE_XO_DATA, a1, PTE_V | PTE_X | PTE_A
  PTE_SET s2, PAGE_SFENCE, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s2, PAGE_UX, a4, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
  PTE_SET s2, PAGE_D, a2, PTE_V | PTE_R | PTE_W | PTE_A
  /* page contents */
  li t0, 0x1111111111111111
  sd t0, 0(a0)
  li t0, 0x2222222222222222
  sd t0, 0(a1)
  li t0, 0x3333333333333333
  sd t0, 0(a3)
  li t0, MEGA_PA
  li t1, 0x4444444444444444
  sd t1, 0x238(t0)
  li t0, MEGA_PA + 0x201000      /* what VA_MEGA + 0x1000 reads once l1[1] points 2 MiB higher */
  li t1, 0x5555555555555555
  sd t1, 0(t0)

  /* ---- satp ---- */
  li TESTNUM, 1
  srli a0, s0, 12
  li t0, SATP_MODE_SV39
  or s4, a0, t0                  /* s4 = our satp */
  csrw satp, s4
  csrr a1, satp
  CHECK_EQ a1, s4
  sfence.vma
  /* M-mode ignores satp: physical accesses still work */
  TEST_CASE(2, a0, 0x1111111111111111, la a1, pg0; ld a0, 0(a1))

  /* ---- S-mode ---- */
  GOTO_S(1f)
1:
  TEST_CASE(10, a0, 0x1111111111111111, li a1, VA_L0(PAGE_RW); ld a0, 0(a1))
  TEST_CASE(11, a0, 0x5555, li a1, VA_L0(PAGE_RW); li a2, 0x5555; sd a2, 8(a1); la a1, pg0; ld a0, 8(a1))
  TEST_CASE(12, a0, 0x5555, li a1, VA_L0(PAGE_ALIAS); ld a0, 8(a1))
  TEST_CASE(13, a0, 0x2222222222222222, li a1, VA_L0(PAGE_RO); ld a0, 0(a1))
  li a1, VA_L0(PAGE_RO)
  TEST_PF(14, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  addi a1, a1, 0x10
  TEST_PF(15, CAUSE_STORE_PAGE, a1, amoadd.d a0, a0, (a1))    /* AMO needs W */
  li a1, VA_L0(PAGE_RW)
  TEST_FETCH_PF(16, a1)                   /* not executable */
  /* execute-only page */
  TEST_CASE(17, a0, 0x77, li a1, VA_L0(PAGE_XO); jalr a1)
  li a1, VA_L0(PAGE_XO)
  TEST_PF(18, CAUSE_LOAD_PAGE, a1, lw a0, 0(a1))
  TEST_CASE(19, a0, 0x2222222222222222, li t0, MSTATUS_MXR; csrs sstatus, t0; li a1, VA_L0(PAGE_XO_DATA); ld a0, 0(a1); csrc sstatus, t0)
  li a1, VA_L0(PAGE_XO_DATA)
  TEST_PF(20, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))               /* MXR off again */
  /* invalid, W-only */
  li a1, VA_L0(PAGE_INVALID)
  TEST_PF(21, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(22, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  TEST_FETCH_PF(23, a1)
  li a1, VA_L0(PAGE_WO)
  TEST_PF(24, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(25, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  TEST_CASE(26, a0, 0x4242, li a0, 0x4242; li a1, VA_L0(PAGE_INVALID); SET_TRAP_RESUME(2f); ld a0, 0(a1); j fail; 2:)   /* rd unchanged */
  /* U page from S */
  li a1, VA_L0(PAGE_URW)
  TEST_PF(30, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(31, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  TEST_CASE(32, a0, 0x3333333333333333, li t0, MSTATUS_SUM; csrs sstatus, t0; li a1, VA_L0(PAGE_URW); ld a0, 0(a1))
  TEST_CASE(33, a0, 0x66, li a1, VA_L0(PAGE_URW); li a2, 0x66; sd a2, 8(a1); ld a0, 8(a1))
  li a1, VA_L0(PAGE_UX)
  TEST_FETCH_PF(34, a1)                   /* never, even with SUM */
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  /* superpages */
  TEST_CASE(40, a0, 0x4444444444444444, li a1, VA_MEGA; ld a0, 0x238(a1))
  TEST_CASE(41, a0, 0x99, li a1, VA_MEGA + 0x1ffff8; li a2, 0x99; sd a2, 0(a1); li a1, MEGA_PA + 0x1ffff8; ld a0, 0(a1))
  li a1, VA_MEGA_BAD + 0x10
  TEST_PF(42, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_NONLEAF
  TEST_PF(43, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_CASE(44, a0, 0x1111111111111111, la a1, pg0; li a2, VA_GIGA_ALIAS - 0x80000000; add a1, a1, a2; ld a0, 0(a1))
  la a1, x_page                  /* the alias is not executable */
  li a2, VA_GIGA_ALIAS - 0x80000000
  add a1, a1, a2
  TEST_FETCH_PF(45, a1)
  li a1, VA_GIGA_BAD + 0x123
  TEST_PF(46, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(47, CAUSE_STORE_PAGE, a1, sb a0, 0(a1))
  /* non-canonical and unmapped-high addresses */
  li a1, 0x0000008000000000
  TEST_PF(50, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(51, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  TEST_FETCH_PF(52, a1)
  li a1, 0xffffff0080000000      /* bits 63..39 not all equal */
  TEST_PF(53, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, 0xffffffff80000000      /* canonical, l2[510] invalid */
  TEST_PF(54, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  /* a 4 KiB access through the misaligned VA path (page-crossing load into an invalid page) */
  li a1, VA_L0(PAGE_INVALID) - 4
  TEST_CASE(55, a2, 1, li a2, 0; SET_TRAP_RESUME(2f); ld a0, 0(a1); j fail; 2: li a2, 1; CHECK_MEM trap_cause, CAUSE_LOAD_PAGE)

  /* ---- A/D bits set by the hardware ---- */
  li TESTNUM, 60
  la s2, l0
  ld a0, (PAGE_AD * 8)(s2)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, 0
  li a1, VA_L0(PAGE_AD)
  ld a2, 0(a1)
  ld a0, (PAGE_AD * 8)(s2)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A
  li TESTNUM, 61
  sfence.vma
  sd a2, 0(a1)
  ld a0, (PAGE_AD * 8)(s2)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A | PTE_D
  li TESTNUM, 62                 /* a store to a page with A = 1, D = 0 sets D */
  li a1, VA_L0(PAGE_D)
  ld a2, 0(a1)
  ld a0, (PAGE_D * 8)(s2)
  andi a0, a0, PTE_D
  CHECK a0, 0
  sd a2, 0(a1)
  ld a0, (PAGE_D * 8)(s2)
  andi a0, a0, PTE_D
  CHECK a0, PTE_D

  /* ---- SFENCE.VMA after changing a PTE ---- */
  TEST_CASE(70, a0, 0x1111111111111111, li a1, VA_L0(PAGE_SFENCE); ld a0, 0(a1))
  li TESTNUM, 71
  la a0, pg1
  PTE_SET s2, PAGE_SFENCE, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a1, VA_L0(PAGE_SFENCE)
  sfence.vma a1, zero
  ld a0, 0(a1)
  CHECK a0, 0x2222222222222222
  li TESTNUM, 72                 /* unmap it: global fence, then a fault */
  PTE_RAW s2, PAGE_SFENCE, 0
  sfence.vma
  TEST_PF(72, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  /* SFENCE.VMA at one address of a megapage must drop what was cached for all of it (the fence
   * is for the leaf PTE of that address, which maps the whole megapage). */
  li TESTNUM, 73
  li a1, VA_MEGA + 0x1000
  ld a0, 0(a1)                   /* caches this 4 KiB of the megapage */
  PTE_SET_PA s1, 1, MEGA_PA + 0x200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  li a2, VA_MEGA
  sfence.vma a2, zero            /* another 4 KiB of the same megapage */
  ld a0, 0(a1)
  CHECK a0, 0x5555555555555555
  PTE_SET_PA s1, 1, MEGA_PA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sfence.vma
  GOTO_M(1f)
1:

  /* ---- page faults delegated to S ---- */
  li t0, (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE) | (1 << CAUSE_FETCH_PAGE)
  csrw medeleg, t0
  la t0, harness_strap
  csrw stvec, t0
  GOTO_S(1f)
1:
  li a1, VA_L0(PAGE_INVALID)
  TEST_PF(80, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  CHECK_MEM trap_priv, PRV_S
  li a1, VA_L0(PAGE_RO)
  TEST_PF(81, CAUSE_STORE_PAGE, a1, sw a0, 0(a1))
  CHECK_MEM trap_priv, PRV_S
  li a1, 0x0000008000000000
  TEST_FETCH_PF(82, a1)
  CHECK_MEM trap_priv, PRV_S
  GOTO_M(1f)
1:
  csrw medeleg, zero

  /* ---- U-mode, running through the U alias of RAM ---- */
  li t0, MSTATUS_MPP | MSTATUS_MPIE
  csrc mstatus, t0
  la t0, u_code
  li t1, U_ALIAS_OFF
  add t0, t0, t1
  csrw mepc, t0
  mret
u_back:
  csrw mscratch, zero

  /* ---- MPRV: M-mode loads and stores translated with MPP's privilege ---- */
  li TESTNUM, 100
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  li a1, VA_L0(PAGE_RO)
  ld a0, 0(a1)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK a0, 0x2222222222222222
  li TESTNUM, 101                /* MPP = S and a U page without SUM: fault, taken in M */
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li a1, VA_L0(PAGE_URW)
  TEST_PF(101, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li t0, MSTATUS_MPRV            /* the trap set MPP = M; MPRV is still set but has no effect */
  csrc mstatus, t0
  li TESTNUM, 102                /* MPP = U: a U page works, an S page faults */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li a1, VA_L0(PAGE_URW)
  ld a0, 0(a1)
  li t0, MSTATUS_MPRV            /* (harness data is S-only: no checks while MPRV/MPP = U) */
  csrc mstatus, t0
  CHECK a0, 0x3333333333333333
  li TESTNUM, 103
  SET_TRAP_RESUME(2f)
  li a1, VA_L0(PAGE_RW)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  ld a0, 0(a1)
  j fail
2: li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK_MEM trap_cause, CAUSE_LOAD_PAGE
  CHECK_MEM_EQ trap_tval, a1

  /* ---- satp: a write of an unsupported mode has no effect ---- */
  li TESTNUM, 110
  csrw satp, s4
  li t0, (1 << 60) | 0x1234
  csrw satp, t0
  csrr a0, satp
  CHECK_EQ a0, s4
  li TESTNUM, 111
  li t0, (15 << 60) | 0x1234
  csrw satp, t0
  csrr a0, satp
  CHECK_EQ a0, s4
#ifndef QEMU_DEVIATIONS
  li TESTNUM, 112                /* Sv57: not implemented by hartvm */
  li t0, SATP_MODE_SV57 | 0x1234
  csrw satp, t0
  csrr a0, satp
  CHECK_EQ a0, s4
#endif
  li TESTNUM, 113                /* Sv48 and Bare are accepted */
  li t0, SATP_MODE_SV48 | 0x1234
  csrw satp, t0
  csrr a0, satp
  CHECK a0, SATP_MODE_SV48 | 0x1234
  csrw satp, zero
  csrr a0, satp
  CHECK a0, 0
  sfence.vma

HARNESS_END

  /* U-mode code: reached through the U alias (VA = PA + U_ALIAS_OFF); pc-relative addressing
     (la, the harness macros) keeps working because everything it reaches is in the same alias. */
  .text
u_code:
  TEST_CASE(90, a0, 0x3333333333333333, li a1, VA_L0(PAGE_URW); ld a0, 0(a1))
  li a1, VA_L0(PAGE_RW)
  TEST_PF(91, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_URW)
  TEST_TRAP(92, CAUSE_ILLEGAL, csrr a0, sstatus)
  li TESTNUM, 93
  la a1, pg0
  li a2, U_ALIAS_OFF
  sub a1, a1, a2                 /* the identity mapping is S-only */
  TEST_PF(93, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_CASE(94, a0, 0x77, li a1, VA_L0(PAGE_UX); jalr a1)        /* U may execute a U page */
  la t6, u_back                  /* back to M at the physical address */
  li t5, U_ALIAS_OFF
  sub t6, t6, t5
  li a7, HARNESS_GOTO_M
  ecall

  /* an executable page: returns 0x77 */
  .balign 4096
x_page:
  li a0, 0x77
  ret
  .balign 4096

  .bss
  .balign 4096
l2:  .skip 4096
l1:  .skip 4096
l0:  .skip 4096
l0b: .skip 4096
pg0: .skip 4096
pg1: .skip 4096
pg2: .skip 4096
pg3: .skip 4096

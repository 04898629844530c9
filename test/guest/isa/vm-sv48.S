/* vm-sv48.S: Sv48 paging: a four-level walk to 4 KiB pages, 2 MiB, 1 GiB and 512 GiB leaves, a
 * misaligned 512 GiB leaf, addresses beyond Sv39's reach, non-canonical addresses (bit 47), and
 * hardware A/D updates. Sv39 (vm-sv39.S) covers the permission rules, which do not depend on the
 * mode.
 *
 * Map (root = l3):
 *   l3[0] -> l2:  l2[0] VA 0 1 GiB -> PA 0 (MMIO)     l2[2] VA 0x8000_0000 identity RWX
 *                 l2[3] VA 0xc000_0000 -> PA 0x8000_0000 R (alias)
 *                 l2[1] -> l1: l1[0] -> l0 (4 KiB pages at VA 0x4000_0000)
 *                              l1[1] VA 0x4020_0000 2 MiB -> PA 0x8040_0000
 *   l3[1] VA 0x80_0000_0000 512 GiB -> PA 0 RW       (RAM at VA 0x80_8000_0000)
 *   l3[2] VA 0x100_0000_0000 512 GiB -> PA 0x8000_0000: misaligned, page fault
 *   l3[3] -> l2b: l2b[0] VA 0x180_0000_0000 1 GiB -> PA 0x8000_0000 RW */
#include "harness.h"

#define VA_L0(i)    (0x40000000 + (i) * 0x1000)
#define VA_MEGA     0x40200000
#define MEGA_PA     0x80400000
#define VA_TERA     0x8000000000
#define VA_TERA_BAD 0x10000000000
#define VA_GIGA_HI  0x18000000000

#define TEST_PF(n, cause, va, ...) \
  TEST_TRAP(n, cause, __VA_ARGS__); \
  CHECK_MEM_EQ trap_tval, va

HARNESS_BEGIN

  la s0, l3
  la s1, l2
  la s2, l1
  la s3, l0
  la s5, l2b
  PTE_SET s0, 0, s1, PTE_V
  PTE_SET_PA s0, 1, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET_PA s0, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s0, 3, s5, PTE_V
  PTE_SET_PA s5, 0, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET_PA s1, 0, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s1, 1, s2, PTE_V
  PTE_SET_PA s1, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  PTE_SET_PA s1, 3, 0x80000000, PTE_V | PTE_R | PTE_A
  PTE_SET s2, 0, s3, PTE_V
  PTE_SET_PA s2, 1, MEGA_PA, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  la a0, pg0
  la a1, pg1
  PTE_SET s3, 0, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s3, 1, a1, PTE_V | PTE_R | PTE_W
  li t0, 0x1111111111111111
  sd t0, 0(a0)
  li t0, 0x2222222222222222
  sd t0, 0(a1)
  li t0, MEGA_PA
  li t1, 0x4444444444444444
  sd t1, 0x100(t0)

  li TESTNUM, 1
  srli a0, s0, 12
  li t0, SATP_MODE_SV48
  or s4, a0, t0
  csrw satp, s4
  csrr a1, satp
  CHECK_EQ a1, s4
  sfence.vma

  GOTO_S(1f)
1:
  TEST_CASE(10, a0, 0x1111111111111111, li a1, VA_L0(0); ld a0, 0(a1))
  TEST_CASE(11, a0, 0x4444444444444444, li a1, VA_MEGA; ld a0, 0x100(a1))
  TEST_CASE(12, a0, 0x1111111111111111, la a1, pg0; li a2, 0x40000000; add a1, a1, a2; ld a0, 0(a1))  /* 1 GiB alias */
  la a1, pg0
  li a2, 0x40000000
  add a1, a1, a2
  TEST_PF(13, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))                  /* the alias is read-only */
  /* 512 GiB page: PA 0 based, RAM at VA_TERA + PA */
  TEST_CASE(20, a0, 0x1111111111111111, la a1, pg0; li a2, VA_TERA; add a1, a1, a2; ld a0, 0(a1))
  TEST_CASE(21, a0, 0x7777, la a1, pg0; li a2, VA_TERA; add a1, a1, a2; li a3, 0x7777; sd a3, 16(a1); la a1, pg0; ld a0, 16(a1))
  li a1, VA_TERA_BAD + 0x80000000
  TEST_PF(22, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))                   /* misaligned 512 GiB leaf */
  /* above Sv39's 2^38 */
  TEST_CASE(23, a0, 0x1111111111111111, la a1, pg0; li a2, VA_GIGA_HI - 0x80000000; add a1, a1, a2; ld a0, 0(a1))
  /* non-canonical: bit 47 set, upper bits clear */
  li a1, 0x0000800000000000
  TEST_PF(30, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(31, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  li a1, 0x0001000000000000
  TEST_PF(32, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, 0xffff800000000000      /* canonical, l3[256] invalid */
  TEST_PF(33, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, 0x0000008000000000 + 0x80000000 + 0x1000  /* non-canonical in Sv39, valid here */
  TEST_NO_TRAP(34, ld a0, 0(a1))
  li a1, 0x40002000              /* l0[2] invalid */
  TEST_PF(35, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  /* A/D */
  li TESTNUM, 40
  la s3, l0
  li a1, VA_L0(1)
  ld a2, 0(a1)
  ld a0, 8(s3)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A
  sfence.vma
  sd a2, 8(a1)
  ld a0, 8(s3)
  andi a0, a0, PTE_A | PTE_D
  CHECK a0, PTE_A | PTE_D
  GOTO_M(1f)
1:
  csrw satp, zero
  sfence.vma

HARNESS_END

  .bss
  .balign 4096
l3:  .skip 4096
l2:  .skip 4096
l1:  .skip 4096
l0:  .skip 4096
l2b: .skip 4096
pg0: .skip 4096
pg1: .skip 4096

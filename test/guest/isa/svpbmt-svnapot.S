/* svpbmt-svnapot.S: the high PTE bits under Sv39. Svpbmt: a leaf PTE with PBMT (bits 62:61) = 1 (NC)
 * or 2 (IO) is a page fault while menvcfg.PBMTE = 0 ("the implementation behaves as though Svpbmt
 * were not implemented", and then bits 62:61 are reserved) and translates as usual once PBMTE = 1
 * (followed by SFENCE.VMA, which the spec says suffices to resynchronise); PBMT = 3 is reserved and
 * always faults; PBMT on a non-leaf PTE always faults; the reserved bits 60:54 always fault, in a leaf
 * or a non-leaf PTE. Svnapot: a level-0 leaf with N = 1 and ppn[3:0] = 1000 maps a 64 KiB naturally
 * aligned region, page j of it at ppn[3:0] = j; any other ppn[3:0] with N = 1 is reserved (fault); N
 * on a 2 MiB leaf, or on a non-leaf PTE, faults.
 *
 * QEMU: run with -cpu rv64,svpbmt=on,svnapot=on. QEMU 7.2 deviates from the spec (compiled out with
 * -DQEMU_DEVIATIONS): it ignores menvcfg.PBMTE when walking page tables, accepts PBMT = 3 in a leaf,
 * and ignores the reserved bits 60:54 once Svpbmt or Svnapot is on.
 *
 * Map (root = l2):
 *   l2[1]  VA 0x4000_0000 -> l1
 *           l1[0] -> l0: 4 KiB pages VA 0x4000_0000 + i * 4 KiB, see PAGE_* below
 *           l1[1] VA 0x4020_0000 2 MiB -> PA 0x8040_0000 RW, PBMT = NC
 *           l1[2] VA 0x4040_0000 -> l0, PBMT = NC in the non-leaf PTE
 *           l1[3] VA 0x4060_0000 -> l0, N = 1 in the non-leaf PTE
 *           l1[4] VA 0x4080_0000 -> l0, reserved bit 54 in the non-leaf PTE
 *           l1[5] VA 0x40a0_0000 2 MiB -> PA 0x8040_0000 RW, N = 1
 *           l1[6] VA 0x40c0_0000 2 MiB -> PA 0x8040_0000 RW (the control for l1[1] and l1[5])
 *           l1[7] VA 0x40e0_0000 2 MiB, N = 1 and ppn[3:0] = 1000 (what a level-0 NAPOT PTE has)
 *   l2[2]  VA 0x8000_0000 1 GiB -> PA 0x8000_0000 RWX (identity: code, data, tables) */
#include "harness.h"

#define CSR_MENVCFG 0x30a
#define MENVCFG_PBMTE (1 << 62)
#define PTE_PBMT_NC (1 << 61)
#define PTE_PBMT_IO (2 << 61)
#define PTE_PBMT_3  (3 << 61)
#define PTE_N       (1 << 63)
#define PTE_RSV54   (1 << 54)
#define PTE_RSV60   (1 << 60)
#define PTE_RW_AD   (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define PPN_LOW(x)  ((x) << 10)   /* ppn[3:0] = x in a PTE */

#define VA_L0(i)      (0x40000000 + (i) * 0x1000)
#define VA_MEGA_NC    0x40200000
#define VA_NL_PBMT    0x40400000
#define VA_NL_N       0x40600000
#define VA_NL_RSV     0x40800000
#define VA_MEGA_N     0x40a00000
#define VA_MEGA       0x40c00000
#define VA_MEGA_N8    0x40e00000
#define MEGA_PA       0x80400000

#define PAGE_PLAIN   0   /* pg0 RW A D */
#define PAGE_NC      1   /* pg0, PBMT = NC */
#define PAGE_IO      2   /* pg0, PBMT = IO */
#define PAGE_P3      3   /* pg0, PBMT = 3 */
#define PAGE_RSV54   4   /* pg0, bit 54 */
#define PAGE_RSV60   5   /* pg0, bit 60 */
#define PAGE_NAPOT0  16  /* 16..31: the 64 KiB NAPOT page VA 0x4001_0000 -> napot */
#define PAGE_N_0000  32  /* N = 1, ppn[3:0] = 0000: reserved */
#define PAGE_N_0100  33  /* 0100: reserved */
#define PAGE_N_1100  34  /* 1100: reserved */
#define PAGE_N_0001  35  /* 0001: reserved */
#define PAGE_N_1001  36  /* 1001: reserved */

/* The access must raise a page fault with cause and tval = VA (in register va). */
#define TEST_PF(n, cause, va, ...) \
  TEST_TRAP(n, cause, __VA_ARGS__); \
  CHECK_MEM_EQ trap_tval, va

HARNESS_BEGIN

  /* ---- tables and page contents (M-mode, physical) ---- */
  la s0, l2
  la s1, l1
  la s2, l0
  la s3, pg0
  la s4, napot
  PTE_SET s0, 1, s1, PTE_V
  PTE_SET_PA s0, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  PTE_SET s1, 0, s2, PTE_V
  PTE_SET_PA s1, 1, MEGA_PA, PTE_RW_AD | PTE_PBMT_NC
  PTE_SET s1, 2, s2, PTE_V | PTE_PBMT_NC
  PTE_SET s1, 3, s2, PTE_V | PTE_N
  PTE_SET s1, 4, s2, PTE_V | PTE_RSV54
  PTE_SET_PA s1, 5, MEGA_PA, PTE_RW_AD | PTE_N
  PTE_SET_PA s1, 6, MEGA_PA, PTE_RW_AD
  PTE_SET_PA s1, 7, MEGA_PA, PTE_RW_AD | PTE_N | PPN_LOW(8)
  PTE_SET s2, PAGE_PLAIN, s3, PTE_RW_AD
  PTE_SET s2, PAGE_NC, s3, PTE_RW_AD | PTE_PBMT_NC
  PTE_SET s2, PAGE_IO, s3, PTE_RW_AD | PTE_PBMT_IO
  PTE_SET s2, PAGE_P3, s3, PTE_RW_AD | PTE_PBMT_3
  PTE_SET s2, PAGE_RSV54, s3, PTE_RW_AD | PTE_RSV54
  PTE_SET s2, PAGE_RSV60, s3, PTE_RW_AD | PTE_RSV60
  /* the 16 PTEs of the NAPOT page: all the same, as the spec expects software to write them */
  .set i, 0
  .rept 16
  PTE_SET s2, PAGE_NAPOT0 + i, s4, PTE_RW_AD | PTE_N | PPN_LOW(8)
  .set i, i + 1
  .endr
  PTE_SET s2, PAGE_N_0000, s4, PTE_RW_AD | PTE_N | PPN_LOW(0)
  PTE_SET s2, PAGE_N_0100, s4, PTE_RW_AD | PTE_N | PPN_LOW(4)
  PTE_SET s2, PAGE_N_1100, s4, PTE_RW_AD | PTE_N | PPN_LOW(12)
  PTE_SET s2, PAGE_N_0001, s4, PTE_RW_AD | PTE_N | PPN_LOW(1)
  PTE_SET s2, PAGE_N_1001, s4, PTE_RW_AD | PTE_N | PPN_LOW(9)
  li t0, 0x1111111111111111
  sd t0, 0(s3)
  li t0, MEGA_PA
  li t1, 0x4444444444444444
  sd t1, 0x238(t0)
  /* napot page j holds 0x6000 + j at offset 0 and 0x7000 + j at offset 0x7f8 */
  mv t0, s4
  li t1, 0
1: li t2, 0x6000
  add t2, t2, t1
  sd t2, 0(t0)
  li t2, 0x7000
  add t2, t2, t1
  sd t2, 0x7f8(t0)
  li t2, 0x1000
  add t0, t0, t2
  addi t1, t1, 1
  li t2, 16
  blt t1, t2, 1b

  srli a0, s0, 12
  li t0, SATP_MODE_SV39
  or a0, a0, t0
  csrw satp, a0
  csrw CSR_MENVCFG, zero
  sfence.vma

  /* ---- PBMTE = 0: nonzero PBMT is reserved ---- */
  GOTO_S(1f)
1:
  TEST_CASE(10, a0, 0x1111111111111111, li a1, VA_L0(PAGE_PLAIN); ld a0, 0(a1))
  TEST_CASE(11, a0, 0x4444444444444444, li a1, VA_MEGA; ld a0, 0x238(a1))
#ifndef QEMU_DEVIATIONS
  li a1, VA_L0(PAGE_NC)
  TEST_PF(12, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(13, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  li a1, VA_L0(PAGE_IO) + 0x10
  TEST_PF(14, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_MEGA_NC + 0x238
  TEST_PF(15, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_P3)
  TEST_PF(16, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_RSV54)
  TEST_PF(17, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_RSV60)
  TEST_PF(18, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
#endif
  li a1, VA_NL_PBMT
  TEST_PF(19, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  GOTO_M(1f)
1:

  /* ---- PBMTE = 1: NC and IO translate as usual; the reserved encodings still fault ---- */
  li TESTNUM, 30
  li t0, MENVCFG_PBMTE
  csrs CSR_MENVCFG, t0
  csrr a0, CSR_MENVCFG
  li t0, MENVCFG_PBMTE
  and a0, a0, t0
  CHECK a0, MENVCFG_PBMTE
  sfence.vma
  GOTO_S(1f)
1:
  TEST_CASE(31, a0, 0x1111111111111111, li a1, VA_L0(PAGE_NC); ld a0, 0(a1))
  TEST_CASE(32, a0, 0x1111111111111111, li a1, VA_L0(PAGE_IO); ld a0, 0(a1))
  TEST_CASE(33, a0, 0x2525, li a1, VA_L0(PAGE_NC); li a2, 0x2525; sd a2, 8(a1); li a1, VA_L0(PAGE_PLAIN); ld a0, 8(a1))
  TEST_CASE(34, a0, 0x3535, li a1, VA_L0(PAGE_IO); li a2, 0x3535; sd a2, 16(a1); li a1, VA_L0(PAGE_PLAIN); ld a0, 16(a1))
  TEST_CASE(35, a0, 0x4444444444444444, li a1, VA_MEGA_NC; ld a0, 0x238(a1))
#ifndef QEMU_DEVIATIONS
  li a1, VA_L0(PAGE_P3)
  TEST_PF(36, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  TEST_PF(37, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  li a1, VA_L0(PAGE_RSV54) + 0x20
  TEST_PF(38, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_RSV60)
  TEST_PF(39, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_NL_RSV
  TEST_PF(40, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
#endif
  li a1, VA_NL_PBMT + 0x1000
  TEST_PF(41, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))    /* non-leaf PBMT: reserved even now */
  TEST_PF(42, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  GOTO_M(1f)
1:
  /* PBMTE back to 0: NC faults again */
  li t0, MENVCFG_PBMTE
  csrc CSR_MENVCFG, t0
  sfence.vma
  GOTO_S(1f)
1:
#ifndef QEMU_DEVIATIONS
  li a1, VA_L0(PAGE_NC)
  TEST_PF(43, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
#endif

  /* ---- Svnapot: the 64 KiB page; page j of it at napot + j * 4 KiB ---- */
  TEST_CASE(50, a0, 0x6000, li a1, VA_L0(PAGE_NAPOT0); ld a0, 0(a1))
  TEST_CASE(51, a0, 0x6005, li a1, VA_L0(PAGE_NAPOT0 + 5); ld a0, 0(a1))
  TEST_CASE(52, a0, 0x6008, li a1, VA_L0(PAGE_NAPOT0 + 8); ld a0, 0(a1))
  TEST_CASE(53, a0, 0x700f, li a1, VA_L0(PAGE_NAPOT0 + 15); ld a0, 0x7f8(a1))
  TEST_CASE(54, a0, 0x7001, li a1, VA_L0(PAGE_NAPOT0 + 1); ld a0, 0x7f8(a1))
  TEST_CASE(55, a0, 0x600c, li a1, VA_L0(PAGE_NAPOT0 + 12); ld a0, 0(a1))
  /* a store through page 3 lands in napot's page 3 */
  TEST_CASE(56, a0, 0x5a5a, li a1, VA_L0(PAGE_NAPOT0 + 3); li a2, 0x5a5a; sd a2, 0x100(a1); la a1, napot + 0x3100; ld a0, 0(a1))
  /* the other page-3 data is still there, read through another VA of the region afterwards */
  TEST_CASE(57, a0, 0x6003, li a1, VA_L0(PAGE_NAPOT0 + 2); ld a0, 0(a1); li a1, VA_L0(PAGE_NAPOT0 + 3); ld a0, 0(a1))

  /* ---- Svnapot: reserved encodings ---- */
  li a1, VA_L0(PAGE_N_0000)
  TEST_PF(70, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_N_0100)
  TEST_PF(71, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_N_1100)
  TEST_PF(72, CAUSE_STORE_PAGE, a1, sd a0, 0(a1))
  li a1, VA_L0(PAGE_N_0001)
  TEST_PF(73, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_L0(PAGE_N_1001)
  TEST_PF(74, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_MEGA_N + 0x238              /* N on a 2 MiB leaf */
  TEST_PF(75, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_MEGA_N8 + 0x238             /* ... even with ppn[3:0] = 1000 */
  TEST_PF(78, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_NL_N                        /* N on a non-leaf PTE */
  TEST_PF(76, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  li a1, VA_NL_N + (PAGE_NAPOT0 * 0x1000)   /* ... even where the leaf below is a good NAPOT PTE */
  TEST_PF(77, CAUSE_LOAD_PAGE, a1, ld a0, 0(a1))
  GOTO_M(1f)
1:
  csrw satp, zero
  csrw CSR_MENVCFG, zero
  sfence.vma

HARNESS_END

  .bss
  .balign 4096
l2:  .skip 4096
l1:  .skip 4096
l0:  .skip 4096
pg0: .skip 4096
  .balign 65536
napot: .skip 65536

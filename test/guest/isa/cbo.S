/* cbo.S: Zicbom (CBO.CLEAN, CBO.FLUSH, CBO.INVAL) and Zicboz (CBO.ZERO), with 64-byte cache
 * blocks: CBO.ZERO zeroes exactly the aligned block holding rs1; the management instructions retire
 * and leave memory as it was; M-mode ignores menvcfg; menvcfg.CBZE / CBCFE / CBIE make each
 * instruction legal or illegal (cause 2, mtval = its bits) in S-mode, menvcfg and senvcfg together
 * in U-mode (senvcfg alone does not matter in S); the CBIE field is WARL (10 is reserved); a block
 * at a vacant physical address faults as a store (access fault, cause 7). With Sv39 paging: CBO.ZERO
 * needs store permission, a management instruction load or store permission; without it (read-only
 * page for CBO.ZERO; invalid PTE, U page from S without SUM, non-canonical address for the others)
 * the fault is a store page fault (cause 15) whose tval is rs1 itself, not the block's address (CMO
 * spec, "Page-Fault, Guest-Page-Fault, and Access-Fault Exceptions": "the relevant *tval CSR is
 * written with the faulting effective address (i.e. the value of rs1)"); a management instruction
 * never sets D; CBO.ZERO sets A and D as a store does (hartvm updates A/D in hardware, as vm-sv39.S
 * checks; the spec also allows a page fault instead).
 *
 * Runs on hartvm only: QEMU 7.2 has no Zicbom/Zicboz (there, every CBO is an illegal instruction).
 * The instructions are written with .insn, as the harness's -march does not include the extensions. */
#include "harness.h"

#define CSR_SENVCFG 0x10a
#define CSR_MENVCFG 0x30a
#define ENV_CBIE_FLUSH (1 << 4)   /* CBIE = 01: CBO.INVAL allowed, flushes */
#define ENV_CBIE_RSVD  (2 << 4)   /* CBIE = 10: reserved */
#define ENV_CBIE_INVAL (3 << 4)   /* CBIE = 11: CBO.INVAL allowed, invalidates */
#define ENV_CBIE       (3 << 4)
#define ENV_CBCFE      (1 << 6)
#define ENV_CBZE       (1 << 7)
#define ENV_CBO_ALL    (ENV_CBIE_INVAL | ENV_CBCFE | ENV_CBZE)

#define CBO_INVAL(rs) .insn i 0x0f, 2, x0, rs, 0
#define CBO_CLEAN(rs) .insn i 0x0f, 2, x0, rs, 1
#define CBO_FLUSH(rs) .insn i 0x0f, 2, x0, rs, 2
#define CBO_ZERO(rs)  .insn i 0x0f, 2, x0, rs, 4

/* A physical address no device answers (between the CLINT and the PLIC of the virt machine). */
#define VACANT_PA 0x4000000

#define SET_MENVCFG(v) li t0, v; csrw CSR_MENVCFG, t0
#define SET_SENVCFG(v) li t0, v; csrw CSR_SENVCFG, t0

/* The pattern of a 192-byte area (three blocks): dword i holds PATTERN + i. */
#define PATTERN 0x5a5a5a5a00000000
/* Fill the area at symbol/VA \base with the pattern; check it, with block \zb (0..2, or -1 for
 * none) expected zero. Both clobber a0-a5 and ra. */
#define FILL(base) la a0, base; jal fill_area
#define CHECK_AREA(base, zb) la a0, base; li a1, zb; jal check_area

/* The block-operation test of the instruction \insn on the register a1 = &area + 0x47 (unaligned,
 * inside block 1): it must retire, and area keep its pattern except block \zb. */
#define TEST_CBO_OK(n, zb, insn) \
  li TESTNUM, n; FILL(area); la a1, area + 0x47; \
  TEST_NO_TRAP(n, insn(a1)); \
  CHECK_AREA(area, zb)

/* Sv39 map for the paging part (root = l2):
 *   l2[1]  VA 0x4000_0000 -> l1, l1[0] -> l0: 4 KiB pages VA 0x4000_0000 + i * 4 KiB, PAGE_* below
 *   l2[2]  VA 0x8000_0000 1 GiB -> PA 0x8000_0000  RWX  (identity: code, data, tables) */
#define VA_L0(i)     (0x40000000 + (i) * 0x1000)
#define PAGE_RW      0   /* pg0 RW A D */
#define PAGE_RO      1   /* pg1 R A */
#define PAGE_INVALID 2
#define PAGE_URW     3   /* pg2 U RW A D */
#define PAGE_CLEAN_D 4   /* pg3 RW A, D = 0: a management instruction leaves D alone */
#define PAGE_ZERO_D  5   /* pg3 RW A, D = 0: CBO.ZERO sets D */

/* A CBO on the VA in a1 must raise a store page fault; the tval check (rs1 itself) has its own
 * number \nt, so that a failure names which rule broke. */
#define TEST_CBO_PF(n, nt, insn) \
  TEST_TRAP(n, CAUSE_STORE_PAGE, insn(a1)); \
  li TESTNUM, nt; \
  CHECK_MEM_EQ trap_tval, a1

/* Likewise for a store access fault. */
#define TEST_CBO_AF(n, nt, insn) \
  TEST_TRAP(n, CAUSE_STORE_ACCESS, insn(a1)); \
  li TESTNUM, nt; \
  CHECK_MEM_EQ trap_tval, a1

HARNESS_BEGIN

  /* ---- M-mode: menvcfg does not apply ---- */
  SET_MENVCFG(0)
  SET_SENVCFG(0)
  TEST_CBO_OK(1, 1, CBO_ZERO)             /* exactly the block holding rs1 */
  TEST_CBO_OK(2, -1, CBO_CLEAN)
  TEST_CBO_OK(3, -1, CBO_FLUSH)
  TEST_NO_TRAP(4, la a1, area + 0x47; CBO_INVAL(a1))  /* (an invalidate may expose older data) */
  /* CBO.ZERO at the first and last byte of a block, and of the area's other blocks */
  li TESTNUM, 5
  FILL(area)
  la a1, area
  CBO_ZERO(a1)
  CHECK_AREA(area, 0)
  li TESTNUM, 6
  FILL(area)
  la a1, area + 191
  CBO_ZERO(a1)
  CHECK_AREA(area, 2)
  li TESTNUM, 7
  FILL(area)
  la a1, area + 127
  CBO_ZERO(a1)
  CHECK_AREA(area, 1)
  TEST_CASE(8, a1, 0, la a1, area; la a2, area + 0x47; CBO_ZERO(a2); sub a1, a2, a1; addi a1, a1, -0x47)  /* rs1 unchanged */

  /* ---- menvcfg / senvcfg fields ---- */
  li TESTNUM, 10
  SET_MENVCFG(ENV_CBO_ALL)
  csrr a0, CSR_MENVCFG
  andi a0, a0, ENV_CBO_ALL
  CHECK a0, ENV_CBO_ALL
  li TESTNUM, 11
  SET_SENVCFG(ENV_CBO_ALL)
  csrr a0, CSR_SENVCFG
  andi a0, a0, ENV_CBO_ALL
  CHECK a0, ENV_CBO_ALL
  li TESTNUM, 12                 /* the fields are independent */
  SET_MENVCFG(ENV_CBIE_FLUSH)
  csrr a0, CSR_MENVCFG
  andi a0, a0, ENV_CBO_ALL
  CHECK a0, ENV_CBIE_FLUSH
  /* CBIE is WARL and 10 is reserved: writing it must leave a legal value. hartvm keeps the field
   * as it was (the spec only requires a legal value; tests 14, 15 and 17 check hartvm's choice). */
  li TESTNUM, 13
  SET_MENVCFG(ENV_CBIE_RSVD | ENV_CBZE)
  csrr a0, CSR_MENVCFG
  andi a1, a0, ENV_CBIE
  xori a1, a1, ENV_CBIE_RSVD
  snez a1, a1
  CHECK a1, 1
  li TESTNUM, 14
  andi a0, a0, ENV_CBO_ALL
  CHECK a0, ENV_CBIE_FLUSH | ENV_CBZE  /* CBIE kept at 01, CBZE written */
  li TESTNUM, 15
  SET_MENVCFG(ENV_CBIE_INVAL)
  SET_MENVCFG(ENV_CBIE_RSVD)
  csrr a0, CSR_MENVCFG
  andi a0, a0, ENV_CBIE
  CHECK a0, ENV_CBIE_INVAL
  li TESTNUM, 16
  SET_SENVCFG(ENV_CBIE_FLUSH)
  SET_SENVCFG(ENV_CBIE_RSVD)
  csrr a0, CSR_SENVCFG
  andi a1, a0, ENV_CBIE
  xori a1, a1, ENV_CBIE_RSVD
  snez a1, a1
  CHECK a1, 1
  li TESTNUM, 17
  andi a0, a0, ENV_CBO_ALL
  CHECK a0, ENV_CBIE_FLUSH
  li TESTNUM, 18                 /* S-mode reads and writes senvcfg */
  SET_SENVCFG(0)
  GOTO_S(1f)
1: SET_SENVCFG(ENV_CBZE)
  csrr a0, CSR_SENVCFG
  andi a0, a0, ENV_CBO_ALL
  CHECK a0, ENV_CBZE
  TEST_ILLEGAL(19, csrr a0, CSR_MENVCFG)
  GOTO_M(1f)
1:

  /* ---- S-mode: menvcfg decides (senvcfg, all zero, does not matter in S) ---- */
  SET_SENVCFG(0)
  SET_MENVCFG(0)
  GOTO_S(1f)
1: la a1, area + 0x47
  TEST_ILLEGAL(20, CBO_ZERO(a1))
  TEST_ILLEGAL(21, CBO_CLEAN(a1))
  TEST_ILLEGAL(22, CBO_FLUSH(a1))
  TEST_ILLEGAL(23, CBO_INVAL(a1))
  GOTO_M(1f)
1: SET_MENVCFG(ENV_CBZE)
  GOTO_S(1f)
1: TEST_CBO_OK(24, 1, CBO_ZERO)
  la a1, area + 0x47
  TEST_ILLEGAL(25, CBO_CLEAN(a1))
  TEST_ILLEGAL(26, CBO_FLUSH(a1))
  TEST_ILLEGAL(27, CBO_INVAL(a1))
  GOTO_M(1f)
1: SET_MENVCFG(ENV_CBCFE)
  GOTO_S(1f)
1: TEST_CBO_OK(28, -1, CBO_CLEAN)
  TEST_CBO_OK(29, -1, CBO_FLUSH)
  la a1, area + 0x47
  TEST_ILLEGAL(30, CBO_ZERO(a1))
  TEST_ILLEGAL(31, CBO_INVAL(a1))
  GOTO_M(1f)
1: SET_MENVCFG(ENV_CBIE_FLUSH)
  GOTO_S(1f)
1: TEST_CBO_OK(32, -1, CBO_INVAL)         /* CBIE = 01: a flush, so memory keeps its data */
  la a1, area + 0x47
  TEST_ILLEGAL(33, CBO_ZERO(a1))
  TEST_ILLEGAL(34, CBO_CLEAN(a1))
  TEST_ILLEGAL(35, CBO_FLUSH(a1))
  GOTO_M(1f)
1: SET_MENVCFG(ENV_CBIE_INVAL)
  GOTO_S(1f)
1: TEST_NO_TRAP(36, la a1, area + 0x47; CBO_INVAL(a1))
  TEST_ILLEGAL(37, CBO_ZERO(a1))
  GOTO_M(1f)
1:

  /* ---- U-mode: menvcfg and senvcfg must both allow ---- */
  SET_MENVCFG(ENV_CBO_ALL)
  SET_SENVCFG(0)
  GOTO_U(1f)
1: la a1, area + 0x47
  TEST_ILLEGAL(50, CBO_ZERO(a1))
  TEST_ILLEGAL(51, CBO_CLEAN(a1))
  TEST_ILLEGAL(52, CBO_FLUSH(a1))
  TEST_ILLEGAL(53, CBO_INVAL(a1))
  GOTO_M(1f)
1: SET_MENVCFG(0)                 /* senvcfg allows, menvcfg does not */
  SET_SENVCFG(ENV_CBO_ALL)
  GOTO_U(1f)
1: la a1, area + 0x47
  TEST_ILLEGAL(54, CBO_ZERO(a1))
  TEST_ILLEGAL(55, CBO_CLEAN(a1))
  TEST_ILLEGAL(56, CBO_FLUSH(a1))
  TEST_ILLEGAL(57, CBO_INVAL(a1))
  GOTO_M(1f)
1: SET_MENVCFG(ENV_CBO_ALL)
  SET_SENVCFG(ENV_CBZE)
  GOTO_U(1f)
1: TEST_CBO_OK(58, 1, CBO_ZERO)
  la a1, area + 0x47
  TEST_ILLEGAL(59, CBO_CLEAN(a1))
  TEST_ILLEGAL(60, CBO_INVAL(a1))
  GOTO_M(1f)
1: SET_SENVCFG(ENV_CBCFE)
  GOTO_U(1f)
1: TEST_CBO_OK(61, -1, CBO_CLEAN)
  TEST_CBO_OK(62, -1, CBO_FLUSH)
  la a1, area + 0x47
  TEST_ILLEGAL(63, CBO_ZERO(a1))
  TEST_ILLEGAL(64, CBO_INVAL(a1))
  GOTO_M(1f)
1: SET_SENVCFG(ENV_CBIE_FLUSH)
  GOTO_U(1f)
1: TEST_CBO_OK(65, -1, CBO_INVAL)
  la a1, area + 0x47
  TEST_ILLEGAL(66, CBO_FLUSH(a1))
  GOTO_M(1f)
1: SET_SENVCFG(ENV_CBIE_INVAL)
  SET_MENVCFG(ENV_CBIE_FLUSH)     /* both 01 or 11 in any mix: legal */
  GOTO_U(1f)
1: TEST_NO_TRAP(67, la a1, area + 0x47; CBO_INVAL(a1))
  TEST_ILLEGAL(68, CBO_ZERO(a1))
  GOTO_M(1f)
1:

  /* ---- a vacant physical address: a load faults (cause 5), so a CBO raises a store access fault ---- */
  SET_MENVCFG(ENV_CBO_ALL)
  li a1, VACANT_PA + 0x47
  TEST_TRAP(80, CAUSE_LOAD_ACCESS, ld a0, 0(a1))
  TEST_CBO_AF(81, 82, CBO_ZERO)
  TEST_CBO_AF(83, 84, CBO_CLEAN)
  TEST_CBO_AF(85, 86, CBO_FLUSH)
  TEST_CBO_AF(87, 88, CBO_INVAL)

  /* ---- Sv39 ---- */
  la s0, l2
  la s1, l1
  la s2, l0
  PTE_SET s0, 1, s1, PTE_V
  PTE_SET_PA s0, 2, 0x80000000, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
  PTE_SET s1, 0, s2, PTE_V
  la a0, pg0
  la a1, pg1
  la a2, pg2
  la a3, pg3
  PTE_SET s2, PAGE_RW, a0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_SET s2, PAGE_RO, a1, PTE_V | PTE_R | PTE_A
  PTE_SET s2, PAGE_URW, a2, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  PTE_SET s2, PAGE_CLEAN_D, a3, PTE_V | PTE_R | PTE_W | PTE_A
  PTE_SET s2, PAGE_ZERO_D, a3, PTE_V | PTE_R | PTE_W | PTE_A
  srli a0, s0, 12
  li t0, SATP_MODE_SV39
  or a0, a0, t0
  csrw satp, a0
  sfence.vma
  GOTO_S(1f)
1:
  /* CBO.ZERO through a writable page zeroes the block in the page it maps */
  li TESTNUM, 90
  FILL(pg0)
  li a1, VA_L0(PAGE_RW) + 0x47
  CBO_ZERO(a1)
  CHECK_AREA(pg0, 1)
  /* a read-only page: CBO.ZERO faults and writes nothing, the management instructions work */
  li TESTNUM, 91
  FILL(pg1)
  li a1, VA_L0(PAGE_RO) + 0x47
  TEST_CBO_PF(91, 92, CBO_ZERO)
  li TESTNUM, 93
  CHECK_AREA(pg1, -1)
  li a1, VA_L0(PAGE_RO) + 0x47
  TEST_NO_TRAP(94, CBO_CLEAN(a1); CBO_FLUSH(a1); CBO_INVAL(a1))
  li TESTNUM, 95
  CHECK_AREA(pg1, -1)
  /* an invalid PTE: no access at all, every CBO raises a store page fault with tval = rs1 */
  li a1, VA_L0(PAGE_INVALID) + 0x47
  TEST_CBO_PF(96, 97, CBO_CLEAN)
  TEST_CBO_PF(98, 99, CBO_FLUSH)
  TEST_CBO_PF(100, 101, CBO_INVAL)
  TEST_CBO_PF(102, 103, CBO_ZERO)
  /* a U page from S without SUM: no access either; with SUM the CBOs work */
  li a1, VA_L0(PAGE_URW) + 0x47
  TEST_CBO_PF(104, 105, CBO_CLEAN)
  TEST_CBO_PF(106, 107, CBO_ZERO)
  li TESTNUM, 108
  FILL(pg2)
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  li a1, VA_L0(PAGE_URW) + 0x47
  TEST_NO_TRAP(108, CBO_CLEAN(a1); CBO_ZERO(a1))
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  li TESTNUM, 109
  CHECK_AREA(pg2, 1)
  /* a non-canonical address */
  li a1, 0x0000008000000047
  TEST_CBO_PF(110, 111, CBO_FLUSH)
  /* D: a management instruction neither checks nor sets it; CBO.ZERO, a store, sets it */
  li TESTNUM, 112
  li a1, VA_L0(PAGE_CLEAN_D) + 0x47
  CBO_CLEAN(a1)
  CBO_FLUSH(a1)
  CBO_INVAL(a1)
  ld a0, (PAGE_CLEAN_D * 8)(s2)
  andi a0, a0, PTE_D
  CHECK a0, 0
  li TESTNUM, 113
  FILL(pg3)
  li a1, VA_L0(PAGE_ZERO_D) + 0x47
  CBO_ZERO(a1)
  ld a0, (PAGE_ZERO_D * 8)(s2)
  andi a0, a0, PTE_D
  CHECK a0, PTE_D
  li TESTNUM, 114
  CHECK_AREA(pg3, 1)
  /* the fault is taken in S when delegated, with stval = rs1 */
  GOTO_M(1f)
1: li t0, 1 << CAUSE_STORE_PAGE
  csrw medeleg, t0
  la t0, harness_strap
  csrw stvec, t0
  GOTO_S(1f)
1: li a1, VA_L0(PAGE_RO) + 0x3f
  TEST_CBO_PF(115, 116, CBO_ZERO)
  CHECK_MEM trap_priv, PRV_S
  GOTO_M(1f)
1: csrw medeleg, zero
  csrw satp, zero
  sfence.vma
  SET_MENVCFG(0)
  SET_SENVCFG(0)

HARNESS_END

/* fill_area: a0 = base of 24 dwords; dword i = PATTERN + i. */
fill_area:
  li a2, 0
  li a3, PATTERN
1: add a4, a3, a2
  sd a4, 0(a0)
  addi a0, a0, 8
  addi a2, a2, 1
  li a5, 24
  blt a2, a5, 1b
  ret

/* check_area: a0 = base of 24 dwords, a1 = the block (8 dwords) expected zero, or -1; fails
 * (with the current TESTNUM) unless every other dword holds the pattern. */
check_area:
  li a2, 0
1: ld a3, 0(a0)
  srli a4, a2, 3
  beq a4, a1, 2f
  li a5, PATTERN
  add a5, a5, a2
  beq a3, a5, 3f
  j fail
2: beqz a3, 3f
  j fail
3: addi a0, a0, 8
  addi a2, a2, 1
  li a5, 24
  blt a2, a5, 1b
  ret

  .bss
  .balign 64
area: .skip 192
  .balign 4096
l2:  .skip 4096
l1:  .skip 4096
l0:  .skip 4096
pg0: .skip 4096
pg1: .skip 4096
pg2: .skip 4096
pg3: .skip 4096

/* fp-state.S: F/D state control: mstatus.FS = Off makes FP instructions and the FP CSRs illegal;
 * FS = Initial/Clean becomes Dirty (3) after an FP register write or an fflags write, and then
 * mstatus.SD (bit 63) reads 1; fflags/frm/fcsr as views of one register; reserved rounding modes
 * (rm 5 and 6, and the dynamic mode while frm holds 5..7) are illegal. Needs rv64gc / lp64d. */
#include "harness.h"

#define FS_INITIAL (1 << 13)
#define FS_CLEAN   (2 << 13)
#define FS_DIRTY   (3 << 13)

HARNESS_BEGIN

  /* ---- FS = Off: every FP instruction and FP CSR access is illegal ---- */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  TEST_CASE(1, a0, 0, csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)
  TEST_ILLEGAL(2, fadd.d f1, f2, f3)
  TEST_ILLEGAL(3, fmv.x.d a0, f1)
  TEST_ILLEGAL(4, fld f1, 0(sp))
  TEST_ILLEGAL(5, fsw f1, 0(sp))
  TEST_ILLEGAL(6, csrr a0, fcsr)
  TEST_ILLEGAL(7, csrw fflags, zero)
  TEST_ILLEGAL(8, csrrwi a0, frm, 1)
  TEST_ILLEGAL(9, fmadd.s f1, f2, f3, f4)

  /* ---- FS = Initial; an FP register write makes it Dirty and SD reads 1 ---- */
  li t0, FS_INITIAL
  csrs mstatus, t0
  TEST_CASE(10, a0, FS_INITIAL, csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)
  TEST_CASE(11, a0, 0, csrr a0, mstatus; srli a0, a0, 63)
  TEST_CASE(12, a0, FS_DIRTY, li a1, 0x3ff0000000000000; fmv.d.x f1, a1; csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)
  TEST_CASE(13, a0, 1, csrr a0, mstatus; srli a0, a0, 63)
  TEST_CASE(14, a0, 1, csrr a0, sstatus; srli a0, a0, 63)          /* sstatus shows SD too */
  TEST_CASE(15, a0, 0x3ff0000000000000, fmv.x.d a0, f1)

  /* Clean, then a load: Dirty */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, FS_CLEAN
  csrs mstatus, t0
  TEST_CASE(16, a0, 0, csrr a0, mstatus; srli a0, a0, 63)
  TEST_CASE(17, a0, FS_DIRTY, la a1, fdata; fld f2, 0(a1); csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)
  TEST_CASE(18, a0, 0x400921fb54442d18, fmv.x.d a0, f2)

  /* Clean, then an fflags write: Dirty */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, FS_CLEAN
  csrs mstatus, t0
  TEST_CASE(19, a0, FS_DIRTY, csrwi fflags, 1; csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)

  /* Clean, then an arithmetic instruction: Dirty */
  li t0, MSTATUS_FS
  csrc mstatus, t0
  li t0, FS_CLEAN
  csrs mstatus, t0
  TEST_CASE(20, a0, FS_DIRTY, fadd.d f3, f1, f2; csrr a0, mstatus; li t0, MSTATUS_FS; and a0, a0, t0)

  /* ---- fflags, frm, fcsr ---- */
  TEST_CASE(30, a0, 0xff, li a1, 0xfff; csrw fcsr, a1; csrr a0, fcsr)   /* bits 31:8 read as zero */
  TEST_CASE(31, a0, 0x1f, csrr a0, fflags)
  TEST_CASE(32, a0, 7, csrr a0, frm)
  TEST_CASE(33, a0, 0x7f, csrwi frm, 3; csrr a0, fcsr)
  TEST_CASE(34, a0, 0x65, csrwi fflags, 5; csrr a0, fcsr)
  TEST_CASE(35, a0, 5, csrrwi a0, fflags, 0)                             /* the old flags */
  TEST_CASE(36, a0, 0x60, csrr a0, fcsr)
  TEST_CASE(37, a0, 1, li a1, -7; csrw frm, a1; csrr a0, frm)             /* the low 3 bits */
  TEST_CASE(38, a0, 0x20, csrr a0, fcsr)
  /* flags accrue; an instruction never clears them */
  TEST_CASE(39, a0, 0x09, csrw fflags, zero; li a1, 0x3ff0000000000000; fmv.d.x f1, a1; fmv.d.x f2, zero; \
    fdiv.d f3, f1, f2; li a1, 0x4008000000000000; fmv.d.x f2, a1; fdiv.d f3, f1, f2; fadd.d f3, f1, f1; csrr a0, fflags)

  /* ---- rounding modes: static rm, dynamic via frm, reserved values ---- */
  li a1, 0x3ff0000000000000
  fmv.d.x f1, a1
  li a1, 0x4008000000000000
  fmv.d.x f2, a1
  TEST_CASE(40, a0, 0x3fd5555555555555, fdiv.d f3, f1, f2, rtz; fmv.x.d a0, f3)
  TEST_CASE(41, a0, 0x3fd5555555555556, fdiv.d f3, f1, f2, rup; fmv.x.d a0, f3)
  TEST_CASE(42, a0, 0x3fd5555555555556, csrwi frm, 3; fdiv.d f3, f1, f2, dyn; fmv.x.d a0, f3)
  TEST_CASE(43, a0, 0x3fd5555555555555, csrwi frm, 2; fdiv.d f3, f1, f2; fmv.x.d a0, f3)
  TEST_CASE(44, a0, 0x3fd5555555555555, csrwi frm, 0; fdiv.d f3, f1, f2; fmv.x.d a0, f3)
  /* rm = 5 and rm = 6 are reserved */
  TEST_ILLEGAL(45, .insn r OP_FP, 5, 1, f3, f1, f2)
  TEST_ILLEGAL(46, .insn r OP_FP, 6, 1, f3, f1, f2)
  TEST_ILLEGAL(47, .insn r4 MADD, 5, 1, f3, f1, f2, f1)
  TEST_ILLEGAL(48, .insn r OP_FP, 5, 0x68, f3, a1, x0)          /* fcvt.s.w with rm 5 */
  /* dynamic rounding while frm holds 5, 6 or 7 is illegal ... */
  csrwi frm, 5
  TEST_ILLEGAL(49, fadd.d f3, f1, f2)
  csrwi frm, 6
  TEST_ILLEGAL(50, fmul.s f3, f1, f2)
  csrwi frm, 7
  TEST_ILLEGAL(51, fcvt.w.d a0, f1)
  /* ... but instructions without a rounding mode still run, and a static rm works */
  TEST_CASE(52, a0, 0x3ff0000000000000, fsgnj.d f3, f1, f1; fmv.x.d a0, f3)
  TEST_CASE(53, a0, 1, feq.d a0, f1, f1)
  TEST_CASE(54, a0, 0x4010000000000000, fadd.d f3, f2, f1, rne; fmv.x.d a0, f3)
  csrwi frm, 0
  /* other reserved encodings: fmt H/Q (Zfh, beyond Zfhmin's moves and conversions), fsqrt with
   * rs2 != 0. FLH is Zfhmin's: test/guest/fp/zfhmin.S has it. */
  TEST_ILLEGAL(55, .insn r OP_FP, 0, 2, f3, f1, f2)             /* fadd.h */
  TEST_ILLEGAL(56, .insn r OP_FP, 0, 3, f3, f1, f2)             /* fadd.q */
  TEST_ILLEGAL(57, .insn r OP_FP, 0, 0x12, f3, f1, f2)          /* fsgnj.h */
  TEST_ILLEGAL(58, .insn r OP_FP, 0, 0x2d, f3, f1, f1)          /* fsqrt.d rs2 = 1 */

HARNESS_END

  .section .rodata
  .balign 8
fdata: .dword 0x400921fb54442d18

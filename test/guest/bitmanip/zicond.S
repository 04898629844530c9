/* zicond.S: Zicond's CZERO.EQZ (rd = rs2 == 0 ? 0 : rs1) and CZERO.NEZ (rd = rs2 != 0 ? 0 : rs1),
 * including a condition that is zero only in its low word, and rd equal to a source. GCC 12 has no
 * Zicond, so the instructions are spelled with .insn (OP, funct3 5 and 7, funct7 7). QEMU 7.2 has
 * no Zicond either: this program runs on hartvm only. */
#include "harness.h"

.macro czero.eqz rd, rs1, rs2
  .insn r 0x33, 5, 7, \rd, \rs1, \rs2
.endm
.macro czero.nez rd, rs1, rs2
  .insn r 0x33, 7, 7, \rd, \rs1, \rs2
.endm

HARNESS_BEGIN
  TEST_RR(1, czero.eqz, 0, 0x1234, 0)
  TEST_RR(2, czero.eqz, 0x1234, 0x1234, 1)
  TEST_RR(3, czero.eqz, -1, -1, 0x100000000)      /* zero low word, non-zero value: keep rs1 */
  TEST_RR(4, czero.eqz, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
  TEST_RR(5, czero.nez, 0x1234, 0x1234, 0)
  TEST_RR(6, czero.nez, 0, 0x1234, 1)
  TEST_RR(7, czero.nez, 0, -1, 0x100000000)
  TEST_RR(8, czero.nez, -1, -1, 0)
  TEST_CASE(9, a1, 0, li a1, 5; czero.eqz a1, a1, x0)   /* rs2 = x0: always zero */
  TEST_CASE(10, a1, 5, li a1, 5; czero.nez a1, a1, x0)  /* rs2 = x0: always rs1 */
  TEST_CASE(11, a1, 7, li a1, 7; czero.eqz a1, a1, a1)
  TEST_CASE(12, a1, 0, li a1, 7; czero.nez a1, a1, a1)
  TEST_RR_ZERO(13, czero.eqz, 3, 4)
HARNESS_END

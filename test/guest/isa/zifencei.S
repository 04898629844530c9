/* zifencei.S: self-modifying code made visible by FENCE.I: code copied into a data buffer, code
 * patched in place after it has already run (a cached translation must be dropped), a patch of the
 * very next instruction, and a compressed (16-bit) patch. */
#include "harness.h"

HARNESS_BEGIN

  /* ---- copy a function into RAM and call it ---- */
  li TESTNUM, 1
  la s0, code_buf
  lwu a1, tpl_add1
  sw a1, 0(s0)
  lwu a1, tpl_ret
  sw a1, 4(s0)
  fence.i
  li a0, 10
  jalr s0
  CHECK a0, 11
  /* rewrite it: the old code was executed and may be cached */
  li TESTNUM, 2
  lwu a1, tpl_add2
  sw a1, 0(s0)
  fence.i
  li a0, 10
  jalr s0
  CHECK a0, 12
  /* run it in a hot loop, patch, run again */
  li TESTNUM, 3
  li a0, 0
  li s1, 200
1: jalr s0
  addi s1, s1, -1
  bnez s1, 1b
  CHECK a0, 400
  lwu a1, tpl_add1
  sw a1, 0(s0)
  fence.i
  li a0, 0
  li s1, 200
1: jalr s0
  addi s1, s1, -1
  bnez s1, 1b
  CHECK a0, 200

  /* ---- patch code in .text that has already run ---- */
  li TESTNUM, 4
  li s1, 3
  li a0, 0
2: jal patch_site_fn
  addi s1, s1, -1
  bnez s1, 2b
  CHECK a0, 3                    /* three times +1 */
  la s2, patch_site
  lwu a1, tpl_add2
  sw a1, 0(s2)
  fence.i
  li a0, 0
  jal patch_site_fn
  CHECK a0, 2

  /* ---- patch the next instruction in the same straight-line block ---- */
  li TESTNUM, 5
  la s2, 3f
  lwu a1, tpl_add2
  li a0, 0
  sw a1, 0(s2)
  fence.i
  .option push
  .option norvc
3: addi a0, a0, 1               /* replaced by addi a0, a0, 2 */
  .option pop
  CHECK a0, 2
  /* run the same site again (loop) with a different patch each time */
  li TESTNUM, 6
  li s1, 0
  li a0, 0
4: lwu a1, tpl_add1
  andi a2, s1, 1
  beqz a2, 5f
  lwu a1, tpl_add2
5: la s2, 6f
  sw a1, 0(s2)
  fence.i
  .option push
  .option norvc
6: addi a0, a0, 0
  .option pop
  addi s1, s1, 1
  li a2, 10
  bltu s1, a2, 4b
  CHECK a0, 15                   /* 5 * 1 + 5 * 2 */

  /* ---- a 16-bit patch ---- */
  li TESTNUM, 7
  la s2, 7f
  lhu a1, tpl_c_add3
  li a0, 0
  sh a1, 0(s2)
  fence.i
7: c.addi a0, 1                  /* replaced by c.addi a0, 3 */
  c.nop
  CHECK a0, 3

HARNESS_END

  .text
  .balign 4
patch_site_fn:
  .option push
  .option norvc
patch_site:
  addi a0, a0, 1
  ret
  .option pop

  /* templates, read as data */
  .section .rodata
  .balign 4
  .option push
  .option norvc
tpl_add1: addi a0, a0, 1
tpl_add2: addi a0, a0, 2
tpl_ret:  jalr x0, 0(ra)
  .option pop
tpl_c_add3: c.addi a0, 3
  .balign 4

  .data
  .balign 64
code_buf:
  .fill 16, 4, 0

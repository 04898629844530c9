/*
 * long-body: a loop whose body is 300 instructions of straight-line code, longer than the JIT's
 * longest block (MAX_BLOCK_INSTRUCTIONS, 128), as unrolled code (a hash's rounds) is.
 * test/jit/continuation.test.ts runs it on the JIT's run loop against the interpreter.
 *
 * The loop's first block is cut at 128 instructions; the two blocks that continue it are reached by
 * falling through, never by a branch, so the interpreter never counts them. The JIT compiles them
 * with the block they continue. The sum in a0 is checked at the end; the program ends at the
 * finisher (pass, or test 1 failed) and needs no other device.
 */
#include "virt.h"

/* 12000 trips, each adding 1 to a0 299 times: 12000 * 299. */
#define LONG_BODY_SUM 3588000

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  li a0, 0
  li s1, 12000
1:
  .rept 298
  addi a0, a0, 1
  .endr
  addi s1, s1, -1
  addi a0, a0, 1
  bnez s1, 1b
  li t2, LONG_BODY_SUM
  li t3, FINISHER_PASS
  beq a0, t2, 2f
  li t3, (1 << 16) | FINISHER_FAIL
2: li t4, FINISHER_BASE
  sw t3, 0(t4)
3: j 3b

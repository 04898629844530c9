/*
 * call-chain: a loop whose body is spread over small functions, as an interpreter's dispatch loop
 * or a kernel path is: 40000 trips, each calling five straight-line functions and one with a short
 * inner loop. test/jit/trail.test.ts runs it on the JIT's run loop against the interpreter.
 *
 * The inner loop is a block that loops to its own start, so the JIT compiles it early (HOT_THRESHOLD);
 * every other block is straight line and waits for the higher STRAIGHT_LINE_THRESHOLD. Until then
 * each trip leaves compiled code after the inner loop, the same move at the same pc every time,
 * which is what makes the JIT follow a trail through the rest of the body and compile it at once.
 * The functions come first, so that every call jumps backward and ends its block.
 *
 * The checksum in a0 is checked at the end (the value QEMU computes too), and the program ends at
 * the finisher: pass, or test 1 failed. It does without harness.h, so that the JIT's tests can run
 * it on a bare hart with the finisher as its only device (test/jit/differential.ts).
 */
#include "virt.h"

/* 40000 trips of the body from a0 = 1, a1 = 2, computed on the host. */
#define CALL_CHAIN_SUM 0x9921d294ca579fd3

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  j 20f

11: addi a0, a0, 3
  xor a0, a0, a1
  ret
12: slli t0, a0, 1
  add a0, a0, t0
  ret
13: srli t0, a0, 7
  xor a0, a0, t0
  ret
14: addi a1, a1, 7
  ret
15: mul a0, a0, a1
  addi a0, a0, 1
  ret
16: li t1, 4                    /* the inner loop: a block of its own that loops to its start */
17: addi a0, a0, 5
  addi t1, t1, -1
  bnez t1, 17b
  ret

20: li a0, 1
  li a1, 2
  li s1, 40000
21: call 11b
  call 12b
  call 16b
  call 13b
  call 14b
  call 15b
  addi s1, s1, -1
  bnez s1, 21b
  li t2, CALL_CHAIN_SUM
  li t3, FINISHER_PASS
  beq a0, t2, 22f
  li t3, (1 << 16) | FINISHER_FAIL
22: li t4, FINISHER_BASE
  sw t3, 0(t4)
23: j 23b

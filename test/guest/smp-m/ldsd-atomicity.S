/*
 * ldsd-atomicity: aligned 64-bit loads and stores must be single-copy atomic (RVWMO, "Memory Model
 * Primitives": aligned accesses up to XLEN bits are performed as one access; Linux's READ_ONCE /
 * WRITE_ONCE of a u64 rely on it on RV64). Harts pair up: hart 2p stores i : i (the same value in
 * both 32-bit halves) for i = 1..ITER to a shared doubleword with sd; hart 2p+1 loads it with ld
 * until it sees ITER, and every value it loads must have equal halves. A second doubleword
 * is written as i : ~i by the writer and must read back with hi == ~lo. An odd hart out, and a
 * single hart, write and read their own word (nothing can tear).
 *
 * Checks (exit status = code): 1 a load saw different halves in i : i (a torn 64-bit access),
 * 2 the same for i : ~i, 3 the value read went backwards (older than one already seen).
 */
#include "smp.h"

#define ITER 200000

SMP_BEGIN
  srli t0, s11, 1
  slli t0, t0, 7                        /* 128 bytes per pair: two lines */
  la s1, words
  add s1, s1, t0
  call smp_barrier
  xori t0, s11, 1
  bgeu t0, s10, writer                  /* solo: write only, then read back below */
  andi t0, s11, 1
  bnez t0, reader
writer:
  li s2, 1
  li s3, ITER
  li s4, 0xffffffff
1:slli t0, s2, 32
  or t1, t0, s2
  sd t1, 0(s1)
  xor t2, s2, s4                        /* ~i in the low half */
  or t2, t2, t0
  sd t2, 64(s1)
  addi s2, s2, 1
  ble s2, s3, 1b
  xori t0, s11, 1
  bltu t0, s10, done
reader:
  li s3, ITER
  li s4, 0xffffffff
  li s5, 0                              /* last value seen */
1:ld t1, 0(s1)
  ld t2, 64(s1)
  srli t3, t1, 32
  slli t4, t1, 32
  srli t4, t4, 32
  FAIL_IF_NE t3, t4, 1
  srli t5, t2, 32
  slli t4, t2, 32
  srli t4, t4, 32
  xor t4, t4, s4
  FAIL_IF_NE t5, t4, 2
  FAIL_IF bltu, t3, s5, 3
  mv s5, t3
  bne t3, s3, 1b
done:
  call smp_barrier
  bnez s11, smp_park
  j smp_pass

  .data
  .balign 64
words:                                  /* per pair: 0 : 0, then (next line) 0 : ~0 */
  .rept SMP_MAX_HARTS / 2
  .dword 0
  .balign 64
  .dword 0x00000000ffffffff
  .balign 64
  .endr
SMP_END

/*
 * mp-litmus: message passing, the RVWMO litmus test MP with fences. Harts pair up (2p writes,
 * 2p+1 reads; an odd hart out, and a single hart, play both roles one after the other). For round
 * r = 1..ROUNDS the writer stores r to data (two doublewords on separate lines, each holding r in
 * both 32-bit halves), orders them before the flag, then stores r to flag; the reader spins reading
 * flag, then data, with a fence between them. Odd rounds use fence w,w / fence r,r, even rounds
 * fence rw,rw on both sides. The reader acknowledges each round so the writer never runs ahead.
 *
 * Forbidden (exit status = code):
 *   1  the reader saw flag = f but a half of data0 < f: message passing through the fences broke
 *   2  the same for data1 (the second data line)
 *   4  the reader saw a flag ahead of the round it waits for (the handshake is broken)
 */
#include "smp.h"

#define ROUNDS 4000
#define PAIR_BYTES 256                  /* flag, ack, data0, data1: each on its own 64-byte line */
#define P_FLAG 0
#define P_ACK 64
#define P_DATA0 128
#define P_DATA1 192

SMP_BEGIN
  srli t0, s11, 1
  li t1, PAIR_BYTES
  mul t0, t0, t1
  la s1, pairs
  add s1, s1, t0                        /* s1 = this pair's block */
  call smp_barrier
  xori t0, s11, 1                       /* partner */
  bgeu t0, s10, solo
  andi t0, s11, 1
  bnez t0, reader
  call writer
  j done
reader:
  call read_side
  j done
solo:
  /* no partner: write then read each round on this hart */
  li s2, 1
  li s3, ROUNDS
1:mv a0, s2
  call write_round
  mv a0, s2
  call read_round
  addi s2, s2, 1
  ble s2, s3, 1b
done:
  call smp_barrier
  bnez s11, smp_park
  j smp_pass

/* writer: rounds 1..ROUNDS, waiting for the reader's ack of the previous round each time */
writer:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s2, 1
  li s3, ROUNDS
1:addi t0, s2, -1
2:ld t1, P_ACK(s1)
  beq t1, t0, 3f
  PAUSE
  j 2b
3:fence r, rw                           /* the reader is done with the previous round's data */
  mv a0, s2
  call write_round
  addi s2, s2, 1
  ble s2, s3, 1b
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

/* write_round(a0 = r): data0 = data1 = r:r, then flag = r (fence w,w on odd rounds, rw,rw on even) */
write_round:
  slli t0, a0, 32
  or t0, t0, a0
  sd t0, P_DATA0(s1)
  sd t0, P_DATA1(s1)
  andi t1, a0, 1
  beqz t1, 1f
  fence w, w
  j 2f
1:fence rw, rw
2:sd a0, P_FLAG(s1)
  ret

read_side:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s2, 1
  li s3, ROUNDS
1:mv a0, s2
  call read_round
  fence rw, w
  sd s2, P_ACK(s1)
  addi s2, s2, 1
  ble s2, s3, 1b
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

/* read_round(a0 = r): spin until flag == r, checking every observation of (flag, data0, data1) */
read_round:
1:ld t0, P_FLAG(s1)
  andi t1, a0, 1
  beqz t1, 2f
  fence r, r
  j 3f
2:fence rw, rw
3:ld t1, P_DATA0(s1)
  ld t2, P_DATA1(s1)
  /* message passing: both halves of both data words >= flag (a torn 64-bit read, which
   * ldsd-atomicity.S looks for, still passes: during the write of r the halves are r and r - 1) */
  slli t3, t1, 32
  srli t3, t3, 32
  FAIL_IF bltu, t3, t0, 1
  srli t3, t1, 32
  FAIL_IF bltu, t3, t0, 1
  slli t3, t2, 32
  srli t3, t3, 32
  FAIL_IF bltu, t3, t0, 2
  srli t3, t2, 32
  FAIL_IF bltu, t3, t0, 2
  FAIL_IF bgtu, t0, a0, 4
  beq t0, a0, 4f
  PAUSE
  j 1b
4:ret

  .data
  .balign 64
pairs: .space PAIR_BYTES * (SMP_MAX_HARTS / 2)
SMP_END

/*
 * sb-litmus: store buffering, the RVWMO litmus test SB with fence rw,rw. Harts pair up (2p is A,
 * 2p+1 is B; an odd hart out, and a single hart, play A then B one after the other). In round
 * r = 1..ROUNDS, after a pair rendezvous:
 *     A: x = r; fence rw,rw; r1 = y          B: y = r; fence rw,rw; r2 = x
 * Each side publishes what it read; after the next rendezvous A checks the pair's round.
 * Forbidden: r1 < r and r2 < r (both loads missed the other side's store).
 *
 * Checks (exit status = code): 1 the forbidden outcome, 2 a value from the future (r1 or r2 > r).
 */
#include "smp.h"

#define ROUNDS 4000
#define P_X 0
#define P_Y 64
#define P_SYNC 128
#define P_OBS_A 192
#define P_OBS_B 256
#define PAIR_BYTES 320

SMP_BEGIN
  srli t0, s11, 1
  li t1, PAIR_BYTES
  mul t0, t0, t1
  la s1, pairs
  add s1, s1, t0
  call smp_barrier
  li s2, 1                              /* r */
  li s3, ROUNDS
  xori t0, s11, 1
  bgeu t0, s10, solo
  andi s6, s11, 1                       /* 0 = A, 1 = B */
1:/* rendezvous r: each side adds 1 to sync; wait for 2r */
  addi t0, s1, P_SYNC
  li t1, 1
  amoadd.d.aqrl zero, t1, (t0)
  slli t2, s2, 1
2:ld t1, P_SYNC(s1)
  bgeu t1, t2, 3f
  PAUSE
  j 2b
3:fence r, rw
  /* check the previous round (A only; B published before it joined this rendezvous) */
  bnez s6, 4f
  addi a0, s2, -1
  beqz a0, 4f
  call check_round
4:bnez s6, 5f
  sd s2, P_X(s1)
  fence rw, rw
  ld t0, P_Y(s1)
  sd t0, P_OBS_A(s1)
  j 6f
5:sd s2, P_Y(s1)
  fence rw, rw
  ld t0, P_X(s1)
  sd t0, P_OBS_B(s1)
6:addi s2, s2, 1
  ble s2, s3, 1b
  /* final rendezvous, then A checks the last round */
  addi t0, s1, P_SYNC
  li t1, 1
  amoadd.d.aqrl zero, t1, (t0)
  slli t2, s2, 1
2:ld t1, P_SYNC(s1)
  bgeu t1, t2, 3f
  PAUSE
  j 2b
3:fence r, rw
  bnez s6, done
  mv a0, s3
  call check_round
  j done

solo:
1:sd s2, P_X(s1)
  fence rw, rw
  ld t0, P_Y(s1)
  sd t0, P_OBS_A(s1)
  sd s2, P_Y(s1)
  fence rw, rw
  ld t0, P_X(s1)
  sd t0, P_OBS_B(s1)
  mv a0, s2
  call check_round
  addi s2, s2, 1
  ble s2, s3, 1b
done:
  call smp_barrier
  bnez s11, smp_park
  j smp_pass

/* check_round(a0 = r): not (obsA < r and obsB < r); neither > r */
check_round:
  ld t0, P_OBS_A(s1)
  ld t1, P_OBS_B(s1)
  FAIL_IF bgtu, t0, a0, 2
  FAIL_IF bgtu, t1, a0, 2
  bgeu t0, a0, 1f
  bgeu t1, a0, 1f
  li a0, 1
  j smp_fail
1:ret

  .data
  .balign 64
pairs: .space PAIR_BYTES * (SMP_MAX_HARTS / 2)
SMP_END

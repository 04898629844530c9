/*
 * timeslice: two harts that each wait for the other in a loop that stores on every turn (so
 * pause-loop exiting never sees a spin): hart 0 counts turns until hart 1 raises a flag; hart 1
 * counts its own turns until hart 0 has made 1000, then raises the flag and parks. Run with 2 harts
 * on `--host-cpus 1` (test/scheduler.test.ts): whichever hart gets the one run token first can only
 * finish once the other has run, so the run ends only if a timeslice passes the token while the
 * other waits. Without timeslices it would spin on alone until --timeout.
 */
#include "smp.h"

SMP_BEGIN
  la t1, flag
  la t2, turns
  bnez s11, 2f
  li t3, 0
1:addi t3, t3, 1
  sd t3, 0(t2)                /* a store every turn: not a spin loop to pause-loop exiting */
  lw t0, 0(t1)
  beqz t0, 1b
  j smp_pass
2:la t4, own_turns
  li t5, 0
  li t6, 1000
3:addi t5, t5, 1
  sd t5, 0(t4)                /* likewise */
  ld t0, 0(t2)
  bltu t0, t6, 3b
  li t0, 1
  sw t0, 0(t1)
  j smp_park
  .data
  .balign 64
flag: .word 0
  .balign 64
turns: .dword 0
  .balign 64
own_turns: .dword 0
SMP_END

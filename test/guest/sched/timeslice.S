/*
 * timeslice: hart 0 busy-waits for a flag that only hart 1 sets, in a loop that stores on every turn
 * (so pause-loop exiting never sees a spin); hart 1 sets the flag and parks. Run with 2 harts on
 * `--host-cpus 1` (test/scheduler.test.ts): hart 1 gets the run token only if hart 0's timeslice
 * ends while hart 1 waits for it. Without timeslices hart 0 would spin on alone until --timeout.
 * Check 1: the flag came, but hart 0's loop count is implausibly small (it never really spun).
 */
#include "smp.h"

SMP_BEGIN
  bnez s11, 2f
  la t1, flag
  la t2, turns
  li t3, 0
1:addi t3, t3, 1
  sd t3, 0(t2)                /* a store every turn: not a spin loop to pause-loop exiting */
  lw t0, 0(t1)
  beqz t0, 1b
  li a0, 1
  li t0, 100
  bltu t3, t0, smp_fail
  j smp_pass
2:li t0, 1
  la t1, flag
  sw t0, 0(t1)
  j smp_park
  .data
  .balign 64
flag: .word 0
  .balign 64
turns: .dword 0
SMP_END

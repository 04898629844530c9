/*
 * pause-yield: two harts that each raise a flag of their own and then wait for the other's in a
 * PAUSE loop (Zihintpause; a spin loop to pause-loop exiting). Run with 2 harts on `--host-cpus 1`
 * and a 1 s timeslice (test/scheduler.test.ts): whichever hart gets the one run token first can
 * only finish once the other has run and raised its flag, and with no other vCPU running, the way
 * to that is a directed yield on a pause-loop exit, which --stats counts. With --ple off it spins
 * for the whole timeslice and ends with no yield counted.
 */
#include "smp.h"

SMP_BEGIN
  la t1, flags
  slli t2, s11, 6             /* each hart's flag on a line of its own */
  add t2, t1, t2
  li t0, 1
  sw t0, 0(t2)
  xori t3, s11, 1
  slli t3, t3, 6
  add t3, t1, t3
1:lw t0, 0(t3)
  bnez t0, 2f
  PAUSE
  j 1b
2:bnez s11, 3f
  j smp_pass
3:j smp_park
  .data
  .balign 64
flags: .word 0
  .balign 64
  .word 0
SMP_END

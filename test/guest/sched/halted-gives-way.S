/*
 * halted-gives-way: every hart but hart 0 parks in WFI with nothing enabled, for good; hart 0 then
 * runs a loop of 2,000,000 iterations and passes. Run with `--host-cpus 1` (test/scheduler.test.ts):
 * the one run token must come to hart 0, so a halted vCPU must give its token back. If a sleeping
 * vCPU kept it, hart 0 would never run and the run would time out.
 */
#include "smp.h"

SMP_BEGIN
  bnez s11, smp_park
  li t0, 2000000
1:addi t0, t0, -1
  bnez t0, 1b
  j smp_pass
SMP_END

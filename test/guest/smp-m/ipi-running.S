/*
 * ipi-running: an IPI must reach a hart that is busy in a loop, and soon, not only when the hart
 * next stops to look. Hart 1 counts in a tight loop (its counter in s5, stored each trip, with
 * machine interrupts on); hart 0 reads the counter, sets hart 1's msip, and waits for hart 1's
 * handler, which records s5 as it found it. The difference is how many trips hart 1 made between
 * the IPI and taking it: a few on hardware and on QEMU (which checks at every translation block);
 * on hartvm, compiled code watches its wake word between blocks and at loop back-edges (State.
 * WakeSeen). A hart that looked only every 16384 instructions (the JIT's slice) would make up to
 * 4096 trips of this 4-instruction loop, more than SLOW_TRIPS in most rounds.
 *
 * Hart 0 waits until hart 1 has made WARM_TRIPS trips first, so that the loop is compiled code by
 * then. Only harts 0 and 1 take part (the others sleep), so that both hold a host CPU at any
 * --host-cpus; a round where hart 0 itself lost its CPU between reading the counter and the IPI
 * could still count as slow, so up to a quarter of the rounds may be.
 *
 * Checks (exit status = code): 2 a trap other than the software interrupt, 5 more than ROUNDS/4
 * slow rounds, 253 the watchdog fired (an IPI was never taken).
 */
#include "smp.h"

#define ROUNDS 64
#define SLOW_TRIPS 1500
#define WARM_TRIPS 200000
#define WATCHDOG_MS 30000

SMP_BEGIN
  li t0, 2
  bltu s10, t0, smp_pass                /* one hart: nobody to interrupt */
  bgeu s11, t0, smp_park                /* harts 2 and up sleep (holding no host CPU) */
  la t0, ipi_trap
  csrw mtvec, t0
  SMP_WATCHDOG WATCHDOG_MS
  li t0, MIP_MSIP | MIP_MTIP
  csrw mie, t0
  la s6, counter
  la s7, stop
  la s8, seen
  la s9, taken
  bnez s11, responder

/* hart 0 */
  csrsi mstatus, MSTATUS_MIE            /* the watchdog */
1:ld t0, 0(s6)                          /* let hart 1's loop get hot */
  li t1, WARM_TRIPS
  bltu t0, t1, 1b
  li s3, CLINT_MSIP + 4                 /* hart 1's msip */
  li s4, 0                              /* slow rounds */
  li s5, 1                              /* round */
2:ld t0, 0(s6)                          /* trips so far */
  li t1, 1
  sw t1, 0(s3)                          /* IPI */
3:lw t2, 0(s9)                          /* wait for the handler */
  bltu t2, s5, 3b
  fence r, r
  ld t3, 0(s8)                          /* s5 as the handler found it */
  sub t3, t3, t0
  li t4, SLOW_TRIPS
  blt t3, t4, 4f
  addi s4, s4, 1
4:addi s5, s5, 1
  li t1, ROUNDS
  ble s5, t1, 2b
  li t0, 1
  sd t0, 0(s7)                          /* hart 1: stop */
  csrci mstatus, MSTATUS_MIE
  li t0, ROUNDS / 4
  FAIL_IF bgt, s4, t0, 5
  j smp_pass

responder:
  csrsi mstatus, MSTATUS_MIE
  li s5, 0
1:addi s5, s5, 1                        /* the loop: 4 instructions, one block */
  sd s5, 0(s6)
  ld t0, 0(s7)
  beqz t0, 1b
  j smp_park

/* hart 1's handler: t1-t3 only (the loop uses t0, s5-s7) */
  .balign 4
ipi_trap:
  csrr t1, mcause
  li t2, IRQ_M_SOFT
  beq t1, t2, 1f
  li t2, IRQ_M_TIMER
  bne t1, t2, 2f
  li a0, SMP_ERR_TIMEOUT
  j smp_fail
2:li a0, 2
  j smp_fail
1:li t1, CLINT_MSIP + 4
  sw zero, 0(t1)                        /* clear this hart's msip */
  sd s5, 0(s8)
  fence w, w
  lw t1, 0(s9)
  addi t1, t1, 1
  sw t1, 0(s9)                          /* taken: hart 0 reads seen after this */
  mret

  .data
  .balign 64
counter: .dword 0
  .balign 64
stop: .dword 0
  .balign 64
seen: .dword 0
  .balign 64
taken: .dword 0
SMP_END

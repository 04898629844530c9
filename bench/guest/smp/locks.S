/* locks: the overcommit benchmark's own lock guest. Harts 0..HARTS-1 meet at a barrier, then take
 * two locks in turn around a shared counter, each TOTAL / HARTS times per hart, with CS_WORK
 * iterations of work inside:
 *   phase 1  an LR/SC test-and-test-and-set lock;
 *   phase 2  a ticket lock (amoadd for a ticket, wait until now_serving reaches it): strictly FIFO,
 *            so it stalls whenever the next waiter in line has no host CPU.
 * Both phases run twice: first a warm-up round of TOTAL / 10 acquisitions (start-up and code
 * translation land there, untimed), then the timed round. A waiter never spins hot: between looks at the lock it naps in WFI for at most 10 µs (its mtimecmp
 * set 100 ticks ahead with mie.MTIE on and mstatus.MIE off, so the timer wakes WFI without a trap),
 * as an OS's idle-wait would. Barriers between phases nap the same way. Hart 0 checks the counter,
 * prints "locks: tas T ticket T" (each phase's mtime ticks, 10 MHz) on the UART and ends the run
 * through the finisher (code 1 on a wrong count). Harts >= HARTS park.
 * A phase lasts from the first hart's start to the last hart's finish: each hart lowers the round's
 * start word to its own start time (amominu) and raises the end word to its finish (amomaxu). Hart
 * 0's own view is no measure: a hart whose vCPU had no host CPU when the barrier opened starts late
 * and can find a phase half done, or arrive after the others have finished.
 * Built by bench/overcommit.ts with -DHARTS= -DTOTAL= -DCS_WORK=. */
#include "console.h"
.option norvc
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  li t0, HARTS
  bgeu a0, t0, park
  li t0, 0x2004000            /* s4: this hart's mtimecmp, s5: mtime */
  slli t1, a0, 3
  add s4, t0, t1
  li s5, 0x200bff8
  li t0, 0x80                 /* mie.MTIE: the nap's timer wakes WFI (mstatus.MIE stays 0: no trap) */
  csrs mie, t0
  li s3, 1
  li s7, 0                    /* barriers this hart has passed */
  li s6, TOTAL / HARTS / 10   /* the warm-up round's acquisitions per hart and phase */
  la s11, spans               /* this round's phase spans */
  call barrier
round:
  ld t0, 0(s5)                /* phase 1 starts for this hart */
  amominu.d zero, t0, (s11)

  /* Phase 1: LR/SC test-and-test-and-set. */
  mv s0, s6
  la s1, tas_lock
1:lr.w.aq t0, (s1)
  bnez t0, 2f
  sc.w t0, s3, (s1)
  bnez t0, 1b
  call critical
  amoswap.w.rl zero, zero, (s1)
  addi s0, s0, -1
  bnez s0, 1b
  j 3f
2:call nap                    /* held: nap, look again (plain load), try again once it is free */
  lw t0, 0(s1)
  bnez t0, 2b
  j 1b
3:ld t0, 0(s5)                /* phase 1 ends for this hart */
  addi t1, s11, 8
  amomaxu.d zero, t0, (t1)
  call barrier
  ld t0, 0(s5)                /* phase 2 starts for this hart */
  addi t1, s11, 16
  amominu.d zero, t0, (t1)

  /* Phase 2: ticket lock. */
  mv s0, s6
  la s1, next_ticket
  la s2, now_serving
4:amoadd.w.aqrl t2, s3, (s1)  /* t2: my ticket */
5:lw t0, 0(s2)
  beq t0, t2, 6f
  call nap
  j 5b
6:fence r, rw
  call critical
  addi t0, t2, 1
  fence rw, w
  sw t0, 0(s2)
  addi s0, s0, -1
  bnez s0, 4b
  ld t0, 0(s5)                /* phase 2 ends for this hart */
  addi t1, s11, 24
  amomaxu.d zero, t0, (t1)
  call barrier
  li t0, TOTAL / HARTS
  beq s6, t0, 7f
  mv s6, t0                   /* the warm-up is done: the timed round */
  addi s11, s11, 32
  j round

7:bnez a0, park
  la t0, counter              /* every increment must be there */
  ld t1, 0(t0)
  li t2, 2 * (TOTAL / HARTS + TOTAL / HARTS / 10) * HARTS
  bne t1, t2, fail
  la a1, msg_tas
  call puts
  ld t0, 0(s11)
  ld a0, 8(s11)
  sub a0, a0, t0
  call putdec
  la a1, msg_ticket
  call puts
  ld t0, 16(s11)
  ld a0, 24(s11)
  sub a0, a0, t0
  call putdec
  li a0, '\n'
  call putc
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
  j park
fail:
  li t0, 0x100000
  li t1, 0x13333
  sw t1, 0(t0)
park:
  wfi
  j park

/* The critical section: a plain load-add-store of the counter around CS_WORK iterations of work. */
critical:
  la t3, counter
  ld t1, 0(t3)
  li t4, CS_WORK
1:addi t4, t4, -1
  bnez t4, 1b
  addi t1, t1, 1
  sd t1, 0(t3)
  ret

/* Sleeps in WFI until the timer 10 µs from now, or any earlier wake-up. Uses t5. */
nap:
  ld t5, 0(s5)
  addi t5, t5, 100
  sd t5, 0(s4)
  wfi
  ret

/* Waits, napping, until all HARTS harts have arrived here as often as this one (s7 counts). Uses t0, t1. */
barrier:
  mv t6, ra
  addi s7, s7, 1
  la t0, arrived
  amoadd.w.aqrl zero, s3, (t0)
  li t1, HARTS
  mul t1, t1, s7
1:lw t0, arrived
  bgeu t0, t1, 2f
  call nap
  j 1b
2:mv ra, t6
  ret

CONSOLE_ROUTINES

  .section .rodata
msg_tas: .string "locks: tas "
msg_ticket: .string " ticket "
  .data
  .balign 64
arrived: .word 0
  .balign 64
tas_lock: .word 0
  .balign 64
next_ticket: .word 0
  .balign 64
now_serving: .word 0
  .balign 64
counter: .dword 0
  .balign 64
/* Per round (warm-up, timed): phase 1's first start and last end, phase 2's first start and last end. */
spans: .dword -1, 0, -1, 0, -1, 0, -1, 0

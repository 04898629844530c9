/* spinlock: HARTS harts take one amoswap.w spinlock TOTAL / HARTS times each, with a short critical
 * section (a plain load-add-store of a shared counter around CS_WORK iterations of work); the wait is a tight load loop on the lock
 * word with no PAUSE, the kind of loop hartvm's pause-loop exiting detects. Hart 0 waits for all,
 * checks the counter (failure: finisher code 1) and ends the run. Built with -DHARTS= -DTOTAL= -DCS_WORK=. */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  li t0, HARTS
  bgeu a0, t0, park
  li s0, TOTAL / HARTS
  la s1, lock
  la s2, counter
  li s3, 1
1:amoswap.w.aq t0, s3, (s1)
  beqz t0, 3f
2:lw t0, 0(s1)                /* spin while held */
  bnez t0, 2b
  j 1b
3:ld t1, 0(s2)
  li t3, CS_WORK               /* work inside the lock: long enough that a holder gets preempted */
7:addi t3, t3, -1
  bnez t3, 7b
  addi t1, t1, 1
  sd t1, 0(s2)
  amoswap.w.rl zero, zero, (s1)
  addi s0, s0, -1
  bnez s0, 1b
  la t0, done
  amoadd.w.aqrl zero, s3, (t0)
  bnez a0, park
  li t2, HARTS
4:lw t1, 0(t0)
  beq t1, t2, 5f
  .word 0x0100000f
  j 4b
5:ld t1, 0(s2)
  li t2, (TOTAL / HARTS) * HARTS
  li t0, 0x100000
  bne t1, t2, 6f
  li t1, 0x5555
  sw t1, 0(t0)
  j park
6:li t1, 0x13333
  sw t1, 0(t0)
park:
  wfi
  j park
  .data
  .balign 64
lock: .word 0
  .balign 64
counter: .dword 0
  .balign 64
done: .word 0

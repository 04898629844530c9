/* scale: embarrassingly parallel ALU work. Harts 0..HARTS-1 meet at a start barrier (so worker
 * start-up is not timed), each runs ITER iterations of the 12-instruction loop of
 * bench/guest/alu.S (registers only, nothing shared), then adds 1 to `done`; hart 0 waits for
 * done == HARTS, prints "scale: ticks T" (mtime from the barrier's release to the last hart done,
 * 10 MHz) on the UART and ends the run through the finisher. Harts >= HARTS park.
 * Built by bench/smp.ts with -DITER=... -DHARTS=... */
#include "console.h"
.option norvc
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  li t0, HARTS
  bgeu a0, t0, park
  la t0, arrived
  li t1, 1
  amoadd.w.aqrl zero, t1, (t0)
  li t2, HARTS
0:lw t1, 0(t0)
  beq t1, t2, 0f
  .word 0x0100000f          /* pause */
  j 0b
0:li t0, 0x200bff8
  ld s10, 0(t0)             /* start time (hart 0's is the one printed) */
  li s11, ITER
  li a1, 1; li a2, 3; li a3, 5; li a4, 7
1:
  add  a1, a1, a2
  xor  a2, a2, a3
  slli a5, a1, 3
  srli a6, a2, 2
  sub  a3, a3, a5
  or   a4, a4, a6
  addw a5, a1, a4
  and  a6, a3, a2
  sltu a7, a5, a6
  add  a4, a4, a7
  addi s11, s11, -1
  bnez s11, 1b
  la t0, done
  li t1, 1
  amoadd.w.aqrl zero, t1, (t0)
  bnez a0, park
  li t2, HARTS
2:lw t1, 0(t0)
  beq t1, t2, 3f
  .word 0x0100000f          /* pause */
  j 2b
3:li t0, 0x200bff8
  ld s9, 0(t0)
  sub s9, s9, s10
  la a1, msg
  call puts
  mv a0, s9
  call putdec
  li a0, '\n'
  call putc
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
park:
  wfi
  j park
CONSOLE_ROUTINES
  .section .rodata
msg: .string "scale: ticks "
  .data
  .balign 64
arrived: .word 0
  .balign 64
done: .word 0

/* Writes a line to the UART, then passes through the finisher. */
.section .text.init
.globl _start
_start:
  bnez a0, park
  la a0, msg
  li t0, 0x10000000
1: lbu t1, 0(a0)
  beqz t1, 2f
  sb t1, 0(t0)
  addi a0, a0, 1
  j 1b
2: li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
park: wfi
  j park
.section .rodata
msg: .string "hello from hart 0\n"

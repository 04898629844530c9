/* htif-pass.S: ends through HTIF (riscv-tests / Spike convention), not the finisher: writes
 * (0 << 1) | 1 = 1 to tohost, which means "pass, exit code 0", then waits. Run on QEMU with
 * `-machine spike -bios none`; hartvm switches HTIF on because the ELF defines tohost. */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  bnez a0, park
  li t0, 2
  addi t0, t0, 3
  li t1, 5
  bne t0, t1, bad
  li t2, 1                       /* (0 << 1) | 1 */
  la t3, tohost
  sd t2, 0(t3)
1: j 1b
bad:
  li t2, (1 << 1) | 1
  la t3, tohost
  sd t2, 0(t3)
  j 1b
park:
  wfi
  j park

  .section .tohost, "aw", @progbits
  .balign 8
  .globl tohost, fromhost
tohost:   .dword 0
fromhost: .dword 0
  .size tohost, 8
  .size fromhost, 8   /* QEMU insists on 8-byte symbols */

/* htif-fail.S: ends through HTIF with exit code 3: writes (3 << 1) | 1 = 7 to tohost, then waits.
 * A runner must report failure with status 3. Run on QEMU with `-machine spike -bios none`. */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  bnez a0, park
  li t2, (3 << 1) | 1
  la t3, tohost
  sd t2, 0(t3)
1: j 1b
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

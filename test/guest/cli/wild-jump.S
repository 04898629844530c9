/* Jumps to an address where nothing is mapped, with no trap handler installed (mtvec = 0):
 * the fetch fault's handler cannot be fetched either, and hartvm must say so and exit 1. */
.section .text.init
.globl _start
_start:
  li t0, 0x1234
  jr t0

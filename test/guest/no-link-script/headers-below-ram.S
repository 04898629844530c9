/*
 * Linked as a program ported from QEMU often is: -Wl,-Ttext=0x80000000 and no linker script
 * (scripts/build-guests.mjs, LINK_WITHOUT_SCRIPT). GNU ld's default script then starts the first
 * PT_LOAD segment a page below .text, at 0x7ffff000, with the ELF headers in it: below RAM.
 * QEMU -bios none loads the part in RAM, and so must hartvm. Checks that .rodata and .data arrived
 * where they were linked, prints a line, then passes through the finisher (fails with code 1).
 */
#define FINISHER 0x100000
#define UART 0x10000000

.section .text
.globl _start
_start:
  bnez a0, park                 /* a0 = mhartid: only hart 0 runs the check */
  la t0, magic
  ld t1, 0(t0)
  li t2, 0x0123456789abcdef
  bne t1, t2, fail
  la a0, msg
  li t0, UART
1: lbu t1, 0(a0)
  beqz t1, 2f
  sb t1, 0(t0)
  addi a0, a0, 1
  j 1b
2: li t0, FINISHER
  li t1, 0x5555
  sw t1, 0(t0)
park: wfi
  j park
fail:
  li t0, FINISHER
  li t1, (1 << 16) | 0x3333
  sw t1, 0(t0)
  j park

.section .rodata
msg: .string "loaded the part in RAM\n"

.section .data
.balign 8
magic: .dword 0x0123456789abcdef

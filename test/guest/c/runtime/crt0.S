/* crt0.S: start-up for hartvm's C test programs (QEMU virt, M-mode, -bios none): hart 0 clears
 * .bss, sets up the stack and calls main(); other harts park. main's return value ends the run
 * through the sifive_test finisher: 0 = pass, n = fail with exit code n (1..255). */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  bnez a0, 3f
  .option push
  .option norelax
  la sp, __stack_top
  .option pop
  la t0, __bss_start
  la t1, __bss_end
1: bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2: call main
  call rt_exit
3: wfi
  j 3b

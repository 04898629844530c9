/* Asks for 200 MiB of zeroed memory: does not fit the default 128M of RAM (loader error, exit 2). */
.section .text.init
.globl _start
_start:
  j _start
.section .bss
.space 200 * 1024 * 1024

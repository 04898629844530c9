/* Spins forever without doing anything: only --timeout ends it (exit status 124). */
.section .text.init
.globl _start
_start:
  j _start

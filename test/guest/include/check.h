/*
 * check.h: the check macros shared by smp.h (M-mode) and sbi.h (S-mode). Define CHECK_FAIL as the
 * label that reports a failed check (it gets the check's code in a0, and never returns) before
 * including this file from assembly.
 */
#ifndef HARTVM_CHECK_H
#define HARTVM_CHECK_H

/* Zihintpause PAUSE (fence w,0), spelled as a word for assemblers that predate it. */
#define PAUSE .word 0x0100000f

/* Fail with \code unless \a == \b / \reg == constant / cond(\a, \b) is false. CHECKI clobbers t6. */
.macro FAIL_IF_NE a, b, code
  beq \a, \b, .Lfne\@
  li a0, \code
  j CHECK_FAIL
.Lfne\@:
.endm
.macro CHECKI reg, expect, code
  li t6, \expect
  FAIL_IF_NE \reg, t6, \code
.endm
.macro FAIL_IF cond, a, b, code
  \cond \a, \b, .Lfi_bad\@
  j .Lfi_ok\@
.Lfi_bad\@:
  li a0, \code
  j CHECK_FAIL
.Lfi_ok\@:
.endm

#endif /* HARTVM_CHECK_H */

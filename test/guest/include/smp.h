/*
 * smp.h: start-up and helpers for bare-metal M-mode SMP test programs (test/guest/smp-m), QEMU virt
 * with `-bios none`: every hart starts at _start in M-mode with a0 = mhartid.
 *
 * A program looks like:
 *     #include "smp.h"
 *     SMP_BEGIN
 *     smp_main:            // every hart, a0 = hartid, a1 = number of harts, sp = its own stack
 *       ...
 *       j smp_pass         // (hart 0, once everyone is done) ends the run; others: j smp_park
 *     SMP_END
 *
 * Hart count discovery. With -bios none there is no device tree, and nothing in hardware tells a
 * hart how many others exist. So every hart atomically increments `smp_arrived` (amoadd.w) on entry
 * and hart 0 watches it: once the count has not changed for SMP_QUIET_TICKS of mtime (10 MHz; 500 ms
 * by default: hartvm starts one worker thread per hart and they do not all come up at once; on a
 * loaded 2-core host they can be hundreds of ms apart), hart 0 closes the count with amoor.w of
 * SMP_CLOSED, which returns the final number atomically, and prints "smp: N harts" (test/smp.test.ts
 * checks N against --smp). A hart that arrives after that sees SMP_CLOSED in the value its amoadd.w returned and fails the run loudly
 * (code SMP_ERR_LATE) instead of being silently left out. Hart 0 then publishes smp_nharts and
 * releases everyone through smp_go. Hart IDs must be 0..n-1 (true on QEMU virt and hartvm); a hart
 * with an ID >= SMP_MAX_HARTS parks and is not counted.
 *
 * Exit convention: sifive_test finisher at 0x10_0000; smp_pass writes 0x5555 (exit 0);
 * smp_fail (a0 = code 1..255) prints "smp: hart H failed check C" on the UART (under a lock, so
 * several failing harts do not interleave) and writes (code << 16) | 0x3333, so the exit status is
 * the code. Codes 240..255 belong to this header:
 *   250 SMP_ERR_LATE      a hart arrived after hart 0 had closed the count
 *   251 SMP_ERR_HARTID    a hart's ID is not below the number of harts counted
 *   252 SMP_ERR_TRAP      an unexpected trap (smp_trap prints mcause, mepc, mtval first)
 *   253 SMP_ERR_TIMEOUT   a bounded wait (SMP_WAIT_*) ran out
 *
 * Registers: smp_main gets a0/a1 and sp; s11 holds the hartid and s10 the number of harts for the
 * whole program (the helpers rely on them; do not clobber s10/s11). The helpers clobber t0-t6 only
 * unless said otherwise; smp_fail never returns.
 * Shared words live in .data (zero in the ELF image), never in .bss: no hart clears memory that
 * another hart may already be using.
 */
#ifndef HARTVM_SMP_H
#define HARTVM_SMP_H

#define SMP_MAX_HARTS   8
#define SMP_STACK_SHIFT 12              /* 4 KiB per hart */
#ifndef SMP_QUIET_TICKS
#define SMP_QUIET_TICKS 5000000         /* 500 ms of mtime at 10 MHz */
#endif
#define SMP_CLOSED      0x40000000

#define SMP_ERR_LATE    250
#define SMP_ERR_HARTID  251
#define SMP_ERR_TRAP    252
#define SMP_ERR_TIMEOUT 253

/* Machine (QEMU virt). */
#include "virt.h"
#define TICKS_PER_MS    10000

#define MSTATUS_MIE     (1 << 3)
#define MSTATUS_MPIE    (1 << 7)
#define MIP_MSIP        (1 << 3)
#define MIP_MTIP        (1 << 7)
#define IRQ_M_SOFT      0x8000000000000003
#define IRQ_M_TIMER     0x8000000000000007

#ifdef __ASSEMBLER__

#define CHECK_FAIL smp_fail
#include "check.h"

/* rd = mtime. */
.macro MTIME rd
  li \rd, CLINT_MTIME
  ld \rd, 0(\rd)
.endm

/* A watchdog: this hart's mtimecmp, \ms milliseconds from now (clobbers t0-t2). */
.macro SMP_WATCHDOG ms
  li t0, CLINT_MTIMECMP
  slli t1, s11, 3
  add t0, t0, t1
  MTIME t1
  li t2, \ms * TICKS_PER_MS
  add t1, t1, t2
  sd t1, 0(t0)
.endm

#define SMP_BEGIN \
  .section .text.init, "ax", @progbits; \
  .globl _start; \
_start: \
  j smp_reset; \
  .text; \
  SMP_ROUTINES; \
smp_main:

#define SMP_END SMP_DATA

.macro SMP_ROUTINES
  .balign 4
smp_reset:
  csrw mie, zero
  csrci mstatus, MSTATUS_MIE
  la t0, smp_trap
  csrw mtvec, t0
  csrr s11, mhartid
  li t0, SMP_MAX_HARTS
  bgeu s11, t0, smp_park
  /* own stack: smp_stacks + (hartid + 1) << SMP_STACK_SHIFT */
  la sp, smp_stacks
  addi t0, s11, 1
  slli t0, t0, SMP_STACK_SHIFT
  add sp, sp, t0
  /* this hart's timer and software interrupt start quiet (QEMU resets mtimecmp to 0) */
  li t0, CLINT_MTIMECMP
  slli t1, s11, 3
  add t0, t0, t1
  li t1, -1
  sd t1, 0(t0)
  li t0, CLINT_MSIP
  slli t1, s11, 2
  add t0, t0, t1
  sw zero, 0(t0)
  /* arrive */
  la t0, smp_arrived
  li t1, 1
  amoadd.w.aqrl t2, t1, (t0)
  li t1, SMP_CLOSED
  and t2, t2, t1
  beqz t2, 1f
  li a0, SMP_ERR_LATE
  j smp_fail
1:bnez s11, smp_wait_go
  /* hart 0: close the count once it has been stable for SMP_QUIET_TICKS */
  li s0, -1                     /* last count seen */
  li s1, 0                      /* mtime when it last changed */
  li s2, SMP_QUIET_TICKS
  la s3, smp_arrived
2:lw t0, 0(s3)
  MTIME t1
  beq t0, s0, 3f
  mv s0, t0
  mv s1, t1
  j 2b
  PAUSE                         /* lets hartvm give the host CPU to harts still starting */
  j 2b
3:sub t2, t1, s1
  PAUSE
  bltu t2, s2, 2b
  li t1, SMP_CLOSED
  amoor.w.aqrl t0, t1, (s3)
  la t1, smp_nharts
  sw t0, 0(t1)
  fence rw, w
  li t0, 1
  la t1, smp_go
  sw t0, 0(t1)
  la a0, smp_msg_harts
  call smp_puts
  lw a0, smp_nharts
  call smp_putdec
  la a0, smp_msg_harts2
  call smp_puts
  li s0, 0
  li s1, 0
  li s2, 0
  li s3, 0
  j smp_started
smp_wait_go:
  la t0, smp_go
1:lw t1, 0(t0)
  bnez t1, 2f
  PAUSE
  j 1b
2:fence r, rw
smp_started:
  lw s10, smp_nharts
  bltu s11, s10, 1f
  li a0, SMP_ERR_HARTID
  j smp_fail
1:mv a0, s11
  mv a1, s10
  j smp_main

/* Park this hart for good (interrupts off: WFI may still return, so loop). */
smp_park:
  csrw mie, zero
1:wfi
  j 1b

/* End the run: pass. */
smp_pass:
  fence
  li t0, FINISHER_BASE
  li t1, FINISHER_PASS
  sw t1, 0(t0)
1:wfi
  j 1b

/* End the run: fail with code a0 (1..255), after printing which hart and check failed. */
smp_fail:
  csrci mstatus, MSTATUS_MIE
  mv s0, a0
  la t0, smp_print_lock
  li t1, 1
1:amoswap.w.aq t2, t1, (t0)
  bnez t2, 1b
  la a0, smp_msg_fail
  call smp_puts
  mv a0, s11
  call smp_putdec
  la a0, smp_msg_check
  call smp_puts
  mv a0, s0
  call smp_putdec
  li a0, '\n'
  call smp_putc
  fence
  andi t0, s0, 0xff
  bnez t0, 2f
  li t0, 255
2:slli t0, t0, 16
  li t1, FINISHER_FAIL
  or t0, t0, t1
  li t1, FINISHER_BASE
  sw t0, 0(t1)
3:wfi
  j 3b

/* Unexpected trap: print mcause, mepc, mtval, then fail with SMP_ERR_TRAP. */
  .balign 4
smp_trap:
  la t0, smp_print_lock
  li t1, 1
1:amoswap.w.aq t2, t1, (t0)
  bnez t2, 1b
  la a0, smp_msg_trap
  call smp_puts
  mv a0, s11
  call smp_putdec
  la a0, smp_msg_cause
  call smp_puts
  csrr a0, mcause
  call smp_puthex
  la a0, smp_msg_epc
  call smp_puts
  csrr a0, mepc
  call smp_puthex
  la a0, smp_msg_tval
  call smp_puts
  csrr a0, mtval
  call smp_puthex
  li a0, '\n'
  call smp_putc
  la t0, smp_print_lock
  amoswap.w.rl zero, zero, (t0)
  li a0, SMP_ERR_TRAP
  j smp_fail

/* UART output (caller holds smp_print_lock or accepts interleaving). a0 = byte / string / number.
 * Clobber t0-t4 and a0. */
smp_putc:
  li t0, UART0_BASE
1:lbu t1, 5(t0)
  andi t1, t1, 0x20
  beqz t1, 1b
  sb a0, 0(t0)
  ret
smp_puts:
  mv t4, ra
  mv t3, a0
1:lbu a0, 0(t3)
  beqz a0, 2f
  call smp_putc
  addi t3, t3, 1
  j 1b
2:mv ra, t4
  ret
smp_puthex:
  mv t4, ra
  mv t3, a0
  li t2, 60
1:srl a0, t3, t2
  andi a0, a0, 15
  addi a0, a0, '0'
  li t1, '9'
  ble a0, t1, 2f
  addi a0, a0, 'a' - '0' - 10
2:call smp_putc
  addi t2, t2, -4
  bgez t2, 1b
  mv ra, t4
  ret
/* Unsigned decimal, up to 20 digits, via a small buffer on the stack. */
smp_putdec:
  addi sp, sp, -48
  sd ra, 32(sp)
  mv t3, sp
  addi t3, t3, 31
  sb zero, 0(t3)
  li t2, 10
1:remu t1, a0, t2
  divu a0, a0, t2
  addi t1, t1, '0'
  addi t3, t3, -1
  sb t1, 0(t3)
  bnez a0, 1b
  mv a0, t3
  call smp_puts
  ld ra, 32(sp)
  addi sp, sp, 48
  ret

/* Print string a0 as one line from any hart, under the print lock. Clobbers t0-t4, a0. */
smp_say:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  la t0, smp_print_lock
  li t1, 1
1:amoswap.w.aq t2, t1, (t0)
  bnez t2, 1b
  ld a0, 8(sp)
  call smp_puts
  la t0, smp_print_lock
  amoswap.w.rl zero, zero, (t0)
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

/* Sense-reversing barrier over all s10 harts. Clobbers t0-t5. */
smp_barrier:
  la t5, smp_bar_sense
  lw t0, 0(t5)
  la t1, smp_bar_count
  li t2, 1
  amoadd.w.aqrl t3, t2, (t1)
  addi t3, t3, 1
  bne t3, s10, 2f
  sw zero, 0(t1)
  xori t0, t0, 1
  fence rw, w
  sw t0, 0(t5)
  ret
2:lw t4, 0(t5)
  bne t4, t0, 3f
  PAUSE
  j 2b
3:fence r, rw
  ret

/* Busy-wait a0 ticks of mtime. Clobbers t0-t2. */
smp_delay:
  MTIME t0
  add t0, t0, a0
1:MTIME t1
  bltu t1, t0, 1b
  ret
.endm

.macro SMP_DATA
  .section .rodata.smp, "a", @progbits
smp_msg_harts: .string "smp: "
smp_msg_harts2: .string " harts\n"
smp_msg_fail:  .string "smp: hart "
smp_msg_check: .string " failed check "
smp_msg_trap:  .string "smp: unexpected trap on hart "
smp_msg_cause: .string " mcause=0x"
smp_msg_epc:   .string " mepc=0x"
smp_msg_tval:  .string " mtval=0x"
  .section .data.smp, "aw", @progbits
  .balign 64
smp_arrived:    .word 0
  .balign 64
smp_go:         .word 0
smp_nharts:     .word 0
  .balign 64
smp_print_lock: .word 0
  .balign 64
smp_bar_count:  .word 0
  .balign 64
smp_bar_sense:  .word 0
  .section .bss.smp, "aw", @nobits
  .balign 16
smp_stacks:     .space (SMP_MAX_HARTS + 1) << SMP_STACK_SHIFT
  .text
.endm

#endif /* __ASSEMBLER__ */
#endif /* HARTVM_SMP_H */

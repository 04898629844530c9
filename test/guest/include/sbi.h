/*
 * sbi.h: S-mode test programs on SBI firmware (test/guest/smp-s, linked at 0x8020_0000): hartvm's
 * builtin SBI (`--bios builtin`) or OpenSBI under QEMU virt. The boot hart (hart 0 on hartvm; any
 * hart on OpenSBI, which picks one) enters _start with a0 = hartid, a1 = DTB; the others stay
 * STOPPED until SBI HSM hart_start.
 *
 * A program looks like:
 *     #include "sbi.h"
 *     SBI_BEGIN
 *     sbi_main:            // boot hart: a0 = s11 = hartid, a1 = s10 = number of harts,
 *                          // s9 = the boot hart's ID (sbi_dtb holds the DTB address)
 *       ...
 *       j sbi_pass         // SRST shutdown, reason 0 (no reason); sbi_fail: reason 1
 *     SBI_END
 * Secondary harts: hart_start(hartid, sbi_secondary, opaque = address of a routine): the routine
 * runs with its own stack, stvec = sbi_trap, s11 = hartid, s10 = number of harts, s9 = the boot
 * hart's ID, a0 = hartid.
 *
 * Number of harts: hart_get_status(id) for id = 0, 1, ... until it returns SBI_ERR_INVALID_PARAM
 * (both hartvm and OpenSBI answer that for an ID with no hart).
 *
 * Output: sbi_puts prints with DBCN console_write when BASE probe_extension finds DBCN, else with
 * the legacy console_putchar (EID 0x01); OpenSBI 1.1 (QEMU 7.2's bundled firmware) has no DBCN.
 * sbi_fail (a0 = code) prints "sbi: hart H failed check C", then SRST shutdown with reason 1
 * (system failure): hartvm exits 1; QEMU's OpenSBI 1.1 reports any shutdown to the sifive_test
 * finisher as a pass, so QEMU exits 0 — on QEMU look for the "failed check" line. If SRST returns
 * (it must not) the legacy shutdown (EID 0x08) follows, then a WFI loop.
 * Codes 250..255 belong to this header: 252 an unexpected trap (printed first), 253 a timeout,
 * 254 hart discovery failed.
 * Registers: s9-s11 as above for the whole program; the helpers clobber a0-a7 (SBI calls) and t0-t6.
 */
#ifndef HARTVM_SBI_H
#define HARTVM_SBI_H

/* Extension IDs (a7). */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR   0x01
#define SBI_EXT_LEGACY_GETCHAR   0x02
#define SBI_EXT_LEGACY_SHUTDOWN  0x08
#define SBI_EXT_BASE    0x10
#define SBI_EXT_TIME    0x54494d45
#define SBI_EXT_IPI     0x735049
#define SBI_EXT_RFENCE  0x52464e43
#define SBI_EXT_HSM     0x48534d
#define SBI_EXT_SRST    0x53525354
#define SBI_EXT_DBCN    0x4442434e

/* Function IDs (a6). */
#define SBI_BASE_GET_SPEC_VERSION  0
#define SBI_BASE_GET_IMPL_ID       1
#define SBI_BASE_GET_IMPL_VERSION  2
#define SBI_BASE_PROBE_EXTENSION   3
#define SBI_BASE_GET_MVENDORID     4
#define SBI_BASE_GET_MARCHID       5
#define SBI_BASE_GET_MIMPID        6
#define SBI_TIME_SET_TIMER         0
#define SBI_IPI_SEND_IPI           0
#define SBI_RFENCE_FENCE_I         0
#define SBI_HSM_HART_START         0
#define SBI_HSM_HART_STOP          1
#define SBI_HSM_HART_GET_STATUS    2
#define SBI_SRST_SYSTEM_RESET      0
#define SBI_DBCN_CONSOLE_WRITE     0
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2

/* Error codes (a0). */
#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6

/* HSM states. */
#define SBI_HSM_STARTED        0
#define SBI_HSM_STOPPED        1
#define SBI_HSM_START_PENDING  2
#define SBI_HSM_STOP_PENDING   3

/* SRST. */
#define SBI_SRST_SHUTDOWN        0
#define SBI_SRST_REASON_NONE     0
#define SBI_SRST_REASON_FAILURE  1

#define SBI_MAX_HARTS   8
#define SBI_STACK_SHIFT 12
#define SBI_ERR_TRAP    252
#define SBI_ERR_TIMEOUT 253
#define SBI_ERR_HARTS   254
/* Bound on waits for other harts (start, stop): generous, because hartvm loads a hart's worker
 * thread lazily enough that a loaded 2-core host can take seconds to run a freshly started hart. */
#define SBI_WAIT_S      20

/* sstatus / sie / sip bits and causes. */
#define SSTATUS_SIE     (1 << 1)
#define SIE_SSIE        (1 << 1)
#define SIE_STIE        (1 << 5)
#define SIP_SSIP        (1 << 1)
#define SIP_STIP        (1 << 5)
#define IRQ_S_SOFT      0x8000000000000001
#define IRQ_S_TIMER     0x8000000000000005
#define CAUSE_ILLEGAL   2
#define TIME_HZ         10000000
#define TICKS_PER_MS    10000
#define CSR_STIMECMP    0x14d

#ifdef __ASSEMBLER__

/* a7 = eid, a6 = fid, ecall: returns a0 = error, a1 = value. Arguments in a0..a5 beforehand. */
.macro sbi_call eid, fid
  li a7, \eid
  li a6, \fid
  ecall
.endm

#define CHECK_FAIL sbi_fail
#include "check.h"

/* Print a string constant (clobbers a0-a7, t0-t4). */
.macro SAY str
  .pushsection .rodata.say, "a", @progbits
.Lsay\@: .string "\str"
  .popsection
  la a0, .Lsay\@
  call sbi_say
.endm

#define SBI_BEGIN \
  .section .text.init, "ax", @progbits; \
  .globl _start; \
_start: \
  j sbi_reset; \
  .text; \
  SBI_ROUTINES; \
sbi_main:

#define SBI_END SBI_DATA

.macro SBI_ROUTINES
  .balign 4
sbi_reset:
  mv s11, a0
  mv s9, a0
  la t0, sbi_dtb
  sd a1, 0(t0)
  csrw sie, zero
  csrci sstatus, SSTATUS_SIE
  la t0, sbi_trap
  csrw stvec, t0
  li t0, SBI_MAX_HARTS
  bgeu s11, t0, sbi_park
  call sbi_set_stack
  la t0, sbi_boot_hart
  sd s11, 0(t0)
  /* DBCN? */
  li a0, SBI_EXT_DBCN
  sbi_call SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION
  bnez a0, 1f
  la t0, sbi_has_dbcn
  sd a1, 0(t0)
1:/* count harts */
  li s10, 0
2:mv a0, s10
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
  li t0, SBI_ERR_INVALID_PARAM
  beq a0, t0, 3f
  beqz a0, 4f
  li a0, SBI_ERR_HARTS                  /* any other error */
  j sbi_fail
4:addi s10, s10, 1
  li t0, SBI_MAX_HARTS
  bltu s10, t0, 2b
3:beqz s10, 5f
  bltu s11, s10, 6f
5:li a0, SBI_ERR_HARTS
  j sbi_fail
6:la t0, sbi_nharts
  sd s10, 0(t0)
  mv a0, s11
  mv a1, s10
  j sbi_main

/* sp = sbi_stacks + (hartid + 1) << SBI_STACK_SHIFT; clobbers t0. */
sbi_set_stack:
  la sp, sbi_stacks
  addi t0, s11, 1
  slli t0, t0, SBI_STACK_SHIFT
  add sp, sp, t0
  ret

/* Entry of harts started with hart_start(id, sbi_secondary, routine). */
  .balign 4
sbi_secondary:
  mv s11, a0
  csrw sie, zero
  la t0, sbi_trap
  csrw stvec, t0
  call sbi_set_stack
  ld s10, sbi_nharts
  ld s9, sbi_boot_hart
  mv t1, a1
  mv a0, s11
  jr t1

sbi_park:
  csrw sie, zero
1:wfi
  j 1b

/* Stop the calling hart through HSM (does not return on success). */
sbi_hart_stop:
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_STOP
  li a0, 250
  j sbi_fail

sbi_pass:
  SAY "sbi: PASS\n"
  li a0, SBI_SRST_SHUTDOWN
  li a1, SBI_SRST_REASON_NONE
  sbi_call SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
  sbi_call SBI_EXT_LEGACY_SHUTDOWN, 0
  j sbi_park

/* Fail with code a0 after printing which hart and check failed. */
sbi_fail:
  csrw sie, zero
  csrci sstatus, SSTATUS_SIE
  mv s0, a0
  call sbi_lock
  la a0, sbi_msg_fail
  call sbi_puts
  mv a0, s11
  call sbi_putdec
  la a0, sbi_msg_check
  call sbi_puts
  mv a0, s0
  call sbi_putdec
  li a0, '\n'
  call sbi_putc
  li a0, SBI_SRST_SHUTDOWN
  li a1, SBI_SRST_REASON_FAILURE
  sbi_call SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET
  sbi_call SBI_EXT_LEGACY_SHUTDOWN, 0
  j sbi_park

/* Unexpected trap: print scause, sepc, stval, then fail with SBI_ERR_TRAP. */
  .balign 4
sbi_trap:
  call sbi_lock
  la a0, sbi_msg_trap
  call sbi_puts
  mv a0, s11
  call sbi_putdec
  la a0, sbi_msg_cause
  call sbi_puts
  csrr a0, scause
  call sbi_puthex
  la a0, sbi_msg_epc
  call sbi_puts
  csrr a0, sepc
  call sbi_puthex
  la a0, sbi_msg_tval
  call sbi_puts
  csrr a0, stval
  call sbi_puthex
  li a0, '\n'
  call sbi_putc
  call sbi_unlock
  li a0, SBI_ERR_TRAP
  j sbi_fail

/* The print lock (amoswap spinlock). Clobber t0-t2. */
sbi_lock:
  la t0, sbi_print_lock
  li t1, 1
1:amoswap.w.aq t2, t1, (t0)
  bnez t2, 1b
  ret
sbi_unlock:
  la t0, sbi_print_lock
  amoswap.w.rl zero, zero, (t0)
  ret

/* One byte (legacy putchar, or DBCN write_byte when present). Clobbers a0-a7. */
sbi_putc:
  ld a1, sbi_has_dbcn
  beqz a1, 1f
  sbi_call SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE
  ret
1:sbi_call SBI_EXT_LEGACY_PUTCHAR, 0
  ret

/* NUL-terminated string a0: DBCN console_write in one call when present (looping on short
 * writes), else legacy putchar per byte. Clobbers a0-a7, t0-t4. */
sbi_puts:
  mv t4, ra
  mv t3, a0
  ld t0, sbi_has_dbcn
  beqz t0, 3f
1:mv t1, t3                             /* length */
2:lbu t2, 0(t1)
  beqz t2, 21f
  addi t1, t1, 1
  j 2b
21:sub a0, t1, t3
  beqz a0, 5f
  mv a1, t3
  li a2, 0
  sbi_call SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE
  bnez a0, 3f                           /* error: fall back to putchar */
  add t3, t3, a1
  j 1b
3:lbu a0, 0(t3)
  beqz a0, 5f
  sbi_call SBI_EXT_LEGACY_PUTCHAR, 0
  addi t3, t3, 1
  j 3b
5:mv ra, t4
  ret

/* Print string a0 under the print lock. */
sbi_say:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  call sbi_lock
  ld a0, 8(sp)
  call sbi_puts
  call sbi_unlock
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

sbi_puthex:
  addi sp, sp, -32
  sd ra, 0(sp)
  sd s0, 8(sp)
  sd s1, 16(sp)
  mv s0, a0
  li s1, 60
1:srl a0, s0, s1
  andi a0, a0, 15
  addi a0, a0, '0'
  li t1, '9'
  ble a0, t1, 2f
  addi a0, a0, 'a' - '0' - 10
2:call sbi_putc
  addi s1, s1, -4
  bgez s1, 1b
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  addi sp, sp, 32
  ret

/* Unsigned decimal. */
sbi_putdec:
  addi sp, sp, -48
  sd ra, 32(sp)
  addi t3, sp, 31
  sb zero, 0(t3)
  li t2, 10
1:remu t1, a0, t2
  divu a0, a0, t2
  addi t1, t1, '0'
  addi t3, t3, -1
  sb t1, 0(t3)
  bnez a0, 1b
  mv a0, t3
  call sbi_puts
  ld ra, 32(sp)
  addi sp, sp, 48
  ret

/* hart_get_status(a0) until it equals a1, at most SBI_WAIT_S (then fail SBI_ERR_TIMEOUT).
 * Clobbers a0-a7, t0-t3. */
sbi_wait_status:
  mv t2, a0
  mv t3, a1
  rdtime t0
  li t1, SBI_WAIT_S * TIME_HZ
  add t1, t1, t0
  addi sp, sp, -16
  sd t1, 0(sp)
1:mv a0, t2
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
  FAIL_IF bne, a0, zero, 249
  beq a1, t3, 2f
  rdtime t0
  ld t1, 0(sp)
  FAIL_IF bgtu, t0, t1, SBI_ERR_TIMEOUT
  PAUSE
  j 1b
2:addi sp, sp, 16
  ret
.endm

.macro SBI_DATA
  .section .rodata.sbi, "a", @progbits
sbi_msg_fail:  .string "sbi: hart "
sbi_msg_check: .string " failed check "
sbi_msg_trap:  .string "sbi: unexpected trap on hart "
sbi_msg_cause: .string " scause=0x"
sbi_msg_epc:   .string " sepc=0x"
sbi_msg_tval:  .string " stval=0x"
  .section .data.sbi, "aw", @progbits
  .balign 64
sbi_boot_hart:  .dword 0
sbi_nharts:     .dword 0
sbi_has_dbcn:   .dword 0
sbi_dtb:        .dword 0
  .balign 64
sbi_print_lock: .word 0
  .section .bss.sbi, "aw", @nobits
  .balign 16
sbi_stacks:     .space (SBI_MAX_HARTS + 1) << SBI_STACK_SHIFT
  .text
.endm

#endif /* __ASSEMBLER__ */
#endif /* HARTVM_SBI_H */

/* sdtrig.S: the Sdtrig trigger module (RISC-V Debug Specification, chapter "Sdtrig") with breakpoint
 * exceptions (action 0): counting the triggers through tselect (WARL: an index with no trigger does
 * not stick), tinfo, tdata1 holding an mcontrol6 (type 6), an execute trigger (cause 3, mepc = the
 * instruction, which does nothing), load and store address triggers (the load writes no register,
 * the store no memory; a load trigger ignores stores and a store trigger loads), compressed stores
 * and AMOs, the mode bits (a trigger for U only fires in U, not in M; one for S fires into the S
 * handler with breakpoints delegated), disabling a trigger, and triggers on a loop that ran hot first,
 * so that under the JIT it is compiled code the trigger has to leave.
 *
 * M-mode triggers: hartvm fires them only while tcontrol.MTE is set (the spec's tcontrol solution to
 * reentrancy; every trap into M-mode clears MTE into MPTE and MRET restores it). tcontrol is
 * optional and QEMU 7.2 has none (and fires M-mode triggers regardless), so MTE and MPTE are set
 * where the CSR exists and its absence is tolerated.
 *
 * Under #ifndef QEMU_DEVIATIONS, where QEMU 7.2 differs:
 *   - writing 0 to tdata1 must disable the trigger (the spec says so; QEMU ignores the write), and a
 *     disabled trigger reads type 15 (QEMU has no type 15), as does an unsupported type;
 *   - M-mode triggers stay off while tcontrol.MTE is clear, and with breakpoints delegated S-mode
 *     ones while sstatus.SIE is clear (the spec's reentrancy rules, which QEMU 7.2 lacks);
 *   - mtval holds the matched address (the spec allows 0 or that address: hartvm writes the
 *     address, QEMU 7.2 writes 0), and every byte of an access is a compare value (the spec's
 *     recommendation: QEMU 7.2 compares the lowest address only). */
#include "harness.h"

#define MCONTROL6   (6 << 60)
#define TYPE_15     (15 << 60)
#define T_LOAD      (1 << 0)
#define T_STORE     (1 << 1)
#define T_EXECUTE   (1 << 2)
#define T_U         (1 << 3)
#define T_S         (1 << 4)
#define T_M         (1 << 6)
#define TCONTROL_MTE_MPTE 0x88
#define MEDELEG_BREAKPOINT (1 << CAUSE_BREAKPOINT)
/* Hot-loop iterations before the triggers are set: far past the JIT's hotness threshold (4000). */
#define WARM_ITERATIONS 300000
#define BUFFER_DWORDS 64

/* Trigger \index := tdata1 \config on address \addr (a label), written in the spec's order. */
#define ARM(index, config, addr) \
  li t0, index; csrw tselect, t0; \
  csrw tdata1, zero; \
  la t0, addr; csrw tdata2, t0; \
  li t0, config; csrw tdata1, t0

/* Trigger \index := an mcontrol6 that matches nothing (no mode, no access): disabled on any hart. */
#define DISARM(index) \
  li t0, index; csrw tselect, t0; \
  li t0, MCONTROL6; csrw tdata1, t0

/* Expect a breakpoint recorded at label \at (mepc) and taken into privilege \priv. */
#define CHECK_BREAKPOINT(at, priv) \
  CHECK_MEM trap_cause, CAUSE_BREAKPOINT; \
  CHECK_MEM_ADDR trap_epc, at; \
  CHECK_MEM trap_priv, priv

HARNESS_BEGIN

  la t0, harness_strap
  csrw stvec, t0

  /* ---- counting the triggers: write 0, 1, 2, ... to tselect until one does not read back ---- */
  li TESTNUM, 1
  li s1, 0
1: csrw tselect, s1
  csrr t0, tselect
  bne t0, s1, 2f
  csrr t2, tdata1          /* and a trigger is there: type 0 would mean none */
  srli t2, t2, 60
  beqz t2, fail
  addi s1, s1, 1
  li t1, 64
  bltu s1, t1, 1b
  j fail
2: li t1, 2
  bltu s1, t1, fail        /* at least two triggers */
  bgeu t0, s1, fail        /* the rejected index left tselect on an existing trigger */

  /* tinfo of trigger 0 lists mcontrol6 */
  li TESTNUM, 2
  csrw tselect, zero
  csrr t0, tinfo
  andi t0, t0, 1 << 6
  beqz t0, fail

  /* tdata3 (textra, every field 0: no context conditions) reads 0 */
  TEST_CASE(3, a0, 0, li t0, -1; csrw tdata3, t0; csrr a0, tdata3)
  /* tdata1 keeps a supported mcontrol6 */
  TEST_CASE(4, a0, MCONTROL6 | T_M | T_EXECUTE | T_LOAD, li t0, MCONTROL6 | T_M | T_EXECUTE | T_LOAD; csrw tdata1, t0; csrr a0, tdata1)
#ifndef QEMU_DEVIATIONS
  /* writing 0 disables the trigger: type 15 (the trigger supports several types); so does a type it lacks */
  TEST_CASE(5, a0, TYPE_15, csrw tdata1, zero; csrr a0, tdata1)
  TEST_CASE(6, a0, TYPE_15, li t0, (5 << 60) | T_M | 1; csrw tdata1, t0; csrr a0, tdata1)

  /* with tcontrol.MTE clear (its reset value) an M-mode trigger does not fire */
  li TESTNUM, 7
  ARM(0, MCONTROL6 | T_M | T_EXECUTE, exec_target)
  TEST_NO_TRAP(7, jal ra, exec_target)
  DISARM(0)
#endif

  /* M-mode triggers on: tcontrol.MTE and MPTE where tcontrol exists (QEMU 7.2: it traps, resume) */
  SET_TRAP_RESUME(1f)
  li t0, TCONTROL_MTE_MPTE
  csrs tcontrol, t0
1: sd zero, trap_resume, t5

  /* ---- execute trigger: fires before the instruction, which does nothing ---- */
  li TESTNUM, 10
  li s2, 0
  ARM(0, MCONTROL6 | T_M | T_EXECUTE, exec_target)
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
  jal ra, exec_target
  j fail
4: CHECK_BREAKPOINT(exec_target, PRV_M)
  CHECK s2, 0
#ifndef QEMU_DEVIATIONS
  CHECK_MEM_ADDR trap_tval, exec_target
#endif
  /* disabled, it fires no more */
  DISARM(0)
  TEST_NO_TRAP(11, jal ra, exec_target)
  CHECK s2, 1

  /* ---- load trigger ---- */
  li TESTNUM, 12
  ARM(1, MCONTROL6 | T_M | T_LOAD, data_a)
  la s3, data_a
  li s4, 0x77
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
3: ld s4, 0(s3)
  j fail
4: CHECK_BREAKPOINT(3b, PRV_M)
  CHECK s4, 0x77           /* no register written */
#ifndef QEMU_DEVIATIONS
  CHECK_MEM_ADDR trap_tval, data_a
#endif
  /* a store to the same address does not fire a load trigger */
  TEST_NO_TRAP(13, li t0, 0x1234; sd t0, 0(s3))
#ifndef QEMU_DEVIATIONS
  /* every byte of an access is a compare value: a trigger on data_a + 4 fires for the doubleword at data_a */
  li TESTNUM, 14
  ARM(1, MCONTROL6 | T_M | T_LOAD, data_a + 4)
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
3: ld s4, 0(s3)
  j fail
4: CHECK_BREAKPOINT(3b, PRV_M)
  CHECK_MEM_ADDR trap_tval, data_a
  TEST_NO_TRAP(15, lw s4, 0(s3))   /* bytes 0-3 only */
#endif
  DISARM(1)
  CHECK_MEM data_a, 0x1234

  /* ---- store trigger: the store does not happen ---- */
  li TESTNUM, 16
  ARM(0, MCONTROL6 | T_M | T_STORE, data_b)
  la s3, data_b
  li s4, 0x5a5a
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
3: sd s4, 0(s3)
  j fail
4: CHECK_BREAKPOINT(3b, PRV_M)
#ifndef QEMU_DEVIATIONS
  CHECK_MEM_ADDR trap_tval, data_b
#endif
  /* a load does not fire a store trigger, and it shows the store did not happen */
  TEST_NO_TRAP(17, ld s5, 0(s3))
  CHECK s5, 0x1111

  /* a compressed store (c.sd) and an AMO (a store for its write) fire it too */
  li TESTNUM, 18
  mv s0, s3
  mv a1, s4
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
3: c.sd a1, 0(s0)
  j fail
4: CHECK_BREAKPOINT(3b, PRV_M)
  li TESTNUM, 19
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
3: amoadd.d s5, s4, (s3)
  j fail
4: CHECK_BREAKPOINT(3b, PRV_M)
  DISARM(0)
  CHECK_MEM data_b, 0x1111

  /* ---- mode bits: a trigger for U-mode only ---- */
  ARM(0, MCONTROL6 | T_U | T_EXECUTE, exec_target)
  li s2, 0
  TEST_NO_TRAP(20, jal ra, exec_target)   /* M-mode: it does not fire */
  CHECK s2, 1
  li s2, 0
  li TESTNUM, 21
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
  GOTO_U(exec_target)                     /* U-mode: it does, into M */
4: CHECK_BREAKPOINT(exec_target, PRV_M)
  CHECK s2, 0
  GOTO_M(1f)
1: DISARM(0)

  /* ---- an S-mode trigger with breakpoints delegated: taken in S (with sstatus.SIE set) ---- */
  li t0, MEDELEG_BREAKPOINT
  csrw medeleg, t0
  ARM(1, MCONTROL6 | T_S | T_EXECUTE, exec_target)
  li s2, 0
  li TESTNUM, 22
  GOTO_S(1f)
1:
#ifndef QEMU_DEVIATIONS
  TEST_NO_TRAP(23, jal ra, exec_target)   /* SIE clear: off, so a handler cannot trip over it */
  CHECK s2, 1
  li s2, 0
#endif
  li TESTNUM, 24
  csrsi sstatus, MSTATUS_SIE
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
  jal ra, exec_target
  j fail
4: CHECK_BREAKPOINT(exec_target, PRV_S)
  CHECK s2, 0
  csrci sstatus, MSTATUS_SIE
  GOTO_M(1f)
1: DISARM(1)
  csrw medeleg, zero

  /* ---- triggers on a hot loop: under the JIT it runs compiled before the triggers are set ---- */
  li TESTNUM, 30
  li s6, WARM_ITERATIONS
5: li a1, 1
  jal ra, fill_buffer
  addi s6, s6, -BUFFER_DWORDS
  bgtz s6, 5b
  CHECK_MEM buffer + 50 * 8, 50 + 1

  /* a store trigger on buffer[50]: the loop's store there traps, and buffer[50] keeps its value */
  li TESTNUM, 31
  ARM(0, MCONTROL6 | T_M | T_STORE, buffer + 50 * 8)
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
  li a1, 1000
  jal ra, fill_buffer
  j fail
4: CHECK_BREAKPOINT(fill_store, PRV_M)
#ifndef QEMU_DEVIATIONS
  CHECK_MEM_ADDR trap_tval, buffer + 50 * 8
#endif
  DISARM(0)
  CHECK_MEM buffer + 49 * 8, 49 + 1000
  CHECK_MEM buffer + 50 * 8, 50 + 1

  /* an execute trigger inside the loop fires at its first pass */
  li TESTNUM, 32
  ARM(1, MCONTROL6 | T_M | T_EXECUTE, fill_next)
  SET_TRAP_RESUME(4f)
  CLEAR_TRAPS
  li a1, 2000
  jal ra, fill_buffer
  j fail
4: CHECK_BREAKPOINT(fill_next, PRV_M)
  DISARM(1)
  CHECK_MEM buffer, 2000
  CHECK_MEM buffer + 8, 1 + 1000

  /* disarmed, the loop runs through again */
  TEST_NO_TRAP(33, li a1, 3000; jal ra, fill_buffer)
  CHECK_MEM buffer + 50 * 8, 50 + 3000
  CHECK_MEM buffer + 63 * 8, 63 + 3000

  j pass

/* The execute triggers' target: s2 = 1. */
exec_target:
  li s2, 1
  ret

/* buffer[i] = i + a1 for every i: the hot loop (clobbers t0-t2) */
fill_buffer:
  la t0, buffer
  li t1, 0
fill_loop:
  add t2, t1, a1
fill_store:
  sd t2, 0(t0)
fill_next:
  addi t0, t0, 8
  addi t1, t1, 1
  li t2, BUFFER_DWORDS
  bne t1, t2, fill_loop
  ret

HARNESS_END

  .data
  .balign 8
data_a: .dword 0x1111
  .dword 0x2222
data_b: .dword 0x1111
  .balign 8
buffer: .space BUFFER_DWORDS * 8

/*
 * hsm: SBI Hart State Management. The boot hart, for every other hart h:
 *   - hart_get_status(h) is STOPPED (1)                                           check 1
 *   - hart_start(h, hsm_entry, opaque = 0xfeedface00000000 | h) returns 0         check 2
 *   - h arrives with a0 = h (check 5) and a1 = the opaque value (check 6), then waits for a release
 *   - hart_get_status(h) is STARTED (0)                                           check 3
 *   - hart_start(h) again returns SBI_ERR_ALREADY_AVAILABLE (-6)                  check 4
 *   - released, h calls hart_stop; the boot hart polls until it is STOPPED again (SBI_WAIT_S: check 253)
 * then: hart_start and hart_get_status of hartid = number of harts, and of -1, return
 * SBI_ERR_INVALID_PARAM (-3) (checks 7, 8); finally the first stopped hart is started again with a
 * new opaque value, must arrive with it (check 9) and stops again (a stopped hart can start again).
 * Arrivals are awaited for at most SBI_WAIT_S = 20 s (check 10).
 */
#include "sbi.h"

#define OPAQUE 0xfeedface00000000
#define OPAQUE2 0x0123456789abcdef
/* per-hart slot: +0 a0 seen, +8 a1 seen, +16 arrivals, +24 releases */
#define SLOT_SHIFT 6

SBI_BEGIN
  SAY "hsm: start\n"
  li s1, 0                              /* h */
  li s2, 0                              /* arrivals expected so far for the first other hart */
hart_loop:
  bgeu s1, s10, bad_ids
  beq s1, s11, next_hart
  la s3, slots
  slli t0, s1, SLOT_SHIFT
  add s3, s3, t0                        /* s3 = &slot[h] */
  /* 1 */
  mv a0, s1
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
  CHECKI a0, 0, 1
  CHECKI a1, SBI_HSM_STOPPED, 1
  /* 2 */
  li s4, OPAQUE
  or s4, s4, s1
  mv a0, s1
  la a1, hsm_entry
  mv a2, s4
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, 0, 2
  li a0, 1
  call wait_arrivals
  /* 3 */
  mv a0, s1
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
  CHECKI a0, 0, 3
  CHECKI a1, SBI_HSM_STARTED, 3
  /* 4 */
  mv a0, s1
  la a1, hsm_entry
  mv a2, s4
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, SBI_ERR_ALREADY_AVAILABLE, 4
  /* 5, 6 */
  ld t0, 0(s3)
  FAIL_IF_NE t0, s1, 5
  ld t0, 8(s3)
  FAIL_IF_NE t0, s4, 6
  /* release, then it stops */
  li t0, 1
  fence rw, w
  sd t0, 24(s3)
  mv a0, s1
  li a1, SBI_HSM_STOPPED
  call sbi_wait_status
next_hart:
  addi s1, s1, 1
  j hart_loop

bad_ids:
  /* 7: hart_start of a hartid with no hart */
  mv a0, s10
  la a1, hsm_entry
  li a2, 0
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, SBI_ERR_INVALID_PARAM, 7
  li a0, -1
  la a1, hsm_entry
  li a2, 0
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, SBI_ERR_INVALID_PARAM, 7
  /* 8: hart_get_status likewise */
  mv a0, s10
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
  CHECKI a0, SBI_ERR_INVALID_PARAM, 8
  li a0, -1
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS
  CHECKI a0, SBI_ERR_INVALID_PARAM, 8

  /* 9: restart the first other hart */
  li s1, 0
  bne s1, s11, 1f
  li s1, 1
1:bgeu s1, s10, done
  la s3, slots
  slli t0, s1, SLOT_SHIFT
  add s3, s3, t0
  li s4, OPAQUE2
  mv a0, s1
  la a1, hsm_entry
  mv a2, s4
  sbi_call SBI_EXT_HSM, SBI_HSM_HART_START
  CHECKI a0, 0, 9
  li a0, 2
  call wait_arrivals
  ld t0, 8(s3)
  FAIL_IF_NE t0, s4, 9
  ld t0, 0(s3)
  FAIL_IF_NE t0, s1, 9
  li t0, 2
  fence rw, w
  sd t0, 24(s3)
  mv a0, s1
  li a1, SBI_HSM_STOPPED
  call sbi_wait_status
done:
  SAY "hsm: all checks passed\n"
  j sbi_pass

/* wait until slot s3's arrivals reach a0 (SBI_WAIT_S at most) */
wait_arrivals:
  rdtime t1
  li t2, SBI_WAIT_S * TIME_HZ
  add t1, t1, t2
1:ld t0, 16(s3)
  bgeu t0, a0, 2f
  rdtime t2
  FAIL_IF bgtu, t2, t1, 10
  PAUSE
  j 1b
2:fence r, rw
  ret

/* Started harts begin here in S-mode: a0 = hartid, a1 = opaque. No stack needed until a failure. */
  .balign 4
hsm_entry:
  mv s11, a0
  la t0, sbi_trap
  csrw stvec, t0
  call sbi_set_stack
  la s3, slots
  slli t0, a0, SLOT_SHIFT
  add s3, s3, t0
  sd a0, 0(s3)
  sd a1, 8(s3)
  ld s1, 16(s3)
  addi s1, s1, 1                        /* this arrival's number */
  fence rw, w
  sd s1, 16(s3)
1:ld t0, 24(s3)                         /* wait for the matching release */
  bgeu t0, s1, 2f
  PAUSE
  j 1b
2:j sbi_hart_stop

  .data
  .balign 64
slots: .space (1 << SLOT_SHIFT) * SBI_MAX_HARTS
SBI_END

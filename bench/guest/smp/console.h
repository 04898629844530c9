/* console.h: printing for the bench guests, on the 16550 UART at 0x1000_0000 (polled). Put
 * CONSOLE_ROUTINES in the text section once; then:
 *   putc     the byte in a0                              (uses t0, t1)
 *   puts     the NUL-terminated string at a1             (uses a0, a1, t0, t1, t6)
 *   putdec   a0 as an unsigned decimal number            (uses a0, a2, a3, t0, t1, t6)
 * puts and putdec keep their return address in t6, so they must not call each other. */
#define CONSOLE_ROUTINES \
puts:                         \
  mv t6, ra;                  \
1:lbu a0, 0(a1);              \
  beqz a0, 2f;                \
  call putc;                  \
  addi a1, a1, 1;             \
  j 1b;                       \
2:mv ra, t6;                  \
  ret;                        \
putdec:                       \
  mv t6, ra;                  \
  mv a2, a0;                  \
  li a3, 1;                   \
  li t0, 10;                  \
1:mul t1, a3, t0;             \
  bgtu t1, a2, 2f;            \
  mv a3, t1;                  \
  j 1b;                       \
2:divu a0, a2, a3;            \
  remu a2, a2, a3;            \
  addi a0, a0, '0';           \
  call putc;                  \
  li t0, 10;                  \
  divu a3, a3, t0;            \
  bnez a3, 2b;                \
  mv ra, t6;                  \
  ret;                        \
putc:                         \
  li t0, 0x10000000;          \
1:lbu t1, 5(t0);              \
  andi t1, t1, 0x20;          \
  beqz t1, 1b;                \
  sb a0, 0(t0);               \
  ret

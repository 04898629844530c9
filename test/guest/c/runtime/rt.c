/* rt.c: runtime for hartvm's C test programs: ns16550a UART output (QEMU virt, 0x1000_0000),
 * the sifive_test finisher (0x10_0000) and the libc functions GCC may call at -O2. */
#include "rt.h"

#define UART_THR ((volatile uint8_t *)0x10000000)
#define UART_LSR ((volatile uint8_t *)0x10000005)
#define LSR_THRE 0x20
#define FINISHER ((volatile uint32_t *)0x100000)

void rt_putchar(char c) {
  while ((*UART_LSR & LSR_THRE) == 0) {
  }
  *UART_THR = (uint8_t)c;
}

void rt_puts(const char *s) {
  while (*s) rt_putchar(*s++);
}

void rt_put_u64(uint64_t v) {
  char buf[21];
  int i = 20;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  rt_puts(&buf[i]);
}

void rt_put_i64(int64_t v) {
  if (v < 0) {
    rt_putchar('-');
    rt_put_u64(-(uint64_t)v);
  } else {
    rt_put_u64((uint64_t)v);
  }
}

void rt_put_hex(uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; i--) rt_putchar("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

void rt_exit(int code) {
  __asm__ volatile("fence" ::: "memory");
  if (code == 0) {
    *FINISHER = 0x5555;
  } else {
    if (code < 1 || code > 255) code = 255;
    *FINISHER = ((uint32_t)code << 16) | 0x3333;
  }
  for (;;) __asm__ volatile("wfi");
}

void *memset(void *d, int c, size_t n) {
  volatile uint8_t *p = d;  /* volatile: keep GCC from turning this loop into a memset call */
  while (n--) *p++ = (uint8_t)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  volatile uint8_t *p = d;
  const uint8_t *q = s;
  while (n--) *p++ = *q++;
  return d;
}

void *memmove(void *d, const void *s, size_t n) {
  volatile uint8_t *p = d;
  const uint8_t *q = s;
  if (p < q) {
    while (n--) *p++ = *q++;
  } else {
    p += n;
    q += n;
    while (n--) *--p = *--q;
  }
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p < *q ? -1 : 1;
  return 0;
}

size_t strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

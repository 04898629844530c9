/* rt.h: the tiny runtime of hartvm's C test programs: UART output, exit, a few libc functions. */
#ifndef HARTVM_RT_H
#define HARTVM_RT_H

#include <stddef.h>
#include <stdint.h>

void rt_putchar(char c);
void rt_puts(const char *s);          /* no newline added */
void rt_put_u64(uint64_t v);
void rt_put_i64(int64_t v);
void rt_put_hex(uint64_t v, int digits);
__attribute__((noreturn)) void rt_exit(int code);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif

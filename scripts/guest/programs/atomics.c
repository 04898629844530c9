/*
 * atomics: THREADS threads hammer shared words with every kind of atomic operation the A extension
 * provides, then main checks the totals. On riscv64 (gcc 12, -O2) the C11 operations compile to:
 *   atomic_fetch_add/or/and/xor        -> amoadd/amoor/amoand/amoxor (.d and .w)
 *   atomic_exchange                    -> amoswap.d
 *   atomic_compare_exchange_weak       -> an lr.d/sc.d loop
 *   atomic_flag_test_and_set (a byte)  -> amoor.w on the containing word
 * and inline assembly adds an explicit lr.d/sc.d increment and amomin.d/amomax.d/amominu/amomaxu
 * (portable fallbacks when built for another host). Prints one line and exits 0 when all agree:
 *   atomics: OK 4 threads x 20000: add64=80000 add32=160000 cas=240000 lrsc=80000 ...
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define DEFAULT_ITERS 20000

static long ITERS = DEFAULT_ITERS; /* `atomics N` runs N (even) iterations per thread instead */

static atomic_long add64;
static atomic_int add32;
static atomic_long cas64;
static long lrsc64;
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long spin_counter; /* plain, protected by spin */
static atomic_ullong or64;
static atomic_ullong and64 = ~0ull;
static atomic_ullong xor64;
static int64_t min64;
static int64_t max64;
static uint32_t minu32 = UINT32_MAX;
static uint32_t maxu32;
static atomic_ulong xchg;
static atomic_ulong xchg_returned; /* sum of the values atomic_exchange returned */

static void lrsc_add(long *p, long v) {
#if defined(__riscv) && __riscv_xlen == 64
  long old, tmp;
  __asm__ volatile("1: lr.d.aq %0, (%2)\n"
                   "   add %1, %0, %3\n"
                   "   sc.d.rl %1, %1, (%2)\n"
                   "   bnez %1, 1b\n"
                   : "=&r"(old), "=&r"(tmp)
                   : "r"(p), "r"(v)
                   : "memory");
#else
  __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
#endif
}

static void amo_min64(int64_t *p, int64_t v) {
#if defined(__riscv) && __riscv_xlen == 64
  __asm__ volatile("amomin.d.aqrl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
#else
  int64_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v < old && !__atomic_compare_exchange_n(p, &old, v, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
  }
#endif
}

static void amo_max64(int64_t *p, int64_t v) {
#if defined(__riscv) && __riscv_xlen == 64
  __asm__ volatile("amomax.d.aqrl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
#else
  int64_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v > old && !__atomic_compare_exchange_n(p, &old, v, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
  }
#endif
}

static void amo_minu32(uint32_t *p, uint32_t v) {
#if defined(__riscv)
  __asm__ volatile("amominu.w.aqrl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
#else
  uint32_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v < old && !__atomic_compare_exchange_n(p, &old, v, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
  }
#endif
}

static void amo_maxu32(uint32_t *p, uint32_t v) {
#if defined(__riscv)
  __asm__ volatile("amomaxu.w.aqrl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
#else
  uint32_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v > old && !__atomic_compare_exchange_n(p, &old, v, 1, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
  }
#endif
}

static void *worker(void *arg) {
  long t = (long)arg;
  unsigned long returned = 0;
  for (long i = 0; i < ITERS; i++) {
    atomic_fetch_add(&add64, 1);
    atomic_fetch_add(&add32, 2);

    long old = atomic_load_explicit(&cas64, memory_order_relaxed);
    while (!atomic_compare_exchange_weak(&cas64, &old, old + 3)) {
    }

    lrsc_add(&lrsc64, 1);

    while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire)) sched_yield();
    spin_counter++;
    atomic_flag_clear_explicit(&spin, memory_order_release);

    unsigned bit = (unsigned)(t * 8 + i % 8);
    atomic_fetch_or(&or64, 1ull << bit);
    atomic_fetch_and(&and64, ~(1ull << bit));
    atomic_fetch_xor(&xor64, 1ull << t); /* ITERS is even: every bit ends clear */

    int64_t v = t * ITERS + i;
    amo_max64(&max64, v);
    amo_min64(&min64, -v);
    amo_maxu32(&maxu32, (uint32_t)v);
    amo_minu32(&minu32, (uint32_t)v + 1);

    returned += atomic_exchange(&xchg, (unsigned long)v + 1);
  }
  atomic_fetch_add(&xchg_returned, returned);
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t threads[THREADS];
  if (argc > 1) ITERS = atol(argv[1]) & ~1L; /* even, so that the xor bits end clear */
  for (long i = 0; i < THREADS; i++) {
    if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0) {
      printf("atomics: FAIL pthread_create\n");
      return 1;
    }
  }
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);

  const long n = (long)THREADS * ITERS;
  /* Every value 1..n was swapped in exactly once; each was returned once, except the last one. */
  unsigned long all = (unsigned long)n * (n + 1) / 2;
  int ok = atomic_load(&add64) == n && atomic_load(&add32) == 2 * n && atomic_load(&cas64) == 3 * n &&
           lrsc64 == n && spin_counter == n && atomic_load(&or64) == 0xffffffffull &&
           atomic_load(&and64) == 0xffffffff00000000ull && atomic_load(&xor64) == 0 &&
           max64 == n - 1 && min64 == -(n - 1) && maxu32 == (uint32_t)(n - 1) && minu32 == 1 &&
           atomic_load(&xchg_returned) + atomic_load(&xchg) == all;

  printf("atomics: %s %d threads x %ld: add64=%ld add32=%d cas=%ld lrsc=%ld spinlock=%ld or=%#llx and=%#llx "
         "xor=%#llx max=%lld min=%lld maxu=%u minu=%u xchg=%s\n",
         ok ? "OK" : "FAIL", THREADS, ITERS, atomic_load(&add64), atomic_load(&add32), atomic_load(&cas64),
         lrsc64, spin_counter, (unsigned long long)atomic_load(&or64), (unsigned long long)atomic_load(&and64),
         (unsigned long long)atomic_load(&xor64), (long long)max64, (long long)min64, maxu32, minu32,
         atomic_load(&xchg_returned) + atomic_load(&xchg) == all ? "conserved" : "LOST");
  fflush(stdout);
  return ok ? 0 : 1;
}

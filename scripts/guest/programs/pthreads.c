/*
 * pthreads: THREADS threads each increment two shared counters ITERS times, one under a pthread
 * mutex (futex-based, contended) and one with a C11 atomic_fetch_add, then meet at a barrier and
 * take turns ROUNDS times through a condition variable. Prints deterministic result lines and
 * exits 0 on success (`pthreads N` for N iterations per thread):
 *   pthreads: 4 threads x 20000 = 80000 OK
 *   pthreads: condvar ping-pong 4 threads x 200 rounds = 800 OK
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define DEFAULT_ITERS 20000
#define ROUNDS 200

static int ITERS = DEFAULT_ITERS; /* `pthreads N` runs N iterations per thread instead */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_counter;
static atomic_long atomic_counter;
static pthread_barrier_t barrier;

/* Condition-variable round robin: thread i may go when turn % THREADS == i. */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cond = PTHREAD_COND_INITIALIZER;
static long turn;

static void *worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < ITERS; i++) {
    pthread_mutex_lock(&lock);
    locked_counter++;
    pthread_mutex_unlock(&lock);
    atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
  }
  pthread_barrier_wait(&barrier);
  for (int r = 0; r < ROUNDS; r++) {
    pthread_mutex_lock(&turn_lock);
    while (turn % THREADS != id) pthread_cond_wait(&turn_cond, &turn_lock);
    turn++;
    pthread_cond_broadcast(&turn_cond);
    pthread_mutex_unlock(&turn_lock);
  }
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t threads[THREADS];
  if (argc > 1) ITERS = atoi(argv[1]);
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; i++) {
    if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0) {
      printf("pthreads: FAIL pthread_create\n");
      return 1;
    }
  }
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);

  long want = (long)THREADS * ITERS;
  long got_atomic = atomic_load(&atomic_counter);
  int ok = locked_counter == want && got_atomic == want;
  if (ok) {
    printf("pthreads: %d threads x %d = %ld OK\n", THREADS, ITERS, locked_counter);
  } else {
    printf("pthreads: %d threads x %d: mutex %ld, atomic %ld, want %ld FAIL\n", THREADS, ITERS,
           locked_counter, got_atomic, want);
  }
  int ok2 = turn == (long)THREADS * ROUNDS;
  printf("pthreads: condvar ping-pong %d threads x %d rounds = %ld %s\n", THREADS, ROUNDS, turn,
         ok2 ? "OK" : "FAIL");
  fflush(stdout);
  return ok && ok2 ? 0 : 1;
}

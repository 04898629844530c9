/*
 * Kernel microbenchmarks for `npm run bench:kernel`, in the style of lmbench: the cost of a system
 * call, of fork+exit+wait, of a page fault on fresh anonymous memory, and of a one-byte round trip
 * through two pipes between two processes. Each is timed with CLOCK_MONOTONIC over ROUNDS rounds
 * and the median round is printed as "kernel-ops: NAME MICROSECONDS us per op". Built static by
 * bench/kernel.ts with the Debian cross compiler and run as the guest's /init program.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Runs op(n) ROUNDS times after one warm-up round; prints the median time per operation. */
static void measure(const char *name, void (*op)(int), int n) {
  double per_op[ROUNDS];
  op(n / 10 + 1);
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_us();
    op(n);
    per_op[r] = (now_us() - t0) / n;
  }
  qsort(per_op, ROUNDS, sizeof per_op[0], by_value);
  printf("kernel-ops: %s %.3f us per op\n", name, per_op[ROUNDS / 2]);
  fflush(stdout);
}

static void getppid_calls(int n) {
  for (int i = 0; i < n; i++) syscall(SYS_getppid); /* syscall(): no libc caching */
}

static void fork_exit_wait(int n) {
  for (int i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    if (pid < 0 || waitpid(pid, NULL, 0) != pid) { perror("kernel-ops: fork"); exit(1); }
  }
}

/* n page faults: touches n fresh anonymous pages, then unmaps them. */
static void page_faults(int n) {
  long page = sysconf(_SC_PAGESIZE);
  volatile char *p = mmap(NULL, (size_t)n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) { perror("kernel-ops: mmap"); exit(1); }
  for (int i = 0; i < n; i++) p[(long)i * page] = 1;
  munmap((void *)p, (size_t)n * page);
}

static int to_child[2], to_parent[2];

/* n round trips of one byte: parent -> child -> parent. */
static void pipe_round_trips(int n) {
  char b = 0;
  for (int i = 0; i < n; i++) {
    if (write(to_child[1], &b, 1) != 1 || read(to_parent[0], &b, 1) != 1) { perror("kernel-ops: pipe"); exit(1); }
  }
}

int main(void) {
  measure("getppid", getppid_calls, 20000);
  measure("fork+exit+wait", fork_exit_wait, 200);
  measure("page-fault", page_faults, 2048);
  if (pipe(to_child) != 0 || pipe(to_parent) != 0) { perror("kernel-ops: pipe"); return 1; }
  pid_t echo = fork();
  if (echo == 0) {
    char b;
    close(to_child[1]); /* so that the parent's close ends the echo loop */
    close(to_parent[0]);
    while (read(to_child[0], &b, 1) == 1) if (write(to_parent[1], &b, 1) != 1) break;
    _exit(0);
  }
  close(to_child[0]);
  close(to_parent[1]);
  measure("pipe-round-trip", pipe_round_trips, 2000);
  close(to_child[1]);
  waitpid(echo, NULL, 0);
  printf("kernel-ops: done\n");
  return 0;
}

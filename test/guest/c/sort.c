/* sort.c: sorts 10000 pseudo-random 64-bit keys with quicksort, merge sort and heap sort, checks
 * they agree and are ordered, sorts strings with a function-pointer comparator, and prints
 * summaries. Exit 0 on success. */
#include "rt.h"

#define N 10000

static int64_t a[N], b[N], c[N], tmp[N];

static uint64_t lcg = 12345;
static int64_t next_key(void) {
  lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
  return (int64_t)(lcg ^ (lcg >> 29));
}

static void quicksort(int64_t *v, long lo, long hi) {
  while (lo < hi) {
    int64_t pivot = v[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        int64_t t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
}

static void mergesort(int64_t *v, long n) {
  for (long width = 1; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n;
      long hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    memcpy(v, tmp, (size_t)n * sizeof v[0]);
  }
}

static void sift(int64_t *v, long root, long n) {
  for (;;) {
    long child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && v[child] < v[child + 1]) child++;
    if (v[root] >= v[child]) return;
    int64_t t = v[root];
    v[root] = v[child];
    v[child] = t;
    root = child;
  }
}

static void heapsort(int64_t *v, long n) {
  for (long i = n / 2 - 1; i >= 0; i--) sift(v, i, n);
  for (long end = n - 1; end > 0; end--) {
    int64_t t = v[0];
    v[0] = v[end];
    v[end] = t;
    sift(v, 0, end);
  }
}

static const char *words[] = {"riscv", "hart", "trap", "vector", "atomic", "fence", "csr", "mmu",
                              "page", "tlb", "jit", "wasm", "qemu", "spike", "uart", "clint",
                              "plic", "virtio", "sbi", "linux", "Zicsr", "Sv39", "A", ""};
#define NWORDS (sizeof words / sizeof words[0])

typedef int (*cmp_fn)(const char *, const char *);

static int cmp_rev(const char *x, const char *y) { return strcmp(y, x); }
static int cmp_len(const char *x, const char *y) {
  long d = (long)strlen(x) - (long)strlen(y);
  return d ? (int)d : strcmp(x, y);
}

static void insertion_sort_str(const char **v, long n, cmp_fn cmp) {
  for (long i = 1; i < n; i++) {
    const char *x = v[i];
    long j = i - 1;
    while (j >= 0 && cmp(v[j], x) > 0) {
      v[j + 1] = v[j];
      j--;
    }
    v[j + 1] = x;
  }
}

static void print_words(const char *title, cmp_fn cmp) {
  const char *v[NWORDS];
  for (unsigned i = 0; i < NWORDS; i++) v[i] = words[i];
  insertion_sort_str(v, NWORDS, cmp);
  rt_puts(title);
  for (unsigned i = 0; i < NWORDS; i++) {
    rt_putchar(i ? ',' : ' ');
    rt_puts(v[i]);
  }
  rt_putchar('\n');
}

int main(void) {
  for (long i = 0; i < N; i++) a[i] = b[i] = c[i] = next_key();
  quicksort(a, 0, N - 1);
  mergesort(b, N);
  heapsort(c, N);
  int bad = 0;
  for (long i = 0; i < N; i++) {
    if (a[i] != b[i] || a[i] != c[i]) bad = 1;
    if (i && a[i - 1] > a[i]) bad = 2;
  }
  uint64_t sum = 0;
  for (long i = 0; i < N; i++) sum = sum * 31 + (uint64_t)a[i];
  rt_puts("sort: ");
  rt_put_u64(N);
  rt_puts(" keys, min ");
  rt_put_i64(a[0]);
  rt_puts(", median ");
  rt_put_i64(a[N / 2]);
  rt_puts(", max ");
  rt_put_i64(a[N - 1]);
  rt_puts("\nsort: hash 0x");
  rt_put_hex(sum, 16);
  rt_putchar('\n');
  print_words("words (strcmp):", strcmp);
  print_words("words (reverse):", cmp_rev);
  print_words("words (length):", cmp_len);
  rt_puts(bad ? "sort: FAIL\n" : "sort: PASS\n");
  return bad;
}

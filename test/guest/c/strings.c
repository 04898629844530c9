/* strings.c: string and integer work: formatting extremes of int64, reversing, counting words,
 * a switch-driven tokenizer (jump tables at -O2), recursion, 128-bit arithmetic (mulhu and
 * libgcc's __udivti3/__umodti3) and printing all results. Exit 0 if the self-checks hold. */
#include "rt.h"

static void reverse(char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n / 2; i++) {
    char t = s[i];
    s[i] = s[n - 1 - i];
    s[n - 1 - i] = t;
  }
}

static int count_words(const char *s) {
  int n = 0, in = 0;
  for (; *s; s++) {
    int sp = *s == ' ' || *s == '\t' || *s == '\n';
    if (!sp && !in) n++;
    in = !sp;
  }
  return n;
}

enum tok { T_NUM, T_IDENT, T_OP, T_SPACE, T_OTHER };

static enum tok classify(char ch) {
  switch (ch) {
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return T_NUM;
    case '+': case '-': case '*': case '/': case '%': case '=': case '<': case '>':
      return T_OP;
    case ' ': case '\t': case '\n':
      return T_SPACE;
    default:
      if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_') return T_IDENT;
      return T_OTHER;
  }
}

static int64_t eval(const char *s) {
  /* left-to-right evaluation of "n op n op n ..." with + - * / % */
  int64_t acc = 0, cur = 0;
  char op = '+';
  for (;; s++) {
    if (classify(*s) == T_NUM) {
      cur = cur * 10 + (*s - '0');
      continue;
    }
    if (classify(*s) == T_SPACE) continue;
    switch (op) {
      case '+': acc += cur; break;
      case '-': acc -= cur; break;
      case '*': acc *= cur; break;
      case '/': acc = cur ? acc / cur : -1; break;
      case '%': acc = cur ? acc % cur : acc; break;
    }
    if (!*s) return acc;
    op = *s;
    cur = 0;
  }
}

static uint64_t ackermann(uint64_t m, uint64_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static void put_u128(unsigned __int128 v) {
  char buf[40];
  int i = 39;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v);
  rt_puts(&buf[i]);
}

int main(void) {
  int bad = 0;
  rt_puts("int64 min: ");
  rt_put_i64(INT64_MIN);
  rt_puts("\nint64 max: ");
  rt_put_i64(INT64_MAX);
  rt_puts("\nuint64 max: ");
  rt_put_u64(UINT64_MAX);
  rt_puts("\n");

  char s[64] = "hartvm runs RISC-V guests";
  reverse(s);
  rt_puts("reversed: ");
  rt_puts(s);
  rt_puts("\n");
  reverse(s);
  if (strcmp(s, "hartvm runs RISC-V guests") != 0) bad |= 1;

  const char *text = "  the quick brown\tfox jumps over\nthe lazy dog  ";
  int w = count_words(text);
  rt_puts("words: ");
  rt_put_u64((uint64_t)w);
  rt_puts("\n");
  if (w != 9) bad |= 2;

  static const char *exprs[] = {"1 + 2 * 3", "100 / 7 % 5", "9 - 10 - 11", "123456789 * 1000 * 1000", "7 / 0"};
  for (unsigned i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
    rt_puts(exprs[i]);
    rt_puts(" => ");
    rt_put_i64(eval(exprs[i]));
    rt_puts("\n");
  }
  if (eval("1 + 2 * 3") != 9 || eval("9 - 10 - 11") != -12) bad |= 4;

  uint64_t ack = ackermann(2, 300);
  rt_puts("ackermann(2, 300) = ");
  rt_put_u64(ack);
  rt_puts("\n");
  if (ack != 603) bad |= 8;

  volatile uint64_t x = 0xfedcba9876543210ull, y = 0x0123456789abcdefull;
  unsigned __int128 p = (unsigned __int128)x * y;
  rt_puts("128-bit product: ");
  put_u128(p);
  rt_puts("\n");
  unsigned __int128 q = p / 1000000007u;
  uint64_t r = (uint64_t)(p % 1000000007u);
  rt_puts("  / 1000000007 = ");
  put_u128(q);
  rt_puts(", remainder ");
  rt_put_u64(r);
  rt_puts("\n");
  if (q * 1000000007u + r != p) bad |= 16;

  int64_t m = INT64_MIN;
  volatile int64_t minus1 = -1;
  rt_puts("INT64_MIN / -1 via asm div: ");
  int64_t d;
  __asm__("div %0, %1, %2" : "=r"(d) : "r"(m), "r"(minus1));
  rt_put_i64(d);
  rt_puts("\n");
  if (d != INT64_MIN) bad |= 32;

  rt_puts(bad ? "strings: FAIL\n" : "strings: PASS\n");
  return bad;
}

/* float.c: float and double arithmetic as compiled C uses it (-march=rv64gc -mabi=lp64d): sums,
 * Newton iterations, series, a matrix product, a Mandelbrot set, conversions between integers,
 * float and double, fused multiply-add, the four IEEE rounding modes and the exception flags,
 * subnormals, infinities and NaN tests. No libm, no printf of floats: results print as hex bit
 * patterns and integer-formatted decimals.
 *
 * Portable on purpose: float.expected is this same file compiled for the host (x86-64, SSE) and
 * run there, and QEMU must print the same; regenerate it with
 *   gcc -O2 -ffp-contract=off -fno-math-errno -frounding-math -o /tmp/float test/guest/fp-c/float.c -lm \
 *     && /tmp/float > test/guest/fp-c/float.expected
 * It avoids what differs between the two by design: NaN bit patterns (x86 makes negative, payload
 * propagating NaNs), out-of-range float-to-integer casts, fmin/fmax of zeros, and the flags of
 * comparisons. Builds with -ffp-contract=off so that FMAs appear only where written. */
#include <stdint.h>

#ifdef __riscv
#include "rt.h"
static void out_char(char c) { rt_putchar(c); }
/* GCC 12 has no fmin/fmax patterns for RISC-V (it would call libm): use the instructions. */
static double fmin_d(double a, double b) { double r; __asm__("fmin.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static double fmax_d(double a, double b) { double r; __asm__("fmax.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static float fmax_s(float a, float b) { float r; __asm__("fmax.s %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
#else
#include <fenv.h>
#include <math.h>
#include <stdio.h>
static void out_char(char c) { putchar(c); }
#define fmin_d fmin
#define fmax_d fmax
#define fmax_s fmaxf
#endif

/* ---- output ---- */
static void out_str(const char *s) { while (*s) out_char(*s++); }
static void out_u64(uint64_t v) {
  char b[21]; int i = 20; b[i] = 0;
  do { b[--i] = (char)('0' + v % 10); v /= 10; } while (v);
  out_str(b + i);
}
static void out_i64(int64_t v) {
  if (v < 0) { out_char('-'); out_u64(0 - (uint64_t)v); } else out_u64((uint64_t)v);
}
static void out_hex(uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; i--) out_char("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static uint64_t dbits(double d) { union { double d; uint64_t u; } x; x.d = d; return x.u; }
static uint32_t fbits(float f) { union { float f; uint32_t u; } x; x.f = f; return x.u; }
static void out_d(const char *name, double d) { out_str(name); out_str(" = 0x"); out_hex(dbits(d), 16); out_char('\n'); }
static void out_f(const char *name, float f) { out_str(name); out_str(" = 0x"); out_hex(fbits(f), 8); out_char('\n'); }
static void out_kv(const char *name, int64_t v) { out_str(name); out_str(" = "); out_i64(v); out_char('\n'); }

/* A double as a decimal with `places` digits after the point, formatted with integer arithmetic
 * (|v| < 9e18 / 10^places, truncated). */
static void out_fixed(const char *name, double v, int places) {
  out_str(name); out_str(" = ");
  if (v < 0) { out_char('-'); v = -v; }
  double scale = 1;
  for (int i = 0; i < places; i++) scale *= 10;
  uint64_t n = (uint64_t)(v * scale);
  uint64_t p10 = 1;
  for (int i = 0; i < places; i++) p10 *= 10;
  out_u64(n / p10); out_char('.');
  uint64_t frac = n % p10;
  for (uint64_t d = p10 / 10; d; d /= 10) { out_char((char)('0' + frac / d)); frac %= d; }
  out_char('\n');
}

/* ---- rounding mode and flags (fcsr on RISC-V, fenv on the host), in RISC-V's encoding ---- */
enum { RNE = 0, RTZ = 1, RDN = 2, RUP = 3 };
static void set_rm(int rm) {
#ifdef __riscv
  __asm__ volatile("fsrm %0" : : "r"(rm) : "memory");
#else
  static const int modes[] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD };
  fesetround(modes[rm]);
#endif
}
static void clear_flags(void) {
#ifdef __riscv
  __asm__ volatile("fsflags zero" : : : "memory");
#else
  feclearexcept(FE_ALL_EXCEPT);
#endif
}
/* NV DZ OF UF NX = bits 4..0 */
static unsigned get_flags(void) {
#ifdef __riscv
  unsigned long f;
  __asm__ volatile("frflags %0" : "=r"(f) : : "memory");
  return (unsigned)f;
#else
  int e = fetestexcept(FE_ALL_EXCEPT);
  return (e & FE_INVALID ? 16 : 0) | (e & FE_DIVBYZERO ? 8 : 0) | (e & FE_OVERFLOW ? 4 : 0) |
         (e & FE_UNDERFLOW ? 2 : 0) | (e & FE_INEXACT ? 1 : 0);
#endif
}

/* ---- the computations ---- */
static volatile double vd[8] = { 1.0, 3.0, 0.1, 1e308, 1e-310, 2.5, -7.75, 0.0 };
static volatile float vf[8] = { 1.0f, 3.0f, 0.1f, 3e38f, 1e-40f, 2.5f, -7.75f, 0.0f };

static void sums(void) {
  double hd = 0; float hf = 0;
  for (int k = 1; k <= 1000; k++) { hd += 1.0 / k; hf += 1.0f / (float)k; }
  out_d("harmonic1000.d", hd); out_f("harmonic1000.s", hf);
  out_fixed("harmonic1000", hd, 12);
  double pi4 = 0;
  for (int k = 0; k < 100000; k++) pi4 += (k & 1 ? -1.0 : 1.0) / (2 * k + 1);
  out_d("leibniz", 4 * pi4); out_fixed("leibniz", 4 * pi4, 9);
  double kahan = 0, comp = 0, naive = 0;
  for (int k = 0; k < 10000; k++) {
    double y = vd[2] - comp, t = kahan + y;
    comp = (t - kahan) - y; kahan = t; naive += vd[2];
  }
  out_d("kahan", kahan); out_d("naive", naive);
}

static void newton(void) {
  double x = 1; float y = 1;
  for (int i = 0; i < 6; i++) { x = (x + 2 / x) / 2; y = (y + 2 / y) / 2; }
  out_d("newton_sqrt2.d", x); out_f("newton_sqrt2.s", y);
  out_d("sqrt2.d", __builtin_sqrt(vd[1] - vd[0])); out_f("sqrt2.s", __builtin_sqrtf(vf[1] - vf[0]));
  out_d("sqrt0.1", __builtin_sqrt(vd[2])); out_f("sqrt0.1f", __builtin_sqrtf(vf[2]));
  out_fixed("sqrt2", x, 15);
}

static void matrix(void) {
  double a[4][4], b[4][4], c[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) { a[i][j] = (i + 1) * 0.5 + j / 3.0; b[i][j] = (i == j ? 2.0 : 0.0) - j * 0.25 + i / 7.0; }
  double tr = 0;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      double s = 0;
      for (int k = 0; k < 4; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
  for (int i = 0; i < 4; i++) tr += c[i][i];
  out_d("matrix.trace", tr); out_d("matrix.c03", c[0][3]); out_fixed("matrix.trace", tr, 10);
  float fs = 0;
  for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) fs += (float)c[i][j] * (float)(i - j);
  out_f("matrix.weighted.s", fs);
}

static void mandelbrot(void) {
  for (int row = 0; row < 12; row++) {
    for (int col = 0; col < 48; col++) {
      double cr = -2.2 + col * 0.0625, ci = -1.1 + row * 0.2, zr = 0, zi = 0;
      int n = 0;
      while (n < 64 && zr * zr + zi * zi <= 4) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; n++; }
      out_char(" .:-=+*#%@"[n >= 64 ? 9 : n % 9]);
    }
    out_char('\n');
  }
}

static void conversions(void) {
  static const double ds[] = { 0.5, -0.5, 1.5, -2.5, 2147483647.0, -2147483648.0, 123456789.987, -1e9, 4.5e15, -9.2e18 };
  for (int i = 0; i < 10; i++) {
    out_str("cvt "); out_hex(dbits(ds[i]), 16);
    clear_flags();
    volatile double x = ds[i];
    volatile int64_t l = (int64_t)x;
    unsigned f = get_flags();
    out_str(" l="); out_i64(l); out_str(" flags="); out_u64(f);
    if (ds[i] > -2147483649.0 && ds[i] < 2147483648.0) { out_str(" w="); out_i64((int32_t)ds[i]); }
    if (ds[i] >= 0 && ds[i] < 4294967296.0) { out_str(" wu="); out_u64((uint32_t)ds[i]); }
    out_str(" s="); out_hex(fbits((float)ds[i]), 8);
    out_char('\n');
  }
  static const int64_t is[] = { 0, 1, -1, 16777217, -16777217, 9007199254740993, -9007199254740993, INT64_MAX, INT64_MIN, 0x7fffffff };
  for (int i = 0; i < 10; i++) {
    clear_flags();
    volatile int64_t v = is[i];
    volatile double d = (double)v;
    volatile float f = (float)v;
    out_str("i2f "); out_i64(is[i]); out_str(" d="); out_hex(dbits(d), 16); out_str(" s="); out_hex(fbits(f), 8);
    out_str(" u.d="); out_hex(dbits((double)(uint64_t)is[i]), 16);
    out_str(" u.s="); out_hex(fbits((float)(uint64_t)is[i]), 8);
    out_str(" flags="); out_u64(get_flags()); out_char('\n');
  }
  float f = vf[2];
  double d = f;
  out_d("0.1f as double", d);
  out_f("0.1 as float", (float)vd[2]);
  out_f("1e308 as float", (float)vd[3]);
  out_f("1e-310 as float", (float)vd[4]);
}

static void fused(void) {
  volatile double a = 1.0 + 0x1p-27, c = -(1.0 + 0x1p-26);
  out_d("fma(a,a,c)", __builtin_fma(a, a, c));
  out_d("a*a+c", a * a + c);
  volatile float af = 1.0f + 0x1p-12f, cf = -(1.0f + 0x1p-11f);
  out_f("fmaf(a,a,c)", __builtin_fmaf(af, af, cf));
  out_f("af*af+cf", af * af + cf);
  double acc = 0;
  for (int i = 1; i <= 100; i++) acc = __builtin_fma(vd[2] * i, vd[5], acc);
  out_d("fma.chain", acc);
  out_d("fms", __builtin_fma(vd[2], vd[1], -vd[5]));
  out_d("fnma", __builtin_fma(-vd[2], vd[1], vd[5]));
}

static void rounding(void) {
  static const char *names[] = { "rne", "rtz", "rdn", "rup" };
  for (int rm = 0; rm < 4; rm++) {
    set_rm(rm);
    clear_flags();
    /* volatile results: the operations stay between the mode switches */
    volatile double third = vd[0] / vd[1], mthird = -vd[0] / vd[1];
    volatile float thirdf = vf[0] / vf[1];
    volatile double big = vd[3] * 10;
    volatile double sum = vd[2] + vd[5];
    volatile float sq = __builtin_sqrtf(vf[2]);
    unsigned fl = get_flags();
    set_rm(RNE);
    out_str(names[rm]); out_str(": 1/3=0x"); out_hex(dbits(third), 16);
    out_str(" -1/3=0x"); out_hex(dbits(mthird), 16);
    out_str(" 1/3f=0x"); out_hex(fbits(thirdf), 8);
    out_str(" 1e309=0x"); out_hex(dbits(big), 16);
    out_str(" 2.6=0x"); out_hex(dbits(sum), 16);
    out_str(" sqrtf=0x"); out_hex(fbits(sq), 8);
    out_str(" flags="); out_u64(fl); out_char('\n');
  }
  struct { const char *name; int which; } ops[] = { { "exact", 0 }, { "inexact", 1 }, { "divzero", 2 }, { "overflow", 3 }, { "underflow", 4 }, { "invalid", 5 } };
  for (int i = 0; i < 6; i++) {
    clear_flags();
    volatile double r = 0;
    switch (ops[i].which) {
      case 0: r = vd[5] * vd[6]; break;
      case 1: r = vd[0] / vd[1]; break;
      case 2: r = vd[0] / vd[7]; break;
      case 3: r = vd[3] * vd[3]; break;
      case 4: r = vd[4] * vd[2]; break;
      default: r = __builtin_sqrt(vd[6]); break;
    }
    unsigned fl = get_flags();
    out_str("flags."); out_str(ops[i].name); out_str(" = "); out_u64(fl);
    out_str(r != r ? " nan" : " 0x"); if (r == r) out_hex(dbits(r), 16); out_char('\n');
  }
}

static void specials(void) {
  volatile double inf = vd[0] / vd[7], nan = inf - inf, sub = vd[4];
  out_d("inf", inf); out_d("-inf", -inf);
  out_kv("nan!=nan", nan != nan); out_kv("nan<1", nan < 1.0); out_kv("inf>max", inf > 1.7976931348623157e308);
  out_d("sub*2^-20", sub * 0x1p-20); out_d("sub/3", sub / 3);
  out_d("-0*5", -vd[7] * 5); out_d("0-0", vd[7] - vd[7]); out_d("-0-0", -vd[7] - vd[7]);
  out_f("subf*3", vf[4] * 3); out_f("maxf*2", vf[3] * 2);
  out_d("fmin(nan,2)", fmin_d(nan, 2.0)); out_d("fmax(-1,nan)", fmax_d(-1.0, nan));
  out_d("fmin(3,-7.75)", fmin_d(vd[1], vd[6])); out_f("fmaxf(3,-7.75)", fmax_s(vf[1], vf[6]));
  out_d("copysign", __builtin_copysign(vd[5], vd[6])); out_d("fabs", __builtin_fabs(vd[6]));
  out_kv("isinf", __builtin_isinf(inf) != 0); out_kv("isnan", __builtin_isnan(nan) != 0);
}

#ifdef __riscv
__attribute__((noinline))
#endif
static int run(void) {
  out_str("float.c\n");
  sums();
  newton();
  matrix();
  mandelbrot();
  conversions();
  fused();
  rounding();
  specials();
  out_str("done\n");
  return 0;
}

int main(void) {
#ifdef __riscv
  /* mstatus.FS = Initial: crt0 leaves the FPU off. Nothing before this uses an FP register. */
  __asm__ volatile("csrs mstatus, %0" : : "r"(1ul << 13));
#endif
  return run();
}

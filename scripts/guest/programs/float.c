/*
 * float: double and float arithmetic whose results IEEE 754 fixes exactly, printed with %a and
 * %.17g (%.9g for float) together with the exception flags each operation raised, under all four
 * rounding modes. The output is the same on any IEEE machine with glibc, so the host build's output
 * is the expected output (float.expected, checked by build.mjs). Kept portable on purpose: no NaN
 * signs (x86 and RISC-V default NaNs differ), no out-of-range float-to-integer conversions, no
 * long double, no libm functions that are not correctly rounded, no fused multiply-adds except the
 * explicit fma() (built with -ffp-contract=off).
 * The operation grids (every mode x type x operation) print one line per group with a count and an
 * FNV-1a checksum over the result bits and flags, to keep the console output small (~15 KB);
 * `float -v` also prints every operation in full, to find the one behind a checksum mismatch.
 * Prints "float: ..." lines and a final "float: done N checks".
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Operands and results go through volatile globals so that every operation happens at run time,
 * between feclearexcept and fetestexcept. */
static volatile double da, db, dc, dr;
static volatile float fa, fb, fc, fr;
static volatile int64_t ir;
static int checks;
static int verbose;

/* Checksum of the current group of operations (FNV-1a, 64-bit). */
static uint64_t group_sum;
static int group_count;
static char group_name[64];

static void begin_group(const char *mode, const char *name) {
  snprintf(group_name, sizeof group_name, "%s %s", mode, name);
  group_sum = 0xcbf29ce484222325ull;
  group_count = 0;
}

static void fold(uint64_t v) {
  for (int i = 0; i < 8; i++) {
    group_sum ^= (v >> (8 * i)) & 0xff;
    group_sum *= 0x100000001b3ull;
  }
}

/* Portable exception flag mask: NV DZ OF UF NX = 16 8 4 2 1. */
static unsigned flag_mask(void) {
  int f = fetestexcept(FE_ALL_EXCEPT);
  return (f & FE_INVALID ? 16 : 0) | (f & FE_DIVBYZERO ? 8 : 0) | (f & FE_OVERFLOW ? 4 : 0) |
         (f & FE_UNDERFLOW ? 2 : 0) | (f & FE_INEXACT ? 1 : 0);
}

static uint64_t bits_d(double x) {
  uint64_t u;
  if (isnan(x)) return 0x7ff8000000000000ull; /* any NaN counts as the canonical one */
  memcpy(&u, &x, sizeof u);
  return u;
}

static uint64_t bits_f(float x) {
  uint32_t u;
  if (isnan(x)) return 0x7fc00000u;
  memcpy(&u, &x, sizeof u);
  return u;
}

/* Records one operation: its result bits and the flags it raised (read before any printing). */
static void record(uint64_t bits, unsigned flags) {
  fold(bits);
  fold(flags);
  group_count++;
  checks++;
}

static void end_group(void) {
  printf("float: %s n=%d fnv=%016llx\n", group_name, group_count, (unsigned long long)group_sum);
}

static const char *flag_names(unsigned f) {
  static char buf[64];
  buf[0] = 0;
  if (f & 16) strcat(buf, " NV");
  if (f & 8) strcat(buf, " DZ");
  if (f & 4) strcat(buf, " OF");
  if (f & 2) strcat(buf, " UF");
  if (f & 1) strcat(buf, " NX");
  return buf[0] ? buf + 1 : "-";
}

/* %a and %.17g of a double, "nan" for any NaN (its sign and payload are machine-specific). */
static const char *fmt_d(double x) {
  static char bufs[16][80];
  static int n;
  char *b = bufs[n++ & 15];
  if (isnan(x)) strcpy(b, "nan");
  else snprintf(b, 80, "%a (%.17g)", x, x);
  return b;
}

static const char *fmt_f(float x) {
  static char bufs[16][80];
  static int n;
  char *b = bufs[n++ & 15];
  if (isnan(x)) strcpy(b, "nan");
  else snprintf(b, 80, "%a (%.9g)", (double)x, (double)x);
  return b;
}

static const struct { int mode; const char *name; } modes[] = {
    {FE_TONEAREST, "rne"}, {FE_TOWARDZERO, "rtz"}, {FE_DOWNWARD, "rdn"}, {FE_UPWARD, "rup"},
};

static const double dvals[] = {
    1.0, 0.1, 3.0, -7.5, 1e308, 0x1p-1022, 0x1p-1074, 0x1.fffffffffffffp+1023, 2.5, -0.0,
    1.0 / 3.0, 123456789.125, INFINITY,
};
static const float fvals[] = {
    1.0f, 0.1f, 3.0f, -7.5f, 3e38f, 0x1p-126f, 0x1p-149f, 0x1.fffffep+127f, 2.5f, -0.0f,
    1.0f / 3.0f, 16777217.0f, INFINITY,
};
#define NVALS (sizeof dvals / sizeof dvals[0])

static const char *const opnames[] = {"add", "sub", "mul", "div"};

#define DETAIL(...)                    \
  do {                                 \
    if (verbose) printf(__VA_ARGS__); \
  } while (0)

static void double_ops(const char *mode) {
  char name[32];
  for (int op = 0; op < 4; op++) {
    snprintf(name, sizeof name, "d %s", opnames[op]);
    begin_group(mode, name);
    for (unsigned i = 0; i < NVALS; i++) {
      for (unsigned j = 0; j < NVALS; j++) {
        if ((i * 7 + j * 3) % 4 != 0 && i != j) continue; /* a fixed, thinned-out set of pairs */
        da = dvals[i];
        db = dvals[j];
        feclearexcept(FE_ALL_EXCEPT);
        switch (op) {
        case 0: dr = da + db; break;
        case 1: dr = da - db; break;
        case 2: dr = da * db; break;
        default: dr = da / db; break;
        }
        unsigned f = flag_mask();
        record(bits_d(dr), f);
        DETAIL("float: %s d %s %s, %s = %s %s\n", mode, opnames[op], fmt_d(da), fmt_d(db), fmt_d(dr), flag_names(f));
      }
    }
    end_group();
  }
  begin_group(mode, "d sqrt");
  for (unsigned i = 0; i < NVALS; i++) {
    da = dvals[i];
    feclearexcept(FE_ALL_EXCEPT);
    dr = sqrt(da);
    unsigned f = flag_mask();
    record(bits_d(dr), f);
    DETAIL("float: %s d sqrt %s = %s %s\n", mode, fmt_d(da), fmt_d(dr), flag_names(f));
  }
  end_group();
  begin_group(mode, "d->f");
  for (unsigned i = 0; i < NVALS; i++) {
    da = dvals[i];
    feclearexcept(FE_ALL_EXCEPT);
    fr = (float)da;
    unsigned f = flag_mask();
    record(bits_f(fr), f);
    DETAIL("float: %s d->f %s = %s %s\n", mode, fmt_d(da), fmt_f(fr), flag_names(f));
  }
  end_group();
  begin_group(mode, "d->i64");
  for (unsigned i = 0; i < NVALS; i++) {
    if (!(fabs(dvals[i]) < 0x1p62)) continue; /* out-of-range conversions differ between machines */
    da = dvals[i];
    feclearexcept(FE_ALL_EXCEPT);
    ir = (int64_t)da;
    unsigned f = flag_mask();
    record((uint64_t)ir, f);
    DETAIL("float: %s d->i64 %s = %lld %s\n", mode, fmt_d(da), (long long)ir, flag_names(f));
  }
  end_group();
  begin_group(mode, "llrint");
  for (unsigned i = 0; i < NVALS; i++) {
    if (!(fabs(dvals[i]) < 0x1p62)) continue;
    da = dvals[i];
    feclearexcept(FE_ALL_EXCEPT);
    ir = llrint(da);
    unsigned f = flag_mask();
    record((uint64_t)ir, f);
    DETAIL("float: %s llrint %s = %lld %s\n", mode, fmt_d(da), (long long)ir, flag_names(f));
  }
  end_group();
}

static void float_ops(const char *mode) {
  char name[32];
  for (int op = 0; op < 4; op++) {
    snprintf(name, sizeof name, "f %s", opnames[op]);
    begin_group(mode, name);
    for (unsigned i = 0; i < NVALS; i++) {
      for (unsigned j = 0; j < NVALS; j++) {
        if ((i * 5 + j) % 3 != 0 && i != j) continue;
        fa = fvals[i];
        fb = fvals[j];
        feclearexcept(FE_ALL_EXCEPT);
        switch (op) {
        case 0: fr = fa + fb; break;
        case 1: fr = fa - fb; break;
        case 2: fr = fa * fb; break;
        default: fr = fa / fb; break;
        }
        unsigned f = flag_mask();
        record(bits_f(fr), f);
        DETAIL("float: %s f %s %s, %s = %s %s\n", mode, opnames[op], fmt_f(fa), fmt_f(fb), fmt_f(fr), flag_names(f));
      }
    }
    end_group();
  }
  begin_group(mode, "f sqrt");
  for (unsigned i = 0; i < NVALS; i++) {
    fa = fvals[i];
    feclearexcept(FE_ALL_EXCEPT);
    fr = sqrtf(fa);
    unsigned f = flag_mask();
    record(bits_f(fr), f);
    DETAIL("float: %s f sqrt %s = %s %s\n", mode, fmt_f(fa), fmt_f(fr), flag_names(f));
  }
  end_group();
  begin_group(mode, "f->d");
  for (unsigned i = 0; i < NVALS; i++) {
    fa = fvals[i];
    feclearexcept(FE_ALL_EXCEPT);
    dr = (double)fa;
    unsigned f = flag_mask();
    record(bits_d(dr), f);
    DETAIL("float: %s f->d %s = %s %s\n", mode, fmt_f(fa), fmt_d(dr), flag_names(f));
  }
  end_group();
}

static void int_conversions(const char *mode) {
  static const int64_t ivals[] = {0, 1, -1, 9007199254740993LL, -9007199254740995LL, INT64_MAX, INT64_MIN, 16777217, 123456789};
  const unsigned n = sizeof ivals / sizeof ivals[0];
  begin_group(mode, "i64->d");
  for (unsigned i = 0; i < n; i++) {
    volatile int64_t v = ivals[i];
    feclearexcept(FE_ALL_EXCEPT);
    dr = (double)v;
    unsigned f = flag_mask();
    record(bits_d(dr), f);
    DETAIL("float: %s i64->d %lld = %s %s\n", mode, (long long)v, fmt_d(dr), flag_names(f));
  }
  end_group();
  begin_group(mode, "i64->f");
  for (unsigned i = 0; i < n; i++) {
    volatile int64_t v = ivals[i];
    feclearexcept(FE_ALL_EXCEPT);
    fr = (float)v;
    unsigned f = flag_mask();
    record(bits_f(fr), f);
    DETAIL("float: %s i64->f %lld = %s %s\n", mode, (long long)v, fmt_f(fr), flag_names(f));
  }
  end_group();
  begin_group(mode, "u64->d");
  for (unsigned i = 0; i < n; i++) {
    volatile uint64_t u = (uint64_t)ivals[i];
    feclearexcept(FE_ALL_EXCEPT);
    dr = (double)u;
    unsigned f = flag_mask();
    record(bits_d(dr), f);
    DETAIL("float: %s u64->d %llu = %s %s\n", mode, (unsigned long long)u, fmt_d(dr), flag_names(f));
  }
  end_group();
}

static void fused(void) {
  static const double t[][3] = {
      {0.1, 10.0, -1.0}, {1.0 + 0x1p-52, 1.0 - 0x1p-53, -1.0}, {0x1p1000, 0x1p1000, -INFINITY},
      {3.0, 1.0 / 3.0, -1.0}, {0x1p-1000, 0x1p-74, 0.0}, {-2.5, 4.0, 10.0},
  };
  for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
    da = t[i][0];
    db = t[i][1];
    dc = t[i][2];
    dr = fma(da, db, dc);
    printf("float: fma %s, %s, %s = %s\n", fmt_d(da), fmt_d(db), fmt_d(dc), fmt_d(dr));
    fa = (float)t[i][0];
    fb = (float)t[i][1];
    fc = (float)t[i][2];
    fr = fmaf(fa, fb, fc);
    printf("float: fmaf %s, %s, %s = %s\n", fmt_f(fa), fmt_f(fb), fmt_f(fc), fmt_f(fr));
    checks += 2;
  }
}

static void exact_functions(void) {
  static const double v[] = {2.5, -2.5, 3.5, -0.75, 1e15 + 0.5, 0x1p-1074, 123.456};
  for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
    da = v[i];
    int e;
    double m = frexp(da, &e);
    double ip;
    double fp = modf(da, &ip);
    printf("float: exact %s floor=%s ceil=%s trunc=%s round=%s rint=%s frexp=%a,%d modf=%a,%a ldexp=%s "
           "nextup=%s copysign=%s\n",
           fmt_d(da), fmt_d(floor(da)), fmt_d(ceil(da)), fmt_d(trunc(da)), fmt_d(round(da)), fmt_d(rint(da)),
           m, e, fp, ip, fmt_d(ldexp(da, 3)), fmt_d(nextafter(da, INFINITY)), fmt_d(copysign(da, -1.0)));
    printf("float: class %s = %s, fmin/fmax with 1: %s %s\n", fmt_d(da),
           fpclassify(da) == FP_NORMAL ? "normal" : fpclassify(da) == FP_SUBNORMAL ? "subnormal" : "other",
           fmt_d(fmin(da, 1.0)), fmt_d(fmax(da, 1.0)));
    checks += 2;
  }
}

/* Longer computations: rounding errors accumulate the same way on every IEEE machine. */
static void kernels(void) {
  double hd = 0;
  float hf = 0;
  for (int k = 1; k <= 100000; k++) {
    hd += 1.0 / k;
    hf += 1.0f / (float)k;
  }
  printf("float: harmonic(100000) d=%s f=%s\n", fmt_d(hd), fmt_f(hf));

  double x = 1.0;
  for (int k = 0; k < 6; k++) x = 0.5 * (x + 2.0 / x);
  printf("float: newton sqrt(2) = %s, sqrt(2) = %s\n", fmt_d(x), fmt_d(sqrt(2.0)));

  double a[4][4], b[4][4], c[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      a[i][j] = 1.0 / (i + j + 1); /* Hilbert matrix */
      b[i][j] = (i == j ? 2.0 : 0.0) - 0.1 * (i - j);
    }
  double trace = 0;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      double s = 0;
      for (int k = 0; k < 4; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
      if (i == j) trace += s;
    }
  printf("float: matmul c[0][3]=%s c[3][0]=%s trace=%s\n", fmt_d(c[0][3]), fmt_d(c[3][0]), fmt_d(trace));

  /* Logistic map in float: chaotic, so any rounding difference shows. */
  float l = 0.3f;
  for (int k = 0; k < 1000; k++) l = 3.9f * l * (1.0f - l);
  printf("float: logistic(1000) f=%s\n", fmt_f(l));
  checks += 4;
}

int main(int argc, char **argv) {
  verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
  printf("float: FLT_EVAL_METHOD=%d DBL_MANT_DIG=%d FLT_MANT_DIG=%d\n", (int)FLT_EVAL_METHOD, DBL_MANT_DIG, FLT_MANT_DIG);
  for (unsigned m = 0; m < sizeof modes / sizeof modes[0]; m++) {
    if (fesetround(modes[m].mode) != 0) {
      printf("float: FAIL fesetround(%s)\n", modes[m].name);
      return 1;
    }
    double_ops(modes[m].name);
    float_ops(modes[m].name);
    int_conversions(modes[m].name);
  }
  fesetround(FE_TONEAREST);
  fused();
  exact_functions();
  kernels();
  printf("float: done %d checks\n", checks);
  return 0;
}

/*
 * gen-fp-vectors.c: reference results for hartvm's F/D unit tests, computed by the host's x86-64
 * SSE/FMA hardware (IEEE 754 with tininess detected after rounding, like RISC-V) under
 * fesetround/fetestexcept. Writes test/cpu/fp-vectors.json.
 *
 * Regenerate (from the repository root):
 *   gcc -O1 -mfma -frounding-math -fsignaling-nans -o /tmp/gen-fp-vectors scripts/gen-fp-vectors.c -lm \
 *     && /tmp/gen-fp-vectors > test/cpu/fp-vectors.json
 *
 * Arithmetic runs in RNE, RTZ, RDN and RUP (x86 has no RMM); conversions to integers also in RMM.
 * x86 differs from RISC-V in NaN results (it propagates payloads) and in out-of-range float to
 * integer conversions (it returns the "integer indefinite"): the generator maps NaN results to the
 * canonical NaN and implements the RISC-V saturation table itself around the hardware rounding.
 * Cases: edge values (zeros, subnormals, extremes, NaNs) and seeded pseudo-random operands biased
 * toward the interesting regions (cancellation, ties, underflow and overflow thresholds).
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return rng;
}

static const int RMS[5] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD, -1 };

static int flags(void) {
  int e = fetestexcept(FE_ALL_EXCEPT), f = 0;
  if (e & FE_INVALID) f |= 16;
  if (e & FE_DIVBYZERO) f |= 8;
  if (e & FE_OVERFLOW) f |= 4;
  if (e & FE_UNDERFLOW) f |= 2;
  if (e & FE_INEXACT) f |= 1;
  return f;
}

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double dval(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint32_t sbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float sval(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint64_t canonD(double d) { return isnan(d) ? 0x7ff8000000000000ull : dbits(d); }
static uint32_t canonS(float f) { return isnan(f) ? 0x7fc00000u : sbits(f); }

/* ---- operand generators ---- */
static const uint64_t EDGE_D[] = {
  0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x0000000000000001ull,
  0x000fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
  0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
  0x3ff0000000000001ull, 0x3fe0000000000000ull, 0x4000000000000000ull, 0x3ca0000000000000ull,
  0x0008000000000000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull, 0x41e0000000000000ull,
};
static const uint32_t EDGE_S[] = {
  0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x00000001u, 0x007fffffu, 0x00800000u, 0x7f7fffffu,
  0xff7fffffu, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7fa00000u, 0x3f800001u, 0x3f000000u,
  0x40000000u, 0x33800000u, 0x00400000u, 0x5f000000u, 0xdf000000u, 0x4f000000u,
};
#define NEDGE 21

/* A random double: exponent from a region (0 uniform, 1 near 1, 2 near subnormal, 3 near overflow),
 * significand dense or sparse (few bits: exact results and ties). */
static uint64_t randD(int region) {
  uint64_t s = next() & 0x8000000000000000ull, e, m;
  switch (region) {
    case 1: e = 1023 - 4 + next() % 9; break;
    case 2: e = next() % 40; break;
    case 3: e = 2046 - next() % 30; break;
    default: e = 1 + next() % 2046; break;
  }
  if (next() & 1) m = next() & 0xfffffffffffffull;
  else { m = 0; int k = next() % 4; for (int i = 0; i < k; i++) m |= 1ull << (next() % 52); }
  return s | (e << 52) | m;
}
static uint32_t randS(int region) {
  uint32_t s = next() & 0x80000000u, e, m;
  switch (region) {
    case 1: e = 127 - 4 + next() % 9; break;
    case 2: e = next() % 30; break;
    case 3: e = 254 - next() % 20; break;
    default: e = 1 + next() % 254; break;
  }
  if (next() & 1) m = next() & 0x7fffffu;
  else { m = 0; int k = next() % 4; for (int i = 0; i < k; i++) m |= 1u << (next() % 23); }
  return s | (e << 23) | m;
}

/* ---- operations ---- */
enum { ADD, SUB, MUL, DIV, SQRT, FMADD, FMSUB, FNMSUB, FNMADD };
static const char *ANAME[] = { "fadd", "fsub", "fmul", "fdiv", "fsqrt", "fmadd", "fmsub", "fnmsub", "fnmadd" };
static const int NARGS[] = { 2, 2, 2, 2, 1, 3, 3, 3, 3 };

static double opD(int op, volatile double a, volatile double b, volatile double c) {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case SQRT: return sqrt(a);
    case FMADD: return __builtin_fma(a, b, c);
    case FMSUB: return __builtin_fma(a, b, -c);
    case FNMSUB: return __builtin_fma(-a, b, c);
    default: return __builtin_fma(-a, b, -c);
  }
}
static float opS(int op, volatile float a, volatile float b, volatile float c) {
  switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case SQRT: return sqrtf(a);
    case FMADD: return __builtin_fmaf(a, b, c);
    case FMSUB: return __builtin_fmaf(a, b, -c);
    case FNMSUB: return __builtin_fmaf(-a, b, c);
    default: return __builtin_fmaf(-a, b, -c);
  }
}

static int first = 1;
static void begin(const char *name) {
  printf("%s\n  \"%s\": [", first ? "" : ",", name);
  first = 0;
}
static int firstCase;
static void sep(void) { printf("%s\n    ", firstCase ? "" : ","); firstCase = 0; }

/* Operands for arithmetic case i of n: edges first, then regions, then related operands. */
static void operandsD(int op, int i, uint64_t *a, uint64_t *b, uint64_t *c) {
  if (i < NEDGE * 2) { *a = EDGE_D[i % NEDGE]; *b = EDGE_D[(i * 5 + 3) % NEDGE]; *c = EDGE_D[(i * 11 + 1) % NEDGE]; return; }
  *a = randD(next() % 4); *b = randD(next() % 4); *c = randD(next() % 4);
  int k = next() % 6;
  if (k == 0 && op <= SUB) *b = (*a ^ (op == ADD ? 0x8000000000000000ull : 0)) + (next() % 5) - 2; /* cancellation */
  if (k == 1 && op <= SUB) *b = (*a & 0x800fffffffffffffull) | ((((*a >> 52) & 0x7ff) - 52 - next() % 4) & 0x7ff) << 52; /* ties */
  if (k == 2 && op == MUL) { *a = randD(1) - (1ull << 62) + ((uint64_t)(next() % 3) << 61); *b = randD(2) + (510ull << 52); } /* around 2^-1022 */
  if (k == 3 && op >= FMADD) { double p = dval(*a) * dval(*b); *c = dbits(-p) ^ (next() % 3); } /* near-total cancellation */
  if (k == 4 && op >= FMADD) *c = (*c & 0x800fffffffffffffull) | ((uint64_t)((((*a >> 52) & 0x7ff) + ((*b >> 52) & 0x7ff) - 1023 - 53 - next() % 60) & 0x7ff) << 52);
  if (k == 5 && op == DIV) *b = randD(1);
}
static void operandsS(int op, int i, uint32_t *a, uint32_t *b, uint32_t *c) {
  if (i < NEDGE * 2) { *a = EDGE_S[i % NEDGE]; *b = EDGE_S[(i * 5 + 3) % NEDGE]; *c = EDGE_S[(i * 11 + 1) % NEDGE]; return; }
  *a = randS(next() % 4); *b = randS(next() % 4); *c = randS(next() % 4);
  int k = next() % 6;
  if (k == 0 && op <= SUB) *b = (*a ^ (op == ADD ? 0x80000000u : 0)) + (next() % 5) - 2;
  if (k == 1 && op <= SUB) *b = (*a & 0x807fffffu) | (((((*a >> 23) & 0xff) - 23 - next() % 4) & 0xff) << 23);
  if (k == 2 && op == MUL) { *a = randS(1) - (1u << 29) + ((next() % 3) << 28); *b = randS(2) + (62u << 23); }
  if (k == 3 && op >= FMADD) { float p = sval(*a) * sval(*b); *c = sbits(-p) ^ (next() % 3); }
  if (k == 4 && op >= FMADD) *c = (*c & 0x807fffffu) | ((((((*a >> 23) & 0xff) + ((*b >> 23) & 0xff) - 127 - 24 - next() % 30) & 0xff)) << 23);
  if (k == 5 && op == DIV) *b = randS(1);
}

#define NARITH 80

static void arith(void) {
  for (int op = ADD; op <= FNMADD; op++) {
    char name[32];
    snprintf(name, sizeof name, "%s.d", ANAME[op]);
    begin(name); firstCase = 1;
    for (int rm = 0; rm < 4; rm++) {
      for (int i = 0; i < NARITH; i++) {
        uint64_t a, b, c;
        operandsD(op, i, &a, &b, &c);
        if (NARGS[op] < 3) c = 0;
        if (NARGS[op] < 2) b = 0;
        if (op == SQRT && i >= NEDGE * 2 && (next() & 3)) a &= ~0x8000000000000000ull;
        fesetround(RMS[rm]); feclearexcept(FE_ALL_EXCEPT);
        double r = opD(op, dval(a), dval(b), dval(c));
        int fl = flags();
        fesetround(FE_TONEAREST);
        sep(); printf("[%d,\"%016llx\",\"%016llx\",\"%016llx\",\"%016llx\",%d]", rm, (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, (unsigned long long)canonD(r), fl);
      }
    }
    printf("]");
    snprintf(name, sizeof name, "%s.s", ANAME[op]);
    begin(name); firstCase = 1;
    for (int rm = 0; rm < 4; rm++) {
      for (int i = 0; i < NARITH; i++) {
        uint32_t a, b, c;
        operandsS(op, i, &a, &b, &c);
        if (NARGS[op] < 3) c = 0;
        if (NARGS[op] < 2) b = 0;
        if (op == SQRT && i >= NEDGE * 2 && (next() & 3)) a &= ~0x80000000u;
        fesetround(RMS[rm]); feclearexcept(FE_ALL_EXCEPT);
        float r = opS(op, sval(a), sval(b), sval(c));
        int fl = flags();
        fesetround(FE_TONEAREST);
        sep(); printf("[%d,\"%08x\",\"%08x\",\"%08x\",\"%08x\",%d]", rm, a, b, c, canonS(r), fl);
      }
    }
    printf("]");
  }
}

/* ---- float -> integer, RISC-V semantics around the hardware's rounding ---- */
static double roundIntegral(double x, int rm) {
  if (rm == 4) return round(x); /* RMM: half away from zero */
  fesetround(RMS[rm]);
  double r = nearbyint(x);
  fesetround(FE_TONEAREST);
  return r;
}
/* kind: 0 W, 1 WU, 2 L, 3 LU. Returns the 64-bit register value; *fl gets the flags. */
static uint64_t toInt(double x, int kind, int rm, int *fl) {
  static const double MIN[4] = { -2147483648.0, 0, -9223372036854775808.0, 0 };
  static const double MAX[4] = { 2147483648.0, 4294967296.0, 9223372036854775808.0, 18446744073709551616.0 };
  static const uint64_t HI[4] = { 0x7fffffffull, 0xffffffffffffffffull, 0x7fffffffffffffffull, 0xffffffffffffffffull };
  static const uint64_t LO[4] = { 0xffffffff80000000ull, 0, 0x8000000000000000ull, 0 };
  *fl = 0;
  if (isnan(x)) { *fl = 16; return HI[kind]; }
  double r = isinf(x) ? x : roundIntegral(x, rm);
  if (r < MIN[kind]) { *fl = 16; return LO[kind]; }
  if (r >= MAX[kind]) { *fl = 16; return HI[kind]; }
  if (r != x) *fl = 1;
  switch (kind) {
    case 0: return (uint64_t)(int64_t)(int32_t)r;
    case 1: return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
    case 2: return (uint64_t)(int64_t)r;
    default: return (uint64_t)r;
  }
}

static const char *KIND[] = { "w", "wu", "l", "lu" };

static void toInts(void) {
  static const double EDGE_I[] = {
    0.5, -0.5, 1.5, 2.5, -2.5, -1.0, 0.49999999999999994, 2147483647.0, 2147483647.5, 2147483648.0,
    -2147483648.0, -2147483648.5, -2147483649.0, 4294967295.0, 4294967295.5, 4294967296.0,
    9223372036854774784.0, 9223372036854775808.0, -9223372036854775808.0, -9223372036854777856.0,
    18446744073709549568.0, 18446744073709551616.0, -0.0, 1e-300, -1e-300, 3.0,
  };
  const int NE = sizeof EDGE_I / sizeof EDGE_I[0];
  for (int src = 0; src < 2; src++) {
    for (int kind = 0; kind < 4; kind++) {
      char name[32];
      snprintf(name, sizeof name, "fcvt.%s.%s", KIND[kind], src ? "d" : "s");
      begin(name); firstCase = 1;
      for (int rm = 0; rm < 5; rm++) {
        for (int i = 0; i < 50; i++) {
          uint64_t a;
          double x;
          if (i < NE) x = EDGE_I[i];
          else if (i < NE + 4) x = dval(EDGE_D[(i * 3 + rm) % NEDGE]);
          else {
            /* magnitudes around the integer limits and small halves */
            int e = (int)(next() % 70) - 3;
            x = ldexp(1.0 + (double)(next() % 64) / 64.0, e);
            if (next() & 1) x = -x;
            if (next() % 4 == 0) x = (double)(int64_t)(next() % 11) * 0.25 - 1.25;
          }
          if (!src) { float f = (float)x; if (isnan(x)) f = sval(i & 1 ? 0x7fc00000u : 0x7fa00000u); a = sbits(f); x = f; }
          else a = dbits(x);
          int fl;
          uint64_t r = toInt(x, kind, rm, &fl);
          sep(); printf("[%d,\"%0*llx\",\"%016llx\",%d]", rm, src ? 16 : 8, (unsigned long long)a, (unsigned long long)r, fl);
        }
      }
      printf("]");
    }
  }
}

/* ---- integer -> float: the hardware conversions honour the rounding mode ---- */
static void fromInts(void) {
  for (int dst = 0; dst < 2; dst++) {
    for (int kind = 0; kind < 4; kind++) {
      char name[32];
      snprintf(name, sizeof name, "fcvt.%s.%s", dst ? "d" : "s", KIND[kind]);
      begin(name); firstCase = 1;
      for (int rm = 0; rm < 4; rm++) {
        for (int i = 0; i < 40; i++) {
          uint64_t v;
          switch (i % 5) {
            case 0: v = next(); break;
            case 1: v = next() >> (next() % 64); break;
            case 2: v = (uint64_t)-(int64_t)(next() >> (next() % 64)); break;
            case 3: v = (1ull << (next() % 64)) + (next() % 5) - 2; break;
            default: v = (next() >> (next() % 64)) | 1ull << (24 + next() % 40); break;
          }
          if (i == 0) v = 0;
          if (i == 1) v = 0x8000000000000000ull;
          if (i == 2) v = 0xffffffffffffffffull;
          if (i == 3) v = 0x7fffffffffffffffull;
          if (i == 4) v = 0xffffffff80000000ull;
          fesetround(RMS[rm]); feclearexcept(FE_ALL_EXCEPT);
          uint64_t bits;
          if (dst) {
            volatile double d;
            switch (kind) {
              case 0: d = (double)(int32_t)v; break;
              case 1: d = (double)(uint32_t)v; break;
              case 2: d = (double)(int64_t)v; break;
              default: d = (double)v; break;
            }
            bits = dbits(d);
          } else {
            volatile float f;
            switch (kind) {
              case 0: f = (float)(int32_t)v; break;
              case 1: f = (float)(uint32_t)v; break;
              case 2: f = (float)(int64_t)v; break;
              default: f = (float)v; break;
            }
            bits = sbits(f);
          }
          int fl = flags();
          fesetround(FE_TONEAREST);
          sep(); printf("[%d,\"%016llx\",\"%0*llx\",%d]", rm, (unsigned long long)v, dst ? 16 : 8, (unsigned long long)bits, fl);
        }
      }
      printf("]");
    }
  }
}

/* ---- binary64 <-> binary32 ---- */
static void between(void) {
  begin("fcvt.s.d"); firstCase = 1;
  for (int rm = 0; rm < 4; rm++) {
    for (int i = 0; i < 80; i++) {
      uint64_t a = i < NEDGE ? EDGE_D[i] : randD(next() % 4);
      if (i >= NEDGE && next() % 3 == 0) { /* around the binary32 range: exponents 1023-150 .. 1023+128 */
        a = (a & 0x800fffffffffffffull) | ((uint64_t)(1023 - 152 + next() % 30 + (next() & 1) * 270) << 52);
      }
      fesetround(RMS[rm]); feclearexcept(FE_ALL_EXCEPT);
      volatile float f = (float)dval(a);
      int fl = flags();
      fesetround(FE_TONEAREST);
      sep(); printf("[%d,\"%016llx\",\"%08x\",%d]", rm, (unsigned long long)a, canonS(f), fl);
    }
  }
  printf("]");
  begin("fcvt.d.s"); firstCase = 1;
  for (int i = 0; i < 60; i++) {
    uint32_t a = i < NEDGE ? EDGE_S[i] : randS(next() % 4);
    feclearexcept(FE_ALL_EXCEPT);
    volatile double d = (double)sval(a);
    int fl = flags();
    sep(); printf("[0,\"%08x\",\"%016llx\",%d]", a, (unsigned long long)canonD(d), fl);
  }
  printf("]");
}

int main(void) {
  printf("{\"_comment\": \"Generated by scripts/gen-fp-vectors.c on x86-64 (see its header to regenerate). Arithmetic: [rm, a, b, c, result, fflags]; conversions: [rm, operand, result, fflags]; hex bit patterns.\",\n \"cases\": {");
  arith();
  toInts();
  fromInts();
  between();
  printf("\n}}\n");
  return 0;
}

/* checksum.c: CRC-32, Adler-32, FNV-1a and a xorshift64* stream over generated data; checks the
 * well-known check values and prints everything. Exit 0 if all check values match. */
#include "rt.h"

static uint32_t crc_table[256];

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static uint32_t adler32(const uint8_t *p, size_t n) {
  uint32_t a = 1, b = 0;
  while (n--) {
    a = (a + *p++) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  while (n--) {
    h ^= *p++;
    h *= 0x100000001b3ull;
  }
  return h;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t xorshift64star(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

static uint8_t buf[65536];

static int check(const char *name, uint64_t got, uint64_t want, int digits) {
  rt_puts(name);
  rt_puts(" = 0x");
  rt_put_hex(got, digits);
  if (got == want) {
    rt_puts(" ok\n");
    return 0;
  }
  rt_puts(" MISMATCH, want 0x");
  rt_put_hex(want, digits);
  rt_puts("\n");
  return 1;
}

int main(void) {
  int bad = 0;
  const char *check_str = "123456789";
  crc_init();
  rt_puts("checksum: standard check values\n");
  bad += check("crc32(\"123456789\")", crc32((const uint8_t *)check_str, 9), 0xcbf43926u, 8);
  bad += check("adler32(\"123456789\")", adler32((const uint8_t *)check_str, 9), 0x091e01deu, 8);
  bad += check("fnv1a64(\"\")", fnv1a64((const uint8_t *)"", 0), 0xcbf29ce484222325ull, 16);
  bad += check("fnv1a64(\"a\")", fnv1a64((const uint8_t *)"a", 1), 0xaf63dc4c8601ec8cull, 16);

  rt_puts("checksum: 64 KiB of xorshift64* output\n");
  for (size_t i = 0; i < sizeof buf; i += 8) {
    uint64_t v = xorshift64star();
    memcpy(&buf[i], &v, 8);
  }
  rt_puts("crc32 = 0x");
  rt_put_hex(crc32(buf, sizeof buf), 8);
  rt_puts("\nadler32 = 0x");
  rt_put_hex(adler32(buf, sizeof buf), 8);
  rt_puts("\nfnv1a64 = 0x");
  rt_put_hex(fnv1a64(buf, sizeof buf), 16);
  rt_puts("\nlast rng = ");
  rt_put_u64(xorshift64star());
  rt_puts("\n");
  /* the same data, checksummed in unaligned pieces, must give the same CRC */
  uint32_t whole = crc32(buf + 3, sizeof buf - 7);
  uint32_t c = 0xffffffffu;
  const uint8_t *p = buf + 3;
  size_t left = sizeof buf - 7;
  while (left) {
    size_t k = left < 13 ? left : 13;
    for (size_t i = 0; i < k; i++) c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    p += k;
    left -= k;
  }
  bad += check("crc32 piecewise", c ^ 0xffffffffu, whole, 8);
  rt_puts(bad ? "checksum: FAIL\n" : "checksum: PASS\n");
  return bad;
}

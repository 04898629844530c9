/* Shared start and end for the benchmark loops: hart 0 runs BODY ITER times, then writes the
 * finisher's pass value; other harts park. INSNS_PER_ITER is what each iteration retires. */
#define FINISHER 0x100000
#define BENCH_START \
  .section .text.init; .globl _start; _start: \
  bnez a0, park; \
  li s11, ITER;
#define BENCH_END \
  li t0, FINISHER; li t1, 0x5555; sw t1, 0(t0); \
park: wfi; j park;

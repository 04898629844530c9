/**
 * @fileoverview When a hart's queued hot blocks are compiled, as one batch (one module): a module
 * costs about 100 µs on this host however small, a function in it only a few more.
 *
 * Compiling in place (no compile pool: a core per hart and none to spare) stalls the hart for the
 * whole batch, so batches stay small and prompt: 64 blocks, or 2 ms after the first was queued.
 *
 * With a compile pool the hart goes on interpreting while a batch compiles elsewhere, and what a
 * batch costs the hart is only its wait. There, blocks that loop to their own start (hot loops,
 * which run many times faster compiled) still go within 2 ms, but straight-line blocks (warm kernel
 * paths, which reach their threshold a few at a time) gather for up to 30 ms, or 512 blocks. Fewer,
 * larger modules, with more of a page's blocks in one translation unit, made a Linux guest's
 * fork+exit+wait 6-15% faster at one hart in paired rounds and left its boot and an awk loop as
 * they were (bench/reports/kernel-speed.txt, session 7); in place, the same rule made a 2-hart
 * boot 3% slower, so there it is not used.
 */

/** Batches compiled in place: this many blocks, or this long after the first was queued. */
export const BATCH_BLOCKS = 64;
export const BATCH_WAIT_MS = 2;
/** Batches for a compile pool: this many blocks, or this long after the first straight-line block. */
export const POOL_BATCH_BLOCKS = 512;
export const POOL_STRAIGHT_LINE_WAIT_MS = 30;
/** With a pool, a queued loop block sends the batch this long after it was queued. */
export const POOL_LOOP_WAIT_MS = 2;

/**
 * Whether the queued blocks should be compiled now: `blocks` wait, the first queued at
 * `firstQueuedAt` (performance.now()), the first that loops to its own start at `firstLoopQueuedAt`
 * (-1 if none does); `pool` says whether a compile pool takes the batch. (Plain arguments: the JIT
 * asks on every miss while blocks wait.)
 */
export function batchDue(blocks: number, firstQueuedAt: number, firstLoopQueuedAt: number, now: number, pool: boolean): boolean {
  if (blocks === 0) return false;
  if (!pool) return blocks >= BATCH_BLOCKS || now - firstQueuedAt >= BATCH_WAIT_MS;
  return blocks >= POOL_BATCH_BLOCKS || now - firstQueuedAt >= POOL_STRAIGHT_LINE_WAIT_MS ||
    (firstLoopQueuedAt >= 0 && now - firstLoopQueuedAt >= POOL_LOOP_WAIT_MS);
}

/**
 * The JIT's differential tests run committed random programs (test/fixtures/jit-random), so that the
 * unit project needs no cross compiler. They must be what the generator and the toolchain make from
 * the current generator (test/jit/random-program.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/hartvm-cli.ts';
import { RANDOM_PROGRAMS, buildRandomProgram, randomProgramElf } from '../jit/random-program.ts';

describe('committed random programs of the JIT differential tests', () => {
  it('are what test/jit/write-random-fixtures.ts builds now', () => {
    const stale: string[] = [];
    for (const name of Object.keys(RANDOM_PROGRAMS)) {
      const built = readFileSync(buildRandomProgram(name, path.join(ROOT, 'build', 'jit-random-check')));
      if (!Buffer.from(randomProgramElf(name)).equals(built)) stale.push(name);
    }
    expect(stale, 'run npx tsx test/jit/write-random-fixtures.ts').toEqual([]);
  });
});

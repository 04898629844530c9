/**
 * Rebuilds the committed random programs of the JIT's differential tests (test/fixtures/jit-random)
 * with the cross compiler: `npx tsx test/jit/write-random-fixtures.ts`.
 */
import { FIXTURE_DIR, RANDOM_PROGRAMS, buildRandomProgram } from './random-program.ts';

for (const name of Object.keys(RANDOM_PROGRAMS)) buildRandomProgram(name, FIXTURE_DIR);
console.log(`${Object.keys(RANDOM_PROGRAMS).length} programs in ${FIXTURE_DIR}`);

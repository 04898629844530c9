/**
 * The interpreter's warm-up programs ship packed in src/cpu/warm-up.bin, so that running hartvm needs
 * no cross compiler. The packed file must be what scripts/build-warm-up.mjs makes from the current
 * test programs (built by this project's global setup), with the programs in the listed order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { warmUpInterpreter } from '../../src/cpu/warm-up.ts';
// @ts-expect-error plain ESM script without type declarations
import { WARM_UP_FILE, WARM_UP_PROGRAMS, packWarmUp } from '../../scripts/build-warm-up.mjs';

describe('packed warm-up programs', () => {
  it('hold the listed programs in order', () => {
    expect(warmUpInterpreter().programs.map((p) => p.name)).toEqual(WARM_UP_PROGRAMS);
  });

  it('are what scripts/build-warm-up.mjs packs from test/guest', () => {
    expect(readFileSync(WARM_UP_FILE).equals(packWarmUp()), 'run node scripts/build-warm-up.mjs').toBe(true);
  });
});

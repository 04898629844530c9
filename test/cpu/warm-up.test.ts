/**
 * The interpreter's warm-up (src/cpu/warm-up.ts): its training programs must really run through
 * (a program that faults at once would warm up nothing), and the packed file must be what
 * scripts/build-warm-up.mjs makes from the current test programs (the global setup builds them).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { warmUpInterpreter } from '../../src/cpu/warm-up.ts';
// @ts-expect-error plain ESM script without type declarations
import { WARM_UP_FILE, WARM_UP_PROGRAMS, packWarmUp } from '../../scripts/build-warm-up.mjs';

describe('interpreter warm-up', () => {
  it('runs every training program to its pass on the scratch hart', () => {
    const report = warmUpInterpreter();
    expect(report.programs.map((p) => p.name)).toEqual(WARM_UP_PROGRAMS);
    for (const p of report.programs) {
      expect(p.passed, `${p.name} did not pass (${p.instructions} instructions)`).toBe(true);
      expect(p.instructions).toBeGreaterThan(500);
    }
  });

  it('ships the programs as scripts/build-warm-up.mjs packs them from test/guest', () => {
    expect(readFileSync(WARM_UP_FILE).equals(packWarmUp()), 'run node scripts/build-warm-up.mjs').toBe(true);
  });
});

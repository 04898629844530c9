/**
 * The interpreter's warm-up (src/cpu/warm-up.ts): its training programs, as shipped packed in
 * src/cpu/warm-up.bin, must really run through (a program that faults at once would warm up nothing).
 * That the packed file matches the current test programs is checked in test/guest-build/.
 */
import { describe, expect, it } from 'vitest';
import { warmUpInterpreter } from '../../src/cpu/warm-up.ts';

describe('interpreter warm-up', () => {
  it('runs every training program to its pass on the scratch hart', () => {
    const report = warmUpInterpreter();
    expect(report.programs.length).toBeGreaterThanOrEqual(10);
    for (const p of report.programs) {
      expect(p.passed, `${p.name} did not pass (${p.instructions} instructions)`).toBe(true);
      expect(p.instructions).toBeGreaterThan(500);
    }
  });
});

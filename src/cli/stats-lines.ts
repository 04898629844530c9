/**
 * @fileoverview What `--stats` prints at exit, per hart: instructions and MIPS; where the vCPU's
 * time went by run-loop state (these add up to its run time); how its scheduling went (halt polls,
 * pause-loop exits, run-token hand-overs) and its IPIs; and the JIT's figures when it ran.
 */

import type { HartStats } from '../machine/machine.ts';

export function statsLines(stats: HartStats[]): string[] {
  const lines: string[] = [];
  const s = (ms: number): string => (ms / 1000).toFixed(3);
  for (const h of stats) {
    const mips = h.micros > 0 ? h.instret / h.micros : 0;
    lines.push(`hart ${h.hart}: ${h.instret} instructions in ${(h.micros / 1e6).toFixed(3)} s, ${mips.toFixed(1)} MIPS`);
    const a = h.accounting;
    lines.push(`hart ${h.hart}: time: running ${s(a.runningMs)} s, waiting for a host CPU (steal) ${s(a.stealMs)} s, ` +
      `halted ${s(a.haltedMs)} s, yielding ${s(a.yieldingMs)} s, stopped ${s(a.stoppedMs)} s, other ${s(a.otherMs)} s`);
    lines.push(`hart ${h.hart}: scheduling: halt polls ${a.haltPollHits} caught, ${a.haltPollMisses} then slept, ` +
      `${a.haltPollSkips} skipped, ${a.shortHalts} short halts handed over; pause-loop exits ${a.pleExits}: ${a.directedYields} directed yields, ${a.pleSleeps} sleeps; ` +
      `${a.timesliceExpiries} timeslice expiries; IPIs ${a.ipisSent} sent, ${a.ipisReceived} received`);
    if (h.jit !== undefined) {
      const share = h.instret > 0 ? (100 * h.jit.instret) / h.instret : 0;
      const j = h.jit;
      const perSecond = h.micros > 0 ? (j.interpreterRuns * 1e6) / h.micros : 0;
      lines.push(`hart ${h.hart}: jit: ${j.blocks} blocks in ${j.units} units (up to ${j.largestUnit} blocks) ` +
        `in ${j.modules} modules, compiled in ${j.offThreadMs.toFixed(1)} ms on the pool and ${j.compileMs.toFixed(1)} ms here; ` +
        `${share.toFixed(1)}% of instructions ran translated, ${j.interpreterRuns} moves to the interpreter (${Math.round(perSecond)}/s), ${j.trapsInCompiledCode} exceptions entered in compiled code; ` +
        `${j.invalidated} blocks invalidated, ${j.flushes} cache flushes`);
    }
  }
  return lines;
}

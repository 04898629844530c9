/**
 * @fileoverview One `hartvm batch` job, run on a pool thread: a fresh single-hart VM for one program.
 * Guest output is dropped; only the outcome comes back.
 */

import { runMachine } from '../machine/machine.ts';

import { StopReason } from '../memory/layout.ts';
import { parseBios } from '../machine/config.ts';

export interface BatchJob {
  file: string;
  bios: string;
  memoryBytes: number;
  timeoutSeconds?: number;
  jit: boolean;
  /** The optional ISA extensions (--cpu). */
  extensions: number;
}

export interface BatchJobResult {
  passed: boolean;
  /** The exit status `hartvm run` would give for this program. */
  status: number;
  message?: string;
}

export async function runBatchJob(job: BatchJob): Promise<BatchJobResult> {
  try {
    const result = await runMachine({
      kernel: job.file,
      bios: parseBios(job.bios),
      memoryBytes: job.memoryBytes,
      harts: 1,
      timeoutSeconds: job.timeoutSeconds,
      trace: false,
      jit: job.jit,
      extensions: job.extensions,
    }, { output: () => {} });
    const status = result.reason === StopReason.Timeout ? 124 : result.exitCode;
    return { passed: result.reason === StopReason.Pass, status, message: result.message };
  } catch (err) {
    return { passed: false, status: 2, message: (err as Error).message };
  }
}

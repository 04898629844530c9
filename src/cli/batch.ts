/**
 * @fileoverview `hartvm batch`: many guest programs, each in a fresh single-hart VM, run N at a time on
 * a piscina pool. Results print in the order the files were given, whatever order they finish in,
 * so the output is the same on every run.
 */

import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from './cli-io.ts';
import type { BatchJob, BatchJobResult } from './batch-job.ts';

export interface BatchOptions {
  files: string[];
  bios: string;
  memoryBytes: number;
  timeoutSeconds?: number;
  jit: boolean;
  /** The optional ISA extensions (--cpu). */
  extensions: number;
  jobs: number;
}

const JOB_WORKER = fileURLToPath(new URL('../../workers/batch-job.worker.mjs', import.meta.url));

export async function runBatch(options: BatchOptions, io: CliIo): Promise<number> {
  // Loaded here, not with the CLI: it takes some 45 ms, which `hartvm run` would pay for nothing.
  const { Piscina } = await import('piscina');
  const pool = new Piscina({
    filename: JOB_WORKER,
    minThreads: Math.min(options.jobs, options.files.length),
    maxThreads: options.jobs,
  });
  const results: (BatchJobResult | undefined)[] = new Array(options.files.length);
  let printed = 0;
  const printReady = (): void => {
    while (printed < results.length && results[printed] !== undefined) {
      const r = results[printed]!;
      const name = basename(options.files[printed]);
      io.stdout(r.passed ? `PASS ${name}\n` : `FAIL ${name} ${r.status}${r.message ? ` (${r.message})` : ''}\n`);
      printed++;
    }
  };
  try {
    await Promise.all(options.files.map(async (file, i) => {
      const job: BatchJob = {
        file, bios: options.bios, memoryBytes: options.memoryBytes, timeoutSeconds: options.timeoutSeconds, jit: options.jit,
        extensions: options.extensions,
      };
      results[i] = await pool.run(job) as BatchJobResult;
      printReady();
    }));
  } finally {
    await pool.destroy();
  }
  const passed = results.filter((r) => r!.passed).length;
  io.stdout(`${passed} passed, ${results.length - passed} failed\n`);
  return passed === results.length ? 0 : 1;
}

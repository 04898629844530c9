/**
 * @fileoverview `hartvm dtb`: writes the device tree a machine of the given shape would hand its
 * guest, to a file or to stdout ('-'), for inspection with `dtc -I dtb -O dts` or for another VMM.
 */

import { writeFile } from 'node:fs/promises';
import { buildMachineDtb } from '../fdt/machine-dt.ts';

import { FdtError } from '../fdt/writer.ts';

export interface DtbCommandOptions {
  harts: number;
  memoryBytes: number;
  bootargs?: string;
  /** The optional ISA extensions (--cpu); all when not given. */
  extensions?: number;
  /** A file path, or '-' for stdout. */
  output: string;
}

export interface DtbCommandIo {
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
}

/** Exit status for bad input, as everywhere in the CLI. */
const EXIT_USAGE = 2;

/** Returns 0 once the blob is written, 2 (with a message) if the options or the output are unusable. */
export async function runDtbCommand(opts: DtbCommandOptions, io: DtbCommandIo): Promise<number> {
  let blob: Uint8Array;
  try {
    blob = buildMachineDtb({
      harts: opts.harts,
      memoryBytes: opts.memoryBytes,
      bootargs: opts.bootargs,
      extensions: opts.extensions,
    });
  } catch (err) {
    if (!(err instanceof FdtError)) throw err;
    io.stderr(`hartvm: ${err.message}\n`);
    return EXIT_USAGE;
  }
  if (opts.output === '-') {
    io.stdout(blob);
    return 0;
  }
  try {
    await writeFile(opts.output, blob);
  } catch (err) {
    io.stderr(`hartvm: cannot write the device tree to ${opts.output}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  return 0;
}

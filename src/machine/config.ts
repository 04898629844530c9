/**
 * @fileoverview MachineConfig: everything needed to build a VM, validated in one place so the CLI and
 * programs embedding hartvm get the same checks, with every problem reported at once.
 */

import { MAX_HARTS } from '../memory/layout.ts';
import type { DriveSpec } from './drive-spec.ts';
import type { PleConfig } from '../vcpu/pause-loop.ts';

export type { PleConfig };

export type BiosChoice = { kind: 'builtin' } | { kind: 'none' } | { kind: 'file'; path: string };

/** --bios as a user writes it: `builtin`, `none`, or the path of an M-mode firmware file. */
export function parseBios(text: string): BiosChoice {
  if (text === 'builtin') return { kind: 'builtin' };
  if (text === 'none') return { kind: 'none' };
  return { kind: 'file', path: text };
}

export interface MachineConfig {
  /** The guest program: an ELF or a raw binary. */
  kernel: string;
  bios: BiosChoice;
  /** Guest RAM in bytes. */
  memoryBytes: number;
  harts: number;
  /** Stop the guest after this many seconds (exit status 124); undefined = never. */
  timeoutSeconds?: number;
  /** Print each instruction's address to stderr (slow). */
  trace: boolean;
  /** Kernel command line (device tree /chosen/bootargs). */
  append?: string;
  /** An initial ramdisk for the kernel (device tree /chosen linux,initrd-start/end). */
  initrd?: string;
  /** Disk images, each a virtio-blk device in the next virtio-mmio slot. */
  drives?: DriveSpec[];
  /**
   * Host CPUs the vCPUs may use at once (--host-cpus): the number of run tokens; the host's
   * available parallelism when not given.
   */
  hostCpus?: number;
  /** How long a vCPU keeps its run token while another waits for one (--timeslice, ms); DEFAULT_TIMESLICE_MS. */
  timesliceMs?: number;
  /** Pause-loop exiting; defaults to DEFAULT_PLE. */
  ple?: PleConfig;
  /** Translate hot guest code to WebAssembly (--jit on); defaults to DEFAULT_JIT. */
  jit?: boolean;
  /**
   * The optional ISA extensions the harts implement (--cpu; memory/extensions.ts Ext bits);
   * ALL_EXTENSIONS when not given.
   */
  extensions?: number;
}

export const DEFAULT_JIT = true;

/**
 * 30 ms, the default of Xen's credit scheduler. A vCPU preempted inside a queued lock (Linux's ticket
 * and MCS spinlocks) stalls the lock until it runs again, and vCPUs that halt give their token back
 * anyway, so fewer forced hand-overs are worth more than a short wait for a queued vCPU. Measured
 * with Linux locktorture on 2 host CPUs (M writes/s, --ple off): at 4 vCPUs 0.07-0.11 with 3 ms
 * slices, 0.22-0.41 with 30 ms; at 8 vCPUs 0.014 and 0.05-0.12; at 2 vCPUs no change. The price: a
 * queued vCPU waits up to a timeslice for each vCPU ahead of it, and its timer interrupts and IPIs
 * with it (a remote fence never waits for it: the hart honours the flush request when it next runs).
 */
export const DEFAULT_TIMESLICE_MS = 30;

export const DEFAULT_PLE: PleConfig = { enabled: true, spins: 1000, yield: 'directed', sleepMicros: 100 };

export class ConfigError extends Error {
  readonly kind = 'config';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Throws a ConfigError listing every problem; returns the config when it can be built. */
export function validateConfig(config: MachineConfig): MachineConfig {
  const problems: string[] = [];
  if (!Number.isInteger(config.harts) || config.harts < 1 || config.harts > MAX_HARTS) {
    problems.push(`--smp ${config.harts}: the number of harts must be a whole number from 1 to ${MAX_HARTS}`);
  }
  if (config.timeoutSeconds !== undefined && !(config.timeoutSeconds > 0 && Number.isFinite(config.timeoutSeconds))) {
    problems.push(`--timeout ${config.timeoutSeconds}: the timeout must be a positive number of seconds`);
  }
  if (config.hostCpus !== undefined && !(Number.isInteger(config.hostCpus) && config.hostCpus >= 1 && config.hostCpus <= MAX_HARTS)) {
    problems.push(`--host-cpus ${config.hostCpus}: must be a whole number from 1 to ${MAX_HARTS}`);
  }
  if (config.timesliceMs !== undefined && !(config.timesliceMs >= 0.1 && config.timesliceMs <= 1000)) {
    problems.push(`--timeslice ${config.timesliceMs}: must be from 0.1 to 1000 milliseconds`);
  }
  const ple = config.ple ?? DEFAULT_PLE;
  if (!Number.isInteger(ple.spins) || ple.spins < 1) problems.push(`--ple-spins ${ple.spins}: must be a whole number of at least 1`);
  if (ple.yield !== 'directed' && ple.yield !== 'sleep') problems.push(`--ple-yield ${String(ple.yield)}: must be directed or sleep`);
  if (!(ple.sleepMicros >= 0 && ple.sleepMicros <= 1_000_000)) problems.push(`--ple-sleep-us ${ple.sleepMicros}: must be from 0 to 1000000`);
  if (config.kernel === '') problems.push('no kernel given: name a program with --kernel FILE or as the first argument');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

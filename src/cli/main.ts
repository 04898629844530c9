/**
 * @fileoverview The hartvm command line: parses arguments with yargs into a MachineConfig and hands it
 * to the machine; returns the exit status (0 pass, the guest's failure code, 2 bad usage or input,
 * 124 timeout) for the bin to set. No emulation logic lives here.
 */

import yargs, { type Arguments, type Argv, type Options } from 'yargs';
import { startMachine, type MachineHandle, type MachineThreads } from '../machine/machine.ts';
import { HostConsole } from './host-console.ts';
import { parseDriveSpec, type DriveSpec } from '../machine/drive-spec.ts';
import { CPU_MODEL, parseCpuSpec } from '../machine/cpu-spec.ts';
import { ConfigError, DEFAULT_JIT, DEFAULT_PLE, DEFAULT_TIMESLICE_MS, parseBios, type MachineConfig } from '../machine/config.ts';
import { parseMemorySize } from '../memory/size.ts';
import { LoaderError } from '../loader/errors.ts';
import { MAX_HARTS, StopReason } from '../memory/layout.ts';
import { runBatch } from './batch.ts';
import type { CliIo } from './cli-io.ts';
import { statsLines } from './stats-lines.ts';

export type { CliIo };
import { runDtbCommand } from './dtb.ts';

export const EXIT_USAGE = 2;
export const EXIT_TIMEOUT = 124;

class UsageError extends Error {}

/** Options shared by `run` and `batch`, declared as data. */
/** --jit's default: HARTVM_JIT (on or off) when set, so a whole test suite can run either way. */
function jitDefault(): 'on' | 'off' {
  const env = process.env.HARTVM_JIT;
  if (env === 'on' || env === 'off') return env;
  if (env !== undefined && env !== '') throw new UsageError(`HARTVM_JIT=${env}: must be on or off`);
  return DEFAULT_JIT ? 'on' : 'off';
}

const machineOptions = {
  bios: { type: 'string', default: 'builtin', describe: 'Firmware: builtin (the VMM is the SBI), none (bare metal in M-mode at the ELF entry), or an M-mode firmware FILE' },
  memory: { alias: 'm', type: 'string', default: '128M', describe: 'Guest RAM size, with K/M/G suffix' },
  timeout: { type: 'number', describe: 'Stop the guest after SECONDS (exit status 124)' },
  cpu: { type: 'string', default: CPU_MODEL, describe: 'CPU model and extension switches, as QEMU spells them: rv64[,EXT=on|off...] (every optional extension is on by default; e.g. rv64,zba=off,zbb=off)' },
  jit: {
    choices: ['on', 'off'],
    describe: 'Translate hot guest code to WebAssembly (off: interpret everything) [default: on, or HARTVM_JIT when set]',
  },
} as const;

const runOptions = {
  ...machineOptions,
  kernel: { type: 'string', describe: 'Guest program: an ELF or a raw binary, given as --kernel FILE or as the first argument' },
  smp: { type: 'number', default: 1, describe: 'Number of harts (vCPUs), each on its own worker thread' },
  stats: { type: 'boolean', default: false, describe: 'Print instructions retired and MIPS per hart at exit' },
  trace: { type: 'boolean', default: false, describe: 'Print every instruction address to stderr (very slow)' },
  verbose: { type: 'boolean', default: false, describe: 'Say what loading did that QEMU does silently, such as the parts of an ELF outside RAM it left out' },
  append: { type: 'string', describe: 'Kernel command line (device tree bootargs)' },
  initrd: { type: 'string', describe: 'Initial ramdisk FILE for the kernel (a cpio archive)' },
  drive: { type: 'string', describe: 'A disk for the guest, as virtio-blk: file=IMG[,readonly=on] (repeatable)' },
  'host-cpus': { type: 'number', describe: 'Host CPUs the vCPUs may use at once: at most this many execute guest code at any moment (default: all the host has)' },
  timeslice: { type: 'number', default: DEFAULT_TIMESLICE_MS, describe: 'Milliseconds a vCPU keeps its host CPU while another vCPU waits for one' },
  ple: { choices: ['on', 'off'], default: 'on', describe: 'Pause-loop exiting: spinning vCPUs (PAUSE, tight loops on unchanged values) leave guest code' },
  'ple-spins': { type: 'number', default: DEFAULT_PLE.spins, describe: 'Iterations of a tight spin loop before a vCPU pause-loop exits' },
  'ple-yield': { choices: ['directed', 'sleep'], default: DEFAULT_PLE.yield, describe: 'What a pause-loop exit does while a vCPU waits for a host CPU: hand it to that vCPU (directed) or give it away for --ple-sleep-us (sleep)' },
  'ple-sleep-us': { type: 'number', default: DEFAULT_PLE.sleepMicros, describe: 'How long a pause-loop exit gives the host CPU away with --ple-yield sleep (microseconds) unless woken' },
} as const;

function memoryOf(text: string): number {
  try {
    return parseMemorySize(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function extensionsOf(text: string): number {
  try {
    return parseCpuSpec(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function driveOf(text: string): DriveSpec {
  try {
    return parseDriveSpec(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A command: its options and how it is shown, then what it does with its arguments. */
interface Command {
  usage: string;
  describe: string;
  options: Record<string, Options>;
  examples: [string, string][];
  /** Checks the positional arguments (yargs' `_`) and runs; returns the exit status. */
  action(args: Arguments, positionals: string[]): Promise<number>;
}

const usageError = (text: string): UsageError => new UsageError(text);

/** `started`: threads the caller started ahead (bin/hartvm.mjs starts hart 0's while this loads). */
export async function main(argv: string[], io: CliIo, started: MachineThreads = {}): Promise<number> {
  const commands: Record<string, Command> = {
    run: {
      usage: '$0 run [kernel] [options]\n\nBoot a guest program: an ELF or a raw binary, given as the argument or as --kernel FILE.',
      describe: 'Boot a guest program',
      options: runOptions,
      examples: [
        ['$0 run --bios none prog.elf', 'Run a bare-metal program in M-mode'],
        ['$0 run --bios none --timeout 10 --stats prog.elf', 'Stop after 10 s; print MIPS'],
      ],
      action: (args, positionals) => {
        const given = [...positionals, ...(args.kernel !== undefined ? [String(args.kernel)] : [])];
        if (given.length > 1) throw usageError(`one guest program at a time (got ${given.join(', ')})`);
        const config: MachineConfig = {
          kernel: given[0] ?? '',
          bios: parseBios(args.bios as string),
          memoryBytes: memoryOf(args.memory as string),
          harts: args.smp as number,
          timeoutSeconds: args.timeout as number | undefined,
          trace: args.trace as boolean,
          append: args.append as string | undefined,
          initrd: args.initrd as string | undefined,
          // A repeated --drive arrives as an array, a single one as a string.
          drives: ([] as string[]).concat((args.drive as string | string[] | undefined) ?? []).map((d) => driveOf(d)),
          hostCpus: args['host-cpus'] as number | undefined,
          timesliceMs: args.timeslice as number,
          ple: {
            enabled: args.ple === 'on', spins: args['ple-spins'] as number,
            yield: args['ple-yield'] as 'directed' | 'sleep', sleepMicros: args['ple-sleep-us'] as number,
          },
          jit: ((args.jit as string | undefined) ?? jitDefault()) === 'on',
          extensions: extensionsOf(args.cpu as string),
        };
        return runOne(config, { stats: args.stats as boolean, verbose: args.verbose as boolean }, io, started);
      },
    },
    batch: {
      usage: '$0 batch <files..> [options]\n\nRun many programs, each in its own fresh single-hart VM, on a pool.',
      describe: 'Run many programs, each in its own fresh single-hart VM, on a pool',
      options: { ...machineOptions, jobs: { alias: 'j', type: 'number', default: 2, describe: 'VMs run at once' } },
      examples: [['$0 batch --bios none --jobs 2 tests/*.elf', 'Print PASS/FAIL per program and a summary']],
      action: (args, positionals) => {
        if (positionals.length === 0) throw usageError('name at least one guest program to run');
        const jobs = args.jobs as number;
        if (!Number.isInteger(jobs) || jobs < 1) throw usageError(`--jobs ${jobs}: must be a whole number of at least 1`);
        return runBatch({
          files: positionals,
          bios: args.bios as string,
          memoryBytes: memoryOf(args.memory as string),
          timeoutSeconds: args.timeout as number | undefined,
          jit: ((args.jit as string | undefined) ?? jitDefault()) === 'on',
          extensions: extensionsOf(args.cpu as string),
          jobs,
        }, io);
      },
    },
    dtb: {
      usage: '$0 dtb [options]\n\nWrite the device tree a machine would give its guest.',
      describe: 'Write the device tree a machine would give its guest',
      options: {
        smp: { type: 'number', default: 1, describe: 'Number of harts' },
        memory: machineOptions.memory,
        cpu: machineOptions.cpu,
        append: { type: 'string', describe: 'Kernel command line (bootargs)' },
        output: { alias: 'o', type: 'string', demandOption: true, describe: "Output file ('-' for stdout)" },
      },
      examples: [['$0 dtb --smp 4 -o virt.dtb && dtc -I dtb -O dts virt.dtb', 'Inspect the generated tree']],
      action: (args, positionals) => {
        if (positionals.length > 0) throw usageError(`dtb takes no arguments (got ${positionals.join(', ')})`);
        const harts = args.smp as number;
        if (!Number.isInteger(harts) || harts < 1 || harts > MAX_HARTS) {
          throw usageError(`--smp ${harts}: the number of harts must be a whole number from 1 to ${MAX_HARTS}`);
        }
        return runDtbCommand({
          harts, memoryBytes: memoryOf(args.memory as string), bootargs: args.append as string | undefined,
          extensions: extensionsOf(args.cpu as string),
          output: args.output as string,
        }, io);
      },
    },
  };

  // Each command has a parser of its own rather than being a yargs command: yargs lays out a
  // command's whole help text whenever it runs one, and that took some 40 ms of every start.
  const wantsHelp = argv.some((a) => a === '--help' || a === '-h');
  const parser = (args: string[]): Argv => yargs(args)
    .scriptName('hartvm')
    .strictOptions()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(wantsHelp ? Math.min(110, process.stdout.columns ?? 110) : null)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    const command = commands[argv[0]];
    if (command === undefined) {
      // No command: only --help, --version, or a usage error.
      let top = parser(argv).usage('$0 <command> [options]\n\nA RISC-V (RV64) virtual machine: one worker thread per guest hart.');
      for (const [name, c] of Object.entries(commands)) top = top.command(name, c.describe);
      const args = await top.demandCommand(1, 'Name a command: run, batch or dtb').strict().parseAsync();
      if (args.help || args.version) return 0;
      throw usageError(`unknown command ${String(args._[0])}: name run, batch or dtb`);
    }
    let p = parser(argv.slice(1)).usage(command.usage).options(command.options);
    for (const [example, what] of command.examples) p = p.example(example, what);
    const args = await p.parseAsync();
    if (args.help || args.version) return 0;
    return await command.action(args, args._.map(String));
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof LoaderError ||
        (err as Error).name === 'YError') {
      io.stderr(`hartvm: ${(err as Error).message}\n`);
      if (err instanceof UsageError || (err as Error).name === 'YError') io.stderr('Run hartvm --help for usage.\n');
      return EXIT_USAGE;
    }
    throw err;
  }
}

async function runOne(config: MachineConfig, report: { stats: boolean; verbose: boolean }, io: CliIo, started: MachineThreads): Promise<number> {
  let machine: MachineHandle | undefined;
  let quit = false;
  const console = io.stdin ? new HostConsole(io.stdin, (text) => io.stderr(text), () => { quit = true; machine?.stop(); }) : undefined;
  let result;
  try {
    for (;;) {
      // Threads started ahead serve the first boot only.
      machine = startMachine(config, { output: (bytes) => io.stdout(bytes), input: console?.guestInput }, result === undefined ? started : {});
      if (report.verbose && result === undefined) for (const note of machine.bootNotes) io.stderr(`hartvm: ${note}\n`);
      result = await machine.finished;
      // A guest reset (SBI SRST reboot, finisher 0x7777) starts the machine afresh, as QEMU's
      // system reset does; --timeout, if any, applies to each boot.
      if (result.reason !== StopReason.Reset || quit) break;
      io.stderr('hartvm: guest reset: rebooting\n');
    }
  } finally {
    console?.close();
  }
  if (result.message !== undefined && result.reason !== StopReason.Fail) io.stderr(`hartvm: ${result.message}\n`);
  if (report.stats) for (const line of statsLines(result.stats)) io.stderr(`${line}\n`);
  return result.reason === StopReason.Timeout ? EXIT_TIMEOUT : result.exitCode;
}

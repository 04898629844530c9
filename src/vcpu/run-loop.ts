/**
 * @fileoverview A vCPU's run loop: an explicit state machine (vcpu-state.ts). Running executes guest
 * code (the JIT's loop or the interpreter) and hands every exit to handleExit (exit-handler.ts) for
 * the next state; the other states wait: Halted in WFI until an interrupt may be pending (after halt
 * polling), Yielding for a pause-loop exit's moment, Stopped until SBI HSM hart_start. Waiting is
 * Atomics.wait on the hart's wake word, bounded by its next timer deadline, so an idle vCPU costs no
 * host CPU. The loop lets the worker's event loop in (the control plane) between slices, counts
 * itself in the machine's runnable vCPUs while it wants a core (memory/host-cores.ts), and accounts
 * its time by state (vcpu-accounting.ts).
 */

import { Exit } from '../cpu/exit.ts';
import type { Hart } from '../cpu/hart.ts';
import { interruptWaiting, msUntilTimer } from '../cpu/interrupts.ts';
import { enterSupervisor } from '../cpu/reset.ts';
import type { Jit } from '../jit/jit.ts';
import { runWithJit } from '../jit/run-loop.ts';
import type { HartsControl } from '../memory/harts-control.ts';
import type { HostCores } from '../memory/host-cores.ts';
import { Control, Global, HsmState } from '../memory/layout.ts';
import { handleExit, type ExitActions } from './exit-handler.ts';
import { HaltPoller } from './halt-poll.ts';
import type { SbiContext } from './sbi/context.ts';
import { newAccounting, type VcpuAccounting } from './vcpu-accounting.ts';
import { VcpuState } from './vcpu-state.ts';

/**
 * Short runs first: V8 then optimises the run loop with its exits already seen (a loop optimised
 * before its exit path ever ran can stay up to 30% slower for the whole process).
 */
const WARMUP_RUNS = 64;
const WARMUP_BUDGET = 200;
const BUDGET = 1 << 22;
/** How often a paused vCPU checks for a stop. */
const PAUSED_POLL_MS = 50;
/** How often a running vCPU lets its control plane (comlink) in. */
const CONTROL_POLL_MS = 10;
/**
 * Longest single sleep. Events for a hart (interrupt, start, stop, control-plane call) bump its wake
 * word, and this bound caps how long any wake-up the guest's firmware depends on and that does not
 * (a 1 s bound hung one OpenSBI boot in four at power-off; 50 ms never did) can be missed. Idle harts
 * wake this often, which costs well under 1% of a core.
 */
const MAX_SLEEP_MS = 50;

export interface VcpuParts {
  hart: Hart;
  /** The compiled-code tier, when the JIT is on. */
  jit: Jit | undefined;
  harts: HartsControl;
  /** Who wants a host CPU: decides whether to halt-poll and whether a pause-loop exit yields. */
  cores: HostCores;
  /** The builtin SBI's context, when the machine has it (a non-retentive suspend leaves its resume address there). */
  sbi: SbiContext | undefined;
  /** Log every instruction's address to stderr, one instruction a slice. */
  trace: boolean;
  /** How long a pause-loop exit gives the host CPU away. */
  pleSleepMicros: number;
  /** The hart cannot go on: report it and end the machine. */
  fatal(): void;
}

/** Lets queued control-plane messages run: the run loop is synchronous between these points. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class VcpuRunLoop {
  paused = false;
  /** Time by state, halt polls and pause-loop exits (vcpu-accounting.ts). */
  readonly accounting: VcpuAccounting = newAccounting();
  private resumed: (() => void) | undefined;
  private readonly mem: Int32Array;
  private readonly wakeWord: number;
  private readonly halt = new HaltPoller();
  private readonly actions: ExitActions;
  private runs = 0;
  /** Whether this vCPU counts itself as wanting a host CPU (HostCores). */
  private runnable = false;

  constructor(private readonly parts: VcpuParts) {
    this.mem = parts.hart.mem;
    this.wakeWord = parts.hart.ctl + Control.Wake;
    const id = parts.hart.id;
    this.actions = {
      hartStopped: () => parts.harts.setHsmState(id, HsmState.Stopped),
      fatal: () => parts.fatal(),
    };
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.resumed?.();
  }

  /** Counts this vCPU in or out of the runnable ones, as `state` wants a core or not. */
  private account(state: VcpuState): void {
    this.setRunnable(state === VcpuState.Running || state === VcpuState.Yielding);
  }

  private setRunnable(wants: boolean): void {
    if (wants === this.runnable) return;
    this.runnable = wants;
    if (wants) this.parts.cores.claim();
    else this.parts.cores.release();
  }

  /** Runs from `state` until the machine stops. */
  async run(state: VcpuState): Promise<void> {
    this.account(state);
    try {
      await this.loop(state);
    } finally {
      this.account(VcpuState.Finished);
    }
  }

  private async loop(state: VcpuState): Promise<void> {
    const acct = this.accounting;
    let lastYield = performance.now();
    let mark = lastYield;
    while (state !== VcpuState.Finished) {
      if (this.stopped()) break;
      // Control-plane messages are served between slices, at most every CONTROL_POLL_MS: a turn of the
      // event loop after every WFI wake-up would add its cost to every IPI.
      if (performance.now() - lastYield >= CONTROL_POLL_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      if (this.paused) {
        this.setRunnable(false); // a paused vCPU wants no core
        while (this.paused && !this.stopped()) {
          await new Promise<void>((resolve) => {
            this.resumed = resolve;
            setTimeout(resolve, PAUSED_POLL_MS); // also notice a stop while paused
          });
        }
        this.account(state);
      }
      const started = performance.now();
      acct.otherMs += started - mark;
      switch (state) {
        case VcpuState.Running: state = handleExit(this.execute(), this.actions); acct.runningMs += performance.now() - started; break;
        case VcpuState.Halted: state = this.waitForInterrupt(); acct.haltedMs += performance.now() - started; break;
        case VcpuState.Yielding: state = this.yieldCpu(); acct.yieldingMs += performance.now() - started; break;
        case VcpuState.Stopped: state = this.waitForStart(); acct.stoppedMs += performance.now() - started; break;
      }
      mark = performance.now();
      this.account(state);
    }
  }

  private stopped(): boolean {
    return Atomics.load(this.mem, Global.Stop) !== 0;
  }

  /** Guest code for one slice: compiled code where there is some, else the interpreter. */
  private execute(): Exit {
    const { hart, jit } = this.parts;
    if (this.parts.trace) {
      process.stderr.write(`hart${hart.id} pc=${hart.pc.toString(16)} priv=${hart.priv}\n`);
      return hart.run(1);
    }
    const budget = this.runs < WARMUP_RUNS ? WARMUP_BUDGET : BUDGET;
    this.runs++;
    return jit !== undefined ? runWithJit(hart, jit, budget) : hart.run(budget);
  }

  /**
   * Halted: sleeps until an interrupt is pending and enabled in mie (WFI's wake-up condition, whatever
   * the global enables), the machine stops, or the timer deadline passes. The wake word is read
   * before the last check, so an event in between makes Atomics.wait return at once. It polls first
   * only while a host CPU is free: otherwise the poll would take the core a runnable vCPU waits for.
   */
  private waitForInterrupt(): VcpuState {
    const hart = this.parts.hart;
    const ready = (): boolean => interruptWaiting(hart) || this.stopped();
    const polls = this.halt.open && this.parts.cores.coreFree();
    if (!polls) this.accounting.haltPollSkips++;
    if (polls && this.halt.poll(ready)) {
      this.accounting.haltPollHits++;
    } else {
      if (polls) this.accounting.haltPollMisses++;
      const asleep = performance.now();
      for (;;) {
        const seen = Atomics.load(this.mem, this.wakeWord);
        if (ready()) break;
        Atomics.wait(this.mem, this.wakeWord, seen, Math.min(msUntilTimer(hart), MAX_SLEEP_MS));
      }
      this.halt.slept(performance.now() - asleep);
    }
    const sbi = this.parts.sbi;
    if (sbi?.resume !== undefined) { // a non-retentive suspend resumes at its resume address
      const { addr, opaque } = sbi.resume;
      sbi.resume = undefined;
      enterSupervisor(hart, addr, Number(BigInt.asIntN(32, opaque)), Number(BigInt.asIntN(32, opaque >> 32n)));
    }
    return VcpuState.Running;
  }

  /**
   * Yielding: gives the host CPU to whoever the guest is waiting for (perhaps a vCPU that was
   * descheduled holding a lock), unless an event for this hart ends the sleep sooner. When no vCPU
   * waits for a core there is nobody to give it to: the spinner goes on at once, as KVM's PLE
   * handler does without a candidate, since its lock holder is running on a core of its own.
   */
  private yieldCpu(): VcpuState {
    this.accounting.pleExits++;
    if (!this.parts.cores.contended()) return VcpuState.Running;
    this.accounting.pleSleeps++;
    const seen = Atomics.load(this.mem, this.wakeWord);
    Atomics.wait(this.mem, this.wakeWord, seen, this.parts.pleSleepMicros / 1000);
    return VcpuState.Running;
  }

  /** Stopped (SBI HSM): sleeps until hart_start makes this hart START_PENDING, then enters S-mode where it asks. */
  private waitForStart(): VcpuState {
    const { hart, harts } = this.parts;
    const id = hart.id;
    if (harts.rawHsmState(id) === HsmState.StopPending) harts.setHsmState(id, HsmState.Stopped);
    const seen = Atomics.load(this.mem, this.wakeWord);
    if (harts.rawHsmState(id) !== HsmState.StartPending) {
      Atomics.wait(this.mem, this.wakeWord, seen, MAX_SLEEP_MS);
      return VcpuState.Stopped;
    }
    const ctl = hart.ctl;
    enterSupervisor(hart,
      (this.mem[ctl + Control.StartAddrHi] >>> 0) * 4294967296 + (this.mem[ctl + Control.StartAddrLo] >>> 0),
      this.mem[ctl + Control.StartOpaqueLo], this.mem[ctl + Control.StartOpaqueHi]);
    harts.setHsmState(id, HsmState.Started);
    return VcpuState.Running;
  }
}

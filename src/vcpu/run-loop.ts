/**
 * @fileoverview A vCPU's run loop: an explicit state machine (vcpu-state.ts). Running executes guest
 * code (the JIT's loop or the interpreter) and hands every exit to handleExit (exit-handler.ts) for
 * the next state; the other states wait: Halted in WFI until an interrupt may be pending (after halt
 * polling), Yielding after a pause-loop exit, Stopped until SBI HSM hart_start. Waiting is
 * Atomics.wait on the hart's wake word, bounded by its next timer deadline, so an idle vCPU costs no
 * host CPU.
 *
 * Running needs a run token (memory/run-tokens.ts): the loop takes one before it executes, queuing
 * (and counting the wait as steal time) when none is free; it passes it on when its timeslice is over
 * and another vCPU waits, and gives it back whenever it leaves Running for a wait. A pause-loop exit
 * hands the token to a queued vCPU (directed-yield.ts), or, with --ple-yield sleep, gives it away for
 * a fixed time. The loop lets the worker's event loop in (the control plane) between slices and
 * accounts its time by state (vcpu-accounting.ts).
 */

import { Exit } from '../cpu/exit.ts';
import type { Hart } from '../cpu/hart.ts';
import { interruptWaiting, msUntilTimer } from '../cpu/interrupts.ts';
import { enterSupervisor } from '../cpu/reset.ts';
import type { Jit } from '../jit/jit.ts';
import { runWithJit } from '../jit/run-loop.ts';
import type { HartsControl } from '../memory/harts-control.ts';
import { Control, Global, HsmState, State } from '../memory/layout.ts';
import { TokenHint, clockMicros32, type RunTokens } from '../memory/run-tokens.ts';
import { DirectedYield } from './directed-yield.ts';
import { handleExit, type ExitActions } from './exit-handler.ts';
import { HaltPoller } from './halt-poll.ts';
import type { PleYield } from './pause-loop.ts';
import type { SbiContext } from './sbi/context.ts';
import { newAccounting, type VcpuAccounting } from './vcpu-accounting.ts';
import { VcpuState } from './vcpu-state.ts';

/**
 * Short runs first: V8 then optimises the run loop with its exits already seen (a loop optimised
 * before its exit path ever ran can stay up to 30% slower for the whole process).
 */
const WARMUP_RUNS = 64;
/** Slices interpreted before the JIT is made (VcpuParts.makeJit), within the short warm-up runs. */
const JIT_AFTER_RUNS = WARMUP_RUNS / 2;
const WARMUP_BUDGET = 200;
/**
 * Guest time a running vCPU has before it trains the interpreter (VcpuParts.warmUp). A short guest
 * (a test, a one-loop program) ends before it and never pays the training; a long one pays it once,
 * early. A vCPU that starts HSM-stopped trains at once, while it waits for hart_start.
 */
const WARM_UP_AFTER_MS = 25;
/**
 * Instructions per step while the training is still due: a few milliseconds, so that the step that
 * passes WARM_UP_AFTER_MS ends soon after it. With whole BUDGET steps the training came hundreds of
 * milliseconds late in a Linux boot, after V8 had already dropped and recompiled run() four times.
 */
const BUDGET_BEFORE_WARM_UP = 1 << 16;
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
/**
 * Longest halt (until the timer) that hands the token over and queues instead of sleeping. Queued,
 * the vCPU gets a token back whenever one is passed on, and if its timer is not due yet it halts
 * again: with halts of several ms (a Linux idle vCPU's next tick) and long timeslices, traces showed
 * idle vCPUs passing tokens round every 30 µs. The lock guest's waiters nap for 10 µs.
 */
const SHORT_HALT_MICROS = 1000;
/** How long a vCPU spins, in back-to-back pause-loop exits, before it yields its token. */
const YIELD_AFTER_SPIN_MICROS = 50;
/** How far a long spin widens the pause-loop window (KVM grows its ple_window the same way). */
const PLE_WINDOW_GROWTH = 16;

export interface VcpuParts {
  hart: Hart;
  /**
   * Makes the compiled-code tier, when the JIT is on. Called once the hart has run JIT_AFTER_RUNS
   * slices (a few thousand instructions): setting it up (its function table, lookup table and
   * runtime module) takes some 13 ms, which a short guest never needs and a long one never misses,
   * since no code is hot that soon.
   */
  makeJit: (() => Jit) | undefined;
  harts: HartsControl;
  /** The machine's run tokens: guest code runs only while this vCPU holds one. */
  tokens: RunTokens;
  /** How long a vCPU may keep its token while another waits for one (µs). */
  timesliceMicros: number;
  /** The builtin SBI's context, when the machine has it (a non-retentive suspend leaves its resume address there). */
  sbi: SbiContext | undefined;
  /** Log every instruction's address to stderr, one instruction a slice. */
  trace: boolean;
  /** What a pause-loop exit does with the token: hand it to a queued vCPU, or give it away for a time. */
  pleYield: PleYield;
  /** How long a pause-loop exit gives the token away, with pleYield 'sleep'. */
  pleSleepMicros: number;
  /** The hart cannot go on: report it and end the machine. */
  fatal(): void;
  /** Trains V8 on the interpreter's paths (cpu/warm-up.ts), once, off the guest's start-up path. */
  warmUp?(): void;
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
  /** The compiled-code tier, once made (VcpuParts.makeJit). */
  private jit: Jit | undefined;
  private readonly directed = new DirectedYield();
  /** Whether this vCPU holds a run token (mirrors its Control.Token word, which only it changes from Held). */
  private holding = false;
  /** --ple-spins: the pause-loop window a spin starts with (0 with --ple off). */
  private readonly pleSpins: number;
  /** When the current run of back-to-back pause-loop exits began (performance.now()), or -1. */
  private spinningSince = -1;
  /** Whether this vCPU counts itself among the live ones (RunTokens.setLive). */
  private live = false;
  private warmUpDue: boolean;

  constructor(private readonly parts: VcpuParts) {
    this.mem = parts.hart.mem;
    this.wakeWord = parts.hart.ctl + Control.Wake;
    this.pleSpins = parts.hart.pleSpinLimit;
    this.warmUpDue = parts.warmUp !== undefined;
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

  /** A spin ended: pause-loop exiting's window back to --ple-spins, and its PAUSE count to 0. */
  private resetPleWindow(): void {
    this.parts.hart.pleSpinLimit = this.pleSpins;
    this.parts.hart.state[State.PauseCount] = 0;
  }

  /** Doubles the pause-loop window, up to PLE_WINDOW_GROWTH times --ple-spins. */
  private widenPleWindow(): void {
    const hart = this.parts.hart;
    hart.pleSpinLimit = Math.min(hart.pleSpinLimit * 2, this.pleSpins * PLE_WINDOW_GROWTH);
  }

  /** Runs from `state` until the machine stops. */
  async run(state: VcpuState): Promise<void> {
    try {
      if (state === VcpuState.Running) { // out of reset with the other harts that start running
        const started = performance.now();
        this.parts.harts.startTogether();
        this.accounting.stoppedMs += performance.now() - started;
      }
      await this.loop(state);
    } finally {
      this.releaseToken();
      this.setLive(false);
    }
  }

  /** Counts this vCPU in or out of the live ones: it may run unless HSM-stopped, paused or finished. */
  private setLive(live: boolean): void {
    if (live === this.live) return;
    this.live = live;
    this.parts.tokens.setLive(live);
  }

  /** The TokenHint this vCPU queues with: the privilege it runs at, and whether it was spinning. */
  private hint(spinning: boolean): number {
    return (this.parts.hart.priv & TokenHint.PrivMask) | (spinning ? TokenHint.Spinner : 0);
  }

  /**
   * Takes a run token, queuing and sleeping until one is granted when none is free; the wait is steal
   * time (accounting and the guest's STA record). False when the machine stopped meanwhile.
   */
  private takeToken(spinning: boolean): boolean {
    if (this.holding) return true;
    const { tokens, hart } = this.parts;
    const id = hart.id;
    const queued = performance.now();
    if (!tokens.request(id, this.hint(spinning))) {
      while (!tokens.sleep(id, tokens.preemptExpired(this.parts.timesliceMicros))) {
        if (this.stopped()) {
          tokens.release(id);
          this.accounting.stealMs += performance.now() - queued;
          return false;
        }
      }
      const waited = performance.now() - queued;
      this.accounting.stealMs += waited;
      this.parts.sbi?.stealTime?.addSteal(waited * 1e6);
    }
    this.holding = true;
    return true;
  }

  /** Gives the token back (a halt, a stop, a pause, the end): the next queued vCPU gets it. */
  private releaseToken(): void {
    if (!this.holding) return;
    this.holding = false;
    this.parts.tokens.release(this.parts.hart.id);
  }

  /**
   * Before running on: when another vCPU waits and this one has had its token for a timeslice, it
   * passes the token to the queue's head and queues itself (marked preempted in its STA record).
   */
  private endTimesliceIfDue(): void {
    const { tokens, hart, timesliceMicros } = this.parts;
    if (!this.holding || tokens.waiters() === 0) return;
    if (((clockMicros32() - tokens.heldSince(hart.id)) | 0) < timesliceMicros) return;
    if (!tokens.handOver(hart.id, this.hint(false))) return;
    this.holding = false;
    this.accounting.timesliceExpiries++;
    this.parts.sbi?.stealTime?.setPreempted(true);
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
        this.releaseToken(); // a paused vCPU wants no core
        this.setLive(false);
        while (this.paused && !this.stopped()) {
          await new Promise<void>((resolve) => {
            this.resumed = resolve;
            setTimeout(resolve, PAUSED_POLL_MS); // also notice a stop while paused
          });
        }
      }
      this.setLive(state !== VcpuState.Stopped);
      if (this.warmUpDue && (state === VcpuState.Stopped || acct.runningMs >= WARM_UP_AFTER_MS)) {
        this.warmUpDue = false;
        this.parts.warmUp?.();
      }
      acct.otherMs += performance.now() - mark;
      switch (state) {
        case VcpuState.Running: {
          // Waiting for the token is steal time (takeToken counts it); the rest of the step is running.
          const started = performance.now();
          const steal = acct.stealMs;
          this.endTimesliceIfDue();
          if (this.takeToken(false)) state = handleExit(this.execute(), this.actions);
          if (state !== VcpuState.Yielding && this.spinningSince >= 0) { // the spin is over
            this.spinningSince = -1;
            this.resetPleWindow();
          }
          acct.runningMs += performance.now() - started - (acct.stealMs - steal);
          break;
        }
        case VcpuState.Halted: {
          const started = performance.now();
          state = this.waitForInterrupt();
          acct.haltedMs += performance.now() - started;
          break;
        }
        case VcpuState.Yielding: {
          const started = performance.now();
          state = this.yieldCpu();
          acct.yieldingMs += performance.now() - started;
          break;
        }
        case VcpuState.Stopped: {
          this.releaseToken();
          const started = performance.now();
          state = this.waitForStart();
          acct.stoppedMs += performance.now() - started;
          break;
        }
      }
      mark = performance.now();
    }
  }

  private stopped(): boolean {
    return Atomics.load(this.mem, Global.Stop) !== 0;
  }

  /** Guest code for one slice: compiled code where there is some, else the interpreter. */
  private execute(): Exit {
    const { hart, makeJit } = this.parts;
    if (this.parts.trace) {
      process.stderr.write(`hart${hart.id} pc=${hart.pc.toString(16)} priv=${hart.priv}\n`);
      return hart.run(1);
    }
    const budget = this.runs < WARMUP_RUNS ? WARMUP_BUDGET : this.warmUpDue ? BUDGET_BEFORE_WARM_UP : BUDGET;
    this.runs++;
    if (this.jit === undefined && makeJit !== undefined && this.runs > JIT_AFTER_RUNS) this.jit = makeJit();
    return this.jit !== undefined ? runWithJit(hart, this.jit, budget) : hart.run(budget);
  }

  /**
   * Halted: sleeps until an interrupt is pending and enabled in mie (WFI's wake-up condition, whatever
   * the global enables), the machine stops, or the timer deadline passes. The wake word is read
   * before the last check, so an event in between makes Atomics.wait return at once.
   *
   * It polls first, keeping its token, only while every live vCPU has a host CPU of its own (and so
   * none waits for a token). Under overcommit it sleeps at once: a poll would only be right while no
   * other vCPU wakes, and when one does, its thread waits for the host scheduler to take the core
   * from the poller, which with every core busy takes milliseconds. Measured on the lock guest at 4
   * vCPUs on 2 cores (bench:overcommit): polling whenever no vCPU was queued, 4-9 s; never polling,
   * 1.3 s. The token goes back before the sleep.
   */
  private waitForInterrupt(): VcpuState {
    const { hart, tokens } = this.parts;
    const ready = (): boolean => interruptWaiting(hart) || this.stopped();
    let caught = false;
    if (this.halt.open && tokens.undercommitted() && tokens.waiters() === 0) {
      caught = this.halt.poll(() => ready() || tokens.waiters() !== 0) && ready();
      if (caught) this.accounting.haltPollHits++;
      else this.accounting.haltPollMisses++;
    } else {
      this.accounting.haltPollSkips++;
    }
    const suspended = this.parts.sbi?.resume !== undefined; // resumes only on a real wake-up
    if (!caught && !suspended && this.holding && tokens.waiters() !== 0 &&
        msUntilTimer(hart) * 1000 < Math.min(this.parts.timesliceMicros, SHORT_HALT_MICROS)) {
      // A halt that ends sooner than the queue for a token would let it run: treated as a yield, it
      // costs one sleep (in the queue) instead of two (until the timer, then in the queue).
      if (tokens.handOver(hart.id, this.hint(false))) {
        this.holding = false;
        this.accounting.shortHalts++;
        return this.resumeAfterHalt();
      }
    }
    if (!caught) {
      this.releaseToken();
      const asleep = performance.now();
      for (;;) {
        const seen = Atomics.load(this.mem, this.wakeWord);
        if (ready()) break;
        Atomics.wait(this.mem, this.wakeWord, seen, Math.min(msUntilTimer(hart), MAX_SLEEP_MS));
      }
      this.halt.slept(performance.now() - asleep);
    }
    return this.resumeAfterHalt();
  }

  /** Back to Running after a halt; a non-retentive SBI suspend resumes at its resume address. */
  private resumeAfterHalt(): VcpuState {
    const hart = this.parts.hart;
    const sbi = this.parts.sbi;
    if (sbi?.resume !== undefined) { // a non-retentive suspend resumes at its resume address
      const { addr, opaque } = sbi.resume;
      sbi.resume = undefined;
      enterSupervisor(hart, addr, Number(BigInt.asIntN(32, opaque)), Number(BigInt.asIntN(32, opaque >> 32n)));
    }
    return VcpuState.Running;
  }

  /**
   * Yielding, after a pause-loop exit: the guest spins, waiting for some other vCPU. When no vCPU
   * waits for a token there is nobody to give the core to: the spinner goes on at once, as KVM's PLE
   * handler does without a candidate, since what it waits for runs on a core of its own. Otherwise,
   * directed: the token goes to the queued vCPU directed-yield.ts picks (this one queues behind it);
   * sleep: the token goes back for pleSleepMicros, or until an event for this hart.
   */
  private yieldCpu(): VcpuState {
    const { tokens, hart } = this.parts;
    this.accounting.pleExits++;
    // A spin that has not yet lasted longer than a hand-over costs is more likely to end by itself
    // (its lock holder runs) than by giving the core away. Until then, and whenever nobody waits for
    // a token, the spinner goes on, with a window twice as wide: an exit that leads to nothing
    // costs a trip out of compiled code, and a long spin would otherwise make thousands of them.
    const now = performance.now();
    if (this.spinningSince < 0) this.spinningSince = now;
    if (!this.holding || tokens.waiters() === 0 || (now - this.spinningSince) * 1000 < YIELD_AFTER_SPIN_MICROS) {
      this.widenPleWindow();
      return VcpuState.Running;
    }
    this.spinningSince = -1;
    this.resetPleWindow();
    if (this.parts.pleYield === 'directed') {
      if (tokens.handOver(hart.id, this.hint(true), (queued, hintOf) => this.directed.choose(queued, hintOf))) {
        this.holding = false;
        this.accounting.directedYields++;
      }
      return VcpuState.Running;
    }
    this.accounting.pleSleeps++;
    this.releaseToken();
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
    this.parts.sbi?.stealTime?.reset(); // a started hart sets up its record anew, as after a reset
    enterSupervisor(hart,
      (this.mem[ctl + Control.StartAddrHi] >>> 0) * 4294967296 + (this.mem[ctl + Control.StartAddrLo] >>> 0),
      this.mem[ctl + Control.StartOpaqueLo], this.mem[ctl + Control.StartOpaqueHi]);
    harts.setHsmState(id, HsmState.Started);
    return VcpuState.Running;
  }
}

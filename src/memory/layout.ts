/**
 * @fileoverview The shared memory layout: where the per-hart state blocks, the per-hart control words
 * and guest RAM live inside the one shared WebAssembly.Memory. This file is the bottom floor: it
 * imports nothing from the project, and the interpreter, the JIT, the VMM and tests all read the
 * same offsets from here.
 *
 * Buffer layout (byte offsets into the SharedArrayBuffer):
 *   0x0000_0000  global words (run state, exit code, mtime epoch)          GLOBAL_BYTES
 *   0x0000_1000  hart n state block at STATE_BASE + n * STATE_BYTES         64 harts max
 *   0x0004_1000  hart n control words at CONTROL_BASE + n * CONTROL_BYTES
 *   0x0010_0000  hart n JIT area at JIT_BASE + n * JIT_BYTES: its software TLBs and the JIT's block
 *                lookup table, where both the interpreter and compiled wasm code can reach them
 *   0x00d0_0000  code-page table: two Int32 per 4 KiB page of guest RAM (see code-pages.ts)
 *   0x0150_0000  guest RAM (guest physical RAM_BASE ..)
 */

/** Most harts a machine may have; the header region is sized for this many. */
export const MAX_HARTS = 64;

/** Wasm pages are 64 KiB. */
export const WASM_PAGE = 0x1_0000;

export const GLOBAL_BYTES = 0x1000;
export const STATE_BASE = 0x1000;
export const STATE_BYTES = 0x1000;
export const CONTROL_BASE = STATE_BASE + MAX_HARTS * STATE_BYTES;
export const CONTROL_BYTES = 0x400;
export const JIT_BASE = 0x10_0000;
export const JIT_BYTES = 0x3_0000;
export const CODE_PAGES_BASE = JIT_BASE + MAX_HARTS * JIT_BYTES;
/** Room for two words per page of the largest RAM a wasm32 memory can hold. */
export const CODE_PAGES_BYTES = 0x80_0000;
/** Guest RAM starts here in the buffer: 21 MiB, past every header, page aligned. */
export const RAM_OFFSET = CODE_PAGES_BASE + CODE_PAGES_BYTES;

/** A wasm32 memory holds at most 4 GiB; guest RAM gets what the header leaves. */
export const MAX_RAM_BYTES = 0x1_0000_0000 - RAM_OFFSET;
/** Below this a guest cannot even hold its own page tables; QEMU's virt refuses less than this too. */
export const MIN_RAM_BYTES = 0x10_0000;

/**
 * Global words, as Int32 indexes into the whole buffer. GLOBAL_EPOCH is a Float64 index (byte 8).
 */
export const enum Global {
  /** 0 while running; set to 1 by whoever ends the machine (compareExchange, then notify). */
  Stop = 0,
  /** The machine's exit status once Stop is set. */
  ExitCode = 1,
  /** Float64 index (byte offset 8, words 2-3): host time in ms (timeOrigin + now) at which mtime was 0. */
  EpochF64 = 1,
  /** Why the machine stopped: a StopReason. */
  Reason = 4,
  /** How many harts the machine has (set before any hart starts). */
  Harts = 5,
  /** Run tokens not held by any vCPU (run-tokens.ts). */
  TokensFree = 6,
  /** Run tokens in all, the host CPUs the machine's vCPUs may use at once (--host-cpus), set before any hart starts. */
  HostCpus = 7,
  /**
   * The UART registers a vCPU may serve itself, published by the UART on the main thread after
   * every change (devices/uart-shared.ts): UartShadowBit flags and the LSR value.
   */
  UartShadow = 8,
  /** The UART transmit ring: bytes taken (by the main thread) and bytes put (by vCPUs), as counts. */
  UartTxHead = 9,
  UartTxTail = 10,
  /** Held (1) by a vCPU while it puts a byte in the ring. */
  UartTxLock = 11,
  /** Bumped and notified when a byte goes into an empty ring: the main thread waits on it. */
  UartTxBell = 12,
  /** More of the UART's published registers: IER, IIR and MSR, each with a "read it here" flag. */
  UartShadowRegs = 13,
  /** The run-token table's lock (run-tokens.ts): 0 free, 1 held, 2 held with sleepers. */
  TokenLock = 14,
  /** vCPUs queued for a run token. */
  TokenWaiters = 15,
  /** The next queue ticket: queued vCPUs are served in ticket order (FIFO) unless one is yielded to. */
  TokenTicket = 16,
  /** vCPUs that may run (started under SBI HSM, not paused, not finished): halt polling goes by it. */
  LiveVcpus = 17,
  /** How many harts start running (not HSM-stopped), set before any hart starts: they start together. */
  StartingHarts = 18,
  /** How many of those have checked in (HartsControl.startTogether). */
  StartedHarts = 19,
}

/** The UART transmit ring's bytes: the upper half of the global page. */
export const UART_TX_RING_BASE = 0x800;
export const UART_TX_RING_BYTES = 0x800;

export const enum StopReason {
  None = 0,
  /** The guest reported success (finisher 0x5555, HTIF code 0). */
  Pass = 1,
  /** The guest reported failure with a code (finisher, HTIF). */
  Fail = 2,
  /** The guest asked for a reset (finisher 0x7777); reported, not performed. */
  Reset = 3,
  /** A hart could not continue; its worker reports the message. */
  Fatal = 4,
  /** --timeout expired. */
  Timeout = 5,
  /** The user or the embedding program stopped the machine. */
  Host = 6,
  /** The guest powered off (SBI SRST shutdown, legacy shutdown). */
  Shutdown = 7,
}

/**
 * Ends the machine once: the first caller's reason and code win. Callable from any thread; wakes
 * every hart sleeping on its wake word and the VMM waiting on the stop word.
 */
export function requestStop(mem: Int32Array, harts: number, reason: StopReason, code: number): boolean {
  if (Atomics.compareExchange(mem, Global.Reason, StopReason.None, reason) !== StopReason.None) return false;
  Atomics.store(mem, Global.ExitCode, code);
  Atomics.store(mem, Global.Stop, 1);
  Atomics.notify(mem, Global.Stop);
  for (let h = 0; h < harts; h++) {
    Atomics.add(mem, controlWordBase(h) + Control.Wake, 1);
    Atomics.notify(mem, controlWordBase(h) + Control.Wake);
    Atomics.notify(mem, controlWordBase(h) + Control.MboxState);
    Atomics.notify(mem, controlWordBase(h) + Control.Token);
  }
  return true;
}

/**
 * Per-hart state block, as Int32 indexes relative to the block (add stateWordBase(hart)).
 * 64-bit values are little-endian lo/hi pairs: lo at the even index, hi at the next.
 */
export const enum State {
  /** x0..x31: x[i].lo at 2i, x[i].hi at 2i+1. x0 is kept zero. */
  X = 0,
  /** f0..f31 as raw 64-bit patterns, 2 words each. */
  F = 64,
  /** pc as a lo/hi pair. */
  PcLo = 128,
  PcHi = 129,
  /** Current privilege: 3 = M, 1 = S, 0 = U. */
  Priv = 130,
  /** LR/SC reservation: its size in bytes (0 = none), its buffer offset and the value loaded. */
  ResValid = 131,
  ResAddr = 132,
  ResValLo = 133,
  ResValHi = 134,
  /** Why compiled code last returned to the JIT (cpu/exit.ts Exit). */
  JitExit = 135,
  /** Retired instruction counter (lo/hi), Zicntr instret and the stats. */
  InstretLo = 136,
  InstretHi = 137,
  /**
   * Pause-loop exiting's current window: iterations of a spin loop before it exits (Exit.Yield).
   * Compiled code reads it at each spin check; the run loop widens and narrows it (Hart.pleSpinLimit).
   */
  PleWindow = 138,
  /** PAUSEs executed since the vCPU's last spin ended: a PAUSE loop exits when this reaches PleWindow. */
  PauseCount = 139,
  /**
   * Instructions compiled code has retired in this entry before the block now running (the
   * dispatcher writes it before each block), so that a CSR read of instret or cycle from compiled
   * code can add what the hart's counter does not have yet.
   */
  JitRetired = 140,
  /**
   * Which block of a translation unit the dispatcher enters (its lookup entry has it): a unit holds
   * several blocks in one function (jit/translator.ts translateUnit) and starts at this one.
   */
  JitEntry = 141,
  /**
   * The hart's wake word (Control.Wake) as it was when the hart last looked at its events
   * (Hart.checkEvents). Everything another thread asks of a hart moves that word, so compiled code
   * compares the two between blocks and at loop back-edges, and a difference sends it to look now
   * rather than at the end of its slice.
   */
  WakeSeen = 142,
  /** CSR storage: CSR slot s (cpu/csr-numbers.ts Slot) lives at CSR + 2s as lo/hi. */
  CSR = 256,
}
/** Room for this many 64-bit CSR slots in the state block: up to its end. */
export const CSR_SLOTS = (STATE_BYTES / 4 - State.CSR) / 2;

/**
 * Per-hart control words, as Int32 indexes relative to the control block (add controlWordBase(hart)).
 * Another thread touches a hart only through these (and the store-TLB tags code-pages.ts empties).
 * Words that signal (pending IRQs, wake, HSM state, flush and code-written requests, the mailbox
 * state) are always accessed with Atomics; the payloads they publish (mailbox request and reply,
 * start address) are plain stores made before the Atomics store that publishes them.
 */
export const enum Control {
  /** mip bits raised from outside the hart (MSIP, MEIP, SEIP, ...): set with Atomics.or. */
  PendingIrq = 0,
  /**
   * Bumped on any event for this hart, and notified where it may sleep on it (WFI, the stopped
   * state); compiled code compares it with State.WakeSeen to notice events while it runs.
   */
  Wake = 1,
  /** RunState of the hart. */
  RunState = 2,
  /** mtimecmp lo/hi (CLINT), readable by every hart. */
  MtimecmpLo = 4,
  MtimecmpHi = 5,
  /** MMIO exit mailbox (mailbox.ts): its MailboxState word, then the request and the reply. */
  MboxState = 8,
  MboxAddrLo = 9,
  MboxAddrHi = 10,
  MboxSize = 11,
  MboxWrite = 12,
  MboxValueLo = 13,
  MboxValueHi = 14,
  /** Reply: 0 = done, 1 = access fault (no device there). */
  MboxFault = 15,
  /** What the mailbox request is: a MailboxKind. */
  MboxKind = 16,
  /** SBI HSM state of the hart (HsmState), and where hart_start asks it to begin. */
  HsmState = 20,
  StartAddrLo = 21,
  StartAddrHi = 22,
  StartOpaqueLo = 23,
  StartOpaqueHi = 24,
  /**
   * FlushScope bits: another hart asked this one to flush its TLB (SBI RFENCE); honoured at its next
   * block.
   */
  FlushRequest = 25,
  /**
   * Non-zero: some hart (or a device) wrote to a page this machine has translated code from; this
   * hart checks its translations at its next block boundary, and at once on FENCE.I.
   */
  CodeWritten = 26,
  /**
   * Non-zero: leave guest execution at the next block boundary (Exit.Preempted). Set by a vCPU
   * waiting for a run token when this hart's timeslice has run out.
   */
  ExitRequest = 27,
  /** The hart's run token (run-tokens.ts): a TokenState. Its waiters sleep on this word. */
  Token = 28,
  /** While queued for a token: its queue ticket. */
  TokenTicket = 29,
  /** While queued: why it queued, for directed yield (TokenHint bits: privilege, spinner). */
  TokenHint = 30,
  /** While holding a token: when it was granted, in microseconds of the shared clock, modulo 2^32. */
  TokenSince = 31,
  /** IPIs this hart sent and received (HartsControl.sendIpi), for its accounting. */
  IpisSent = 32,
  IpisReceived = 33,
  /** A word of the hart's own for FENCE's locked read-modify-write (nobody else touches it). */
  FenceScratch = 63,
}

/** Entries in each software TLB (one per access kind: fetch, load, store), direct-mapped by virtual page. */
export const TLB_ENTRIES = 1024;
export const TLB_MASK = TLB_ENTRIES - 1;
/**
 * The tag of an empty TLB entry, which no access can match: real tags have their low 12 bits clear,
 * and compiled code compares the tag with the address masked to its page plus its misaligned low
 * bits (at most 7), so bit 11 is never set in what it compares.
 */
export const INVALID_TLB_TAG = 0x800;

/**
 * Byte offsets inside a hart's JIT area (add jitByteBase(hart)). A TLB is TLB_ENTRIES entries:
 * its tags are 64-bit (virtual page address XOR the context tag in the high word), its host
 * offsets 32-bit. The lookup table maps a pc (XOR the fetch context) to a compiled block: 16-byte
 * entries of key (i64), a function word (i32: the index in the hart's function table, and in the
 * top 16 bits the block's index in its translation unit) and the buffer offset of the page the
 * block was read from (i32), which must still be what the fetch TLB maps the pc to.
 */
export const enum JitArea {
  LoadTags = 0x0000,
  LoadHost = 0x2000,
  StoreTags = 0x3000,
  StoreHost = 0x5000,
  FetchTags = 0x6000,
  FetchHost = 0x8000,
  /** Value returned by a slow-path load called from compiled code (i64). */
  SlowValue = 0x9000,
  Lookup = 0x1_0000,
}
export const LOOKUP_ENTRIES = 8192;
/**
 * The lookup table is two-way set associative: LOOKUP_SETS sets of two adjacent entries. Direct
 * mapped, two hot blocks whose pcs shared a slot (a kernel path and the user code it serves, say)
 * evicted each other on every pass, each time a trip through JavaScript to put the other back;
 * with two ways, three must meet in one set.
 */
export const LOOKUP_WAYS = 2;
export const LOOKUP_SETS = LOOKUP_ENTRIES / LOOKUP_WAYS;
/** The lookup set bits are the pc's bits 1.. XOR its bits LOOKUP_HASH_SHIFT.. (lookupSet). */
export const LOOKUP_HASH_SHIFT = 13;

/**
 * The lookup table set of a pc: pcLo is its low word. Its entries are 2 * set and 2 * set + 1.
 * Compiled code (jit/runtime.ts) computes the same from the same bits.
 */
export function lookupSet(pcLo: number): number {
  return ((pcLo >>> 1) ^ (pcLo >>> LOOKUP_HASH_SHIFT)) & (LOOKUP_SETS - 1);
}

/** What a remote SFENCE.VMA asks a hart to drop (Control.FlushRequest bits; several may be asked). */
export const enum FlushScope {
  /** Every TLB entry: a fence for every address space. */
  All = 1,
  /** The entries of non-global mappings: a fence for one ASID, which orders no global mapping. */
  NonGlobal = 2,
}

/** SBI HSM hart states (SBI spec, Hart State Management extension). */
export const enum HsmState {
  Started = 0,
  Stopped = 1,
  StartPending = 2,
  StopPending = 3,
  Suspended = 4,
  SuspendPending = 5,
  ResumePending = 6,
  /**
   * Not an SBI state: a hart_start caller has claimed this STOPPED hart and is writing its start
   * address. The guest sees START_PENDING (HartsControl.hsmState); the hart itself waits on.
   */
  StartClaimed = 7,
}

export const enum RunState {
  Stopped = 0,
  Running = 1,
  Finished = 2,
  /** Paused by the control plane; its state block is up to date. */
  Paused = 3,
}

export function stateByteBase(hart: number): number {
  return STATE_BASE + hart * STATE_BYTES;
}

export function jitByteBase(hart: number): number {
  return JIT_BASE + hart * JIT_BYTES;
}

export function controlWordBase(hart: number): number {
  return (CONTROL_BASE + hart * CONTROL_BYTES) >> 2;
}

/** Wasm pages needed for a machine with ramBytes of guest RAM. */
export function wasmPagesFor(ramBytes: number): number {
  return Math.ceil((RAM_OFFSET + ramBytes) / WASM_PAGE);
}

/** The one shared memory of a machine: header and guest RAM. */
export function createSharedMemory(ramBytes: number): WebAssembly.Memory {
  const pages = wasmPagesFor(ramBytes);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

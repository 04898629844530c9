/**
 * @fileoverview The MMIO exit mailbox protocol, as both threads speak it: how a vCPU asks the main
 * thread to perform a device access (like a KVM_EXIT_MMIO) or a console operation, and how the
 * reply comes back. One outstanding request per hart, in the hart's control words:
 *
 *   vCPU:  writeRequest() ... Idle -> Request, notify        (then waits: vcpu/mailbox-client.ts)
 *   VMM:   readRequest(), serve, writeReply() ... Request -> Reply, notify   (vmm/mailbox-server.ts)
 *   vCPU:  readReply() ... Reply -> Idle
 *
 * The request and reply words are plain stores; the state word's Atomics store orders them.
 */

import { Control, controlWordBase } from './layout.ts';

export const enum MailboxKind {
  /** A device register access at the request's address. */
  Mmio = 0,
  /** SBI console: write `size` bytes of guest RAM at the address to the console; reply = count. */
  ConsoleWrite = 1,
  /** SBI console: read up to `size` bytes of input into guest RAM at the address; reply = count. */
  ConsoleRead = 2,
  /** One byte (in the address word) to the console: SBI putchar and HTIF console output. */
  ConsolePutByte = 3,
  /** One byte of console input; reply = the byte or -1. */
  ConsoleGetByte = 4,
}

export const enum MailboxState {
  Idle = 0,
  /** The hart has posted a request and waits on the state word. */
  Request = 1,
  /** The VMM has written the reply. */
  Reply = 2,
}

export interface MailboxRequest {
  kind: MailboxKind;
  /** Guest physical address (or, for ConsolePutByte, the byte). */
  addr: number;
  size: number;
  write: boolean;
  lo: number;
  hi: number;
}

/** Index of a hart's mailbox state word in the Int32 view of the memory. */
export function mailboxStateWord(hart: number): number {
  return controlWordBase(hart) + Control.MboxState;
}

/** vCPU side: posts a request and wakes the VMM. */
export function writeRequest(mem: Int32Array, hart: number, kind: MailboxKind, addr: number, size: number,
  write: boolean, lo: number, hi: number): void {
  const b = controlWordBase(hart);
  mem[b + Control.MboxKind] = kind;
  mem[b + Control.MboxAddrLo] = addr | 0;
  mem[b + Control.MboxAddrHi] = Math.floor(addr / 4294967296);
  mem[b + Control.MboxSize] = size;
  mem[b + Control.MboxWrite] = write ? 1 : 0;
  mem[b + Control.MboxValueLo] = lo;
  mem[b + Control.MboxValueHi] = hi;
  Atomics.store(mem, b + Control.MboxState, MailboxState.Request);
  Atomics.notify(mem, b + Control.MboxState);
}

/** VMM side: the request a hart has posted (call when its state word reads Request). */
export function readRequest(mem: Int32Array, hart: number): MailboxRequest {
  const b = controlWordBase(hart);
  return {
    kind: mem[b + Control.MboxKind] as MailboxKind,
    addr: (mem[b + Control.MboxAddrHi] >>> 0) * 4294967296 + (mem[b + Control.MboxAddrLo] >>> 0),
    size: mem[b + Control.MboxSize],
    write: mem[b + Control.MboxWrite] !== 0,
    lo: mem[b + Control.MboxValueLo],
    hi: mem[b + Control.MboxValueHi],
  };
}

/** VMM side: posts the reply (a value, or a fault: nothing there) and wakes the hart. */
export function writeReply(mem: Int32Array, hart: number, fault: boolean, lo: number, hi: number): void {
  const b = controlWordBase(hart);
  mem[b + Control.MboxValueLo] = lo;
  mem[b + Control.MboxValueHi] = hi;
  mem[b + Control.MboxFault] = fault ? 1 : 0;
  Atomics.store(mem, b + Control.MboxState, MailboxState.Reply);
  Atomics.notify(mem, b + Control.MboxState);
}

/** vCPU side: takes the reply (value in result[0..1]) and frees the mailbox; false on a fault. */
export function readReply(mem: Int32Array, hart: number, result: Int32Array): boolean {
  const b = controlWordBase(hart);
  const fault = mem[b + Control.MboxFault] !== 0;
  result[0] = mem[b + Control.MboxValueLo];
  result[1] = mem[b + Control.MboxValueHi];
  Atomics.store(mem, b + Control.MboxState, MailboxState.Idle);
  return !fault;
}

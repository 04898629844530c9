/**
 * @fileoverview Exception and interrupt cause codes (privileged spec, mcause/scause table). Interrupt
 * causes are the bit numbers of mip (memory/irq-bits.ts).
 */

export const enum Cause {
  InstructionMisaligned = 0,
  InstructionAccessFault = 1,
  IllegalInstruction = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallFromU = 8,
  EcallFromS = 9,
  EcallFromM = 11,
  InstructionPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
}

export const enum Irq {
  SSI = 1,
  MSI = 3,
  STI = 5,
  MTI = 7,
  SEI = 9,
  MEI = 11,
}

/** Interrupts in the order the privileged spec gives them priority when several are pending. */
export const IRQ_PRIORITY: readonly number[] = [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI];

/** Access kinds, used to choose fault causes and TLBs. */
export const enum Access {
  Fetch = 0,
  Load = 1,
  Store = 2,
}

export function accessFaultCause(access: Access): Cause {
  return access === Access.Fetch ? Cause.InstructionAccessFault
    : access === Access.Load ? Cause.LoadAccessFault : Cause.StoreAccessFault;
}

export function pageFaultCause(access: Access): Cause {
  return access === Access.Fetch ? Cause.InstructionPageFault
    : access === Access.Load ? Cause.LoadPageFault : Cause.StorePageFault;
}

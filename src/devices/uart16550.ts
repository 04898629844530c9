/** @fileoverview The ns16550a UART of the QEMU virt machine (register stride 1): console output and input. */

import { NO_IRQ, type IrqLine, type MmioDevice } from './device.ts';
import type { UartShared } from './uart-shared.ts';

// Register offsets. DLAB (LCR bit 7) turns offsets 0 and 1 into the baud divisor latch.
const enum Reg {
  RbrThr = 0, // read: receive buffer; write: transmit holding; DLAB: divisor latch low
  Ier = 1, // interrupt enable; DLAB: divisor latch high
  IirFcr = 2, // read: interrupt identification; write: FIFO control
  Lcr = 3,
  Mcr = 4,
  Lsr = 5,
  Msr = 6,
  Scr = 7,
}

const enum Ier {
  /** Received data available (and character timeout). */
  Rdi = 0x01,
  /** Transmitter holding register empty. */
  Thri = 0x02,
  /** Receiver line status. */
  Rlsi = 0x04,
  /** Modem status. */
  Msi = 0x08,
  Mask = 0x0f,
}

/** IIR source codes, highest priority first; bits 6-7 report the FIFOs as enabled. */
const enum Iir {
  Rlsi = 0x06,
  Rdi = 0x04,
  /** Character timeout: data below the trigger level has waited in the FIFO. */
  Cti = 0x0c,
  Thri = 0x02,
  Msi = 0x00,
  NoInt = 0x01,
  FifoEnabled = 0xc0,
}

const enum Fcr {
  Enable = 0x01,
  ClearRx = 0x02,
  ClearTx = 0x04,
  TriggerMask = 0xc0,
  /** The bits that stick: enable, DMA mode and the trigger level (the clear bits self-clear). */
  Stored = 0xc9,
}

const enum Lcr {
  Dlab = 0x80,
}

const enum Mcr {
  Dtr = 0x01,
  Rts = 0x02,
  Out1 = 0x04,
  Out2 = 0x08,
  Loop = 0x10,
  Mask = 0x1f,
}

const enum Lsr {
  DataReady = 0x01,
  Overrun = 0x02,
  Parity = 0x04,
  Framing = 0x08,
  Break = 0x10,
  /** The error bits that raise a receiver line status interrupt and clear when LSR is read. */
  Errors = 0x1e,
  ThrEmpty = 0x20,
  TransmitterEmpty = 0x40,
}

const enum Msr {
  DeltaCts = 0x01,
  DeltaDsr = 0x02,
  TrailingRi = 0x04,
  DeltaDcd = 0x08,
  AnyDelta = 0x0f,
  Cts = 0x10,
  Dsr = 0x20,
  Ri = 0x40,
  Dcd = 0x80,
}

/** The 16550's receive FIFO depth. */
const FIFO_BYTES = 16;
/** Receive FIFO trigger levels selected by FCR bits 6-7. */
const TRIGGER_LEVELS = [1, 4, 8, 14];
/**
 * Host input waiting for room in the UART: a paste or a scripted input burst is held here and fed
 * to the guest as it reads, as a host tty would buffer it.
 */
export const UART_INPUT_QUEUE_BYTES = 4096;
/** The modem lines of a connected host terminal: carrier, data set ready and clear to send. */
const HOST_MODEM_LINES = Msr.Dcd | Msr.Dsr | Msr.Cts;

export interface Uart16550Options {
  /** Receives the guest's transmitted bytes, in order. The array is the callee's to keep. */
  output: (bytes: Uint8Array) => void;
  irq?: IrqLine;
  /** Where vCPUs transmit and read side-effect-free registers themselves (uart-shared.ts); without it every access comes here. */
  shared?: UartShared;
}

/**
 * A ns16550a as QEMU's hw/char/serial.c models it. The transmitter is infinitely fast: a byte
 * written to THR goes to `output` at once, so THRE and TEMT always read 1 and the THRE interrupt
 * re-arms right after each write (the driver's cue to send more). Registers are 8 bits; a wider
 * access reaches the register at its offset with the low byte, and offsets alias every 8 bytes,
 * both as in QEMU.
 *
 * One deliberate difference: the character timeout interrupt, which on hardware fires when data
 * below the FIFO trigger level has waited four character times, is pending at once. Host input
 * arrives in bursts, so when a burst is in the FIFO no further character is coming, and a guest
 * waiting for the timeout would only be delayed.
 */
export class Uart16550 implements MmioDevice {
  private readonly output: (bytes: Uint8Array) => void;
  private readonly irq: IrqLine;
  private readonly shared: UartShared | undefined;

  /** Host input not yet in the receive FIFO (ring buffer). */
  private readonly inputQueue = new ByteRing(UART_INPUT_QUEUE_BYTES);
  /** The receive FIFO; in non-FIFO (16450) mode only one byte of it is used, as the RBR. */
  private readonly rxFifo = new ByteRing(FIFO_BYTES);
  private inputDropped = 0;

  private ier = 0;
  private fcr = 0;
  private lcr = 0;
  private mcr = Mcr.Out2; // QEMU resets with OUT2 set, as a PC BIOS leaves it
  private scr = 0;
  private divisor = 0;
  /** LSR error bits (overrun, parity, framing, break); DR, THRE and TEMT are computed. */
  private lineErrors = 0;
  /** MSR delta bits (bits 0-3); the line states are computed. */
  private modemDeltas = 0;
  /** The last byte received, returned again by an RBR read with nothing new in non-FIFO mode. */
  private rbr = 0;
  /** THRE interrupt latch: set when the holding register empties, cleared by an IIR read reporting it. */
  private thrPending = false;
  private iir = Iir.NoInt;
  private irqLevel = false;

  constructor(opts: Uart16550Options) {
    this.output = opts.output;
    this.irq = opts.irq ?? NO_IRQ;
    this.shared = opts.shared;
    this.publish();
  }

  /**
   * Transmits what vCPUs put in the shared ring, as if each byte had been written to THR here. Called
   * when the ring's bell rings and before any access is served, so that effects keep program order.
   */
  takeSharedTx(): void {
    const bytes = this.shared?.take();
    if (bytes === undefined) return;
    // The ring only takes bytes while the UART is out of loopback with DLAB clear (see publish()).
    this.output(bytes);
    this.thrPending = true;
    this.updateIrq();
    this.publish(); // IIR may now report THRE
  }

  /** Tells vCPUs which accesses they may serve themselves in the state the registers are now in. */
  private publish(): void {
    if (this.shared === undefined) return;
    const dlab = (this.lcr & Lcr.Dlab) !== 0;
    this.shared.publish(!dlab && (this.mcr & Mcr.Loop) === 0, {
      lsr: this.lineErrors === 0 ? this.lsrValue() : -1,
      ier: dlab ? -1 : this.ier,
      // Reading IIR acknowledges a THRE interrupt it reports, and reading MSR clears its deltas.
      iir: this.iir === Iir.Thri ? -1 : this.iirValue(),
      msr: this.modemDeltas !== 0 ? -1 : this.modemLines(),
    });
  }

  private iirValue(): number {
    return this.iir | (this.fcr & Fcr.Enable ? Iir.FifoEnabled : 0);
  }

  private lsrValue(): number {
    return this.lineErrors | (this.rxFifo.length > 0 ? Lsr.DataReady : 0) | Lsr.ThrEmpty | Lsr.TransmitterEmpty;
  }

  /** Queues host input for the guest. Bytes beyond UART_INPUT_QUEUE_BYTES of backlog are dropped. */
  receive(bytes: Uint8Array): void {
    for (const byte of bytes) {
      if (!this.inputQueue.push(byte)) this.inputDropped++;
      // Move bytes on as they come, so the FIFO's room adds to the queue's rather than sharing it.
      this.fillRxFifo();
    }
    this.updateIrq();
    this.publish();
  }

  /** Host input bytes not yet read by the guest. */
  get pendingInput(): number {
    return this.inputQueue.length + this.rxFifo.length;
  }

  /** Host input bytes dropped because the guest did not read fast enough. */
  get droppedInput(): number {
    return this.inputDropped;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    this.takeSharedTx();
    const value = this.readRegister(offset & 7);
    this.publish();
    return value;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    this.takeSharedTx();
    this.writeRegister(offset & 7, value & 0xff);
    this.publish();
  }

  private readRegister(reg: Reg): number {
    switch (reg) {
      case Reg.RbrThr:
        if (this.lcr & Lcr.Dlab) return this.divisor & 0xff;
        return this.readRbr();
      case Reg.Ier:
        if (this.lcr & Lcr.Dlab) return this.divisor >> 8;
        return this.ier;
      case Reg.IirFcr: {
        const value = this.iirValue();
        // Reading IIR while it reports THRE is how a driver acknowledges that interrupt.
        if (this.iir === Iir.Thri) {
          this.thrPending = false;
          this.updateIrq();
        }
        return value;
      }
      case Reg.Lcr:
        return this.lcr;
      case Reg.Mcr:
        return this.mcr;
      case Reg.Lsr: {
        const value = this.lsrValue();
        if (this.lineErrors) {
          this.lineErrors = 0;
          this.updateIrq();
        }
        return value;
      }
      case Reg.Msr: {
        const value = this.modemLines() | this.modemDeltas;
        if (this.modemDeltas) {
          this.modemDeltas = 0;
          this.updateIrq();
        }
        return value;
      }
      case Reg.Scr:
        return this.scr;
    }
    return 0;
  }

  private writeRegister(reg: Reg, byte: number): void {
    switch (reg) {
      case Reg.RbrThr:
        if (this.lcr & Lcr.Dlab) {
          this.divisor = (this.divisor & 0xff00) | byte;
        } else {
          this.transmit(byte);
        }
        break;
      case Reg.Ier:
        if (this.lcr & Lcr.Dlab) {
          this.divisor = (this.divisor & 0x00ff) | (byte << 8);
        } else {
          this.writeIer(byte);
        }
        break;
      case Reg.IirFcr:
        this.writeFcr(byte);
        break;
      case Reg.Lcr:
        this.lcr = byte;
        break;
      case Reg.Mcr:
        this.writeMcr(byte);
        break;
      case Reg.Lsr:
      case Reg.Msr:
        // Read-only status registers: QEMU ignores writes, and so do we.
        break;
      case Reg.Scr:
        this.scr = byte;
        break;
    }
  }

  private readRbr(): number {
    if (this.rxFifo.length > 0) {
      this.rbr = this.rxFifo.shift();
    } else if (this.fcr & Fcr.Enable) {
      // An empty FIFO reads as 0 (QEMU); the 16450 holding register keeps its last byte.
      this.rbr = 0;
    }
    const value = this.rbr;
    this.fillRxFifo();
    this.updateIrq();
    return value;
  }

  private transmit(byte: number): void {
    if (this.mcr & Mcr.Loop) {
      // Loopback: the transmitter feeds the receiver and nothing leaves the chip.
      this.receiveByte(byte);
    } else {
      this.output(Uint8Array.of(byte));
    }
    // The byte left at once, so the holding register is empty again and its interrupt re-arms.
    this.thrPending = true;
    this.updateIrq();
  }

  private writeIer(byte: number): void {
    const changed = (this.ier ^ byte) & Ier.Mask;
    this.ier = byte & Ier.Mask;
    // Enabling THRI while THR is empty raises the THRE interrupt even if it was acknowledged before;
    // not in the datasheet, but real chips do it, QEMU models it and drivers (Windows) rely on it.
    if (changed & Ier.Thri) this.thrPending = (this.ier & Ier.Thri) !== 0;
    if (changed) this.updateIrq();
  }

  private writeFcr(byte: number): void {
    let value = byte;
    // Switching the FIFOs on or off flushes both of them.
    if ((value ^ this.fcr) & Fcr.Enable) value |= Fcr.ClearRx | Fcr.ClearTx;
    if (value & Fcr.ClearRx) {
      this.rxFifo.clear();
      this.lineErrors &= ~Lsr.Break;
    }
    if (value & Fcr.ClearTx) {
      // The transmit FIFO is always empty here; clearing it still counts as THR becoming empty.
      this.thrPending = true;
    }
    this.fcr = value & Fcr.Stored;
    this.fillRxFifo();
    this.updateIrq();
  }

  private writeMcr(byte: number): void {
    const before = this.modemLines();
    const wasLoop = this.mcr & Mcr.Loop;
    this.mcr = byte & Mcr.Mask;
    const after = this.modemLines();
    // In loopback the modem outputs drive the modem inputs, so changing MCR changes MSR and sets
    // its delta bits (and so can raise a modem status interrupt), as the datasheet describes.
    const changed = before ^ after;
    if (changed & Msr.Cts) this.modemDeltas |= Msr.DeltaCts;
    if (changed & Msr.Dsr) this.modemDeltas |= Msr.DeltaDsr;
    if (before & Msr.Ri && !(after & Msr.Ri)) this.modemDeltas |= Msr.TrailingRi;
    if (changed & Msr.Dcd) this.modemDeltas |= Msr.DeltaDcd;
    // Leaving loopback reconnects the serial input: deliver host input that waited meanwhile.
    if (wasLoop && !(this.mcr & Mcr.Loop)) this.fillRxFifo();
    this.updateIrq();
  }

  /** MSR bits 4-7: the host terminal's lines, or in loopback the MCR outputs wired back. */
  private modemLines(): number {
    if (!(this.mcr & Mcr.Loop)) return HOST_MODEM_LINES;
    return (
      (this.mcr & Mcr.Rts ? Msr.Cts : 0) |
      (this.mcr & Mcr.Dtr ? Msr.Dsr : 0) |
      (this.mcr & Mcr.Out1 ? Msr.Ri : 0) |
      (this.mcr & Mcr.Out2 ? Msr.Dcd : 0)
    );
  }

  /** A byte arriving at the receiver's shift register; it overruns if there is no room. */
  private receiveByte(byte: number): void {
    if (this.rxFifo.length < this.rxCapacity()) {
      this.rxFifo.push(byte);
    } else if (this.fcr & Fcr.Enable) {
      // A full FIFO keeps its contents and the new byte is lost.
      this.lineErrors |= Lsr.Overrun;
    } else {
      // The 16450 holding register is overwritten.
      this.lineErrors |= Lsr.Overrun;
      this.rxFifo.clear();
      this.rxFifo.push(byte);
    }
  }

  /**
   * Moves queued host input into the receive FIFO while it has room. Host input is flow-controlled
   * (it never overruns), like QEMU's serial_can_receive; the serial input is disconnected in loopback.
   */
  private fillRxFifo(): void {
    if (this.mcr & Mcr.Loop) return;
    const capacity = this.rxCapacity();
    while (this.inputQueue.length > 0 && this.rxFifo.length < capacity) {
      this.rxFifo.push(this.inputQueue.shift());
    }
  }

  private rxCapacity(): number {
    return this.fcr & Fcr.Enable ? FIFO_BYTES : 1;
  }

  /** Recomputes IIR from the sources in priority order and drives the interrupt line. */
  private updateIrq(): void {
    let iir = Iir.NoInt;
    if (this.ier & Ier.Rlsi && this.lineErrors & Lsr.Errors) {
      iir = Iir.Rlsi;
    } else if (this.ier & Ier.Rdi && this.rxFifo.length > 0) {
      const fifo = (this.fcr & Fcr.Enable) !== 0;
      const trigger = TRIGGER_LEVELS[(this.fcr & Fcr.TriggerMask) >> 6];
      iir = fifo && this.rxFifo.length < trigger ? Iir.Cti : Iir.Rdi;
    } else if (this.ier & Ier.Thri && this.thrPending) {
      iir = Iir.Thri;
    } else if (this.ier & Ier.Msi && this.modemDeltas & Msr.AnyDelta) {
      iir = Iir.Msi;
    }
    this.iir = iir;
    const level = iir !== Iir.NoInt;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}

/** A fixed-capacity byte FIFO. */
class ByteRing {
  private readonly data: Uint8Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.data = new Uint8Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a byte; false (and nothing stored) if the ring is full. */
  push(byte: number): boolean {
    if (this.count === this.data.length) return false;
    this.data[(this.head + this.count) % this.data.length] = byte;
    this.count++;
    return true;
  }

  /** Removes and returns the oldest byte; the caller checks length first. */
  shift(): number {
    const byte = this.data[this.head];
    this.head = (this.head + 1) % this.data.length;
    this.count--;
    return byte;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}

import { describe, expect, it } from 'vitest';
import { Uart16550, UART_INPUT_QUEUE_BYTES } from '../../src/devices/uart16550.ts';

const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
const IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
const IIR_NONE = 0x01, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06, IIR_CTI = 0x0c, IIR_MSI = 0x00;
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const MCR_LOOP = 0x10;

function uart() {
  const output: number[] = [];
  const irqEdges: boolean[] = [];
  let irq = false;
  const device = new Uart16550({
    output: (bytes) => output.push(...bytes),
    irq: {
      set(level) {
        irqEdges.push(level);
        irq = level;
      },
    },
  });
  return {
    device,
    output,
    irqEdges,
    irq: () => irq,
    r: (offset: number) => device.read(offset, 1),
    w: (offset: number, value: number) => device.write(offset, 1, value),
    /** IIR's interrupt source code, without the FIFO-enabled bits. */
    source: () => device.read(IIR, 1) & 0x0f,
  };
}

const text = (s: string) => new TextEncoder().encode(s);

describe('Uart16550 reset state', () => {
  it('reads as QEMU resets it', () => {
    const { r } = uart();
    expect(r(IER)).toBe(0);
    expect(r(IIR)).toBe(IIR_NONE);
    expect(r(LCR)).toBe(0);
    expect(r(MCR)).toBe(0x08); // OUT2
    expect(r(LSR)).toBe(LSR_THRE | LSR_TEMT);
    expect(r(MSR)).toBe(0xb0); // DCD, DSR, CTS
    expect(r(SCR)).toBe(0);
  });
});

describe('Uart16550 transmitter', () => {
  it('sends THR writes to output in order, without loss', () => {
    const t = uart();
    for (const byte of text('hello, world\n')) t.w(THR, byte);
    expect(new TextDecoder().decode(Uint8Array.from(t.output))).toBe('hello, world\n');
  });

  it('always reads THRE and TEMT as 1, since bytes leave at once', () => {
    const t = uart();
    t.w(THR, 0x41);
    expect(t.r(LSR) & (LSR_THRE | LSR_TEMT)).toBe(LSR_THRE | LSR_TEMT);
  });

  it('takes the low byte of wider accesses, and aliases registers every 8 bytes', () => {
    const t = uart();
    t.device.write(THR, 4, 0x1234_5642);
    t.device.write(8 + THR, 1, 0x43);
    expect(t.output).toEqual([0x42, 0x43]);
    t.w(SCR, 0x5a);
    expect(t.device.read(0xf8 + SCR, 4)).toBe(0x5a);
  });
});

describe('Uart16550 line control and divisor latch', () => {
  it('maps offsets 0 and 1 to the divisor latch while DLAB is set', () => {
    const t = uart();
    t.w(LCR, 0x83);
    t.w(DLL, 0x0c);
    t.w(DLM, 0x01);
    expect(t.r(DLL)).toBe(0x0c);
    expect(t.r(DLM)).toBe(0x01);
    expect(t.output).toEqual([]);
    expect(t.r(IER)).toBe(0x01); // still the divisor
    t.w(LCR, 0x03);
    expect(t.r(LCR)).toBe(0x03);
    expect(t.r(IER)).toBe(0); // IER was not touched
    t.w(THR, 0x41);
    expect(t.output).toEqual([0x41]);
  });

  it('keeps a scratch byte', () => {
    const t = uart();
    t.w(SCR, 0xa5);
    expect(t.r(SCR)).toBe(0xa5);
  });

  it('keeps only the low four IER bits and five MCR bits', () => {
    const t = uart();
    t.w(IER, 0xff);
    expect(t.r(IER)).toBe(0x0f);
    t.w(MCR, 0xff & ~MCR_LOOP);
    expect(t.r(MCR)).toBe(0x0f);
  });

  it('ignores writes to LSR and MSR', () => {
    const t = uart();
    t.w(LSR, 0xff);
    t.w(MSR, 0x00);
    expect(t.r(LSR)).toBe(LSR_THRE | LSR_TEMT);
    expect(t.r(MSR)).toBe(0xb0);
  });
});

describe('Uart16550 receiver', () => {
  it('sets DR while host input is queued and returns it in order', () => {
    const t = uart();
    t.device.receive(text('ab'));
    expect(t.r(LSR) & LSR_DR).toBe(LSR_DR);
    expect(t.r(RBR)).toBe(0x61);
    expect(t.r(LSR) & LSR_DR).toBe(LSR_DR);
    expect(t.r(RBR)).toBe(0x62);
    expect(t.r(LSR) & LSR_DR).toBe(0);
  });

  it('feeds a long input through the FIFO without loss, in both FIFO modes', () => {
    for (const fcr of [0x00, 0x01, 0xc1]) {
      const t = uart();
      t.w(FCR, fcr);
      const input = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
      t.device.receive(input);
      const got: number[] = [];
      while (t.r(LSR) & LSR_DR) got.push(t.r(RBR));
      expect(got).toEqual([...input]);
      expect(t.r(LSR) & LSR_OE).toBe(0);
    }
  });

  it('holds up to its queue size of host input, drops the rest and counts it', () => {
    const t = uart();
    t.device.receive(new Uint8Array(UART_INPUT_QUEUE_BYTES + 100).fill(0x78));
    // One byte sits in the (non-FIFO) holding register, so one more than the queue fits.
    expect(t.device.pendingInput).toBe(UART_INPUT_QUEUE_BYTES + 1);
    expect(t.device.droppedInput).toBe(99);
    t.r(RBR);
    expect(t.device.pendingInput).toBe(UART_INPUT_QUEUE_BYTES);
  });

  it('reads 0 from an empty FIFO, and the last byte again in non-FIFO mode', () => {
    const t = uart();
    t.device.receive(text('z'));
    expect(t.r(RBR)).toBe(0x7a);
    expect(t.r(RBR)).toBe(0x7a);
    t.w(FCR, 0x01);
    expect(t.r(RBR)).toBe(0);
  });

  it('flushes the receive FIFO on FCR clear and on switching the FIFOs', () => {
    const t = uart();
    t.w(FCR, 0x01);
    t.device.receive(text('abc'));
    t.w(FCR, 0x03); // clear RX
    expect(t.r(LSR) & LSR_DR).toBe(0);
    t.device.receive(text('d'));
    t.w(FCR, 0x00); // FIFOs off: both flushed
    expect(t.r(LSR) & LSR_DR).toBe(0);
  });

  it('keeps host input that has not reached the FIFO when the FIFO is cleared', () => {
    const t = uart();
    t.w(FCR, 0x01);
    t.device.receive(new Uint8Array(20).map((_, i) => i));
    t.w(FCR, 0x03); // the 16 bytes in the FIFO go; the 4 still queued at the host move in
    const got: number[] = [];
    while (t.r(LSR) & LSR_DR) got.push(t.r(RBR));
    expect(got).toEqual([16, 17, 18, 19]);
  });
});

describe('Uart16550 FIFO identification', () => {
  it('reports FIFOs enabled in IIR bits 6-7 while FCR bit 0 is set', () => {
    const t = uart();
    t.w(FCR, 0x01);
    expect(t.r(IIR) & 0xc0).toBe(0xc0);
    t.w(FCR, 0x00);
    expect(t.r(IIR) & 0xc0).toBe(0);
  });
});

describe('Uart16550 interrupts', () => {
  it('raises RX data available when enabled and data arrives, and drops it once read', () => {
    const t = uart();
    t.w(IER, IER_RDI);
    expect(t.irq()).toBe(false);
    t.device.receive(text('x'));
    expect(t.irq()).toBe(true);
    expect(t.source()).toBe(IIR_RDI);
    t.r(RBR);
    expect(t.irq()).toBe(false);
    expect(t.source()).toBe(IIR_NONE);
  });

  it('keeps RX data pending already received when RDI is enabled later', () => {
    const t = uart();
    t.device.receive(text('x'));
    expect(t.irq()).toBe(false);
    t.w(IER, IER_RDI);
    expect(t.irq()).toBe(true);
  });

  it('uses the trigger level in FIFO mode: RDI at or above it, character timeout below it', () => {
    const t = uart();
    t.w(FCR, 0x81); // FIFO on, trigger level 8
    t.w(IER, IER_RDI);
    t.device.receive(text('1234'));
    expect(t.source()).toBe(IIR_CTI);
    expect(t.irq()).toBe(true);
    t.device.receive(text('5678'));
    expect(t.source()).toBe(IIR_RDI);
    t.r(RBR);
    expect(t.source()).toBe(IIR_CTI);
    while (t.r(LSR) & LSR_DR) t.r(RBR);
    expect(t.irq()).toBe(false);
  });

  it('raises THRE when ETBEI is enabled, clears it on an IIR read reporting it, and re-arms on THR writes', () => {
    const t = uart();
    t.w(IER, IER_THRI);
    expect(t.irq()).toBe(true);
    expect(t.r(IIR)).toBe(IIR_THRI);
    expect(t.irq()).toBe(false); // the IIR read acknowledged it
    expect(t.source()).toBe(IIR_NONE);
    t.w(THR, 0x41);
    // The byte left at once, so the holding register is empty again: the driver may send more.
    expect(t.irq()).toBe(true);
    expect(t.source()).toBe(IIR_THRI);
  });

  it('raises THRE again when ETBEI is toggled off and on', () => {
    const t = uart();
    t.w(IER, IER_THRI);
    t.r(IIR);
    expect(t.irq()).toBe(false);
    t.w(IER, 0);
    t.w(IER, IER_THRI);
    expect(t.irq()).toBe(true);
  });

  it('raises THRE on a transmit FIFO clear', () => {
    const t = uart();
    t.w(IER, IER_THRI);
    t.r(IIR);
    t.w(FCR, 0x05);
    expect(t.source()).toBe(IIR_THRI);
  });

  it('does not acknowledge THRE by reading IIR while a higher source is reported', () => {
    const t = uart();
    t.w(IER, IER_THRI | IER_RDI);
    t.device.receive(text('x'));
    expect(t.source()).toBe(IIR_RDI);
    t.r(RBR);
    expect(t.source()).toBe(IIR_THRI); // still pending underneath
  });

  it('orders sources: line status, RX data, THR empty, modem status', () => {
    const t = uart();
    t.w(IER, IER_RLSI | IER_RDI | IER_THRI | IER_MSI);
    // Loopback: produce an overrun (two bytes into the one-byte holding register), modem deltas and THRE.
    t.w(MCR, MCR_LOOP | 0x09); // CTS (from RTS) drops: a modem status change
    t.w(THR, 1);
    t.w(THR, 2);
    expect(t.source()).toBe(IIR_RLSI);
    expect(t.r(LSR) & LSR_OE).toBe(LSR_OE); // reading LSR clears the error
    expect(t.r(LSR) & LSR_OE).toBe(0);
    expect(t.source()).toBe(IIR_RDI);
    expect(t.r(RBR)).toBe(2); // the overrun replaced the held byte
    expect(t.r(IIR) & 0x0f).toBe(IIR_THRI); // reported, so acknowledged
    expect(t.source()).toBe(IIR_MSI);
    t.r(MSR);
    expect(t.source()).toBe(IIR_NONE);
    expect(t.irq()).toBe(false);
  });

  it('masks every source when IER is 0', () => {
    const t = uart();
    t.w(MCR, MCR_LOOP);
    t.w(THR, 1);
    t.w(THR, 2);
    expect(t.irq()).toBe(false);
    expect(t.source()).toBe(IIR_NONE);
  });

  it('only drives the line on changes', () => {
    const t = uart();
    t.w(IER, IER_RDI);
    t.device.receive(text('ab'));
    t.device.receive(text('c'));
    t.r(RBR);
    t.r(RBR);
    t.r(RBR);
    expect(t.irqEdges).toEqual([true, false]);
  });
});

describe('Uart16550 loopback', () => {
  it('returns transmitted bytes to the receiver instead of the output', () => {
    const t = uart();
    t.w(FCR, 0x07);
    t.w(MCR, MCR_LOOP);
    for (const byte of text('loop')) t.w(THR, byte);
    expect(t.output).toEqual([]);
    const got: number[] = [];
    while (t.r(LSR) & LSR_DR) got.push(t.r(RBR));
    expect(new TextDecoder().decode(Uint8Array.from(got))).toBe('loop');
  });

  it('sets overrun when the FIFO is full, keeping its contents', () => {
    const t = uart();
    t.w(FCR, 0x01);
    t.w(MCR, MCR_LOOP);
    for (let i = 0; i < 17; i++) t.w(THR, i);
    expect(t.r(LSR) & LSR_OE).toBe(LSR_OE);
    const got: number[] = [];
    while (t.r(LSR) & LSR_DR) got.push(t.r(RBR));
    expect(got).toEqual([...Array(16).keys()]);
  });

  it('wires MCR outputs to MSR inputs as Linux probes them', () => {
    const t = uart();
    t.w(MCR, MCR_LOOP | 0x0a); // OUT2 | RTS
    expect(t.r(MSR) & 0xf0).toBe(0x90); // DCD | CTS
    t.w(MCR, MCR_LOOP | 0x05); // OUT1 | DTR
    expect(t.r(MSR) & 0xf0).toBe(0x60); // RI | DSR
  });

  it('sets MSR delta bits on line changes and clears them when MSR is read', () => {
    const t = uart();
    t.w(MCR, MCR_LOOP | 0x0f); // all four lines up
    t.r(MSR);
    t.w(MCR, MCR_LOOP); // all four drop
    expect(t.r(MSR)).toBe(0x0f);
    expect(t.r(MSR)).toBe(0x00);
    t.w(MCR, MCR_LOOP | 0x04); // RI rises: not a trailing edge
    expect(t.r(MSR) & 0x0f).toBe(0);
  });

  it('holds host input while in loopback and delivers it afterwards', () => {
    const t = uart();
    t.w(MCR, MCR_LOOP);
    t.device.receive(text('k'));
    expect(t.r(LSR) & LSR_DR).toBe(0);
    t.w(MCR, 0x08);
    expect(t.r(LSR) & LSR_DR).toBe(LSR_DR);
    expect(t.r(RBR)).toBe(0x6b);
  });
});

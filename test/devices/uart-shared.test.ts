import { describe, expect, it } from 'vitest';
import { UartShared } from '../../src/devices/uart-shared.ts';
import { Uart16550 } from '../../src/devices/uart16550.ts';
import { UART_TX_RING_BYTES } from '../../src/memory/layout.ts';

const THR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6;
const IER_THRI = 0x02;
const IIR_THRI = 0x02;
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const LCR_DLAB = 0x80, MCR_LOOP = 0x10;

/** A UART on the main thread and a vCPU's view of it, over one shared buffer as a machine has them. */
function machineUart() {
  const buffer = new SharedArrayBuffer(0x1000);
  const output: number[] = [];
  let irq = false;
  const device = new Uart16550({
    output: (bytes) => output.push(...bytes),
    irq: { set(level) { irq = level; } },
    shared: new UartShared(buffer),
  });
  const vcpu = new UartShared(buffer);
  const result = new Int32Array(2);
  return {
    device, vcpu, output,
    irq: () => irq,
    /** A vCPU's THR write: true when it was served without the UART. */
    fastWrite: (byte: number) => vcpu.tryWrite(THR, 1, byte),
    /** A vCPU's LSR read: the value, or undefined when it must go to the UART. */
    fastLsr: () => (vcpu.tryRead(LSR, 1, result) ? result[0] : undefined),
    fastRead: (offset: number) => (vcpu.tryRead(offset, 1, result) ? result[0] : undefined),
    fastWriteTo: (offset: number, value: number) => vcpu.tryWrite(offset, 1, value),
  };
}

const text = (s: string) => Array.from(new TextEncoder().encode(s));

describe('UartShared: what a vCPU serves itself', () => {
  it('transmits THR writes through the ring, in order, when the UART takes them', () => {
    const u = machineUart();
    for (const b of text('hello')) expect(u.fastWrite(b)).toBe(true);
    expect(u.output).toEqual([]);
    u.device.takeSharedTx();
    expect(u.output).toEqual(text('hello'));
  });

  it('reads LSR from the published shadow, data ready included', () => {
    const u = machineUart();
    expect(u.fastLsr()).toBe(LSR_THRE | LSR_TEMT);
    u.device.receive(Uint8Array.of(0x41));
    expect(u.fastLsr()).toBe(LSR_DR | LSR_THRE | LSR_TEMT);
    expect(u.device.read(THR, 1)).toBe(0x41);
    expect(u.fastLsr()).toBe(LSR_THRE | LSR_TEMT);
  });

  it('leaves LSR to the UART while an error bit waits to be cleared by the read', () => {
    const u = machineUart();
    u.device.receive(Uint8Array.of(1));
    u.device.write(MCR, 1, MCR_LOOP); // loopback: transmitted bytes overrun the one-byte RBR
    u.device.write(THR, 1, 2);
    u.device.write(THR, 1, 3);
    expect(u.fastLsr()).toBeUndefined();
    expect(u.device.read(LSR, 1) & LSR_OE).toBe(LSR_OE);
    expect(u.fastLsr()).toBe(LSR_DR | LSR_THRE | LSR_TEMT);
  });

  it('leaves THR to the UART when the divisor latch or loopback is on', () => {
    const u = machineUart();
    u.device.write(LCR, 1, LCR_DLAB);
    expect(u.fastWrite(1)).toBe(false);
    u.device.write(LCR, 1, 0x03);
    u.device.write(MCR, 1, MCR_LOOP);
    expect(u.fastWrite(1)).toBe(false);
    u.device.write(MCR, 1, 0);
    expect(u.fastWrite(0x21)).toBe(true);
  });

  it('sends ring bytes before it serves any access, so writes keep program order', () => {
    const u = machineUart();
    u.fastWrite(0x61);
    u.device.write(LCR, 1, LCR_DLAB); // the byte before this went out as data, not as divisor
    u.device.write(THR, 1, 0x0c);
    u.device.write(LCR, 1, 0x03);
    u.device.write(THR, 1, 0x62);
    expect(u.output).toEqual([0x61, 0x62]);
  });

  it('raises the THRE interrupt for ring bytes as for a THR write', () => {
    const u = machineUart();
    u.device.write(IER, 1, IER_THRI);
    expect(u.device.read(IIR, 1) & 0x0f).toBe(IIR_THRI); // acknowledges it
    expect(u.irq()).toBe(false);
    u.fastWrite(0x41);
    u.device.takeSharedTx();
    expect(u.irq()).toBe(true);
    // A vCPU must not read IIR from a shadow that predates the interrupt (the handler would find
    // nothing to do, and the line would stay up): reporting THRE, IIR goes to the UART.
    expect(u.fastRead(IIR)).toBeUndefined();
    expect(u.device.read(IIR, 1) & 0x0f).toBe(IIR_THRI);
  });

  it('refuses bytes when the ring is full and takes them again once the UART has emptied it', () => {
    const u = machineUart();
    for (let i = 0; i < UART_TX_RING_BYTES; i++) expect(u.fastWrite(i & 0xff)).toBe(true);
    expect(u.fastWrite(0)).toBe(false);
    u.device.takeSharedTx();
    expect(u.output.length).toBe(UART_TX_RING_BYTES);
    expect(u.output[UART_TX_RING_BYTES - 1]).toBe((UART_TX_RING_BYTES - 1) & 0xff);
    expect(u.fastWrite(7)).toBe(true);
  });

  it('reads IER, IIR and MSR from the shadow while reading them has no effect', () => {
    const u = machineUart();
    u.device.write(IER, 1, 0x05);
    expect(u.fastRead(IER)).toBe(0x05);
    expect(u.fastRead(IIR)).toBe(u.device.read(IIR, 1));
    expect(u.fastRead(MSR)).toBe(u.device.read(MSR, 1));
    u.device.write(LCR, 1, LCR_DLAB); // offset 1 is now the divisor latch's high byte
    expect(u.fastRead(IER)).toBeUndefined();
    u.device.write(LCR, 1, 0x03);
    u.device.write(IER, 1, IER_THRI); // THRE pending: reading IIR acknowledges it
    expect(u.fastRead(IIR)).toBeUndefined();
    expect(u.device.read(IIR, 1) & 0x0f).toBe(IIR_THRI);
    expect(u.fastRead(IIR)).toBe(u.device.read(IIR, 1));
    u.device.write(MCR, 1, MCR_LOOP | 0x02); // loopback RTS -> CTS: a modem status change to clear
    expect(u.fastRead(MSR)).toBeUndefined();
    u.device.read(MSR, 1);
    expect(u.fastRead(MSR)).toBeDefined();
  });

  it('serves an IER write that leaves IER as it is, and leaves any other to the UART', () => {
    const u = machineUart();
    u.device.write(IER, 1, 0x01);
    expect(u.fastWriteTo(IER, 0x01)).toBe(true);
    expect(u.fastWriteTo(IER, 0xf1)).toBe(true); // the undefined upper bits are dropped anyway
    expect(u.fastWriteTo(IER, 0x00)).toBe(false);
    u.device.write(LCR, 1, LCR_DLAB);
    expect(u.fastWriteTo(IER, 0x01)).toBe(false); // the divisor latch's high byte
  });

  it('rings the bell: a watching UART sends the bytes without any other access', async () => {
    const buffer = new SharedArrayBuffer(0x1000);
    const shared = new UartShared(buffer);
    const output: number[] = [];
    const device = new Uart16550({ output: (bytes) => output.push(...bytes), shared });
    shared.watch(() => device.takeSharedTx());
    const vcpu = new UartShared(buffer);
    try {
      for (const b of text('ok\n')) vcpu.tryWrite(THR, 1, b);
      for (let i = 0; i < 100 && output.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
      expect(output).toEqual(text('ok\n'));
      vcpu.tryWrite(THR, 1, 0x21); // the ring emptied, so this byte rings again
      for (let i = 0; i < 100 && output.length < 4; i++) await new Promise((r) => setTimeout(r, 5));
      expect(output).toEqual(text('ok\n!'));
    } finally {
      shared.stop();
    }
  });
});

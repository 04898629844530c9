/**
 * @fileoverview The machine's device tree: the same nodes, compatibles, addresses and interrupt
 * wiring as QEMU 7.2's `-machine virt` (test/fixtures/qemu-virt-smp4.dts), less what this machine does
 * not have (PCI, flash, fw-cfg, platform bus, PMU), so Linux and OpenSBI take it as they take QEMU's.
 */

import { MAX_HARTS } from '../memory/layout.ts';
import {
  CLINT_BASE, CLINT_SIZE, FINISHER_BASE, FINISHER_SIZE, FinisherCode, PLIC_BASE, PLIC_SIZE, PLIC_SOURCES,
  RAM_BASE, RTC_BASE, RTC_IRQ, RTC_SIZE, TIMEBASE_HZ, UART_BASE, UART_CLOCK_HZ, UART_IRQ, UART_SIZE, VIRTIO_IRQ_FIRST,
  VIRTIO_SIZE, VIRTIO_SLOTS, hartIsa, virtioSlotBase,
} from '../memory/machine-map.ts';
import { ALL_EXTENSIONS, CACHE_BLOCK_BYTES, Ext } from '../memory/extensions.ts';
import { FdtError, FdtWriter } from './writer.ts';

/**
 * riscv,ndev: the highest PLIC source ID the driver may use (Linux sizes its IRQ domain to ndev + 1
 * and programs sources 1..ndev; ID 0 means "none"). 95 is the last ID of a 96-source PLIC like QEMU
 * virt's; QEMU 7.2's own tree wrote the count, 0x60, one past it. The PLIC must accept IDs 1..95.
 */
const PLIC_NDEV = PLIC_SOURCES - 1;

/** Local interrupt numbers in mip, as the riscv,cpu-intc's one interrupt cell names them. */
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_S_EXT = 9;
const IRQ_M_EXT = 11;

export interface MachineDtOptions {
  /** Number of harts, 1..MAX_HARTS; hart N is cpu@N with reg N. */
  harts: number;
  /** Guest RAM at RAM_BASE, in bytes. */
  memoryBytes: number;
  /** Kernel command line, /chosen/bootargs. */
  bootargs?: string;
  /** Guest physical range of the initrd: /chosen linux,initrd-start and linux,initrd-end (end exclusive). */
  initrd?: { start: bigint; end: bigint };
  /**
   * The optional ISA extensions (memory/extensions.ts Ext bits; all when not given): they make
   * riscv,isa (machine-map.ts hartIsa) and the cache-block sizes of Zicbom and Zicboz.
   */
  extensions?: number;
  /** riscv,isa string, to describe another machine's harts; hartIsa(extensions) when not given. */
  isa?: string;
  /** virtio-mmio slots described, 0..VIRTIO_SLOTS; 8 (all, like QEMU) when not given. */
  virtioSlots?: number;
  /** cpus/timebase-frequency; 10 MHz when not given. */
  timebaseHz?: number;
}

/** riscv,isa split into the newer binding's riscv,isa-base and riscv,isa-extensions. */
export interface IsaParts {
  base: string;
  extensions: string[];
}

/** The single-letter extensions G stands for, and the two Z extensions it has implied since 2019. */
const G_LETTERS = ['i', 'm', 'a', 'f', 'd'];
const G_IMPLIED = ['zicsr', 'zifencei'];

/**
 * Splits an ISA string such as 'rv64imafdc_zicsr_sstc' into base 'rv64i' and extensions
 * ['i','m','a','f','d','c','zicsr','sstc'] (Linux's riscv,isa-extensions binding: lower case, one
 * name each, base letter included). Version suffixes ('i2p1') are dropped; 'g' is expanded.
 */
export function splitIsa(isa: string): IsaParts {
  const text = isa.toLowerCase();
  const head = /^rv(32|64)([a-z0-9]*)(.*)$/.exec(text);
  if (head === null) throw new FdtError('bad-value', `isa ${JSON.stringify(isa)}: must start with rv32 or rv64`);
  const [, xlen, letters, rest] = head as unknown as [string, string, string, string];
  const found: string[] = [];
  /** Z extensions G implies: listed after the single letters, before the explicit ones. */
  const implied: string[] = [];
  const add = (name: string, to: string[] = found): void => {
    if (!found.includes(name) && !implied.includes(name)) to.push(name);
  };
  // Single letters, each with an optional version (digits, optionally 'p' and more digits).
  const single = /([a-z])(?:\d+(?:p\d+)?)?/y;
  for (let at = 0; at < letters.length; at = single.lastIndex) {
    single.lastIndex = at;
    const m = single.exec(letters);
    if (m === null) throw new FdtError('bad-value', `isa ${JSON.stringify(isa)}: cannot read ${JSON.stringify(letters.slice(at))}`);
    if ('szx'.includes(m[1]!)) {
      throw new FdtError('bad-value', `isa ${JSON.stringify(isa)}: multi-letter extensions (s*, z*, x*) go after an underscore`);
    }
    if (m[1] === 'g') {
      G_LETTERS.forEach((l) => add(l));
      G_IMPLIED.forEach((z) => add(z, implied));
    } else {
      add(m[1]!);
    }
  }
  const first = found[0];
  found.push(...implied);
  if (first !== 'i' && first !== 'e') throw new FdtError('bad-value', `isa ${JSON.stringify(isa)}: the first extension must be the base, i or e`);
  // Multi-letter extensions (S*, Z*, X*), '_'-separated, with an optional trailing version ('2p0').
  for (const part of rest.split('_')) {
    if (part === '') continue;
    if (!/^[szx][a-z0-9]*[a-z]$|^[szx][a-z0-9]*[a-z]\d+p\d+$/.test(part)) {
      throw new FdtError('bad-value', `isa ${JSON.stringify(isa)}: ${JSON.stringify(part)} is not a multi-letter extension`);
    }
    add(part.replace(/\d+p\d+$/, ''));
  }
  return { base: `rv${xlen}${first}`, extensions: found };
}

/** A 64-bit value as the two cells of a #address-cells/#size-cells = 2 bus. */
function cells64(value: number | bigint): [number, number] {
  const v = BigInt(value);
  return [Number(v >> 32n), Number(v & 0xffff_ffffn)];
}

/** reg of one window on a two-cell bus. */
function reg(base: number | bigint, size: number | bigint): number[] {
  return [...cells64(base), ...cells64(size)];
}

function hex(n: number): string {
  return n.toString(16);
}

function validate(o: MachineDtOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(o.harts) || o.harts < 1 || o.harts > MAX_HARTS) problems.push(`harts ${o.harts}: must be 1..${MAX_HARTS}`);
  if (!Number.isSafeInteger(o.memoryBytes) || o.memoryBytes <= 0) problems.push(`memoryBytes ${o.memoryBytes}: must be a positive whole number`);
  const slots = o.virtioSlots ?? VIRTIO_SLOTS;
  if (!Number.isInteger(slots) || slots < 0 || slots > VIRTIO_SLOTS) problems.push(`virtioSlots ${slots}: must be 0..${VIRTIO_SLOTS}`);
  const hz = o.timebaseHz ?? TIMEBASE_HZ;
  if (!Number.isInteger(hz) || hz < 1 || hz > 0xffff_ffff) problems.push(`timebaseHz ${hz}: must fit one 32-bit cell`);
  if (o.initrd !== undefined && (o.initrd.start < 0n || o.initrd.end < o.initrd.start)) {
    problems.push(`initrd ${o.initrd.start}..${o.initrd.end}: end must not be below start`);
  }
  return problems;
}

/**
 * Builds the DTB handed to the kernel (or firmware) in a1. The same options always give the same
 * bytes: nodes are written in a fixed order and phandles counted up from 1 in that order.
 */
export function buildMachineDtb(o: MachineDtOptions): Uint8Array {
  const problems = validate(o);
  if (problems.length > 0) throw new FdtError('bad-value', `machine device tree: ${problems.join('; ')}`);
  const extensions = o.extensions ?? ALL_EXTENSIONS;
  const isaString = o.isa ?? hartIsa(extensions);
  const isa = splitIsa(isaString);
  const slots = o.virtioSlots ?? VIRTIO_SLOTS;

  // Phandles, handed out before writing since the CLINT, the PLIC and the power nodes point back.
  let nextPhandle = 1;
  const cpuPhandle: number[] = [];
  const intcPhandle: number[] = [];
  for (let h = 0; h < o.harts; h++) {
    cpuPhandle.push(nextPhandle++);
    intcPhandle.push(nextPhandle++);
  }
  const plicPhandle = nextPhandle++;
  const testPhandle = nextPhandle++;

  const w = new FdtWriter();
  w.beginNode('');
  w.propU32('#address-cells', 2);
  w.propU32('#size-cells', 2);
  w.propString('compatible', 'riscv-virtio');
  w.propString('model', 'riscv-virtio,qemu');

  w.beginNode('chosen');
  if (o.bootargs !== undefined) w.propString('bootargs', o.bootargs);
  w.propString('stdout-path', `/soc/serial@${hex(UART_BASE)}`);
  if (o.initrd !== undefined) {
    w.propU64('linux,initrd-start', o.initrd.start);
    w.propU64('linux,initrd-end', o.initrd.end);
  }
  w.endNode();

  w.beginNode(`memory@${hex(RAM_BASE)}`);
  w.propString('device_type', 'memory');
  w.propCells('reg', reg(RAM_BASE, o.memoryBytes));
  w.endNode();

  w.beginNode('cpus');
  w.propU32('#address-cells', 1);
  w.propU32('#size-cells', 0);
  w.propU32('timebase-frequency', o.timebaseHz ?? TIMEBASE_HZ);
  for (let h = 0; h < o.harts; h++) {
    w.beginNode(`cpu@${hex(h)}`);
    w.propU32('phandle', cpuPhandle[h]!);
    w.propString('device_type', 'cpu');
    w.propU32('reg', h);
    w.propString('status', 'okay');
    w.propString('compatible', 'riscv');
    w.propString('riscv,isa', isaString);
    w.propString('riscv,isa-base', isa.base);
    w.propStrings('riscv,isa-extensions', isa.extensions);
    // Linux uses Zicbom and Zicboz only with their block sizes given (it disables them otherwise).
    if ((extensions & Ext.Zicbom) !== 0) w.propU32('riscv,cbom-block-size', CACHE_BLOCK_BYTES);
    if ((extensions & Ext.Zicboz) !== 0) w.propU32('riscv,cboz-block-size', CACHE_BLOCK_BYTES);
    if ((extensions & Ext.Zicbop) !== 0) w.propU32('riscv,cbop-block-size', CACHE_BLOCK_BYTES);
    // The MMU implements Sv39 and Sv48; the kernel still probes by writing satp.
    w.propString('mmu-type', 'riscv,sv48');
    w.beginNode('interrupt-controller');
    w.propU32('#interrupt-cells', 1);
    w.propEmpty('interrupt-controller');
    w.propString('compatible', 'riscv,cpu-intc');
    w.propU32('phandle', intcPhandle[h]!);
    w.endNode();
    w.endNode();
  }
  // One cluster of single-thread cores, as QEMU describes -smp N.
  w.beginNode('cpu-map');
  w.beginNode('cluster0');
  for (let h = 0; h < o.harts; h++) {
    w.beginNode(`core${h}`);
    w.propU32('cpu', cpuPhandle[h]!);
    w.endNode();
  }
  w.endNode();
  w.endNode();
  w.endNode(); // cpus

  w.beginNode('soc');
  w.propU32('#address-cells', 2);
  w.propU32('#size-cells', 2);
  w.propString('compatible', 'simple-bus');
  w.propEmpty('ranges'); // soc addresses are guest physical addresses

  w.beginNode(`test@${hex(FINISHER_BASE)}`);
  w.propU32('phandle', testPhandle);
  w.propCells('reg', reg(FINISHER_BASE, FINISHER_SIZE));
  w.propStrings('compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
  w.endNode();

  w.beginNode(`rtc@${hex(RTC_BASE)}`);
  w.propU32('interrupts', RTC_IRQ);
  w.propU32('interrupt-parent', plicPhandle);
  w.propCells('reg', reg(RTC_BASE, RTC_SIZE));
  w.propString('compatible', 'google,goldfish-rtc');
  w.endNode();

  w.beginNode(`clint@${hex(CLINT_BASE)}`);
  // Per hart, in hart order: machine software (msip) and machine timer (mtimecmp) interrupts.
  w.propCells('interrupts-extended', intcPhandle.flatMap((p) => [p, IRQ_M_SOFT, p, IRQ_M_TIMER]));
  w.propCells('reg', reg(CLINT_BASE, CLINT_SIZE));
  w.propStrings('compatible', ['sifive,clint0', 'riscv,clint0']);
  w.endNode();

  w.beginNode(`plic@${hex(PLIC_BASE)}`);
  w.propU32('phandle', plicPhandle);
  w.propU32('riscv,ndev', PLIC_NDEV);
  w.propCells('reg', reg(PLIC_BASE, PLIC_SIZE));
  // Contexts 2h and 2h+1 are hart h's M-mode and S-mode external interrupt, as on QEMU virt.
  w.propCells('interrupts-extended', intcPhandle.flatMap((p) => [p, IRQ_M_EXT, p, IRQ_S_EXT]));
  w.propEmpty('interrupt-controller');
  w.propStrings('compatible', ['sifive,plic-1.0.0', 'riscv,plic0']);
  w.propU32('#address-cells', 0);
  w.propU32('#interrupt-cells', 1);
  w.endNode();

  w.beginNode(`serial@${hex(UART_BASE)}`);
  w.propU32('interrupts', UART_IRQ);
  w.propU32('interrupt-parent', plicPhandle);
  w.propU32('clock-frequency', UART_CLOCK_HZ);
  w.propCells('reg', reg(UART_BASE, UART_SIZE));
  w.propString('compatible', 'ns16550a');
  w.endNode();

  // Highest slot first, as QEMU lists them, so a guest meets the slots in the order it does on QEMU.
  for (let n = slots - 1; n >= 0; n--) {
    const base = virtioSlotBase(n);
    w.beginNode(`virtio_mmio@${hex(base)}`);
    w.propU32('interrupts', VIRTIO_IRQ_FIRST + n);
    w.propU32('interrupt-parent', plicPhandle);
    w.propCells('reg', reg(base, VIRTIO_SIZE));
    w.propString('compatible', 'virtio,mmio');
    w.endNode();
  }
  w.endNode(); // soc

  // Power off and reset through the test device's register, as QEMU virt describes them.
  w.beginNode('poweroff');
  w.propU32('value', FinisherCode.Pass);
  w.propU32('offset', 0);
  w.propU32('regmap', testPhandle);
  w.propString('compatible', 'syscon-poweroff');
  w.endNode();

  w.beginNode('reboot');
  w.propU32('value', FinisherCode.Reset);
  w.propU32('offset', 0);
  w.propU32('regmap', testPhandle);
  w.propString('compatible', 'syscon-reboot');
  w.endNode();

  w.endNode(); // root
  // Hart 0 boots first under every boot path (the others wait for HSM hart_start or spin).
  return w.finish({ bootCpuId: 0 });
}

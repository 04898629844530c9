import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FdtError, FdtWriter } from '../../src/fdt/writer.ts';

const HAS_DTC = spawnSync('dtc', ['--version']).status === 0;
if (!HAS_DTC) console.warn('test/fdt: dtc not found, skipping the dtc round trip (apt-get install device-tree-compiler, as scripts/setup.sh does)');

interface Header {
  magic: number;
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  sizeDtStruct: number;
}

function header(blob: Uint8Array): Header {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const u = (i: number): number => v.getUint32(i * 4);
  return {
    magic: u(0), totalsize: u(1), offDtStruct: u(2), offDtStrings: u(3), offMemRsvmap: u(4),
    version: u(5), lastCompVersion: u(6), bootCpuidPhys: u(7), sizeDtStrings: u(8), sizeDtStruct: u(9),
  };
}

/** One decoded structure-block token, with the offset it starts at. */
type Token =
  | { at: number; kind: 'begin'; name: string }
  | { at: number; kind: 'end' }
  | { at: number; kind: 'prop'; name: string; value: Uint8Array }
  | { at: number; kind: 'fin' };

/** An independent reader of the structure block: walks the tokens the way the spec describes. */
function tokens(blob: Uint8Array): Token[] {
  const h = header(blob);
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const dec = new TextDecoder();
  const cstr = (at: number): string => dec.decode(blob.subarray(at, blob.indexOf(0, at)));
  const out: Token[] = [];
  let at = h.offDtStruct;
  const end = h.offDtStruct + h.sizeDtStruct;
  while (at < end) {
    const tag = v.getUint32(at);
    const start = at;
    at += 4;
    if (tag === 1) {
      const name = cstr(at);
      at += (name.length + 1 + 3) & ~3;
      out.push({ at: start, kind: 'begin', name });
    } else if (tag === 2) {
      out.push({ at: start, kind: 'end' });
    } else if (tag === 3) {
      const len = v.getUint32(at);
      const nameoff = v.getUint32(at + 4);
      const value = blob.slice(at + 8, at + 8 + len);
      at += 8 + ((len + 3) & ~3);
      out.push({ at: start, kind: 'prop', name: cstr(h.offDtStrings + nameoff), value });
    } else if (tag === 9) {
      out.push({ at: start, kind: 'fin' });
    } else {
      throw new Error(`unknown token ${tag} at ${start}`);
    }
  }
  return out;
}

function fdtError(fn: () => void): FdtError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FdtError) return err;
    throw err;
  }
  throw new Error('expected an FdtError');
}

/** A small tree using every property kind. */
function sampleTree(): FdtWriter {
  const w = new FdtWriter();
  w.beginNode('');
  w.propU32('#address-cells', 2);
  w.propU32('#size-cells', 2);
  w.propStrings('compatible', ['acme,board', 'acme,family']);
  w.beginNode('chosen');
  w.propString('bootargs', 'console=ttyS0 quiet');
  w.propU64('linux,initrd-start', 0x1_2345_6789n);
  w.endNode();
  w.beginNode('uart@10000000');
  w.propCells('reg', [0, 0x1000_0000, 0, 0x100]);
  w.propString('compatible', 'ns16550a');
  w.propBytes('blob', new Uint8Array([1, 2, 3, 4, 5]));
  w.propEmpty('dma-coherent');
  w.endNode();
  w.endNode();
  return w;
}

describe('FdtWriter header and layout', () => {
  it('writes a version 17 header whose offsets and sizes describe the blob', () => {
    const blob = sampleTree().finish({ bootCpuId: 3 });
    const h = header(blob);
    expect(h.magic).toBe(0xd00dfeed);
    expect(h.totalsize).toBe(blob.length);
    expect(h.version).toBe(17);
    expect(h.lastCompVersion).toBe(16);
    expect(h.bootCpuidPhys).toBe(3);
    expect(h.offMemRsvmap).toBe(40);
    expect(h.offDtStruct).toBe(40 + 16); // just the (0, 0) terminator
    expect(h.offDtStrings).toBe(h.offDtStruct + h.sizeDtStruct);
    expect(h.offDtStrings + h.sizeDtStrings).toBe(blob.length);
  });

  it('defaults boot_cpuid_phys to 0', () => {
    expect(header(sampleTree().finish()).bootCpuidPhys).toBe(0);
  });

  it('aligns the reservation block to 8 and every structure token to 4, padding with zeros', () => {
    const w = new FdtWriter();
    w.beginNode('');
    w.beginNode('abc'); // 3 chars + NUL: no padding
    w.propBytes('p5', new Uint8Array([9, 9, 9, 9, 9])); // 5 bytes: 3 of padding
    w.endNode();
    w.beginNode('abcd'); // 4 chars + NUL: 3 of padding
    w.propEmpty('e');
    w.endNode();
    w.endNode();
    const blob = w.finish();
    const h = header(blob);
    expect(h.offMemRsvmap % 8).toBe(0);
    expect(h.offDtStruct % 4).toBe(0);
    expect(h.sizeDtStruct % 4).toBe(0);
    const toks = tokens(blob);
    for (const t of toks) expect(t.at % 4).toBe(0);
    expect(toks.map((t) => t.kind)).toEqual(['begin', 'begin', 'prop', 'end', 'begin', 'prop', 'end', 'end', 'fin']);
    // Padding after "abcd\0" and after the 5-byte value is zero.
    const abcd = toks[4]!;
    expect([...blob.subarray(abcd.at + 4, abcd.at + 12)]).toEqual([0x61, 0x62, 0x63, 0x64, 0, 0, 0, 0]);
    const p5 = toks[2]!;
    expect([...blob.subarray(p5.at + 12, p5.at + 20)]).toEqual([9, 9, 9, 9, 9, 0, 0, 0]);
    expect(toks[toks.length - 1]!.at + 4).toBe(h.offDtStruct + h.sizeDtStruct);
  });

  it('encodes each property kind big-endian, as the spec lays it out', () => {
    const toks = tokens(sampleTree().finish());
    const prop = (name: string): number[] => {
      const t = toks.find((x) => x.kind === 'prop' && x.name === name);
      if (t === undefined || t.kind !== 'prop') throw new Error(`no ${name}`);
      return [...t.value];
    };
    expect(prop('#address-cells')).toEqual([0, 0, 0, 2]);
    expect(prop('linux,initrd-start')).toEqual([0, 0, 0, 1, 0x23, 0x45, 0x67, 0x89]);
    expect(prop('reg')).toEqual([0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(Buffer.from(prop('compatible')).toString('latin1')).toBe('acme,board\0acme,family\0');
    expect(Buffer.from(prop('bootargs')).toString('latin1')).toBe('console=ttyS0 quiet\0');
    expect(prop('blob')).toEqual([1, 2, 3, 4, 5]);
    expect(prop('dma-coherent')).toEqual([]);
    const root = toks[0]!;
    expect(root.kind === 'begin' && root.name).toBe('');
  });

  it('stores each property name once in the strings block', () => {
    const w = new FdtWriter();
    w.beginNode('');
    w.propString('compatible', 'a');
    for (const n of ['x@1', 'x@2', 'x@3']) {
      w.beginNode(n);
      w.propString('compatible', 'b');
      w.propU32('reg', 1);
      w.endNode();
    }
    w.endNode();
    const blob = w.finish();
    const h = header(blob);
    const strings = Buffer.from(blob.subarray(h.offDtStrings, h.offDtStrings + h.sizeDtStrings)).toString('latin1');
    expect(strings).toBe('compatible\0reg\0');
    const names = tokens(blob).flatMap((t) => (t.kind === 'prop' ? [t.name] : []));
    expect(names).toEqual(['compatible', 'compatible', 'reg', 'compatible', 'reg', 'compatible', 'reg']);
  });

  it('writes memory reservations before the (0, 0) terminator', () => {
    const w = new FdtWriter();
    w.reserveMemory(0x8000_0000n, 0x20_0000n);
    w.beginNode('');
    w.endNode();
    const blob = w.finish();
    const v = new DataView(blob.buffer);
    const h = header(blob);
    expect(v.getBigUint64(h.offMemRsvmap)).toBe(0x8000_0000n);
    expect(v.getBigUint64(h.offMemRsvmap + 8)).toBe(0x20_0000n);
    expect(v.getBigUint64(h.offMemRsvmap + 16)).toBe(0n);
    expect(v.getBigUint64(h.offMemRsvmap + 24)).toBe(0n);
    expect(h.offDtStruct).toBe(h.offMemRsvmap + 32);
  });

  it('gives the same bytes for the same calls', () => {
    expect(sampleTree().finish()).toEqual(sampleTree().finish());
  });
});

describe('FdtWriter validation', () => {
  it('throws on endNode with no node open', () => {
    const w = new FdtWriter();
    expect(fdtError(() => w.endNode()).kind).toBe('unbalanced');
    w.beginNode('');
    w.endNode();
    expect(fdtError(() => w.endNode()).kind).toBe('unbalanced');
  });

  it('throws on finish with nodes still open, naming the innermost', () => {
    const w = new FdtWriter();
    w.beginNode('');
    w.beginNode('soc');
    const err = fdtError(() => w.finish());
    expect(err.kind).toBe('unbalanced');
    expect(err.message).toContain('/soc');
  });

  it('throws on finish with no root node', () => {
    expect(fdtError(() => new FdtWriter().finish()).kind).toBe('unbalanced');
  });

  it('refuses a second root and a named root', () => {
    const w = new FdtWriter();
    expect(fdtError(() => w.beginNode('root')).kind).toBe('bad-name');
    w.beginNode('');
    w.endNode();
    expect(fdtError(() => w.beginNode('')).kind).toBe('order');
  });

  it('refuses properties after subnodes, outside nodes, and twice in a node', () => {
    const w = new FdtWriter();
    expect(fdtError(() => w.propU32('x', 1)).kind).toBe('order');
    w.beginNode('');
    w.propU32('x', 1);
    expect(fdtError(() => w.propU32('x', 2)).kind).toBe('duplicate');
    w.beginNode('child');
    w.endNode();
    expect(fdtError(() => w.propU32('y', 1)).kind).toBe('order');
    expect(fdtError(() => w.beginNode('child')).kind).toBe('duplicate');
  });

  it('refuses names the spec does not allow and values that do not fit', () => {
    const w = new FdtWriter();
    w.beginNode('');
    expect(fdtError(() => w.beginNode('has space')).kind).toBe('bad-name');
    expect(fdtError(() => w.beginNode('a'.repeat(32))).kind).toBe('bad-name');
    expect(fdtError(() => w.beginNode('')).kind).toBe('bad-name');
    expect(fdtError(() => w.propU32('bad name', 1)).kind).toBe('bad-name');
    expect(fdtError(() => w.propU32('big', 2 ** 32)).kind).toBe('bad-value');
    expect(fdtError(() => w.propU32('neg', -1)).kind).toBe('bad-value');
    expect(fdtError(() => w.propU32('frac', 1.5)).kind).toBe('bad-value');
    expect(fdtError(() => w.propU64('big64', 1n << 64n)).kind).toBe('bad-value');
    expect(fdtError(() => w.propString('nul', 'a\0b')).kind).toBe('bad-value');
    w.beginNode('ok@1,2');
    w.propU32('#ok,name+-_.?', 0xffff_ffff);
    w.endNode();
    w.endNode();
    w.finish();
  });

  it('cannot be used after finish', () => {
    const w = new FdtWriter();
    w.beginNode('');
    w.endNode();
    w.finish();
    expect(fdtError(() => w.finish()).kind).toBe('finished');
    expect(fdtError(() => w.beginNode('')).kind).toBe('finished');
  });
});

describe.skipIf(!HAS_DTC)(`FdtWriter through dtc${HAS_DTC ? '' : ' (skipped: dtc is not installed)'}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hartvm-fdt-writer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decompiles cleanly, and dtc compiles its decompilation back to the same bytes', () => {
    const blob = sampleTree().finish();
    const dtbPath = join(dir, 'sample.dtb');
    const dtsPath = join(dir, 'sample.dts');
    const againPath = join(dir, 'again.dtb');
    writeFileSync(dtbPath, blob);
    const dec = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-o', dtsPath, dtbPath], { encoding: 'utf8' });
    expect(dec.stderr).toBe('');
    expect(dec.status).toBe(0);
    const dts = readFileSync(dtsPath, 'utf8');
    expect(dts).toContain('compatible = "acme,board\\0acme,family";');
    expect(dts).toContain('bootargs = "console=ttyS0 quiet";');
    expect(dts).toContain('linux,initrd-start = <0x01 0x23456789>;');
    expect(dts).toContain('reg = <0x00 0x10000000 0x00 0x100>;');
    expect(dts).toContain('blob = [01 02 03 04 05];');
    expect(dts).toContain('dma-coherent;');
    expect(dts).toMatch(/uart@10000000 \{/);
    const enc = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-o', againPath, dtsPath], { encoding: 'utf8' });
    expect(enc.status).toBe(0);
    expect(new Uint8Array(readFileSync(againPath))).toEqual(blob);
  });
});

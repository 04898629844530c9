/**
 * @fileoverview FdtWriter: builds a flattened device tree blob (Devicetree Specification v0.4,
 * chapter 5) node by node, in the order the nodes and properties are given, with property names
 * shared through one de-duplicated strings block. Every field is big-endian.
 *
 * Blob layout written by finish():
 *   0x00  header (10 big-endian u32, 40 bytes)
 *   0x28  memory reservation block: (address, size) u64 pairs, 8-byte aligned, ended by (0, 0)
 *   ....  structure block: FDT_BEGIN_NODE / FDT_PROP / FDT_END_NODE tokens ... FDT_END, 4-byte aligned
 *   ....  strings block: NUL-terminated property names, no alignment
 */

/** FDT header magic (spec 5.2). */
const FDT_MAGIC = 0xd00d_feed;
/** The format version written: 17 is the current one, and the one Linux and OpenSBI expect. */
const FDT_VERSION = 17;
/** Version 17 blobs can be read by any reader of version 16 or later (spec 5.2: last_comp_version). */
const FDT_LAST_COMP_VERSION = 16;
/** Ten u32 fields in a version 17 header. */
const HEADER_BYTES = 40;

/** Structure block tokens (spec 5.4.1). */
const enum Token {
  BeginNode = 0x1,
  EndNode = 0x2,
  Prop = 0x3,
  End = 0x9,
}

/**
 * Node names: 1-31 characters from the spec's table 2.1, then an optional `@unit-address`
 * (spec 2.2.1). The root node alone has the empty name.
 */
const NODE_NAME = /^[A-Za-z0-9,._+-]{1,31}(@[A-Za-z0-9,._+-]+)?$/;
/** Property names: 1-31 characters from the spec's table 2.2. */
const PROPERTY_NAME = /^[A-Za-z0-9,._+?#-]{1,31}$/;

export type FdtErrorKind =
  /** endNode() without a node open, finish() with nodes still open, or no root node. */
  | 'unbalanced'
  /** A node or property name the spec does not allow. */
  | 'bad-name'
  /** A value that does not fit its encoding (a u32 out of range, a string with NUL). */
  | 'bad-value'
  /** The same property twice in a node, or two sibling nodes of the same name. */
  | 'duplicate'
  /** A property after a subnode, a property outside any node, or a second root. */
  | 'order'
  /** The writer was used after finish(). */
  | 'finished';

/** A device tree the writer refused to build, and why. */
export class FdtError extends Error {
  constructor(
    readonly kind: FdtErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'FdtError';
  }
}

/** What the writer remembers about each open node, to validate what comes next. */
interface OpenNode {
  path: string;
  properties: Set<string>;
  children: Set<string>;
  /** Set once a subnode has been begun: properties must all come before subnodes (spec 5.4.2). */
  hasChildren: boolean;
}

/** A big-endian byte sink that grows by doubling. */
class ByteSink {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0);
    this.length += 4;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Zero bytes up to the next multiple of 4: every token starts 4-byte aligned (spec 5.4.2). */
  pad4(): void {
    const pad = (4 - (this.length & 3)) & 3;
    this.reserve(pad);
    this.bytes.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  view8(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

const utf8 = new TextEncoder();

/** `text` followed by one NUL byte; refuses text that holds a NUL itself. */
function cString(text: string, what: string): Uint8Array {
  if (text.includes('\0')) throw new FdtError('bad-value', `${what}: strings may not contain NUL`);
  const body = utf8.encode(text);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
}

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new FdtError('bad-value', `${what}: ${value} is not a 32-bit unsigned integer`);
  }
}

/**
 * Builds one FDT. Begin the root with beginNode(''), give each node its properties before its
 * subnodes, close every node, then finish(). Output depends only on the calls made, so the same
 * calls always give the same bytes.
 */
export class FdtWriter {
  private readonly struct = new ByteSink();
  private readonly strings = new ByteSink();
  /** Property name → its offset in the strings block, so each name is stored once. */
  private readonly stringOffsets = new Map<string, number>();
  private readonly reservations: Array<{ address: bigint; size: bigint }> = [];
  private readonly stack: OpenNode[] = [];
  private rootDone = false;
  private finished = false;

  /** Opens a node: '' for the root, otherwise `name` or `name@unit-address` inside the open node. */
  beginNode(name: string): void {
    this.checkOpen();
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      if (this.rootDone) throw new FdtError('order', `beginNode(${JSON.stringify(name)}): the root node is already closed; a tree has one root`);
      if (name !== '') throw new FdtError('bad-name', `beginNode(${JSON.stringify(name)}): the root node must be named '' (empty)`);
    } else {
      if (!NODE_NAME.test(name)) throw new FdtError('bad-name', `beginNode(${JSON.stringify(name)}) in ${parent.path}: not a valid node name`);
      if (parent.children.has(name)) throw new FdtError('duplicate', `beginNode: ${parent.path} already has a node ${name}`);
      parent.children.add(name);
      parent.hasChildren = true;
    }
    const path = parent === undefined ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
    this.stack.push({ path, properties: new Set(), children: new Set(), hasChildren: false });
    this.struct.u32(Token.BeginNode);
    this.struct.raw(cString(name, 'node name'));
    this.struct.pad4();
  }

  /** Closes the node opened last. */
  endNode(): void {
    this.checkOpen();
    const node = this.stack.pop();
    if (node === undefined) throw new FdtError('unbalanced', 'endNode() with no node open');
    if (this.stack.length === 0) this.rootDone = true;
    this.struct.u32(Token.EndNode);
  }

  /** A single 32-bit cell. */
  propU32(name: string, value: number): void {
    this.propU32s(name, [value]);
  }

  /** An array of 32-bit cells (`<a b c>` in DTS). */
  propU32s(name: string, values: number[]): void {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    values.forEach((v, i) => {
      checkU32(v, `property ${name}[${i}]`);
      view.setUint32(i * 4, v);
    });
    this.prop(name, data);
  }

  /** Cells, such as reg or interrupts-extended: the same encoding as propU32s. */
  propCells(name: string, cells: number[]): void {
    this.propU32s(name, cells);
  }

  /** A 64-bit value as two cells, high first (`/bits/ 64 <v>`). */
  propU64(name: string, value: bigint): void {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn) throw new FdtError('bad-value', `property ${name}: ${value} is not a 64-bit unsigned integer`);
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigUint64(0, value);
    this.prop(name, data);
  }

  /** One NUL-terminated string. */
  propString(name: string, value: string): void {
    this.prop(name, cString(value, `property ${name}`));
  }

  /** A string list, such as compatible: each string NUL-terminated, back to back. */
  propStrings(name: string, values: string[]): void {
    const parts = values.map((v) => cString(v, `property ${name}`));
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    this.prop(name, data);
  }

  /** Raw bytes, stored as given. */
  propBytes(name: string, bytes: Uint8Array): void {
    this.prop(name, bytes);
  }

  /** A property with no value (a flag such as interrupt-controller or ranges). */
  propEmpty(name: string): void {
    this.prop(name, new Uint8Array(0));
  }

  /** Adds a memory reservation block entry (spec 5.3): a range the client must not allocate. */
  reserveMemory(address: bigint, size: bigint): void {
    this.checkOpen();
    const max = 0xffff_ffff_ffff_ffffn;
    if (address < 0n || address > max || size <= 0n || size > max) {
      throw new FdtError('bad-value', `reserveMemory(${address}, ${size}): address and size must be 64-bit, size above 0`);
    }
    this.reservations.push({ address, size });
  }

  /**
   * Lays out header, reservation block, structure block and strings block and returns the blob.
   * bootCpuId is the header's boot_cpuid_phys (the reg of the boot CPU), 0 unless given.
   */
  finish(opts: { bootCpuId?: number } = {}): Uint8Array {
    this.checkOpen();
    if (this.stack.length > 0) {
      throw new FdtError('unbalanced', `finish() with ${this.stack.length} node(s) still open, innermost ${this.stack[this.stack.length - 1]!.path}`);
    }
    if (!this.rootDone) throw new FdtError('unbalanced', 'finish() before any root node was written');
    const bootCpuId = opts.bootCpuId ?? 0;
    checkU32(bootCpuId, 'bootCpuId');
    this.finished = true;
    this.struct.u32(Token.End);

    const offRsvmap = HEADER_BYTES; // 40 is a multiple of 8, as the reservation block needs
    const rsvBytes = (this.reservations.length + 1) * 16;
    const offStruct = offRsvmap + rsvBytes;
    const structBytes = this.struct.length;
    const offStrings = offStruct + structBytes;
    const stringBytes = this.strings.length;
    const total = offStrings + stringBytes;

    const blob = new Uint8Array(total);
    const view = new DataView(blob.buffer);
    const header = [
      FDT_MAGIC, total, offStruct, offStrings, offRsvmap,
      FDT_VERSION, FDT_LAST_COMP_VERSION, bootCpuId, stringBytes, structBytes,
    ];
    header.forEach((v, i) => view.setUint32(i * 4, v));
    this.reservations.forEach((r, i) => {
      view.setBigUint64(offRsvmap + i * 16, r.address);
      view.setBigUint64(offRsvmap + i * 16 + 8, r.size);
    });
    // The terminating (0, 0) entry is already zero.
    blob.set(this.struct.view8(), offStruct);
    blob.set(this.strings.view8(), offStrings);
    return blob;
  }

  private prop(name: string, data: Uint8Array): void {
    this.checkOpen();
    const node = this.stack[this.stack.length - 1];
    if (node === undefined) throw new FdtError('order', `property ${name}: no node is open`);
    if (!PROPERTY_NAME.test(name)) throw new FdtError('bad-name', `property ${JSON.stringify(name)} in ${node.path}: not a valid property name`);
    if (node.hasChildren) throw new FdtError('order', `property ${name} in ${node.path}: properties must come before subnodes`);
    if (node.properties.has(name)) throw new FdtError('duplicate', `property ${name} given twice in ${node.path}`);
    node.properties.add(name);
    this.struct.u32(Token.Prop);
    this.struct.u32(data.length);
    this.struct.u32(this.nameOffset(name));
    this.struct.raw(data);
    this.struct.pad4();
  }

  private nameOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.strings.raw(cString(name, 'property name'));
      this.stringOffsets.set(name, off);
    }
    return off;
  }

  private checkOpen(): void {
    if (this.finished) throw new FdtError('finished', 'the device tree is already finished');
  }
}

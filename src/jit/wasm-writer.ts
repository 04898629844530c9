/**
 * @fileoverview A small WebAssembly binary writer: the byte-level encoding (LEB128, sections,
 * instructions) that the JIT's module builders use. It knows the binary format and nothing of
 * RISC-V. Only what the JIT needs is here: function types, imports of a shared memory, a table,
 * functions and globals, defined functions, exports and code.
 */

/** Value types. */
export const enum Type {
  I32 = 0x7f,
  I64 = 0x7e,
  F64 = 0x7c,
}

/** The opcodes the JIT emits (WebAssembly core spec, section 5.4; 0xfe: the threads proposal). */
export const enum Op {
  Unreachable = 0x00,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  CallIndirect = 0x11,
  Drop = 0x1a,
  Select = 0x1b,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  GlobalGet = 0x23,
  GlobalSet = 0x24,
  I32Load = 0x28,
  I64Load = 0x29,
  F64Load = 0x2b,
  I64Load8S = 0x30,
  I64Load8U = 0x31,
  I64Load16S = 0x32,
  I64Load16U = 0x33,
  I64Load32S = 0x34,
  I64Load32U = 0x35,
  I32Store = 0x36,
  I64Store = 0x37,
  F64Store = 0x39,
  I64Store8 = 0x3c,
  I64Store16 = 0x3d,
  I64Store32 = 0x3e,
  I32Const = 0x41,
  I64Const = 0x42,
  F64Const = 0x44,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtS = 0x48,
  I32LtU = 0x49,
  I32GeS = 0x4e,
  I64Eqz = 0x50,
  I64Eq = 0x51,
  I64Ne = 0x52,
  I64LtS = 0x53,
  I64LtU = 0x54,
  I64GtS = 0x55,
  I64GtU = 0x56,
  I64GeS = 0x59,
  I64GeU = 0x5a,
  F64Eq = 0x61,
  F64Ne = 0x62,
  F64Lt = 0x63,
  F64Gt = 0x64,
  F64Le = 0x65,
  F64Ge = 0x66,
  I32Clz = 0x67,
  I32Ctz = 0x68,
  I32Popcnt = 0x69,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32DivS = 0x6d,
  I32DivU = 0x6e,
  I32RemS = 0x6f,
  I32RemU = 0x70,
  I32And = 0x71,
  I32Or = 0x72,
  I32Xor = 0x73,
  I32Shl = 0x74,
  I32ShrS = 0x75,
  I32ShrU = 0x76,
  I32Rotl = 0x77,
  I32Rotr = 0x78,
  I64Clz = 0x79,
  I64Ctz = 0x7a,
  I64Popcnt = 0x7b,
  I64Add = 0x7c,
  I64Sub = 0x7d,
  I64Mul = 0x7e,
  I64DivS = 0x7f,
  I64DivU = 0x80,
  I64RemS = 0x81,
  I64RemU = 0x82,
  I64And = 0x83,
  I64Or = 0x84,
  I64Xor = 0x85,
  I64Shl = 0x86,
  I64ShrS = 0x87,
  I64ShrU = 0x88,
  I64Rotl = 0x89,
  I64Rotr = 0x8a,
  F64Abs = 0x99,
  F64Neg = 0x9a,
  F64Ceil = 0x9b,
  F64Floor = 0x9c,
  F64Trunc = 0x9d,
  F64Nearest = 0x9e,
  F64Sqrt = 0x9f,
  F64Add = 0xa0,
  F64Sub = 0xa1,
  F64Mul = 0xa2,
  F64Div = 0xa3,
  F64Min = 0xa4,
  F64Max = 0xa5,
  I32WrapI64 = 0xa7,
  I32TruncF64S = 0xaa,
  I32TruncF64U = 0xab,
  I64ExtendI32S = 0xac,
  I64ExtendI32U = 0xad,
  I64TruncF64S = 0xb0,
  I64TruncF64U = 0xb1,
  F64ConvertI32S = 0xb7,
  F64ConvertI32U = 0xb8,
  F64ConvertI64S = 0xb9,
  F64ConvertI64U = 0xba,
  I64Extend8S = 0xc2,
  I64Extend16S = 0xc3,
  I64ReinterpretF64 = 0xbd,
  F64ReinterpretI64 = 0xbf,
  /** Prefix of the saturating conversions (and bulk memory). */
  Misc = 0xfc,
  /** Prefix of the atomic instructions. */
  Atomic = 0xfe,
}

/** Sub-opcodes after Op.Misc. */
export const enum MiscOp {
  I64TruncSatF64S = 0x06,
  I64TruncSatF64U = 0x07,
}

/** Sub-opcodes after Op.Atomic. */
export const enum AtomicOp {
  Fence = 0x03,
  I32Load = 0x10,
  I64Load = 0x11,
  I32Store = 0x17,
  I64Store = 0x18,
  I32RmwAdd = 0x1e,
  I64RmwAdd = 0x1f,
  I32RmwAnd = 0x2c,
  I64RmwAnd = 0x2d,
  I32RmwOr = 0x33,
  I64RmwOr = 0x34,
  I32RmwXor = 0x3a,
  I64RmwXor = 0x3b,
  I32RmwXchg = 0x41,
  I64RmwXchg = 0x42,
  I32RmwCmpxchg = 0x48,
  I64RmwCmpxchg = 0x49,
}

/** A growable byte buffer with the format's integer encodings. */
export class ByteWriter {
  private bytes: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  length = 0;

  byte(b: number): this {
    if (this.length === this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = b;
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  u32(v: number): this {
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of an int32. */
  s32(v: number): this {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  /**
   * Signed LEB128 of a 64-bit value: a safe-integer number (the common case, kept off BigInt because
   * translation speed matters), or a bigint (any value, taken modulo 2^64).
   */
  s64(value: bigint | number): this {
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      let v = value;
      for (;;) {
        const b = v - Math.floor(v / 128) * 128; // v mod 128, in 0..127 also for negative v
        v = Math.floor(v / 128); // an arithmetic shift right by 7
        if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
        this.byte(b | 0x80);
      }
    }
    let v = BigInt.asIntN(64, BigInt(value));
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  bytesOf(other: ByteWriter): this {
    let size = this.bytes.length;
    while (size < this.length + other.length) size *= 2;
    if (size !== this.bytes.length) {
      const bigger = new Uint8Array(size);
      bigger.set(this.bytes.subarray(0, this.length));
      this.bytes = bigger;
    }
    this.bytes.set(other.bytes.subarray(0, other.length), this.length);
    this.length += other.length;
    return this;
  }

  name(s: string): this {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
    return this;
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.bytes.slice(0, this.length) as Uint8Array<ArrayBuffer>;
  }
}

/** A function body under construction: locals, then instructions. */
export class FunctionBody {
  readonly code = new ByteWriter();
  /** How many blocks, loops and ifs are open: a `br` to the one opened at depth d is br(depth - 1 - d). */
  depth = 0;
  private readonly localGroups: [number, Type][] = [];

  /** Declares `count` locals of `type` after the parameters and earlier locals. */
  locals(count: number, type: Type): void {
    if (count > 0) this.localGroups.push([count, type]);
  }

  op(o: Op): this { this.code.byte(o); return this; }
  i32(v: number): this { this.code.byte(Op.I32Const).s32(v); return this; }
  i64(v: bigint | number): this { this.code.byte(Op.I64Const).s64(v); return this; }
  f64(v: number): this {
    this.code.byte(Op.F64Const);
    const bytes = new Uint8Array(new Float64Array([v]).buffer); // little-endian, as wasm wants
    for (const b of bytes) this.code.byte(b);
    return this;
  }
  get(local: number): this { this.code.byte(Op.LocalGet).u32(local); return this; }
  set(local: number): this { this.code.byte(Op.LocalSet).u32(local); return this; }
  tee(local: number): this { this.code.byte(Op.LocalTee).u32(local); return this; }
  globalGet(g: number): this { this.code.byte(Op.GlobalGet).u32(g); return this; }
  globalSet(g: number): this { this.code.byte(Op.GlobalSet).u32(g); return this; }
  call(f: number): this { this.code.byte(Op.Call).u32(f); return this; }
  /** Calls through table 0 the function whose index is on top of the stack, checked against `type`. */
  callIndirect(type: number): this { this.code.byte(Op.CallIndirect).u32(type).u32(0); return this; }
  br(depth: number): this { this.code.byte(Op.Br).u32(depth); return this; }
  brIf(depth: number): this { this.code.byte(Op.BrIf).u32(depth); return this; }
  /** Branches to depths[i] for the i32 i on the stack, to `otherwise` when i is out of range. */
  brTable(depths: readonly number[], otherwise: number): this {
    this.code.byte(Op.BrTable).u32(depths.length);
    for (const d of depths) this.code.u32(d);
    this.code.u32(otherwise);
    return this;
  }
  /** A load or store with its alignment hint (log2 bytes) and constant offset. */
  mem(o: Op, alignLog2: number, offset: number): this { this.code.byte(o).u32(alignLog2).u32(offset); return this; }
  atomic(o: AtomicOp, alignLog2: number, offset: number): this { this.code.byte(Op.Atomic).u32(o).u32(alignLog2).u32(offset); return this; }
  misc(o: MiscOp): this { this.code.byte(Op.Misc).u32(o); return this; }
  fence(): this { this.code.byte(Op.Atomic).u32(AtomicOp.Fence).byte(0); return this; }
  /** Starts a block, loop or if with no result (0x40) or one result type. */
  begin(o: Op.Block | Op.Loop | Op.If, result?: Type): this { this.code.byte(o).byte(result ?? 0x40); this.depth++; return this; }
  end(): this { this.code.byte(Op.End); this.depth--; return this; }

  /** The body as it goes in the code section: size, locals, instructions, end. */
  encode(out: ByteWriter): void {
    const body = new ByteWriter();
    body.u32(this.localGroups.length);
    for (const [n, t] of this.localGroups) body.u32(n).byte(t);
    body.bytesOf(this.code).byte(Op.End);
    out.u32(body.length).bytesOf(body);
  }
}

export interface FuncType { params: Type[]; results: Type[] }

export type Import =
  | { module: string; name: string; kind: 'memory'; shared: true; min: number; max: number }
  | { module: string; name: string; kind: 'table'; min: number }
  | { module: string; name: string; kind: 'func'; type: number }
  | { module: string; name: string; kind: 'global'; type: Type; mutable: boolean };

/**
 * Assembles a module from types, imports, functions (type index + body), function exports, and
 * element segments: functions (by index) stored into a table from `offset` on at instantiation.
 */
export function buildModule(parts: {
  types: FuncType[];
  imports: Import[];
  functions: { type: number; body: FunctionBody }[];
  exports: { name: string; func: number }[];
  elements?: { table: number; offset: number; funcs: number[] }[];
}): Uint8Array<ArrayBuffer> {
  const out = new ByteWriter();
  out.byte(0x00).byte(0x61).byte(0x73).byte(0x6d).byte(0x01).byte(0x00).byte(0x00).byte(0x00);
  const section = (id: number, write: (s: ByteWriter) => void): void => {
    const s = new ByteWriter();
    write(s);
    out.byte(id).u32(s.length).bytesOf(s);
  };
  section(1, (s) => {
    s.u32(parts.types.length);
    for (const t of parts.types) {
      s.byte(0x60).u32(t.params.length);
      for (const p of t.params) s.byte(p);
      s.u32(t.results.length);
      for (const r of t.results) s.byte(r);
    }
  });
  section(2, (s) => {
    s.u32(parts.imports.length);
    for (const imp of parts.imports) {
      s.name(imp.module).name(imp.name);
      switch (imp.kind) {
        case 'func': s.byte(0x00).u32(imp.type); break;
        case 'table': s.byte(0x01).byte(0x70).byte(0x00).u32(imp.min); break;
        case 'memory': s.byte(0x02).byte(0x03).u32(imp.min).u32(imp.max); break;
        case 'global': s.byte(0x03).byte(imp.type).byte(imp.mutable ? 1 : 0); break;
      }
    }
  });
  section(3, (s) => {
    s.u32(parts.functions.length);
    for (const f of parts.functions) s.u32(f.type);
  });
  section(7, (s) => {
    s.u32(parts.exports.length);
    for (const e of parts.exports) s.name(e.name).byte(0x00).u32(e.func);
  });
  if (parts.elements !== undefined) {
    section(9, (s) => {
      s.u32(parts.elements!.length);
      for (const e of parts.elements!) {
        // Flags 2: an active segment for an explicit table, at a constant offset, of function indexes.
        s.u32(2).u32(e.table).byte(Op.I32Const).s32(e.offset).byte(Op.End).byte(0x00);
        s.u32(e.funcs.length);
        for (const f of e.funcs) s.u32(f);
      }
    });
  }
  section(10, (s) => {
    s.u32(parts.functions.length);
    for (const f of parts.functions) f.body.encode(s);
  });
  return out.finish();
}

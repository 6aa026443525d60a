// A small encoder of the WebAssembly binary format (the MVP plus the
// saturating truncations, bulk memory and the few simd128 float instructions
// of the 2.0 core that lane loops use), enough for the wasm
// backend: function types, function imports, one memory, exports, code and
// passive data segments.
//
//   const c = new Code();  c.op(OP.local_get).u32(0) … ;  encodeModule({ … })
//
// `Code` accumulates one function body's instructions as bytes; the module
// encoder deduplicates function types, numbers imported functions before
// defined ones (as the format does) and writes the sections in their
// required order.

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";
export const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Block types: `void` (no result) or one value type. */
export type BlockType = ValType | "void";

/** Opcodes used by the backend (single-byte ones). */
export const OP = {
  unreachable: 0x00, nop: 0x01, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, br_if: 0x0d, return: 0x0f,
  call: 0x10, drop: 0x1a, select: 0x1b,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, f32_load: 0x2a, f64_load: 0x2b, i32_store: 0x36, f32_store: 0x38, f64_store: 0x39,
  i32_const: 0x41, i64_const: 0x42, f32_const: 0x43, f64_const: 0x44,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_gt_s: 0x4a, i32_le_s: 0x4c, i32_ge_s: 0x4e,
  f32_eq: 0x5b, f32_ne: 0x5c, f32_lt: 0x5d, f32_gt: 0x5e, f32_le: 0x5f, f32_ge: 0x60,
  f64_eq: 0x61, f64_ne: 0x62, f64_lt: 0x63, f64_gt: 0x64, f64_le: 0x65, f64_ge: 0x66,
  i32_add: 0x6a, i32_sub: 0x6b, i32_mul: 0x6c, i32_div_s: 0x6d, i32_rem_s: 0x6f,
  i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73, i32_shl: 0x74, i32_shr_s: 0x75, i32_shr_u: 0x76,
  f32_abs: 0x8b, f32_neg: 0x8c, f32_ceil: 0x8d, f32_floor: 0x8e, f32_trunc: 0x8f, f32_nearest: 0x90, f32_sqrt: 0x91,
  f32_add: 0x92, f32_sub: 0x93, f32_mul: 0x94, f32_div: 0x95, f32_min: 0x96, f32_max: 0x97, f32_copysign: 0x98,
  f64_abs: 0x99, f64_neg: 0x9a, f64_ceil: 0x9b, f64_floor: 0x9c, f64_trunc: 0x9d, f64_nearest: 0x9e, f64_sqrt: 0x9f,
  f64_add: 0xa0, f64_sub: 0xa1, f64_mul: 0xa2, f64_div: 0xa3, f64_min: 0xa4, f64_max: 0xa5, f64_copysign: 0xa6,
  i32_wrap_i64: 0xa7, f32_convert_i32_s: 0xb2, f32_demote_f64: 0xb6, f64_convert_i32_s: 0xb7, f64_promote_f32: 0xbb,
} as const;

/** Instructions behind the 0xFC prefix (their sub-opcode). */
export const OP_FC = { i32_trunc_sat_f64_s: 2, i64_trunc_sat_f64_s: 6, memory_init: 8, data_drop: 9 } as const;

/** simd128 instructions behind the 0xFD prefix (their sub-opcode); load and store take a memarg. */
export const OP_FD = {
  v128_load: 0x00, v128_store: 0x0b, f32x4_splat: 0x13, f64x2_splat: 0x14,
  f32x4_add: 0xe4, f32x4_sub: 0xe5, f32x4_mul: 0xe6, f32x4_div: 0xe7,
  f64x2_add: 0xf0, f64x2_sub: 0xf1, f64x2_mul: 0xf2, f64x2_div: 0xf3,
} as const;

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export function uleb(out: number[], v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uleb: ${v} is not a u32`);
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(out: number[], v: number): void {
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const scratch = new DataView(new ArrayBuffer(8));

/** One function body's instruction bytes. */
export class Code {
  readonly bytes: number[] = [];

  op(...ops: number[]): this {
    this.bytes.push(...ops);
    return this;
  }
  fc(sub: number): this {
    this.bytes.push(0xfc);
    uleb(this.bytes, sub);
    return this;
  }
  fd(sub: number): this {
    this.bytes.push(0xfd);
    uleb(this.bytes, sub);
    return this;
  }
  /** A simd128 load or store with its memarg. */
  memFd(sub: number, alignLog2: number, offset: number): this {
    this.fd(sub);
    uleb(this.bytes, alignLog2);
    uleb(this.bytes, offset);
    return this;
  }
  u32(v: number): this {
    uleb(this.bytes, v);
    return this;
  }
  i32(v: number): this {
    this.bytes.push(OP.i32_const);
    sleb(this.bytes, v);
    return this;
  }
  f32(v: number): this {
    scratch.setFloat32(0, v, true);
    this.bytes.push(OP.f32_const);
    for (let i = 0; i < 4; i++) this.bytes.push(scratch.getUint8(i));
    return this;
  }
  f64(v: number): this {
    scratch.setFloat64(0, v, true);
    this.bytes.push(OP.f64_const);
    for (let i = 0; i < 8; i++) this.bytes.push(scratch.getUint8(i));
    return this;
  }
  /** A structured instruction's block type. */
  block(op: typeof OP.block | typeof OP.loop | typeof OP.if, type: BlockType = "void"): this {
    this.bytes.push(op, type === "void" ? 0x40 : VALTYPE[type]);
    return this;
  }
  /** A load or store with its memarg (alignment as log2 of the access size, constant offset). */
  mem(op: number, alignLog2: number, offset: number): this {
    this.bytes.push(op);
    uleb(this.bytes, alignLog2);
    uleb(this.bytes, offset);
    return this;
  }
}

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface WasmImport {
  readonly module: string;
  readonly name: string;
  readonly type: FuncType;
}

export interface WasmFunction {
  readonly type: FuncType;
  /** Locals beyond the parameters. */
  readonly locals: readonly ValType[];
  /** The body's instructions, without the final `end` (added by the encoder). */
  readonly code: Code;
  readonly export?: string;
}

export interface WasmModuleSpec {
  readonly imports: readonly WasmImport[];
  /** Defined functions; their index is imports.length + their position. */
  readonly functions: readonly WasmFunction[];
  readonly memory: { readonly minPages: number; readonly maxPages?: number; readonly export?: string };
  /** Passive data segments (copied by memory.init), by index. */
  readonly data?: readonly Uint8Array[];
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  for (const b of body) out.push(b);
}

function name(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s);
  uleb(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** The module's function types, deduplicated in order of first use (imports, then defined functions), and each function's type index. */
export function moduleTypes(spec: WasmModuleSpec): { types: FuncType[]; importTypes: number[]; funcTypes: number[] } {
  const types: FuncType[] = [];
  const typeIndex = new Map<string, number>();
  const typeOf = (t: FuncType): number => {
    const key = `${t.params.join(",")}->${t.results.join(",")}`;
    let i = typeIndex.get(key);
    if (i === undefined) {
      i = types.length;
      types.push(t);
      typeIndex.set(key, i);
    }
    return i;
  };
  const importTypes = spec.imports.map((im) => typeOf(im.type));
  const funcTypes = spec.functions.map((f) => typeOf(f.type));
  return { types, importTypes, funcTypes };
}

/** The module's binary. */
export function encodeModule(spec: WasmModuleSpec): Uint8Array<ArrayBuffer> {
  const { types, importTypes, funcTypes } = moduleTypes(spec);

  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // 1 type
  let s: number[] = [];
  uleb(s, types.length);
  for (const t of types) {
    s.push(0x60);
    uleb(s, t.params.length);
    for (const p of t.params) s.push(VALTYPE[p]);
    uleb(s, t.results.length);
    for (const r of t.results) s.push(VALTYPE[r]);
  }
  section(out, 1, s);
  // 2 import
  if (spec.imports.length) {
    s = [];
    uleb(s, spec.imports.length);
    spec.imports.forEach((im, i) => {
      name(s, im.module);
      name(s, im.name);
      s.push(0x00);
      uleb(s, importTypes[i]!);
    });
    section(out, 2, s);
  }
  // 3 function
  s = [];
  uleb(s, funcTypes.length);
  for (const t of funcTypes) uleb(s, t);
  section(out, 3, s);
  // 5 memory
  s = [1];
  const { minPages, maxPages } = spec.memory;
  if (maxPages === undefined) (s.push(0x00), uleb(s, minPages));
  else (s.push(0x01), uleb(s, minPages), uleb(s, maxPages));
  section(out, 5, s);
  // 7 export
  const exports: [string, number, number][] = [];
  spec.functions.forEach((f, i) => {
    if (f.export !== undefined) exports.push([f.export, 0x00, spec.imports.length + i]);
  });
  if (spec.memory.export !== undefined) exports.push([spec.memory.export, 0x02, 0]);
  s = [];
  uleb(s, exports.length);
  for (const [n, kind, index] of exports) {
    name(s, n);
    s.push(kind);
    uleb(s, index);
  }
  section(out, 7, s);
  // 12 data count (needed before code when memory.init is used)
  const data = spec.data ?? [];
  if (data.length) {
    s = [];
    uleb(s, data.length);
    section(out, 12, s);
  }
  // 10 code
  s = [];
  uleb(s, spec.functions.length);
  for (const f of spec.functions) {
    const body: number[] = [];
    // locals, run-length encoded
    const runs: [number, ValType][] = [];
    for (const l of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === l) last[0]++;
      else runs.push([1, l]);
    }
    uleb(body, runs.length);
    for (const [n, t] of runs) {
      uleb(body, n);
      body.push(VALTYPE[t]);
    }
    for (const b of f.code.bytes) body.push(b);
    body.push(OP.end);
    uleb(s, body.length);
    for (const b of body) s.push(b);
  }
  section(out, 10, s);
  // 11 data (passive segments)
  if (data.length) {
    s = [];
    uleb(s, data.length);
    for (const d of data) {
      s.push(0x01);
      uleb(s, d.length);
      for (const b of d) s.push(b);
    }
    section(out, 11, s);
  }
  return Uint8Array.from(out);
}

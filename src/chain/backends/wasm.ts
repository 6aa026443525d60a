// The WebAssembly backend: FIR module → a wasm module shaped like the real
// Faust compiler's (`-lang wasm`), plus its JSON description.
//
//   wasmModule(m)  → { bytes, json, meta, layout }
//   wasmReference(m) → a CompiledReference: the module driven by the same code
//                      as the reference compiler's (src/harness/oracle.ts)
//
// Layout: the DSP struct sits at the address `dsp` passed to every exported
// function (0 for a mono instance); float fields first (4 or 8 bytes a cell),
// then the int fields (4 bytes) with `fSampleRate`; arrays are inline. A UI
// item's JSON `index` is the byte offset of its zone. Exports, signatures and
// the `env` math import names are those of the real compiler's modules, so
// faustwasm's runtime and our reference driver both run them; one difference:
// in single precision too we import the double functions (`_sin`, f64 → f64,
// arguments widened, result rounded: the same samples, and V8 calls an
// imported Math builtin of that signature directly).
//
// Semantics are the JS backend's: ints wrap (i32), `x/0` and `x%0` give 0
// (guarded; INT_MIN / -1 wraps instead of trapping), float→int casts truncate
// and wrap modulo 2^32 (NaN and infinities give 0), single precision is f32
// arithmetic (exact float32), math functions with a native instruction (abs,
// floor, ceil, sqrt, rint, min, max, copysign) use it, the others are imported.

import { COMPARISONS, FUNCTIONS, SAMPLE_RATE, COUNT, assertNever, firChildren, type FirNode, type Expr, type FieldDecl, type FirModule, type FunctionName, type MathFn, type Stmt, type Ty } from "../../core/fir/fir.ts";
import type { CompiledReference, ReferenceMeta, ReferenceUIItem } from "./dsp-json.ts";
import { faustlabVersion } from "../../core/version.ts";
import { elementKey, fieldUse, scalarArrays } from "../codegen/fields.ts";
import { DiagnosticError, diag } from "../../core/diagnostics.ts";
import { Code, encodeModule, OP, OP_FC, OP_FD, type FuncType, type ValType, type WasmFunction, type WasmImport, type WasmModuleSpec } from "./wasm-encode.ts";
import { InternalError } from "../../core/assert.ts";

/** A field's place in the struct. */
export interface FieldSlot {
  readonly name: string;
  readonly type: Ty;
  /** Byte offset from the struct's start. */
  readonly offset: number;
  /** undefined for a scalar. */
  readonly size?: number;
  readonly data?: readonly number[];
}

export interface WasmOutput {
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The module description the bytes were encoded from (printed as text by wasm-wast.ts). */
  readonly spec: WasmModuleSpec;
  /** The JSON description (Faust's format: name, inputs, outputs, size, compile_options, meta, ui with zone offsets as `index`). */
  readonly json: string;
  readonly meta: ReferenceMeta;
  readonly layout: ReadonlyMap<string, FieldSlot>;
  /** Size of the struct in bytes. */
  readonly size: number;
}

/** Room left after the struct in the initial memory (audio buffers and their pointers go there); memory grows beyond. */
const HEADROOM = 1 << 20;

/** Struct layout: float fields, then ints (fSampleRate first); every cell aligned to its size since floats come first; size rounded up to 8. */
export function structLayout(m: FirModule): { slots: Map<string, FieldSlot>; size: number } {
  const floatBytes = m.precision === "double" ? 8 : 4;
  const fields: FieldDecl[] = [...m.fields.filter((f) => f.type === "float"), { name: SAMPLE_RATE, type: "int" }, ...m.fields.filter((f) => f.type === "int")];
  const slots = new Map<string, FieldSlot>();
  let offset = 0;
  for (const f of fields) {
    slots.set(f.name, { name: f.name, type: f.type, offset, size: f.size, data: f.data });
    offset += (f.type === "float" ? floatBytes : 4) * (f.size ?? 1);
  }
  // a multiple of 8, as the real compiler's: faustwasm lays its sample buffers right after the struct and indexes them as Float64Array
  return { slots, size: (offset + 7) & ~7 };
}

/** Math functions done by an instruction (float operands). */
const NATIVE_FLOAT: Partial<Record<MathFn, "abs" | "floor" | "ceil" | "sqrt" | "nearest" | "min" | "max" | "copysign">> = {
  abs: "abs", floor: "floor", ceil: "ceil", sqrt: "sqrt", rint: "nearest", min: "min", max: "max", copysign: "copysign",
};

const DSP = 0; // the first parameter of every function: the struct's address

/** Whether a simd128 lane loop is emitted as K/W copies of its body (then cacheLanes may keep its arrays in v128 locals): at most 4 copies, 256 statements in all. */
const unrolls = (s: Extract<Stmt, { kind: "for" }>, K: number, W: number) => K / W <= 4 && s.body.length * (K / W) <= 256;

/** A simd128 lane loop (FunctionWriter.vectorFor) and its array accesses: the element lane 0 starts at (R of R + l, undefined if not a literal or not lane-indexed). */
interface LanePlan {
  readonly loop: Stmt;
  readonly K: number;
  readonly W: number;
  readonly accesses: { readonly name: string; readonly start: number | undefined; readonly stored: boolean }[];
  readonly unrolled: boolean;
}

class FunctionWriter {
  readonly code = new Code();
  readonly locals: ValType[] = [];
  private readonly local = new Map<string, { index: number; type: Ty }>();
  private readonly scratch = new Map<ValType, number>();
  /** The type of each local the function declares (cacheLanes). */
  private readonly declared = new Map<string, Ty>();
  /** v128 locals holding `name@element` vectors (cacheLanes). */
  private readonly vcache = new Map<string, number>();
  private readonly F: "f32" | "f64";
  private readonly fShift: number;

  constructor(
    private readonly backend: WasmLowering,
    private readonly nparams: number,
  ) {
    this.F = backend.F;
    this.fShift = backend.F === "f64" ? 3 : 2;
  }

  private vt(t: Ty): ValType {
    return t === "int" ? "i32" : this.F;
  }
  private fop(name: string): number {
    return (OP as Record<string, number>)[`${this.F}_${name}`]!;
  }
  newLocal(type: ValType): number {
    this.locals.push(type);
    return this.nparams + this.locals.length - 1;
  }
  /** A named local (FIR declare, loop variable, cached field or predefined parameter). */
  bind(name: string, type: Ty, index?: number): number {
    const have = this.local.get(name);
    if (have) return have.index;
    const i = index ?? this.newLocal(this.vt(type));
    this.local.set(name, { index: i, type });
    return i;
  }
  private tmp(t: ValType): number {
    let i = this.scratch.get(t);
    if (i === undefined) this.scratch.set(t, (i = this.newLocal(t)));
    return i;
  }

  typeOf(e: Expr): Ty {
    switch (e.kind) {
      case "int":
        return "int";
      case "float":
      case "input":
        return "float";
      case "load":
        return this.local.get(e.name)?.type ?? this.declared.get(e.name) ?? this.backend.slot(e.name).type;
      case "loadArr":
        return this.backend.slot(e.name).type;
      case "binop":
        return COMPARISONS.has(e.op) ? "int" : e.type;
      case "cast":
        return e.to;
      case "call":
      case "select":
        return e.type;
      default:
        return assertNever(e);
    }
  }

  private loadOp(t: Ty): [number, number] {
    return t === "int" ? [OP.i32_load, 2] : [this.fop("load"), this.fShift];
  }
  private storeOp(t: Ty): [number, number] {
    return t === "int" ? [OP.i32_store, 2] : [this.fop("store"), this.fShift];
  }

  /** The local holding `name[index]` when the array is kept element by element (small, constant indices only). */
  private cachedElement(name: string, index: Expr): number | undefined {
    if (index.kind !== "int" || !this.backend.scalar.has(name)) return undefined;
    return this.local.get(elementKey(name, index.value))?.index;
  }

  /** Pushes the address base of `name[index]` and returns the constant offset to use with it. */
  private element(name: string, index: Expr): { slot: FieldSlot; offset: number } {
    const slot = this.backend.slot(name);
    const cell = slot.type === "int" ? 2 : this.fShift;
    const c = this.code;
    c.op(OP.local_get).u32(DSP);
    if (index.kind === "int" && index.value >= 0 && index.value < (slot.size ?? 1)) return { slot, offset: slot.offset + (index.value << cell) };
    this.expr(index);
    c.i32(cell).op(OP.i32_shl, OP.i32_add);
    return { slot, offset: slot.offset };
  }

  expr(e: Expr): void {
    const c = this.code;
    switch (e.kind) {
      case "int":
        c.i32(e.value);
        return;
      case "float":
        if (this.F === "f32") c.f32(e.value);
        else c.f64(e.value);
        return;
      case "load": {
        const l = this.local.get(e.name);
        if (l) c.op(OP.local_get).u32(l.index);
        else {
          const slot = this.backend.slot(e.name);
          const [op, align] = this.loadOp(slot.type);
          c.op(OP.local_get).u32(DSP).mem(op, align, slot.offset);
        }
        return;
      }
      case "loadArr": {
        const cached = this.cachedElement(e.name, e.index);
        if (cached !== undefined) {
          c.op(OP.local_get).u32(cached);
          return;
        }
        const { slot, offset } = this.element(e.name, e.index);
        const [op, align] = this.loadOp(slot.type);
        c.mem(op, align, offset);
        return;
      }
      case "input":
        c.op(OP.local_get).u32(this.bind(`$in${e.chan}`, "int"));
        this.expr(e.index);
        c.i32(this.fShift).op(OP.i32_shl, OP.i32_add).mem(this.fop("load"), this.fShift, 0);
        return;
      case "binop":
        this.binop(e);
        return;
      case "cast": {
        const from = this.typeOf(e.x);
        this.expr(e.x);
        if (from === e.to) return;
        if (e.to === "float") c.op(this.F === "f32" ? OP.f32_convert_i32_s : OP.f64_convert_i32_s);
        else this.floatToInt();
        return;
      }
      case "call":
        this.call(e);
        return;
      case "select":
        this.expr(e.cond);
        c.block(OP.if, this.vt(e.type));
        this.expr(e.a);
        c.op(OP.else);
        this.expr(e.b);
        c.op(OP.end);
        return;
      default:
        assertNever(e);
    }
  }

  /** Float on the stack → int: truncate, then wrap modulo 2^32 (as JavaScript's `| 0`; NaN and ±Infinity give 0). */
  private floatToInt(): void {
    const c = this.code;
    if (this.F === "f32") c.op(OP.f64_promote_f32);
    const t = this.tmp("f64");
    // |x| < 2^63: i64 truncation is exact and wrapping it to i32 is the result
    c.op(OP.local_tee).u32(t).op(OP.f64_abs).f64(2 ** 63).op(OP.f64_lt).block(OP.if, "i32");
    c.op(OP.local_get).u32(t).fc(OP_FC.i64_trunc_sat_f64_s).op(OP.i32_wrap_i64);
    c.op(OP.else).op(OP.local_get).u32(t);
    // otherwise r = trunc(x) - floor(trunc(x) / 2^32) * 2^32, exact, in [0, 2^32) (NaN for NaN and infinities)
    c.op(OP.f64_trunc, OP.local_tee).u32(t).op(OP.local_get).u32(t).f64(2 ** -32).op(OP.f64_mul, OP.f64_floor).f64(2 ** 32).op(OP.f64_mul, OP.f64_sub);
    c.fc(OP_FC.i64_trunc_sat_f64_s).op(OP.i32_wrap_i64);
    c.op(OP.end);
  }

  private binop(e: Extract<Expr, { kind: "binop" }>): void {
    const c = this.code;
    const xt = this.typeOf(e.x);
    this.expr(e.x);
    this.expr(e.y);
    if (xt === "int") {
      switch (e.op) {
        case "add":
          c.op(OP.i32_add);
          return;
        case "sub":
          c.op(OP.i32_sub);
          return;
        case "mul":
          c.op(OP.i32_mul);
          return;
        case "div":
        case "rem": {
          const a = this.tmp("i32");
          const b = this.tmp2();
          c.op(OP.local_set).u32(b).op(OP.local_set).u32(a);
          c.op(OP.local_get).u32(b).op(OP.i32_eqz).block(OP.if, "i32").i32(0).op(OP.else);
          if (e.op === "rem") c.op(OP.local_get).u32(a).op(OP.local_get).u32(b).op(OP.i32_rem_s); // INT_MIN % -1 is 0, no trap
          else {
            // INT_MIN / -1 traps in wasm; JavaScript gives INT_MIN: 0 - a wraps to it
            c.op(OP.local_get).u32(b).i32(-1).op(OP.i32_eq).block(OP.if, "i32").i32(0).op(OP.local_get).u32(a).op(OP.i32_sub).op(OP.else);
            c.op(OP.local_get).u32(a).op(OP.local_get).u32(b).op(OP.i32_div_s).op(OP.end);
          }
          c.op(OP.end);
          return;
        }
        case "shl":
          c.op(OP.i32_shl);
          return;
        case "ashr":
          c.op(OP.i32_shr_s);
          return;
        case "lshr":
          c.op(OP.i32_shr_u);
          return;
        case "and":
          c.op(OP.i32_and);
          return;
        case "or":
          c.op(OP.i32_or);
          return;
        case "xor":
          c.op(OP.i32_xor);
          return;
        case "gt":
          c.op(OP.i32_gt_s);
          return;
        case "lt":
          c.op(OP.i32_lt_s);
          return;
        case "ge":
          c.op(OP.i32_ge_s);
          return;
        case "le":
          c.op(OP.i32_le_s);
          return;
        case "eq":
          c.op(OP.i32_eq);
          return;
        case "ne":
          c.op(OP.i32_ne);
          return;
        default:
          assertNever(e.op);
      }
    }
    switch (e.op) {
      case "add":
      case "sub":
      case "mul":
      case "div":
      case "gt":
      case "lt":
      case "ge":
      case "le":
      case "eq":
      case "ne":
        c.op(this.fop(e.op));
        return;
      case "rem":
        if (this.F === "f32") {
          const t = this.tmp("f32");
          c.op(OP.local_set).u32(t).op(OP.f64_promote_f32).op(OP.local_get).u32(t).op(OP.f64_promote_f32);
        }
        c.op(OP.call).u32(this.backend.mathImport("fmod", 2));
        if (this.F === "f32") c.op(OP.f32_demote_f64);
        return;
      case "shl":
      case "ashr":
      case "lshr":
      case "and":
      case "or":
      case "xor":
        throw new InternalError(`wasm backend: '${e.op}' on floats is ill-formed FIR`);
      default:
        assertNever(e.op);
    }
  }

  /** A second i32 scratch local. */
  private tmp2(): number {
    return this.bind("$tb", "int");
  }

  private call(e: Extract<Expr, { kind: "call" }>): void {
    const c = this.code;
    const argType = e.args.length ? this.typeOf(e.args[0]!) : "float";
    // an imported function is the f64 one: single-precision arguments are widened (exactly), the result rounded
    const widen = this.F === "f32" && argType === "float" && e.fn !== "isnan" && e.fn !== "isinf" && !NATIVE_FLOAT[e.fn];
    for (const a of e.args) {
      this.expr(a);
      if (widen) c.op(OP.f64_promote_f32);
    }
    if (argType === "int") {
      switch (e.fn) {
        case "abs": {
          const t = this.tmp("i32");
          c.op(OP.local_tee).u32(t).op(OP.local_get).u32(t).i32(31).op(OP.i32_shr_s, OP.i32_xor);
          c.op(OP.local_get).u32(t).i32(31).op(OP.i32_shr_s, OP.i32_sub);
          return;
        }
        case "min":
        case "max": {
          const a = this.tmp("i32");
          const b = this.tmp2();
          c.op(OP.local_set).u32(b).op(OP.local_set).u32(a);
          c.op(OP.local_get).u32(a).op(OP.local_get).u32(b).op(OP.local_get).u32(a).op(OP.local_get).u32(b);
          c.op(e.fn === "min" ? OP.i32_lt_s : OP.i32_gt_s, OP.select);
          return;
        }
        default:
          throw new InternalError(`wasm backend: '${e.fn}' on ints is ill-formed FIR`);
      }
    }
    switch (e.fn) {
      case "isnan": {
        const t = this.tmp(this.F);
        c.op(OP.local_tee).u32(t).op(OP.local_get).u32(t).op(this.fop("ne"));
        return;
      }
      case "isinf":
        c.op(this.fop("abs"));
        if (this.F === "f32") c.f32(Infinity);
        else c.f64(Infinity);
        c.op(this.fop("eq"));
        return;
      default:
        break;
    }
    const native = NATIVE_FLOAT[e.fn];
    if (native) c.op(this.fop(native));
    else {
      c.op(OP.call).u32(this.backend.mathImport(e.fn, e.args.length));
      if (widen) c.op(OP.f32_demote_f64);
    }
  }

  stmts(body: readonly Stmt[]): void {
    const c = this.code;
    for (const s of body) {
      switch (s.kind) {
        case "declare": {
          this.expr(s.value);
          c.op(OP.local_set).u32(this.bind(s.name, s.type));
          break;
        }
        case "store": {
          const l = this.local.get(s.name);
          if (l) {
            this.expr(s.value);
            c.op(OP.local_set).u32(l.index);
          } else {
            const slot = this.backend.slot(s.name);
            c.op(OP.local_get).u32(DSP);
            this.expr(s.value);
            const [op, align] = this.storeOp(slot.type);
            c.mem(op, align, slot.offset);
          }
          break;
        }
        case "storeArr": {
          const cached = this.cachedElement(s.name, s.index);
          if (cached !== undefined) {
            this.expr(s.value);
            c.op(OP.local_set).u32(cached);
            break;
          }
          const { slot, offset } = this.element(s.name, s.index);
          this.expr(s.value);
          const [op, align] = this.storeOp(slot.type);
          c.mem(op, align, offset);
          break;
        }
        case "output":
          c.op(OP.local_get).u32(this.bind(`$out${s.chan}`, "int"));
          this.expr(s.index);
          c.i32(this.fShift).op(OP.i32_shl, OP.i32_add);
          this.expr(s.value);
          c.mem(this.fop("store"), this.fShift, 0);
          break;
        case "for": {
          if (this.vectorFor(s)) break;
          const v = this.bind(s.name, "int");
          this.expr(s.from);
          c.op(OP.local_set).u32(v);
          c.block(OP.block).block(OP.loop);
          c.op(OP.local_get).u32(v);
          this.expr(s.to);
          c.op(OP.i32_ge_s, OP.br_if).u32(1);
          this.stmts(s.body);
          c.op(OP.local_get).u32(v).i32(1).op(OP.i32_add, OP.local_set).u32(v);
          c.op(OP.br).u32(0).op(OP.end, OP.end);
          break;
        }
        case "if":
          this.expr(s.cond);
          c.block(OP.if);
          this.stmts(s.then);
          if (s.else.length) {
            c.op(OP.else);
            this.stmts(s.else);
          }
          c.op(OP.end);
          break;
        case "block":
          this.stmts(s.body);
          break;
        default:
          assertNever(s);
      }
    }
  }

  /**
   * A loop over lanes (a lockstep bundle's, src/chain/codegen/generate.ts) run W = 4 (f32x4) or 2
   * (f64x2) lanes at a time in simd128, when it can be without changing a bit: `for l in 0 .. K`
   * with K a multiple of W, whose body only declares floats and stores floats to arrays at
   * `R + l`, computing with + − × ÷ (exact lane by lane, as the scalar instructions) on values
   * loaded at `R + l`, locals it declared and lane-independent values (splatted); every access to
   * an array it stores is at `R + l` with R a multiple of K, so the iterations touch disjoint
   * elements and may run side by side. Returns false (the scalar loop is emitted) otherwise.
   */
  private vectorFor(s: Extract<Stmt, { kind: "for" }>, plan?: LanePlan[]): boolean {
    const W = this.F === "f32" ? 4 : 2;
    if (s.from.kind !== "int" || s.from.value !== 0 || s.to.kind !== "int" || s.to.value < W || s.to.value % W !== 0) return false;
    const K = s.to.value;
    const l = s.name;
    const dep = new Set<string>([l]);
    const mentions = (e: Expr): boolean => {
      switch (e.kind) {
        case "int":
        case "float":
          return false;
        case "load":
          return dep.has(e.name);
        case "loadArr":
          return mentions(e.index);
        case "input":
          return mentions(e.index);
        case "binop":
          return mentions(e.x) || mentions(e.y);
        case "cast":
          return mentions(e.x);
        case "call":
          return e.args.some(mentions);
        case "select":
          return mentions(e.cond) || mentions(e.a) || mentions(e.b);
        default:
          return assertNever(e);
      }
    };
    const isL = (e: Expr) => e.kind === "load" && e.name === l;
    // R + l (or l) with R independent of the lane
    const laneIndex = (e: Expr): Expr | undefined | null => {
      if (isL(e)) return null;
      if (e.kind !== "binop" || e.op !== "add" || e.type !== "int") return undefined;
      if (isL(e.y) && !mentions(e.x)) return e.x;
      if (isL(e.x) && !mentions(e.y)) return e.y;
      return undefined;
    };
    const strided = (e: Expr): boolean => {
      const r = laneIndex(e);
      if (r === null) return true;
      if (r === undefined) return false;
      if (r.kind === "int") return r.value % K === 0;
      return r.kind === "binop" && r.op === "mul" && ((r.y.kind === "int" && r.y.value === K) || (r.x.kind === "int" && r.x.value === K));
    };
    const vectorOk = (e: Expr): boolean => {
      if (!mentions(e)) return this.typeOf(e) === "float";
      switch (e.kind) {
        case "load":
          return e.name !== l;
        case "loadArr":
          return this.backend.slot(e.name).type === "float" && laneIndex(e.index) !== undefined;
        case "binop":
          return e.type === "float" && (e.op === "add" || e.op === "sub" || e.op === "mul" || e.op === "div") && vectorOk(e.x) && vectorOk(e.y);
        default:
          return false;
      }
    };
    const stored = new Set<string>();
    for (const st of s.body) {
      if (st.kind === "declare") {
        if (st.type !== "float" || !vectorOk(st.value)) return false;
        dep.add(st.name);
      } else if (st.kind === "storeArr") {
        if (this.backend.slot(st.name).type !== "float" || !strided(st.index) || !vectorOk(st.value)) return false;
        stored.add(st.name);
      } else return false;
    }
    // every access to a stored array at R + l, R a multiple of K
    const accessOk = (e: Expr): boolean => {
      switch (e.kind) {
        case "int":
        case "float":
        case "load":
          return true;
        case "loadArr":
          return (!stored.has(e.name) || strided(e.index)) && accessOk(e.index);
        case "input":
          return accessOk(e.index);
        case "binop":
          return accessOk(e.x) && accessOk(e.y);
        case "cast":
          return accessOk(e.x);
        case "call":
          return e.args.every(accessOk);
        case "select":
          return accessOk(e.cond) && accessOk(e.a) && accessOk(e.b);
        default:
          return assertNever(e);
      }
    };
    for (const st of s.body) if ((st.kind === "declare" || st.kind === "storeArr") && !(accessOk(st.value) && (st.kind === "declare" || accessOk(st.index)))) return false;
    // the element a lane-indexed access starts at in lane 0 (R + l with R a literal), else undefined
    const start = (index: Expr): number | undefined => {
      const r = laneIndex(index);
      return r === null ? 0 : r?.kind === "int" ? r.value : undefined;
    };
    if (plan) {
      const accesses: LanePlan["accesses"] = [];
      const walk = (e: Expr): void => {
        if (e.kind === "loadArr") accesses.push({ name: e.name, start: mentions(e.index) ? start(e.index) : undefined, stored: false });
        for (const x of firChildren(e)) walk(x as Expr);
      };
      for (const st of s.body) {
        if (st.kind !== "declare" && st.kind !== "storeArr") continue;
        walk(st.value);
        if (st.kind === "storeArr") (walk(st.index), accesses.push({ name: st.name, start: start(st.index), stored: true }));
      }
      plan.push({ loop: s, K, W, accesses, unrolled: unrolls(s, K, W) });
      return true;
    }
    // emission: K/W copies of the body on lanes m·W … m·W + W − 1, W lanes at a time; an array
    // cacheLanes keeps in v128 locals is read and written there, the others in memory
    const c = this.code;
    const cached = (name: string, index: Expr, m: number): number | undefined => {
      const e = start(index);
      if (m < 0) return undefined;
      return e === undefined ? undefined : this.vcache.get(`${name}@${e + m * W}`);
    };
    let m = 0;
    const vl = new Map<string, number>();
    const F = this.F === "f32" ? { splat: OP_FD.f32x4_splat, add: OP_FD.f32x4_add, sub: OP_FD.f32x4_sub, mul: OP_FD.f32x4_mul, div: OP_FD.f32x4_div } : { splat: OP_FD.f64x2_splat, add: OP_FD.f64x2_add, sub: OP_FD.f64x2_sub, mul: OP_FD.f64x2_mul, div: OP_FD.f64x2_div };
    const vexpr = (e: Expr): void => {
      if (!mentions(e)) {
        this.expr(e);
        c.fd(F.splat);
        return;
      }
      if (e.kind === "load") c.op(OP.local_get).u32(vl.get(e.name)!);
      else if (e.kind === "loadArr") {
        const vc = cached(e.name, e.index, m);
        if (vc !== undefined) {
          c.op(OP.local_get).u32(vc);
          return;
        }
        const { offset } = this.element(e.name, e.index);
        c.memFd(OP_FD.v128_load, this.fShift, offset);
      } else if (e.kind === "binop" && (e.op === "add" || e.op === "sub" || e.op === "mul" || e.op === "div")) {
        vexpr(e.x);
        vexpr(e.y);
        c.fd(F[e.op]);
      } else throw new InternalError(`wasm backend: a lane loop's ${e.kind} is not vectorizable`);
    };
    const vbody = (): void => {
      for (const st of s.body) {
        if (st.kind === "declare") {
          vexpr(st.value);
          let i = vl.get(st.name);
          if (i === undefined) vl.set(st.name, (i = this.newLocal("v128")));
          c.op(OP.local_set).u32(i);
        } else if (st.kind === "storeArr") {
          const vc = cached(st.name, st.index, m);
          if (vc !== undefined) {
            vexpr(st.value);
            c.op(OP.local_set).u32(vc);
            continue;
          }
          const { offset } = this.element(st.name, st.index);
          vexpr(st.value);
          c.memFd(OP_FD.v128_store, this.fShift, offset);
        }
      }
    };
    const v = this.bind(l, "int");
    if (!unrolls(s, K, W)) {
      // a wide or long body: one copy in a loop (its arrays stay in memory: cacheLanes left them)
      c.i32(0).op(OP.local_set).u32(v);
      c.block(OP.block).block(OP.loop);
      c.op(OP.local_get).u32(v).i32(K).op(OP.i32_ge_s, OP.br_if).u32(1);
      m = -1;
      vbody();
      c.op(OP.local_get).u32(v).i32(W).op(OP.i32_add, OP.local_set).u32(v);
      c.op(OP.br).u32(0).op(OP.end, OP.end);
      return true;
    }
    for (m = 0; m < K / W; m++) {
      c.i32(m * W).op(OP.local_set).u32(v);
      vbody();
    }
    return true;
  }

  /**
   * Keeps in v128 locals, for the whole function, the arrays only simd128 lane loops access (each
   * access at a literal R + l: fixed vectors), as cacheFields keeps small arrays' elements in
   * scalar locals: a bundle's state and per-lane coefficients stay in registers across samples.
   * Returns the epilogue that writes the stored ones back.
   */
  cacheLanes(body: readonly Stmt[]): () => void {
    const plans: LanePlan[] = [];
    const bad = new Set<string>();
    const visit = (n: FirNode): void => {
      // (the types of the locals declared before a loop, which its check asks for)
      if (n.kind === "declare") this.declared.set(n.name, n.type);
      if (n.kind === "for" && this.vectorFor(n, plans)) return;
      if (n.kind === "loadArr" || n.kind === "storeArr") bad.add(n.name);
      for (const x of firChildren(n)) visit(x);
    };
    for (const st of body) visit(st);
    const starts = new Map<string, { W: number; K: number; at: Set<number>; stored: boolean }>();
    for (const p of plans)
      for (const a of p.accesses) {
        if (a.start === undefined || a.start % p.W !== 0 || !p.unrolled) bad.add(a.name);
        if (bad.has(a.name)) continue;
        let e = starts.get(a.name);
        if (!e) starts.set(a.name, (e = { W: p.W, K: p.K, at: new Set(), stored: false }));
        for (let m = 0; m < p.K / p.W; m++) e.at.add(a.start! + m * p.W);
        e.stored ||= a.stored;
      }
    const c = this.code;
    const kept: { slot: FieldSlot; offset: number; index: number; stored: boolean }[] = [];
    for (const [name, e] of starts) {
      if (bad.has(name)) continue;
      const slot = this.backend.slot(name);
      for (const at of e.at) {
        if (at + e.W > (slot.size ?? 1)) throw new InternalError(`wasm backend: lane access past the end of '${name}'`);
        const index = this.newLocal("v128");
        const offset = slot.offset + (at << this.fShift);
        c.op(OP.local_get).u32(DSP).memFd(OP_FD.v128_load, this.fShift, offset).op(OP.local_set).u32(index);
        this.vcache.set(`${name}@${at}`, index);
        kept.push({ slot, offset, index, stored: e.stored });
      }
    }
    return () => {
      for (const k of kept) if (k.stored) c.op(OP.local_get).u32(DSP).op(OP.local_get).u32(k.index).memFd(OP_FD.v128_store, this.fShift, k.offset);
    };
  }

  /**
   * Copies the scalar fields `body` reads or writes, and the elements of its
   * small constant-indexed arrays, into locals (so the engine keeps state in
   * registers); returns the epilogue that writes the stored ones back.
   */
  cacheFields(body: readonly Stmt[]): () => void {
    // key (field name, or `name$k` for an element) → slot and byte offset
    const use = fieldUse(body, this.backend.scalar);
    const stored = use.stored;
    const used = new Map<string, { slot: FieldSlot; offset: number }>();
    for (const key of use.used) {
      // a scalar field, or an element of a scalarized array (other arrays and locals stay where they are)
      const slot = this.backend.slots.get(key);
      if (slot) {
        if (slot.size === undefined && !this.local.has(key)) used.set(key, { slot, offset: slot.offset });
        continue;
      }
      const el = /^(.*)\$(\d+)$/.exec(key);
      const arr = el && this.backend.scalar.has(el[1]!) ? this.backend.slots.get(el[1]!) : undefined;
      if (!arr || this.local.has(el![1]!) || elementKey(el![1]!, Number(el![2])) !== key) continue;
      used.set(key, { slot: arr, offset: arr.offset + Number(el![2]) * (arr.type === "int" ? 4 : this.fShift === 3 ? 8 : 4) });
    }
    const cached: { key: string; slot: FieldSlot; offset: number; index: number }[] = [];
    const c = this.code;
    for (const [key, { slot, offset }] of used) {
      const index = this.bind(key, slot.type);
      const [op, align] = this.loadOp(slot.type);
      c.op(OP.local_get).u32(DSP).mem(op, align, offset).op(OP.local_set).u32(index);
      cached.push({ key, slot, offset, index });
    }
    return () => {
      for (const { key, slot, offset, index } of cached) {
        if (!stored.has(key)) continue;
        const [op, align] = this.storeOp(slot.type);
        c.op(OP.local_get).u32(DSP).op(OP.local_get).u32(index).mem(op, align, offset);
      }
    };
  }
}

class WasmLowering {
  readonly F: "f32" | "f64";
  readonly slots: Map<string, FieldSlot>;
  readonly size: number;
  readonly imports: WasmImport[] = [];
  /** Small arrays indexed only by constants (the JS backend's choice): kept as one local per element inside a function. */
  readonly scalar: ReadonlySet<string>;
  private readonly importIndex = new Map<string, number>();

  constructor(readonly m: FirModule) {
    this.F = m.precision === "double" ? "f64" : "f32";
    const { slots, size } = structLayout(m);
    this.slots = slots;
    this.size = size;
    this.scalar = scalarArrays(m);
  }

  slot(name: string): FieldSlot {
    const s = this.slots.get(name);
    if (!s) throw new InternalError(`wasm backend: unknown field '${name}' (unverified FIR?)`);
    return s;
  }

  /**
   * The index of the imported math function `fn`: always the double one
   * (`_sin`, f64 → f64), also in single precision, where the caller widens the
   * arguments and rounds the result. The engine computes every import in
   * double anyway, so the samples are the same as with `_sinf`, but V8 calls
   * a builtin Math function imported with an f64 signature directly, without
   * a JavaScript call (about 3× faster on a phaser). faustwasm's runtime
   * provides both names.
   */
  mathImport(fn: MathFn, arity: number): number {
    const name = `_${fn}`;
    let i = this.importIndex.get(name);
    if (i === undefined) {
      i = this.imports.length;
      const params: ValType[] = Array.from({ length: arity }, () => "f64");
      this.imports.push({ module: "env", name, type: { params, results: ["f64"] } });
      this.importIndex.set(name, i);
    }
    return i;
  }
}

const PARAMS: Record<FunctionName, readonly ValType[]> = {
  instanceConstants: ["i32", "i32"],
  instanceResetUserInterface: ["i32"],
  instanceClear: ["i32"],
  compute: ["i32", "i32", "i32", "i32"],
};

/** Little-endian bytes of an array's constant content. */
function dataBytes(slot: FieldSlot, F: "f32" | "f64"): Uint8Array {
  const data = slot.data!;
  const cell = slot.type === "int" ? 4 : F === "f64" ? 8 : 4;
  const view = new DataView(new ArrayBuffer(cell * slot.size!));
  data.forEach((v, i) => {
    if (slot.type === "int") view.setInt32(i * cell, v, true);
    else if (F === "f64") view.setFloat64(i * cell, v, true);
    else view.setFloat32(i * cell, v, true);
  });
  return new Uint8Array(view.buffer);
}

/** Compiles a FIR module to a wasm binary and its JSON description. */
export function wasmModule(m: FirModule, opts: { version?: string } = {}): WasmOutput {
  const L = new WasmLowering(m);
  const F = L.F;
  const dataSlots = [...L.slots.values()].filter((s) => s.data && s.size !== undefined);
  const data = dataSlots.map((s) => dataBytes(s, F));

  // the four FIR functions (lowered first: they decide the imports, which come first in the index space)
  const bodies = new Map<FunctionName, FunctionWriter>();
  for (const fn of FUNCTIONS) {
    const w = new FunctionWriter(L, PARAMS[fn].length);
    const c = w.code;
    if (fn === "instanceConstants") {
      const sr = L.slot(SAMPLE_RATE);
      c.op(OP.local_get).u32(DSP).op(OP.local_get).u32(1).mem(OP.i32_store, 2, sr.offset);
      dataSlots.forEach((s, k) => {
        c.op(OP.local_get).u32(DSP).i32(s.offset).op(OP.i32_add).i32(0).i32(data[k]!.length).fc(OP_FC.memory_init).u32(k).u32(0);
      });
    }
    if (fn === "compute") {
      w.bind(COUNT, "int", 1);
      for (let k = 0; k < m.inputs; k++) c.op(OP.local_get).u32(2).mem(OP.i32_load, 2, 4 * k).op(OP.local_set).u32(w.bind(`$in${k}`, "int"));
      for (let k = 0; k < m.outputs; k++) c.op(OP.local_get).u32(3).mem(OP.i32_load, 2, 4 * k).op(OP.local_set).u32(w.bind(`$out${k}`, "int"));
    }
    const epilogue = w.cacheFields(m.functions[fn]);
    const lanes = fn === "compute" ? w.cacheLanes(m.functions[fn]) : () => {};
    w.stmts(m.functions[fn]);
    lanes();
    epilogue();
    bodies.set(fn, w);
  }

  const base = L.imports.length;
  const order = ["instanceConstants", "instanceResetUserInterface", "instanceClear", "compute", "instanceInit", "init", "getNumInputs", "getNumOutputs", "getSampleRate", "getParamValue", "setParamValue"] as const;
  const index = (name: (typeof order)[number]) => base + order.indexOf(name);
  const fns: WasmFunction[] = [];
  for (const fn of FUNCTIONS) {
    const w = bodies.get(fn)!;
    fns.push({ type: { params: PARAMS[fn], results: [] }, locals: w.locals, code: w.code, export: fn });
  }
  const simple = (type: FuncType, name: string, emit: (c: Code) => void): void => {
    const c = new Code();
    emit(c);
    fns.push({ type, locals: [], code: c, export: name });
  };
  simple({ params: ["i32", "i32"], results: [] }, "instanceInit", (c) => {
    c.op(OP.local_get).u32(0).op(OP.local_get).u32(1).op(OP.call).u32(index("instanceConstants"));
    c.op(OP.local_get).u32(0).op(OP.call).u32(index("instanceResetUserInterface"));
    c.op(OP.local_get).u32(0).op(OP.call).u32(index("instanceClear"));
  });
  simple({ params: ["i32", "i32"], results: [] }, "init", (c) => c.op(OP.local_get).u32(0).op(OP.local_get).u32(1).op(OP.call).u32(index("instanceInit")));
  simple({ params: ["i32"], results: ["i32"] }, "getNumInputs", (c) => c.i32(m.inputs));
  simple({ params: ["i32"], results: ["i32"] }, "getNumOutputs", (c) => c.i32(m.outputs));
  simple({ params: ["i32"], results: ["i32"] }, "getSampleRate", (c) => c.op(OP.local_get).u32(0).mem(OP.i32_load, 2, L.slot(SAMPLE_RATE).offset));
  const fShift = F === "f64" ? 3 : 2;
  simple({ params: ["i32", "i32"], results: [F] }, "getParamValue", (c) =>
    c.op(OP.local_get).u32(0).op(OP.local_get).u32(1).op(OP.i32_add).mem(F === "f64" ? OP.f64_load : OP.f32_load, fShift, 0),
  );
  simple({ params: ["i32", "i32", F], results: [] }, "setParamValue", (c) =>
    c.op(OP.local_get).u32(0).op(OP.local_get).u32(1).op(OP.i32_add).op(OP.local_get).u32(2).mem(F === "f64" ? OP.f64_store : OP.f32_store, fShift, 0),
  );

  const spec: WasmModuleSpec = {
    imports: L.imports,
    functions: fns,
    memory: { minPages: Math.ceil((L.size + HEADROOM) / 65536), export: "memory" },
    data,
  };
  const bytes = encodeModule(spec);
  const meta = wasmMeta(m, L.slots, L.size, opts.version ?? `faustlab ${faustlabVersion()}`);
  return { bytes, spec, json: JSON.stringify(meta), meta, layout: L.slots, size: L.size };
}

/** The JSON description, in the real compiler's format (UI items carry their zone's byte offset as `index`). */
function wasmMeta(m: FirModule, slots: ReadonlyMap<string, FieldSlot>, size: number, version: string): ReferenceMeta {
  const zoneOf = new Map(m.widgets.map((w) => [w.address, w.zone]));
  const withIndex = (item: ReferenceUIItem): ReferenceUIItem => {
    if (item.items) return { ...item, items: item.items.map(withIndex) };
    const zone = item.address !== undefined ? zoneOf.get(item.address) : undefined;
    const slot = zone !== undefined ? slots.get(zone) : undefined;
    return slot ? { ...item, index: slot.offset } : item;
  };
  const compileOptions = `-lang wasm -${m.precision} -ftz 0`;
  const declaredName = m.metadata.find(([k]) => k === "name")?.[1];
  return {
    name: declaredName || m.name,
    filename: m.name,
    version,
    compile_options: compileOptions,
    library_list: [],
    include_pathnames: [],
    size,
    inputs: m.inputs,
    outputs: m.outputs,
    meta: [{ compile_options: compileOptions }, ...m.metadata.map(([k, v]) => ({ [k]: v }))],
    ui: (m.ui as ReferenceUIItem[]).map(withIndex),
  } as ReferenceMeta;
}

/**
 * Compiles a module's bytes. A module that WebAssembly rejects is a bug of
 * this backend, reported as the diagnostic FL613 (with the engine's message)
 * rather than as an internal error.
 */
export function compileWasm(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) throw new DiagnosticError([diag("FL613", { detail: e.message })]);
    throw e;
  }
}

/** Our module in the shape of a reference compilation, to be run by src/harness/oracle.ts's driver (instantiateReference, renderReference). */
export function wasmReference(m: FirModule): CompiledReference {
  const t0 = performance.now();
  const out = wasmModule(m);
  const module = compileWasm(out.bytes);
  return { name: m.name, module, json: out.json, meta: out.meta, double: m.precision === "double", compileMs: performance.now() - t0 };
}

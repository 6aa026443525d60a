// The C-family printer shared by the C and C++ backends (c.ts, cpp.ts): FIR
// expressions and statements as C text, literals, C string escapes, the
// helper functions giving FIR's int semantics without undefined behaviour,
// and the pieces of a module both fronts lay out (field declarations, zeroing,
// constant tables, the UI walk, metadata).
//
// Semantics (the same as the JS backend and the FIR interpreter):
//   - int + - * and << are computed on unsigned and converted back (wrapping,
//     no signed overflow); shift counts are masked to 0..31 as in JavaScript;
//   - int / and % by 0 give 0, and INT_MIN / -1 wraps (fl_idiv, fl_irem);
//   - float → int truncates and wraps modulo 2^32, NaN and ±inf give 0 (fl_ftoi);
//   - float operations are in `float` (single) or `double`, math calls are the
//     libm functions of that type (sinf …), which C's semantics already match
//     (round, rint, remainder, copysign, fmod); exp10 is pow(10, x); min/max
//     are JavaScript's (NaN propagates, -0 < +0: fl_fminf …), not fmin/fmax.
// Inputs, outputs and UI zones have the type FAUSTFLOAT (default: the module
// precision); loads of zones and inputs are cast to the module precision.

import { elementKey, fieldUse, scalarArrays } from "../codegen/fields.ts";
import { assertNever, firChildren, FUNCTIONS, SAMPLE_RATE, type Expr, type FieldDecl, type FirModule, type FirNode, type Stmt } from "../../core/fir/fir.ts";

export type CLang = "c" | "cpp";

export interface CSourceOptions {
  /** The class (struct) name; default mydsp. */
  readonly className?: string;
}

export const DEFAULT_CLASS = "mydsp";

/** Keywords of C (C17 and C23) and C++ (C++20), and the alternative operator spellings: none can name a class. */
const C_KEYWORDS = new Set(
  (
    "auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while " +
    "_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local alignas alignof bool constexpr false nullptr static_assert thread_local true typeof typeof_unqual " +
    "and and_eq asm bitand bitor catch char8_t char16_t char32_t class compl concept const_cast consteval constinit co_await co_return co_yield decltype delete dynamic_cast explicit export friend " +
    "mutable namespace new noexcept not not_eq operator or or_eq private protected public reinterpret_cast requires static_cast template this throw try typeid typename using virtual wchar_t xor xor_eq"
  ).split(" "),
);

/** Names the generated C and C++ declare or include (their headers, the architecture types, the helpers): a class of that name would clash. */
const C_TAKEN = new Set(
  (
    "FAUSTFLOAT UIGlue MetaGlue UI Meta dsp std main malloc calloc realloc free memset memcpy abort exit " +
    "sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp exp2 expm1 log log2 log10 log1p pow sqrt cbrt hypot fabs fmod remainder floor ceil trunc round rint nearbyint lrint " +
    "fmin fmax fdim fma copysign nan isnan isinf isfinite signbit frexp ldexp modf erf erfc lgamma tgamma abs labs llabs div " +
    "sinf cosf tanf asinf acosf atanf atan2f sinhf coshf tanhf asinhf acoshf atanhf expf exp2f expm1f logf log2f log10f log1pf powf sqrtf cbrtf hypotf fabsf fmodf remainderf floorf ceilf truncf roundf rintf fminf fmaxf copysignf"
  ).split(" "),
);

/** Why a name cannot be the class (struct) name of generated C/C++, or undefined when it can. */
export function classNameProblem(s: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) return "not a C identifier";
  if (C_KEYWORDS.has(s)) return "a C or C++ keyword";
  if (/^_[A-Z_]|__/.test(s)) return "a reserved identifier (a leading underscore and capital, or two underscores)";
  if (C_TAKEN.has(s) || /^fl_/.test(s)) return "a name the generated code already uses (its headers, architecture types or helpers)";
  return undefined;
}

/** A C string literal (non-ASCII bytes and control characters as 3-digit octal escapes). */
export function cString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, "utf8")) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += "\\\\";
    else if (b === 0x3f) out += "\\?"; // no trigraphs
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += "\\" + b.toString(8).padStart(3, "0");
  }
  return out + '"';
}

/** An int literal (INT_MIN written so that it stays an int). */
export function cInt(v: number): string {
  v |= 0;
  if (v === -2147483648) return "(-2147483647 - 1)";
  return v < 0 ? `(${v})` : String(v);
}

/** A float literal of the module precision. */
export function cFloat(v: number, single: boolean): string {
  if (Number.isNaN(v)) return single ? "NAN" : "((double)NAN)";
  if (v === Infinity) return single ? "INFINITY" : "((double)INFINITY)";
  if (v === -Infinity) return single ? "(-INFINITY)" : "(-(double)INFINITY)";
  let s = Object.is(v, -0) ? "-0.0" : String(v);
  if (!/[.e]/.test(s)) s += ".0";
  if (single) s = Math.fround(v) === v ? s + "f" : `((float)${s})`;
  return s.startsWith("-") ? `(${s})` : s;
}

/** Helper functions (static inline, guarded so that several DSPs can share a translation unit). */
export const C_HELPERS = `#ifndef FAUSTLAB_C_HELPERS
#define FAUSTLAB_C_HELPERS
/* FIR int semantics without undefined behaviour */
static inline int fl_idiv(int a, int b) { return b == 0 ? 0 : (b == -1 ? (int)(0u - (unsigned)a) : a / b); }
static inline int fl_irem(int a, int b) { return (b == 0 || b == -1) ? 0 : a % b; }
static inline int fl_iabs(int a) { return a < 0 ? (int)(0u - (unsigned)a) : a; }
static inline int fl_imin(int a, int b) { return a < b ? a : b; }
static inline int fl_imax(int a, int b) { return a > b ? a : b; }
/* float min/max as FIR defines them (JavaScript's Math.min/max: a NaN argument gives NaN, -0 < +0);
   the common case is one comparison, which the compiler turns into minss/maxss, where fmin is a libm call */
static inline float fl_fminf(float a, float b) { return a < b ? a : b < a ? b : (a != a || b != b) ? a + b : signbit(a) ? a : b; }
static inline float fl_fmaxf(float a, float b) { return a > b ? a : b > a ? b : (a != a || b != b) ? a + b : signbit(a) ? b : a; }
static inline double fl_fmin(double a, double b) { return a < b ? a : b < a ? b : (a != a || b != b) ? a + b : signbit(a) ? a : b; }
static inline double fl_fmax(double a, double b) { return a > b ? a : b > a ? b : (a != a || b != b) ? a + b : signbit(a) ? b : a; }
static inline int fl_ftoi(double x)
{
    if (x > -2147483649.0 && x < 2147483648.0) return (int)x;
    if (x != x || isinf(x)) return 0;
    double r = fmod(trunc(x), 4294967296.0);
    if (r < 0) r += 4294967296.0;
    return (int)(unsigned)r;
}
#endif
`;

/** The FAUSTFLOAT default for the module precision. */
export function faustfloatDefault(m: FirModule): string {
  return `#ifndef FAUSTFLOAT\n#define FAUSTFLOAT ${m.precision === "single" ? "float" : "double"}\n#endif\n`;
}

/** The FIR → C expression and statement printer. */
export class CWriter {
  readonly single: boolean;
  /** The C type of FIR floats. */
  readonly real: string;
  private readonly sfx: string;
  private readonly fields: ReadonlySet<string>;
  readonly zones: ReadonlySet<string>;

  constructor(
    readonly m: FirModule,
    /** How a struct field is reached: `dsp->x` in C, `x` in C++. */
    readonly fieldRef: (name: string) => string,
  ) {
    this.single = m.precision === "single";
    this.real = this.single ? "float" : "double";
    this.sfx = this.single ? "f" : "";
    this.fields = new Set([SAMPLE_RATE, ...m.fields.map((f) => f.name)]);
    this.zones = new Set(m.widgets.map((w) => w.zone));
    const loaded = new Set<string>();
    const stack: FirNode[] = FUNCTIONS.flatMap((fn) => [...m.functions[fn]]);
    while (stack.length) {
      const n = stack.pop()!;
      if (n.kind === "load") loaded.add(n.name);
      stack.push(...firChildren(n));
    }
    this.loaded = loaded;
  }

  /** Names read somewhere in the module (a local declared but never read gets a `(void)` to keep -Wall quiet). */
  private readonly loaded: ReadonlySet<string>;

  /** Inside compute: fields (and elements of small constant-indexed arrays, `name:k`) held in locals. */
  private readonly alias = new Map<string, string>();

  private ref(name: string): string {
    return this.alias.get(name) ?? (this.fields.has(name) ? this.fieldRef(name) : name);
  }

  /** An array element as text: its local inside compute when the array is held in locals. */
  private elem(name: string, index: Expr): string {
    if (index.kind === "int") {
      const a = this.alias.get(elementKey(name, index.value));
      if (a) return a;
    }
    return `${this.ref(name)}[${this.expr(index)}]`;
  }

  /** The C type of a field's elements (zones are FAUSTFLOAT). */
  fieldType(f: FieldDecl): string {
    if (f.type === "int") return "int";
    return this.zones.has(f.name) ? "FAUSTFLOAT" : this.real;
  }

  lit(v: number, type: "int" | "float"): string {
    return type === "int" ? cInt(v) : cFloat(v, this.single);
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case "int":
        return cInt(e.value);
      case "float":
        return cFloat(e.value, this.single);
      case "load":
        return this.zones.has(e.name) ? `((${this.real})${this.ref(e.name)})` : this.ref(e.name);
      case "loadArr":
        return this.elem(e.name, e.index);
      case "input":
        return `((${this.real})input${e.chan}[${this.expr(e.index)}])`;
      case "binop": {
        const a = this.expr(e.x);
        const b = this.expr(e.y);
        if (e.type === "int") {
          const lit = e.y.kind === "int" ? e.y.value : undefined;
          const count = lit !== undefined && lit >= 0 && lit < 32 ? String(lit) : `(${b} & 31)`;
          switch (e.op) {
            case "add":
              return `((int)((unsigned)${a} + (unsigned)${b}))`;
            case "sub":
              return `((int)((unsigned)${a} - (unsigned)${b}))`;
            case "mul":
              return `((int)((unsigned)${a} * (unsigned)${b}))`;
            case "div":
              return lit !== undefined && lit !== 0 && lit !== -1 ? `(${a} / ${b})` : `fl_idiv(${a}, ${b})`;
            case "rem":
              return lit !== undefined && lit !== 0 && lit !== -1 ? `(${a} % ${b})` : `fl_irem(${a}, ${b})`;
            case "shl":
              return `((int)((unsigned)${a} << ${count}))`;
            case "ashr":
              return `(${a} >> ${count})`;
            case "lshr":
              return `((int)((unsigned)${a} >> ${count}))`;
            default:
              break;
          }
        } else if (e.op === "rem") return `fmod${this.sfx}(${a}, ${b})`;
        const sym = {
          add: "+", sub: "-", mul: "*", div: "/", rem: "%", shl: "<<", ashr: ">>", lshr: ">>", and: "&", or: "|", xor: "^",
          gt: ">", lt: "<", ge: ">=", le: "<=", eq: "==", ne: "!=",
        }[e.op];
        return `(${a} ${sym} ${b})`;
      }
      case "cast":
        return e.to === "int" ? `fl_ftoi(${this.expr(e.x)})` : `((${this.real})${this.expr(e.x)})`;
      case "call": {
        const args = e.args.map((a) => this.expr(a));
        const [a, b] = args;
        switch (e.fn) {
          case "isnan":
          case "isinf":
            return `(${e.fn}(${a}) ? 1 : 0)`;
          case "abs":
            return e.type === "int" ? `fl_iabs(${a})` : `fabs${this.sfx}(${a})`;
          case "min":
          case "max":
            return e.type === "int" ? `fl_i${e.fn}(${a}, ${b})` : `fl_f${e.fn}${this.sfx}(${a}, ${b})`;
          case "exp10":
            return `pow${this.sfx}(${cFloat(10, this.single)}, ${a})`;
          default:
            return `${e.fn}${this.sfx}(${args.join(", ")})`;
        }
      }
      case "select":
        return `(${this.expr(e.cond)} != 0 ? ${this.expr(e.a)} : ${this.expr(e.b)})`;
      default:
        return assertNever(e);
    }
  }

  stmts(body: readonly Stmt[], indent: string, out: string[]): void {
    for (const s of body) {
      switch (s.kind) {
        case "declare":
          out.push(`${indent}${s.type === "int" ? "int" : this.real} ${s.name} = ${this.expr(s.value)};`);
          if (!this.loaded.has(s.name)) out.push(`${indent}(void)${s.name};`);
          break;
        case "store":
          out.push(`${indent}${this.ref(s.name)} = ${this.zones.has(s.name) ? `(FAUSTFLOAT)${this.expr(s.value)}` : this.expr(s.value)};`);
          break;
        case "storeArr":
          out.push(`${indent}${this.elem(s.name, s.index)} = ${this.expr(s.value)};`);
          break;
        case "output":
          out.push(`${indent}output${s.chan}[${this.expr(s.index)}] = (FAUSTFLOAT)${this.expr(s.value)};`);
          break;
        case "for":
          out.push(`${indent}for (int ${s.name} = ${this.expr(s.from)}; ${s.name} < ${this.expr(s.to)}; ${s.name}++) {`);
          this.stmts(s.body, indent + "    ", out);
          out.push(`${indent}}`);
          break;
        case "if":
          out.push(`${indent}if (${this.expr(s.cond)} != 0) {`);
          this.stmts(s.then, indent + "    ", out);
          if (s.else.length) {
            out.push(`${indent}} else {`);
            this.stmts(s.else, indent + "    ", out);
          }
          out.push(`${indent}}`);
          break;
        case "block":
          out.push(`${indent}{`);
          this.stmts(s.body, indent + "    ", out);
          out.push(`${indent}}`);
          break;
        default:
          assertNever(s);
      }
    }
  }

  /** The member declarations of the struct/class (fSampleRate first). */
  fieldDecls(indent: string): string[] {
    const out = [`${indent}int ${SAMPLE_RATE};`];
    for (const f of this.m.fields) out.push(`${indent}${this.fieldType(f)} ${f.name}${f.size === undefined ? "" : `[${f.size}]`};`);
    return out;
  }

  /** Name of the file-scope constant table of an array field with content. */
  tableName(className: string, f: FieldDecl): string {
    return `${className}_${f.name}_data`;
  }

  /** File-scope constant tables (waveforms). */
  tables(className: string): string[] {
    const out: string[] = [];
    for (const f of this.m.fields) {
      if (!f.data || f.size === undefined) continue;
      const vals = f.data.map((v) => this.lit(v, f.type));
      out.push(`static const ${f.type === "int" ? "int" : this.real} ${this.tableName(className, f)}[${f.size}] = {`);
      for (let i = 0; i < vals.length; i += 8) out.push(`    ${vals.slice(i, i + 8).join(", ")},`);
      out.push("};");
    }
    return out;
  }

  /** Statements zeroing every field (`zero`: scalars and plain arrays) and copying the constant tables. */
  initFields(className: string, indent: string, zero: boolean): string[] {
    const out: string[] = [];
    if (zero) out.push(`${indent}${this.fieldRef(SAMPLE_RATE)} = 0;`);
    for (const f of this.m.fields) {
      const r = this.fieldRef(f.name);
      if (f.size === undefined) {
        if (zero) out.push(`${indent}${r} = 0;`);
      } else if (f.data) out.push(`${indent}for (int i = 0; i < ${f.size}; i++) ${r}[i] = ${this.tableName(className, f)}[i];`);
      else if (zero) out.push(`${indent}for (int i = 0; i < ${f.size}; i++) ${r}[i] = 0;`);
    }
    return out;
  }

  /** The body of compute: input/output pointers for the channels used, then the FIR statements. */
  computeBody(indent: string): string[] {
    const ins = new Set<number>();
    const outs = new Set<number>();
    const stack: FirNode[] = [...this.m.functions.compute];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.kind === "input") ins.add(n.chan);
      else if (n.kind === "output") outs.add(n.chan);
      stack.push(...firChildren(n));
    }
    const out: string[] = [];
    for (const k of [...ins].sort((a, b) => a - b)) out.push(`${indent}FAUSTFLOAT* input${k} = inputs[${k}];`);
    for (const k of [...outs].sort((a, b) => a - b)) out.push(`${indent}FAUSTFLOAT* output${k} = outputs[${k}];`);
    // The scalar fields compute uses, and the elements of the small arrays
    // indexed only by constants, live in locals (written back at the end if
    // stored): the C compiler then keeps them in registers, since no store to
    // an output buffer can alias a local.
    const scalar = scalarArrays(this.m);
    const { used, stored } = fieldUse(this.m.functions.compute, scalar);
    const writeBack: string[] = [];
    const hold = (key: string, local: string, type: string, member: string) => {
      if (!used.has(key)) return;
      this.alias.set(key, local);
      out.push(`${indent}${type} ${local} = ${member};`);
      if (stored.has(key)) writeBack.push(`${indent}${member} = ${local};`);
    };
    hold(SAMPLE_RATE, `l_${SAMPLE_RATE}`, "int", this.fieldRef(SAMPLE_RATE));
    for (const f of this.m.fields) {
      const t = this.fieldType(f);
      if (f.size === undefined) hold(f.name, `l_${f.name}`, t, this.fieldRef(f.name));
      else if (scalar.has(f.name)) for (let k = 0; k < f.size; k++) hold(elementKey(f.name, k), `l_${f.name}_${k}`, t, `${this.fieldRef(f.name)}[${k}]`);
    }
    this.stmts(this.m.functions.compute, indent, out);
    out.push(...writeBack);
    this.alias.clear();
    return out;
  }

  /** The body of one of the other FIR functions. */
  functionBody(fn: Exclude<(typeof FUNCTIONS)[number], "compute">, indent: string): string[] {
    const out: string[] = [];
    this.stmts(this.m.functions[fn], indent, out);
    return out;
  }

  /**
   * The UI calls of buildUserInterface: `call(method, args)` gives one call's
   * text (args already C expressions); zones are `&field`.
   */
  uiCalls(indent: string, call: (method: string, args: string[]) => string): string[] {
    const out: string[] = [];
    const zoneOf = new Map(this.m.widgets.map((w) => [w.address, w.zone]));
    const open: Record<string, string> = { vgroup: "openVerticalBox", hgroup: "openHorizontalBox", tgroup: "openTabBox" };
    const add: Record<string, string> = {
      button: "addButton", checkbox: "addCheckButton", hslider: "addHorizontalSlider", vslider: "addVerticalSlider",
      nentry: "addNumEntry", hbargraph: "addHorizontalBargraph", vbargraph: "addVerticalBargraph",
    };
    const ff = (v: unknown) => `(FAUSTFLOAT)${cFloat(Number(v), false)}`;
    type Item = { type: string; label: string; items?: Item[]; address?: string; meta?: readonly Record<string, string>[]; init?: number; min?: number; max?: number; step?: number };
    // a widget's or group's metadata ([style:knob], [unit:dB], ...) as declare calls before it, as Faust's architectures expect
    const declares = (item: Item, zone: string) => {
      for (const entry of item.meta ?? []) for (const [k, v] of Object.entries(entry)) out.push(indent + call("declare", [zone, cString(k), cString(String(v))]));
    };
    // explicit stack: (item, entering) pairs, so deep group nesting cannot overflow
    const stack: { item: Item; close: boolean }[] = [...(this.m.ui as Item[])].reverse().map((item) => ({ item, close: false }));
    while (stack.length) {
      const { item, close } = stack.pop()!;
      if (close) {
        out.push(indent + call("closeBox", []));
        continue;
      }
      if (item.items) {
        const m = open[item.type] ?? "openVerticalBox";
        declares(item, "0");
        out.push(indent + call(m, [cString(item.label ?? "")]));
        stack.push({ item, close: true });
        for (const c of [...item.items].reverse()) stack.push({ item: c, close: false });
        continue;
      }
      const zone = item.address !== undefined ? zoneOf.get(item.address) : undefined;
      const method = add[item.type];
      if (!zone || !method) continue;
      const z = `&${this.fieldRef(zone)}`;
      const label = cString(item.label ?? "");
      declares(item, z);
      if (item.type === "button" || item.type === "checkbox") out.push(indent + call(method, [label, z]));
      else if (item.type === "hbargraph" || item.type === "vbargraph") out.push(indent + call(method, [label, z, ff(item.min), ff(item.max)]));
      else out.push(indent + call(method, [label, z, ff(item.init), ff(item.min), ff(item.max), ff(item.step)]));
    }
    return out;
  }

  /** The metadata declarations: `call(key, value)` for each pair (C string literals). */
  metaCalls(indent: string, call: (key: string, value: string) => string): string[] {
    return this.m.metadata.map(([k, v]) => indent + call(cString(k), cString(v)));
  }
}


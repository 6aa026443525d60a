// FIR: faustlab's imperative intermediate representation, between signals and
// the backends. A module is a struct of fields (scalars and arrays) plus four
// functions (instanceConstants, instanceResetUserInterface, instanceClear,
// compute) whose bodies are statement lists over typed expressions.
//
//   Expressions: int, float, load, loadArr, input, binop, cast, call, select
//   Statements:  declare (a local scalar), store, storeArr, output, for, if, block
//
// Values have one of two types: `int` (32-bit, wrapping) and `float` (the
// module's precision: float32 in single, float64 in double; every float
// operation rounds to that precision). One SCHEMA table gives every kind's
// fields; children, mapping, printing and the verifier are driven by it.

import { assertNever } from "../signals/signal.ts";

export { assertNever };

export type Ty = "int" | "float";
export type Precision = "single" | "double";

/**
 * Binary operators. `type` on a binop is the operand type; comparisons give
 * int 0/1. Int: + - * wrap to 32 bits, `div` truncates (x/0 = 0), `rem` is C's
 * remainder (x%0 = 0), shifts and bitwise ops are int-only. Float: `rem` is
 * C's fmod.
 */
export const FIR_BINOPS = ["add", "sub", "mul", "div", "rem", "shl", "ashr", "lshr", "and", "or", "xor", "gt", "lt", "ge", "le", "eq", "ne"] as const;
export type FirBinOp = (typeof FIR_BINOPS)[number];
export const COMPARISONS: ReadonlySet<FirBinOp> = new Set(["gt", "lt", "ge", "le", "eq", "ne"]);
export const INT_ONLY: ReadonlySet<FirBinOp> = new Set(["shl", "ashr", "lshr", "and", "or", "xor"]);

/**
 * Math functions with C semantics. `abs`, `min`, `max` exist for both types
 * (arguments of the call's type); `isnan`/`isinf` take a float and give an
 * int; every other function takes and gives floats.
 */
export const MATH_FNS = {
  abs: 1, acos: 1, asin: 1, atan: 1, ceil: 1, cos: 1, exp: 1, exp10: 1, floor: 1, log: 1, log10: 1, rint: 1, round: 1,
  sin: 1, sqrt: 1, tan: 1, acosh: 1, asinh: 1, atanh: 1, cosh: 1, sinh: 1, tanh: 1, isnan: 1, isinf: 1,
  atan2: 2, pow: 2, fmod: 2, remainder: 2, min: 2, max: 2, copysign: 2,
} as const;
export type MathFn = keyof typeof MATH_FNS;
/** Functions defined on both types (the call's type is the argument type). */
export const POLY_FNS: ReadonlySet<MathFn> = new Set(["abs", "min", "max"]);

// ---------------------------------------------------------------------------
// The schema. Field types:
//   num   a number           str  a name          ty  int | float
//   op    a FirBinOp         fn   a MathFn
//   expr  an expression      exprs a list of expressions      stmts a list of statements

export const SCHEMA = {
  // expressions
  int: { expr: true, fields: { value: "num" } },
  float: { expr: true, fields: { value: "num" } },
  /** A scalar variable: a local or a struct field. */
  load: { expr: true, fields: { name: "str" } },
  loadArr: { expr: true, fields: { name: "str", index: "expr" } },
  /** inputs[chan][index] */
  input: { expr: true, fields: { chan: "num", index: "expr" } },
  binop: { expr: true, fields: { op: "op", type: "ty", x: "expr", y: "expr" } },
  /** Conversion: float→int truncates and wraps (NaN→0), int→float rounds to the precision. */
  cast: { expr: true, fields: { to: "ty", x: "expr" } },
  call: { expr: true, fields: { fn: "fn", type: "ty", args: "exprs" } },
  /** cond != 0 ? a : b (both of `type`). */
  select: { expr: true, fields: { type: "ty", cond: "expr", a: "expr", b: "expr" } },
  // statements
  /** A new local scalar with its initial value. */
  declare: { expr: false, fields: { name: "str", type: "ty", value: "expr" } },
  store: { expr: false, fields: { name: "str", value: "expr" } },
  storeArr: { expr: false, fields: { name: "str", index: "expr", value: "expr" } },
  /** outputs[chan][index] = value (a float). */
  output: { expr: false, fields: { chan: "num", index: "expr", value: "expr" } },
  /** for (int name = from; name < to; name++) body */
  for: { expr: false, fields: { name: "str", from: "expr", to: "expr", body: "stmts" } },
  if: { expr: false, fields: { cond: "expr", then: "stmts", else: "stmts" } },
  block: { expr: false, fields: { body: "stmts" } },
} as const;

export type FieldType = "num" | "str" | "ty" | "op" | "fn" | "expr" | "exprs" | "stmts";
interface FieldTS {
  num: number;
  str: string;
  ty: Ty;
  op: FirBinOp;
  fn: MathFn;
  expr: Expr;
  exprs: readonly Expr[];
  stmts: readonly Stmt[];
}
type Schema = typeof SCHEMA;
export type FirKind = keyof Schema;
type NodeOf<K extends FirKind> = { readonly kind: K } & { readonly [F in keyof Schema[K]["fields"]]: FieldTS[Schema[K]["fields"][F] & keyof FieldTS] };
type ExprKind = { [K in FirKind]: Schema[K]["expr"] extends true ? K : never }[FirKind];
type StmtKind = Exclude<FirKind, ExprKind>;
export type Expr = { [K in ExprKind]: NodeOf<K> }[ExprKind];
export type Stmt = { [K in StmtKind]: NodeOf<K> }[StmtKind];
export type FirNode = Expr | Stmt;
export type FirOf<K extends FirKind> = NodeOf<K>;

export const FIR_KINDS = Object.keys(SCHEMA) as FirKind[];
export function isExpr(n: FirNode): n is Expr {
  return SCHEMA[n.kind].expr;
}
/** Field names and types of a kind, in schema order. */
export function firFields(kind: FirKind): readonly (readonly [string, FieldType])[] {
  return Object.entries(SCHEMA[kind].fields) as [string, FieldType][];
}

/** The child nodes (expressions and statements) of a node, in schema order. */
export function firChildren(n: FirNode): FirNode[] {
  const out: FirNode[] = [];
  const rec = n as unknown as Record<string, unknown>;
  for (const [name, type] of firFields(n.kind)) {
    if (type === "expr") out.push(rec[name] as Expr);
    else if (type === "exprs" || type === "stmts") out.push(...(rec[name] as FirNode[]));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Constructors

export const fir = {
  int: (value: number): Expr => ({ kind: "int", value: value | 0 }),
  float: (value: number): Expr => ({ kind: "float", value }),
  load: (name: string): Expr => ({ kind: "load", name }),
  loadArr: (name: string, index: Expr): Expr => ({ kind: "loadArr", name, index }),
  input: (chan: number, index: Expr): Expr => ({ kind: "input", chan, index }),
  binop: (op: FirBinOp, type: Ty, x: Expr, y: Expr): Expr => ({ kind: "binop", op, type, x, y }),
  cast: (to: Ty, x: Expr): Expr => ({ kind: "cast", to, x }),
  call: (fn: MathFn, type: Ty, args: readonly Expr[]): Expr => ({ kind: "call", fn, type, args }),
  select: (type: Ty, cond: Expr, a: Expr, b: Expr): Expr => ({ kind: "select", type, cond, a, b }),
  declare: (name: string, type: Ty, value: Expr): Stmt => ({ kind: "declare", name, type, value }),
  store: (name: string, value: Expr): Stmt => ({ kind: "store", name, value }),
  storeArr: (name: string, index: Expr, value: Expr): Stmt => ({ kind: "storeArr", name, index, value }),
  output: (chan: number, index: Expr, value: Expr): Stmt => ({ kind: "output", chan, index, value }),
  for: (name: string, from: Expr, to: Expr, body: readonly Stmt[]): Stmt => ({ kind: "for", name, from, to, body }),
  if: (cond: Expr, then: readonly Stmt[], els: readonly Stmt[] = []): Stmt => ({ kind: "if", cond, then, else: els }),
  block: (body: readonly Stmt[]): Stmt => ({ kind: "block", body }),
};

// ---------------------------------------------------------------------------
// Modules

/** A struct field: a scalar (`size` undefined) or an array of `size` elements, optionally with constant content. */
export interface FieldDecl {
  readonly name: string;
  readonly type: Ty;
  readonly size?: number;
  /** Constant initial content of an array (waveforms), set once at creation. */
  readonly data?: readonly number[];
}

/** A UI widget and the field (its zone) holding its value. */
export interface FirWidget {
  readonly kind: "button" | "checkbox" | "hslider" | "vslider" | "nentry" | "hbargraph" | "vbargraph";
  readonly label: string;
  readonly address: string;
  readonly zone: string;
  readonly init: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

export const FUNCTIONS = ["instanceConstants", "instanceResetUserInterface", "instanceClear", "compute"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/**
 * A compiled program. Predefined names: the int field `fSampleRate` (set by
 * init before instanceConstants); in compute, the int local `count`. Inputs and
 * outputs are reached only by the `input` and `output` nodes.
 */
export interface FirModule {
  readonly name: string;
  readonly precision: Precision;
  readonly inputs: number;
  readonly outputs: number;
  readonly fields: readonly FieldDecl[];
  readonly widgets: readonly FirWidget[];
  /** The JSON-like UI tree (Faust's buildUserInterface data). */
  readonly ui: readonly unknown[];
  readonly metadata: readonly (readonly [string, string])[];
  readonly functions: Readonly<Record<FunctionName, readonly Stmt[]>>;
}

export const SAMPLE_RATE = "fSampleRate";
export const COUNT = "count";

/** Rebuilds a node with `f` applied to each child (schema-driven; returns the node itself when nothing changed). */
export function mapFirChildren<N extends FirNode>(n: N, f: (c: FirNode) => FirNode): N {
  const rec = n as unknown as Record<string, unknown>;
  let changed = false;
  const out: Record<string, unknown> = { kind: n.kind };
  for (const [name, type] of firFields(n.kind)) {
    const v = rec[name];
    if (type === "expr") {
      const w = f(v as FirNode);
      changed ||= w !== v;
      out[name] = w;
    } else if (type === "exprs" || type === "stmts") {
      const ws = (v as FirNode[]).map(f);
      changed ||= ws.some((w, i) => w !== (v as FirNode[])[i]);
      out[name] = ws;
    } else out[name] = v;
  }
  return changed ? (out as unknown as N) : n;
}

/** Whether a field value has the schema type `type` (expressions and statements: right category of kind). */
export function fieldHasType(type: FieldType, v: unknown): boolean {
  const isNode = (x: unknown, expr: boolean) =>
    typeof x === "object" && x !== null && typeof (x as FirNode).kind === "string" && (x as FirNode).kind in SCHEMA && SCHEMA[(x as FirNode).kind].expr === expr;
  switch (type) {
    case "num":
      return typeof v === "number";
    case "str":
      return typeof v === "string" && v.length > 0;
    case "ty":
      return v === "int" || v === "float";
    case "op":
      return (FIR_BINOPS as readonly unknown[]).includes(v);
    case "fn":
      return typeof v === "string" && v in MATH_FNS;
    case "expr":
      return isNode(v, true);
    case "exprs":
      return Array.isArray(v) && v.every((x) => isNode(x, true));
    case "stmts":
      return Array.isArray(v) && v.every((x) => isNode(x, false));
    default:
      return assertNever(type);
  }
}

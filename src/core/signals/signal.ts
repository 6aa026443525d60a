// The signal IR: a hash-consed dataflow graph of audio signals, with recursion.
//
// API (everything a producer of signals needs):
//   import { sig, type Sig } from "./signals/signal.ts";
//   sig.int(3), sig.float(0.5), sig.input(0), sig.output(0, x)
//   sig.add(a, b) … sig.binop("add", a, b), sig.math1("sin", x), sig.math2("pow", x, y)
//   sig.delay1(x), sig.delay(x, n), sig.prefix(init, x)
//   sig.intcast(x), sig.floatcast(x), sig.select2(c, a, b), sig.select3(c, a, b, d)
//   sig.table(size, gen), sig.rdtable(tbl, i), sig.rwtable(tbl, wi, ws, ri), sig.waveform([...])
//   sig.fconst/fvar/ffun, sig.button/checkbox/hslider/vslider/nentry/hbargraph/vbargraph/soundfile
//   sig.attach(x, y), sig.enable(x, y), sig.control(x, y)
//   recursion:  const [y] = sig.recursion("y", 1, ([y]) => [sig.add(sig.int(1), sig.delay1(y))]);  (alias sig.rec)
//               (or sig.declareRec(name, arity) + sig.proj(g, i) + sig.defineRec(g, bodies)).
//   schema-driven helpers: children(s), mapChildren(s, f), nodeById(id), SCHEMA.
//
// Every node is created through `make`, which looks up a structural key
// (kind + parameters + child ids) in one global table: structurally equal nodes
// are the same object and carry a dense numeric `id`. Nodes are frozen.
// The one exception to purely structural identity is the recursion group `rec`,
// identified by its symbolic name (see README.md): its bodies are attached once,
// after creation, which is how the graph gets its cycles
// (rec → body → … → delay1 → proj → rec).

import { DiagnosticError, diagOf, type ArgsOf } from "../diagnostics.ts";

// ---------------------------------------------------------------------------
// Operators

/** Faust's binary operators (`+ - * / % << >> >>> > < >= <= == != & | ^`). */
export const BINOPS = ["add", "sub", "mul", "div", "rem", "shl", "ashr", "lshr", "gt", "lt", "ge", "le", "eq", "ne", "and", "or", "xor"] as const;
export type BinOp = (typeof BINOPS)[number];

/** Unary math primitives (Faust's "xtended" functions of one argument). */
export const MATH1 = [
  "abs", "acos", "asin", "atan", "ceil", "cos", "exp", "exp10", "floor", "log", "log10", "rint", "round", "sin", "sqrt", "tan",
  "acosh", "asinh", "atanh", "cosh", "sinh", "tanh", "isnan", "isinf",
] as const;
export type Math1Op = (typeof MATH1)[number];

/** Binary math primitives. */
export const MATH2 = ["atan2", "pow", "fmod", "remainder", "min", "max", "copysign"] as const;
export type Math2Op = (typeof MATH2)[number];

export type Nature = "int" | "float";

/** The three clock-domain primitives (Faust's development branch). */
export const CLOCK_MODES = ["ondemand", "upsampling", "downsampling"] as const;
export type ClockMode = (typeof CLOCK_MODES)[number];
export const NATURES = ["int", "float"] as const;

/** One level of the UI group path: orientation (h, v or t(ab)), label, and the group's metadata (`hgroup("G[m:1]", …)`; absent when none). */
export interface UIGroup {
  readonly orient: "h" | "v" | "t";
  readonly label: string;
  readonly meta?: readonly MetaEntry[];
}
/** A metadata entry `[key: value]`, in source order. */
export type MetaEntry = readonly [key: string, value: string];

// ---------------------------------------------------------------------------
// The schema: one entry per kind. Field order is the print order and the key
// order. Field types:
//   sig     a child signal            sigs    a list of child signals
//   i32     a 32-bit integer          nat     a non-negative integer
//   f64     an exact double           str     a string
//   binop/math1/math2  an operator    nature/natures  int or float
//   path    UI group path             meta    metadata entries
//   group   a recursion group (child edge; printed @name)
//   name    the symbolic name of a recursion group
// `mnemonic: "op"` prints the operator instead of the kind (`add %1, %2`).
// `timing: {field: t}` states when an operand is read, for every operand that
// is not read in the current sample (the only place this is stated; read it
// through `operandLag`, `readsPast` and `constantDelay`):
//   n (a number ≥ 1)  the operand's value n samples earlier (delay1, prefix)
//   "<field>"         as many samples earlier as that field's value, max(0, int(v))
//                     (delay: the past when `amount` is a constant int ≥ 1)
//   "init"            at init time (a table's size and generator)
//   "never"           a description, not read for the value (sos.x: y reads x itself)
//   "block"           over the block, in reversed time (reverse.x, tape.x)
//   "inner"           read inside a clock domain, in its own time (clocked.outs: the body)
//   "outer"           read from the enclosing clock domain, at each run of the body (din.x)
// The scheduler and the cycle check cut the edges that read the past, and
// those that cross a clock-domain boundary.

export const SCHEMA = {
  int: { fields: { value: "i32" } },
  float: { fields: { value: "f64" } },
  input: { fields: { index: "nat" } },
  output: { fields: { index: "nat", x: "sig" } },
  delay1: { fields: { x: "sig" }, timing: { x: 1 } },
  /** x delayed by `amount` samples; the edge to x reads the past when amount is a constant int ≥ 1. */
  delay: { fields: { x: "sig", amount: "sig" }, timing: { x: "amount" } },
  /** `init` at time 0, then x of the previous sample. */
  prefix: { fields: { init: "sig", x: "sig" }, timing: { x: 1 } },
  binop: { fields: { op: "binop", x: "sig", y: "sig" }, mnemonic: "op" },
  math1: { fields: { op: "math1", x: "sig" }, mnemonic: "op" },
  math2: { fields: { op: "math2", x: "sig", y: "sig" }, mnemonic: "op" },
  intcast: { fields: { x: "sig" } },
  floatcast: { fields: { x: "sig" } },
  /** `sel == 0 ? a : b` (Faust's select2(sel, a, b)). */
  select2: { fields: { sel: "sig", a: "sig", b: "sig" } },
  /** Initial content of a table: `gen` run for `size` samples at init time. */
  table: { fields: { size: "sig", gen: "sig" }, timing: { size: "init", gen: "init" } },
  rdtable: { fields: { table: "sig", index: "sig" } },
  /** Each sample: table[windex] := wvalue, then read table[rindex]. */
  rwtable: { fields: { table: "sig", windex: "sig", wvalue: "sig", rindex: "sig" } },
  /** Plays `values` (int or float constants) periodically. */
  waveform: { fields: { values: "sigs" } },
  fconst: { fields: { type: "nature", name: "str", file: "str" } },
  fvar: { fields: { type: "nature", name: "str", file: "str" } },
  ffun: { fields: { name: "str", ret: "nature", params: "natures", file: "str", lib: "str", args: "sigs" } },
  button: { fields: { label: "str", path: "path", meta: "meta" } },
  checkbox: { fields: { label: "str", path: "path", meta: "meta" } },
  hslider: { fields: { label: "str", path: "path", meta: "meta", init: "sig", min: "sig", max: "sig", step: "sig" } },
  vslider: { fields: { label: "str", path: "path", meta: "meta", init: "sig", min: "sig", max: "sig", step: "sig" } },
  nentry: { fields: { label: "str", path: "path", meta: "meta", init: "sig", min: "sig", max: "sig", step: "sig" } },
  hbargraph: { fields: { label: "str", path: "path", meta: "meta", min: "sig", max: "sig", x: "sig" } },
  vbargraph: { fields: { label: "str", path: "path", meta: "meta", min: "sig", max: "sig", x: "sig" } },
  soundfile: { fields: { label: "str", path: "path", meta: "meta" } },
  sflength: { fields: { sf: "sig", part: "sig" } },
  sfrate: { fields: { sf: "sig", part: "sig" } },
  sfbuffer: { fields: { sf: "sig", chan: "sig", part: "sig", index: "sig" } },
  /** Value of x; y is computed too (kept alive, e.g. a bargraph). */
  attach: { fields: { x: "sig", y: "sig" } },
  /** x when y != 0, else the previous value (held), x suspended while y == 0 (conditions.ts); from source, x is Faust's x·y. */
  enable: { fields: { x: "sig", y: "sig" } },
  /** Same semantics as enable (Faust's control). */
  control: { fields: { x: "sig", y: "sig" } },
  /** A recursion group: identified by `name`; `bodies` are attached once (not in the key). */
  rec: { fields: { name: "name", bodies: "sigs" } },
  /** The i-th signal of a recursion group. */
  proj: { fields: { group: "group", index: "nat" } },
  /**
   * Finite impulse response: y[n] = Σ_{k=0}^{K-1} coefs[k]·x[n−k] (x is 0 before time 0),
   * summed left to right starting from coefs[0]·x[n]: ((c0·x[n] + c1·x[n−1]) + c2·x[n−2]) + ….
   * The x edge is instantaneous (coefs[0]·x[n]); coefficients are read each sample.
   */
  fir: { fields: { x: "sig", coefs: "sigs" } },
  /**
   * Infinite impulse response, all-pole with a0 = 1 (the fi.iir / tf2 sign convention):
   * y[n] = x[n] − Σ_{k=1}^{K} coefs[k−1]·y[n−k] (y is 0 before time 0), subtracted left
   * to right: ((x[n] − c0·y[n−1]) − c1·y[n−2]) − …. The feedback is internal to the node.
   */
  iir: { fields: { x: "sig", coefs: "sigs" } },
  /**
   * One second-order section of a cascade that biquad-factor emitted: its value
   * is y (the section in direct form I, ordinary nodes reading x); the other
   * fields say what y is, so that realize can re-emit it in another structure
   * from its exact roots: H(z) = gain·Π(1 − zᵢz⁻¹)/Π(1 − pᵢz⁻¹) (`zeros`,
   * `poles`: up to two complex roots as [re, im, …]), expanded as
   * (b0 + b1z⁻¹ + b2z⁻²)/(1 + a1z⁻¹ + a2z⁻²) (`biquad`: [b0, b1, b2, a1, a2]).
   * `index` of `count` in its cascade: section index > 0 reads section
   * index − 1 as x. `label` names the cascade in remarks. The x edge is a
   * description, not an operand of the value (y reads x itself): it reads no
   * sample (timing "never"). Lowered to y before FIR
   * generation (src/chain/codegen/lower.ts).
   */
  /**
   * A clock domain (ondemand, upsampling, downsampling): the body `outs` runs in
   * its own time, `clock` (read as int) saying when and how often, each run
   * advancing the body's own state (delays, recursions, waveforms, rwtables).
   * `ins` are the values the body reads from this domain (its block inputs,
   * the first `inputs` of them, then the values it captures: an adapted sample
   * rate, signals bound outside); the body reads `ins[k]` through `din(ins[k], k)`.
   * Not a sample value: its outputs are read through `clockout`, each holding
   * its last value between runs (0 before the first). The body is read inside
   * the domain (timing "inner"), not in this one's schedule.
   */
  clocked: { fields: { mode: "clock", clock: "sig", ins: "sigs", inputs: "nat", outs: "sigs" }, timing: { outs: "inner" } },
  /** Inside a clock domain's body: its k-th value from the enclosing domain, `x` (sampled at each run; timing "outer"). */
  din: { fields: { x: "sig", index: "nat" }, timing: { x: "outer" } },
  /** The i-th output of a clock domain, held between its runs. */
  clockout: { fields: { domain: "sig", index: "nat" } },
  sos: { fields: { x: "sig", y: "sig", biquad: "f64s", zeros: "f64s", poles: "f64s", gain: "f64", index: "nat", count: "nat", label: "str" }, timing: { x: "never" } },
  /**
   * Block reversal (the gradient lanes of rad over a body with state): x is a
   * signal in *reversed block time*, whose value at sample n of a block of L
   * samples starting at b is x at reversed index b+L−1−n, x's state starting
   * from zero at each block (the block's end). x reads forward signals only
   * through `tape` nodes and contains no `reverse`. Timing "block": x is read
   * over the whole block, not in the current sample.
   */
  reverse: { fields: { x: "sig" }, timing: { x: "block" } },
  /**
   * Inside the x of a `reverse`: the forward signal x at the forward sample
   * b+L−1−n' of reversed index n' (what a block-local tape recorded).
   */
  tape: { fields: { x: "sig" }, timing: { x: "block" } },
} as const;

export type FieldType = "sig" | "sigs" | "i32" | "nat" | "f64" | "f64s" | "str" | "binop" | "math1" | "math2" | "nature" | "natures" | "path" | "meta" | "group" | "name" | "clock";

interface FieldTS {
  sig: Sig;
  sigs: readonly Sig[];
  i32: number;
  nat: number;
  f64: number;
  f64s: readonly number[];
  str: string;
  binop: BinOp;
  math1: Math1Op;
  math2: Math2Op;
  nature: Nature;
  natures: readonly Nature[];
  path: readonly UIGroup[];
  meta: readonly MetaEntry[];
  group: RecSig;
  name: string;
  clock: ClockMode;
}

type Schema = typeof SCHEMA;
export type Kind = keyof Schema;
export const KINDS = Object.keys(SCHEMA) as Kind[];
type FieldsOf<K extends Kind> = Schema[K]["fields"];
export type SigFields<K extends Kind> = { readonly [F in keyof FieldsOf<K>]: FieldTS[FieldsOf<K>[F] & keyof FieldTS] };
export type SigOf<K extends Kind> = { readonly kind: K; readonly id: number } & SigFields<K>;
/** A signal node: the discriminated union over all kinds. */
export type Sig = { [K in Kind]: SigOf<K> }[Kind];
export type RecSig = SigOf<"rec">;
export type ProjSig = SigOf<"proj">;

type Timing = number | "init" | "never" | "block" | "inner" | "outer" | string;
const FIXED_TIMINGS: ReadonlySet<unknown> = new Set(["init", "never", "block", "inner", "outer"]);
const timingOf = (kind: Kind, field: string): Timing | undefined => ((SCHEMA[kind] as { timing?: Record<string, Timing> }).timing ?? {})[field];

/**
 * When the operand in field `field` of `s` is read (schema `timing`): 0 in the
 * current sample, n ≥ 1 samples earlier, "init" at init time, "never" (a
 * description, not an operand of the value), "block" (over the block, in
 * reversed time: reverse/tape), "inner" / "outer" (across a
 * clock-domain boundary: inside the domain's body, or from the enclosing
 * domain), or "varying"
 * when the lag is a signal that is not a constant int (a negative constant
 * lag, which the run time clamps to 0, counts as varying too: no caller may
 * take it for a delay).
 */
export function operandLag(s: Sig, field: string): number | "init" | "never" | "block" | "inner" | "outer" | "varying" {
  const t = timingOf(s.kind, field);
  if (t === undefined) return 0;
  if (typeof t === "number" || FIXED_TIMINGS.has(t)) return t as number | "init" | "never" | "block" | "inner" | "outer";
  const amount = (s as unknown as Record<string, Sig>)[t]!;
  return amount.kind === "int" && amount.value >= 0 ? amount.value : "varying";
}

/** Whether the edge from `s` through `field` is not read within the current sample of this domain (a lag ≥ 1, init time, never, over the block, or across a clock boundary). */
export function readsPast(s: Sig, field: string): boolean {
  const l = operandLag(s, field);
  return FIXED_TIMINGS.has(l) || (typeof l === "number" && l >= 1);
}

/** Whether the edge from `s` through `field` crosses a clock-domain boundary (timing "inner" or "outer"). */
export function crossesDomain(s: Sig, field: string): boolean {
  const t = timingOf(s.kind, field);
  return t === "inner" || t === "outer";
}

/** Kinds that are one operand delayed (their only other operands give the lag), with that operand's field. */
const DELAY_FIELD = Object.fromEntries(
  KINDS.flatMap((k) => {
    const timing = Object.entries((SCHEMA[k] as { timing?: Record<string, Timing> }).timing ?? {});
    if (timing.length !== 1 || FIXED_TIMINGS.has(timing[0]![1])) return [];
    const [field, t] = timing[0]!;
    const others = Object.entries(SCHEMA[k].fields).filter(([f, type]) => f !== field && f !== t && (type === "sig" || type === "sigs"));
    return others.length === 0 ? [[k, field]] : [];
  }),
) as Partial<Record<Kind, string>>;

/** `s` as its operand delayed by a constant number of samples ≥ 0 (delay1, delay by a constant int ≥ 0), else undefined. */
export function constantDelay(s: Sig): { readonly x: Sig; readonly lag: number } | undefined {
  const field = DELAY_FIELD[s.kind];
  if (field === undefined) return undefined;
  const lag = operandLag(s, field);
  return typeof lag === "number" ? { x: (s as unknown as Record<string, Sig>)[field]!, lag } : undefined;
}

/** Field names and types of a kind, in schema order. */
export function fieldsOf(kind: Kind): readonly (readonly [string, FieldType])[] {
  return FIELD_LISTS[kind];
}
const FIELD_LISTS = Object.fromEntries(KINDS.map((k) => [k, Object.entries(SCHEMA[k].fields) as [string, FieldType][]])) as unknown as Record<
  Kind,
  readonly (readonly [string, FieldType])[]
>;

import { assertNever } from "../assert.ts";
export { assertNever };

// ---------------------------------------------------------------------------
// Encoding of parameters (used by keys and by the text printer)

/** A float literal that round-trips exactly and is never confused with an int literal. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (Object.is(v, -0)) return "-0.0";
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Inverse of formatFloat; undefined if `t` is not a float literal. */
export function parseFloatLiteral(t: string): number | undefined {
  if (t === "nan") return NaN;
  if (t === "inf") return Infinity;
  if (t === "-inf") return -Infinity;
  if (!/^-?(\d+\.\d*|\d*\.\d+|\d+(\.\d*)?e[+-]?\d+)$/i.test(t)) return undefined;
  return Number(t);
}

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
/** `@name` or `@"quoted name"`. */
export function formatGroupName(name: string): string {
  return SIMPLE_NAME.test(name) ? `@${name}` : `@${JSON.stringify(name)}`;
}

/** The printed form of one parameter (not of children: those are printed by the printer's names). */
export function encodeParam(type: FieldType, v: unknown): string {
  switch (type) {
    case "i32":
    case "nat":
      return String(v);
    case "f64":
      return formatFloat(v as number);
    case "f64s":
      return `[${(v as readonly number[]).map(formatFloat).join(", ")}]`;
    case "str":
      return JSON.stringify(v);
    case "binop":
    case "math1":
    case "math2":
    case "nature":
    case "clock":
      return v as string;
    case "natures":
      return `[${(v as readonly Nature[]).join(", ")}]`;
    case "path":
      return JSON.stringify((v as readonly UIGroup[]).map((g) => (g.meta?.length ? [g.orient, g.label, g.meta] : [g.orient, g.label])));
    case "meta":
      return JSON.stringify(v);
    case "name":
      return formatGroupName(v as string);
    case "group":
      return formatGroupName((v as RecSig).name);
    case "sig":
      return `%${(v as Sig).id}`;
    case "sigs":
      return `[${(v as readonly Sig[]).map((s) => `%${s.id}`).join(", ")}]`;
    default:
      return assertNever(type);
  }
}

// ---------------------------------------------------------------------------
// The node table

const table = new Map<string, Sig>();
const byId: Sig[] = [];
/** Recursion groups whose bodies are attached. */
const definedGroups = new WeakSet<RecSig>();

/** The structural key of a would-be node. Recursion groups are keyed by name only. */
function keyOf(kind: Kind, fields: Record<string, unknown>): string {
  if (kind === "rec") return `rec ${formatGroupName(fields.name as string)}`;
  const parts: string[] = [];
  for (const [name, type] of FIELD_LISTS[kind]) parts.push(encodeParam(type, fields[name]));
  return `${kind} ${parts.join(" ")}`;
}

function fail<C extends "FL560" | "FL562" | "FL563" | "FL570">(code: C, args: ArgsOf<C>): never {
  throw new DiagnosticError([diagOf(code, args)]);
}

function checkField(kind: Kind, name: string, type: FieldType, v: unknown): void {
  const bad = (what: string) => fail("FL570", { node: kind, detail: `field '${name}' ${what}` });
  switch (type) {
    case "sig":
      if (!isSig(v)) bad("is not a signal");
      return;
    case "sigs":
      if (!Array.isArray(v) || !v.every(isSig)) bad("is not a list of signals");
      return;
    case "group":
      if (!isSig(v) || (v as Sig).kind !== "rec") bad("is not a recursion group");
      return;
    case "i32":
      if (typeof v !== "number" || (v | 0) !== v || Object.is(v, -0)) bad(`is not a 32-bit integer: ${String(v)}`);
      return;
    case "nat":
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || Object.is(v, -0)) bad(`is not a natural number: ${String(v)}`);
      return;
    case "f64":
      if (typeof v !== "number") bad("is not a number");
      return;
    case "f64s":
      if (!Array.isArray(v) || !v.every((x) => typeof x === "number")) bad("is not a list of numbers");
      return;
    case "str":
    case "name":
      if (typeof v !== "string") bad("is not a string");
      return;
    case "binop":
      if (!(BINOPS as readonly unknown[]).includes(v)) bad(`is not a binary operator: ${String(v)}`);
      return;
    case "math1":
      if (!(MATH1 as readonly unknown[]).includes(v)) bad(`is not a unary math function: ${String(v)}`);
      return;
    case "math2":
      if (!(MATH2 as readonly unknown[]).includes(v)) bad(`is not a binary math function: ${String(v)}`);
      return;
    case "nature":
      if (v !== "int" && v !== "float") bad(`is not a nature: ${String(v)}`);
      return;
    case "clock":
      if (!(CLOCK_MODES as readonly unknown[]).includes(v)) bad(`is not a clock mode: ${String(v)}`);
      return;
    case "natures":
      if (!Array.isArray(v) || !v.every((n) => n === "int" || n === "float")) bad("is not a list of natures");
      return;
    case "path":
      if (!Array.isArray(v) || !v.every((g) => g && ["h", "v", "t"].includes(g.orient) && typeof g.label === "string" && (g.meta === undefined || isMetaList(g.meta)))) bad("is not a UI path");
      return;
    case "meta":
      if (!isMetaList(v)) bad("is not a metadata list");
      return;
    default:
      assertNever(type);
  }
}

function isMetaList(v: unknown): boolean {
  return Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1] === "string");
}

/** True when `v` is a node of the table (not a look-alike object). */
export function isSig(v: unknown): v is Sig {
  return typeof v === "object" && v !== null && typeof (v as Sig).id === "number" && byId[(v as Sig).id] === v;
}

function freezeFields(kind: Kind, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of FIELD_LISTS[kind]) {
    const v = fields[name];
    if (type === "sigs" || type === "natures" || type === "f64s") out[name] = Object.freeze([...(v as unknown[])]);
    else if (type === "path")
      out[name] = Object.freeze(
        (v as UIGroup[]).map((g) => Object.freeze({ orient: g.orient, label: g.label, ...(g.meta?.length ? { meta: Object.freeze(g.meta.map((e) => Object.freeze([e[0], e[1]] as const))) } : {}) })),
      );
    else if (type === "meta") out[name] = Object.freeze((v as MetaEntry[]).map((e) => Object.freeze([e[0], e[1]] as const)));
    else out[name] = v;
  }
  return out;
}

/**
 * The one constructor: returns the unique node of this kind and fields.
 * Throws a DiagnosticError (FL570) on ill-typed fields.
 */
export function make<K extends Exclude<Kind, "rec">>(kind: K, fields: SigFields<K>): SigOf<K> {
  const f = fields as unknown as Record<string, unknown>;
  for (const [name, type] of FIELD_LISTS[kind]) checkField(kind, name, type, f[name]);
  if (kind === "proj") {
    const g = f.group as RecSig;
    if ((f.index as number) >= recArity(g))
      fail("FL570", { node: `proj ${formatGroupName(g.name)}`, detail: `index ${f.index as number} out of range 0..${recArity(g) - 1}` });
  }
  const key = keyOf(kind, f);
  const found = table.get(key);
  if (found) return found as unknown as SigOf<K>;
  const node = Object.freeze({ kind, id: byId.length, ...freezeFields(kind, f) }) as unknown as SigOf<K>;
  table.set(key, node as unknown as Sig);
  byId.push(node as unknown as Sig);
  return node;
}

/** The node with this dense id, if any. */
export function nodeById(id: number): Sig | undefined {
  return byId[id];
}
/** Number of nodes created so far (ids are 0 … count-1). */
export function nodeCount(): number {
  return byId.length;
}

// ---------------------------------------------------------------------------
// Recursion groups

interface MutableRec {
  kind: "rec";
  id: number;
  name: string;
  bodies: readonly Sig[];
  arity: number;
}
const arities = new WeakMap<RecSig, number>();

/** Number of signals of a group (fixed when it is declared). */
export function recArity(g: RecSig): number {
  return arities.get(g)!;
}
export function isRecDefined(g: RecSig): boolean {
  return definedGroups.has(g);
}

/** Gets or creates the group named `name` with `arity` signals (bodies attached later by defineRec). */
export function declareRec(name: string, arity: number): RecSig {
  checkField("rec", "name", "name", name);
  checkField("proj", "index", "nat", arity);
  const key = keyOf("rec", { name });
  const found = table.get(key) as RecSig | undefined;
  if (found) {
    if (recArity(found) !== arity) fail("FL563", { name, expected: recArity(found), actual: arity });
    return found;
  }
  const node: MutableRec = { kind: "rec", id: byId.length, name, bodies: [], arity };
  const g = node as unknown as RecSig;
  arities.set(g, arity);
  table.set(key, g);
  byId.push(g);
  return g;
}

/**
 * Attaches the bodies of a declared group (once). Defining an already defined
 * group is allowed only with the identical bodies (same objects), so that
 * rebuilding a graph (e.g. by the text parser) finds the same nodes.
 */
export function defineRec(g: RecSig, bodies: readonly Sig[]): RecSig {
  checkField("rec", "bodies", "sigs", bodies);
  if (bodies.length !== recArity(g)) fail("FL563", { name: g.name, expected: recArity(g), actual: bodies.length });
  if (definedGroups.has(g)) {
    if (g.bodies.every((b, i) => b === bodies[i])) return g;
    fail("FL562", { name: g.name });
  }
  (g as unknown as MutableRec).bodies = Object.freeze([...bodies]);
  Object.freeze(g);
  definedGroups.add(g);
  return g;
}

/** True when a group with this name exists. */
export function recExists(name: string): boolean {
  return table.has(keyOf("rec", { name }));
}

let freshCounter = 0;
/** A group name not yet used, derived from `hint` (`hint`, `hint.1`, `hint.2`, …). */
export function freshRecName(hint = "r"): string {
  const base = SIMPLE_NAME.test(hint) ? hint : "r";
  if (!recExists(base)) return base;
  for (;;) {
    const n = `${base}.${++freshCounter}`;
    if (!recExists(n)) return n;
  }
}

// ---------------------------------------------------------------------------
// Schema-driven traversal

/** The children of a node, in schema order (for `proj`: its group; for `rec`: its bodies). */
export function children(s: Sig): readonly Sig[] {
  const out: Sig[] = [];
  const rec = s as unknown as Record<string, unknown>;
  for (const [name, type] of FIELD_LISTS[s.kind]) {
    if (type === "sig" || type === "group") out.push(rec[name] as Sig);
    else if (type === "sigs") out.push(...(rec[name] as readonly Sig[]));
  }
  return out;
}

/**
 * Rebuilds `s` with each child replaced by `f(child)` (identity if nothing
 * changed). For `proj`, `f(group)` must return a group. A `rec` node is
 * returned as is: rewriting recursion needs new groups whose bodies point at
 * their own projections; use the rewriter (rewrite.ts) for that.
 */
export function mapChildren(s: Sig, f: (c: Sig) => Sig): Sig {
  if (s.kind === "rec") return s;
  const rec = s as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  let changed = false;
  for (const [name, type] of FIELD_LISTS[s.kind]) {
    const v = rec[name];
    if (type === "sig" || type === "group") {
      const n = f(v as Sig);
      if (n !== v) changed = true;
      fields[name] = n;
    } else if (type === "sigs") {
      const list = (v as readonly Sig[]).map(f);
      if (list.some((n, i) => n !== (v as readonly Sig[])[i])) changed = true;
      fields[name] = list;
    } else fields[name] = v;
  }
  return changed ? (make(s.kind, fields as never) as unknown as Sig) : s;
}

// Source spans are not kept here: a node is shared by every program that
// builds it, so where it comes from belongs to a compilation (a SpanTable of
// src/core/spans.ts, handed to the passes in their context).

// ---------------------------------------------------------------------------
// Constructors

const cint = (v: number) => make("int", { value: v | 0 });
const bin = (op: BinOp) => (x: Sig, y: Sig) => make("binop", { op, x, y });
const noPath: readonly UIGroup[] = [];
const noMeta: readonly MetaEntry[] = [];
export interface UIOptions {
  readonly path?: readonly UIGroup[];
  readonly meta?: readonly MetaEntry[];
}

export const sig = {
  /** A 32-bit int constant (the argument is wrapped to 32 bits). */
  int: cint,
  /** A float constant, kept as the exact double. */
  float: (v: number) => make("float", { value: v }),
  input: (index: number) => make("input", { index }),
  output: (index: number, x: Sig) => make("output", { index, x }),
  delay1: (x: Sig) => make("delay1", { x }),
  delay: (x: Sig, amount: Sig) => make("delay", { x, amount }),
  /** x delayed by the constant n ≥ 0 in canonical form: x itself, delay1(x), or delay(x, int n). */
  delayBy: (x: Sig, n: number): Sig => (n === 0 ? x : n === 1 ? make("delay1", { x }) : make("delay", { x, amount: cint(n) })),
  prefix: (init: Sig, x: Sig) => make("prefix", { init, x }),
  binop: (op: BinOp, x: Sig, y: Sig) => make("binop", { op, x, y }),
  add: bin("add"),
  sub: bin("sub"),
  mul: bin("mul"),
  div: bin("div"),
  rem: bin("rem"),
  shl: bin("shl"),
  ashr: bin("ashr"),
  lshr: bin("lshr"),
  gt: bin("gt"),
  lt: bin("lt"),
  ge: bin("ge"),
  le: bin("le"),
  eq: bin("eq"),
  ne: bin("ne"),
  and: bin("and"),
  or: bin("or"),
  xor: bin("xor"),
  math1: (op: Math1Op, x: Sig) => make("math1", { op, x }),
  math2: (op: Math2Op, x: Sig, y: Sig) => make("math2", { op, x, y }),
  intcast: (x: Sig) => make("intcast", { x }),
  floatcast: (x: Sig) => make("floatcast", { x }),
  select2: (sel: Sig, a: Sig, b: Sig) => make("select2", { sel, a, b }),
  /** Faust's select3, expressed with select2 as Faust does: sel==0 ? a : sel==1 ? b : c. */
  select3: (sel: Sig, a: Sig, b: Sig, c: Sig) =>
    make("select2", { sel: make("binop", { op: "eq", x: sel, y: cint(0) }), a: make("select2", { sel: make("binop", { op: "eq", x: sel, y: cint(1) }), a: c, b }), b: a }),
  table: (size: Sig, gen: Sig) => make("table", { size, gen }),
  rdtable: (table: Sig, index: Sig) => make("rdtable", { table, index }),
  rwtable: (table: Sig, windex: Sig, wvalue: Sig, rindex: Sig) => make("rwtable", { table, windex, wvalue, rindex }),
  waveform: (values: readonly Sig[]) => make("waveform", { values }),
  fconst: (type: Nature, name: string, file = "") => make("fconst", { type, name, file }),
  fvar: (type: Nature, name: string, file = "") => make("fvar", { type, name, file }),
  ffun: (name: string, ret: Nature, params: readonly Nature[], args: readonly Sig[], file = "", lib = "") =>
    make("ffun", { name, ret, params, file, lib, args }),
  button: (label: string, o: UIOptions = {}) => make("button", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta }),
  checkbox: (label: string, o: UIOptions = {}) => make("checkbox", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta }),
  hslider: (label: string, init: Sig, min: Sig, max: Sig, step: Sig, o: UIOptions = {}) =>
    make("hslider", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta, init, min, max, step }),
  vslider: (label: string, init: Sig, min: Sig, max: Sig, step: Sig, o: UIOptions = {}) =>
    make("vslider", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta, init, min, max, step }),
  nentry: (label: string, init: Sig, min: Sig, max: Sig, step: Sig, o: UIOptions = {}) =>
    make("nentry", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta, init, min, max, step }),
  hbargraph: (label: string, min: Sig, max: Sig, x: Sig, o: UIOptions = {}) =>
    make("hbargraph", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta, min, max, x }),
  vbargraph: (label: string, min: Sig, max: Sig, x: Sig, o: UIOptions = {}) =>
    make("vbargraph", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta, min, max, x }),
  soundfile: (label: string, o: UIOptions = {}) => make("soundfile", { label, path: o.path ?? noPath, meta: o.meta ?? noMeta }),
  sflength: (sf: Sig, part: Sig) => make("sflength", { sf, part }),
  sfrate: (sf: Sig, part: Sig) => make("sfrate", { sf, part }),
  sfbuffer: (sf: Sig, chan: Sig, part: Sig, index: Sig) => make("sfbuffer", { sf, chan, part, index }),
  fir: (x: Sig, coefs: readonly Sig[]) => make("fir", { x, coefs }),
  iir: (x: Sig, coefs: readonly Sig[]) => make("iir", { x, coefs }),
  sos: (x: Sig, y: Sig, d: { biquad: readonly number[]; zeros: readonly number[]; poles: readonly number[]; gain: number; index: number; count: number; label: string }) =>
    make("sos", { x, y, biquad: d.biquad, zeros: d.zeros, poles: d.poles, gain: d.gain, index: d.index, count: d.count, label: d.label }),
  clocked: (mode: ClockMode, clock: Sig, ins: readonly Sig[], inputs: number, outs: readonly Sig[]) => make("clocked", { mode, clock, ins, inputs, outs }),
  din: (x: Sig, index: number) => make("din", { x, index }),
  clockout: (domain: Sig, index: number) => make("clockout", { domain, index }),
  attach: (x: Sig, y: Sig) => make("attach", { x, y }),
  enable: (x: Sig, y: Sig) => make("enable", { x, y }),
  control: (x: Sig, y: Sig) => make("control", { x, y }),
  reverse: (x: Sig) => make("reverse", { x }),
  tape: (x: Sig) => make("tape", { x }),
  declareRec,
  defineRec,
  proj: (group: RecSig, index: number) => make("proj", { group, index }),
  /**
   * Builds a recursion group named `name` with `arity` signals: `build`
   * receives the projections (the recursive signals themselves, *without*
   * delay: apply `sig.delay1` to them where the feedback is read) and returns
   * the bodies. Returns the projections.
   */
  recursion(name: string, arity: number, build: (projs: readonly ProjSig[]) => readonly Sig[]): readonly ProjSig[] {
    const g = declareRec(name, arity);
    const projs = Array.from({ length: arity }, (_, i) => sig.proj(g, i));
    defineRec(g, build(projs));
    return projs;
  },
  /** Alias of `recursion`. */
  rec(name: string, arity: number, build: (projs: readonly ProjSig[]) => readonly Sig[]): readonly ProjSig[] {
    return sig.recursion(name, arity, build);
  },
  /** The group of `recursion`, by name. */
  group: (name: string, arity: number) => declareRec(name, arity),
};

/** Faust-style full address of a UI element: `/group/…/label`. */
export function uiAddress(s: SigOf<"button" | "checkbox" | "hslider" | "vslider" | "nentry" | "hbargraph" | "vbargraph" | "soundfile">): string {
  return "/" + [...s.path.map((g) => g.label), s.label].join("/");
}

/** Is this a numeric constant node? */
export function isConst(s: Sig): s is SigOf<"int"> | SigOf<"float"> {
  return s.kind === "int" || s.kind === "float";
}

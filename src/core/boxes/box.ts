// The box IR: Faust's block-diagram algebra as the parser produces it, before
// evaluation. A discriminated union on `kind`; every node is hash-consed
// (structurally equal nodes are the same object, with a dense numeric id) and
// immutable. One schema table (`schema` below) lists each kind's fields; the
// generic operations (construction and hashing, children, mapping,
// verification) and the printer (print.ts) are all driven by it.
//
// Source spans are not part of a box: a box is shared by every program that
// builds it, so its span belongs to a compilation (src/core/spans.ts; the
// parser records each file's boxes in ParsedFile.boxSpans).


/** Primitive boxes (Faust's built-in operators and functions). */
export const primOps = [
  // infix operators (binary)
  "add", "sub", "mul", "div", "rem", "pow", "delay", "and", "or", "xor", "lsh", "rsh",
  "lt", "le", "gt", "ge", "eq", "ne",
  // delays, casts, tables, selectors, attachments
  "mem", "prefix", "int", "float", "rdtable", "rwtable", "select2", "select3",
  "attach", "enable", "control", "assertbounds", "lowest", "highest",
  // math
  "acos", "asin", "atan", "atan2", "cos", "sin", "tan", "exp", "log", "log10", "sqrt",
  "abs", "min", "max", "fmod", "remainder", "floor", "ceil", "rint", "round",
] as const;
export type PrimOp = (typeof primOps)[number];

/** Number of inputs of each primitive box (outputs are always 1). */
export const primArity: Readonly<Record<PrimOp, number>> = {
  add: 2, sub: 2, mul: 2, div: 2, rem: 2, pow: 2, delay: 2, and: 2, or: 2, xor: 2, lsh: 2, rsh: 2,
  lt: 2, le: 2, gt: 2, ge: 2, eq: 2, ne: 2,
  mem: 1, prefix: 2, int: 1, float: 1, rdtable: 3, rwtable: 5, select2: 3, select3: 4,
  attach: 2, enable: 2, control: 2, assertbounds: 3, lowest: 1, highest: 1,
  acos: 1, asin: 1, atan: 1, atan2: 2, cos: 1, sin: 1, tan: 1, exp: 1, log: 1, log10: 1, sqrt: 1,
  abs: 1, min: 2, max: 2, fmod: 2, remainder: 2, floor: 1, ceil: 1, rint: 1, round: 1,
};

export type IterOp = "par" | "seq" | "sum" | "prod";
export type CType = "int" | "float";
export type ArgType = "int" | "float" | "any";

/**
 * The fields of each kind. Strings are kept raw (the text between the quotes;
 * label paths and `[key:value]` metadata are interpreted by later stages).
 */
export interface BoxFields {
  ident: { readonly name: string };
  int: { readonly value: number };
  real: { readonly value: number };
  wire: {};
  cut: {};
  prim: { readonly op: PrimOp };
  seq: { readonly left: Box; readonly right: Box };
  par: { readonly left: Box; readonly right: Box };
  split: { readonly left: Box; readonly right: Box };
  merge: { readonly left: Box; readonly right: Box };
  rec: { readonly left: Box; readonly right: Box };
  /** `fn(a, b)`, including partial applications such as `+(1)`. */
  app: { readonly fn: Box; readonly args: readonly Box[] };
  /** `\(x, y).(body)`. */
  lambda: { readonly params: readonly string[]; readonly body: Box };
  /** `case { rule… }`; each rule is a `rule` box. */
  case: { readonly rules: readonly Box[] };
  /** `(patterns) => body;` inside a case. */
  rule: { readonly patterns: readonly Box[]; readonly body: Box };
  /**
   * A definition `name(params) = body;` (params empty for `name = body;`).
   * Several defs with one name are the rules of one function; grouping them is
   * the evaluator's job. `variants` is a bit set of precision qualifiers
   * (1 single, 2 double, 4 quad, 8 fixed point; 0 = unqualified). Inside a
   * letrec's recursive part a def stands for `'name = body;`.
   */
  def: { readonly name: string; readonly params: readonly Box[]; readonly body: Box; readonly variants: number };
  with: { readonly body: Box; readonly defs: readonly Box[] };
  /** `body letrec { 'x = …; where y = …; }`: `defs` recursive, `where` local. */
  letrec: { readonly body: Box; readonly defs: readonly Box[]; readonly where: readonly Box[] };
  /** `environment { statements }` (defs, declares, imports). */
  environment: { readonly stmts: readonly Box[] };
  /** `body.name`. */
  access: { readonly body: Box; readonly name: string };
  /** `body[defs]`: the environment `body` with some definitions replaced. */
  modif: { readonly body: Box; readonly defs: readonly Box[] };
  /** Statement `import("path");`. */
  import: { readonly path: string };
  /** Statement `declare key "value";` (target "") or `declare target key "value";`. */
  declare: { readonly target: string; readonly key: string; readonly value: string };
  library: { readonly path: string };
  component: { readonly path: string };
  /** `par(i, count, body)`, `seq`, `sum`, `prod`. */
  iter: { readonly op: IterOp; readonly variable: string; readonly count: Box; readonly body: Box };
  inputs: { readonly body: Box };
  outputs: { readonly body: Box };
  /** `route(ins, outs)` (spec undefined) or `route(ins, outs, spec)`. */
  route: { readonly ins: Box; readonly outs: Box; readonly spec: Box | undefined };
  /** `waveform{…}`: the values are int and real boxes. */
  waveform: { readonly values: readonly Box[] };
  soundfile: { readonly label: string; readonly chans: Box };
  button: { readonly label: string };
  checkbox: { readonly label: string };
  hslider: { readonly label: string; readonly init: Box; readonly min: Box; readonly max: Box; readonly step: Box };
  vslider: { readonly label: string; readonly init: Box; readonly min: Box; readonly max: Box; readonly step: Box };
  nentry: { readonly label: string; readonly init: Box; readonly min: Box; readonly max: Box; readonly step: Box };
  hbargraph: { readonly label: string; readonly min: Box; readonly max: Box };
  vbargraph: { readonly label: string; readonly min: Box; readonly max: Box };
  hgroup: { readonly label: string; readonly body: Box };
  vgroup: { readonly label: string; readonly body: Box };
  tgroup: { readonly label: string; readonly body: Box };
  /**
   * `ffunction(type name|name2…(argtypes), include, "library")`. `include` is
   * the raw token with its delimiters (`<math.h>` or `"foo.h"`).
   */
  ffunction: {
    readonly type: CType;
    readonly names: readonly string[];
    readonly argTypes: readonly ArgType[];
    readonly include: string;
    readonly library: string;
  };
  fconstant: { readonly type: CType; readonly name: string; readonly include: string };
  fvariable: { readonly type: CType; readonly name: string; readonly include: string };
  /** Widget modulation `["label" : circuit -> body]`; entries are modEntry boxes. */
  modulate: { readonly entries: readonly Box[]; readonly body: Box };
  modEntry: { readonly label: string; readonly circuit: Box | undefined };
  /**
   * `fad(body, seed)` / `rad(body, seed)`: forward or reverse automatic
   * differentiation of `body`'s outputs with respect to `seed`'s outputs
   * (expanded into ordinary signals by propagation). `mode` is "fad" or "rad".
   */
  autodiff: { readonly mode: string; readonly body: Box; readonly seed: Box };
  /**
   * `ondemand(C)`, `upsampling(C)`, `downsampling(C)`: C run in a clock domain
   * of its own, with one more first input, the clock (`mode` names the primitive).
   */
  clocked: { readonly mode: string; readonly body: Box };
  /** Evaluator output: a placeholder signal (0 inputs, 1 output) bound by the enclosing `symbolic`. */
  slot: { readonly index: number };
  /** Evaluator output: a lambda kept as a block diagram; its first input feeds `slot` (arity 1 + ins(body) → outs(body)). */
  symbolic: { readonly slot: Box; readonly body: Box };
  /** Evaluator-internal: a reference to a function or environment value (never in the evaluator's output). */
  closure: { readonly index: number };
}

export type Kind = keyof BoxFields;

interface Header<K extends Kind> {
  readonly kind: K;
  /** Dense, unique per structurally distinct box. */
  readonly id: number;
  /** 1 + the largest depth of the children (leaves have depth 1). */
  readonly depth: number;
}

export type BoxOf<K extends Kind> = Header<K> & BoxFields[K];
export type Box = { [K in Kind]: BoxOf<K> }[Kind];

/** Field types of the schema. */
export type FieldType = "box" | "box?" | "boxes" | "string" | "strings" | "number";

type FieldSpec<F> = { readonly [N in keyof F]-?: FieldType };

/** The schema: the fields of each kind, in order. Children are the box fields in this order. */
export const schema: { readonly [K in Kind]: FieldSpec<BoxFields[K]> } = {
  ident: { name: "string" },
  int: { value: "number" },
  real: { value: "number" },
  wire: {},
  cut: {},
  prim: { op: "string" },
  seq: { left: "box", right: "box" },
  par: { left: "box", right: "box" },
  split: { left: "box", right: "box" },
  merge: { left: "box", right: "box" },
  rec: { left: "box", right: "box" },
  app: { fn: "box", args: "boxes" },
  lambda: { params: "strings", body: "box" },
  case: { rules: "boxes" },
  rule: { patterns: "boxes", body: "box" },
  def: { name: "string", params: "boxes", body: "box", variants: "number" },
  with: { body: "box", defs: "boxes" },
  letrec: { body: "box", defs: "boxes", where: "boxes" },
  environment: { stmts: "boxes" },
  access: { body: "box", name: "string" },
  modif: { body: "box", defs: "boxes" },
  import: { path: "string" },
  declare: { target: "string", key: "string", value: "string" },
  library: { path: "string" },
  component: { path: "string" },
  iter: { op: "string", variable: "string", count: "box", body: "box" },
  inputs: { body: "box" },
  outputs: { body: "box" },
  route: { ins: "box", outs: "box", spec: "box?" },
  waveform: { values: "boxes" },
  soundfile: { label: "string", chans: "box" },
  button: { label: "string" },
  checkbox: { label: "string" },
  hslider: { label: "string", init: "box", min: "box", max: "box", step: "box" },
  vslider: { label: "string", init: "box", min: "box", max: "box", step: "box" },
  nentry: { label: "string", init: "box", min: "box", max: "box", step: "box" },
  hbargraph: { label: "string", min: "box", max: "box" },
  vbargraph: { label: "string", min: "box", max: "box" },
  hgroup: { label: "string", body: "box" },
  vgroup: { label: "string", body: "box" },
  tgroup: { label: "string", body: "box" },
  ffunction: { type: "string", names: "strings", argTypes: "strings", include: "string", library: "string" },
  fconstant: { type: "string", name: "string", include: "string" },
  fvariable: { type: "string", name: "string", include: "string" },
  modulate: { entries: "boxes", body: "box" },
  modEntry: { label: "string", circuit: "box?" },
  autodiff: { mode: "string", body: "box", seed: "box" },
  clocked: { mode: "string", body: "box" },
  slot: { index: "number" },
  symbolic: { slot: "box", body: "box" },
  closure: { index: "number" },
};

export const kinds = Object.keys(schema) as Kind[];

/**
 * Kinds the evaluator's output never holds: names, abstractions, environments,
 * statements, iterations (and the evaluator's internal closures). Every other
 * kind is a block-diagram element that propagation and arity understand.
 */
export const UNEVALUATED_KINDS = [
  "ident", "app", "lambda", "case", "rule", "def", "with", "letrec", "environment", "access", "modif",
  "import", "declare", "library", "component", "iter", "inputs", "outputs", "modulate", "modEntry", "closure",
] as const satisfies readonly Kind[];
export type UnevaluatedBox = Extract<Box, { readonly kind: (typeof UNEVALUATED_KINDS)[number] }>;
const unevaluated: ReadonlySet<Kind> = new Set(UNEVALUATED_KINDS);

export function isUnevaluated(b: Box): b is UnevaluatedBox {
  return unevaluated.has(b.kind);
}

const fieldLists = new Map<Kind, readonly (readonly [string, FieldType])[]>(
  kinds.map((k) => [k, Object.entries(schema[k]) as [string, FieldType][]]),
);

/** The fields of a kind, in schema order. */
export function fieldsOf(kind: Kind): readonly (readonly [string, FieldType])[] {
  return fieldLists.get(kind)!;
}

import { assertNever } from "../assert.ts";
export { assertNever };

// ---------------------------------------------------------------------------
// Hash-consing

const table = new Map<string, Box>();
let nextId = 0;

function numKey(v: number): string {
  return v === 0 && 1 / v < 0 ? "-0" : String(v);
}

function strKey(s: string): string {
  return `${s.length}:${s}`;
}

/** The structural key of a would-be node: kind, scalars, child ids. */
function keyOf(kind: Kind, fields: Record<string, unknown>): string {
  let key = kind;
  for (const [name, type] of fieldsOf(kind)) {
    const v = fields[name];
    switch (type) {
      case "box":
        key += `|${(v as Box).id}`;
        break;
      case "box?":
        key += v === undefined ? "|-" : `|${(v as Box).id}`;
        break;
      case "boxes": {
        const bs = v as readonly Box[];
        key += `|[${bs.length}`;
        for (const b of bs) key += `,${b.id}`;
        key += "]";
        break;
      }
      case "string":
        key += `|${strKey(v as string)}`;
        break;
      case "strings": {
        const ss = v as readonly string[];
        key += `|[${ss.length}`;
        for (const s of ss) key += `,${strKey(s)}`;
        key += "]";
        break;
      }
      case "number":
        key += `|${numKey(v as number)}`;
        break;
      default:
        assertNever(type);
    }
  }
  return key;
}

function depthOf(kind: Kind, fields: Record<string, unknown>): number {
  let d = 0;
  for (const [name, type] of fieldsOf(kind)) {
    const v = fields[name];
    if (type === "box") d = Math.max(d, (v as Box).depth);
    else if (type === "box?") {
      if (v !== undefined) d = Math.max(d, (v as Box).depth);
    } else if (type === "boxes") for (const b of v as readonly Box[]) d = Math.max(d, b.depth);
  }
  return d + 1;
}

// Fast paths for the most frequent kinds, keyed without building strings:
// binary compositions by their two child ids, identifiers and primitives by
// name, numbers by value. Every other kind uses the generic string key.
const binaryKinds = new Set<Kind>(["seq", "par", "split", "merge", "rec"]);
const ID_RANGE = 2 ** 26;
const byPair = new Map<Kind, Map<number, Box>>();
const byName = new Map<Kind, Map<string, Box>>();
const byValue = new Map<Kind, Map<number, Box>>();
let negativeZeroReal: Box | undefined;

function intern(kind: Kind, f: Record<string, unknown>, key: string): Box {
  const found = table.get(key);
  if (found) return found;
  const box = create(kind, f);
  table.set(key, box);
  return box;
}

function create(kind: Kind, f: Record<string, unknown>): Box {
  const node: Record<string, unknown> = { kind, id: nextId++, depth: depthOf(kind, f) };
  for (const [name, type] of fieldsOf(kind)) {
    const v = f[name];
    node[name] = type === "boxes" || type === "strings" ? Object.freeze([...(v as unknown[])]) : v;
  }
  return Object.freeze(node) as unknown as Box;
}

/** The one constructor: returns the unique box with this kind and these fields. */
export function mk<K extends Kind>(kind: K, fields: BoxFields[K]): BoxOf<K> {
  let f = fields as unknown as Record<string, unknown>;
  // Integers have no negative zero (Faust's int literals are C ints).
  if (kind === "int" && Object.is(f.value, -0)) f = { value: 0 };
  if (binaryKinds.has(kind)) {
    const l = (f.left as Box).id;
    const r = (f.right as Box).id;
    if (l < ID_RANGE && r < ID_RANGE) {
      let m = byPair.get(kind);
      if (!m) byPair.set(kind, (m = new Map()));
      const k = l * ID_RANGE + r;
      let b = m.get(k);
      if (!b) m.set(k, (b = intern(kind, f, keyOf(kind, f))));
      return b as BoxOf<K>;
    }
  } else if (kind === "ident" || kind === "prim") {
    let m = byName.get(kind);
    if (!m) byName.set(kind, (m = new Map()));
    const k = (kind === "ident" ? f.name : f.op) as string;
    let b = m.get(k);
    if (!b) m.set(k, (b = intern(kind, f, keyOf(kind, f))));
    return b as BoxOf<K>;
  } else if (kind === "int" || kind === "real") {
    const v = f.value as number;
    if (kind === "real" && Object.is(v, -0)) return (negativeZeroReal ??= intern(kind, f, keyOf(kind, f))) as BoxOf<K>;
    let m = byValue.get(kind);
    if (!m) byValue.set(kind, (m = new Map()));
    let b = m.get(v);
    if (!b) m.set(v, (b = intern(kind, f, keyOf(kind, f))));
    return b as BoxOf<K>;
  }
  return intern(kind, f, keyOf(kind, f)) as BoxOf<K>;
}

/** Number of distinct boxes created so far (ids are 0 … count-1). */
export function boxCount(): number {
  return nextId;
}

// ---------------------------------------------------------------------------
// Generic operations

/** The child boxes, in schema order. */
export function children(b: Box): Box[] {
  const out: Box[] = [];
  const rec = b as unknown as Record<string, unknown>;
  for (const [name, type] of fieldsOf(b.kind)) {
    const v = rec[name];
    if (type === "box") out.push(v as Box);
    else if (type === "box?") {
      if (v !== undefined) out.push(v as Box);
    } else if (type === "boxes") out.push(...(v as readonly Box[]));
  }
  return out;
}

/** Rebuilds `b` with every child replaced by `f(child)` (same box when nothing changes). */
export function mapChildren(b: Box, f: (c: Box) => Box): Box {
  const rec = b as unknown as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  let changed = false;
  for (const [name, type] of fieldsOf(b.kind)) {
    const v = rec[name];
    if (type === "box" || (type === "box?" && v !== undefined)) {
      const n = f(v as Box);
      if (n !== v) changed = true;
      fields[name] = n;
    } else if (type === "boxes") {
      const ns = (v as readonly Box[]).map((c) => {
        const n = f(c);
        if (n !== c) changed = true;
        return n;
      });
      fields[name] = ns;
    } else fields[name] = v;
  }
  return changed ? (mk(b.kind, fields as never) as unknown as Box) : b;
}

/** Checks a box's invariants (field types, interning, depth); returns the problems found. */
export function verifyBox(b: Box): string[] {
  const problems: string[] = [];
  const rec = b as unknown as Record<string, unknown>;
  if (!(b.kind in schema)) return [`unknown kind '${String(b.kind)}'`];
  const isBox = (v: unknown): v is Box => typeof v === "object" && v !== null && typeof (v as Box).kind === "string" && typeof (v as Box).id === "number";
  for (const [name, type] of fieldsOf(b.kind)) {
    const v = rec[name];
    const ok =
      type === "box" ? isBox(v)
      : type === "box?" ? v === undefined || isBox(v)
      : type === "boxes" ? Array.isArray(v) && v.every(isBox)
      : type === "string" ? typeof v === "string"
      : type === "strings" ? Array.isArray(v) && v.every((s) => typeof s === "string")
      : typeof v === "number";
    if (!ok) problems.push(`${b.kind}#${b.id}: field '${name}' is not a ${type}`);
  }
  if (problems.length) return problems;
  if (table.get(keyOf(b.kind, rec)) !== b) problems.push(`${b.kind}#${b.id}: not the interned node`);
  if (depthOf(b.kind, rec) !== b.depth) problems.push(`${b.kind}#${b.id}: wrong depth`);
  if (b.kind === "prim" && !(primOps as readonly string[]).includes(b.op)) problems.push(`prim#${b.id}: unknown op '${b.op}'`);
  if (b.kind === "int" && !Number.isInteger(b.value)) problems.push(`int#${b.id}: non-integer value`);
  return problems;
}

// ---------------------------------------------------------------------------
// Convenience constructors

export const B = {
  ident: (name: string) => mk("ident", { name }),
  int: (value: number) => mk("int", { value }),
  real: (value: number) => mk("real", { value }),
  wire: () => mk("wire", {}),
  cut: () => mk("cut", {}),
  prim: (op: PrimOp) => mk("prim", { op }),
  seq: (left: Box, right: Box) => mk("seq", { left, right }),
  par: (left: Box, right: Box) => mk("par", { left, right }),
  split: (left: Box, right: Box) => mk("split", { left, right }),
  merge: (left: Box, right: Box) => mk("merge", { left, right }),
  rec: (left: Box, right: Box) => mk("rec", { left, right }),
  app: (fn: Box, args: readonly Box[]) => mk("app", { fn, args }),
  /** Infix `a op b`, which Faust defines as `(a, b) : op`. */
  infix: (op: PrimOp, a: Box, b: Box) => mk("seq", { left: mk("par", { left: a, right: b }), right: mk("prim", { op }) }),
  def: (name: string, params: readonly Box[], body: Box, variants = 0) => mk("def", { name, params, body, variants }),
};

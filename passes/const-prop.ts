// `const-prop`: sparse conditional constant propagation over the cyclic
// signal graph. Normalization already folds constant expressions; this pass
// finds the signals that are constant for a deeper reason: a recursion that
// never leaves its start value (`y = 0.5*y'` is 0 forever), a select2 whose
// selector turns out constant (also inside a recursion, where the branch not
// taken would otherwise make the recursion vary), delays of a zero signal.
//
//   constantLattice(roots) → Map<Sig, Lattice>     the analysis (pure)
//   constProp(roots)       → { roots, stats, constantGroups }
//
// The lattice per node: undetermined (TOP, not computed yet; optimistic) <
// the constant c (for every sample t ≥ 0) < varying. Every node starts
// undetermined; a worklist re-evaluates a node when an operand's value moves
// down, so each node moves at most twice and the fixpoint is reached.
// Transfer rules (each states the identity it relies on):
//   - literals are themselves; inputs, controls, foreign values, soundfiles,
//     attach/bargraphs (kept for their side effect) and rwtables vary;
//   - delay1(x), delay(x, n≥1), delay(x, varying) are 0 when x is 0 or still
//     undetermined (a delay line starts at 0, so 0 is the only constant it can
//     hold; optimistic for recursions), vary otherwise; delay(x, n≤0) is x;
//   - prefix(i, x) is c when i is c and x is c (or undetermined);
//   - operators, math primitives and casts of constants are folded with
//     src/core/signals/fold.ts, except where Faust's compile-time folding
//     differs from what the backends compute at run time (which stay
//     varying, so no literal changes a sample): float → int conversions of
//     values outside the int32 range (Faust saturates, the backends wrap),
//     round() (Faust folds it as rint), division or remainder by zero and
//     domain errors (Faust rejects them), and any non-finite result;
//   - select2(s, a, b) with a constant selector is the branch int(s) picks
//     (the other branch is not looked at: the conditional part); with a
//     varying selector, the common constant of both branches;
//   - enable/control(x, y): x when y is a non-zero constant, 0 when y is 0,
//     0 when x is 0;
//   - rdtable of a table whose generator is the constant c is c;
//   - a waveform of equal values is that value;
//   - proj(g, i) is the value of g's body i (recursions iterate to the fixpoint).
// Only exact facts are used (no interval reasoning). Constants carry the
// nature of the node they stand for (an int node gets an int literal, a float
// node a float one: `1` read by a float select2 is `1.0`).
//
// Soundness: at the fixpoint no node is undetermined (every instantaneous
// cycle is cut by a delay, whose value is never undetermined), and by
// induction on (t, instantaneous order) every node labelled c has value c at
// sample t. Rewriting: constant nodes become literals, a select2 with a
// constant selector becomes its branch (wrapped in float() when the branch is
// int and the select2 float), then the graph is rebuilt (`substitute`, src/core/signals/rewrite.ts).

import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { foldBinop, foldFloatcast, foldIntcast, foldMath1, foldMath2, type Const } from "../src/core/signals/fold.ts";
import { cMath1 } from "../src/core/signals/cmath.ts";
import { reachable, segments } from "../src/core/signals/graph.ts";
import { noSpans } from "../src/core/spans.ts";
import { assertNever, formatGroupName, sig, type Nature, type RecSig, type Sig } from "../src/core/signals/signal.ts";
import { typeOf } from "../src/core/signals/types.ts";
import { definePass, rewritten } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";

/** Varying: not a constant. */
export const VARYING = "varying" as const;
/** undefined: undetermined (not reached by the fixpoint: dead, or still to compute). */
export type Lattice = Const | typeof VARYING | undefined;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const isConst = (v: Lattice): v is Const => v !== undefined && v !== VARYING;
const natureOf = (s: Sig): Nature => typeOf(s).nature;
const zero = (n: Nature): Const => (n === "int" ? sig.int(0) : sig.float(0));
/** +0 (int 0 or float +0.0; -0.0 is not the zero a delay line starts with). */
const isZero = (c: Const): boolean => Object.is(c.value, 0);
/** A float value that converts to int the same way in Faust's folding (saturating) and at run time (wrapping). */
const intConvertible = (x: number): boolean => Number.isFinite(x) && Math.trunc(x) >= INT_MIN && Math.trunc(x) <= INT_MAX;

/** The constant `c` as a value of nature `n` (an int node never holds a non-integer). */
function asNature(v: Lattice, n: Nature): Lattice {
  if (!isConst(v)) return v;
  if (n === "float") return v.kind === "float" ? v : sig.float(v.value);
  if (v.kind === "int") return v;
  return Number.isInteger(v.value) && v.value >= INT_MIN && v.value <= INT_MAX && !Object.is(v.value, -0) ? sig.int(v.value) : VARYING;
}

/** A folded result as the node's value: finite, and of the node's nature (an int fold of a float node would wrap where the run time does not). */
function result(c: Const | undefined, s: Sig): Lattice {
  if (c === undefined || !Number.isFinite(c.value)) return VARYING;
  return (c.kind === "int") === (natureOf(s) === "int") ? c : VARYING;
}

function tryFold(f: () => Const): Const | undefined {
  try {
    return f();
  } catch {
    return undefined; // Faust rejects it at compile time (x/0, sqrt(-1)…); the run time computes something else: keep it
  }
}

/** Folds an operator, primitive or cast on constant operands, as the backends compute it; undefined: do not fold. */
function fold(s: Sig, args: readonly Const[]): Const | undefined {
  switch (s.kind) {
    case "binop": {
      const [a, b] = args as [Const, Const];
      switch (s.op) {
        case "div":
        case "rem":
          if (b.value === 0) return undefined; // Faust: error; run time: ±inf/NaN, or 0 for ints
          break;
        case "shl":
        case "ashr":
        case "lshr":
        case "and":
        case "or":
        case "xor":
          // float operands: Faust's folding saturates, the run time wraps; they agree within the int range
          if (!intConvertible(a.value) || !intConvertible(b.value)) return undefined;
          break;
        default:
          break;
      }
      return tryFold(() => foldBinop(s.op, a, b));
    }
    case "math1": {
      const [a] = args as [Const];
      // round(c): Faust folds with rint, the emitted code calls C's round (halves away from zero)
      if (s.op === "round") return sig.float(cMath1("round")(a.value));
      return tryFold(() => foldMath1(s.op, a));
    }
    case "math2": {
      const [a, b] = args as [Const, Const];
      return tryFold(() => foldMath2(s.op, a, b));
    }
    case "intcast": {
      const [a] = args as [Const];
      return a.kind === "int" || intConvertible(a.value) ? foldIntcast(a) : undefined;
    }
    case "floatcast":
      return foldFloatcast(args[0]!);
    default:
      return undefined;
  }
}

/** The operands a node's value is computed from (for proj: its body). */
function operands(s: Sig): readonly Sig[] {
  switch (s.kind) {
    case "proj":
      return [s.group.bodies[s.index]!];
    case "rdtable":
      return s.table.kind === "table" ? [s.table.gen, s.index] : [s.index];
    case "binop":
    case "math2":
      return [s.x, s.y];
    case "math1":
    case "intcast":
    case "floatcast":
    case "delay1":
      return [s.x];
    case "delay":
      return [s.x, s.amount];
    case "prefix":
      return [s.init, s.x];
    case "select2":
      return [s.sel, s.a, s.b];
    case "enable":
    case "control":
      return [s.x, s.y];
    default:
      return [];
  }
}

/** The transfer function: the value of `s` given its operands' current values. */
function transfer(s: Sig, get: (c: Sig) => Lattice): Lattice {
  switch (s.kind) {
    case "int":
    case "float":
      return s;
    case "delay1": {
      // x@1 is 0 at t = 0: constant only when x is 0 (optimistically, while x is undetermined)
      const x = get(s.x);
      return x === undefined || (isConst(x) && isZero(x)) ? zero(natureOf(s)) : VARYING;
    }
    case "delay": {
      const d = get(s.amount);
      if (d === undefined) return undefined;
      // x@d with d ≤ 0 (the run time clamps to 0) is x
      if (isConst(d) && (d.kind === "int" || intConvertible(d.value)) && (d.value | 0) <= 0) return asNature(get(s.x), natureOf(s));
      const x = get(s.x);
      // 0@d = 0 for any d ≥ 1 (a delay line starts at 0)
      return x === undefined || (isConst(x) && isZero(x)) ? zero(natureOf(s)) : VARYING;
    }
    case "prefix": {
      // prefix(c, x) = c at t = 0, then x[t-1]: constant when x is c too
      const i = asNature(get(s.init), natureOf(s));
      if (!isConst(i)) return i;
      const x = asNature(get(s.x), natureOf(s));
      return x === undefined || x === i ? i : VARYING;
    }
    case "binop":
    case "math1":
    case "math2":
    case "intcast":
    case "floatcast": {
      const vs = operands(s).map(get);
      if (vs.includes(VARYING)) return VARYING;
      if (vs.includes(undefined)) return undefined;
      return result(fold(s, vs as Const[]), s);
    }
    case "select2": {
      const c = get(s.sel);
      const n = natureOf(s);
      if (c === undefined) return undefined;
      // select2(c, a, b) = a when int(c) == 0, else b (int() as the run time converts: ToInt32)
      if (isConst(c)) return asNature(get((c.value | 0) === 0 ? s.a : s.b), n);
      const a = asNature(get(s.a), n);
      const b = asNature(get(s.b), n);
      if (a === undefined) return b;
      if (b === undefined) return a;
      return a === b ? a : VARYING;
    }
    case "enable":
    case "control": {
      const n = natureOf(s);
      const x = asNature(get(s.x), n);
      const y = get(s.y);
      // held value starts at 0: enable(0, y) = 0; enable(x, 0) = 0; enable(x, c≠0) = x
      if (isConst(x) && isZero(x)) return x;
      if (y === undefined) return undefined;
      if (isConst(y)) return y.value !== 0 ? x : zero(n);
      return x === undefined ? undefined : VARYING;
    }
    case "rdtable": {
      // every cell of a table whose generator is constant c holds c (indices are clamped)
      if (s.table.kind !== "table") return VARYING;
      return asNature(get(s.table.gen), natureOf(s));
    }
    case "waveform": {
      const n = natureOf(s);
      const vs = s.values.map((v) => asNature(v.kind === "int" || v.kind === "float" ? v : VARYING, n));
      return vs.every((v) => v === vs[0]) ? vs[0] : VARYING;
    }
    case "proj":
      return asNature(get(s.group.bodies[s.index]!), natureOf(s));
    case "input":
    case "output":
    case "rwtable":
    case "table":
    case "fconst":
    case "fvar":
    case "ffun":
    case "button":
    case "checkbox":
    case "hslider":
    case "vslider":
    case "nentry":
    case "hbargraph":
    case "vbargraph":
    case "soundfile":
    case "sflength":
    case "sfrate":
    case "sfbuffer":
    case "attach":
    case "rec":
    case "fir":
    case "iir":
    case "sos":
    case "reverse":
    case "tape":
    case "clocked":
    case "din":
    case "clockout":
      // a clock domain is opaque: its outputs hold, its body runs in its own time
      return VARYING;
    default:
      return assertNever(s);
  }
}

/** The constant-propagation fixpoint: every node reachable from `roots` → its lattice value. */
export function constantLattice(roots: readonly Sig[]): Map<Sig, Lattice> {
  const order = segments(roots).flatMap((seg) => seg.nodes);
  const users = new Map<Sig, Sig[]>();
  for (const s of order)
    for (const c of operands(s)) {
      let l = users.get(c);
      if (!l) users.set(c, (l = []));
      l.push(s);
    }
  const lat = new Map<Sig, Lattice>();
  const get = (c: Sig) => lat.get(c);
  const queue: Sig[] = [...order];
  const queued = new Set<Sig>(order);
  for (let k = 0; k < queue.length; k++) {
    const s = queue[k]!;
    queued.delete(s);
    const v = transfer(s, get);
    if (v === lat.get(s)) continue;
    lat.set(s, v);
    for (const u of users.get(s) ?? []) if (!queued.has(u)) (queued.add(u), queue.push(u));
  }
  return lat;
}

const NEVER_REPLACED = new Set<Sig["kind"]>(["int", "float", "rec", "output", "table", "soundfile"]);

export interface ConstPropResult {
  readonly roots: Sig[];
  readonly stats: Record<string, number>;
  /** Groups with at least one constant signal: group → [index, constant][] */
  readonly constantGroups: ReadonlyMap<RecSig, readonly (readonly [number, Const])[]>;
}

/** The pass's algorithm: constants become literals, select2s with a constant selector their branch. */
export function constProp(roots: readonly Sig[]): ConstPropResult {
  const lat = constantLattice(roots);
  let selects = 0;
  const replace = (s: Sig): Sig | undefined => {
    if (NEVER_REPLACED.has(s.kind)) return undefined;
    const v = lat.get(s);
    if (isConst(v)) return v;
    if (s.kind === "select2") {
      const c = lat.get(s.sel);
      if (!isConst(c)) return undefined;
      const branch = (c.value | 0) === 0 ? s.a : s.b;
      // keep the select2's nature: an int branch of a float select2 is converted (exact)
      return natureOf(branch) === natureOf(s) ? branch : sig.floatcast(branch);
    }
    return undefined;
  };
  const { roots: out, used } = substitute(roots, replace);
  let folded = 0;
  for (const s of used) {
    if (isConst(lat.get(s))) folded++;
    if (s.kind === "select2" && isConst(lat.get(s.sel))) selects++;
  }
  const constantGroups = new Map<RecSig, (readonly [number, Const])[]>();
  for (const s of reachable(roots))
    if (s.kind === "rec") {
      const cs = s.bodies.flatMap((b, i) => {
        const v = lat.get(b);
        return isConst(v) ? [[i, v] as const] : [];
      });
      if (cs.length) constantGroups.set(s, cs);
    }
  return {
    roots: out,
    stats: { "nodes-folded": folded, "recursions-folded": constantGroups.size, "selects-resolved": selects },
    constantGroups,
  };
}

const showConst = (c: Const): string => (c.kind === "int" ? String(c.value) : Object.is(c.value, -0) ? "-0.0" : Number.isInteger(c.value) ? `${c.value}.0` : String(c.value));

export const constPropPass = definePass({
  name: "const-prop",
  summary: "sparse conditional constant propagation through recursions, delays and select2: constant signals become literals",
  options: {},
  semantics: { exact: true },
  run(graph, am) {
    const spanOf = am.context.spans?.lookup ?? noSpans;
    const r = constProp(graph.outputs);
    const remarks: Diagnostic[] = [];
    for (const [g, cs] of r.constantGroups) {
      const constants = cs.map(([i, c]) => `signal ${i} is the constant ${showConst(c)}`).join(", ");
      const whole = cs.length === g.bodies.length ? " (the whole recursion)" : "";
      remarks.push(diag("FL801", { pass: "const-prop", group: formatGroupName(g.name), constants, whole }, spanOf(g) ?? spanOf(g.bodies[cs[0]![0]]!)));
    }
    return rewritten(graph, r.roots, [], r.stats, remarks);
  },
});

// Automatic differentiation of signals: the expansion of `fad(body, seed)` and
// `rad(body, seed)` into ordinary signals, done at propagation so that every
// later stage (normalization, the pass manager, the LTI layer, the backends)
// sees derivative code as plain signal graphs.
//
//   expandAutodiff(mode, primals, seeds, ctx) → the output signals of the box
//
// Meaning. A seed is a signal node, matched by identity after hash-consing.
// The tangent of an output with respect to seed s is d/dε of that output when
// every occurrence of s inside the body's graph is replaced by s + ε. Seeds are
// leaves: the body is not differentiated through a seed's own definition, and a
// node equal to several seeds (duplicated lanes) has tangent 1 on each of them.
//
// Forward mode builds a dual bundle [primal, t_0 … t_{N-1}] per *active* node
// (a node on a path from a seed to an output). Inactive nodes keep their
// signal and have a zero tangent, written `undefined` here so that no `0·x`
// node is ever built. A recursion group reached from a seed becomes one new
// group carrying, per signal, its primal and the tangents of the seeds that
// reach it, interleaved, so the state is shared by every seed (not a copy per
// seed) and a seed that cannot move the group adds no state to it. A group that is
// not defined yet is the recursion being propagated around this fad (the fad
// sits inside its body): it is outside the fad's scope and reads as a
// constant.
//
// Reverse mode, for a body whose active part is instantaneous (no delay,
// prefix, recursion or hold on a path from a seed), is the transposed graph:
// the nodes are visited from the outputs down, each giving its adjoint to
// the nodes it reads; a node read twice gets the sum. Every such rule is a
// pointwise linear map of the tangents, which is its own transpose, so one
// rule table (`tangentRule`) serves both modes: the contribution of node s to
// child c is the rule of s with c's tangent set to s's adjoint.
// A body with state gets back-propagation through time over the block: the
// adjoints are a signal graph in *reversed block time* (sig.reverse/sig.tape,
// see signal.ts): a delay's transpose is a delay in reversed time, so the
// adjoints of a recursion are recursion groups of the reversed graph (one
// per delay whose input the seeds move), started from zero at the
// block's end; the primal values the rules read are tapes of the forward
// signals. A gradient lane is reverse(adjoint of the seed): per sample, the
// contribution of the seed at that sample, whose sum over the block is the
// derivative of the block's summed outputs (the state entering the block held
// constant). Code generation records the tapes in the forward loop and runs
// the reversed graph backwards over the block (src/chain/codegen/generate.ts).
//
// Every walk is iterative and memoized by node: a shared sub-graph is
// differentiated once.

import { DiagnosticError, diag, type Diagnostic, type Span } from "../../core/diagnostics.ts";
import { lowerFilters } from "../codegen/lower.ts";
import {
  assertNever, children, declareRec, mapChildren, defineRec, freshRecName, isRecDefined, recArity, sig,
  type Math1Op, type RecSig, type Sig, type SigOf,
} from "../../core/signals/signal.ts";
import { InternalError } from "../../core/assert.ts";

export type AutodiffMode = "fad" | "rad";

export interface AutodiffContext {
  /** The span of the fad/rad expression (diagnostics and remarks point there). */
  readonly span?: Span;
  /** Receives remarks (undefined points, approximations, zero-tangent boundaries); deduplicated per call. */
  readonly onRemark?: (d: Diagnostic) => void;
  /** Where the body's signals come from (a node rad cannot differentiate is located there, else at `span`). */
  readonly spanOf?: (s: Sig) => Span | undefined;
}

/** A tangent: a signal, or undefined for an exact zero. */
type Tan = Sig | undefined;

// ---------------------------------------------------------------------------
// Zero-aware building blocks

const F = (v: number) => sig.float(v);
const ONE = () => F(1);
function tadd(a: Tan, b: Tan): Tan {
  if (!a) return b;
  if (!b) return a;
  return sig.add(a, b);
}
function tsub(a: Tan, b: Tan): Tan {
  if (!b) return a;
  if (!a) return sig.sub(F(0), b);
  return sig.sub(a, b);
}
const isOne = (s: Sig) => (s.kind === "float" || s.kind === "int") && s.value === 1;
/** k · t (k a primal-side signal); 1·t = t and k·1 = k exactly, so neither product is built. */
function tscale(k: Sig, t: Tan): Tan {
  if (!t) return undefined;
  if (isOne(t)) return k;
  if (isOne(k)) return t;
  return sig.mul(k, t);
}
function tdiv(t: Tan, k: Sig): Tan {
  return t ? sig.div(t, k) : undefined;
}
const sq = (x: Sig) => sig.mul(x, x);
/** sign(x) as a float: 1, -1, or 0 at 0 (the symmetric subgradient of |x|). */
const sign = (x: Sig) => sig.floatcast(sig.sub(sig.gt(x, F(0)), sig.lt(x, F(0))));

/** Unary foreign functions we know the derivative of (the C library's names, all precisions). */
const FOREIGN_MATH: Readonly<Record<string, Math1Op>> = Object.fromEntries(
  (["tanh", "sinh", "cosh", "asinh", "acosh", "atanh", "exp", "log", "sin", "cos", "tan", "sqrt", "atan", "asin", "acos", "log10", "exp10"] as const).flatMap((n) => [
    [n, n],
    [`${n}f`, n],
    [`${n}l`, n],
  ]),
);

/** Why a derivative is undefined somewhere, or approximated (remark text), per operator. */
const UNDEFINED_AT: Readonly<Partial<Record<string, string>>> = {
  abs: "undefined at 0, where the tangent is 0 (the symmetric subgradient)",
  sqrt: "infinite at 0",
  log: "undefined at x <= 0",
  log10: "undefined at x <= 0",
  acos: "infinite at x = ±1",
  asin: "infinite at x = ±1",
  atanh: "infinite at x = ±1",
  acosh: "infinite at x = 1",
  floor: "zero between integers and undefined at them (the jump is not differentiated)",
  ceil: "zero between integers and undefined at them (the jump is not differentiated)",
  rint: "zero except at the half-integers where it jumps (not differentiated)",
  round: "zero except at the half-integers where it jumps (not differentiated)",
  pow: "the exponent's term log(x)·x^y is undefined at x <= 0",
  atan2: "undefined at (0, 0)",
  min: "undefined where both arguments are equal (the tangent of the second is taken)",
  max: "undefined where both arguments are equal (the tangent of the second is taken)",
  fmod: "undefined where x/y is an integer (the jump is not differentiated)",
  remainder: "undefined where x/y is a half-integer (the jump is not differentiated)",
  rem: "undefined where x/y is an integer (the jump is not differentiated)",
  copysign: "undefined at x = 0 or y = 0",
};

// ---------------------------------------------------------------------------
// Activity: the nodes on a path from a seed to a root.

interface Activity {
  /** The nodes on a path from any seed to a root. */
  readonly active: ReadonlySet<Sig>;
  /** Per seed lane, the nodes on a path from that seed to a root (a tangent lane is zero elsewhere). */
  readonly perSeed: readonly ReadonlySet<Sig>[];
  /** Every node reached from the roots, seeds being leaves (children before parents is *not* guaranteed). */
  readonly reached: readonly Sig[];
}

/** The nodes whose tangent an active node reads (its children, seen through an rdtable index's int cast). */
function tangentInputs(s: Sig): readonly Sig[] {
  switch (s.kind) {
    case "table": // contents are computed at init: constant
      return [];
    case "rdtable":
      return s.index.kind === "intcast" ? [s.index, s.index.x] : [s.index];
    default:
      return children(s);
  }
}

function activity(roots: readonly Sig[], seedList: readonly Sig[]): Activity {
  const seeds = new Set(seedList);
  const parents = new Map<Sig, Sig[]>();
  const seen = new Set<Sig>();
  const reached: Sig[] = [];
  const stack = [...roots];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    reached.push(s);
    if (seeds.has(s)) continue;
    for (const c of tangentInputs(s)) {
      let l = parents.get(c);
      if (!l) parents.set(c, (l = []));
      l.push(s);
      if (!seen.has(c)) stack.push(c);
    }
  }
  const upFrom = (from: readonly Sig[]): Set<Sig> => {
    const out = new Set<Sig>();
    const work = from.filter((s) => seen.has(s));
    for (const s of work) out.add(s);
    while (work.length) {
      const s = work.pop()!;
      for (const p of parents.get(s) ?? []) if (!out.has(p)) (out.add(p), work.push(p));
    }
    return out;
  };
  const perSeed = seedList.map((s) => upFrom([s]));
  return { active: upFrom(seedList), perSeed, reached };
}

/** Active nodes whose rule reads the past (they make a body "stateful" for rad). */
function isTemporal(s: Sig): boolean {
  switch (s.kind) {
    case "delay1":
    case "delay":
    case "prefix":
    case "proj":
    case "rec":
    case "enable":
    case "control":
    case "fir":
    case "iir":
    case "reverse":
    case "tape":
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// The rule table

interface RuleEnv {
  /** The (possibly rebuilt) primal of a node. */
  P(s: Sig): Sig;
  /** The tangent of a node for the lane being built. */
  T(s: Sig): Tan;
  /** Records a remark about `what` (deduplicated). */
  remark(what: string, reason: string): void;
  /** Reports a node rad cannot differentiate (fad gives it a zero tangent). */
  unsupported(s: Sig, what: string, reason: string): void;
}

/**
 * The tangent of node `s` (not a proj, rec or seed) for one lane, `p` being its
 * rebuilt primal. Linear in the tangents of tangentInputs(s).
 */
function tangentRule(s: Sig, p: Sig, e: RuleEnv): Tan {
  const { P, T } = e;
  switch (s.kind) {
    case "int":
    case "float":
    case "input":
    case "fconst":
    case "fvar":
    case "button":
    case "checkbox":
    case "hslider":
    case "vslider":
    case "nentry":
    case "waveform":
    case "table":
    case "intcast":
      // constants, inputs and controls that are not seeds, int casts: zero tangent
      return undefined;
    case "soundfile":
    case "sflength":
    case "sfrate":
    case "sfbuffer":
      e.unsupported(s, "a soundfile", "a soundfile's samples are not differentiable");
      return undefined;
    case "rwtable":
      e.unsupported(s, "a writable table", "its contents depend on the history of writes");
      return undefined;
    case "clocked":
    case "din":
    case "clockout":
      e.unsupported(s, "a clock domain", "a derivative does not flow across a clock-domain boundary");
      return undefined;
    case "ffun": {
      const op = s.args.length === 1 ? FOREIGN_MATH[s.name] : undefined;
      if (!op) {
        e.unsupported(s, `the foreign function '${s.name}'`, "no derivative is known for it");
        return undefined;
      }
      return math1Rule(op, s.args[0]!, p, e);
    }
    case "output":
      return T(s.x);
    case "floatcast":
    case "attach":
    case "hbargraph":
    case "vbargraph":
      return T(s.x);
    case "sos":
      return T(s.y); // its value is its direct form y
    case "delay1": {
      const t = T(s.x);
      return t && sig.delay1(t);
    }
    case "delay": {
      // v[n] = u[n − d[n]]: dv = du[n−d] − dd · slope(u)[n−d], slope the backward difference u[m] − u[m−1]
      const d = P(s.amount);
      const tu = T(s.x);
      const td = T(s.amount);
      let t: Tan = tu && sig.delay(tu, d);
      if (td) {
        e.remark("variable delay", "the slope of the delayed signal is its backward difference u[n−d] − u[n−d−1]");
        const u = P(s.x);
        t = tsub(t, tscale(sig.sub(sig.delay(u, d), sig.delay(u, sig.add(d, sig.int(1)))), td));
      }
      return t;
    }
    case "prefix": {
      const a = T(s.init);
      const b = T(s.x);
      return a || b ? sig.prefix(a ?? F(0), b ?? F(0)) : undefined;
    }
    case "enable":
    case "control": {
      const t = T(s.x);
      return t && sig[s.kind](t, P(s.y));
    }
    case "select2": {
      // the branches are differentiated, not the condition
      const a = T(s.a);
      const b = T(s.b);
      return a || b ? sig.select2(P(s.sel), a ?? F(0), b ?? F(0)) : undefined;
    }
    case "rdtable": {
      // d table[i] = (table[i+1] − table[i−1]) / 2 · di (one-sided at the ends), i's tangent seen through its int cast
      const raw = s.index.kind === "intcast" ? s.index.x : s.index;
      const ti = T(raw);
      if (!ti) return undefined;
      e.remark("table read", "the slope is the table's central difference (table[i+1] − table[i−1]) / 2");
      const i = P(s.index);
      const size = s.table.kind === "table" ? s.table.size : undefined;
      const lo = sig.math2("max", sig.sub(i, sig.int(1)), sig.int(0));
      const hi = size ? sig.math2("min", sig.add(i, sig.int(1)), sig.sub(size, sig.int(1))) : sig.add(i, sig.int(1));
      const tbl = P(s.table);
      const slope = sig.div(sig.sub(sig.rdtable(tbl, hi), sig.rdtable(tbl, lo)), sig.floatcast(sig.math2("max", sig.sub(hi, lo), sig.int(1))));
      return tscale(slope, ti);
    }
    case "binop": {
      const x = s.x;
      const y = s.y;
      const op = s.op;
      switch (op) {
        case "add":
          return tadd(T(x), T(y));
        case "sub":
          return tsub(T(x), T(y));
        case "mul":
          return tadd(tscale(P(y), T(x)), tscale(P(x), T(y)));
        case "div":
          // d(x/y) = (dx − (x/y)·dy) / y
          return tdiv(tsub(T(x), tscale(p, T(y))), P(y));
        case "rem": {
          const ty = T(y);
          if (ty) e.remark("%", UNDEFINED_AT.rem!);
          // x % y = x − trunc(x/y)·y, trunc(x/y) = (x − p)/y
          return tsub(T(x), tscale(sig.div(sig.sub(P(x), p), P(y)), ty));
        }
        case "shl":
        case "ashr":
        case "lshr":
        case "gt":
        case "lt":
        case "ge":
        case "le":
        case "eq":
        case "ne":
        case "and":
        case "or":
        case "xor":
          // comparisons and bit operations: zero tangent
          return undefined;
        default:
          return assertNever(op);
      }
    }
    case "math1":
      return math1Rule(s.op, s.x, p, e);
    case "math2": {
      const x = P(s.x);
      const y = P(s.y);
      const tx = T(s.x);
      const ty = T(s.y);
      if (!tx && !ty) return undefined;
      const why = UNDEFINED_AT[s.op];
      const op = s.op;
      switch (op) {
        case "pow": {
          // d x^y = y·x^(y−1)·dx + log(x)·x^y·dy
          const a = tscale(sig.mul(y, sig.math2("pow", x, sig.sub(y, F(1)))), tx);
          if (ty) e.remark("pow", why!);
          return tadd(a, tscale(sig.mul(sig.math1("log", x), p), ty));
        }
        case "atan2": {
          // d atan2(x, y) = (y·dx − x·dy) / (x² + y²)
          e.remark("atan2", why!);
          return tdiv(tsub(tscale(y, tx), tscale(x, ty)), sig.add(sq(x), sq(y)));
        }
        case "min":
        case "max": {
          e.remark(s.op, why!);
          const c = s.op === "min" ? sig.lt(x, y) : sig.gt(x, y);
          return sig.select2(c, ty ?? F(0), tx ?? F(0));
        }
        case "fmod":
        case "remainder": {
          if (ty) e.remark(s.op, why!);
          // x − q·y with q = (x − p)/y, an integer between the jumps
          return tsub(tx, tscale(sig.div(sig.sub(x, p), y), ty));
        }
        case "copysign": {
          e.remark("copysign", why!);
          return tscale(sig.mul(sign(x), sig.math2("copysign", F(1), y)), tx);
        }
        default:
          return assertNever(op);
      }
    }
    case "fir": {
      // y = Σ c_k·x[n−k]: dy = fir(dx, c) + Σ dc_k·x[n−k]
      const tx = T(s.x);
      let t: Tan = tx && sig.fir(tx, s.coefs.map(P));
      const x = P(s.x);
      s.coefs.forEach((c, k) => {
        t = tadd(t, tscale(k === 0 ? x : sig.delay(x, sig.int(k)), T(c)));
      });
      return t;
    }
    case "iir": {
      // y = x − Σ c_k·y[n−1−k]: dy = iir(dx − Σ dc_k·y[n−1−k], c)
      let drive: Tan = T(s.x);
      s.coefs.forEach((c, k) => {
        drive = tsub(drive, tscale(sig.delay(p, sig.int(k + 1)), T(c)));
      });
      return drive && sig.iir(drive, s.coefs.map(P));
    }
    case "reverse":
    case "tape": {
      // linear in x, in either direction of time
      const t = T(s.x);
      return t && sig[s.kind](t);
    }
    case "proj":
    case "rec":
      throw new InternalError("autodiff: recursion nodes are handled by the expansion, not by the rule table");
    default:
      return assertNever(s);
  }
}

function math1Rule(op: Math1Op, xs: Sig, p: Sig, e: RuleEnv): Tan {
  const t = e.T(xs);
  if (!t) return undefined;
  const x = e.P(xs);
  const why = UNDEFINED_AT[op];
  if (why) e.remark(op, why);
  const k = (c: Sig) => sig.mul(c, t);
  switch (op) {
    case "abs":
      return k(sign(x));
    case "acos":
      return sig.sub(F(0), sig.div(t, sig.math1("sqrt", sig.sub(F(1), sq(x)))));
    case "asin":
      return sig.div(t, sig.math1("sqrt", sig.sub(F(1), sq(x))));
    case "atan":
      return sig.div(t, sig.add(F(1), sq(x)));
    case "ceil":
    case "floor":
    case "rint":
    case "round":
    case "isnan":
    case "isinf":
      return undefined;
    case "cos":
      return sig.sub(F(0), k(sig.math1("sin", x)));
    case "sin":
      return k(sig.math1("cos", x));
    case "tan":
      return k(sig.add(F(1), sq(p)));
    case "exp":
      return k(p);
    case "exp10":
      return k(sig.mul(p, F(Math.LN10)));
    case "log":
      return sig.div(t, x);
    case "log10":
      return sig.div(t, sig.mul(x, F(Math.LN10)));
    case "sqrt":
      return sig.div(t, sig.mul(F(2), p));
    case "acosh":
      return sig.div(t, sig.math1("sqrt", sig.sub(sq(x), F(1))));
    case "asinh":
      return sig.div(t, sig.math1("sqrt", sig.add(sq(x), F(1))));
    case "atanh":
      return sig.div(t, sig.sub(F(1), sq(x)));
    case "cosh":
      return k(sig.math1("sinh", x));
    case "sinh":
      return k(sig.math1("cosh", x));
    case "tanh":
      return k(sig.sub(F(1), sq(p)));
    default:
      return assertNever(op);
  }
}

// ---------------------------------------------------------------------------
// Forward expansion

interface Dual {
  readonly p: Sig;
  readonly t: readonly Tan[];
}

class Forward {
  private readonly duals = new Map<Sig, Dual>();
  /**
   * Active groups, their augmented copies (per signal: the primal, then the
   * tangents of the seeds that reach the group), and those seeds' lanes.
   */
  private readonly lanes = new Map<RecSig, { readonly g2: RecSig; readonly seeds: readonly number[] }>();
  private readonly pending: RecSig[] = [];
  private readonly zeros: readonly Tan[];

  constructor(
    private readonly seeds: readonly Sig[],
    private readonly act: ReadonlySet<Sig>,
    private readonly perSeed: readonly ReadonlySet<Sig>[],
    private readonly env: Omit<RuleEnv, "P" | "T">,
  ) {
    this.zeros = seeds.map(() => undefined);
  }

  /** The duals of `roots`; then defines every augmented group reached. */
  run(roots: readonly Sig[]): Dual[] {
    const out = roots.map((r) => this.dual(r));
    while (this.pending.length) {
      const g = this.pending.pop()!;
      const { g2, seeds } = this.lanes.get(g)!;
      const bodies: Sig[] = [];
      for (const b of g.bodies) {
        const d = this.dual(b);
        bodies.push(d.p, ...seeds.map((j) => d.t[j] ?? F(0)));
      }
      defineRec(g2, bodies);
    }
    return out;
  }

  private dual(root: Sig): Dual {
    const stack: Sig[] = [root];
    while (stack.length) {
      const s = stack[stack.length - 1]!;
      if (this.duals.has(s)) {
        stack.pop();
        continue;
      }
      if (!this.act.has(s)) {
        this.duals.set(s, { p: s, t: this.zeros });
        stack.pop();
        continue;
      }
      const seedLanes = this.seeds.map((x) => x === s);
      if (seedLanes.some(Boolean)) {
        this.duals.set(s, { p: s, t: seedLanes.map((b) => (b ? ONE() : undefined)) });
        stack.pop();
        continue;
      }
      if (s.kind === "proj") {
        this.duals.set(s, this.projDual(s));
        stack.pop();
        continue;
      }
      const kids = [...new Set([...children(s), ...tangentInputs(s)])];
      const todo = kids.filter((c) => !this.duals.has(c));
      if (todo.length) {
        stack.push(...todo);
        continue;
      }
      stack.pop();
      this.duals.set(s, this.build(s));
    }
    return this.duals.get(root)!;
  }

  private projDual(s: SigOf<"proj">): Dual {
    const g = s.group;
    if (!isRecDefined(g)) return { p: s, t: this.zeros };
    let lanes = this.lanes.get(g);
    if (!lanes) {
      const seeds = this.seeds.map((_, j) => j).filter((j) => this.perSeed[j]!.has(g));
      lanes = { g2: declareRec(freshRecName(`${g.name}_ad`), recArity(g) * (1 + seeds.length)), seeds };
      this.lanes.set(g, lanes);
      this.pending.push(g);
    }
    const { g2, seeds } = lanes;
    const base = s.index * (1 + seeds.length);
    const t: Tan[] = this.seeds.map(() => undefined);
    seeds.forEach((j, m) => (t[j] = sig.proj(g2, base + 1 + m)));
    return { p: sig.proj(g2, base), t };
  }

  private build(s: Sig): Dual {
    const P = (c: Sig) => this.duals.get(c)!.p;
    const p = rebuild(s, P);
    const t = this.seeds.map((_, j) => (this.perSeed[j]!.has(s) ? tangentRule(s, p, { ...this.env, P, T: (c) => this.duals.get(c)!.t[j] }) : undefined));
    return { p, t };
  }
}

/** `s` on the rebuilt primals of its children (the same node when none changed). */
function rebuild(s: Sig, P: (c: Sig) => Sig): Sig {
  return children(s).every((c) => P(c) === c) ? s : mapChildren(s, P);
}


// ---------------------------------------------------------------------------
// Reverse sweep (instantaneous bodies)

/** Post-order (children before parents) of the active nodes reached from `starts` through `inputs`, seeds as leaves. */
function activePostOrder(starts: readonly Sig[], act: ReadonlySet<Sig>, seedSet: ReadonlySet<Sig>, inputs: (s: Sig) => readonly Sig[]): Sig[] {
  const order: Sig[] = [];
  const done = new Set<Sig>();
  for (const r of starts) {
    if (!act.has(r) || done.has(r)) continue;
    const stack: [Sig, boolean][] = [[r, false]];
    while (stack.length) {
      const [s, expanded] = stack.pop()!;
      if (expanded) {
        if (!done.has(s)) (done.add(s), order.push(s));
        continue;
      }
      if (done.has(s)) continue;
      stack.push([s, true]);
      if (seedSet.has(s)) continue;
      for (const c of inputs(s)) if (act.has(c) && !done.has(c)) stack.push([c, false]);
    }
  }
  return order;
}

function reverse(roots: readonly Sig[], seeds: readonly Sig[], act: ReadonlySet<Sig>, env: Omit<RuleEnv, "P" | "T">): Sig[] {
  const seedSet = new Set(seeds);
  const order = activePostOrder(roots, act, seedSet, tangentInputs);
  const adj = new Map<Sig, Tan>();
  for (const r of roots) if (act.has(r)) adj.set(r, tadd(adj.get(r), ONE()));
  const P = (c: Sig) => c;
  for (let i = order.length - 1; i >= 0; i--) {
    const s = order[i]!;
    const a = adj.get(s);
    if (!a || seedSet.has(s)) continue;
    for (const c of new Set(tangentInputs(s))) {
      if (!act.has(c)) continue;
      // the transpose of a pointwise linear rule is the rule itself, fed the adjoint
      const contrib = tangentRule(s, s, { ...env, P, T: (x) => (x === c ? a : undefined) });
      adj.set(c, tadd(adj.get(c), contrib));
    }
  }
  return seeds.map((s) => adj.get(s) ?? F(0));
}

// ---------------------------------------------------------------------------
// Back-propagation through time (bodies with state)

/** The primal value of a forward node as the reversed graph reads it: constants and tables as they are, the rest taped. */
function taped(x: Sig): Sig {
  switch (x.kind) {
    case "int":
    case "float":
    case "table":
    case "waveform":
      return x;
    default:
      return sig.tape(x);
  }
}

/** The nodes whose adjoint an active node gives to (a projection gives to its body; a group node is passed through). */
function adjointInputs(s: Sig): readonly Sig[] {
  if (s.kind === "proj") return isRecDefined(s.group) ? [s.group.bodies[s.index]!] : [];
  if (s.kind === "rec") return [];
  return tangentInputs(s);
}

/** Active delays (read the past of an active input): their adjoint is a signal of the reversed graph's recursion. */
function delayedInput(s: Sig, act: ReadonlySet<Sig>): Sig | undefined {
  switch (s.kind) {
    case "delay1":
    case "prefix":
      return act.has(s.x) ? s.x : undefined;
    case "delay":
      return s.amount.kind === "int" && s.amount.value >= 1 && act.has(s.x) ? s.x : undefined;
    default:
      return undefined;
  }
}

function bptt(primals: readonly Sig[], seeds: readonly Sig[], env: Omit<RuleEnv, "P" | "T">): Sig[] {
  const { active: act } = activity(primals, seeds);
  const seedSet = new Set(seeds);
  const delays = [...act].filter((s) => !seedSet.has(s) && delayedInput(s, act));
  // one group per delay: a group's projections read all its bodies, and a body may read another delay's adjoint now
  const R = delays.map(() => declareRec(freshRecName("rad_adj"), 1));
  const slot = new Map(delays.map((d, j) => [d, j]));
  // children before parents over the instantaneous adjoint edges (a delay's input edge cut),
  // from the roots and the delays' inputs; a prefix's init edge is instantaneous, even when init is x
  const starts = [...primals, ...delays.map((d) => delayedInput(d, act)!)];
  const order = activePostOrder(starts, act, seedSet, (s) => {
    const cut = slot.has(s) ? delayedInput(s, act) : undefined;
    return s.kind === "prefix" ? [s.init] : adjointInputs(s).filter((c) => c !== cut);
  });
  const adj = new Map<Sig, Tan>();
  const give = (c: Sig, t: Tan) => {
    if (t && act.has(c)) adj.set(c, tadd(adj.get(c), t));
  };
  for (const r of primals) if (act.has(r)) give(r, ONE());
  // a delay's input gets the delay's adjoint (the recursion's signal) one or k reversed samples later:
  // given first, since that edge is not in the order
  delays.forEach((d, j) => give(delayedInput(d, act)!, sig.delayBy(sig.proj(R[j]!, 0), d.kind === "delay" ? (d.amount as SigOf<"int">).value : 1)));
  for (let i = order.length - 1; i >= 0; i--) {
    const s = order[i]!;
    if (seedSet.has(s)) continue;
    const j = slot.get(s);
    const a: Tan = j !== undefined ? sig.proj(R[j]!, 0) : adj.get(s);
    if (!a) continue;
    switch (s.kind) {
      case "proj":
        for (const c of adjointInputs(s)) give(c, a);
        break;
      case "delay1":
        break; // given above
      case "delay": {
        if (j !== undefined) break; // given above
        if (act.has(s.x) && !(s.amount.kind === "int" && s.amount.value === 0))
          env.unsupported(s, "a variable delay of a signal the seeds move", "its transpose scatters each adjoint to a varying past sample");
        if (s.amount.kind === "int") give(s.x, a); // delay by 0
        else if (act.has(s.amount)) {
          // v[n] = u[n − d[n]]: dd receives −slope(u)[n−d]·adjoint, the slope the backward difference
          env.remark("variable delay", "the slope of the delayed signal is its backward difference u[n−d] − u[n−d−1]");
          const u = s.x;
          const d = s.amount;
          give(d, sig.sub(F(0), sig.mul(sig.tape(sig.sub(sig.delay(u, d), sig.delay(u, sig.add(d, sig.int(1))))), a)));
        }
        break;
      }
      case "prefix":
        // y[0] = init[0], y[n] = x[n−1]: x gets the adjoint one reversed sample later, init only at time 0
        if (act.has(s.init)) give(s.init, sig.select2(sig.tape(sig.prefix(sig.int(1), sig.int(0))), F(0), a));
        break;
      case "enable":
      case "control":
        env.unsupported(s, `${s.kind}(x, y) of a signal the seeds move`, "the adjoint of a held value is not implemented");
        break;
      case "reverse":
      case "tape":
        env.unsupported(s, "a gradient of a body with state", "nesting block-reversed gradients is not implemented");
        break;
      default:
        for (const c of new Set(adjointInputs(s))) {
          if (!act.has(c)) continue;
          // a pointwise rule, fed the adjoint, on the taped primals (its own transpose)
          give(c, tangentRule(s, taped(s), { ...env, P: taped, T: (x) => (x === c ? a : undefined) }));
        }
    }
  }
  delays.forEach((d, j) => defineRec(R[j]!, [adj.get(d) ?? F(0)]));
  return seeds.map((s) => {
    const a = adj.get(s);
    return a ? sig.reverse(a) : F(0);
  });
}

// ---------------------------------------------------------------------------
// Entry point

/** The outputs of `fad`/`rad` of a body with outputs `primals` and seed signals `seeds` (N ≥ 1). */
export function expandAutodiff(mode: AutodiffMode, primals: readonly Sig[], seeds: readonly Sig[], ctx: AutodiffContext = {}): Sig[] {
  const said = new Set<string>();
  const remark = (what: string, reason: string) => {
    const key = `${what}|${reason}`;
    if (said.has(key) || !ctx.onRemark) return;
    said.add(key);
    ctx.onRemark(diag("FL552", { mode, what, reason }, ctx.span));
  };
  const { active, perSeed } = activity(primals, seeds);
  const env: Omit<RuleEnv, "P" | "T"> = {
    remark,
    unsupported(s, what, reason) {
      if (mode === "rad") {
        // located at the node, with a note at the rad expression when they differ
        const at = ctx.spanOf?.(s) ?? ctx.span;
        const note = ctx.span && at !== ctx.span ? [{ span: ctx.span, message: "in this rad" }] : [];
        throw new DiagnosticError([diag("FL550", { what, reason }, at, note)]);
      }
      remark(what, `zero tangent (${reason})`);
    },
  };
  if (mode === "fad") {
    const duals = new Forward(seeds, active, perSeed, env).run(primals);
    return duals.flatMap((d) => [d.p, ...d.t.map((t) => t ?? F(0))]);
  }
  const stateful = [...active].some(isTemporal);
  if (!stateful) return [...primals, ...reverse(primals, seeds, active, env)];
  remark(
    "a body with state",
    "its gradient lanes are back-propagated through time over each compute block (a zero adjoint at the block's end): per sample, the seed's contribution, summing over the block to the gradient of the block's summed outputs",
  );
  // explicit filters are lowered to delays and recursions first (seeds are matched on the lowered graph)
  const low = lowerFilters([...primals, ...seeds]);
  return [...primals, ...bptt(low.slice(0, primals.length), low.slice(primals.length), env)];
}

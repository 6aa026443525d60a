// Interval analysis of signal graphs, and the checks Faust makes with it.
//
//   intervalOf(s): Interval                 the interval of every value s can take (memoized)
//   analyzeIntervals(roots, opts?)          Map<Sig, Interval> for every reachable node
//   checkProgram(outputs, opts?)            throws a DiagnosticError with every rejection
//                                           (FL530 possibly negative delay, FL532 delay above the
//                                           limit, FL533 bad table size); returns { delays, tables,
//                                           intervals }: the maximum delay of every delay node
//                                           (delay line sizing) and every table's size
//   showInterval(i), showExpr(s)
//
// An interval is [lo, hi] with lo ≤ hi, bounds possibly ±Infinity. Like
// Faust, a value about which nothing is known (foreign constants, variables
// and functions) gets UNKNOWN = [-DBL_MAX, DBL_MAX]. NaN values are not
// tracked (an interval bounds the non-NaN values).
//
// Assumptions (Faust's): audio inputs lie in [-1, 1]; a slider/nentry lies
// in [min, max] (here joined with its init value), a button/checkbox in [0, 1].
// Float → int conversions saturate, as Faust's do (an unbounded interval gives
// the int range).
//
// Ints are analyzed as mathematical integers first; an int + - * abs whose
// interval leaves the int range may wrap around: it gets the whole int range
// and the analysis is redone (see analyzeIntervals).
//
// Recursion (Faust's scheme, typeAnnotation of the main branch): every
// projection starts at [0, 0]; all bodies are recomputed together until
// nothing changes; each time a bound of a projection moves, its age grows,
// and past `wideningLimit` (Faust's -wi, default 0) the bound jumps to the
// upper bound computed by `narrowingLimit` (Faust's -ni, default 0)
// iterations from [-∞, ∞], or to ±∞. Then descending steps meet each
// projection with its body's interval (sound: the ascending result is an
// invariant), which recovers `min(10, y' + 1)` ⊆ [1, 10] as Faust 2.88 does.

import { DiagnosticError, diag, type Diagnostic } from "../diagnostics.ts";
import { segments } from "./graph.ts";
import { assertNever, formatGroupName, type RecSig, type Sig } from "./signal.ts";
import { noSpans, type SpanOf } from "../spans.ts";
import { typeOf } from "./types.ts";
import { math1Fn, opText, satInt } from "./fold.ts";

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
export const FULL: Interval = { lo: -Infinity, hi: Infinity };
export const UNKNOWN: Interval = { lo: -Number.MAX_VALUE, hi: Number.MAX_VALUE };
export const INT_RANGE: Interval = { lo: INT_MIN, hi: INT_MAX };
const BOOL: Interval = { lo: 0, hi: 1 };

export const itv = (lo: number, hi: number): Interval => {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return FULL;
  return lo <= hi ? { lo, hi } : { lo: hi, hi: lo };
};
const point = (v: number): Interval => (Number.isNaN(v) ? FULL : { lo: v, hi: v });
export const join = (a: Interval, b: Interval): Interval => ({ lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) });
const meet = (a: Interval, b: Interval): Interval => {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : a;
};
const has = (a: Interval, v: number) => a.lo <= v && v <= a.hi;
export const isBounded = (a: Interval) => Number.isFinite(a.lo) && Number.isFinite(a.hi);
const same = (a: Interval, b: Interval) => a.lo === b.lo && a.hi === b.hi;

export function showInterval(a: Interval): string {
  const f = (v: number) => (v === Infinity ? "+inf" : v === -Infinity ? "-inf" : String(v));
  return `[${f(a.lo)}, ${f(a.hi)}]`;
}

/** Min and max of f over the given pairs of points, ignoring NaN (0·∞ counts as 0). */
function hull(vals: number[]): Interval {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vals) {
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? { lo, hi } : FULL;
}
const mulB = (a: number, b: number) => (a === 0 || b === 0 ? 0 : a * b);

/** Widens a float result a little: libm functions are not guaranteed monotone to the last bit. */
function fuzz(a: Interval): Interval {
  const d = (v: number) => Math.abs(v) * 4e-16 + Number.MIN_VALUE;
  return { lo: Number.isFinite(a.lo) ? a.lo - d(a.lo) : a.lo, hi: Number.isFinite(a.hi) ? a.hi + d(a.hi) : a.hi };
}

/** An int-natured result: the whole int range if the exact bounds may overflow (ints wrap). */
const wrapInt = (a: Interval): Interval => (a.lo < INT_MIN || a.hi > INT_MAX ? INT_RANGE : a);
/**
 * Float → int conversion: truncation, saturated to the int range like Faust's;
 * an unbounded interval gives the whole int range (Faust 2.88: `int()` of a
 * float counter covers [-2^31, 2^31-1]).
 */
export const toIntItv = (a: Interval): Interval => (isBounded(a) ? { lo: satInt(a.lo), hi: satInt(a.hi) } : INT_RANGE);

// ---------------------------------------------------------------------------
// Rules

function add(a: Interval, b: Interval): Interval {
  return hull([a.lo + b.lo, a.hi + b.hi]);
}
function sub(a: Interval, b: Interval): Interval {
  return hull([a.lo - b.hi, a.hi - b.lo]);
}
function mul(a: Interval, b: Interval): Interval {
  return hull([mulB(a.lo, b.lo), mulB(a.lo, b.hi), mulB(a.hi, b.lo), mulB(a.hi, b.hi)]);
}
function div(a: Interval, b: Interval): Interval {
  // a divisor interval containing 0: anything (a / ±0 is ±∞)
  if (has(b, 0)) return a.lo === 0 && a.hi === 0 ? point(0) : FULL;
  return hull([a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi]);
}
/** C's truncating remainder (ints) or fmod (floats): |r| < max|b|, |r| ≤ |a|, sign of a. */
function rem(a: Interval, b: Interval, isInt: boolean): Interval {
  const m = Math.max(Math.abs(b.lo), Math.abs(b.hi));
  if (m === 0) return point(0);
  const bound = isInt ? m - 1 : m;
  const lo = a.lo < 0 ? -Math.min(-a.lo, bound) : 0;
  const hi = a.hi > 0 ? Math.min(a.hi, bound) : 0;
  return { lo: Math.min(lo, hi), hi: Math.max(lo, hi) };
}
/** Shifts: exact on the corners when the amount is within [0, 31] and nothing overflows, else the int range. */
function shift(op: "shl" | "ashr" | "lshr", a0: Interval, b0: Interval): Interval {
  const a = toIntItv(a0);
  const b = toIntItv(b0);
  if (b.lo < 0 || b.hi > 31) return INT_RANGE;
  if (op === "shl") return wrapInt(hull([a.lo * 2 ** b.lo, a.lo * 2 ** b.hi, a.hi * 2 ** b.lo, a.hi * 2 ** b.hi]));
  if (op === "lshr" && a.lo < 0) return b.lo >= 1 ? { lo: 0, hi: INT_MAX >>> (b.lo - 1) } : INT_RANGE;
  return hull([a.lo >> b.lo, a.lo >> b.hi, a.hi >> b.lo, a.hi >> b.hi]);
}
function bitwise(op: "and" | "or" | "xor", a0: Interval, b0: Interval): Interval {
  const a = toIntItv(a0);
  const b = toIntItv(b0);
  const ones = (v: number) => (v <= 0 ? 0 : 2 ** Math.ceil(Math.log2(v + 1)) - 1);
  if (op === "and") {
    if (a.lo >= 0 && b.lo >= 0) return { lo: 0, hi: Math.min(a.hi, b.hi) };
    if (a.lo >= 0) return { lo: 0, hi: a.hi };
    if (b.lo >= 0) return { lo: 0, hi: b.hi };
    return INT_RANGE;
  }
  if (a.lo >= 0 && b.lo >= 0) return { lo: 0, hi: Math.min(INT_MAX, ones(Math.max(a.hi, b.hi))) };
  return INT_RANGE;
}
function compare(op: "gt" | "lt" | "ge" | "le" | "eq" | "ne", a: Interval, b: Interval): Interval {
  const yes = point(1);
  const no = point(0);
  switch (op) {
    case "gt":
      return a.lo > b.hi ? yes : a.hi <= b.lo ? no : BOOL;
    case "lt":
      return a.hi < b.lo ? yes : a.lo >= b.hi ? no : BOOL;
    case "ge":
      return a.lo >= b.hi ? yes : a.hi < b.lo ? no : BOOL;
    case "le":
      return a.hi <= b.lo ? yes : a.lo > b.hi ? no : BOOL;
    case "eq":
      return a.hi < b.lo || b.hi < a.lo ? no : BOOL;
    case "ne":
      return a.hi < b.lo || b.hi < a.lo ? yes : BOOL;
    default:
      return assertNever(op);
  }
}

const TWO_PI = 2 * Math.PI;
/** sin or cos over an interval: the endpoint values, plus ±1 when an extremum lies inside. */
function periodic(f: (x: number) => number, phase: number, a: Interval): Interval {
  if (!isBounded(a) || a.hi - a.lo >= TWO_PI) return itv(-1, 1);
  // extrema of f at x = phase + k·π (max when k even for cos-like phase 0)
  const vals = [f(a.lo), f(a.hi)];
  const k0 = Math.ceil((a.lo - phase) / Math.PI);
  for (let k = k0; phase + k * Math.PI <= a.hi; k++) vals.push(k % 2 === 0 ? 1 : -1);
  const r = fuzz(hull(vals));
  return { lo: Math.max(-1, r.lo), hi: Math.min(1, r.hi) };
}

function math1(op: string, a: Interval, isIntResult: boolean): Interval {
  const mono = (f: (x: number) => number) => fuzz(hull([f(a.lo), f(a.hi)]));
  const clampDom = (lo: number, hi: number) => ({ lo: Math.max(a.lo, lo), hi: Math.min(a.hi, hi) });
  switch (op) {
    case "abs": {
      const r = a.lo >= 0 ? a : a.hi <= 0 ? itv(-a.hi, -a.lo) : itv(0, Math.max(-a.lo, a.hi));
      return isIntResult ? wrapInt(r) : r;
    }
    case "isnan":
    case "isinf":
      return BOOL;
    case "exp":
    case "exp10":
    case "atan":
    case "sinh":
    case "asinh":
    case "tanh":
      return mono(math1Fn(op));
    case "floor":
    case "ceil":
    case "rint":
      // exact and monotone: no widening
      return hull([math1Fn(op)(a.lo), math1Fn(op)(a.hi)]);
    case "round": {
      // at run time, C's round (half away from zero), not the rint Faust folds constants with
      const cRound = (x: number) => (x < 0 ? -Math.round(-x) : Math.round(x));
      return hull([cRound(a.lo), cRound(a.hi)]);
    }
    case "log":
    case "log10":
    case "sqrt": {
      if (a.hi < 0) return FULL; // only NaN
      const d = clampDom(0, Infinity);
      const r = hull([math1Fn(op)(d.lo), math1Fn(op)(d.hi)]);
      // sqrt is correctly rounded (IEEE), the logarithms get a little margin
      return op === "sqrt" ? r : fuzz(r);
    }
    case "acos":
    case "asin": {
      if (a.hi < -1 || a.lo > 1) return FULL;
      const d = clampDom(-1, 1);
      return fuzz(hull([math1Fn(op)(d.lo), math1Fn(op)(d.hi)]));
    }
    case "acosh": {
      if (a.hi < 1) return FULL;
      const d = clampDom(1, Infinity);
      return fuzz(hull([Math.acosh(d.lo), Math.acosh(d.hi)]));
    }
    case "atanh": {
      if (a.hi < -1 || a.lo > 1) return FULL;
      const d = clampDom(-1, 1);
      return fuzz(hull([Math.atanh(d.lo), Math.atanh(d.hi)]));
    }
    case "cosh": {
      const r = fuzz(hull([Math.cosh(a.lo), Math.cosh(a.hi)]));
      return has(a, 0) ? { lo: 1, hi: r.hi } : r;
    }
    case "sin":
      return periodic(Math.sin, Math.PI / 2, a);
    case "cos":
      return periodic(Math.cos, 0, a);
    case "tan": {
      if (!isBounded(a) || a.hi - a.lo >= Math.PI) return FULL;
      const k = Math.ceil((a.lo - Math.PI / 2) / Math.PI);
      if (Math.PI / 2 + k * Math.PI <= a.hi) return FULL;
      return mono(Math.tan);
    }
    default:
      return FULL;
  }
}

function pow(a: Interval, b: Interval): Interval {
  const corners = () => fuzz(hull([a.lo ** b.lo, a.lo ** b.hi, a.hi ** b.lo, a.hi ** b.hi, ...(has(a, 1) ? [1] : [])]));
  if (a.lo >= 0) {
    // x ≥ 0: x^y is monotone in each argument on each sign of y; include 0^0 = 1 and the x = 1 line
    const r = corners();
    return has(b, 0) ? join(r, point(1)) : r;
  }
  if (b.lo === b.hi && Number.isInteger(b.lo) && b.lo >= 0) {
    const k = b.lo;
    const m = Math.max(Math.abs(a.lo), Math.abs(a.hi)) ** k;
    if (k % 2 === 1) return fuzz(hull([a.lo ** k, a.hi ** k]));
    const r = fuzz({ lo: Math.min(Math.abs(a.lo), Math.abs(a.hi)) ** k, hi: m });
    return has(a, 0) ? { lo: 0, hi: r.hi } : { lo: Math.max(0, r.lo), hi: r.hi };
  }
  return FULL;
}

function math2(op: string, a: Interval, b: Interval, isIntResult: boolean): Interval {
  switch (op) {
    case "min":
      return { lo: Math.min(a.lo, b.lo), hi: Math.min(a.hi, b.hi) };
    case "max":
      return { lo: Math.max(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
    case "atan2":
      return itv(-Math.PI, Math.PI);
    case "pow":
      return pow(a, b);
    case "fmod":
      return rem(a, b, false);
    case "remainder": {
      // |r| ≤ |y|/2, and r = x when |x| < |y|/2; x - y*rint(x/y) is computed with a rounding error ≤ |x|·2^-52
      const m = Math.max(Math.abs(b.lo), Math.abs(b.hi)) / 2;
      const ax = Math.max(Math.abs(a.lo), Math.abs(a.hi));
      const r = Math.min(ax, m + ax * 2.3e-16);
      return itv(-r, r);
    }
    case "copysign": {
      const mx = Math.max(Math.abs(a.lo), Math.abs(a.hi));
      const mn = has(a, 0) ? 0 : Math.min(Math.abs(a.lo), Math.abs(a.hi));
      if (b.lo > 0) return itv(mn, mx);
      if (b.hi < 0) return itv(-mx, -mn);
      return itv(-mx, mx);
    }
    default:
      return isIntResult ? INT_RANGE : FULL;
  }
}

const constItv = (s: Sig): Interval | undefined => (s.kind === "int" || s.kind === "float" ? point(s.value) : undefined);

/** The interval of one node from those of its children (`I`) and of projections (`P`). */
function rule(s: Sig, I: (c: Sig) => Interval, P: (g: RecSig, i: number) => Interval, wraps: ReadonlySet<Sig>): Interval {
  const isInt = () => typeOf(s).nature === "int";
  // int + - * abs: the mathematical interval, or the whole int range where an overflow was found possible
  const intOp = (r: Interval) => (wraps.has(s) ? wrapInt(r) : r);
  switch (s.kind) {
    case "int":
    case "float":
      return point(s.value);
    case "input":
      return itv(-1, 1);
    case "output":
    case "attach":
    case "hbargraph":
    case "vbargraph":
      return I(s.x);
    case "sos":
      return I(s.y);
    case "tape":
      return I(s.x);
    case "reverse":
      // x's state starts at 0 at each block end
      return join(I(s.x), point(0));
    case "delay1":
    case "delay":
    case "enable":
    case "control":
      // 0 before the first sample / while disabled
      return join(I(s.x), point(0));
    case "prefix":
      return join(I(s.init), I(s.x));
    case "binop": {
      const a = I(s.x);
      const b = I(s.y);
      const op = s.op;
      switch (op) {
        case "add":
          return isInt() ? intOp(add(a, b)) : add(a, b);
        case "sub":
          return isInt() ? intOp(sub(a, b)) : sub(a, b);
        case "mul":
          return isInt() ? intOp(mul(a, b)) : mul(a, b);
        case "div":
          return div(a, b);
        case "rem":
          return rem(a, b, isInt());
        case "shl":
        case "ashr":
        case "lshr":
          return shift(op, a, b);
        case "and":
        case "or":
        case "xor":
          return bitwise(op, a, b);
        case "gt":
        case "lt":
        case "ge":
        case "le":
        case "eq":
        case "ne":
          return compare(op, a, b);
        default:
          return assertNever(op);
      }
    }
    case "math1":
      return s.op === "abs" && isInt() ? intOp(math1(s.op, I(s.x), false)) : math1(s.op, I(s.x), isInt());
    case "math2":
      return math2(s.op, I(s.x), I(s.y), isInt());
    case "intcast":
      return toIntItv(I(s.x));
    case "floatcast":
      return I(s.x);
    case "select2":
      return join(I(s.a), I(s.b));
    case "table":
      // the content: the generator's values
      return I(s.gen);
    case "rdtable":
      return I(s.table);
    case "rwtable": {
      const w = typeOf(s.table).nature === "int" ? toIntItv(I(s.wvalue)) : I(s.wvalue);
      return join(I(s.table), w);
    }
    case "waveform":
      return s.values.map((v) => constItv(v) ?? UNKNOWN).reduce(join);
    case "fconst":
    case "fvar":
    case "ffun":
      return UNKNOWN;
    case "button":
    case "checkbox":
      return BOOL;
    case "hslider":
    case "vslider":
    case "nentry": {
      const lo = constItv(s.min);
      const hi = constItv(s.max);
      const init = constItv(s.init);
      if (!lo || !hi) return UNKNOWN;
      const r = itv(lo.lo, hi.hi);
      return init ? join(r, init) : r;
    }
    case "soundfile":
    case "sflength":
    case "sfrate":
      return itv(0, INT_MAX);
    case "sfbuffer":
      return itv(-1, 1);
    case "fir": {
      // Σ c_k·x[n−k], x being 0 before the first sample
      const xs = join(I(s.x), point(0));
      const acc = s.coefs.map((c) => mul(xs, I(c))).reduce(add, point(0));
      return typeOf(s).nature === "int" ? wrapInt(acc) : acc;
    }
    case "iir":
      // a recursion: no bound without a stability analysis
      return typeOf(s).nature === "int" ? INT_RANGE : FULL;
    case "clocked":
      return UNKNOWN; // not a value (its outputs are clockout nodes)
    case "din":
      // the outer value, or 0 in the iterations of an upsampling body that do not read the inputs
      return join(I(s.x), point(0));
    case "clockout":
      // the body's output, held; 0 before the first run
      return s.domain.kind === "clocked" && s.domain.outs[s.index] ? join(I(s.domain.outs[s.index]!), point(0)) : UNKNOWN;
    case "rec":
      return s.bodies.map((_, i) => P(s, i)).reduce(join, point(0));
    case "proj":
      return P(s.group, s.index);
    default:
      return assertNever(s);
  }
}

// ---------------------------------------------------------------------------
// The analysis

export interface IntervalOptions {
  /** Bound moves of a projection before widening (Faust's -wi; default 0). */
  readonly wideningLimit?: number;
  /** Iterations from [-∞, ∞] that compute the widening targets (Faust's -ni; default 0). */
  readonly narrowingLimit?: number;
  /** Descending steps after the fixpoint (default 32). */
  readonly narrowingSteps?: number;
}

/** Int arithmetic whose mathematical interval leaves the int range: where a wrap-around is possible. */
function mayOverflow(s: Sig, i: Interval): boolean {
  if (i.lo >= INT_MIN && i.hi <= INT_MAX) return false;
  if (typeOf(s).nature !== "int") return false;
  return (s.kind === "binop" && (s.op === "add" || s.op === "sub" || s.op === "mul")) || (s.kind === "math1" && s.op === "abs");
}

/**
 * Intervals of every node reachable from `roots`.
 *
 * Ints are first analyzed as mathematical integers; the int operations whose
 * interval then leaves the int range are where a wrap-around is possible:
 * they get the whole int range and the analysis is redone, until no other
 * operation may overflow (so a counter covers the int range, while
 * `(+(3) : %(8)) ~ _` stays in [0, 7] even though widening first sends it to
 * +∞). Each analysis is the ascending fixpoint with widening described in
 * the header, then up to `narrowingSteps` descending steps (each projection
 * met with the interval of its body: sound, since the ascending result is an
 * invariant).
 */
export function analyzeIntervals(roots: readonly Sig[], opts: IntervalOptions = {}): Map<Sig, Interval> {
  const wraps = new Set<Sig>();
  for (;;) {
    const val = analyzeOnce(roots, opts, wraps);
    let more = false;
    for (const [s, i] of val)
      if (!wraps.has(s) && mayOverflow(s, i)) {
        wraps.add(s);
        more = true;
      }
    if (!more) return val;
  }
}

function analyzeOnce(roots: readonly Sig[], opts: IntervalOptions, wraps: ReadonlySet<Sig>): Map<Sig, Interval> {
  const wl = opts.wideningLimit ?? 0;
  const nl = opts.narrowingLimit ?? 0;
  const steps = opts.narrowingSteps ?? 32;
  const order = segments(roots).flatMap((seg) => seg.nodes);
  const groups = order.filter((s): s is RecSig => s.kind === "rec");
  const projInt = (g: RecSig, i: number) => typeOf(g.bodies[i]!).nature === "int";
  const key = (g: RecSig, i: number) => `${g.id}:${i}`;

  const pass = (approx: Map<string, Interval>): Map<Sig, Interval> => {
    const val = new Map<Sig, Interval>();
    const I = (c: Sig) => val.get(c) ?? FULL;
    const P = (g: RecSig, i: number) => approx.get(key(g, i)) ?? point(0);
    for (const s of order) val.set(s, rule(s, I, P, wraps));
    return val;
  };
  const bodyOf = (val: Map<Sig, Interval>, g: RecSig, i: number) => {
    const b = val.get(g.bodies[i]!) ?? FULL;
    return projInt(g, i) ? meet(b, INT_RANGE) : b;
  };

  // upper bounds (widening targets): narrowing iterations from [-∞, ∞]
  const up = new Map<string, Interval>();
  for (const g of groups) g.bodies.forEach((_, i) => up.set(key(g, i), FULL));
  for (let k = 0; k < nl; k++) {
    const val = pass(up);
    for (const g of groups) g.bodies.forEach((_, i) => up.set(key(g, i), meet(bodyOf(val, g, i), up.get(key(g, i))!)));
  }

  // least fixpoint from [0, 0] with widening
  const approx = new Map<string, Interval>();
  const ageLo = new Map<string, number>();
  const ageHi = new Map<string, number>();
  for (const g of groups) g.bodies.forEach((_, i) => approx.set(key(g, i), point(0)));
  let val: Map<Sig, Interval>;
  for (;;) {
    val = pass(approx);
    let changed = false;
    for (const g of groups)
      g.bodies.forEach((_, i) => {
        const k = key(g, i);
        const old = approx.get(k)!;
        const nw = join(old, bodyOf(val, g, i));
        let { lo, hi } = nw;
        const u = up.get(k)!;
        if (lo !== old.lo) {
          const age = (ageLo.get(k) ?? 0) + 1;
          ageLo.set(k, age);
          if (age > wl) lo = lo >= u.lo ? u.lo : -Infinity;
        }
        if (hi !== old.hi) {
          const age = (ageHi.get(k) ?? 0) + 1;
          ageHi.set(k, age);
          if (age > wl) hi = hi <= u.hi ? u.hi : Infinity;
        }
        const next = projInt(g, i) ? meet({ lo, hi }, INT_RANGE) : { lo, hi };
        if (!same(next, old)) {
          approx.set(k, next);
          changed = true;
        }
      });
    if (!changed) break;
  }

  // descending steps: each projection met with its body's interval
  for (let k = 0; k < steps && groups.length; k++) {
    let changed = false;
    for (const g of groups)
      g.bodies.forEach((_, i) => {
        const old = approx.get(key(g, i))!;
        const next = meet(old, bodyOf(val, g, i));
        if (!same(next, old)) {
          approx.set(key(g, i), next);
          changed = true;
        }
      });
    if (!changed) break;
    val = pass(approx);
  }
  return val;
}

/**
 * The interval of a signal (its subgraph analyzed with default options; not
 * memoized: a compilation asks the `intervals` analysis, cached per graph).
 */
export function intervalOf(s: Sig): Interval {
  return analyzeIntervals([s]).get(s)!;
}

// ---------------------------------------------------------------------------
// Checks: delays and tables

export interface CheckOptions extends IntervalOptions {
  /** Largest accepted delay in samples (default 2^31 - 1; Faust's wasm backend fails much earlier, at ~2^28 bytes of memory). */
  readonly maxDelay?: number;
  /** Largest accepted table size (default 2^31 - 1). */
  readonly maxTableSize?: number;
  /** Where the nodes come from (the compilation's spans), to locate the problems. */
  readonly spans?: SpanOf<Sig>;
}

export interface ProgramInfo {
  /** Maximum delay (in samples) of every delay1/delay node: the size its delay line needs. */
  readonly delays: Map<Sig, number>;
  /** The size of every table. */
  readonly tables: Map<Sig, number>;
  readonly intervals: Map<Sig, Interval>;
}

/** The interval of a delay amount as a number of samples: Faust 2.88 converts a float amount with int() (an unbounded one covers the int range). */
export function delayAmountInterval(amount: Sig, intervals: ReadonlyMap<Sig, Interval>): Interval {
  const a = intervals.get(amount)!;
  return typeOf(amount).nature === "float" ? toIntItv(a) : a;
}

/**
 * Faust's checks on (normalized) output signals: every variable delay must
 * have a bounded, non-negative amount; delays and tables must fit the limits.
 * Throws a DiagnosticError with every problem; otherwise returns the sizes.
 */
export function checkProgram(outputs: readonly Sig[], opts: CheckOptions = {}): ProgramInfo {
  const intervals = analyzeIntervals(outputs, opts);
  const maxDelay = opts.maxDelay ?? INT_MAX;
  const maxTable = opts.maxTableSize ?? INT_MAX;
  const problems: Diagnostic[] = [];
  const delays = new Map<Sig, number>();
  const tables = new Map<Sig, number>();
  const spanOf = opts.spans ?? noSpans;
  const report = (s: Sig, d: Diagnostic) => problems.push(spanOf(s) && !d.span ? { ...d, span: spanOf(s) } : d);
  for (const [s] of intervals) {
    if (s.kind === "delay1") delays.set(s, 1);
    else if (s.kind === "delay") {
      const isFloat = typeOf(s.amount).nature === "float";
      const a = delayAmountInterval(s.amount, intervals);
      const amount = isFloat ? `int(${showExpr(s.amount)})` : showExpr(s.amount);
      const args = { amount, x: showExpr(s.x), interval: showInterval(a) };
      if (!isBounded(a)) report(s, diag("FL531", args));
      else if (a.lo < 0) report(s, diag("FL530", args));
      else {
        const max = satInt(a.hi);
        if (max > maxDelay) report(s, diag("FL532", { max, x: showExpr(s.x), limit: maxDelay }));
        else delays.set(s, max);
      }
    } else if (s.kind === "table") {
      const size = s.size.kind === "int" ? s.size.value : s.size.kind === "float" ? satInt(s.size.value) : NaN;
      if (!(size >= 1 && size <= maxTable)) report(s, diag("FL533", { size: Number.isNaN(size) ? showExpr(s.size) : size, limit: maxTable }));
      else tables.set(s, size);
    }
  }
  if (problems.length) throw new DiagnosticError(problems);
  return { delays, tables, intervals };
}

// ---------------------------------------------------------------------------
// A compact infix rendering of a signal for messages (depth- and length-limited)

export function showExpr(s: Sig, maxLen = 120): string {
  const go = (t: Sig, depth: number): string => {
    if (depth > 6) return "…";
    const r = (c: Sig) => go(c, depth + 1);
    switch (t.kind) {
      case "int":
        return String(t.value);
      case "float":
        return String(t.value);
      case "input":
        return `IN[${t.index}]`;
      case "binop":
        return `(${r(t.x)} ${opText(t.op)} ${r(t.y)})`;
      case "math1":
        return `${t.op}(${r(t.x)})`;
      case "math2":
        return `${t.op}(${r(t.x)}, ${r(t.y)})`;
      case "intcast":
        return `int(${r(t.x)})`;
      case "floatcast":
        return `float(${r(t.x)})`;
      case "delay1":
        return `${r(t.x)}'`;
      case "delay":
        return `${r(t.x)}@${r(t.amount)}`;
      case "proj":
        return `proj${t.index}(${formatGroupName(t.group.name)})`;
      case "button":
      case "checkbox":
      case "hslider":
      case "vslider":
      case "nentry":
        return `${t.kind}(${JSON.stringify(t.label)})`;
      case "fconst":
      case "fvar":
        return t.name;
      case "ffun":
        return `${t.name}(${t.args.map(r).join(", ")})`;
      case "select2":
        return `select2(${r(t.sel)}, ${r(t.a)}, ${r(t.b)})`;
      default:
        return t.kind;
    }
  };
  const text = go(s, 0);
  return text.length > maxLen ? text.slice(0, maxLen - 1) + "…" : text;
}

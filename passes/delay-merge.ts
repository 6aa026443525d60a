// `delay-merge`: fewer, shared delay lines. The FIR generator gives each
// delayed signal one line, as long as its longest delay, shared by every read
// of that signal; this pass rewrites delays so that more reads hit the same
// signal's line:
//
//   (a) chains with constant amounts: delay1(delay1(x)) → delay(x, 2),
//       delay(delay1(x), n) → delay(x, n+1), delay1(delay(x, n)) → delay(x, n+1),
//       delay(delay(x, m), n) → delay(x, m+n). Identity: (x@m)@n = x@(m+n) for
//       m, n ≥ 0 (both read 0 before time m+n). Normalization already does this
//       on its own output; the rule is here for graphs other passes produced.
//   (b) chains with variable amounts: delay(delay1(x), d) → delay(x, int(d) + 1)
//       and the like, when d is provably in [0, INT_MAX - m] (exact bounds
//       below), where (x@m)@d = x@(d+m) holds sample by sample: the run time
//       reads max(0, int(d)) samples back, so d must not be negative, and the
//       sum must not wrap. A variable amount must be the outermost one:
//       (x@d)@m at t is x[t-m-d[t-m]], the inner amount read m samples ago,
//       so an inner amount merges only when it is constant after init
//       (variability "constant", e.g. from the sample rate). Only off
//       recursion cycles: a variable amount is an instantaneous edge, so a
//       merged delay on a cycle would lose the cycle's one-sample delay.
//   (c) factors (option factor): delay(x*k, n) → delay(x, n)*k for a finite
//       constant k > 0 (any k in an int product), and delay(float(x), n) → float(delay(x, n)),
//       when x has a delay line of its own, which then serves both, and x*k
//       is read by that one delay only (moving the product behind several
//       reads would multiply the products: a noise read at 255 delays would
//       get 255 float() to save one sample). Identity:
//       the same products are computed at another time, and k*(+0) = +0 for
//       the zeros a line starts with (a negative k would give -0: not exact).
//       Normalization already moves constant factors out of delays; this
//       catches what other passes leave.
//
// The rewrite is kept only when it does not make the delay memory of the
// program (src/core/signals/intervals.ts checkProgram, as the backends allocate
// it) grow; stats: lines-merged (lines before - after), samples-saved.
//
// Exact bounds (`exactBounds`): an interval that holds at every sample,
// derived from literals and min/max (which ignore a NaN operand, so min(k, e)
// is bounded by a literal k whatever e is), int()/float() within the int
// range, monotone floor/ceil, and + - * on bounded non-NaN operands (float
// rounding is monotone; int results must stay in the int range). Sliders,
// inputs and foreign values are unbounded: no interval-analysis assumption.

import { checkProgram } from "../src/core/signals/intervals.ts";
import { groupMembers, reachable } from "../src/core/signals/graph.ts";
import { constantDelay, sig, type Sig, type SigOf } from "../src/core/signals/signal.ts";
import { typeOf } from "../src/core/signals/types.ts";
import { boolOption, definePass, rewritten } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

type Bounds = readonly [lo: number, hi: number];

/** Exact bounds of the value of `s` at every sample, never NaN; undefined when unknown. */
export function exactBounds(s: Sig, memo = new Map<Sig, Bounds | undefined>()): Bounds | undefined {
  // explicit stack: children first
  const stack: [Sig, boolean][] = [[s, false]];
  while (stack.length) {
    const [n, expanded] = stack.pop()!;
    if (memo.has(n)) continue;
    const kids = boundKids(n);
    if (!expanded && kids.some((k) => !memo.has(k))) {
      stack.push([n, true]);
      for (const k of kids) if (!memo.has(k)) stack.push([k, false]);
      continue;
    }
    memo.set(n, boundRule(n, (k) => memo.get(k)));
  }
  return memo.get(s);
}

function boundKids(s: Sig): Sig[] {
  switch (s.kind) {
    case "math2":
    case "binop":
      return [s.x, s.y];
    case "math1":
    case "intcast":
    case "floatcast":
      return [s.x];
    default:
      return [];
  }
}

const finite = (b: Bounds | undefined): b is Bounds => b !== undefined && Number.isFinite(b[0]) && Number.isFinite(b[1]);
const inIntRange = (b: Bounds) => b[0] >= INT_MIN && b[1] <= INT_MAX;

function boundRule(s: Sig, get: (s: Sig) => Bounds | undefined): Bounds | undefined {
  const isInt = (n: Sig) => typeOf(n).nature === "int";
  switch (s.kind) {
    case "int":
      return [s.value, s.value];
    case "float":
      return Number.isNaN(s.value) ? undefined : [s.value, s.value];
    case "floatcast":
      return get(s.x);
    case "intcast": {
      // int(x) truncates without wrapping when x is within the int range
      const b = get(s.x);
      return b && b[0] > INT_MIN - 1 && b[1] < INT_MAX + 1 ? [Math.trunc(b[0]), Math.trunc(b[1])] : undefined;
    }
    case "math1": {
      const b = get(s.x);
      if (!finite(b)) return undefined;
      // floor and ceil are monotone
      if (s.op === "floor") return [Math.floor(b[0]), Math.floor(b[1])];
      if (s.op === "ceil") return [Math.ceil(b[0]), Math.ceil(b[1])];
      return undefined;
    }
    case "math2": {
      if (s.op !== "min" && s.op !== "max") return undefined;
      // min/max ignore a NaN operand: max(a, b) ≥ a and min(a, b) ≤ a whatever b is
      const a = get(s.x);
      const b = get(s.y);
      if (s.op === "max") {
        if (a && b) return [Math.max(a[0], b[0]), Math.max(a[1], b[1])];
        const k = a ?? b;
        return k ? [k[0], Infinity] : undefined;
      }
      if (a && b) return [Math.min(a[0], b[0]), Math.min(a[1], b[1])];
      const k = a ?? b;
      return k ? [-Infinity, k[1]] : undefined;
    }
    case "binop": {
      if (s.op !== "add" && s.op !== "sub" && s.op !== "mul") return undefined;
      const a = get(s.x);
      const b = get(s.y);
      if (!finite(a) || !finite(b)) return undefined;
      // with finite operands, + - * are monotone in each operand (float rounding is monotone)
      const f = s.op === "add" ? (x: number, y: number) => x + y : s.op === "sub" ? (x: number, y: number) => x - y : (x: number, y: number) => x * y;
      const c = s.op === "sub" ? [f(a[0], b[1]), f(a[1], b[0])] : [f(a[0], b[0]), f(a[0], b[1]), f(a[1], b[0]), f(a[1], b[1])];
      const r: Bounds = [Math.min(...c), Math.max(...c)];
      if (isInt(s) && !inIntRange(r)) return undefined; // could wrap
      return Number.isNaN(r[0]) || Number.isNaN(r[1]) ? undefined : r;
    }
    default:
      return undefined;
  }
}

/** One link of a delay chain: `x` delayed by a literal `lit` or a variable amount `v` (int) with bounds. */
interface Link {
  readonly x: Sig;
  readonly lit: number;
  readonly v?: Sig;
  readonly hi: number;
}

function link(s: Sig, bounds: Map<Sig, Bounds | undefined>): Link | undefined {
  const d = constantDelay(s);
  if (d) return d.lag >= 1 ? { x: d.x, lit: d.lag, hi: d.lag } : undefined;
  if (s.kind !== "delay") return undefined;
  const a = s.amount;
  if (a.kind === "int") return undefined; // a negative constant amount
  const b = exactBounds(a, bounds);
  // the run time reads max(0, int(a)) back: int(a) = trunc(a) ≥ 0 needs a > -1
  if (!b || !(b[0] > -1) || !(b[1] <= INT_MAX)) return undefined;
  return { x: s.x, lit: 0, v: typeOf(a).nature === "int" ? a : sig.intcast(a), hi: Math.trunc(b[1]) };
}

export interface DelayMergeOptions {
  readonly factor: boolean;
}

export interface DelayMergeResult {
  readonly roots: Sig[];
  readonly stats: Record<string, number>;
}

/** Delay lines (delayed signal → length) and memory, or undefined when the program would be rejected. */
function lines(roots: readonly Sig[]): { count: number; memory: number } | undefined {
  try {
    const info = checkProgram(roots);
    const ls = new Map<Sig, number>();
    for (const [d, n] of info.delays) {
      const x = (d as Sig & { x: Sig }).x;
      ls.set(x, Math.max(ls.get(x) ?? 0, n));
    }
    let memory = 0;
    for (const n of ls.values()) memory += n;
    return { count: ls.size, memory };
  } catch {
    return undefined;
  }
}

export function delayMerge(roots: readonly Sig[], opts: DelayMergeOptions = { factor: true }): DelayMergeResult {
  const all = reachable(roots);
  const onCycle = new Set<Sig>();
  for (const s of all) if (s.kind === "rec") for (const m of groupMembers(s)) onCycle.add(m);
  // signals read through a delay (they have a line)
  const delayed = new Set<Sig>();
  const readers = new Map<Sig, number>(); // number of delays reading each signal
  for (const s of all)
    if (s.kind === "delay1" || s.kind === "delay") {
      delayed.add(s.x);
      readers.set(s.x, (readers.get(s.x) ?? 0) + 1);
    }
  const bounds = new Map<Sig, Bounds | undefined>();
  const what = new Map<Sig, "chain" | "factor">();

  const replace = (s: Sig): Sig | undefined => {
    const first = link(s, bounds);
    if (!first) return undefined;
    // (a), (b): walk down the chain while the links merge exactly
    let base = first.x;
    let lit = first.lit;
    let hi = first.hi;
    const vars: Sig[] = first.v ? [first.v] : [];
    let n = 1;
    for (;;) {
      const l = link(base, bounds);
      if (!l || hi + l.hi > INT_MAX) break;
      if ((l.v || vars.length) && onCycle.has(s)) break; // a variable amount on a cycle would make it instantaneous
      // an inner amount is read in the past ((x@d)@m at t is x[t-m-d[t-m]]): only one constant after init merges
      if (l.v && typeOf(l.v).variability !== "constant") break;
      base = l.x;
      lit += l.lit;
      hi += l.hi;
      if (l.v) vars.push(l.v);
      n++;
    }
    if (n >= 2) {
      what.set(s, "chain");
      // (x@a)@b = x@(a+b) for a, b ≥ 0 with no wrap-around (checked by the bounds)
      let amount: Sig | undefined = vars.length ? vars.reduce((acc, v) => sig.add(acc, v)) : undefined;
      if (lit) amount = amount ? sig.add(amount, sig.int(lit)) : sig.int(lit);
      return amount!.kind === "int" && amount!.value === 1 ? sig.delay1(base) : sig.delay(base, amount!);
    }
    if (!opts.factor) return undefined;
    // (c) only when the factor-free signal has its own line, which then serves both,
    // and when one delay reads the product (with several, each read would need its own product)
    const d = s as SigOf<"delay1" | "delay">;
    const x = d.x;
    if (readers.get(x) !== 1) return undefined;
    const make = (y: Sig) => (d.kind === "delay" ? sig.delay(y, (d as SigOf<"delay">).amount) : sig.delay1(y));
    if (x.kind === "floatcast" && delayed.has(x.x)) {
      what.set(s, "factor");
      // float(x)@n = float(x@n): float() of the zeros a line starts with is +0
      return sig.floatcast(make(x.x));
    }
    if (x.kind === "binop" && x.op === "mul") {
      const k = x.y.kind === "int" || x.y.kind === "float" ? x.y : x.x.kind === "int" || x.x.kind === "float" ? x.x : undefined;
      const y = k === x.y ? x.x : x.y;
      if (!k || !delayed.has(y)) return undefined;
      // a float product by k ≤ 0 turns the +0 a line starts with into -0 (or NaN for ±inf): not exact; int products are
      if (typeOf(x).nature === "float" && !(Number.isFinite(k.value) && k.value > 0)) return undefined;
      // int operand of a float product: the product converts it first, keep that
      if (typeOf(y).nature !== typeOf(x).nature) return undefined;
      what.set(s, "factor");
      // (y*k)@n = (y@n)*k: the same products at another time; k*(+0) = +0 for k > 0 (ints: exact)
      return k === x.y ? sig.mul(make(y), k) : sig.mul(k, make(y));
    }
    return undefined;
  };
  const before = lines(roots);
  const { roots: out, used } = substitute(roots, replace);
  const none = { "chains-merged": 0, "factors-moved": 0, "lines-merged": 0, "samples-saved": 0 };
  if (used.size === 0) return { roots: [...roots], stats: none };
  const after = lines(out);
  // keep the rewrite only when the program's delay memory does not grow
  if (before && after && after.memory > before.memory) return { roots: [...roots], stats: { ...none, "rejected-growth": 1 } };
  const count = (w: string) => [...used].filter((s) => what.get(s) === w).length;
  return {
    roots: out,
    stats: {
      "chains-merged": count("chain"),
      "factors-moved": count("factor"),
      "lines-merged": before && after ? before.count - after.count : 0,
      "samples-saved": before && after ? before.memory - after.memory : 0,
    },
  };
}

export const delayMergePass = definePass({
  name: "delay-merge",
  summary: "merges delay chains (constant, or variable with exact bounds) and moves constant factors and float() out of delays so lines are shared",
  options: { factor: boolOption(true, "move x*k (k > 0 constant) and float(x) out of a delay when x has a line of its own") },
  semantics: { exact: true },
  run(graph, _am, opts) {
    const r = delayMerge(graph.outputs, opts);
    return rewritten(graph, r.roots, [], r.stats);
  },
});

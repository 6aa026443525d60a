// Linear terms of a signal, for `fir-reveal` and `iir-reveal`: a float sum
// tree read as Σ c·base[n − lag] over "bases" (the signals the sum does not
// look into), with coefficients c = k·Π num / Π den: a literal k and factors
// that do not change at sample rate (constants, init-time expressions such as
// those of the sample rate, controls).
//
//   expandTerms(root, ctx) → Term[]     (left-to-right order of the sum)
//   buildSum(parts)                     rebuilds a sum of terms and filters
//
// Looked into (the "linear interior"):
//   add / sub of float nature             terms of both sides (sub negates the right side: exact)
//   mul of float nature by a literal       the other side's terms, times the literal (one literal
//                                          factor per term: a second one makes the product a base)
//   mul / div of a sample-rate float by a   the other side's terms, with the factor in num / den
//     non-sample-rate factor
//   delay1 x / delay(x, int k ≥ 0)         x's terms, lag + 1 / + k (any nature: the delay is exact)
//   fir(x, coefficients not sample-rate)   one term per tap (zero literal taps dropped)
// Below a delay, only time-invariant factors (literals, init-time values) move
// into a coefficient: a control read in the past is not the control now.
// A sum node used more than once stays a base unless it is the root
// (expanding it would duplicate work); delays, and products of a literal and a
// non-sum, are looked through even when shared (no arithmetic, or one
// multiplication, is duplicated). Everything else is a base.

import { typeOf } from "../src/core/signals/types.ts";
import { constantDelay, sig, type Sig } from "../src/core/signals/signal.ts";

export interface Term {
  readonly base: Sig;
  readonly lag: number;
  /** The literal part of the coefficient, sign included. */
  readonly coef: number;
  /** Non-literal factors of the coefficient (not sample-rate), multiplied / divided. */
  readonly num: readonly Sig[];
  readonly den: readonly Sig[];
  /** False for a bare (possibly negated) base: no multiplication in the source. */
  readonly scaled: boolean;
}

const isLit = (s: Sig): s is Extract<Sig, { kind: "int" | "float" }> => s.kind === "int" || s.kind === "float";
const isFloat = (s: Sig) => typeOf(s).nature === "float";
/** A coefficient factor: does not change at sample rate. */
const isFactor = (s: Sig) => typeOf(s).variability !== "sample";
const isSampleRate = (s: Sig) => typeOf(s).variability === "sample";

/** The delay amount of a delay node (undefined: not a constant delay). */
export function lagOf(s: Sig): number | undefined {
  return constantDelay(s)?.lag;
}

/** Is `s` a node the expansion looks into (ignoring fan-out)? */
export function isLinearInterior(s: Sig): boolean {
  switch (s.kind) {
    case "binop":
      if (!isFloat(s)) return false;
      if (s.op === "add" || s.op === "sub") return true;
      if (s.op === "mul") return isLit(s.x) !== isLit(s.y) || (isFactor(s.x) && isSampleRate(s.y)) || (isFactor(s.y) && isSampleRate(s.x));
      return s.op === "div" && isFactor(s.y) && isSampleRate(s.x);
    case "delay1":
    case "delay":
      return lagOf(s) !== undefined;
    case "fir":
      return isFloat(s) && s.coefs.every(isFactor);
    default:
      return false;
  }
}

export interface ExpandContext {
  /** Fan-out of each node in the original graph. */
  readonly uses: (s: Sig) => number;
  /** Nodes never looked into (e.g. the projection the IIR search isolates). */
  readonly stop?: (s: Sig) => boolean;
}

/**
 * A node cheap enough to look through even when shared: a constant delay, or
 * the product of a literal and a signal that is not a sum (one multiplication,
 * computed again by each sum that absorbs it).
 */
export function isCheapLinear(s: Sig): boolean {
  if (lagOf(s) !== undefined) return true;
  if (s.kind !== "binop" || (s.op !== "mul" && s.op !== "div") || !isLinearInterior(s)) return false;
  let t = s.op === "div" ? s.x : isLit(s.x) || isFactor(s.x) ? s.y : s.x;
  for (let d = constantDelay(t); d; d = constantDelay(t)) t = d.x;
  return !isLinearInterior(t);
}

/** Can the expansion look into `s` when it is not the root? */
function expandable(s: Sig, ctx: ExpandContext): boolean {
  if (ctx.stop?.(s) || !isLinearInterior(s)) return false;
  return isCheapLinear(s) || ctx.uses(s) <= 1;
}

/** The terms of `root`, left to right (explicit stack: long chains are fine). */
export function expandTerms(root: Sig, ctx: ExpandContext): Term[] {
  const out: Term[] = [];
  type Item = { s: Sig; coef: number; num: readonly Sig[]; den: readonly Sig[]; scaled: boolean; lag: number; root: boolean };
  const stack: Item[] = [{ s: root, coef: 1, num: [], den: [], scaled: false, lag: 0, root: true }];
  while (stack.length) {
    const it = stack.pop()!;
    const { s, coef, num, den, scaled, lag } = it;
    const leaf = () => out.push({ base: s, lag, coef, num, den, scaled });
    if (!(it.root ? isLinearInterior(s) && !ctx.stop?.(s) : expandable(s, ctx))) {
      leaf();
      continue;
    }
    if (s.kind === "binop" && (s.op === "add" || s.op === "sub")) {
      // pushed right first: popped left first
      stack.push({ ...it, s: s.y, coef: s.op === "sub" ? -coef : coef, root: false });
      stack.push({ ...it, s: s.x, root: false });
    } else if (s.kind === "binop" && s.op === "div") {
      // below a delay a factor is read in the past: only a time-invariant one can move out
      if (lag > 0 && !isTimeInvariant(s.y)) leaf();
      else stack.push({ ...it, s: s.x, den: [...den, s.y], root: false });
    } else if (s.kind === "binop" && (isLit(s.x) || isLit(s.y))) {
      const [k, t] = isLit(s.x) ? [s.x, s.y] : [s.y as Extract<Sig, { kind: "int" | "float" }>, s.x];
      if (scaled) leaf();
      else stack.push({ ...it, s: t, coef: coef * k.value, scaled: true, root: false });
    } else if (s.kind === "binop") {
      const [f, t] = isFactor(s.x) && isSampleRate(s.y) ? [s.x, s.y] : [s.y, s.x];
      if (lag > 0 && !isTimeInvariant(f)) leaf();
      else stack.push({ ...it, s: t, num: [...num, f], root: false });
    } else if (s.kind === "fir") {
      if (scaled || (lag > 0 && !s.coefs.every(isTimeInvariant))) {
        leaf();
        continue;
      }
      for (let k = s.coefs.length - 1; k >= 0; k--) {
        const c = s.coefs[k]!;
        if (isLit(c) && c.value === 0) continue; // a zero tap (0·x, as the gaps fir-reveal fills)
        if (isLit(c)) stack.push({ ...it, s: s.x, coef: coef * c.value, scaled: true, lag: lag + k, root: false });
        else stack.push({ ...it, s: s.x, num: [...num, c], lag: lag + k, root: false });
      }
    } else {
      const d = constantDelay(s)!;
      stack.push({ ...it, s: d.x, lag: lag + d.lag, root: false });
    }
  }
  return out;
}

/** A coefficient: a literal, or a signal that does not change at sample rate. */
export type Coef = number | Sig;

const asFloat = (s: Sig) => (isFloat(s) ? s : sig.floatcast(s));

/** The coefficient of one term as a value: k·Π num / Π den (int factors converted to float). */
export function termCoef(t: Term): Coef {
  if (t.num.length === 0 && t.den.length === 0) return t.coef;
  let e: Sig | undefined;
  for (const f of t.num) e = e === undefined ? asFloat(f) : sig.mul(e, asFloat(f));
  for (const f of t.den) e = sig.div(e ?? sig.float(1), asFloat(f));
  return t.coef === 1 ? e! : sig.mul(sig.float(t.coef), e!);
}

/** Sum of coefficients (literals added as numbers, others with add). */
export function addCoefs(a: Coef, b: Coef): Coef {
  if (typeof a === "number" && typeof b === "number") return a + b;
  return sig.add(coefSignal(a), coefSignal(b));
}
export const coefSignal = (c: Coef): Sig => (typeof c === "number" ? sig.float(c) : c);
/** −c (negation is exact). */
export const negCoef = (c: Coef): Coef => {
  if (typeof c === "number") return -c;
  // −(−1·e) = e
  if (c.kind === "binop" && c.op === "mul" && c.x.kind === "float" && c.x.value === -1 && isFloat(c.y)) return c.y;
  return sig.mul(sig.float(-1), c);
};
/** Does the coefficient stay the same at every sample (so a filter commutes with a delay)? */
export const isTimeInvariant = (c: Coef): boolean => typeof c === "number" || typeOf(c).variability === "constant";

/** Taps of one base: lag → coefficient (equal lags summed). */
export function tapsOf(terms: readonly Term[]): Map<number, Coef> {
  const m = new Map<number, Coef>();
  for (const t of terms) {
    const c = termCoef(t);
    const prev = m.get(t.lag);
    m.set(t.lag, prev === undefined ? c : addCoefs(prev, c));
  }
  return m;
}

/**
 * Dense coefficients from lag `from` (default: the smallest lag) to the largest;
 * undefined when more than half would be zero gaps.
 */
export function denseTaps(taps: ReadonlyMap<number, Coef>, from?: number): { readonly lag: number; readonly coefs: Coef[] } | undefined {
  const lags = [...taps.keys()];
  const lo = from ?? Math.min(...lags);
  const hi = Math.max(...lags);
  const len = hi - lo + 1;
  if (len - taps.size > taps.size) return undefined;
  const coefs = Array.from({ length: len }, (_, i) => taps.get(lo + i) ?? 0);
  return { lag: lo, coefs };
}

/**
 * Terms with the same base and lag merged (coefficients added; in the order of
 * their first appearance), and literal-zero results dropped: x·a − x·a is 0
 * as in the source, whatever the rest of the sum.
 */
export function combineTerms(terms: readonly Term[]): Term[] {
  const groups = new Map<Sig, Map<number, Term[]>>();
  const order: Term[][] = [];
  for (const t of terms) {
    let byLag = groups.get(t.base);
    if (!byLag) groups.set(t.base, (byLag = new Map()));
    let g = byLag.get(t.lag);
    if (!g) {
      byLag.set(t.lag, (g = []));
      order.push(g);
    }
    g.push(t);
  }
  const out: Term[] = [];
  for (const g of order) {
    if (g.length === 1) {
      out.push(g[0]!);
      continue;
    }
    const c = g.map(termCoef).reduce(addCoefs);
    const { base, lag } = g[0]!;
    if (typeof c === "number") {
      if (c !== 0) out.push({ base, lag, coef: c, num: [], den: [], scaled: true });
    } else out.push({ base, lag, coef: 1, num: [c], den: [], scaled: false });
  }
  return out;
}

/** One term as a signal: base, delayed, times its coefficient (a bare base keeps its sign as add/sub in `buildSum`). */
function termSignal(t: Term): Sig {
  const d = sig.delayBy(t.base, t.lag);
  let e = t.scaled || t.coef !== 1 ? sig.mul(d, sig.float(t.coef)) : d;
  for (const f of t.num) e = sig.mul(e, f);
  for (const f of t.den) e = sig.div(e, f);
  return e;
}

/** A sum of parts: signals, or single terms (bare ±1 terms are added or subtracted without a product). */
export function buildSum(parts: readonly (Sig | Term)[]): Sig {
  let acc: Sig | undefined;
  for (const p of parts) {
    if ("kind" in p) {
      acc = acc === undefined ? p : sig.add(acc, p);
    } else if (acc !== undefined && !p.scaled && p.coef === -1 && p.num.length === 0 && p.den.length === 0) {
      acc = sig.sub(acc, sig.delayBy(p.base, p.lag));
    } else {
      const s = termSignal(p);
      acc = acc === undefined ? s : sig.add(acc, s);
    }
  }
  return acc ?? sig.float(0);
}

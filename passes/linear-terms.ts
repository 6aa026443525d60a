// Linear terms of a signal, for `fir-reveal` and `iir-reveal`: a float sum
// tree read as Σ c·base[n − lag] over "bases" (the signals the sum does not
// look into), with constant coefficients c.
//
//   expandTerms(root, ctx) → Term[]     (left-to-right order of the sum)
//   buildSum(parts)                     rebuilds a sum of terms and filters
//
// Looked into (the "linear interior"):
//   add / sub of float nature             terms of both sides (sub negates the right side: exact)
//   mul of float nature by a literal       the other side's terms, times the literal (one literal
//                                          factor per term: a second one makes the product a base)
//   delay1 x / delay(x, int k ≥ 0)         x's terms, lag + 1 / + k (any nature: the delay is exact)
//   fir(x, literal coefficients)           one term per tap
// A sum node used more than once stays a base unless it is the root
// (expanding it would duplicate work); delays, and products of a literal and a
// non-sum, are looked through even when shared (no arithmetic, or one
// multiplication, is duplicated). Everything else is a base.

import { typeOf } from "../src/signals/types.ts";
import { sig, type Sig } from "../src/signals/signal.ts";

export interface Term {
  readonly base: Sig;
  readonly lag: number;
  /** The coefficient, sign included. */
  readonly coef: number;
  /** False for a bare (possibly negated) base: no multiplication in the source. */
  readonly scaled: boolean;
}

const isLit = (s: Sig): s is Extract<Sig, { kind: "int" | "float" }> => s.kind === "int" || s.kind === "float";
const isFloat = (s: Sig) => typeOf(s).nature === "float";

/** The delay amount of a delay node (undefined: not a constant delay). */
export function lagOf(s: Sig): number | undefined {
  if (s.kind === "delay1") return 1;
  if (s.kind === "delay" && s.amount.kind === "int" && s.amount.value >= 0) return s.amount.value;
  return undefined;
}

/** Is `s` a node the expansion looks into (ignoring fan-out)? */
export function isLinearInterior(s: Sig): boolean {
  switch (s.kind) {
    case "binop":
      if (!isFloat(s)) return false;
      if (s.op === "add" || s.op === "sub") return true;
      return s.op === "mul" && isLit(s.x) !== isLit(s.y);
    case "delay1":
    case "delay":
      return lagOf(s) !== undefined;
    case "fir":
      return isFloat(s) && s.coefs.every(isLit);
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
  if (s.kind !== "binop" || s.op !== "mul" || !isLinearInterior(s)) return false;
  let t = isLit(s.x) ? s.y : s.x;
  while (lagOf(t) !== undefined) t = (t as Extract<Sig, { kind: "delay" | "delay1" }>).x;
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
  const stack: { s: Sig; coef: number; scaled: boolean; lag: number; root: boolean }[] = [{ s: root, coef: 1, scaled: false, lag: 0, root: true }];
  while (stack.length) {
    const { s, coef, scaled, lag, root: isRoot } = stack.pop()!;
    if (!(isRoot ? isLinearInterior(s) && !ctx.stop?.(s) : expandable(s, ctx))) {
      out.push({ base: s, lag, coef, scaled });
      continue;
    }
    if (s.kind === "binop" && (s.op === "add" || s.op === "sub")) {
      // pushed right first: popped left first
      stack.push({ s: s.y, coef: s.op === "sub" ? -coef : coef, scaled, lag, root: false });
      stack.push({ s: s.x, coef, scaled, lag, root: false });
    } else if (s.kind === "binop") {
      const [k, t] = isLit(s.x) ? [s.x, s.y] : [s.y as Extract<Sig, { kind: "int" | "float" }>, s.x];
      if (scaled) out.push({ base: s, lag, coef, scaled });
      else stack.push({ s: t, coef: coef * k.value, scaled: true, lag, root: false });
    } else if (s.kind === "fir") {
      if (scaled) {
        out.push({ base: s, lag, coef, scaled });
        continue;
      }
      for (let k = s.coefs.length - 1; k >= 0; k--) {
        const c = s.coefs[k]! as Extract<Sig, { kind: "int" | "float" }>;
        stack.push({ s: s.x, coef: coef * c.value, scaled: true, lag: lag + k, root: false });
      }
    } else {
      const d = lagOf(s)!;
      stack.push({ s: (s as Extract<Sig, { kind: "delay" | "delay1" }>).x, coef, scaled, lag: lag + d, root: false });
    }
  }
  return out;
}

export const delayBy = (x: Sig, k: number): Sig => (k === 0 ? x : k === 1 ? sig.delay1(x) : sig.delay(x, sig.int(k)));

/** Taps of one base: lag → coefficient (equal lags summed). */
export function tapsOf(terms: readonly Term[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const t of terms) m.set(t.lag, (m.get(t.lag) ?? 0) + t.coef);
  return m;
}

/** Dense coefficients from the smallest lag to the largest; undefined when more than half would be zero gaps. */
export function denseTaps(taps: ReadonlyMap<number, number>): { readonly lag: number; readonly coefs: number[] } | undefined {
  const lags = [...taps.keys()];
  const lo = Math.min(...lags);
  const hi = Math.max(...lags);
  const len = hi - lo + 1;
  if (len - taps.size > taps.size) return undefined;
  const coefs = Array.from({ length: len }, (_, i) => taps.get(lo + i) ?? 0);
  return { lag: lo, coefs };
}

/** One term as a signal: base, delayed, times its coefficient (a bare base keeps its sign as add/sub in `buildSum`). */
function termSignal(t: Term): Sig {
  const d = delayBy(t.base, t.lag);
  return t.scaled || t.coef !== 1 ? sig.mul(d, sig.float(t.coef)) : d;
}

/** A sum of parts: signals, or single terms (bare ±1 terms are added or subtracted without a product). */
export function buildSum(parts: readonly (Sig | Term)[]): Sig {
  let acc: Sig | undefined;
  for (const p of parts) {
    if ("kind" in p) {
      acc = acc === undefined ? p : sig.add(acc, p);
    } else if (acc !== undefined && !p.scaled && p.coef === -1) {
      acc = sig.sub(acc, delayBy(p.base, p.lag));
    } else {
      const s = !p.scaled && p.coef === 1 ? delayBy(p.base, p.lag) : termSignal(p);
      acc = acc === undefined ? s : sig.add(acc, s);
    }
  }
  return acc ?? sig.float(0);
}

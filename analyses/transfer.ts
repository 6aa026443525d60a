// `transfer`: the rational transfer function H(z) = B(z)/A(z) of every linear
// region (lti-regions.ts), from each region input to each region output, and
// the state-space form (A, B, C, D) of the whole region.
//
// Method (exact up to rounding, no polynomial fitting):
//   1. state space: one state per delay-line sample a[n-k] (k = 1 … the longest
//      lag of a), shared by every delay of the same signal; the members are
//      expressed, in their within-sample order, as linear combinations of the
//      states and the region inputs (the coefficients are the products of the
//      terms' factors); the next state of a[n-1] is a's combination, the next
//      of a[n-k] is a[n-k+1].
//   2. for each (input, output): keep the states that the input reaches and
//      that reach the output (structurally: no numerical cancellation), split
//      them into strongly connected components of the state graph (after a
//      permutation A is block triangular): each component with a cycle is a
//      section as the source wrote it (a recursion), and
//      A(z) = Π det(zI − A_section), each from an upper Hessenberg form
//      (delay-line chains already are; otherwise Householder reduction) by the
//      division-free Hessenberg recurrence.
//   3. B(z) = A(z)·H(z) truncated at degree n, from the Markov parameters
//      h_0 = D, h_k = C A^(k-1) B computed on the structure (accurate even when
//      B's coefficients are tiny, e.g. a narrow lowpass).
// Coefficients in z^-1: H = (b0 + b1 z^-1 + …) / (1 + a1 z^-1 + …).
//
// LTI regions are numeric (constant coefficients evaluated at the sample rate,
// 44100 Hz by default). LTV regions (block-rate coefficients) get symbolic
// coefficients: expressions over the graph's parameter nodes (`Expr`), which
// `exprToSig` turns back into signals, so the structure can be rebuilt with
// its parameters live. Symbolic transfers are limited to small pairs
// (`maxSymbolicStates`).

import { evaluate } from "../src/core/signals/evaluate.ts";
import { stronglyConnected, type SignalGraph } from "../src/core/signals/graph.ts";
import { sig, type RecSig, type Sig } from "../src/core/signals/signal.ts";
import { typeOf } from "../src/core/signals/types.ts";
import type { Analysis, PrintContext } from "./analysis.ts";
import type { LocalForm, Term } from "./linearity.ts";
import { ltiRegionsAnalysis, whyNotFactorable, type Region, type RegionsResult } from "./lti-regions.ts";
import { compareSignals } from "../src/core/signals/order.ts";

// ---------------------------------------------------------------------------
// Fields: numbers, and symbolic expressions over parameter nodes

/**
 * A symbolic coefficient: a Laurent polynomial in the graph's parameter nodes
 * (a sum of monomials `c × Π leaf^power`, powers in ℤ \\ {0}), kept in a
 * canonical form so that terms cancel exactly (b1 − b0·a1 + a1·b0 = b1).
 * Division is only ever by a number or a monomial (the factors of a term and
 * Faddeev–LeVerrier's integers), so the form is closed under what we need.
 */
export interface Expr {
  readonly terms: readonly Mono[];
}
export interface Mono {
  readonly c: number;
  /** [leaf, power], sorted by the leaf's id. */
  readonly f: readonly (readonly [Sig, number])[];
}

interface Field<T> {
  readonly zero: T;
  readonly one: T;
  num(v: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  isZero(a: T): boolean;
}

const NUM: Field<number> = {
  zero: 0,
  one: 1,
  num: (v) => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  isZero: (a) => a === 0,
};

/** Symbolic coefficients larger than this many monomials are given up (they grow multiplicatively). */
const MAX_TERMS = 256;
/** The symbolic algebra gives up on a coefficient (too many terms, or a division it cannot express); the region gets no symbolic form. */
class SymbolicGiveUp extends Error {
  constructor(readonly reason: string = `coefficients of more than ${MAX_TERMS} terms`) {
    super(reason);
  }
}

/** Monomials by their factors in structural order, then powers. */
function compareMonos(a: Mono, b: Mono): number {
  for (let i = 0; i < Math.min(a.f.length, b.f.length); i++) {
    const c = compareSignals(a.f[i]![0], b.f[i]![0]) || a.f[i]![1] - b.f[i]![1];
    if (c) return c;
  }
  return a.f.length - b.f.length;
}
/** Identity of a monomial's factors (node identity within this process). */
const monoKey = (m: Mono) => m.f.map(([s, p]) => `${s.id}^${p}`).join("*");
function normalizeTerms(ms: Iterable<Mono>): Expr {
  const acc = new Map<string, Mono>();
  for (const m of ms) {
    if (m.c === 0) continue;
    const k = monoKey(m);
    const o = acc.get(k);
    acc.set(k, o ? { c: o.c + m.c, f: m.f } : m);
  }
  if (acc.size > MAX_TERMS) throw new SymbolicGiveUp();
  // in a structural order (never by node id: the printed and rebuilt coefficients must not depend on the process's history)
  const terms = [...acc.entries()]
    .filter(([, m]) => m.c !== 0)
    .sort((x, y) => compareMonos(x[1], y[1]) || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    .map(([, m]) => m);
  return { terms };
}
function mulMono(a: Mono, b: Mono, sign: 1 | -1 = 1): Mono {
  const pw = new Map<Sig, number>();
  for (const [s, p] of a.f) pw.set(s, (pw.get(s) ?? 0) + p);
  for (const [s, p] of b.f) pw.set(s, (pw.get(s) ?? 0) + sign * p);
  const f = [...pw].filter(([, p]) => p !== 0).sort((x, y) => compareSignals(x[0], y[0]) || x[0].id - y[0].id);
  return { c: sign === 1 ? a.c * b.c : a.c / b.c, f };
}
const num = (v: number): Expr => normalizeTerms([{ c: v, f: [] }]);
const leaf = (s: Sig): Expr => ({ terms: [{ c: 1, f: [[s, 1]] }] });

const SYM: Field<Expr> = {
  zero: { terms: [] },
  one: num(1),
  num,
  add: (a, b) => normalizeTerms([...a.terms, ...b.terms]),
  sub: (a, b) => normalizeTerms([...a.terms, ...b.terms.map((m) => ({ c: -m.c, f: m.f }))]),
  mul: (a, b) => {
    if (a.terms.length * b.terms.length > 16 * MAX_TERMS) throw new SymbolicGiveUp();
    return normalizeTerms(a.terms.flatMap((x) => b.terms.map((y) => mulMono(x, y))));
  },
  div: (a, b) => {
    if (b.terms.length !== 1) throw new SymbolicGiveUp("a division by a sum of controls");
    const d = b.terms[0]!;
    return normalizeTerms(a.terms.map((x) => mulMono(x, d, -1)));
  },
  isZero: (a) => a.terms.length === 0,
};

/** An expression as a signal (numbers become float constants; leaves are the graph's own nodes). */
export function exprToSig(e: Expr): Sig {
  let sum: Sig | undefined;
  for (const m of e.terms) {
    let t: Sig | undefined = m.c === 1 && m.f.length ? undefined : sig.float(m.c);
    for (const [s, p] of m.f) for (let k = 0; k < Math.abs(p); k++) t = p > 0 ? (t ? sig.mul(t, s) : s) : sig.div(t ?? sig.float(1), s);
    sum = sum ? sig.add(sum, t!) : t!;
  }
  return sum ?? sig.float(0);
}

/** The value of an expression given the values of its leaves. */
export function evalExpr(e: Expr, value: (s: Sig) => number): number {
  let sum = 0;
  for (const m of e.terms) sum += m.f.reduce((acc, [s, p]) => acc * value(s) ** p, m.c);
  return sum;
}

// ---------------------------------------------------------------------------
// Results

export interface Section<T> {
  /** det(zI − A_section) as coefficients of z^-k (a[0] = 1), trailing zeros dropped. */
  readonly a: readonly T[];
  /** The recursion groups whose delay lines hold the section's states. */
  readonly groups: readonly RecSig[];
  readonly states: number;
}

export interface PairTransfer<T> {
  readonly input: Sig;
  readonly output: Sig;
  readonly inputIndex: number;
  readonly outputIndex: number;
  /** Numerator coefficients of z^-k. */
  readonly b: readonly T[];
  /** Denominator coefficients of z^-k, a[0] = 1, trailing zeros dropped. */
  readonly a: readonly T[];
  /** The recursive sections (in the order of their states), whose product is A. */
  readonly sections: readonly Section<T>[];
  /** States on paths from the input to the output. */
  readonly states: number;
  /**
   * H as the source factors it: a cascade of stages (cut at the signals every
   * path from the input to the output goes through), each with at most one
   * group of recursive sections; Π b / Π a is (b, a). Evaluating the cascade
   * is well conditioned where the expanded polynomials are not (high orders,
   * poles and zeros near z = 1).
   */
  readonly stages: readonly Stage<T>[];
}

export interface Stage<T> {
  readonly b: readonly T[];
  readonly a: readonly T[];
  readonly sections: readonly Section<T>[];
}

/** x[n+1] = A x[n] + B u[n], y[n] = C x[n] + D u[n] (dense, numeric). */
export interface StateSpace {
  readonly A: readonly (readonly number[])[];
  readonly B: readonly (readonly number[])[];
  readonly C: readonly (readonly number[])[];
  readonly D: readonly (readonly number[])[];
}

export type RegionTransfer =
  | {
      readonly region: Region;
      readonly kind: "lti";
      readonly pairs: readonly PairTransfer<number>[];
      /** Dense (A, B, C, D); only for regions of at most 64 states. */
      readonly stateSpace: StateSpace | undefined;
      readonly states: number;
    }
  | { readonly region: Region; readonly kind: "ltv"; readonly pairs: readonly PairTransfer<Expr>[]; readonly states: number }
  | { readonly region: Region; readonly kind: "none"; readonly reason: string };

export interface TransferOptions {
  readonly sampleRate?: number;
  /** Regions with more delay-line states get no transfer function. */
  readonly maxStates?: number;
  /** LTV stages (a recursion and what follows it) with more states get no symbolic transfer function. */
  readonly maxSymbolicStates?: number;
  /** Regions with more members, or more (input, output) pairs, get none either (bounded time and memory). */
  readonly maxMembers?: number;
  readonly maxPairs?: number;
}

export const DEFAULT_SAMPLE_RATE = 44100;

// ---------------------------------------------------------------------------
// State space over a field

type Row<T> = Map<number, T>;
interface Combo<T> {
  readonly st: Row<T>;
  readonly inp: Row<T>;
}

interface System<T> {
  /** Per state: its next value. */
  readonly next: readonly Combo<T>[];
  /** Per region output. */
  readonly out: readonly Combo<T>[];
  /** Per state: the delayed signal and lag. */
  readonly stateOf: readonly { readonly x: Sig; readonly lag: number }[];
}

function addScaled<T>(F: Field<T>, into: Row<T>, from: Row<T>, c: T): void {
  for (const [k, v] of from) {
    const p = into.get(k);
    into.set(k, p === undefined ? F.mul(c, v) : F.add(p, F.mul(c, v)));
  }
}

type Cut = Pick<Region, "members" | "inputs" | "outputs">;

/** The lag of a term: its literal, or the value of its constant delay amount (as the evaluator reads it: int, at least 0). */
type LagOf = (t: Term) => number;

function buildSystem<T>(F: Field<T>, region: Cut, forms: ReadonlyMap<Sig, LocalForm>, coef: (t: Term) => T, lagOf: LagOf, maxStates: number): System<T> | string {
  const members = new Set(region.members);
  const inputIndex = new Map(region.inputs.map((x, i) => [x, i] as const));
  // longest lag of every delayed signal, in member order
  const maxLag = new Map<Sig, number>();
  for (const m of region.members) for (const t of forms.get(m)!.terms) if (lagOf(t) > 0) maxLag.set(t.x, Math.max(maxLag.get(t.x) ?? 0, lagOf(t)));
  let n = 0;
  const base = new Map<Sig, number>();
  const stateOf: { x: Sig; lag: number }[] = [];
  for (const [x, k] of maxLag) {
    if (n + k > maxStates) return `${n + k}+ delay-line states (more than ${maxStates})`;
    base.set(x, n);
    for (let j = 1; j <= k; j++) stateOf.push({ x, lag: j });
    n += k;
  }
  // within-sample order of the members (lag-0 terms first), explicit stack
  const combos = new Map<Sig, Combo<T>>();
  const comboOf = (root: Sig): Combo<T> => {
    const stack: [Sig, boolean][] = [[root, false]];
    while (stack.length) {
      const [s, ready] = stack.pop()!;
      if (combos.has(s)) continue;
      const f = forms.get(s)!;
      if (!ready) {
        stack.push([s, true]);
        for (const t of f.terms) if (lagOf(t) === 0 && members.has(t.x) && !combos.has(t.x)) stack.push([t.x, false]);
        continue;
      }
      const c: Combo<T> = { st: new Map(), inp: new Map() };
      for (const t of f.terms) {
        const k = coef(t);
        const lag = lagOf(t);
        if (lag > 0) addScaled(F, c.st, new Map([[base.get(t.x)! + lag - 1, F.one]]), k);
        else if (members.has(t.x)) {
          const d = combos.get(t.x)!;
          addScaled(F, c.st, d.st, k);
          addScaled(F, c.inp, d.inp, k);
        } else addScaled(F, c.inp, new Map([[inputIndex.get(t.x)!, F.one]]), k);
      }
      combos.set(s, c);
    }
    return combos.get(root)!;
  };
  const next: Combo<T>[] = [];
  for (const [x, k] of maxLag) {
    next.push(members.has(x) ? comboOf(x) : { st: new Map(), inp: new Map([[inputIndex.get(x)!, F.one]]) });
    for (let j = 2; j <= k; j++) next.push({ st: new Map([[base.get(x)! + j - 2, F.one]]), inp: new Map() });
  }
  const out = region.outputs.map(comboOf);
  return { next, out, stateOf };
}

// ---------------------------------------------------------------------------
// Polynomials (coefficient arrays, highest power first for det(zI − A), which
// read as z^-k coefficients are the same array)

function polyMul<T>(F: Field<T>, p: readonly T[], q: readonly T[]): T[] {
  const r: T[] = Array.from({ length: p.length + q.length - 1 }, () => F.zero);
  for (let i = 0; i < p.length; i++) {
    if (F.isZero(p[i]!)) continue;
    for (let j = 0; j < q.length; j++) if (!F.isZero(q[j]!)) r[i + j] = F.add(r[i + j]!, F.mul(p[i]!, q[j]!));
  }
  return r;
}

/** det(λI − H) for an upper Hessenberg H (dense rows), by the division-free recurrence on leading blocks. */
function hessenbergCharpoly<T>(F: Field<T>, H: readonly (readonly T[])[]): T[] {
  const m = H.length;
  const p: T[][] = [[F.one]];
  for (let k = 1; k <= m; k++) {
    // p_k = (λ − h_kk) p_{k−1} − Σ_{i<k} h_ik (Π_{j=i+1..k} h_{j,j−1}) p_{i−1}   (1-based)
    const prev = p[k - 1]!;
    const r: T[] = [...prev, F.zero];
    const hkk = H[k - 1]![k - 1]!;
    if (!F.isZero(hkk)) for (let d = 0; d < prev.length; d++) r[d + 1] = F.sub(r[d + 1]!, F.mul(hkk, prev[d]!));
    let prod = F.one;
    for (let i = k - 1; i >= 1; i--) {
      prod = F.mul(prod, H[i]![i - 1]!);
      if (F.isZero(prod)) break;
      const hik = H[i - 1]![k - 1]!;
      if (F.isZero(hik)) continue;
      const c = F.mul(hik, prod);
      const q = p[i - 1]!; // degree i−1, placed at the low end of r (degree k)
      const off = r.length - q.length;
      for (let d = 0; d < q.length; d++) r[off + d] = F.sub(r[off + d]!, F.mul(c, q[d]!));
    }
    p.push(r);
  }
  return p[m]!;
}

/** Householder reduction of a dense numeric matrix to upper Hessenberg form (a similarity: same eigenvalues). */
function toHessenberg(A: number[][]): number[][] {
  const n = A.length;
  const H = A.map((r) => [...r]);
  for (let k = 0; k < n - 2; k++) {
    let alpha = 0;
    for (let i = k + 1; i < n; i++) alpha += H[i]![k]! ** 2;
    alpha = Math.sqrt(alpha);
    if (alpha === 0) continue;
    const x1 = H[k + 1]![k]!;
    if (x1 > 0) alpha = -alpha;
    const v = new Array<number>(n).fill(0);
    v[k + 1] = x1 - alpha;
    for (let i = k + 2; i < n; i++) v[i] = H[i]![k]!;
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i]! ** 2;
    if (vv === 0) continue;
    // H ← (I − 2vvᵀ/vᵀv) H (I − 2vvᵀ/vᵀv)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i]! * H[i]![j]!;
      s = (2 * s) / vv;
      for (let i = k + 1; i < n; i++) H[i]![j] = H[i]![j]! - s * v[i]!;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += H[i]![j]! * v[j]!;
      s = (2 * s) / vv;
      for (let j = k + 1; j < n; j++) H[i]![j] = H[i]![j]! - s * v[j]!;
    }
    for (let i = k + 2; i < n; i++) H[i]![k] = 0;
  }
  return H;
}

/** det(λI − M) by Faddeev–LeVerrier (division by integers only: usable on symbolic entries). */
function leverrier<T>(F: Field<T>, M: readonly (readonly T[])[]): T[] {
  const n = M.length;
  const c: T[] = [F.one];
  let Mk: T[][] = M.map((r) => r.map((x) => x)); // M_1 = M
  for (let k = 1; k <= n; k++) {
    let tr = F.zero;
    for (let i = 0; i < n; i++) tr = F.add(tr, Mk[i]![i]!);
    const ck = F.div(F.sub(F.zero, tr), F.num(k));
    c.push(ck);
    if (k === n) break;
    // M_{k+1} = M (M_k + c_k I)
    const S = Mk.map((r, i) => r.map((x, j) => (i === j ? F.add(x, ck) : x)));
    Mk = M.map((r) => S[0]!.map((_, j) => r.reduce((acc, x, l) => (F.isZero(x) ? acc : F.add(acc, F.mul(x, S[l]![j]!))), F.zero)));
  }
  return c;
}

/** The largest strongly connected block reduced densely (Householder, O(n³)); delay-line chains never need it. */
const MAX_DENSE = 256;

const isUpperHessenberg = <T>(F: Field<T>, M: readonly (readonly T[])[]) => M.every((r, i) => r.every((x, j) => j >= i - 1 || F.isZero(x)));

/** Strongly connected components of the graph on `nodes` with edges `succ` (graph.ts's Tarjan walk), each sorted, by smallest member. */
function sccs(nodes: readonly number[], succ: (v: number) => Iterable<number>): number[][] {
  const out: number[][] = [];
  stronglyConnected<number>(nodes, (v) => [...succ(v)], (comp) => out.push(comp.sort((a, b) => a - b)));
  return out.sort((a, b) => a[0]! - b[0]!);
}

function trimZeros<T>(F: Field<T>, p: T[]): T[] {
  let n = p.length;
  while (n > 1 && F.isZero(p[n - 1]!)) n--;
  return p.slice(0, n);
}

function pairTransfer<T>(F: Field<T>, sys: System<T>, i: number, j: number, numeric: boolean, maxStates: number): Omit<PairTransfer<T>, "input" | "output" | "stages"> | string | undefined {
  const n = sys.next.length;
  // forward from the input, backward from the output
  const users: number[][] = Array.from({ length: n }, () => []);
  for (let t = 0; t < n; t++) for (const s of sys.next[t]!.st.keys()) users[s]!.push(t);
  const fwd = new Set<number>();
  const stack: number[] = [];
  for (let t = 0; t < n; t++) if (sys.next[t]!.inp.has(i)) (fwd.add(t), stack.push(t));
  while (stack.length) for (const u of users[stack.pop()!]!) if (!fwd.has(u)) (fwd.add(u), stack.push(u));
  const bwd = new Set<number>();
  for (const s of sys.out[j]!.st.keys()) if (!bwd.has(s)) (bwd.add(s), stack.push(s));
  while (stack.length) for (const s of sys.next[stack.pop()!]!.st.keys()) if (!bwd.has(s)) (bwd.add(s), stack.push(s));
  const rel = [...fwd].filter((t) => bwd.has(t)).sort((a, b) => a - b);
  const d = sys.out[j]!.inp.get(i);
  if (rel.length === 0 && d === undefined) return undefined; // no path
  if (rel.length > maxStates) return `${rel.length} states from input to output (more than ${maxStates})`;
  const relSet = new Set(rel);
  const comps = sccs(rel, (t) => [...sys.next[t]!.st.keys()].filter((s) => relSet.has(s)));
  let a: T[] = [F.one];
  let delays = 0;
  const sections: Section<T>[] = [];
  for (const comp of comps) {
    const cyclic = comp.length > 1 || sys.next[comp[0]!]!.st.has(comp[0]!);
    if (!cyclic) {
      delays++; // a state on no loop: a factor z of det(zI − A), a trailing 0 in z^-1
      continue;
    }
    const M: T[][] = comp.map((t) => comp.map((s) => sys.next[t]!.st.get(s) ?? F.zero));
    let cp: T[];
    if (isUpperHessenberg(F, M)) cp = hessenbergCharpoly(F, M);
    else if (numeric) {
      if (comp.length > MAX_DENSE) return `a feedback loop of ${comp.length} coupled states (more than ${MAX_DENSE})`;
      cp = hessenbergCharpoly(F, toHessenberg(M as unknown as number[][]) as unknown as T[][]);
    } else cp = leverrier(F, M);
    a = polyMul(F, a, cp);
    if (cyclic) {
      const groups: RecSig[] = [];
      for (const t of comp) {
        const x = sys.stateOf[t]!.x;
        if (x.kind === "proj" && !groups.includes(x.group)) groups.push(x.group);
      }
      sections.push({ a: trimZeros(F, cp), groups, states: comp.length });
    }
  }
  for (let k = 0; k < delays; k++) a.push(F.zero);
  // Markov parameters h_0 = D, h_k = C A^(k−1) B over the relevant states
  const m = rel.length;
  const h: T[] = [d ?? F.zero];
  let v = new Map<number, T>();
  for (const t of rel) {
    const x = sys.next[t]!.inp.get(i);
    if (x !== undefined) v.set(t, x);
  }
  const C = sys.out[j]!.st;
  for (let k = 1; k <= m; k++) {
    let y = F.zero;
    for (const [t, x] of v) {
      const c = C.get(t);
      if (c !== undefined) y = F.add(y, F.mul(c, x));
    }
    h.push(y);
    if (k === m) break;
    // v ← A v, propagated from v's nonzero entries to the states that read them
    const nv = new Map<number, T>();
    for (const [s, x] of v) {
      if (F.isZero(x)) continue; // keeps v sparse: an impulse travelling down a delay line is one entry
      for (const t of users[s]!) {
        if (!relSet.has(t)) continue;
        const c = sys.next[t]!.st.get(s)!;
        const p = nv.get(t);
        nv.set(t, p === undefined ? F.mul(c, x) : F.add(p, F.mul(c, x)));
      }
    }
    v = nv;
  }
  const b: T[] = [];
  const bound: number[] = []; // Σ |a_q h_(k−q)|: the scale of b_k's rounding error
  for (let k = 0; k <= m; k++) {
    let acc = F.zero;
    let sc = 0;
    for (let q = 0; q <= k; q++)
      if (!F.isZero(a[q]!) && !F.isZero(h[k - q]!)) {
        const t = F.mul(a[q]!, h[k - q]!);
        acc = F.add(acc, t);
        if (numeric) sc += Math.abs(t as unknown as number);
      }
    b.push(acc);
    bound.push(sc);
  }
  const aa = trimZeros(F, a);
  let bb = trimZeros(F, b);
  if (numeric) {
    // a coefficient within rounding of the terms it sums is a cancellation (exactly zero in exact
    // arithmetic: an all-pole section's b1 = a1·h0 + h1, the residue of a pure delay's state): 0
    const nb = (bb as unknown as number[]).map((x, k) => (Math.abs(x) <= 64 * (m + 1) * Number.EPSILON * bound[k]! ? 0 : x));
    bb = trimZeros(F, nb as unknown as T[]);
  }
  return { inputIndex: i, outputIndex: j, b: bb, a: aa, sections, states: m };
}

/**
 * The signals every path from `u` to `o` goes through, from u to o (both
 * included; empty when there is no path), in the flow graph of the region (operand → member edges, delayed
 * or not). Iterative dominators (Cooper, Harvey, Kennedy) over the nodes on
 * paths from u to o.
 */
function dominatorChain(region: Cut, forms: ReadonlyMap<Sig, LocalForm>, u: Sig, o: Sig): Sig[] {
  const members = new Set(region.members);
  const users = new Map<Sig, Sig[]>();
  const preds = (m: Sig): Sig[] => (members.has(m) ? forms.get(m)!.terms.map((t) => t.x) : []);
  for (const m of region.members)
    for (const x of preds(m)) {
      let l = users.get(x);
      if (!l) users.set(x, (l = []));
      if (!l.includes(m)) l.push(m);
    }
  const bwd = new Set<Sig>([o]);
  const st = [o];
  while (st.length) for (const x of preds(st.pop()!)) if (!bwd.has(x)) (bwd.add(x), st.push(x));
  if (!bwd.has(u)) return []; // no path
  // reverse postorder from u over nodes that reach o
  const post: Sig[] = [];
  const seen = new Set<Sig>([u]);
  const frames: [Sig, Sig[], number][] = [[u, (users.get(u) ?? []).filter((x) => bwd.has(x)), 0]];
  while (frames.length) {
    const f = frames[frames.length - 1]!;
    if (f[2] < f[1].length) {
      const w = f[1][f[2]++]!;
      if (!seen.has(w)) (seen.add(w), frames.push([w, (users.get(w) ?? []).filter((x) => bwd.has(x)), 0]));
    } else (frames.pop(), post.push(f[0]));
  }
  const rpo = post.reverse();
  const num = new Map(rpo.map((s, k) => [s, k] as const));
  const idom = new Map<Sig, Sig>([[u, u]]);
  const intersect = (a: Sig, b: Sig) => {
    while (a !== b) {
      while (num.get(a)! > num.get(b)!) a = idom.get(a)!;
      while (num.get(b)! > num.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const v of rpo) {
      if (v === u) continue;
      let d: Sig | undefined;
      for (const p of preds(v)) if (idom.has(p) && num.has(p)) d = d === undefined ? p : intersect(p, d);
      if (d !== undefined && idom.get(v) !== d) (idom.set(v, d), (changed = true));
    }
  }
  const chain = [o];
  for (let v = o; v !== u; ) {
    v = idom.get(v)!;
    chain.push(v);
  }
  // a node on a feedback loop is no cut: its value depends on what follows it
  const idx = new Map(rpo.map((x, k) => [x, k] as const));
  const cyclic = new Set<Sig>();
  for (const comp of sccs(
    rpo.map((_, k) => k),
    (k) => (users.get(rpo[k]!) ?? []).filter((w) => idx.has(w)).map((w) => idx.get(w)!),
  ))
    if (comp.length > 1 || (users.get(rpo[comp[0]!]!) ?? []).includes(rpo[comp[0]!]!)) for (const k of comp) cyclic.add(rpo[k]!);
  return chain.reverse().filter((x) => x === u || x === o || !cyclic.has(x));
}

/** The transfer from `u` to `o` as a cascade of stages cut at the dominator chain. */
function factoredPair<T>(
  F: Field<T>,
  region: Cut,
  forms: ReadonlyMap<Sig, LocalForm>,
  coef: (t: Term) => T,
  lagOf: LagOf,
  u: Sig,
  o: Sig,
  numeric: boolean,
  maxStates: number,
): Stage<T>[] | string {
  const chain = dominatorChain(region, forms, u, o);
  const members = new Set(region.members);
  const users = new Map<Sig, Sig[]>();
  for (const m of region.members)
    for (const t of forms.get(m)!.terms) {
      let l = users.get(t.x);
      if (!l) users.set(t.x, (l = []));
      l.push(m);
    }
  const segs: (Stage<T> & { readonly from: Sig })[] = [];
  for (let k = 0; k + 1 < chain.length; k++) {
    const c = chain[k]!, d = chain[k + 1]!;
    // members on paths c → d that do not come back through c
    const bwd = new Set<Sig>([d]);
    const st = [d];
    while (st.length) {
      const s = st.pop()!;
      if (s === c || !members.has(s)) continue;
      for (const t of forms.get(s)!.terms) if (!bwd.has(t.x)) (bwd.add(t.x), st.push(t.x));
    }
    const fwd = new Set<Sig>();
    st.push(c);
    while (st.length) for (const w of users.get(st.pop()!) ?? []) if (!fwd.has(w) && bwd.has(w)) (fwd.add(w), st.push(w));
    fwd.delete(c);
    if (!fwd.has(d)) return []; // no path from c to d
    const segMembers = region.members.filter((m) => fwd.has(m));
    const inputs: Sig[] = [];
    for (const m of segMembers) for (const t of forms.get(m)!.terms) if (!fwd.has(t.x) && !inputs.includes(t.x)) inputs.push(t.x);
    const sys = buildSystem(F, { members: segMembers, inputs, outputs: [d] }, forms, coef, lagOf, maxStates);
    if (typeof sys === "string") return sys;
    const p = pairTransfer(F, sys, inputs.indexOf(c), 0, numeric, maxStates);
    if (typeof p === "string") return p;
    if (p) segs.push({ b: p.b, a: p.a, sections: p.sections, from: c });
  }
  // one stage per recursive segment, with the non-recursive segments after it (those before the first, with it);
  // a new stage also starts at another output of the region (so paths through it share its stages exactly)
  const outputs = new Set(region.outputs);
  const stages: { b: T[]; a: T[]; sections: Section<T>[] }[] = [];
  for (const sg of segs) {
    const last = stages[stages.length - 1];
    if (!last || (sg.a.length > 1 && last.a.length > 1) || (sg.from !== u && outputs.has(sg.from))) stages.push({ b: [...sg.b], a: [...sg.a], sections: [...sg.sections] });
    else {
      last.b = polyMul(F, last.b, sg.b);
      last.a = polyMul(F, last.a, sg.a);
      last.sections.push(...sg.sections);
    }
  }
  return stages;
}

/** The pair's (b, a) as the products of its stages (better conditioned than one polynomial fit over the whole). */
function fromStages<T>(F: Field<T>, whole: Omit<PairTransfer<T>, "input" | "output" | "stages">, stages: readonly Stage<T>[], input: Sig, output: Sig): PairTransfer<T> {
  if (stages.length === 0) return { ...whole, input, output, stages: [{ b: whole.b, a: whole.a, sections: whole.sections }] };
  const b = trimZeros(F, stages.map((s) => [...s.b]).reduce((x, y) => polyMul(F, x, y)));
  const a = trimZeros(F, stages.map((s) => [...s.a]).reduce((x, y) => polyMul(F, x, y)));
  return { ...whole, b, a, sections: stages.flatMap((s) => s.sections), input, output, stages };
}

// ---------------------------------------------------------------------------
// The analysis

function evaluateConstants(nodes: readonly Sig[], sampleRate: number): Map<Sig, number> {
  const vals = new Map<Sig, number>();
  if (nodes.length === 0) return vals;
  const out = evaluate(nodes, { samples: 1, sampleRate });
  nodes.forEach((s, k) => vals.set(s, out[k]![0]!));
  return vals;
}

/** The transfer functions of the linear regions. */
export function computeTransfer(regions: RegionsResult, opts: TransferOptions = {}): RegionTransfer[] {
  const sampleRate = opts.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const maxStates = opts.maxStates ?? 2048;
  const maxSym = opts.maxSymbolicStates ?? 16;
  const out: RegionTransfer[] = [];
  const maxMembers = opts.maxMembers ?? 4096;
  const maxPairs = opts.maxPairs ?? 1024;
  for (const region of regions.regions) {
    if (region.members.length > maxMembers) {
      out.push({ region, kind: "none", reason: `${region.members.length} nodes (more than ${maxMembers})` });
      continue;
    }
    if (region.inputs.length * region.outputs.length > maxPairs) {
      out.push({ region, kind: "none", reason: `${region.inputs.length} inputs × ${region.outputs.length} outputs (more than ${maxPairs} paths)` });
      continue;
    }
    const factors = new Set<Sig>();
    for (const m of region.members)
      for (const t of regions.forms.get(m)!.terms) {
        for (const f of t.factors) if (typeOf(f.sig).variability === "constant") factors.add(f.sig);
        if (t.lagSig) factors.add(t.lagSig);
      }
    let values: Map<Sig, number>;
    try {
      values = evaluateConstants([...factors], sampleRate);
    } catch (e) {
      out.push({ region, kind: "none", reason: `a coefficient cannot be evaluated (${(e as Error).message.split("\n")[0]})` });
      continue;
    }
    if ([...values.values()].some((v) => !Number.isFinite(v))) {
      out.push({ region, kind: "none", reason: "a coefficient is not finite" });
      continue;
    }
    const lagOf: LagOf = (t) => (t.lagSig ? Math.max(0, values.get(t.lagSig)! | 0) : t.lag);
    if (region.kind === "lti") {
      const coef = (t: Term) => t.factors.reduce((acc, f) => (f.inverse ? acc / values.get(f.sig)! : acc * values.get(f.sig)!), t.sign as number);
      const sys = buildSystem(NUM, region, regions.forms, coef, lagOf, maxStates);
      if (typeof sys === "string") {
        out.push({ region, kind: "none", reason: sys });
        continue;
      }
      const pairs: PairTransfer<number>[] = [];
      let failure: string | undefined;
      for (let j = 0; j < region.outputs.length && !failure; j++)
        for (let i = 0; i < region.inputs.length; i++) {
          const p = pairTransfer(NUM, sys, i, j, true, maxStates);
          const stages = p && typeof p !== "string" ? factoredPair(NUM, region, regions.forms, coef, lagOf, region.inputs[i]!, region.outputs[j]!, true, maxStates) : undefined;
          if (typeof p === "string" || typeof stages === "string") {
            failure = typeof p === "string" ? p : (stages as string);
            break;
          }
          if (p) pairs.push(fromStages(NUM, p, stages!, region.inputs[i]!, region.outputs[j]!));
        }
      if (failure) out.push({ region, kind: "none", reason: failure });
      else out.push({ region, kind: "lti", pairs, stateSpace: sys.next.length <= 64 ? denseStateSpace(sys, region) : undefined, states: sys.next.length });
    } else {
      const coef = (t: Term) =>
        t.factors.reduce((acc: Expr, f) => {
          const e: Expr = values.has(f.sig) ? num(values.get(f.sig)!) : leaf(f.sig);
          return f.inverse ? SYM.div(acc, e) : SYM.mul(acc, e);
        }, num(t.sign));
      // no symbolic system for the whole region: each pair is computed stage by stage (the limit
      // on states applies to a stage), so a long ltv cascade of small sections still gets one
      let states = 0;
      const longest = new Map<Sig, number>();
      for (const m of region.members) for (const t of regions.forms.get(m)!.terms) longest.set(t.x, Math.max(longest.get(t.x) ?? 0, lagOf(t)));
      for (const k of longest.values()) states += k;
      const pairs: PairTransfer<Expr>[] = [];
      let failure: string | undefined;
      for (let j = 0; j < region.outputs.length && !failure; j++)
        for (let i = 0; i < region.inputs.length; i++) {
          let stages: Stage<Expr>[] | string;
          try {
            stages = factoredPair(SYM, region, regions.forms, coef, lagOf, region.inputs[i]!, region.outputs[j]!, false, maxSym);
          } catch (e) {
            if (!(e instanceof SymbolicGiveUp)) throw e;
            stages = e.reason;
          }
          if (typeof stages === "string") {
            failure = `ltv region with ${stages}: too large for a symbolic transfer function`;
            break;
          }
          if (stages.length === 0) continue; // no path
          const b = trimZeros(SYM, stages.map((x) => [...x.b]).reduce((x, y) => polyMul(SYM, x, y)));
          const a = trimZeros(SYM, stages.map((x) => [...x.a]).reduce((x, y) => polyMul(SYM, x, y)));
          pairs.push({ input: region.inputs[i]!, output: region.outputs[j]!, inputIndex: i, outputIndex: j, b, a, sections: stages.flatMap((x) => x.sections), states: a.length - 1, stages });
        }
      if (failure) out.push({ region, kind: "none", reason: failure });
      else out.push({ region, kind: "ltv", pairs, states });
    }
  }
  return out;
}

function denseStateSpace(sys: System<number>, region: Region): StateSpace {
  const n = sys.next.length, p = region.inputs.length;
  const row = (r: Row<number>, len: number) => Array.from({ length: len }, (_, k) => r.get(k) ?? 0);
  return {
    A: sys.next.map((c) => row(c.st, n)),
    B: sys.next.map((c) => row(c.inp, p)),
    C: sys.out.map((c) => row(c.st, n)),
    D: sys.out.map((c) => row(c.inp, p)),
  };
}

/** The first `n` samples of the impulse response of B(z)/A(z) (direct form, double). */
export function impulseResponse(b: readonly number[], a: readonly number[], n: number): Float64Array {
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let acc = t < b.length ? b[t]! : 0;
    for (let k = 1; k < a.length && k <= t; k++) acc -= a[k]! * y[t - k]!;
    y[t] = acc / a[0]!;
  }
  return y;
}

/** The impulse response of a cascade of stages (numerator, then recursion, stage after stage). */
export function impulseResponseStages(stages: readonly { readonly b: readonly number[]; readonly a: readonly number[] }[], n: number): Float64Array {
  let y = new Float64Array(n);
  y[0] = 1;
  for (const st of stages) {
    const x = y;
    const out = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      let acc = 0;
      for (let k = 0; k < st.b.length && k <= t; k++) acc += st.b[k]! * x[t - k]!;
      for (let k = 1; k < st.a.length && k <= t; k++) acc -= st.a[k]! * out[t - k]!;
      out[t] = acc;
    }
    y = out;
  }
  return y;
}

/**
 * The impulse response of B(z) / Π A_k(z): the numerator, then each section's
 * recursion in turn (the factored form, well conditioned where the expanded
 * A(z) of a high-order narrow filter is not). `rest` is what A(z) has beyond
 * the sections (pure delays: none, as they are trailing zeros).
 */
export function impulseResponseSections(b: readonly number[], sections: readonly { readonly a: readonly number[] }[], n: number): Float64Array {
  let y = impulseResponse(b, [1], n);
  for (const s of sections) {
    const x = y;
    const out = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      let acc = x[t]!;
      for (let k = 1; k < s.a.length && k <= t; k++) acc -= s.a[k]! * out[t - k]!;
      out[t] = acc;
    }
    y = out;
  }
  return y;
}

// ---------------------------------------------------------------------------
// Printing

/** A number with 12 significant digits (stable across machines). */
export function fmt(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(12)));
}

/** An expression as text: monomials by degree then by text, `c*%4*%7/%9`. */
export function printExpr(e: Expr, name: (s: Sig) => string): string {
  if (e.terms.length === 0) return "0";
  const monos = e.terms.map((m) => {
    const num = m.f.filter(([, p]) => p > 0).map(([s, p]) => name(s) + (p > 1 ? `^${p}` : ""));
    const den = m.f.filter(([, p]) => p < 0).map(([s, p]) => name(s) + (p < -1 ? `^${-p}` : ""));
    const mag = Math.abs(m.c);
    const head = num.length === 0 ? fmt(mag) : mag === 1 ? num.join("*") : `${fmt(mag)}*${num.join("*")}`;
    const text = head + den.map((d) => `/${d}`).join("");
    return { neg: m.c < 0, text, deg: m.f.length };
  });
  monos.sort((x, y) => x.deg - y.deg || (x.text < y.text ? -1 : x.text > y.text ? 1 : 0));
  return monos.map((m, i) => (i === 0 ? (m.neg ? "-" : "") + m.text : (m.neg ? " - " : " + ") + m.text)).join("");
}

/** "IIR order 4, 2 sections as written in the source" / "FIR, 4 taps" / "gain". */
export function describePair<T>(p: PairTransfer<T>): string {
  const order = p.a.length - 1;
  if (order === 0) {
    if (p.b.length <= 1) return "gain";
    const nonzero = p.b.filter((x) => !(typeof x === "number" ? x === 0 : (x as Expr).terms?.length === 0)).length;
    return nonzero === 1 ? `delay of ${p.b.length - 1} sample${p.b.length === 2 ? "" : "s"}` : `FIR, ${p.b.length} taps`;
  }
  const secs = p.sections.filter((s) => s.a.length > 1).length;
  return `IIR order ${order}, ${secs} section${secs === 1 ? "" : "s"} as written in the source`;
}

export function printTransfer(rs: readonly RegionTransfer[], ctx: PrintContext): string {
  const lines: string[] = [];
  const uiName = (s: Sig) => {
    const n = ctx.name(s);
    return "label" in s && typeof s.label === "string" ? `${n}"${s.label}"` : n;
  };
  for (const r of rs) {
    const head = `region ${r.region.index} (${r.region.kind}, ${r.region.members.length} nodes`;
    if (r.kind === "none") {
      lines.push(`${head}): no transfer function: ${r.reason}`);
      continue;
    }
    lines.push(`${head}, ${r.states} states)`);
    const show = r.kind === "lti" ? (x: unknown) => fmt(x as number) : (x: unknown) => printExpr(x as Expr, uiName);
    for (const p of r.pairs as readonly PairTransfer<unknown>[]) {
      lines.push(`  ${ctx.name(p.input)} -> ${ctx.name(p.output)}: ${describePair(p)}`);
      lines.push(`    b: ${p.b.map(show).join(r.kind === "lti" ? " " : "; ")}`);
      lines.push(`    a: ${p.a.map(show).join(r.kind === "lti" ? " " : "; ")}`);
      const sep = r.kind === "lti" ? " " : "; ";
      if (p.stages.length > 1 || p.stages.some((st) => st.sections.length > 1))
        for (const st of p.stages) {
          const gs = st.sections.flatMap((x) => x.groups.map((g) => ctx.name(g)));
          lines.push(`    stage [${gs.join(" ")}]: b: ${st.b.map(show).join(sep)} | a: ${st.a.map(show).join(sep)}`);
          if (st.sections.length > 1)
            for (const x of st.sections) lines.push(`      section [${x.groups.map((g) => ctx.name(g)).join(" ")}] ${x.states} states: a: ${x.a.map(show).join(sep)}`);
        }
    }
    if (r.kind === "lti" && (r.region.inputs.length > 1 || r.region.outputs.length > 1)) {
      const ss = r.stateSpace;
      if (!ss || r.states > 24) lines.push(`  state space: ${r.states} states (not printed)`);
      else {
        lines.push(`  state space: inputs [${r.region.inputs.map((x) => ctx.name(x)).join(" ")}], outputs [${r.region.outputs.map((x) => ctx.name(x)).join(" ")}]`);
        for (const [nm, M] of [["A", ss.A], ["B", ss.B], ["C", ss.C], ["D", ss.D]] as const) for (const row of M) lines.push(`    ${nm}: ${row.map(fmt).join(" ")}`);
      }
    }
  }
  return lines.length ? lines.join("\n") + "\n" : "no linear region\n";
}

/**
 * Which regions get a transfer function: all, or only those biquad-factor can
 * factor (`whyNotFactorable`: stateful lti single-input single-output regions;
 * recursive ones only for "factorable-recursive").
 */
export type TransferRegions = "all" | "factorable" | "factorable-recursive";

export const transferAnalysis: Analysis<RegionTransfer[], { readonly "sample-rate": number; readonly regions: TransferRegions }> = {
  name: "transfer",
  summary: `the transfer function B(z)/A(z) of each linear region from each input to each output, its sections, and the state space (numeric at the sample rate, ${DEFAULT_SAMPLE_RATE} Hz by default, for lti; symbolic in the parameters for ltv)`,
  params: { "sample-rate": DEFAULT_SAMPLE_RATE, regions: "all" as TransferRegions },
  compute(g: SignalGraph, am, p) {
    const all = am.get(ltiRegionsAnalysis);
    const fir = p.regions === "factorable";
    const regions = p.regions === "all" ? all : { ...all, regions: all.regions.filter((r) => whyNotFactorable(r, all, fir) === undefined) };
    return computeTransfer(regions, { sampleRate: p["sample-rate"] });
  },
  print: (r, ctx) => printTransfer(r, ctx),
};

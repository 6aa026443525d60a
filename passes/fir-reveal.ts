// `fir-reveal`: sums of gains times delayed copies of one signal become one
// explicit `fir` node (src/core/signals/signal.ts); a gain is a literal times
// factors that do not change at sample rate (init-time expressions, controls):
//
//   c0·x + c1·x' + c2·x@2 + …  →  fir(x, [c0, c1, c2, …])
//   c1·x' + c3·x@3             →  delay(fir(x, [c1, 0, c3]), 1)   (smallest lag factored out: constant taps commute with the delay)
//   a·x + b·x' + g(u)          →  fir(x, [a, b]) + g(u)           (other terms kept, after the filters)
//   (k·x + m·x@2) / c           →  fir(x, [k/c, 0, m/c])           (control-rate gains; without a lag-0 tap they are
//                                                                  left alone: factoring the delay out would read the
//                                                                  gains of earlier samples)
//
// as written `x <: _, @(1)*b1, @(2)*b2 :> +`, or by fi.fir / fi.conv with
// constant taps. Regions are found on the original graph (linear-terms.ts):
// a region is a maximal float sum tree (its interior add/sub/mul nodes used
// once, delays looked through); its terms are grouped by base signal, and a
// base with at least two distinct lags becomes a filter (equal lags add their
// coefficients). Sparse tap sets (more zero gaps than taps, e.g. a comb
// x + x@1000) are left alone.
//
// Not exact: the fir sums its taps in lag order, the source in its own order
// (normalization sorts sums), products of a literal factor and a sign are
// folded into one coefficient, and zero taps in the gaps add 0·x. Within
// about n ulps of the sum of |terms| for n taps, when everything is finite.

import { usesAnalysis } from "../analyses/basic.ts";
import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { reachable } from "../src/core/signals/graph.ts";
import { noSpans } from "../src/core/spans.ts";
import { children, sig, type Sig } from "../src/core/signals/signal.ts";
import { typeOf } from "../src/core/signals/types.ts";
import { buildSum, coefSignal, combineTerms, denseTaps, expandTerms, isCheapLinear, isLinearInterior, isTimeInvariant, lagOf, tapsOf, type Term } from "./linear-terms.ts";
import { definePass, intOption, rewritten, unchanged } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";

/** The replacement of one region root, or undefined when no filter is revealed. */
function revealRegion(
  root: Sig,
  uses: (s: Sig) => number,
  minTaps: number,
  onSparse: (base: Sig, taps: number, span: number) => void,
): { readonly sig: Sig; readonly filters: { base: Sig; taps: number; fir: Sig }[] } | undefined {
  const terms = expandTerms(root, { uses });
  const byBase = new Map<Sig, Term[]>();
  for (const t of terms) {
    let l = byBase.get(t.base);
    if (!l) byBase.set(t.base, (l = []));
    l.push(t);
  }
  const parts: (Sig | Term)[] = [];
  const rest: Term[] = [];
  const filters: { base: Sig; taps: number; fir: Sig }[] = [];
  for (const [base, ts] of byBase) {
    const taps = tapsOf(ts);
    // a filter commutes with a delay only when its coefficients do not change with time
    // (and a fir reads x in the same sample: with time-varying gains and no lag-0 tap, the
    // terms stay as they are, since x may be on a recursion's cycle)
    const shift = [...taps.values()].every(isTimeInvariant);
    if (!shift && !taps.has(0)) {
      rest.push(...ts);
      continue;
    }
    const dense = taps.size >= minTaps ? denseTaps(taps) : undefined;
    if (!dense) {
      if (taps.size >= minTaps) onSparse(base, taps.size, Math.max(...taps.keys()) - Math.min(...taps.keys()) + 1);
      rest.push(...ts);
      continue;
    }
    // Σ c_k·x[n−lag−k] = (Σ c_k·x[n−k]) delayed by lag
    const f = sig.fir(base, dense.coefs.map(coefSignal));
    parts.push(sig.delayBy(f, dense.lag));
    filters.push({ base, taps: taps.size, fir: f });
  }
  if (filters.length === 0) return undefined;
  // keep the other terms in their source order
  const restSet = new Set(rest);
  const out = buildSum([...parts, ...combineTerms(terms.filter((t) => restSet.has(t)))]);
  return out === root ? undefined : { sig: out, filters };
}

export const firRevealPass = definePass({
  name: "fir-reveal",
  summary: "sums of constant gains × delayed copies of one signal → one explicit fir node",
  options: { "min-taps": intOption(2, "the fewest distinct taps (lags) a filter needs", { min: 2 }) },
  semantics: {
    exact: false,
    tolerance: 1e-9,
    finiteOnly: true,
    why: "the fir sums its taps in lag order where the source used its own order, and folds a literal gain with the sign (rounding of a reordered sum)",
  },
  run(graph, am, opts) {
    const spans = am.context.spans;
    const spanOf = spans?.lookup ?? noSpans;
    const all = reachable(graph.outputs);
    const uses = effectiveUses(graph.outputs, all, am.get(usesAnalysis));
    // region roots: float linear nodes that no linear parent expands
    const otherUser = new Set<Sig>(graph.outputs);
    for (const s of all) if (!isLinearInterior(s)) for (const c of children(s)) otherUser.add(c);
    const isRoot = (s: Sig): boolean => {
      if (!isLinearInterior(s) || typeOf(s).nature !== "float") return false;
      if (otherUser.has(s)) return true;
      if (isCheapLinear(s)) return false; // a delay or a single product is looked through by each linear user
      return uses(s) > 1;
    };
    const remarks: Diagnostic[] = [];
    const made = new Set<Sig>();
    let filters = 0;
    let taps = 0;
    const found = new Map<Sig, Sig>();
    for (const s of all) {
      if (s.kind === "rec" || !isRoot(s)) continue;
      const r = revealRegion(s, uses, opts["min-taps"], (base, n, span) =>
        remarks.push(diag("FL831", { pass: "fir-reveal", taps: n, base: describeBase(base), lags: span }, spanOf(s))),
      );
      if (!r) continue;
      found.set(s, r.sig);
      const span = spanOf(s);
      spans?.set(r.sig, span);
      for (const f of r.filters) {
        if (made.has(f.fir)) continue; // the same filter found from two sums (hash-consed)
        made.add(f.fir);
        filters++;
        taps += f.taps;
        remarks.push(diag("FL830", { pass: "fir-reveal", taps: f.taps, base: describeBase(f.base) }, span));
      }
    }
    if (found.size === 0) return unchanged(graph, { filters: 0, taps: 0 }, [diag("FL832", { pass: "fir-reveal" })]);
    const r = substitute(graph.outputs, (s) => found.get(s));
    return rewritten(graph, r.roots, [], { filters, taps }, remarks);
  },
});

/**
 * Fan-out seen through delays: a node read by a delay that several sums read
 * is used by each of them (expanding it would compute it once per sum).
 */
export function effectiveUses(roots: readonly Sig[], all: readonly Sig[], useMap: ReadonlyMap<Sig, number>): (s: Sig) => number {
  const users = new Map<Sig, Sig[]>();
  for (const s of all)
    for (const c of children(s)) {
      let l = users.get(c);
      if (!l) users.set(c, (l = []));
      l.push(s);
    }
  const memo = new Map<Sig, number>();
  const rootCount = new Map<Sig, number>();
  for (const r of roots) rootCount.set(r, (rootCount.get(r) ?? 0) + 1);
  const eu = (s: Sig): number => {
    const hit = memo.get(s);
    if (hit !== undefined) return hit;
    memo.set(s, 2); // a cycle through delays only (impossible in a verified graph): count as shared
    let n = rootCount.get(s) ?? 0;
    for (const u of users.get(s) ?? []) n += lagOf(u) !== undefined ? eu(u) : 1;
    memo.set(s, n);
    return n;
  };
  return (s) => (useMap.has(s) ? eu(s) : 0);
}

function describeBase(s: Sig): string {
  return s.kind === "input" ? `input ${s.index}` : s.kind === "proj" ? `the recursion @${s.group.name}` : `a ${s.kind === "binop" || s.kind === "math1" || s.kind === "math2" ? s.op : s.kind} signal`;
}

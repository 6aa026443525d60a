// `iir-reveal`: a one-signal recursion whose body is its input minus a
// combination of its own past, with gains that do not change at sample rate
// (literals, init-time expressions, controls), becomes one explicit
// `iir` node (src/core/signals/signal.ts), and the recursion group disappears:
//
//   y = u − a1·y' − a2·y@2 − …   →  iir(u, [a1, a2, …])     (a0 = 1; `+ b·y'` is `− (−b)·y'`)
//
// as fi.tf2's and fi.iir's recursive parts are written (their feed-forward
// part is `fir-reveal`'s: an fi.tf2 becomes fir(iir(x, [a1, a2]), [b0, b1, b2])).
// The body is read as linear terms (linear-terms.ts) with the group's
// projection as a base; the terms on that projection (lags ≥ 1, constant
// coefficients) are the feedback, every other term is the input u and must
// not depend on the group (checked with the group's cycle members). Sparse
// feedback (more zero gaps than taps, e.g. a comb y = x + g·y@1000) and
// groups of several signals are left alone, with a remark.
//
// Not exact in general: the iir subtracts its feedback terms after the whole
// input, in lag order, where the source interleaves them in its own order
// (exact when the source is already `((u − a1·y') − a2·y@2) − …`). Rounding
// differences are then fed back through the recursion: bounded relative to
// the output's peak for a stable filter, when everything is finite.

import { usesAnalysis } from "../analyses/basic.ts";
import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { groupMembers, recGroups, reachable } from "../src/core/signals/graph.ts";
import { noSpans } from "../src/core/spans.ts";
import { formatGroupName, recArity, sig, type RecSig, type Sig } from "../src/core/signals/signal.ts";
import { typeOf } from "../src/core/signals/types.ts";
import { effectiveUses } from "./fir-reveal.ts";
import { buildSum, coefSignal, combineTerms, denseTaps, expandTerms, negCoef, tapsOf, type Term } from "./linear-terms.ts";
import { definePass, rewritten, unchanged } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";

/** The iir replacing group g's projection, or the reason it is not one. */
function revealGroup(g: RecSig, uses: (s: Sig) => number): Sig | string {
  if (recArity(g) !== 1) return `a recursion of ${recArity(g)} signals`;
  const body = g.bodies[0]!;
  if (typeOf(body).nature !== "float") return "int arithmetic (wraps at 32 bits)";
  const y = sig.proj(g, 0);
  const members = new Set(groupMembers(g));
  // filters of other signals (fir-reveal's, off the cycle) stay whole in the input
  const terms = expandTerms(body, { uses, stop: (s) => s === y || (s.kind === "fir" && !members.has(s)) });
  const feedback: Term[] = [];
  const input: Term[] = [];
  for (const t of terms) (t.base === y ? feedback : input).push(t);
  if (feedback.length === 0) return "its body is not a sum with constant gains on its own past";
  if (feedback.some((t) => t.lag < 1)) return "an instantaneous feedback term";
  const bad = input.find((t) => members.has(t.base));
  if (bad) return "its feedback is not a constant-gain sum of its past (a nonlinear or varying term reads it)";
  const taps = tapsOf(feedback);
  const dense = denseTaps(taps);
  if (!dense) return "sparse feedback (more zero gaps than taps)";
  // y[n] = u + Σ b_k·y[n−k]  ⇔  y[n] = u − Σ (−b_k)·y[n−k]; coefficients from lag 1
  const coefs = Array.from({ length: dense.lag - 1 + dense.coefs.length }, (_, i) => (i + 1 < dense.lag ? 0 : negCoef(dense.coefs[i + 1 - dense.lag]!)));
  if (dense.lag - 1 > coefs.length - (dense.lag - 1)) return "sparse feedback (more zero gaps than taps)";
  return sig.iir(buildSum(combineTerms(input)), coefs.map(coefSignal));
}

export const iirRevealPass = definePass({
  name: "iir-reveal",
  summary: "one-signal recursions y = u − Σ a_k·y[n−k] (constant a_k) → one explicit iir node",
  options: {},
  semantics: {
    exact: false,
    tolerance: 1e-9,
    finiteOnly: true,
    why: "the iir subtracts its feedback after the input, in lag order, where the source may interleave them (a reordered sum, fed back)",
  },
  run(graph, am) {
    const spans = am.context.spans;
    const spanOf = spans?.lookup ?? noSpans;
    const all = reachable(graph.outputs);
    const uses = effectiveUses(graph.outputs, all, am.get(usesAnalysis));
    const remarks: Diagnostic[] = [];
    const found = new Map<Sig, Sig>();
    let order = 0;
    for (const g of recGroups(graph.outputs)) {
      const r = revealGroup(g, uses);
      const span = spanOf(g) ?? spanOf(g.bodies[0]!);
      if (typeof r === "string") {
        remarks.push(diag("FL834", { pass: "iir-reveal", group: formatGroupName(g.name), reason: r }, span));
        continue;
      }
      const y = sig.proj(g, 0);
      spans?.set(r, span);
      found.set(y, r);
      if (r.kind === "iir") order += r.coefs.length;
      remarks.push(diag("FL833", { pass: "iir-reveal", group: formatGroupName(g.name), order: r.kind === "iir" ? r.coefs.length : 0 }, span));
    }
    if (found.size === 0) return unchanged(graph, { filters: 0, order: 0 }, remarks);
    const r = substitute(graph.outputs, (s) => found.get(s));
    return rewritten(graph, r.roots, [], { filters: found.size, order }, remarks);
  },
});

// `tf-reconstruct`: reports the transfer function of every linear region
// (analyses/transfer.ts) and why the rest is not LTI, changing nothing.
//
// Remarks: FL811 per region with delay-line state ("lti region of 14 nodes
// from input 0 to output 0: IIR order 4, 2 sections as written in the
// source"; a multi-input/multi-output region gets one remark naming its
// largest path), FL812 per region whose transfer function could not be computed,
// FL810 per node that makes the program not LTI (each reason once, at the
// node that introduces it; nodes that merely depend on it are not repeated).

import { printSignalsNamed } from "../src/core/signals/print.ts";
import type { Sig } from "../src/core/signals/signal.ts";
import { noSpans, type SpanOf } from "../src/core/spans.ts";
import type { Diagnostic } from "../src/core/diagnostics.ts";
import { diag } from "../src/core/diagnostics.ts";
import { linearityAnalysis, linearityRemarks } from "../analyses/linearity.ts";
import { describePair, DEFAULT_SAMPLE_RATE, transferAnalysis, type PairTransfer, type RegionTransfer } from "../analyses/transfer.ts";
import type { SignalGraph } from "../src/core/signals/graph.ts";
import { definePass, intOption, unchanged } from "./pass.ts";

/** The remarks of tf-reconstruct for `transfers` (pure). */
export function transferRemarks(g: SignalGraph, transfers: readonly RegionTransfer[], name: (s: Sig) => string, pass = "tf-reconstruct", spanOf: SpanOf<Sig> = noSpans): Diagnostic[] {
  const where = (s: Sig) => {
    if (s.kind === "input") return `input ${s.index}`;
    const k = g.outputs.indexOf(s);
    return k >= 0 ? `output ${k}` : name(s);
  };
  const out: Diagnostic[] = [];
  for (const t of transfers) {
    const r = t.region;
    const span = [...r.outputs, ...r.members].map(spanOf).find((x) => x !== undefined);
    if (t.kind === "none") {
      out.push(diag("FL812", { pass, kind: r.kind, nodes: r.members.length, reason: t.reason }, span));
      continue;
    }
    if (t.states === 0) continue; // a plain gain or sum: nothing to say
    const pairs = t.pairs as readonly PairTransfer<unknown>[];
    const args = { pass, kind: r.kind, nodes: r.members.length };
    if (pairs.length === 0) {
      // a recursion no input reaches starts from zero state and stays there
      out.push(diag("FL811", { ...args, from: "no input", to: [...r.outputs].map(where).join(", "), what: "autonomous, the outputs are 0" }, span));
    } else if (pairs.length === 1) {
      const p = pairs[0]!;
      out.push(diag("FL811", { ...args, from: where(p.input), to: where(p.output), what: describePair(p) }, spanOf(p.output) ?? span));
    } else {
      // a multi-input/multi-output region: one remark, its largest path described
      // program inputs and outputs by index, so the text does not depend on the graph's print order
      const rank = (s: Sig) => (s.kind === "input" ? s.index : g.outputs.includes(s) ? g.outputs.indexOf(s) : Infinity);
      const sorted = (xs: Iterable<Sig>) => [...new Set(xs)].sort((a, b) => rank(a) - rank(b));
      const ins = sorted(pairs.map((p) => p.input)), outs = sorted(pairs.map((p) => p.output));
      const list = (xs: Sig[]) => (xs.length <= 3 ? xs.map(where).join(", ") : `${xs.length} signals`);
      const key = (p: PairTransfer<unknown>) => [p.a.length, p.b.length, -rank(p.input), -rank(p.output)];
      const better = (x: number[], y: number[]) => {
        for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! > y[k]!;
        return false;
      };
      const top = pairs.reduce((x, y) => (better(key(y), key(x)) ? y : x));
      out.push(
        diag("FL811", { ...args, from: list(ins), to: list(outs), what: `${pairs.length} paths, state space of ${t.states} states; largest: ${describePair(top)} (${where(top.input)} to ${where(top.output)})` }, span),
      );
    }
  }
  return out;
}

export const tfReconstructPass = definePass({
  name: "tf-reconstruct",
  summary: "report the transfer function B(z)/A(z) of every linear region (and why the rest is not LTI), changing nothing",
  options: { "sample-rate": intOption(DEFAULT_SAMPLE_RATE, "the sample rate at which constant coefficients are evaluated", { min: 1 }) },
  semantics: { exact: true },
  run(graph, am, opts) {
    const lin = am.get(linearityAnalysis);
    const sr = opts["sample-rate"];
    const transfers = am.get(transferAnalysis, { "sample-rate": sr });
    const { name } = printSignalsNamed(graph.outputs, { localGroupNames: true });
    const spanOf = am.context.spans?.lookup ?? noSpans;
    const remarks = [...linearityRemarks(lin, "tf-reconstruct", name, spanOf), ...transferRemarks(graph, transfers, name, "tf-reconstruct", spanOf)];
    const stats = {
      "regions-lti": transfers.filter((t) => t.region.kind === "lti").length,
      "regions-ltv": transfers.filter((t) => t.region.kind === "ltv").length,
      "regions-without-transfer": transfers.filter((t) => t.kind === "none").length,
      "nonlinear-nodes": [...lin.nodes.values()].filter((n) => n.cls === "nonlinear").length,
    };
    return unchanged(graph, stats, remarks);
  },
});

// `lti-regions`: the maximal linear regions of a signal graph.
//
// A member is a node with a local linear form (linearity.ts): sample-rate,
// float, a sum of `coefficient × operand[n - lag]` terms. Two members are in
// the same region when one is a term operand of the other, or when both read
// the same sample-rate signal from outside (parallel filters on the same
// inputs); a region is the connected component (so it spans recursions,
// delays, sums, gains and series/parallel compositions). A region is `lti` when every member has
// constant coefficients, `ltv` when some coefficient changes at block rate.
//
//   inputs   the term operands outside the region: program inputs, nonlinear
//            nodes, signal sources, constants added in (affine terms)
//   outputs  members read by a node outside the region (any edge), or graph outputs
//   members  in canonical print order
//
// The recursion groups a region goes through are listed too (`groups`): they
// are the sections as the source wrote them (transfer.ts keeps that
// factorization).

import type { SignalGraph } from "../src/core/signals/graph.ts";
import { children, type RecSig, type Sig } from "../src/core/signals/signal.ts";
import { typeOf } from "../src/core/signals/types.ts";
import type { Analysis, PrintContext } from "./analysis.ts";
import { printOrder } from "./basic.ts";
import { linearityAnalysis, type LinearityResult, type LocalForm } from "./linearity.ts";

export interface Region {
  /** Dense index, in the order of the first member in print order. */
  readonly index: number;
  readonly kind: "lti" | "ltv";
  /** Members in canonical print order. */
  readonly members: readonly Sig[];
  readonly inputs: readonly Sig[];
  readonly outputs: readonly Sig[];
  /** Recursion groups whose projections are members. */
  readonly groups: readonly RecSig[];
}

export interface RegionsResult {
  readonly regions: readonly Region[];
  /** The region of each member. */
  readonly regionOf: ReadonlyMap<Sig, Region>;
  readonly forms: ReadonlyMap<Sig, LocalForm>;
}

/** The regions of `g`, given its linearity. */
export function findRegions(g: SignalGraph, lin: LinearityResult): RegionsResult {
  const forms = lin.forms;
  const order = printOrder(g);
  // union-find over members
  const parent = new Map<Sig, Sig>();
  const find = (s: Sig): Sig => {
    let r = s;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = s;
    while (c !== r) {
      const n = parent.get(c)!;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  // members are joined through their operands: members, and sample-rate inputs they share (so
  // parallel filters on the same signals are one multi-input/multi-output region); constants
  // added in (affine terms) do not join regions
  for (const s of order) if (forms.has(s)) parent.set(s, s);
  for (const s of order) {
    const f = forms.get(s);
    if (!f) continue;
    for (const t of f.terms) {
      if (!forms.has(t.x)) {
        if (typeOf(t.x).variability !== "sample") continue;
        if (!parent.has(t.x)) parent.set(t.x, t.x);
      }
      parent.set(find(t.x), find(s));
    }
  }
  const byRoot = new Map<Sig, Sig[]>();
  for (const s of order)
    if (forms.has(s)) {
      const r = find(s);
      let l = byRoot.get(r);
      if (!l) byRoot.set(r, (l = []));
      l.push(s);
    }
  // users of each node (a projection uses its body; groups use nothing as values)
  const memberSet = (ms: Sig[]) => new Set(ms);
  const regions: Region[] = [];
  const regionOf = new Map<Sig, Region>();
  const sets = [...byRoot.values()].map((ms) => ({ ms, set: memberSet(ms) }));
  const setOf = new Map<Sig, Set<Sig>>();
  for (const { ms, set } of sets) for (const m of ms) setOf.set(m, set);
  const outputs = new Map<Set<Sig>, Set<Sig>>();
  for (const u of order) {
    if (u.kind === "rec") continue;
    const uses = u.kind === "proj" ? [u.group.bodies[u.index]!] : children(u);
    const own = setOf.get(u);
    for (const c of uses) {
      const cs = setOf.get(c);
      if (cs && cs !== own) {
        let o = outputs.get(cs);
        if (!o) outputs.set(cs, (o = new Set()));
        o.add(c);
      }
    }
  }
  for (const r of g.outputs) {
    const cs = setOf.get(r);
    if (cs) {
      let o = outputs.get(cs);
      if (!o) outputs.set(cs, (o = new Set()));
      o.add(r);
    }
  }
  for (const { ms, set } of sets) {
    const inputs: Sig[] = [];
    const seenIn = new Set<Sig>();
    const groups: RecSig[] = [];
    let kind: "lti" | "ltv" = "lti";
    for (const m of ms) {
      const f = forms.get(m)!;
      if (f.rate === "block") kind = "ltv";
      if (m.kind === "proj" && !groups.includes(m.group)) groups.push(m.group);
      for (const t of f.terms) if (!set.has(t.x) && !seenIn.has(t.x)) (seenIn.add(t.x), inputs.push(t.x));
    }
    const outSet = outputs.get(set) ?? new Set<Sig>();
    const region: Region = { index: regions.length, kind, members: ms, inputs, outputs: ms.filter((m) => outSet.has(m)), groups };
    regions.push(region);
    for (const m of ms) regionOf.set(m, region);
  }
  return { regions, regionOf, forms };
}

const names = (xs: readonly Sig[], ctx: PrintContext) => xs.map((x) => ctx.name(x)).join(" ");
const byName = (xs: readonly Sig[], ctx: PrintContext) => [...xs].sort((a, b) => Number(ctx.name(a).slice(1)) - Number(ctx.name(b).slice(1)));

export function printRegion(r: Region, ctx: PrintContext): string {
  const lines = [
    `region ${r.index} (${r.kind}): ${r.members.length} nodes, inputs [${names(r.inputs, ctx)}], outputs [${names(r.outputs, ctx)}]` +
      (r.groups.length ? `, recursions [${r.groups.map((g) => ctx.name(g)).join(" ")}]` : ""),
    `  members: ${names(byName(r.members, ctx), ctx)}`,
  ];
  return lines.join("\n") + "\n";
}

/**
 * Why a region cannot be factored into sections, from the region alone
 * (before its transfer function, the expensive part): null when it has no
 * delay-line state (nothing to say), undefined when it can be: a stateful
 * lti single-input region (one output or several) on a sample-rate signal,
 * recursive unless `fir`.
 */
export function whyNotFactorable(r: Region, regions: RegionsResult, fir: boolean): string | null | undefined {
  const stateful = r.members.some((m) => regions.forms.get(m)?.terms.some((t) => t.lag > 0 || t.lagSig !== undefined));
  if (!stateful) return null;
  if (r.kind === "ltv") return "coefficients change at block rate (ltv)";
  if (r.inputs.length !== 1) return `${r.inputs.length} inputs and ${r.outputs.length} output${r.outputs.length === 1 ? "" : "s"} (only single-input regions are factored)`;
  if (r.outputs.length === 0) return "no output";
  if (typeOf(r.inputs[0]!).variability !== "sample") return "its input is not a sample-rate signal";
  if (!fir && r.groups.length === 0) return "a FIR filter (no recursion): kept as its direct-form taps (fir=false)";
  return undefined;
}

export const ltiRegionsAnalysis: Analysis<RegionsResult> = {
  name: "lti-regions",
  summary: "maximal linear regions (lti: constant coefficients; ltv: block-rate coefficients) with their inputs, outputs and members",
  compute: (g, am) => findRegions(g, am.get(linearityAnalysis)),
  print: (r, ctx) => (r.regions.length ? r.regions.map((x) => printRegion(x, ctx)).join("") : "no linear region\n"),
};

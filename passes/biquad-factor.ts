// `biquad-factor`: factors the transfer function of every constant-coefficient
// single-input single-output linear region into second-order sections, stage
// by stage as the source factors it (analyses/transfer.ts `stages`: a tf2
// stays one section, an `fi.iir` with an expanded 8th-order denominator
// becomes 4), and rewrites the region as the cascade of sections.
//
// Canonical form emitted: each section a direct-form-I recursion of ordinary
// signal nodes (y = b0 x + b1 x' + b2 x'' - a1 y' - a2 y'', in that order:
// the operation order of analyses/zdomain `step` for 'df1'; terms with a zero
// coefficient are left out, which changes no value), preceded by a delay when
// the numerator starts with zeros. Each section is wrapped in a `sos` node
// (passes/sections.ts) holding its exact zeros, poles and gain, so that
// `realize` re-realizes from the roots rather than from rounded coefficients,
// also after the graph is printed and parsed again.
//
// Identity: H(z) = Π_stages B_s(z)/A_s(z) = Π_stages z^-d_s Π_sections H_k(z)
// (the stage's zeros and poles are the roots of its own double coefficients,
// so the product of the sections is the stage up to rounding). Each stage is
// checked before rewriting: the impulse response of its sections in double
// must stay within `CHECK_TOLERANCE` of the stage's own response computed in
// double-double, over the length after which the slowest pole has decayed.
//
// Left alone (remark FL821): ltv regions, regions with several inputs or
// outputs, unstable or marginal filters, stages above `MAX_STAGE_ORDER`, and
// stages whose sections fail the check.
//
// Sample rate: constant coefficients are evaluated at `sample-rate`. When a
// coefficient depends on the running sample rate (fSamplingFreq, ma.SR), the
// cascade is emitted under a guard: select2(SR != sample-rate, cascade,
// original), so the program stays exact at any other rate (both are
// computed: the cost of not knowing the rate at compile time).

import { diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { reachable } from "../src/core/signals/graph.ts";
import { noSpans, type SpanOf } from "../src/core/spans.ts";
import { children, freshRecName, mapChildren, sig, type Sig } from "../src/core/signals/signal.ts";
import { printSignalsNamed } from "../src/core/signals/print.ts";
import type { SignalGraph } from "../src/core/signals/graph.ts";
import type { AnalysisManager } from "../analyses/analysis.ts";
import { ltiRegionsAnalysis, whyNotFactorable, type Region, type RegionsResult } from "../analyses/lti-regions.ts";
import { computeTransfer, DEFAULT_SAMPLE_RATE, transferAnalysis, type RegionTransfer, type Stage } from "../analyses/transfer.ts";
import { cabs } from "../analyses/zdomain/complex.ts";
import { impulseResponse, impulseResponseDD } from "../analyses/zdomain/poly.ts";
import { type Section, filterCascadeDF1, scaleSections, tfToSos } from "../analyses/zdomain/sos.ts";
import { analysisLength, chooseStructures, estimateUniform } from "../analyses/zdomain/errors.ts";
import { STRUCTURES } from "../analyses/zdomain/structures.ts";
import { boolOption, definePass, enumOption, floatOption, intOption, rewritten, unchanged } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";
import { sectionNode } from "./sections.ts";
import { realizeSections } from "./realization.ts";
import { improves, measureRegion, noWorse, type RegionAccuracy } from "./region-measure.ts";

export type FactorPairing = "nearest" | "keep_odd";
export type FactorOrder = "up" | "down" | "keep";
export type FactorScale = "none" | "l2" | "linf";

export interface FactorOptions {
  readonly pairing?: FactorPairing;
  readonly order?: FactorOrder;
  readonly scale?: FactorScale;
  readonly sampleRate?: number;
  /** Factor FIR stages (no recursion) too; default false: they stay direct-form taps, exact in float32 where the taps are (a moving sum). */
  readonly fir?: boolean;
  /**
   * Rewrite a region whose stages are all of order ≤ 2 only when the float32
   * noise estimate of its best realization beats direct form I by this many dB
   * (default 0: always). Stages of higher order are always factored.
   */
  readonly minGain?: number;
  /** Only regions whose stages are all of order ≤ 2 and that hold no `sos` section (realize<recognise=true>). */
  readonly secondOrderOnly?: boolean;
  /** Where the nodes come from (the compilation's spans), for remarks. */
  readonly spans?: SpanOf<Sig>;
  /**
   * Never worse: rewrite a region only when what realize (auto) would make of
   * it measures better in float32 than the source's form on some output and no
   * worse on any (passes/region-measure.ts).
   */
  readonly measure?: boolean;
  /** With `measure`: also try each output that is a sum of branches as its branches factored apart (parallel sections), and keep the better. */
  readonly parallel?: boolean;
}

/** Stages of higher order (numerator or denominator) are left alone. */
export const MAX_STAGE_ORDER = 32;
/** The sections of a stage must reproduce its impulse response within this, relative to its peak. */
export const CHECK_TOLERANCE = 1e-8;
/** Impulse-response length of the check (at most). */
const CHECK_LENGTH = 1 << 14;

export interface FactorResult {
  readonly roots: Sig[];
  readonly stats: Record<string, number>;
  readonly remarks: Diagnostic[];
}

const PASS = "biquad-factor";

/** The nodes named fSamplingFreq / SR that the region's coefficients read. */
function sampleRateNodes(members: readonly Sig[], regions: RegionsResult): Sig[] {
  const coefs: Sig[] = [];
  for (const m of members)
    for (const t of regions.forms.get(m)?.terms ?? []) {
      for (const f of t.factors) coefs.push(f.sig);
      if (t.lagSig) coefs.push(t.lagSig);
    }
  return reachable(coefs).filter((s) => (s.kind === "fconst" || s.kind === "fvar") && (s.name === "fSamplingFreq" || s.name === "SR"));
}

/** The members of a region on paths to `output` (read through term operands from it back to the region's inputs). */
function pathMembers(output: Sig, members: readonly Sig[], regions: RegionsResult): Sig[] {
  const inRegion = new Set(members);
  const seen = new Set<Sig>([output]);
  const stack = [output];
  while (stack.length)
    for (const t of regions.forms.get(stack.pop()!)?.terms ?? []) if (inRegion.has(t.x) && !seen.has(t.x)) (seen.add(t.x), stack.push(t.x));
  return members.filter((m) => seen.has(m));
}

/** Section output y = b0 x + b1 x' + b2 x'' - a1 y' - a2 y'' (df1's operation order; zero terms left out). */
export function emitDf1(x: Sig, s: Section, hint: string): Sig {
  const { b0, b1, b2, a1, a2 } = s.biquad;
  const x1 = sig.delay1(x);
  const x2 = sig.delay1(x1);
  const [y] = sig.recursion(freshRecName(hint), 1, ([p]) => {
    const y1 = sig.delay1(p!);
    const y2 = sig.delay1(y1);
    let acc: Sig | undefined;
    const term = (c: number, v: Sig, minus: boolean) => {
      if (c === 0) return; // c·v = ±0 and acc ± 0 = acc: the term changes no value
      const m = sig.mul(sig.float(c), v);
      acc = acc === undefined ? (minus ? sig.sub(sig.float(0), m) : m) : minus ? sig.sub(acc, m) : sig.add(acc, m);
    };
    term(b0, x, false);
    term(b1, x1, false);
    term(b2, x2, false);
    term(a1, y1, true);
    term(a2, y2, true);
    return [acc ?? sig.float(0)];
  });
  return y!;
}

/** y = b0 x + b1 x[n-1] + … (zero taps left out). */
function emitTaps(x: Sig, taps: readonly number[]): Sig {
  let acc: Sig | undefined;
  taps.forEach((c, k) => {
    if (c === 0) return;
    const xk = sig.delayBy(x, k);
    const m = sig.mul(sig.float(c), xk);
    acc = acc === undefined ? m : sig.add(acc, m);
  });
  return acc ?? sig.float(0);
}

function poleRadius(s: Section): number {
  return s.poles.reduce((m, p) => Math.max(m, cabs(p)), 0);
}

/** Factor one stage: its delay and sections, or why not. */
function factorStage(st: Stage<number>, pairing: FactorPairing): { delay: number; sections: Section[]; err: number; directErr: number } | string {
  const b = st.b as number[];
  const a = st.a as number[];
  if (b.length - 1 > MAX_STAGE_ORDER || a.length - 1 > MAX_STAGE_ORDER) return `a stage of order ${Math.max(b.length, a.length) - 1} (more than ${MAX_STAGE_ORDER})`;
  if (b.every((c) => c === 0)) return "a stage with a zero numerator";
  if (![...a, ...b].every(Number.isFinite)) return "non-finite coefficients";
  let sos;
  try {
    sos = tfToSos({ b, a }, { pairing, order: "up" });
  } catch (e) {
    return `factoring failed (${(e as Error).message})`;
  }
  const worst = sos.sections.reduce((m, s) => Math.max(m, poleRadius(s)), 0);
  if (!(worst < 1)) return `not stable: a pole of modulus ${worst}`;
  if (worst > 1 - 1e-12) return `marginally stable: a pole of modulus ${worst}`;
  const n = Math.min(CHECK_LENGTH, analysisLength(sos.sections));
  const truth = impulseResponseDD({ b, a }, n);
  const imp = new Float64Array(n);
  if (sos.delay < n) imp[sos.delay] = 1;
  const got = filterCascadeDF1(sos.sections, imp);
  const direct = impulseResponse({ b, a }, n);
  let peak = 0, err = 0, directErr = 0;
  for (let t = 0; t < n; t++) {
    peak = Math.max(peak, Math.abs(truth[t]!));
    err = Math.max(err, Math.abs(got[t]! - truth[t]!));
    directErr = Math.max(directErr, Math.abs(direct[t]! - truth[t]!));
  }
  if (peak === 0) return "a stage whose impulse response is 0";
  return { delay: sos.delay, sections: [...sos.sections], err: err / peak, directErr: directErr / peak };
}

const firStage = (st: Stage<number>) => st.a.length <= 1;

/** A run of stages emitted as one cascade: after its parent segment (or the region input), ending where outputs read it or paths part. */
interface Segment {
  /** The segment whose end this one reads; -1: the region input. */
  readonly parent: number;
  readonly delay: number;
  readonly firTaps: readonly (readonly number[])[];
  readonly sections: readonly Section[];
  /** The outputs (indices of the paths) that read its end. */
  readonly ends: readonly number[];
}

interface RegionPlan {
  /** Parents before children. */
  readonly segments: readonly Segment[];
  /** The segments from the input to output j, in order. */
  readonly pathSegments: readonly (readonly number[])[];
  readonly stages: number;
  readonly sections: number;
  /** Sections in segments that several outputs read. */
  readonly sharedSections: number;
  readonly err: number;
  readonly directErr: number;
  pathSections(j: number): Section[];
  pathDelay(j: number): number;
}

interface PlanOptions {
  readonly pairing: FactorPairing;
  readonly order: FactorOrder;
  readonly scale: FactorScale;
  readonly fir: boolean;
}

/**
 * The cascades of a region with one input and one or more outputs: the
 * outputs' stage lists as a trie (a stage equal, coefficient for coefficient,
 * to the one at the same place on another output's path is the same filter of
 * the same input: H₁ = S·T₁ and H₂ = S·T₂ read S's output once), each maximal
 * unbranched run of it one segment, each stage factored once.
 */
function planRegion(paths: readonly { readonly stages: readonly Stage<number>[] }[], o: PlanOptions): RegionPlan | string {
  interface Node {
    readonly stage: Stage<number> | undefined;
    readonly children: Map<string, Node>;
    readonly ends: number[];
  }
  const root: Node = { stage: undefined, children: new Map(), ends: [] };
  const key = (st: Stage<number>) => `${st.b.join(",")}/${st.a.join(",")}`;
  paths.forEach((p, j) => {
    let cur = root;
    for (const st of p.stages) {
      const k = key(st);
      let next = cur.children.get(k);
      if (!next) cur.children.set(k, (next = { stage: st, children: new Map(), ends: [] }));
      cur = next;
    }
    cur.ends.push(j);
  });
  const segments: Segment[] = [];
  let stages = 0, err = 0, directErr = 0;
  const distinct = paths.reduce((m, p) => Math.max(m, p.stages.length), 0);
  const build = (start: Node, parent: number): string | undefined => {
    const run: Stage<number>[] = [];
    let cur = start;
    for (;;) {
      run.push(cur.stage!);
      if (cur.ends.length > 0 || cur.children.size !== 1) break;
      cur = [...cur.children.values()][0]!;
    }
    let delay = 0;
    const firTaps: number[][] = [];
    const sections: Section[] = [];
    for (const st of run) {
      stages++;
      if (!o.fir && firStage(st)) {
        firTaps.push([...st.b]);
        continue;
      }
      const f = factorStage(st, o.pairing);
      const which = `stage ${stages} of ${Math.max(distinct, stages)}`;
      if (typeof f === "string") return `${which}: ${f}`;
      if (f.err > CHECK_TOLERANCE) return `${which}: its sections miss its impulse response by ${f.err.toExponential(1)} of the peak`;
      delay += f.delay;
      sections.push(...f.sections);
      err = Math.max(err, f.err);
      directErr = Math.max(directErr, f.directErr);
    }
    let cascade = sections;
    if (o.order !== "keep") {
      // 'up': poles closest to the unit circle last (stable sort); 'down' reverses
      const idx = cascade.map((s, i) => [poleRadius(s), i] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
      cascade = idx.map(([, i]) => sections[i]!);
      if (o.order === "down") cascade.reverse();
    }
    if (o.scale !== "none" && cascade.length > 1) cascade = [...scaleSections({ sections: cascade, delay: 0 }, o.scale).sections];
    const index = segments.length;
    segments.push({ parent, delay, firTaps, sections: cascade, ends: [...cur.ends] });
    for (const c of cur.children.values()) {
      const f = build(c, index);
      if (f) return f;
    }
    return undefined;
  };
  for (const c of root.children.values()) {
    const f = build(c, -1);
    if (f) return f;
  }
  const endOf = new Map<number, number>();
  segments.forEach((sg, k) => sg.ends.forEach((j) => endOf.set(j, k)));
  const pathSegments = paths.map((_, j) => {
    const chain: number[] = [];
    for (let k = endOf.get(j)!; k >= 0; k = segments[k]!.parent) chain.push(k);
    return chain.reverse();
  });
  const readers = segments.map(() => 0);
  for (const chain of pathSegments) for (const k of chain) readers[k]!++;
  return {
    segments,
    pathSegments,
    stages,
    sections: segments.reduce((n, sg) => n + sg.sections.length, 0),
    sharedSections: segments.reduce((n, sg, k) => n + (readers[k]! > 1 ? sg.sections.length : 0), 0),
    err,
    directErr,
    pathSections: (j) => pathSegments[j]!.flatMap((k) => segments[k]!.sections),
    pathDelay: (j) => pathSegments[j]!.reduce((d, k) => d + segments[k]!.delay, 0),
  };
}

/** One way to rewrite an output of a region. */
interface Alternative {
  readonly value: Sig;
  /** For FL820. */
  readonly what: string;
  readonly stages: number;
  /** The cascades it emits (shared ones by identity). */
  readonly sections: readonly (readonly Section[])[];
  readonly guarded: boolean;
}

/**
 * The branches of an output that is a sum: the operands reached from it
 * through members that are sums or differences of their operands, or one
 * operand times a gain (no delay), when there are two or more and one has
 * state; undefined otherwise. The sum tree itself is kept as written.
 */
function sumLeaves(output: Sig, r: Region, regions: RegionsResult): Sig[] | undefined {
  const members = new Set(r.members);
  // a sum or difference of its operands, or one operand scaled (a gain the normal form put outside the sum): no delay
  const isSum = (s: Sig) => {
    if (!members.has(s) || s.kind !== "binop") return false;
    const terms = regions.forms.get(s)?.terms ?? [];
    if (!terms.every((t) => t.lag === 0 && t.lagSig === undefined)) return false;
    return ((s.op === "add" || s.op === "sub") && terms.every((t) => t.factors.length === 0)) || ((s.op === "mul" || s.op === "div") && terms.length === 1);
  };
  if (!isSum(output)) return undefined;
  const leaves: Sig[] = [];
  const seen = new Set<Sig>();
  const stack = [output];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    if (s !== output && !isSum(s)) {
      leaves.push(s);
      continue;
    }
    if (s.kind === "binop") {
      if (s.op === "add" || s.op === "sub") stack.push(s.y, s.x);
      else stack.push(regions.forms.get(s)!.terms[0]!.x);
    }
  }
  if (leaves.length < 2 || !leaves.some((l) => members.has(l) && l.kind !== "input")) return undefined;
  if (leaves.some((l) => !members.has(l) && l !== r.inputs[0])) return undefined;
  return leaves;
}

/** The plan as signal nodes: each segment's delay, FIR taps, then sections (each a df1 recursion in a `sos` node); the value of each path's end. */
function emitPlan(plan: RegionPlan, input: Sig, outputs: readonly Sig[], where: (s: Sig) => string): Sig[] {
  const end: Sig[] = [];
  const many = outputs.length > 1;
  for (const [k, sg] of plan.segments.entries()) {
    let x: Sig = sg.parent < 0 ? input : end[sg.parent]!;
    if (sg.delay > 0) x = sig.delay(x, sig.int(sg.delay));
    // FIR stages first (LTI stages commute): b0 x + b1 x[n-1] + … in tap order
    for (const taps of sg.firTaps) x = emitTaps(x, taps);
    const reached = plan.pathSegments.flatMap((chain, j) => (chain.includes(k) ? [j] : []));
    const label =
      `${where(input)} to ${reached.map((j) => where(outputs[j]!)).join(", ")}` +
      (many && sg.ends.length === 0 ? " (shared sections)" : "") +
      (sg.parent >= 0 ? ` (after the shared sections)` : "");
    // each section's value reads the previous one's value (so the graph computes what it
    // did before the sections were described); its sos node reads the previous sos node
    let value = x;
    sg.sections.forEach((s, index) => {
      value = emitDf1(value, s, "bq");
      x = sectionNode(x, value, s, index, sg.sections.length, label);
    });
    end.push(x);
  }
  return outputs.map((_, j) => end[plan.pathSegments[j]![plan.pathSegments[j]!.length - 1]!]!);
}

/** How many dB the best realization's float32 estimate gains over direct form I (Infinity: df1 refused; null: no stable structure). */
function gainOverDf1(cascade: readonly Section[]): number | null {
  const len = Math.min(1 << 14, analysisLength(cascade));
  let best: number | null;
  try {
    best = chooseStructures(cascade, STRUCTURES, len).snrDb;
  } catch {
    best = null;
  }
  const df1 = estimateUniform(cascade, "df1", len);
  return best === null ? null : df1 === null ? Infinity : best - df1;
}

/** The transfer functions biquad-factor needs: those of the regions it can factor (an FFT's large MIMO region costs seconds). */
export function factorableTransfers(am: AnalysisManager, sampleRate: number, fir: boolean): RegionTransfer[] {
  return am.get(transferAnalysis, { "sample-rate": sampleRate, regions: fir ? "factorable" : "factorable-recursive" });
}

/** The pure function: factor every SISO lti region of `graph` given its transfer functions. */
export function biquadFactor(graph: SignalGraph, regions: RegionsResult, transfers: readonly RegionTransfer[], opts: FactorOptions = {}): FactorResult {
  const pairing = opts.pairing ?? "nearest";
  const order = opts.order ?? "up";
  const scale = opts.scale ?? "none";
  const sr = opts.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const spanOf = opts.spans ?? noSpans;
  const { name } = printSignalsNamed(graph.outputs, { localGroupNames: true });
  const where = (s: Sig) => {
    if (s.kind === "input") return `input ${s.index}`;
    const k = graph.outputs.findIndex((o) => o === s || (o.kind === "output" && o.x === s));
    return k >= 0 ? `output ${k}` : name(s);
  };
  const remarks: Diagnostic[] = [];
  const stats = { "regions-factored": 0, "regions-left-alone": 0, "stages-factored": 0, "sections-emitted": 0, "regions-guarded-by-sample-rate": 0 };
  const replaceOutput = new Map<Sig, Sig>(); // region output → its new form
  const all = reachable(graph.outputs);
  const recBodies = new Set<Sig>();
  for (const s of all) if (s.kind === "rec") for (const b of s.bodies) recBodies.add(b);
  const transferOf = new Map(transfers.map((t) => [t.region, t] as const));
  for (const r of regions.regions) {
    const span = [...r.outputs, ...r.members].map(spanOf).find((x) => x !== undefined);
    const leave = (reason: string) => {
      stats["regions-left-alone"]++;
      remarks.push(diag("FL821", { pass: PASS, nodes: r.members.length, reason }, span));
    };
    const pre = whyNotFactorable(r, regions, opts.fir ?? false);
    if (pre === null) continue; // no delay-line state (a plain gain or sum): nothing to factor
    if (pre !== undefined) {
      leave(pre);
      continue;
    }
    const t = transferOf.get(r);
    if (t === undefined) continue; // the caller computed no transfer function for it
    if (t.kind === "none") {
      leave(`no transfer function (${t.reason})`);
      continue;
    }
    if (t.kind === "ltv" || t.states === 0) continue;
    const input = r.inputs[0]!;
    // one (input, output) pair per output, each as the source factors it into stages
    const paths: { output: Sig; stages: readonly Stage<number>[] }[] = [];
    let missing: string | undefined;
    for (const output of r.outputs) {
      if (recBodies.has(output)) {
        missing = `${r.outputs.length > 1 ? `${where(output)}, ` : ""}its output is the body of a recursion around it`;
        break;
      }
      const pair = t.pairs.find((p) => p.input === input && p.output === output);
      if (!pair) {
        missing = `no path from its input to ${r.outputs.length > 1 ? where(output) : "its output"}`;
        break;
      }
      paths.push({ output, stages: pair.stages });
    }
    if (missing) {
      leave(missing);
      continue;
    }
    const allStages = paths.flatMap((p) => p.stages);
    if (opts.secondOrderOnly && (r.members.some((m) => m.kind === "sos") || allStages.some((st) => st.a.length > 3))) continue;
    const many = paths.length > 1;
    const named = (j: number, reason: string) => (many ? `${where(paths[j]!.output)}: ${reason}` : reason);
    const reasons: string[] = [];
    const planOpts = { pairing, order, scale, fir: opts.fir ?? false };
    const guardOf = (value: Sig, original: Sig, srNodes: readonly Sig[]) => {
      if (srNodes.length === 0) return value;
      // select2(SR != sr, cascade, original): the factored cascade at the rate it was computed for
      const guard = srNodes.map((n) => sig.ne(n, sig.float(sr))).reduce((p, q) => sig.or(p, q));
      return sig.select2(guard, value, original);
    };
    // the alternatives for each output: its path as one cascade (shared prefixes once), or its sum of branches kept apart
    const alternatives = paths.map(() => [] as Alternative[]);

    // ---- cascade: each output is decided on its own; a path that cannot be factored, or would not gain, keeps its source's form
    let kept = paths.map((_, j) => j).filter((j) => {
      if (!opts.fir && paths[j]!.stages.every(firStage)) {
        reasons.push(named(j, "a FIR filter (no recursion): kept as its direct-form taps (fir=false)"));
        return false;
      }
      return true;
    });
    let plan = kept.length ? planRegion(kept.map((j) => paths[j]!), planOpts) : undefined;
    if (typeof plan === "string") {
      if (kept.length === 1) reasons.push(named(kept[0]!, plan));
      else
        kept = kept.filter((j) => {
          const f = planRegion([paths[j]!], planOpts);
          if (typeof f === "string") reasons.push(named(j, f));
          return typeof f !== "string";
        });
      plan = kept.length && kept.length < paths.length ? planRegion(kept.map((j) => paths[j]!), planOpts) : undefined;
      if (typeof plan === "string") plan = undefined;
    }
    const minGain = opts.minGain ?? 0;
    if (plan) {
      const p0 = plan;
      const ok = kept.filter((j, i) => {
        const stages = paths[j]!.stages;
        if (!(minGain > 0 && stages.every((st) => st.a.length <= 3))) return true;
        // low-order stages as written are about as good as direct form I: rewrite only for a real gain
        const g = gainOverDf1(p0.pathSections(i));
        if (g !== null && g >= minGain) return true;
        reasons.push(named(j, `stages of order ≤ 2 whose best realization gains ${g === null ? "nothing" : `${g.toFixed(1)} dB`} over direct form I in float32 (estimate; min-gain ${minGain} dB)`));
        return false;
      });
      if (ok.length < kept.length) plan = ok.length ? (planRegion(ok.map((j) => paths[j]!), planOpts) as RegionPlan) : undefined;
      kept = ok;
    }
    if (plan) {
      const chosen = plan;
      const outs = kept.map((j) => paths[j]!.output);
      const values = emitPlan(chosen, input, outs, where);
      const used = (i: number) => chosen.pathSegments[i]!;
      kept.forEach((j, i) => {
        const p = paths[j]!;
        const srNodes = sampleRateNodes(pathMembers(p.output, r.members, regions), regions);
        const shared = used(i).filter((k) => kept.some((_, i2) => i2 !== i && used(i2).includes(k))).reduce((n, k) => n + chosen.segments[k]!.sections.length, 0);
        const orders = p.stages.map((st) => Math.max(st.a.length, 1) - 1);
        const cas = chosen.pathSections(i);
        const firCount = p.stages.filter((st) => !(opts.fir ?? false) && firStage(st)).length;
        const delay = chosen.pathDelay(i);
        const what =
          `${p.stages.length} stage${p.stages.length === 1 ? "" : "s"} (denominator orders ${orders.join(", ")}) → ${cas.length} section${cas.length === 1 ? "" : "s"}` +
          (firCount > 0 ? ` and ${firCount} FIR stage${firCount === 1 ? "" : "s"} kept as taps` : "") +
          (delay > 0 ? ` after a delay of ${delay}` : "") +
          ` (pairing ${pairing}, order ${order}, scale ${scale}); impulse response within ${chosen.err.toExponential(1)} of the exact one` +
          (chosen.directErr > 1e-6 ? ` (the source's own form in double misses it by ${chosen.directErr.toExponential(1)}: ill-conditioned)` : "") +
          (srNodes.length > 0 ? `; coefficients at ${sr} Hz, guarded by the sample rate` : "") +
          (shared > 0 ? `; ${shared} section${shared === 1 ? "" : "s"} shared with another output, emitted once` : "");
        alternatives[j]!.push({ value: guardOf(values[i]!, p.output, srNodes), what, stages: p.stages.length, sections: used(i).map((k) => chosen.segments[k]!.sections), guarded: srNodes.length > 0 });
      });
    }

    // ---- parallel: an output that is a sum of branches, each branch factored as an output of its own (measured only)
    if (opts.parallel && opts.measure)
      paths.forEach((p, j) => {
        const leaves = sumLeaves(p.output, r, regions);
        if (!leaves) return;
        const branches = leaves.filter((x) => x !== input);
        const sub = computeTransfer({ ...regions, regions: [{ ...r, outputs: branches }] }, { sampleRate: sr })[0];
        if (!sub || sub.kind !== "lti") return;
        const bpaths = branches.map((b) => ({ output: b, stages: sub.pairs.find((q) => q.input === input && q.output === b)?.stages ?? [] }));
        if (bpaths.some((b) => b.stages.length === 0)) return;
        // FIR branches stay as they are (a sum of taps); the others are factored
        const factored = bpaths.filter((b) => !b.stages.every(firStage) || opts.fir);
        if (factored.length === 0) return;
        const bplan = planRegion(factored, planOpts);
        if (typeof bplan === "string") return;
        const values = emitPlan(bplan, input, factored.map((b) => b.output), where);
        const srNodes = sampleRateNodes(pathMembers(p.output, r.members, regions), regions);
        const byLeaf = new Map(factored.map((b, i) => [b.output, values[i]!] as const));
        // Σ branches, the same sum in the same order, each branch replaced by its sections (H = Σ H_i)
        const value = substitute([p.output], (x) => byLeaf.get(x)).roots[0]!;
        const what =
          `a sum of ${leaves.length} branches (${factored.length} factored apart: ${factored.map((b) => b.stages.map((st) => Math.max(st.a.length, 1) - 1).join("·")).join(" + ")}) → ${bplan.sections} section${bplan.sections === 1 ? "" : "s"} in parallel` +
          ` (pairing ${pairing}, order ${order}, scale ${scale}); impulse response within ${bplan.err.toExponential(1)} of the exact one` +
          (srNodes.length > 0 ? `; coefficients at ${sr} Hz, guarded by the sample rate` : "");
        alternatives[j]!.push({ value: guardOf(value, p.output, srNodes), what, stages: bplan.stages, sections: bplan.segments.map((sg) => sg.sections), guarded: srNodes.length > 0 });
      });

    // ---- choose: by the measure (never worse), else the cascade
    const choice = new Map<number, { alt: Alternative; figures?: string }>();
    if (opts.measure) {
      const cand = paths.flatMap((p, j) => alternatives[j]!.map((a) => ({ j, a })));
      if (cand.length > 0) {
        const realized = realizeSections({ inputs: graph.inputs, outputs: cand.map((c) => c.a.value) }, "auto").roots;
        let m: RegionAccuracy[] | undefined;
        try {
          m = measureRegion([input], cand.map((c) => paths[c.j]!.output), realized, { sampleRate: sr });
        } catch (e) {
          reasons.push(`it cannot be measured alone (${(e as Error).message.split("\n")[0]})`);
        }
        const fmt = (x: number) => (Number.isNaN(x) ? "unstable" : x === Infinity ? "exact" : `${x.toFixed(1)} dB`);
        if (m)
          paths.forEach((_, j) => {
            let best: { k: number; snr: number } | undefined;
            const texts: string[] = [];
            cand.forEach((c, k) => {
              if (c.j !== j) return;
              const x = m![k]!;
              texts.push(`${fmt(x.candidate)} against ${fmt(x.source)} as written (impulse: ${fmt(x.impulse.candidate)} against ${fmt(x.impulse.source)})`);
              if (noWorse(x) && improves(x) && (!best || x.candidate > best.snr)) best = { k, snr: x.candidate };
            });
            if (best) choice.set(j, { alt: cand[best.k]!.a, figures: texts.length > 1 ? texts.join("; the other form: ") : texts[0] });
            else if (texts.length) reasons.push(named(j, `its sections would not be more accurate in float32 than the source's form (measured: ${texts.join("; ")})`));
          });
      }
    } else paths.forEach((_, j) => alternatives[j]![0] && choice.set(j, { alt: alternatives[j]![0]! }));
    if (choice.size === 0) {
      leave(reasons.length ? reasons.join("; ") : "nothing to factor");
      continue;
    }
    stats["regions-factored"]++;
    if ([...choice.values()].some((c) => c.alt.guarded)) stats["regions-guarded-by-sample-rate"]++;
    const emitted = new Set<readonly Section[]>();
    for (const [j, c] of [...choice.entries()].sort((x, y) => x[0] - y[0])) {
      const p = paths[j]!;
      replaceOutput.set(p.output, c.alt.value);
      stats["stages-factored"] += c.alt.stages;
      for (const cas of c.alt.sections) if (!emitted.has(cas)) (emitted.add(cas), (stats["sections-emitted"] += cas.length));
      remarks.push(diag("FL820", { pass: PASS, nodes: r.members.length, from: where(input), to: where(p.output), what: c.alt.what + (c.figures ? `; measured float32 SNR ${c.figures}` : "") }, spanOf(p.output) ?? span));
    }
    // the other outputs, each with why (FL825)
    for (const j of paths.keys()) {
      if (choice.has(j)) continue;
      const o = paths[j]!.output;
      const why = reasons.find((x) => x.startsWith(`${where(o)}: `))?.slice(where(o).length + 2) ?? "its sections were not needed";
      remarks.push(diag("FL825", { pass: PASS, nodes: r.members.length, from: where(input), to: where(o), reason: why }, spanOf(o) ?? span));
    }
  }
  if (replaceOutput.size === 0) return { roots: [...graph.outputs], stats, remarks };
  // replace the region output where it is read from outside the region (a guard reads the original itself)
  const regionOfOut = new Map<Sig, ReadonlySet<Sig>>();
  for (const t of transfers) {
    if (!t.region.outputs.some((o) => replaceOutput.has(o))) continue;
    const members = new Set(t.region.members);
    for (const o of t.region.outputs) if (replaceOutput.has(o)) regionOfOut.set(o, members);
  }
  const readers = new Map<Sig, Sig>();
  for (const s of all) {
    if (s.kind === "rec" || s.kind === "proj") continue;
    const cs = children(s);
    if (!cs.some((c) => replaceOutput.has(c) && !regionOfOut.get(c)!.has(s))) continue;
    readers.set(s, s);
  }
  // a graph output that is a region output becomes its replacement (rebuilt with the rest)
  const n = graph.outputs.length;
  const extra = graph.outputs.map((o) => replaceOutput.get(o) ?? o);
  const all2 = substitute([...graph.outputs, ...extra], (s) => {
    if (!readers.has(s)) return undefined;
    let rebuilt = s;
    for (const c of children(s)) {
      const nw = replaceOutput.get(c);
      if (nw && !regionOfOut.get(c)!.has(s)) rebuilt = replaceChild(rebuilt, c, nw);
    }
    return rebuilt;
  }).roots;
  const roots = graph.outputs.map((o, k) => (replaceOutput.has(o) ? all2[n + k]! : all2[k]!));
  return { roots, stats, remarks };
}

function replaceChild(s: Sig, from: Sig, to: Sig): Sig {
  return mapChildren(s, (c) => (c === from ? to : c));
}

export const biquadFactorPass = definePass({
  name: "biquad-factor",
  summary: "factor each single-input single-output constant linear region into second-order sections (stage by stage as the source factors it), emitted as direct-form-I recursions",
  options: {
    pairing: enumOption(["nearest", "keep_odd"], "nearest", "pole-zero pairing (scipy's zpk2sos)"),
    order: enumOption(["up", "down", "keep"], "up", "section order: poles closest to the unit circle last (up), first (down), or the source's stage order (keep)"),
    scale: enumOption(["none", "l2", "linf"], "none", "Jackson scaling of the partial cascades"),
    "sample-rate": intOption(DEFAULT_SAMPLE_RATE, "the sample rate at which constant coefficients are evaluated (guarded at run time)", { min: 1 }),
    fir: boolOption(false, "factor FIR stages too (default: they stay direct-form taps)"),
    precisions: enumOption(["single", "all"], "single", "rewrite programs compiled in single precision only (in double the source's structure is accurate and its rounding is kept), or all"),
    "min-gain": floatOption(0, "rewrite regions of order-2 stages only when the float32 estimate gains this many dB over direct form I", { min: 0 }),
    parallel: boolOption(false, "with measure: also try an output that is a sum of branches (banks, shelves, crossovers) as its branches factored apart, and keep the form that measures best"),
    measure: boolOption(false, "never worse: rewrite a region only when its realization (realize, auto) measures better in float32 than the source's form (noise and a unit impulse, 8192 samples each; no worse on either)"),
  },
  semantics: { exact: false, tolerance: 1e-6, finiteOnly: true, why: "the sections are the roots of each stage's double coefficients, checked to reproduce its impulse response within 1e-8 of its peak; the rounding of the new arithmetic differs" },
  run(graph, am, opts) {
    if (opts.precisions === "single" && am.context.precision === "double")
      return unchanged(graph, {}, [diag("FL824", { pass: "biquad-factor" })]);
    const regions = am.get(ltiRegionsAnalysis);
    const transfers = factorableTransfers(am, opts["sample-rate"], opts.fir);
    const r = biquadFactor(graph, regions, transfers, { pairing: opts.pairing, order: opts.order, scale: opts.scale, sampleRate: opts["sample-rate"], fir: opts.fir, minGain: opts["min-gain"], measure: opts.measure, parallel: opts.parallel, spans: am.context.spans?.lookup });
    const outputs = r.roots;
    return rewritten(graph, outputs, [], r.stats, r.remarks);
  },
});

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
import { ltiRegionsAnalysis, whyNotFactorable, type RegionsResult } from "../analyses/lti-regions.ts";
import { DEFAULT_SAMPLE_RATE, transferAnalysis, type RegionTransfer, type Stage } from "../analyses/transfer.ts";
import { cabs } from "../analyses/zdomain/complex.ts";
import { impulseResponse, impulseResponseDD } from "../analyses/zdomain/poly.ts";
import { type Section, filterCascadeDF1, scaleSections, tfToSos } from "../analyses/zdomain/sos.ts";
import { analysisLength, chooseStructures, estimateUniform } from "../analyses/zdomain/errors.ts";
import { STRUCTURES } from "../analyses/zdomain/structures.ts";
import { boolOption, definePass, enumOption, floatOption, intOption, rewritten, unchanged } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";
import { sectionNode } from "./sections.ts";

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
    const output = r.outputs[0]!;
    if (recBodies.has(output)) {
      leave("its output is the body of a recursion around it");
      continue;
    }
    const pair = t.pairs.find((p) => p.input === input && p.output === output);
    if (!pair) {
      leave("no path from its input to its output");
      continue;
    }
    if (opts.secondOrderOnly && (r.members.some((m) => m.kind === "sos") || pair.stages.some((st) => st.a.length > 3))) continue;
    const firStage = (st: Stage<number>) => st.a.length <= 1;
    if (!opts.fir && pair.stages.every(firStage)) {
      leave("a FIR filter (no recursion): kept as its direct-form taps (fir=false)");
      continue;
    }
    let delay = 0;
    const sections: Section[] = [];
    const firTaps: number[][] = [];
    let failure: string | undefined;
    let err = 0, directErr = 0;
    for (const [k, st] of pair.stages.entries()) {
      if (!opts.fir && firStage(st)) {
        firTaps.push([...st.b]);
        continue;
      }
      const f = factorStage(st, pairing);
      if (typeof f === "string") {
        failure = `stage ${k + 1} of ${pair.stages.length}: ${f}`;
        break;
      }
      if (f.err > CHECK_TOLERANCE) {
        failure = `stage ${k + 1} of ${pair.stages.length}: its sections miss its impulse response by ${f.err.toExponential(1)} of the peak`;
        break;
      }
      delay += f.delay;
      sections.push(...f.sections);
      err = Math.max(err, f.err);
      directErr = Math.max(directErr, f.directErr);
    }
    if (failure) {
      leave(failure);
      continue;
    }
    let cascade = sections;
    if (order !== "keep") {
      // 'up': poles closest to the unit circle last (stable sort); 'down' reverses
      const idx = cascade.map((s, i) => [poleRadius(s), i] as const).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
      cascade = idx.map(([, i]) => sections[i]!);
      if (order === "down") cascade.reverse();
    }
    if (scale !== "none" && cascade.length > 1) cascade = [...scaleSections({ sections: cascade, delay: 0 }, scale).sections];
    const minGain = opts.minGain ?? 0;
    if (minGain > 0 && pair.stages.every((st) => st.a.length <= 3)) {
      // low-order stages as written are about as good as direct form I: rewrite only for a real gain
      const len = Math.min(1 << 14, analysisLength(cascade));
      let best: number | null = null;
      try {
        best = chooseStructures(cascade, STRUCTURES, len).snrDb;
      } catch {
        best = null;
      }
      const df1 = estimateUniform(cascade, "df1", len);
      if (best === null || (df1 !== null && best < df1 + minGain)) {
        leave(`stages of order ≤ 2 whose best realization gains ${best === null ? "nothing" : `${(best - (df1 ?? -Infinity)).toFixed(1)} dB`} over direct form I in float32 (estimate; min-gain ${minGain} dB)`);
        continue;
      }
    }
    const label = `${where(input)} to ${where(output)}`;
    let x: Sig = delay > 0 ? sig.delay(input, sig.int(delay)) : input;
    // FIR stages first (LTI stages commute): b0 x + b1 x[n-1] + … in tap order
    for (const taps of firTaps) x = emitTaps(x, taps);
    // each section's value reads the previous one's value (so the graph computes what it
    // did before the sections were described); its sos node reads the previous sos node
    let value = x;
    cascade.forEach((s, index) => {
      value = emitDf1(value, s, "bq");
      x = sectionNode(x, value, s, index, cascade.length, label);
    });
    const srNodes = sampleRateNodes(r.members, regions);
    let replacement = x;
    if (srNodes.length > 0) {
      // select2(SR != sr, cascade, original): the factored cascade at the rate it was computed for
      const guard = srNodes.map((n) => sig.ne(n, sig.float(sr))).reduce((p, q) => sig.or(p, q));
      replacement = sig.select2(guard, x, output);
      stats["regions-guarded-by-sample-rate"]++;
    }
    replaceOutput.set(output, replacement);
    stats["regions-factored"]++;
    stats["stages-factored"] += pair.stages.length;
    stats["sections-emitted"] += cascade.length;
    const orders = pair.stages.map((st) => Math.max(st.a.length, 1) - 1);
    const what =
      `${pair.stages.length} stage${pair.stages.length === 1 ? "" : "s"} (denominator orders ${orders.join(", ")}) → ${cascade.length} section${cascade.length === 1 ? "" : "s"}` +
      (firTaps.length > 0 ? ` and ${firTaps.length} FIR stage${firTaps.length === 1 ? "" : "s"} kept as taps` : "") +
      (delay > 0 ? ` after a delay of ${delay}` : "") +
      ` (pairing ${pairing}, order ${order}, scale ${scale}); impulse response within ${err.toExponential(1)} of the exact one` +
      (directErr > 1e-6 ? ` (the source's own form in double misses it by ${directErr.toExponential(1)}: ill-conditioned)` : "") +
      (srNodes.length > 0 ? `; coefficients at ${sr} Hz, guarded by the sample rate` : "");
    remarks.push(diag("FL820", { pass: PASS, nodes: r.members.length, from: where(input), to: where(output), what }, spanOf(output) ?? span));
  }
  if (replaceOutput.size === 0) return { roots: [...graph.outputs], stats, remarks };
  // replace the region output where it is read from outside the region (a guard reads the original itself)
  const regionOfOut = new Map<Sig, ReadonlySet<Sig>>();
  for (const t of transfers) if (replaceOutput.has(t.region.outputs[0]!)) regionOfOut.set(t.region.outputs[0]!, new Set(t.region.members));
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
  },
  semantics: { exact: false, tolerance: 1e-6, finiteOnly: true, why: "the sections are the roots of each stage's double coefficients, checked to reproduce its impulse response within 1e-8 of its peak; the rounding of the new arithmetic differs" },
  run(graph, am, opts) {
    if (opts.precisions === "single" && am.context.precision === "double")
      return unchanged(graph, {}, [diag("FL824", { pass: "biquad-factor" })]);
    const regions = am.get(ltiRegionsAnalysis);
    const transfers = factorableTransfers(am, opts["sample-rate"], opts.fir);
    const r = biquadFactor(graph, regions, transfers, { pairing: opts.pairing, order: opts.order, scale: opts.scale, sampleRate: opts["sample-rate"], fir: opts.fir, minGain: opts["min-gain"], spans: am.context.spans?.lookup });
    const outputs = r.roots;
    return rewritten(graph, outputs, [], r.stats, r.remarks);
  },
});

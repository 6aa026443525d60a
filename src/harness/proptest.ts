// Property tests of anyone's pipeline (`faustlab proptest -passes P`): the
// semantic property of passes/semantics.test.ts — random well-formed signal
// graphs, the outputs after P within the bound P declares — run on a whole
// pipeline, built-in or loaded with -load-pass, with fast-check's shrinking,
// so a failure comes back as a small graph in signal IR text ready to paste
// into a golden test (passes/tests/*.sig).
//
//   pipelinePass(text, registry) → AnyPass    the pipeline as one pass; its bound combines its passes'
//   runProptest(opts) → ProptestResult         runs, seed, the shrunk counterexample and a golden-test text
//
// The bound of a pipeline: exact when every pass is; otherwise the sum of
// the tolerances (relative errors of successive passes add, to first order),
// finite values only if any pass says so, controls held if any pass needs it.

import fc from "fast-check";
import { DiagnosticError } from "../core/diagnostics.ts";
import { normalize } from "../chain/normalize/normalize.ts";
import type { SignalGraph } from "../core/signals/graph.ts";
import { runPipeline } from "../../passes/manager.ts";
import { definePass, type AnyPass, type Semantics } from "../../passes/pass.ts";
import type { PassInstance, PassRegistry } from "../../passes/pipeline.ts";
import { instances, registry as builtin } from "../../passes/registry.ts";
import { arbPassGraph, arbSignalGraph } from "./arbitrary/signals.ts";
import { arbStimulus, formatCounterexample, runSemanticsCheck, type Counterexample } from "./semantics.ts";

/** The combined promise of a sequence of passes. */
export function pipelineSemantics(insts: readonly PassInstance[]): Semantics {
  if (insts.every((i) => i.pass.semantics.exact)) return { exact: true };
  let tolerance = 0;
  let finiteOnly = false;
  let controlsHeld = false;
  const why: string[] = [];
  for (const i of insts) {
    const s = i.pass.semantics;
    if (s.exact) continue;
    tolerance += s.tolerance;
    finiteOnly ||= s.finiteOnly;
    controlsHeld ||= !!s.controlsHeld;
    why.push(`${i.pass.name}: ${s.why}`);
  }
  return { exact: false, tolerance, finiteOnly, controlsHeld, why: why.join("; ") };
}

/** A pipeline as a single pass (its text as name), so the semantic checker runs it as it runs one pass. */
export function pipelinePass(text: string, registry: PassRegistry = builtin): AnyPass {
  const insts = instances(text, registry);
  return definePass({
    name: text,
    summary: `the pipeline '${text}'`,
    options: {},
    semantics: pipelineSemantics(insts),
    run(graph) {
      const r = runPipeline(graph, insts, { debug: true });
      const changed = r.records.some((x) => x.changed);
      const stats: Record<string, number> = {};
      for (const rec of r.records) for (const [k, v] of Object.entries(rec.stats)) stats[`${rec.pass}.${k}`] = v;
      return changed ? { changed, graph: r.graph, preserves: [], stats } : { changed: false, graph, preserves: "all", stats };
    },
  });
}

/** Normalized first (as the driver does before any pipeline), when normalization accepts it. */
function prepared(g: SignalGraph, pre: boolean): SignalGraph {
  if (!pre) return g;
  try {
    return { inputs: g.inputs, outputs: normalize(g.outputs) };
  } catch (e) {
    if (e instanceof DiagnosticError) return g;
    throw e;
  }
}

/** The graphs of the property: mostly built to give passes work, some general ones, a third normalized first. */
export function proptestGraphs(): fc.Arbitrary<SignalGraph> {
  return fc
    .tuple(fc.oneof({ weight: 4, arbitrary: arbPassGraph() }, { weight: 1, arbitrary: arbSignalGraph().map((outputs): SignalGraph => ({ inputs: 2, outputs })) }), fc.nat(2))
    .map(([g, pre]) => prepared(g, pre === 0));
}

export interface ProptestOptions {
  readonly pipeline: string;
  readonly registry?: PassRegistry;
  /** Random graphs to try (default 100). */
  readonly runs?: number;
  /** fast-check's seed (default 1): the same seed replays the same graphs. */
  readonly seed?: number;
  /** Samples each graph is evaluated for (default 256). */
  readonly samples?: number;
}

export interface ProptestResult {
  readonly pipeline: string;
  readonly runs: number;
  readonly seed: number;
  /** Graphs the pipeline changed (a property that never changes anything tests nothing). */
  readonly changed: number;
  readonly counterexample?: Counterexample;
  /** fast-check's shrinking steps to reach it. */
  readonly shrinks?: number;
  /** The shrunk counterexample as a golden test (signal IR with RUN/CHECK comment lines). */
  readonly golden?: string;
}

/** The original graph of a counterexample, as a golden test file of passes/tests/. */
export function goldenText(pipeline: string, cx: Counterexample, seed: number): string {
  const head = [
    `; proptest counterexample (seed ${seed}): ${formatCounterexample(cx).split("\n")[0]}`,
    ...(cx.kind === "values" ? [`; stimulus ${JSON.stringify(cx.stimulus)}: output ${cx.output}, sample ${cx.sample}: ${cx.before} before, ${cx.after} after`] : []),
    `; RUN: faustlab opt %s -passes '${pipeline}'`,
    `; (add the CHECK lines the pipeline's output should match)`,
  ];
  // cx.graph starts with "; inputs: N": a comment the signal IR reader takes the input count from
  return head.join("\n") + "\n" + cx.graph.replace(/^; inputs: (\d+)/, (_m, n: string) => `; ${n} input${n === "1" ? "" : "s"}`);
}

export function runProptest(opts: ProptestOptions): ProptestResult {
  const runs = opts.runs ?? 100;
  const seed = opts.seed ?? 1;
  const pass = pipelinePass(opts.pipeline, opts.registry);
  let changed = 0;
  const r = fc.check(
    fc.property(proptestGraphs(), arbStimulus(opts.samples), (g, s) => {
      const o = runSemanticsCheck(pass, {}, g, s);
      if (o.changed) changed++;
      return o.counterexample === undefined;
    }),
    { numRuns: runs, seed },
  );
  if (!r.failed || !r.counterexample) return { pipeline: opts.pipeline, runs: r.numRuns, seed, changed };
  const [g, s] = r.counterexample;
  const cx = runSemanticsCheck(pass, {}, g, s).counterexample!;
  return { pipeline: opts.pipeline, runs: r.numRuns, seed, changed, counterexample: cx, shrinks: r.numShrinks, golden: goldenText(opts.pipeline, cx, seed) };
}

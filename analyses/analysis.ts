// Analyses: facts about a signal graph that passes ask for, computed lazily
// and cached per graph.
//
//   interface Analysis<T, P>    a kebab-case name, a one-line summary, its parameters with
//                               their defaults (`params`, e.g. a sample rate), `compute(graph,
//                               am, params)` and `print(result, ctx)` (what `print<name>` shows)
//   class AnalysisManager       `get(analysis, params?)` computes once per (graph, analysis,
//                               parameters); `advance(newGraph, preserved)` moves to the
//                               graph a pass returned, keeping only the results the pass says
//                               it preserves, by identity (the analysis objects, never their
//                               names; all parameter sets of a preserved analysis)
//
// A SignalGraph is immutable and a pass that changes nothing returns the same
// object, so "the same graph" is object identity. Results of analyses are
// read-only by contract.

import type { SignalGraph } from "../src/core/signals/graph.ts";
import type { Sig } from "../src/core/signals/signal.ts";
import type { SpanTable } from "../src/core/spans.ts";
import type { Strategy } from "../src/core/schedule.ts";

/** How printed analysis results name the nodes: the local names (`%3`) of the graph's canonical text. */
export interface PrintContext {
  readonly graph: SignalGraph;
  /** The name of a node in `printSignals(graph.outputs, {localGroupNames: true})`. */
  name(s: Sig): string;
}

/** The parameters of an analysis: plain values, so that a set of them has a canonical key. */
export type AnalysisParams = Readonly<Record<string, number | string | boolean>>;

export interface Analysis<T, P extends AnalysisParams = AnalysisParams> {
  /** kebab-case, unique in the registry (`print<name>` refers to it). */
  readonly name: string;
  readonly summary: string;
  /** The parameters and their defaults (none: the analysis takes no parameter). */
  readonly params?: P;
  compute(graph: SignalGraph, am: AnalysisManager, params: P): T;
  /** A deterministic text for golden tests (node names from `ctx`). */
  print(result: T, ctx: PrintContext): string;
}

/** What the pipeline runs for: the sample precision of the program being compiled, when known. */
export interface PipelineContext {
  readonly precision?: "single" | "double";
  /** The compilation's source spans (passes read them for remarks and record those of the nodes they make). */
  readonly spans?: SpanTable<Sig>;
  /** The scheduling strategy of the compilation (-ss N), for the `schedule` analysis's default. */
  readonly schedule?: Strategy;
  /** Lockstep bundles in the schedule (default true; -no-lockstep). */
  readonly lockstep?: boolean;
}

/** What a pass keeps valid: every analysis, or those listed (by identity: the analysis objects). */
export type Preserved = "all" | readonly Analysis<unknown>[];

/** The canonical key of a parameter set: its entries sorted by name. */
function paramsKey(p: AnalysisParams): string {
  return JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
}

export class AnalysisManager {
  /** Results of the current graph, per analysis, per parameter set (its canonical key). */
  private results = new Map<Analysis<unknown>, Map<string, unknown>>();
  /** Number of analysis computations (not cache hits), for statistics and tests. */
  computations = 0;

  constructor(
    private current: SignalGraph,
    /** The compilation's context (precision), for passes whose decisions depend on it. */
    readonly context: PipelineContext = {},
  ) {}

  get graph(): SignalGraph {
    return this.current;
  }

  /**
   * The result of `a` on the current graph with `params` (the analysis's
   * defaults for those not given), computed at most once per graph and
   * parameter set. A parameter the analysis does not declare is an error.
   */
  get<T, P extends AnalysisParams>(a: Analysis<T, P>, params: Partial<P> = {}): T {
    for (const k of Object.keys(params))
      if (!a.params || !(k in a.params)) throw new RangeError(`analysis ${a.name} has no parameter '${k}'`);
    const full = { ...(a.params ?? {}), ...params } as P;
    const key = paramsKey(full);
    let byParams = this.results.get(a as unknown as Analysis<unknown>);
    if (byParams?.has(key)) return byParams.get(key) as T;
    this.computations++;
    const r = a.compute(this.current, this, full);
    if (!byParams) this.results.set(a as unknown as Analysis<unknown>, (byParams = new Map()));
    byParams.set(key, r);
    return r;
  }

  /** Is a result of `a` (with these parameters, or any when none are given) cached for the current graph? */
  cached<P extends AnalysisParams>(a: Analysis<unknown, P>, params?: Partial<P>): boolean {
    const byParams = this.results.get(a as unknown as Analysis<unknown>);
    if (!byParams) return false;
    return params === undefined ? byParams.size > 0 : byParams.has(paramsKey({ ...(a.params ?? {}), ...params }));
  }

  /**
   * Moves to `next`, the graph a pass returned. The same graph keeps every
   * result; a new one keeps those of the analyses in `preserved`.
   */
  advance(next: SignalGraph, preserved: Preserved): void {
    if (next === this.current) return;
    this.current = next;
    if (preserved === "all") return;
    const keep = new Set<Analysis<unknown>>(preserved);
    for (const a of [...this.results.keys()]) if (!keep.has(a)) this.results.delete(a);
  }
}

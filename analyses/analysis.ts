// Analyses: facts about a signal graph that passes ask for, computed lazily
// and cached per graph.
//
//   interface Analysis<T>       a kebab-case name, a one-line summary, `compute(graph, am)`
//                               and `print(result, ctx)` (what `print<name>` shows)
//   class AnalysisManager       `get(analysis)` computes once per graph; `advance(newGraph,
//                               preserved)` moves to the graph a pass returned, keeping only
//                               the results the pass says it preserves
//
// A SignalGraph is immutable and a pass that changes nothing returns the same
// object, so "the same graph" is object identity. Results of analyses are
// read-only by contract.

import type { SignalGraph } from "../src/core/signals/graph.ts";
import type { Sig } from "../src/core/signals/signal.ts";

/** How printed analysis results name the nodes: the local names (`%3`) of the graph's canonical text. */
export interface PrintContext {
  readonly graph: SignalGraph;
  /** The name of a node in `printSignals(graph.outputs, {localGroupNames: true})`. */
  name(s: Sig): string;
}

export interface Analysis<T> {
  /** kebab-case, unique in the registry (`print<name>` refers to it). */
  readonly name: string;
  readonly summary: string;
  compute(graph: SignalGraph, am: AnalysisManager): T;
  /** A deterministic text for golden tests (node names from `ctx`). */
  print(result: T, ctx: PrintContext): string;
}

/** What the pipeline runs for: the sample precision of the program being compiled, when known. */
export interface PipelineContext {
  readonly precision?: "single" | "double";
}

/** What a pass keeps valid: every analysis, or those named. */
export type Preserved = "all" | readonly string[];

export class AnalysisManager {
  private results = new Map<Analysis<unknown>, unknown>();
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

  /** The result of `a` on the current graph, computed at most once per graph. */
  get<T>(a: Analysis<T>): T {
    if (this.results.has(a as Analysis<unknown>)) return this.results.get(a as Analysis<unknown>) as T;
    this.computations++;
    const r = a.compute(this.current, this);
    this.results.set(a as Analysis<unknown>, r);
    return r;
  }

  /** Is a result of `a` cached for the current graph? */
  cached(a: Analysis<unknown>): boolean {
    return this.results.has(a);
  }

  /**
   * Moves to `next`, the graph a pass returned. The same graph keeps every
   * result; a new one keeps those of the analyses in `preserved`.
   */
  advance(next: SignalGraph, preserved: Preserved): void {
    if (next === this.current) return;
    this.current = next;
    if (preserved === "all") return;
    const keep = new Set(preserved);
    for (const a of [...this.results.keys()]) if (!keep.has(a.name)) this.results.delete(a);
  }
}

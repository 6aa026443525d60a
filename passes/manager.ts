// The pass manager: runs a flattened pipeline over a signal graph.
//
//   runPipeline(graph, instances, opts) → PipelineRun
//
// For each pass: run it on the current graph with the shared AnalysisManager,
// move the analysis cache to the graph it returns (keeping the analyses it
// preserves, by identity), and collect its statistics and remarks. Everything
// else is instrumentation (LLVM's PassInstrumentation): callbacks the manager
// calls before the pipeline, before and after every pass, each knowing
// nothing of any pass by name. The standard ones:
//
//   timing        the wall time of each pass (PassRecord.milliseconds, `-time-passes`)
//   verification  debug mode (`debug` option, FAUSTLAB_DEBUG=1, on in tests): the
//                 input graph is verified before any pass (its FL57x problems are
//                 its own; `verifyInput: false` skips it), the graph after every pass (`verifySignals`, the input
//                 count, the number of outputs, the honesty of `changed`), naming
//                 the pass that broke it (FL705)
//   printing      the graph's text after every pass (`-print-after-all`), except
//                 after a pass that printed and changed nothing (a `print` pass)
//
// `instrumentations` adds more. Before-callbacks run in order, after-callbacks
// in reverse order (each brackets the ones after it), so timing, installed
// last, measures the pass alone. A pass that throws a DiagnosticError (a
// program it must reject) stops the pipeline with that error; any other
// exception is a bug, reported as FL707 naming the pass.

import { performance } from "node:perf_hooks";
import { AnalysisManager, type PipelineContext } from "../analyses/analysis.ts";
import { debugMode } from "../src/core/debug.ts";
import { DiagnosticError, diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { reachable, type SignalGraph } from "../src/core/signals/graph.ts";
import { printSignals } from "../src/core/signals/print.ts";
import { verifySignals } from "../src/core/signals/verify.ts";
import type { PassResult } from "./pass.ts";
import type { PassInstance } from "./pipeline.ts";

/** Callbacks of the manager around a pipeline run; any may throw a DiagnosticError to stop it. */
export interface Instrumentation {
  readonly name: string;
  /** Before the first pass, with the input graph. */
  beforePipeline?(graph: SignalGraph): void;
  /** Before each pass, with the graph it is given. */
  beforePass?(pass: PassInstance, graph: SignalGraph): void;
  /** After each pass, with the graph it was given and what it returned. */
  afterPass?(pass: PassInstance, before: SignalGraph, result: PassResult): void;
}

export interface RunOptions {
  /**
   * Debug mode: verify the input and the graph after every pass. Default: the
   * process's debug switch (FAUSTLAB_DEBUG, src/core/debug.ts).
   */
  readonly debug?: boolean;
  /**
   * In debug mode, verify the input graph too (default). The driver's
   * normalization turns it off: propagation's signals are not normal yet (a
   * table's size may still be an expression normalize folds).
   */
  readonly verifyInput?: boolean;
  /** Called with the graph's text after every pass (`-print-after-all`). */
  readonly printAfter?: (pass: string, text: string) => void;
  /** The compilation's context (precision), given to the passes through the analysis manager. */
  readonly context?: PipelineContext;
  /** Called with the text a pass prints (the `print` pseudo-pass). */
  readonly onText?: (text: string) => void;
  /** More instrumentation, called after the standard verification and printing, before timing. */
  readonly instrumentations?: readonly Instrumentation[];
}

export interface PassRecord {
  /** The element's canonical text. */
  readonly pass: string;
  readonly changed: boolean;
  readonly stats: Readonly<Record<string, number>>;
  /** Wall time of the pass, from the timing instrumentation. */
  readonly milliseconds: number;
  readonly remarks: readonly Diagnostic[];
}

export interface PipelineRun {
  readonly graph: SignalGraph;
  readonly records: readonly PassRecord[];
  readonly analyses: AnalysisManager;
}

/** Problems of `after` as the result of a pass run on `before` (empty when it is well formed). */
export function checkGraph(before: SignalGraph, after: SignalGraph, changed: boolean): string[] {
  const problems: string[] = [];
  if (after.inputs !== before.inputs) problems.push(`it has ${after.inputs} inputs instead of ${before.inputs}`);
  if (after.outputs.length !== before.outputs.length) problems.push(`it has ${after.outputs.length} outputs instead of ${before.outputs.length}`);
  if (!changed && after !== before) problems.push("it returned a new graph but said nothing changed");
  if (changed && after === before) problems.push("it said the graph changed but returned the same graph");
  const bad = verifySignals(after.outputs);
  for (const p of bad.slice(0, 5)) problems.push(`${p.diagnostic.code}: ${p.diagnostic.message}`);
  if (bad.length > 5) problems.push(`and ${bad.length - 5} more problems`);
  if (!bad.length)
    for (const s of reachable(after.outputs))
      if (s.kind === "input" && s.index >= after.inputs) {
        problems.push(`it reads input ${s.index} of a program with ${after.inputs} inputs`);
        break;
      }
  return problems;
}

/** Debug-mode verification: an ill-formed input is the input's fault (FL57x); a pass that breaks the graph is named (FL705). */
export function verification(opts: { readonly input?: boolean } = {}): Instrumentation {
  return {
    name: "verification",
    beforePipeline(graph) {
      if (opts.input === false) return;
      const bad = verifySignals(graph.outputs);
      if (bad.length) throw new DiagnosticError(bad.slice(0, 5).map((p) => p.diagnostic));
    },
    afterPass(pass, before, r) {
      const problems = checkGraph(before, r.graph, r.changed);
      if (problems.length) throw new DiagnosticError([diag("FL705", { pass: pass.text, detail: problems.join("; ") })]);
    },
  };
}

/** `-print-after-all`: the graph's canonical text after every pass but those that printed and changed nothing. */
export function printing(print: (pass: string, text: string) => void): Instrumentation {
  return {
    name: "printing",
    afterPass(pass, _before, r) {
      if (!r.changed && r.text !== undefined) return;
      print(pass.text, printSignals(r.graph.outputs, { localGroupNames: true }));
    },
  };
}

/** Wall time of each pass; `last` is the time of the pass that just ran. */
export class PassTimer implements Instrumentation {
  readonly name = "timing";
  last = 0;
  private t0 = 0;
  beforePass(): void {
    this.t0 = performance.now();
  }
  afterPass(): void {
    this.last = performance.now() - this.t0;
  }
}

export function runPipeline(graph: SignalGraph, instances: readonly PassInstance[], opts: RunOptions = {}): PipelineRun {
  const timer = new PassTimer();
  const hooks: Instrumentation[] = [
    ...(opts.printAfter ? [printing(opts.printAfter)] : []),
    ...(opts.debug ?? debugMode() ? [verification({ input: opts.verifyInput })] : []),
    ...(opts.instrumentations ?? []),
    timer,
  ];
  const reversed = [...hooks].reverse();
  for (const h of hooks) h.beforePipeline?.(graph);
  const am = new AnalysisManager(graph, opts.context);
  const records: PassRecord[] = [];
  let current = graph;
  for (const inst of instances) {
    for (const h of hooks) h.beforePass?.(inst, current);
    let r: PassResult;
    try {
      r = inst.pass.run(current, am, inst.options as never);
    } catch (e) {
      if (e instanceof DiagnosticError) throw e;
      throw new DiagnosticError([diag("FL707", { pass: inst.text, detail: (e as Error)?.message ?? String(e) })]);
    }
    for (const h of reversed) h.afterPass?.(inst, current, r);
    am.advance(r.graph, r.changed ? r.preserves : "all");
    current = r.graph;
    records.push({ pass: inst.text, changed: r.changed, stats: r.stats, milliseconds: timer.last, remarks: r.remarks ?? [] });
    if (r.text !== undefined) opts.onText?.(r.text);
  }
  return { graph: current, records, analyses: am };
}

/** `-stats`: one line per counter, LLVM style (`   3 cse - groups-merged`), in pipeline order. */
export function formatStats(records: readonly PassRecord[]): string {
  const rows: [string, string, string][] = [];
  for (const r of records) for (const [k, v] of Object.entries(r.stats)) rows.push([String(v), r.pass, k]);
  if (!rows.length) return "no statistics\n";
  const w = Math.max(...rows.map((x) => x[0].length));
  return rows.map(([v, p, k]) => `${v.padStart(w)} ${p} - ${k}`).join("\n") + "\n";
}

/** `-time-passes`: wall time per pass and its share of the total. */
export function formatTimes(records: readonly PassRecord[]): string {
  const total = records.reduce((a, r) => a + r.milliseconds, 0);
  const lines = records.map((r) => `${r.milliseconds.toFixed(3).padStart(10)} ms ${(total ? (100 * r.milliseconds) / total : 0).toFixed(1).padStart(5)}%  ${r.pass}`);
  lines.push(`${total.toFixed(3).padStart(10)} ms 100.0%  total`);
  return lines.join("\n") + "\n";
}

// The pass manager: runs a flattened pipeline over a signal graph.
//
//   runPipeline(graph, instances, opts) → PipelineRun
//
// For each pass: run it on the current graph with the shared AnalysisManager,
// move the analysis cache to the graph it returns (keeping what it
// preserves), collect its statistics, time and remarks, print the graph after
// it when asked, and in debug mode verify the graph (`verifySignals`, the
// input count, the number of outputs, the honesty of `changed`) and name the
// pass that broke it (FL705); an ill-formed input graph is reported as such
// (its FL57x problems) before any pass runs. A pass that throws a DiagnosticError (a
// program it must reject) stops the pipeline with that error; any other
// exception is reported as FL707 naming the pass.

import { performance } from "node:perf_hooks";
import { AnalysisManager, type PipelineContext } from "../analyses/analysis.ts";
import { DiagnosticError, diag, type Diagnostic } from "../src/core/diagnostics.ts";
import { reachable, type SignalGraph } from "../src/core/signals/graph.ts";
import { printSignals } from "../src/core/signals/print.ts";
import { verifySignals } from "../src/core/signals/verify.ts";
import type { PassInstance } from "./pipeline.ts";

export interface RunOptions {
  /** Verify the graph after every pass (debug mode). */
  readonly verify?: boolean;
  /** Called with the graph's text after every pass (`-print-after-all`). */
  readonly printAfter?: (pass: string, text: string) => void;
  /** The compilation's context (precision), given to the passes through the analysis manager. */
  readonly context?: PipelineContext;
  /** Called with the text a pass prints (the `print` pseudo-pass). */
  readonly onText?: (text: string) => void;
}

export interface PassRecord {
  /** The element's canonical text. */
  readonly pass: string;
  readonly changed: boolean;
  readonly stats: Readonly<Record<string, number>>;
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

export function runPipeline(graph: SignalGraph, instances: readonly PassInstance[], opts: RunOptions = {}): PipelineRun {
  if (opts.verify) {
    // an ill-formed input is the input's fault, not the first pass's
    const bad = verifySignals(graph.outputs);
    if (bad.length) throw new DiagnosticError(bad.slice(0, 5).map((p) => p.diagnostic));
  }
  const am = new AnalysisManager(graph, opts.context);
  const records: PassRecord[] = [];
  let current = graph;
  for (const inst of instances) {
    const t0 = performance.now();
    let r;
    try {
      r = inst.pass.run(current, am, inst.options as never);
    } catch (e) {
      if (e instanceof DiagnosticError) throw e;
      throw new DiagnosticError([diag("FL707", { pass: inst.text, detail: (e as Error)?.message ?? String(e) })]);
    }
    const ms = performance.now() - t0;
    if (opts.verify) {
      const problems = checkGraph(current, r.graph, r.changed);
      if (problems.length) throw new DiagnosticError([diag("FL705", { pass: inst.text, detail: problems.join("; ") })]);
    }
    am.advance(r.graph, r.changed ? r.preserves : "all");
    current = r.graph;
    records.push({ pass: inst.text, changed: r.changed, stats: r.stats, milliseconds: ms, remarks: r.remarks ?? [] });
    if (r.text !== undefined) opts.onText?.(r.text);
    if (inst.pass.name !== "print") opts.printAfter?.(inst.text, printSignals(current.outputs, { localGroupNames: true }));
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

// The compilation driver: source → boxes → evaluated block diagram → signals
// → normalized, checked signals with their user interface. Each stage's
// problems come back as diagnostics; `compileSignals` throws one
// DiagnosticError holding them, so every caller (the CLI, tests, the
// conformance runner) reports them the same way.

import { verifyBlockReversal } from "../core/signals/verify.ts";
import path from "node:path";
import { DiagnosticError, diag, type Diagnostic } from "../core/diagnostics.ts";
import {
  compilationFor as chainCompilationFor, evaluateProgram as chainEvaluateProgram,
  type EvalOptions, type EvalResult, type MetadataEntry, type Precision, type ProgramSource,
} from "../chain/eval/eval.ts";
import type { Compilation, ImportPolicy } from "../chain/frontend/imports.ts";
import { withStdlib } from "./stdlib.ts";
import { stdlibParser } from "./parse-cache.ts";
import { SpanTable } from "../core/spans.ts";
import { checkProgram, type ProgramInfo } from "../core/signals/intervals.ts";
import { propagateProcess } from "../chain/propagate/propagate.ts";
import { buildUI, type UIItem } from "../chain/propagate/ui.ts";
import type { Sig } from "../core/signals/signal.ts";
import { runPipeline, type Instrumentation } from "../../passes/manager.ts";
import { instances } from "../../passes/registry.ts";
import { cseGraph } from "../../passes/cse.ts";
import { reachable } from "../core/signals/graph.ts";

export interface CompileOptions {
  readonly includeDirs?: readonly string[];
  readonly precision?: Precision;
  /** Name of the program (the root UI group's label); default: the file name without extension. */
  readonly name?: string;
  /** Limits of evaluation and imports (untrusted programs): see EvalOptions. */
  readonly maxSteps?: number;
  readonly maxDepth?: number;
  readonly importPolicy?: ImportPolicy;
  /** Debug mode for the pass manager runs (normalization, a pipeline): default the FAUSTLAB_DEBUG switch (src/core/debug.ts). */
  readonly debug?: boolean;
  /** Instrumentation of the normalization run (passes/manager.ts), e.g. to time or print it. */
  readonly instrumentations?: readonly Instrumentation[];
}

export interface SignalProgram {
  readonly name: string;
  readonly inputs: number;
  /** The normalized output signals, one per output. */
  readonly outputs: readonly Sig[];
  /** The output signals as propagation produced them, before normalization. */
  readonly raw: readonly Sig[];
  readonly ui: readonly UIItem[];
  readonly metadata: readonly MetadataEntry[];
  /** Delay-line and table sizes, intervals. */
  readonly info: ProgramInfo;
  /** Warnings and notes met on the way (errors are thrown). */
  readonly warnings: readonly Diagnostic[];
  /** Where the signals come from, in this compilation (passes run on the program read and extend it). */
  readonly spans: SpanTable<Sig>;
}

/** evaluateProgram of the chain, with the standard library searched after `includeDirs`. */
export function evaluateProgram(source: ProgramSource, opts: EvalOptions = {}): EvalResult {
  return chainEvaluateProgram(source, { parser: stdlibParser(), ...opts, includeDirs: withStdlib(opts.includeDirs) });
}

/** The chain's parse cache for these -I folders, with the standard library searched last. */
export function compilationFor(includeDirs: readonly string[] = []): Compilation {
  return chainCompilationFor(withStdlib(includeDirs), undefined, stdlibParser());
}

/** The program name Faust derives from a file path: the base name without its extension. */
export function programName(file: string): string {
  return path.basename(file).replace(/\.[^.]*$/, "");
}

/** Compiles a program down to normalized, checked signals; throws a DiagnosticError on any error. */
export function compileSignals(source: ProgramSource, opts: CompileOptions = {}): SignalProgram {
  const file = typeof source === "string" ? source : source.path;
  const name = opts.name ?? programName(file);
  const r = evaluateProgram(source, {
    includeDirs: opts.includeDirs ?? [], precision: opts.precision ?? "single",
    maxSteps: opts.maxSteps, maxDepth: opts.maxDepth, importPolicy: opts.importPolicy,
  });
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (errors.length || !r.process || !r.arity) throw new DiagnosticError(errors.length ? errors : r.diagnostics);
  // Signal-level problems without a more precise location point at `process`.
  const where = r.spans?.evaluated.get(r.process);
  const spans = new SpanTable<Sig>();
  const located = (e: unknown): never => {
    if (e instanceof DiagnosticError && where) throw new DiagnosticError(e.diagnostics.map((d) => (d.span ? d : { ...d, span: where })));
    throw e;
  };
  let raw: Sig[], outputs: Sig[], info: ProgramInfo;
  const remarks: Diagnostic[] = [];
  try {
    raw = propagateProcess(r.process, { precision: opts.precision ?? "single", onRemark: (d) => remarks.push(d), boxSpans: r.spans, spans });
    // a rad gradient over a body with state that feeds back into its body (FL553), at the rad
    const fed = verifyBlockReversal(raw, spans.lookup);
    if (fed.length) throw new DiagnosticError(fed.map((p) => p.diagnostic));
    // normalization is the `normalize` pass, run (and in debug mode verified) by the pass manager (passes/)
    outputs = [...runPipeline({ inputs: r.arity.ins, outputs: raw }, instances("normalize"), {
      debug: opts.debug,
      verifyInput: false, // propagation's signals are not normal yet; normalize's result is verified
      instrumentations: opts.instrumentations,
      context: { spans },
    }).graph.outputs];
    if (outputs.length === 0) throw new DiagnosticError([diag("FL502", {})]);
    // under enable/control, sharing decides what is suspended: merge what Faust's hash-consing
    // makes one tree (recursions equal up to their names, commuted operands) before conditions are taken
    if (reachable(outputs).some((s) => s.kind === "enable" || s.kind === "control")) outputs = cseGraph(outputs, { spans: spans.lookup }).roots;
    info = checkProgram(outputs, { spans: spans.lookup });
  } catch (e) {
    return located(e);
  }
  // the top group is labelled with the program's `declare name`, else its file name, as in Faust
  const declaredName = r.metadata.find((m) => m.target === "" && m.key === "name")?.value;
  const ui = buildUI(outputs, declaredName || name);
  return {
    name,
    inputs: r.arity.ins,
    outputs,
    raw,
    ui,
    metadata: r.metadata,
    info,
    warnings: [...r.diagnostics.filter((d) => d.severity !== "error"), ...remarks],
    spans,
  };
}

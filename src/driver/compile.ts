// The whole chain for the backends: source → signals (src/driver/signals.ts) → FIR
// (src/chain/codegen/generate.ts, verified) → a runnable DSP factory (the JS backend or
// the FIR interpreter). Used by the CLI, the differential runner and the
// benchmarks.

import { DiagnosticError, type Diagnostic } from "../core/diagnostics.ts";
import type { CompileOptions } from "./signals.ts";
import { loadProgram } from "./program.ts";
import type { PassRegistry } from "../../passes/pipeline.ts";
import type { ProgramSource } from "../chain/eval/eval.ts";
import type { FirModule } from "../core/fir/fir.ts";
import { generateFir, type FirOptions } from "../chain/codegen/generate.ts";
import { interpret } from "../core/fir/interp.ts";
import { verifyModule } from "../core/fir/verify.ts";
import { optimizeProgram } from "./optimize.ts";
import { loadJs, type DspInstance } from "../chain/backends/js.ts";

export type Backend = "js" | "interp";
export const BACKENDS: readonly Backend[] = ["js", "interp"];

export interface FirCompileOptions extends CompileOptions, Omit<FirOptions, "precision"> {
  readonly double?: boolean;
  /** Receives the warnings met on the way (errors are thrown). */
  readonly onWarning?: (d: Diagnostic) => void;
  /** A pass pipeline (text) to run on the normalized signals before generating the FIR. */
  readonly passes?: string;
  /** Receives the remarks of the pipeline's passes. */
  readonly onRemark?: (d: Diagnostic) => void;
  /** Where the pipeline's pass names are looked up (default: the built-in passes; -load-pass adds to it). */
  readonly registry?: PassRegistry;
}

/** Source (Faust, or signal IR in a `.sig` file) to a verified FIR module; throws DiagnosticError on any problem (including FIR verification, FL601). */
export function compileFir(source: ProgramSource, opts: FirCompileOptions = {}): FirModule {
  const precision = opts.double ? "double" : "single";
  let p = loadProgram(source, { ...opts, precision });
  for (const w of p.warnings) opts.onWarning?.(w);
  if (opts.passes !== undefined) {
    const o = optimizeProgram(p, opts.passes, { context: { precision }, registry: opts.registry, debug: opts.debug });
    for (const r of o.run.records) for (const d of r.remarks) opts.onRemark?.(d);
    p = o.program;
  }
  const m = generateFir(p, { ...opts, precision });
  const problems = verifyModule(m);
  if (problems.length) throw new DiagnosticError(problems);
  return m;
}

export function instantiate(m: FirModule, backend: Backend): () => DspInstance {
  return backend === "js" ? loadJs(m) : interpret(m);
}


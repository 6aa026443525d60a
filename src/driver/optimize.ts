// Running a pass pipeline inside the compilation driver: normalized signals
// (src/driver/signals.ts) → the pipeline (passes/) → the program FIR generation takes.
//
//   optimizeProgram(program, pipelineText, opts) → { program, run }
//
// Delay-line and table sizes are recomputed on the optimized outputs (passes
// create and remove delays); the user interface stays the one of the
// normalized program, as Faust's does when later stages simplify.

import type { SignalProgram } from "./signals.ts";
import { checkProgram } from "../core/signals/intervals.ts";
import { runPipeline, type PipelineRun, type RunOptions } from "../../passes/manager.ts";
import { instances } from "../../passes/registry.ts";
import type { PassRegistry } from "../../passes/pipeline.ts";

export interface OptimizeOptions extends RunOptions {
  /** Where pass names are looked up (default: the built-in registry; withPasses adds loaded passes). */
  readonly registry?: PassRegistry;
}

export function optimizeProgram(p: SignalProgram, pipeline: string, opts: OptimizeOptions = {}): { program: SignalProgram; run: PipelineRun } {
  // the passes read and extend this compilation's spans
  const run = runPipeline({ inputs: p.inputs, outputs: p.outputs }, instances(pipeline, opts.registry), { ...opts, context: { ...opts.context, spans: p.spans } });
  if (run.graph.outputs === p.outputs) return { program: p, run };
  const info = checkProgram(run.graph.outputs, { spans: p.spans.lookup });
  return { program: { ...p, outputs: run.graph.outputs, info }, run };
}

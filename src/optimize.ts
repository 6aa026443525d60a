// Running a pass pipeline inside the compilation driver: normalized signals
// (src/driver.ts) → the pipeline (passes/) → the program FIR generation takes.
//
//   optimizeProgram(program, pipelineText, opts) → { program, run }
//
// Delay-line and table sizes are recomputed on the optimized outputs (passes
// create and remove delays); the user interface stays the one of the
// normalized program, as Faust's does when later stages simplify.

import type { OptionSpec } from "./cliargs.ts";
import { DiagnosticError, diag } from "./diagnostics.ts";
import type { SignalProgram } from "./driver.ts";
import { checkProgram } from "./normalize/intervals.ts";
import { runPipeline, type PipelineRun, type RunOptions } from "../passes/manager.ts";
import { DEFAULT_OPTIMIZING, instances } from "../passes/registry.ts";

/** The command-line options that select a pipeline (impulse, compile). */
export const pipelineOptions: OptionSpec[] = [
  { name: "passes", kind: "string", help: "run this pass pipeline on the signals before generating code (see 'faustlab opt --list')" },
  { name: "O", kind: "flag", help: "run the default optimizing pipeline on the signals" },
];

export interface OptimizeOptions extends RunOptions {}

/** Verification after every pass: on under vitest and with FAUSTLAB_VERIFY=1 (debug mode), else off. */
export function verifyByDefault(): boolean {
  return process.env.FAUSTLAB_VERIFY === "1" || !!process.env.VITEST;
}

/** The pipeline text of the `-passes P` / `-O` command-line options (undefined: none given). */
export function pipelineFromArgs(passes: string | undefined, optimize: boolean): string | undefined {
  if (passes !== undefined && optimize) throw new DiagnosticError([diag("FL003", { detail: "give either -passes or -O, not both" })]);
  return optimize ? DEFAULT_OPTIMIZING : passes;
}

export function optimizeProgram(p: SignalProgram, pipeline: string, opts: OptimizeOptions = {}): { program: SignalProgram; run: PipelineRun } {
  const run = runPipeline({ inputs: p.inputs, outputs: p.outputs }, instances(pipeline), { verify: verifyByDefault(), ...opts });
  if (run.graph.outputs === p.outputs) return { program: p, run };
  const info = checkProgram(run.graph.outputs);
  return { program: { ...p, outputs: run.graph.outputs, info }, run };
}

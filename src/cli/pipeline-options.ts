// The command-line options that select a pass pipeline (-passes P, -O), shared
// by the commands that compile.

import type { OptionSpec } from "./cliargs.ts";
import { DiagnosticError, diag } from "../core/diagnostics.ts";
import { DEFAULT_OPTIMIZING } from "../../passes/registry.ts";

/** The command-line options that select a pipeline (impulse, compile). */
export const pipelineOptions: OptionSpec[] = [
  { name: "passes", kind: "string", help: "run this pass pipeline on the signals before generating code (see 'faustlab opt --list')" },
  { name: "O", kind: "flag", help: "run the default optimizing pipeline on the signals" },
];

/** The pipeline text of the `-passes P` / `-O` command-line options (undefined: none given). */
export function pipelineFromArgs(passes: string | undefined, optimize: boolean): string | undefined {
  if (passes !== undefined && optimize) throw new DiagnosticError([diag("FL011", { a: "-passes", b: "-O" })]);
  return optimize ? DEFAULT_OPTIMIZING : passes;
}


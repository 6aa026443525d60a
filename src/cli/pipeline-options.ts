// The command-line options that select a pass pipeline (-passes P, -O), shared
// by the commands that compile.

import type { OptionSpec } from "./cliargs.ts";
import { DiagnosticError, diag } from "../core/diagnostics.ts";
import { DEFAULT_OPTIMIZING } from "../../passes/registry.ts";
import { parseStrategy, STRATEGY_NAMES, type Strategy } from "../core/schedule.ts";
import { MAX_TAPE_BLOCK, TAPE_BLOCK } from "../chain/codegen/generate.ts";

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


/** `-ss N`, Faust's scheduling strategy of the sample loop (impulse, compile, experiment). */
export const scheduleOption: OptionSpec = {
  name: "ss",
  kind: "int",
  help: `scheduling strategy of the sample loop: ${Object.entries(STRATEGY_NAMES).map(([k, v]) => `${k} ${v}`).join(", ")} (default: the graph's own post-order)`,
};

/** The strategy of `-ss N` (undefined: not given). */
export function scheduleFromArgs(v: string | number | undefined): Strategy | undefined {
  if (v === undefined) return undefined;
  const s = parseStrategy(v);
  if (s === undefined) throw new DiagnosticError([diag("FL008", { option: "ss", expected: "0, 1, 2 or 3", value: String(v) })]);
  return s;
}

/** `-no-lockstep`: emit lockstep bundles (independent recursions of one shape) node by node, not as one loop over their lanes (impulse, compile, opt, experiment). */
export const lockstepOption: OptionSpec = {
  name: "no-lockstep",
  kind: "flag",
  help: "do not run independent recursions of one shape as one loop over lanes (lockstep bundles, on by default; the same samples)",
};

/** `-rad-block N`: the longest block a stateful rad's reverse sweep covers (impulse, compile). */
export const radBlockOption: OptionSpec = {
  name: "rad-block",
  kind: "int",
  help: `the longest block (samples) of rad's back-propagation through time over a body with state: longer compute calls are cut into blocks of N (default ${TAPE_BLOCK}, at most ${MAX_TAPE_BLOCK})`,
};

/** The tape block of `-rad-block N` (undefined: not given; out of range: FL551 at code generation). */
export function radBlockFromArgs(v: string | number | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}


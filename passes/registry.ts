// The registry: every pass by name, and the named pipelines.
//
// To add a pass: write passes/NAME.ts exporting it (definePass), add it to
// PASSES below, and give it golden tests in passes/tests/ (the semantic
// property test picks it up from this list by itself).

import { ANALYSES } from "../analyses/registry.ts";
import type { AnyPass } from "./pass.ts";
import { flattenPipeline, parsePipeline, type PassInstance, type PassRegistry, type Pipeline } from "./pipeline.ts";
import { normalizePass } from "./normalize.ts";
import { printPass } from "./print.ts";
import { tfReconstructPass } from "./tf-reconstruct.ts";
import { csePass } from "./cse.ts";
import { dcePass } from "./dce.ts";
import { constPropPass } from "./const-prop.ts";
import { delayMergePass } from "./delay-merge.ts";
import { reciprocalPass } from "./reciprocal.ts";
import { firRevealPass } from "./fir-reveal.ts";
import { iirRevealPass } from "./iir-reveal.ts";
import { biquadFactorPass } from "./biquad-factor.ts";
import { realizePass } from "./realize.ts";

export const PASSES: readonly AnyPass[] = [normalizePass, printPass, constPropPass, delayMergePass, csePass, dcePass, tfReconstructPass, reciprocalPass, firRevealPass, iirRevealPass, biquadFactorPass, realizePass];

/** Named pipelines: `-O` is `O1`. */
export const PIPELINES: Readonly<Record<string, { readonly text: string; readonly summary: string }>> = {
  O0: { text: "", summary: "no pass: the normalized signals as the driver produced them" },
  // what the backend benchmarks compile with: exact clean-ups and the reciprocal rewrite, no accuracy-driven re-realization
  Ofast: { text: "normalize,const-prop,cse,dce,delay-merge,reciprocal", summary: "the speed pipeline: exact clean-ups and x/k → x*(1/k), as the real compiler does" },
  // never worse: a filter is re-realized, and a recursion's divisions inverted, only when that measures better (no worse) in float32
  O1: { text: "normalize,const-prop,cse,dce,delay-merge,biquad-factor<min-gain=6;parallel=true;measure=true>,realize,reciprocal<measure=true>", summary: "the default optimizing pipeline (-O)" },
};

/** The pipeline `-O` selects. */
export const DEFAULT_OPTIMIZING = "O1";

export const registry: PassRegistry = {
  pass: (name) => PASSES.find((p) => p.name === name),
  namedPipeline: (name) => PIPELINES[name]?.text,
  names: () => [...PASSES.map((p) => p.name), ...Object.keys(PIPELINES)],
};

/**
 * The registry with extra passes (a researcher's, loaded with -load-pass)
 * beside the built-in ones; a name already taken is refused by the loader
 * (src/driver/load-pass.ts), so lookups here never shadow a built-in pass.
 * A value, not a mutation: no registry state outlives a compilation.
 */
export function withPasses(extra: readonly AnyPass[], base: PassRegistry = registry): PassRegistry {
  if (!extra.length) return base;
  return {
    pass: (name) => base.pass(name) ?? extra.find((p) => p.name === name),
    namedPipeline: (name) => base.namedPipeline(name),
    names: () => [...base.names(), ...extra.map((p) => p.name)],
  };
}

export function parse(text: string, reg: PassRegistry = registry): Pipeline {
  return parsePipeline(text, reg);
}

/** Pipeline text → the passes to run. */
export function instances(text: string, reg: PassRegistry = registry): PassInstance[] {
  return flattenPipeline(parsePipeline(text, reg));
}

/** The registry as text, one pass a line starting with its name (`faustlab opt --list`). */
export function listRegistry(extra: readonly AnyPass[] = []): string {
  const lines: string[] = [];
  const all = [...PASSES, ...extra];
  const w = Math.max(...all.map((p) => p.name.length));
  for (const p of all) {
    const bound = p.semantics.exact ? "exact" : `within ${p.semantics.tolerance} of the peak${p.semantics.finiteOnly ? " for finite values" : ""}${p.semantics.controlsHeld ? " while controls are still" : ""}`;
    const opts = Object.entries(p.options).map(([k, d]) => `${k}=${d.type === "enum" ? d.values.join("|") : d.type} (default ${String(d.default)}: ${d.help})`);
    lines.push(`${p.name.padEnd(w)}  ${p.summary} [${bound}]${opts.length ? `; options: ${opts.join("; ")}` : ""}`);
  }
  lines.push("", "# named pipelines");
  for (const [n, p] of Object.entries(PIPELINES)) lines.push(`# ${n}: ${p.summary}: '${p.text}'`);
  lines.push("", "# analyses (print<NAME>)");
  for (const a of ANALYSES) lines.push(`# ${a.name}: ${a.summary}`);
  return lines.join("\n") + "\n";
}

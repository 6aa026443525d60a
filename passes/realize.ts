// `realize`: re-emits each second-order section that `biquad-factor` emitted
// (a `sos` node of the graph, passes/sections.ts, with its exact zeros, poles
// and gain) in a chosen structure: direct form I or II transposed, Simper's or
// Zavalishin's (TPT) state-variable form, the coupled form, or the delta-
// operator form (analyses/zdomain/structures.ts). `structure=auto` picks, per
// section, the stable structure with the best float32 noise estimate
// (`chooseStructures`: rounding noise and coefficient quantization through
// the rest of the cascade).
//
// Emission mirrors the structure's `step` function operation by operation
// (same operands, same order, one signal node per rounded result), so the
// float32 estimate holds for the generated code; a multiplication by a
// coefficient that is exactly 0 is left out with the addition that would
// add its ±0 (no value changes). The state is a recursion group read
// through delay1.
//
// Identity: every structure realizes the section's H(z) (structures.test.ts:
// impulse responses within 1e-9 in double).
// Stability: a structure that is unstable in double or with its coefficients
// rounded to float32 is never emitted (Jury's test, `checkStability`); a
// section no structure realizes stably is left as emitted, with a remark.
//
// A section kept (no stable structure) becomes its direct form I (the `sos`
// node's value). Not found: sections written by hand (a tf2 not passed
// through biquad-factor) stay as they are (tests/realize-xfail-handwritten.dsp)
// unless `recognise` is on.

import type { Diagnostic } from "../src/core/diagnostics.ts";
import { boolOption, definePass, enumOption, rewritten } from "./pass.ts";
import { ltiRegionsAnalysis } from "../analyses/lti-regions.ts";
import { DEFAULT_SAMPLE_RATE } from "../analyses/transfer.ts";
import { biquadFactor, factorableTransfers } from "./biquad-factor.ts";
import { realizeSections } from "./realization.ts";

export { emitRealization, realizeSections, type StructureOption, type RealizeResult } from "./realization.ts";

export const realizePass = definePass({
  name: "realize",
  summary: "re-emit the second-order sections biquad-factor produced in a chosen structure (auto: the best float32 noise estimate among the stable ones)",
  options: {
    structure: enumOption(["auto", "df1", "df2t", "svf", "tpt", "coupled", "delta"], "auto", "the section structure (auto: chosen per section by the float32 error estimate)"),
    recognise: boolOption(false, "also realize hand-written recursions of order ≤ 2 with constant coefficients (factored first, as biquad-factor does)"),
  },
  positional: "structure",
  semantics: { exact: false, tolerance: 1e-6, finiteOnly: true, why: "each structure realizes the same section (within 1e-9 in double), with a different rounding" },
  run(graph, am, opts) {
    let g = graph;
    const pre: Diagnostic[] = [];
    if (opts.recognise) {
      // second-order recursions written by hand: recorded as biquad-factor would, then realized below
      const regions = am.get(ltiRegionsAnalysis);
      const f = biquadFactor(graph, regions, factorableTransfers(am, DEFAULT_SAMPLE_RATE, false), { secondOrderOnly: true, spans: am.context.spans?.lookup });
      g = { inputs: graph.inputs, outputs: f.roots };
      pre.push(...f.remarks.filter((d) => d.code === "FL820"));
    }
    const r = realizeSections(g, opts.structure, am.context.spans?.lookup);
    return rewritten(graph, r.roots, [], r.stats, [...pre, ...r.remarks]);
  },
});

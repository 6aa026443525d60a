import path from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir } from "./manifest.ts";
import { hasFilter, measureNeverWorse, neverWorse } from "./never-worse.ts";

// A spread of the corpus's filter programs (the full set: `node bin/run-ts.mjs corpus/never-worse.ts`):
// a resonator bank on a click (its parallel form measured better on noise, worse on the click), sections
// as written, a direct form the plain compilation renders unstable, state-variable filters, a one-pole
// through a function, a several-decay recursion.
const SPREAD = [
  "programs/iterations/sum_recursive.dsp",
  "programs/lti/biquad_cascade.dsp",
  "programs/lti/butter8_direct.dsp",
  "programs/lti/direct_form2.dsp",
  "programs/lti/svf_hand.dsp",
  "programs/lti/svf_library.dsp",
  "programs/lti/tf2.dsp",
  "programs/recursion/decay_multi.dsp",
  "programs/recursion/through_function.dsp",
];

describe("-O is never worse in float32 on the corpus's filter programs", () => {
  for (const rel of SPREAD)
    it(rel, async () => {
      const file = path.join(corpusDir, rel);
      expect(hasFilter(file)).toBe(true);
      const r = await measureNeverWorse(file, "O1", 16384);
      expect(r.plain.snr).not.toBe(Infinity); // float32 rounds somewhere: the comparison means something
      expect(neverWorse(r), `${rel}: ${r.plain.snr.toFixed(1)} dB without -O, ${r.optimized.snr.toFixed(1)} dB with it`).toBe(true);
    }, 60_000);
  it("a counter is not a filter", () => {
    expect(hasFilter(path.join(corpusDir, "programs/math/trig.dsp"))).toBe(false);
  });
});

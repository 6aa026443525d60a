// Golden signal outputs: the normalized signals of a selection of corpus
// programs (one or more per group), printed with local group names so that the
// text does not depend on the process. Refresh with `npx vitest run -u`
// after a deliberate change, and read the diff.

import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileSignals } from "./signals.ts";
import { printSignals } from "../core/signals/print.ts";
import { sig } from "../core/signals/signal.ts";
import { projectPath } from "../core/paths.ts";

const programs = [
  "composition/split_merge_chain.dsp",
  "composition/precedence.dsp",
  "recursion/ramp.dsp",
  "recursion/fibonacci.dsp",
  "recursion/letrec_mutual.dsp",
  "recursion/decay_multi.dsp",
  "delays/fixed.dsp",
  "delays/variable_slider.dsp",
  "prefix/prefix_init.dsp",
  "tables/rdtable_sine.dsp",
  "select/select3_cycle.dsp",
  "integers/mul_overflow.dsp",
  "casts/int_division.dsp",
  "math/trig.dsp",
  "ui/groups.dsp",
  "patterns/factorial.dsp",
  "iterations/sum.dsp",
  "environments/with_local.dsp",
  "route/mix.dsp",
  "lti/direct_form1.dsp",
  "lti/tf2.dsp",
  "lti/fir.dsp",
];

const corpus = projectPath("corpus", "programs");

describe("golden signals of corpus programs", () => {
  it.each(programs)("%s", async (rel) => {
    const p = compileSignals(path.join(corpus, rel));
    const text = printSignals(
      p.outputs.map((s, i) => sig.output(i, s)),
      { localGroupNames: true },
    );
    await expect(`// ${rel}: ${p.inputs} inputs, ${p.outputs.length} outputs\n${text}`).toMatchFileSnapshot(
      path.join("tests", "signals", rel.replace(/\.dsp$/, ".sig")),
    );
  });
});

// An example of a researcher's own pass, loaded with `-load-pass`:
//
//   node bin/faustlab.mjs opt prog.dsp -load-pass examples/passes/double-to-add.ts -passes 'double-to-add' -stats
//   node bin/faustlab.mjs proptest -load-pass examples/passes/double-to-add.ts -passes double-to-add -runs 200
//
// It rewrites a float multiplication by the constant 2 into an addition,
//
//   x * 2  →  x + x        (and 2 * x)
//
// which is exact in IEEE arithmetic: both are the same correctly rounded
// value 2x for every x, including ±0, ±∞ and NaN, so the pass declares
// `exact: true` and `proptest` checks that claim on random signal graphs.
// It uses the same API as the built-in passes (passes/pass.ts): definePass,
// typed options, an analysis asked of the manager (types), a rewrite, `rewritten` for the result with its
// statistics and a remark. A module may export several passes.

import { definePass, boolOption, rewritten } from "../../passes/pass.ts";
import { substitute } from "../../src/core/signals/rewrite.ts";
import { typesAnalysis } from "../../analyses/basic.ts";
import { diag } from "../../src/core/diagnostics.ts";
import { sig, type Sig } from "../../src/core/signals/signal.ts";

const isTwo = (s: Sig) => s.kind === "float" && s.value === 2;

export const doubleToAdd = definePass({
  name: "double-to-add",
  summary: "x * 2.0 → x + x (exact: both round 2x the same way)",
  options: { commuted: boolOption(true, "also rewrite 2.0 * x") },
  semantics: { exact: true },
  run(graph, am, opts) {
    const types = am.get(typesAnalysis);
    let rewrites = 0;
    const replace = (s: Sig): Sig | undefined => {
      if (s.kind !== "binop" || s.op !== "mul") return undefined;
      const x = isTwo(s.y) ? s.x : opts.commuted && isTwo(s.x) ? s.y : undefined;
      // an int x would make x + x an int (wrapping) addition: float operands only
      if (x === undefined || types.get(x)?.nature !== "float") return undefined;
      rewrites++;
      // x * 2 = x + x, exactly (one rounding of the same real value)
      return sig.add(x, x);
    };
    const r = substitute(graph.outputs, replace);
    const remarks = rewrites ? [diag("FL800", { pass: "double-to-add", message: `${rewrites} multiplication${rewrites === 1 ? "" : "s"} by 2 became additions` })] : [];
    return rewritten(graph, r.roots, [], { rewrites }, remarks);
  },
});

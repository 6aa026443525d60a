// `normalize`: Faust's normalization (src/chain/normalize) as a pass: constant
// folding, algebraic simplification, the canonical sum-of-products and delay
// forms, through recursion groups. The driver runs it before any pipeline;
// running it again after other passes puts their output back in normal form.
// Its rules and their identities are listed in src/chain/normalize/README.md.

import { normalize } from "../src/chain/normalize/normalize.ts";
import { reachable } from "../src/core/signals/graph.ts";
import type { Sig } from "../src/core/signals/signal.ts";
import { definePass, rewritten } from "./pass.ts";

export const normalizePass = definePass({
  name: "normalize",
  summary: "Faust's normalization: constant folding, simplification, sum-of-products and canonical delays",
  options: {},
  semantics: {
    exact: false,
    tolerance: 1e-9,
    finiteOnly: true,
    why: "gathers float terms and constants as Faust does (no other reassociation); x*0 → 0 and x-x → 0 hold for finite x only; a control factor moved out of a delay assumes the control still, as Faust does",
    controlsHeld: true,
  },
  run(graph) {
    const outputs = normalize(graph.outputs);
    return rewritten(graph, outputs, [], { "nodes-before": countNodes(graph.outputs), "nodes-after": countNodes(outputs) });
  },
});

function countNodes(roots: readonly Sig[]): number {
  return reachable(roots).length;
}

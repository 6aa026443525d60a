// Lowering of the explicit filter nodes `fir`, `iir` and `sos` (src/core/signals/signal.ts)
// into ordinary signals, before FIR generation, so that every backend compiles
// them without knowing them:
//
//   fir(x, [c0, c1, …, cK])  →  ((c0·x + c1·x') + c2·x@2) + … + cK·x@K
//   iir(x, [c0, …, cK−1])    →  y = proj of a fresh group @iir with the body
//                                ((x − c0·y') − c1·y@2) − … − cK−1·y@K
//   sos(x, y, …)                 →  y (the section's direct form I; the other fields describe it)
//
// (x' = delay1 x, x@k = delay x, int k). The operations are those of the
// reference evaluator, in its order and with the same operands, so the
// lowered graph computes the same samples bit for bit (products are
// `mul(c, x)`: multiplication commutes exactly; natures follow the usual
// add/sub/mul typing, as the evaluator's do).

import { reachable } from "../../core/signals/graph.ts";
import { rewrite } from "../../core/signals/rewrite.ts";
import { freshRecName, sig, type Sig } from "../../core/signals/signal.ts";


/** One fir node as a sum of delayed products (its children already lowered). */
export function lowerFir(x: Sig, coefs: readonly Sig[]): Sig {
  let acc = sig.mul(coefs[0]!, x);
  for (let k = 1; k < coefs.length; k++) acc = sig.add(acc, sig.mul(coefs[k]!, sig.delayBy(x, k)));
  return acc;
}

/** One iir node as a one-signal recursion group (its children already lowered). */
export function lowerIir(x: Sig, coefs: readonly Sig[]): Sig {
  if (coefs.length === 0) return x;
  const [y] = sig.recursion(freshRecName("iir"), 1, ([y]) => {
    let acc = x;
    for (let k = 1; k <= coefs.length; k++) acc = sig.sub(acc, sig.mul(coefs[k - 1]!, sig.delayBy(y!, k)));
    return [acc];
  });
  return y!;
}

/** The roots with every fir/iir/sos node lowered; the same array when there is none. */
export function lowerFilters(roots: readonly Sig[]): readonly Sig[] {
  if (!reachable(roots).some((s) => s.kind === "fir" || s.kind === "iir" || s.kind === "sos")) return roots;
  return rewrite(roots, (s) => (s.kind === "fir" ? lowerFir(s.x, s.coefs) : s.kind === "iir" ? lowerIir(s.x, s.coefs) : s.kind === "sos" ? s.y : s));
}

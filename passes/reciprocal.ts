// `reciprocal`: a division by a value that does not change within a block
// becomes a multiplication by its reciprocal, computed once (at init for
// constants, once per block for controls) by code generation's hoisting:
//
//   x / k  →  x * (1 / k)      for k of variability constant or block, x sample-rate
//
// This is what the real Faust compiler does (its normal form writes x/k as
// x·k⁻¹), and what makes its filters faster than a per-sample division: a
// multiplication costs a few cycles, a division tens. It is NOT exact: the
// rounding of 1/k adds up to one more rounding per division (x*(1/k) and x/k
// differ by at most about 1.5 ulp of the result), so the pass declares a
// tolerance and is opt-in through its place in O1.
//
// Guards: constant divisors only when 1/k and k are normal numbers (a
// subnormal or huge k would make 1/k overflow or lose bits); control divisors
// (option `controls`) with no guard, as Faust does. Int-natured divisions do
// not exist (`/` is always float in the signal IR).

import { typesAnalysis } from "../analyses/basic.ts";
import { sig, type Sig } from "../src/core/signals/signal.ts";
import { definePass, boolOption, rewritten } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";

const MIN_NORMAL = 2 ** -1022;

/** Is the constant `k` safe to invert (k and 1/k normal, finite, non-zero)? */
function invertible(k: number): boolean {
  const r = 1 / k;
  return Number.isFinite(k) && Math.abs(k) >= MIN_NORMAL && Number.isFinite(r) && Math.abs(r) >= MIN_NORMAL;
}

export const reciprocalPass = definePass({
  name: "reciprocal",
  summary: "x / k → x * (1/k) for divisors k constant within a block (1/k hoisted), as Faust does",
  options: { controls: boolOption(true, "also invert divisors that depend on controls (block rate)") },
  semantics: { exact: false, tolerance: 1e-9, finiteOnly: true, why: "x*(1/k) rounds twice where x/k rounds once (about 1.5 ulp per division)" },
  run(graph, am, opts) {
    const types = am.get(typesAnalysis);
    let constants = 0;
    let controls = 0;
    const replace = (s: Sig): Sig | undefined => {
      if (s.kind !== "binop" || s.op !== "div") return undefined;
      const tx = types.get(s.x);
      const tk = types.get(s.y);
      if (!tx || !tk || tx.variability !== "sample") return undefined; // a non-sample quotient is hoisted whole already
      if (s.y.kind === "int" || s.y.kind === "float") {
        if (!invertible(s.y.value)) return undefined;
        constants++;
        // x / c → x * (1/c), 1/c folded here in double (exactly what the division 1.0 / c computes)
        return sig.mul(s.x, sig.float(1 / s.y.value));
      }
      if (tk.variability === "sample") return undefined;
      if (tk.variability === "block" && !opts.controls) return undefined;
      if (tk.variability === "block") controls++;
      else constants++;
      // x / k → x * (1/k), 1/k computed where k is (init or block)
      return sig.mul(s.x, sig.div(sig.float(1), s.y));
    };
    const r = substitute(graph.outputs, replace);
    const stats = { "constant-divisors": constants, "control-divisors": controls };
    return rewritten(graph, r.roots, [], stats);
  },
});

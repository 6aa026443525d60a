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
// Never worse (option `measure`, on in O1): in a linear region with state (a
// recursion: the extra rounding is fed back and amplified), the divisions are
// inverted only when the region, cut out and run on noise and on an impulse in float32, measures
// no worse with them inverted than as written (passes/region-measure.ts);
// otherwise all of that region's divisions stay divisions.
//
// Guards: constant divisors only when 1/k and k are normal numbers (a
// subnormal or huge k would make 1/k overflow or lose bits); control divisors
// (option `controls`) with no guard, as Faust does. Int-natured divisions do
// not exist (`/` is always float in the signal IR).

import { typesAnalysis } from "../analyses/basic.ts";
import { sig, type Sig } from "../src/core/signals/signal.ts";
import { definePass, boolOption, rewritten } from "./pass.ts";
import { substitute } from "../src/core/signals/rewrite.ts";
import { ltiRegionsAnalysis } from "../analyses/lti-regions.ts";
import { measureRegion, noWorse } from "./region-measure.ts";

const MIN_NORMAL = 2 ** -1022;

/** Is the constant `k` safe to invert (k and 1/k normal, finite, non-zero)? */
function invertible(k: number): boolean {
  const r = 1 / k;
  return Number.isFinite(k) && Math.abs(k) >= MIN_NORMAL && Number.isFinite(r) && Math.abs(r) >= MIN_NORMAL;
}

/** Regions of more members are not measured (their divisions are inverted, as Faust does): the measure's cost stays bounded. */
export const MAX_MEASURED_MEMBERS = 1024;

export const reciprocalPass = definePass({
  name: "reciprocal",
  summary: "x / k → x * (1/k) for divisors k constant within a block (1/k hoisted), as Faust does",
  options: {
    controls: boolOption(true, "also invert divisors that depend on controls (block rate)"),
    measure: boolOption(false, "never worse: in each linear region with state, invert its divisions only when the region measures no worse in float32 (noise and a unit impulse, 8192 samples each)"),
  },
  semantics: { exact: false, tolerance: 1e-9, finiteOnly: true, why: "x*(1/k) rounds twice where x/k rounds once (about 1.5 ulp per division)" },
  run(graph, am, opts) {
    const types = am.get(typesAnalysis);
    const inverted = (s: Sig): { readonly sig: Sig; readonly control: boolean } | undefined => {
      if (s.kind !== "binop" || s.op !== "div") return undefined;
      const tx = types.get(s.x);
      const tk = types.get(s.y);
      if (!tx || !tk || tx.variability !== "sample") return undefined; // a non-sample quotient is hoisted whole already
      if (s.y.kind === "int" || s.y.kind === "float") {
        if (!invertible(s.y.value)) return undefined;
        // x / c → x * (1/c), 1/c folded here in double (exactly what the division 1.0 / c computes)
        return { sig: sig.mul(s.x, sig.float(1 / s.y.value)), control: false };
      }
      if (tk.variability === "sample") return undefined;
      if (tk.variability === "block" && !opts.controls) return undefined;
      // x / k → x * (1/k), 1/k computed where k is (init or block)
      return { sig: sig.mul(s.x, sig.div(sig.float(1), s.y)), control: tk.variability === "block" };
    };
    // never worse: the divisions of a linear region with state stay as written when inverting them costs accuracy there
    const kept = new Set<Sig>();
    let regionsKept = 0;
    if (opts.measure && am.context.precision !== "double") {
      // (in double the extra rounding is far below what is measured: inverted, as Faust does)
      const regions = am.get(ltiRegionsAnalysis);
      for (const r of regions.regions) {
        if (r.groups.length === 0 || r.members.length > MAX_MEASURED_MEMBERS) continue;
        const divisions = r.members.filter((m) => inverted(m) !== undefined);
        if (divisions.length === 0) continue;
        const inputs = r.inputs.filter((x) => types.get(x)?.variability === "sample");
        const candidate = substitute(r.outputs, (s) => (divisions.includes(s) ? inverted(s)!.sig : undefined)).roots;
        let m;
        try {
          m = measureRegion(inputs, r.outputs, candidate);
        } catch {
          continue; // the region cannot be evaluated alone (a foreign value): inverted, as Faust does
        }
        if (m.every(noWorse)) continue;
        regionsKept++;
        for (const d of divisions) kept.add(d);
      }
    }
    let constants = 0;
    let controls = 0;
    const r = substitute(graph.outputs, (s) => {
      if (kept.has(s)) return undefined;
      const inv = inverted(s);
      if (inv === undefined) return undefined;
      if (inv.control) controls++;
      else constants++;
      return inv.sig;
    });
    const stats: Record<string, number> = { "constant-divisors": constants, "control-divisors": controls };
    if (opts.measure) Object.assign(stats, { "divisors-kept": kept.size, "regions-kept": regionsKept });
    return rewritten(graph, r.roots, [], stats);
  },
});

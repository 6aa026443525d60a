import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnalysisManager } from "../analyses/analysis.ts";
import { ltiRegionsAnalysis } from "../analyses/lti-regions.ts";
import { transferAnalysis } from "../analyses/transfer.ts";
import { arbStableZpk } from "../src/harness/arbitrary/filters.ts";
import { impulseResponseDD, zpkToTf, type TransferFunction } from "../analyses/zdomain/poly.ts";
import { compareSignals, faustNoise, runCascade } from "../analyses/zdomain/errors.ts";
import { designFromSection, exact, type Realization } from "../analyses/zdomain/structures.ts";
import { evaluate } from "../src/core/signals/evaluate.ts";
import type { SignalGraph } from "../src/core/signals/graph.ts";
import { freshRecName, sig, type Sig } from "../src/core/signals/signal.ts";
import { parseSignals } from "../src/core/signals/parse.ts";
import { printSignals } from "../src/core/signals/print.ts";
import { verifySignals } from "../src/core/signals/verify.ts";
import { lowerFilters } from "../src/chain/codegen/lower.ts";
import { biquadFactor } from "./biquad-factor.ts";
import { realizeSections } from "./realize.ts";
import { cascadesOf } from "./sections.ts";

/** y = Σ b_k x[n-k] - Σ a_k y[n-k] as one recursion (the shape of fi.iir). */
function directForm(tf: TransferFunction): SignalGraph {
  const x = sig.input(0);
  const a0 = tf.a[0]!;
  const b = tf.b.map((c) => c / a0);
  const a = tf.a.map((c) => c / a0);
  const delayed = (s: Sig, k: number) => (k === 0 ? s : k === 1 ? sig.delay1(s) : sig.delay(s, sig.int(k)));
  let fir: Sig = sig.mul(sig.float(b[0]!), x);
  for (let k = 1; k < b.length; k++) fir = sig.add(fir, sig.mul(sig.float(b[k]!), delayed(x, k)));
  const [y] = sig.recursion(freshRecName("df"), 1, ([p]) => {
    let acc = fir;
    for (let k = 1; k < a.length; k++) acc = sig.sub(acc, sig.mul(sig.float(a[k]!), delayed(p!, k)));
    return [acc];
  });
  return { inputs: 1, outputs: [y!] };
}

function factorAndRealize(g: SignalGraph, structure: "auto" | "tpt" | "delta" | "df2t" = "auto") {
  const am = new AnalysisManager(g);
  const f = biquadFactor(g, am.get(ltiRegionsAnalysis), am.get(transferAnalysis));
  const g1 = { inputs: g.inputs, outputs: f.roots };
  const r = realizeSections(g1, structure);
  return { factored: g1, realized: { inputs: g.inputs, outputs: r.roots }, f, r };
}

const impulse = (g: SignalGraph, n: number) => {
  const x = new Float64Array(n);
  x[0] = 1;
  return evaluate(g.outputs, { samples: n, inputs: [x] })[0]!;
};

function maxRelError(truth: Float64Array, got: Float64Array): number {
  let peak = 0, err = 0;
  for (let t = 0; t < truth.length; t++) {
    peak = Math.max(peak, Math.abs(truth[t]!));
    err = Math.max(err, Math.abs(got[t]! - truth[t]!));
  }
  return err / peak;
}

describe("biquad-factor, realize", () => {
  it("random stable rational filters in direct form: factored and realized, the impulse response in double stays within 1e-9 of the exact one", () => {
    let factored = 0, runs = 0;
    fc.assert(
      fc.property(arbStableZpk({ minOrder: 1, maxOrder: 16 }), (zpk) => {
        runs++;
        const tf = zpkToTf(zpk);
        const g = directForm(tf);
        const { realized, f, r } = factorAndRealize(g);
        const n = 512;
        const truth = impulseResponseDD(tf, n);
        if (f.stats["regions-factored"] === 0) {
          // left alone only with a reason
          expect(f.remarks.some((d) => d.code === "FL821")).toBe(true);
          return;
        }
        factored++;
        expect(r.stats["sections-realized"]).toBe(f.stats["sections-emitted"]);
        expect(maxRelError(truth, impulse(realized, n))).toBeLessThan(1e-9);
      }),
      { numRuns: 60, seed: 8 },
    );
    expect(factored).toBeGreaterThan(0.9 * runs);
  });

  it("a cascade the source factors is factored stage by stage: four tf2 stay four sections, recorded with their roots", () => {
    const x = sig.input(0);
    const coefs = [
      [0.1, 0.2, 0.1, -1.5, 0.7],
      [0.3, -0.1, 0.05, -0.4, 0.2],
      [1, 0.5, 0.25, 0.1, 0.3],
      [0.2, 0, -0.2, -1.8, 0.9],
    ];
    let cur: Sig = x;
    for (const [b0, b1, b2, a1, a2] of coefs) {
      const inp = cur;
      const [w] = sig.recursion(freshRecName("tf2"), 1, ([p]) => [sig.sub(sig.sub(inp, sig.mul(sig.float(a1!), sig.delay1(p!))), sig.mul(sig.float(a2!), sig.delay(p!, sig.int(2))))]);
      cur = sig.add(sig.add(sig.mul(sig.float(b0!), w!), sig.mul(sig.float(b1!), sig.delay1(w!))), sig.mul(sig.float(b2!), sig.delay(w!, sig.int(2))));
    }
    const g = { inputs: 1, outputs: [cur] };
    const { factored, realized, f } = factorAndRealize(g);
    expect(f.stats["stages-factored"]).toBe(4);
    expect(f.stats["sections-emitted"]).toBe(4);
    const cascades = cascadesOf(factored);
    expect(cascades.length).toBe(1);
    expect(cascades[0]!.nodes.length).toBe(4);
    expect(cascades[0]!.sections.every((s) => s.poles.length === 2)).toBe(true);
    const n = 256;
    const before = impulse(g, n), after = impulse(realized, n);
    expect(maxRelError(before, after)).toBeLessThan(1e-12);
  });

  it("realized sections emit step()'s operations in its order: the graph evaluates bit-identically to runCascade of the same realizations", () => {
    // a direct-form 6th-order filter with poles near z = 1 (the case the structures exist for)
    const pole = (r: number, w: number) => [{ re: r * Math.cos(w), im: r * Math.sin(w) }, { re: r * Math.cos(w), im: -r * Math.sin(w) }];
    const zpk = { z: new Array(6).fill({ re: -1, im: 0 }), p: [...pole(0.995, 0.01), ...pole(0.99, 0.02), ...pole(0.985, 0.03)], k: 1e-9 };
    const g = directForm(zpkToTf(zpk));
    for (const structure of ["tpt", "delta", "df2t"] as const) {
      const { realized, f } = factorAndRealize(g, structure);
      expect(f.stats["sections-emitted"]).toBe(3);
      const [cas] = cascadesOf({ inputs: g.inputs, outputs: f.roots });
      const rs = cas!.sections.map((s) => designFromSection(structure, s) as Realization);
      const x = faustNoise(2000);
      const got = evaluate(realized.outputs, { samples: x.length, inputs: [x] })[0]!;
      const want = runCascade(rs, x, exact);
      expect(compareSignals(want, got).snrDb).toBe(Infinity);
    }
  });

  it("what biquad-factor hands to realize travels in the IR: print → parse → realize gives what realize gives right after biquad-factor", () => {
    const pole = (r: number, w: number) => [{ re: r * Math.cos(w), im: r * Math.sin(w) }, { re: r * Math.cos(w), im: -r * Math.sin(w) }];
    const zpk = { z: new Array(6).fill({ re: -1, im: 0 }), p: [...pole(0.995, 0.01), ...pole(0.99, 0.02), ...pole(0.985, 0.03)], k: 1e-9 };
    const g = directForm(zpkToTf(zpk));
    const text = (gr: SignalGraph) => printSignals(gr.outputs, { localGroupNames: true });
    for (const structure of ["auto", "tpt", "coupled"] as const) {
      const { factored, realized, r } = factorAndRealize(g, structure as "auto");
      expect(r.stats["sections-realized"]).toBe(3);
      expect(verifySignals(factored.outputs)).toEqual([]);
      // a fresh parse: new recursion groups, so new nodes (nothing found by identity)
      const parsed = parseSignals(printSignals(factored.outputs), "<factored>", { freshGroups: true });
      expect(parsed.roots[0]).not.toBe(factored.outputs[0]);
      expect(text({ inputs: 1, outputs: parsed.roots })).toBe(text(factored));
      const again = realizeSections({ inputs: 1, outputs: parsed.roots }, structure as "auto");
      expect(again.stats).toEqual(r.stats);
      expect(again.remarks.map((d) => d.message)).toEqual(r.remarks.map((d) => d.message));
      expect(text({ inputs: 1, outputs: again.roots })).toBe(text(realized));
    }
  });

  it("sos nodes compute their direct form: evaluation and lowering agree with the section's value", () => {
    const g = directForm({ b: [0.2, 0.3, 0.1], a: [1, -1.2, 0.5] });
    const { factored } = factorAndRealize(g);
    const [cas] = cascadesOf(factored);
    expect(cas!.nodes.length).toBe(1);
    const lowered = { inputs: 1, outputs: [...lowerFilters(factored.outputs)] };
    expect(lowered.outputs[0]).toBe(cas!.nodes[0]!.y);
    expect([...impulse(factored, 64)]).toEqual([...impulse(lowered, 64)]);
  });

  it("leaves alone what it cannot factor, with a reason: unstable, two inputs, ltv", () => {
    const x = sig.input(0);
    const [y] = sig.recursion(freshRecName("u"), 1, ([p]) => [sig.add(x, sig.mul(sig.float(1.01), sig.delay1(p!)))]);
    const g = { inputs: 1, outputs: [y!] };
    const { f } = factorAndRealize(g);
    expect(f.stats["regions-factored"]).toBe(0);
    expect(f.remarks.map((d) => d.message).join("\n")).toMatch(/not stable: a pole of modulus 1\.01/);
    const two = { inputs: 2, outputs: [sig.add(sig.delay1(sig.input(0)), sig.input(1))] };
    expect(factorAndRealize(two).f.remarks.map((d) => d.message).join("\n")).toMatch(/2 inputs and 1 output \(only single-input regions/);
  });
});

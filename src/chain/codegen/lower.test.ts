// Lowering of fir/iir nodes (lower.ts), and the five backends on programs
// whose filters were revealed by `-passes fir-reveal,iir-reveal`.

import { describe, expect, it } from "vitest";
import { compileFir, instantiate } from "../../driver/compile.ts";
import { renderDsp } from "../backends/render.ts";
import { runNative } from "../backends/native.ts";
import { wasmReference } from "../backends/wasm.ts";
import { compileSignals } from "../../driver/signals.ts";
import { optimizeProgram } from "../../driver/optimize.ts";
import { renderReference } from "../../harness/oracle.ts";
import { evaluate } from "../../core/signals/evaluate.ts";
import { reachable } from "../../core/signals/graph.ts";
import { sig, type Sig } from "../../core/signals/signal.ts";
import { lowerFilters } from "./lower.ts";

const f = (v: number) => sig.float(v);
const noise = (n: number, seed: number) => {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
};
const bitEqual = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!)));

describe("lowerFilters", () => {
  it("gives the evaluator's samples bit for bit (float, int, mixed natures, varying coefficients, nesting)", () => {
    const x = sig.input(0);
    const xi = sig.intcast(sig.mul(x, f(100)));
    const g = sig.hslider("g", f(0.3), f(-0.9), f(0.9), f(0.01));
    const roots: Sig[] = [
      sig.output(0, sig.fir(x, [f(0.1), f(-0.2), f(0.3), f(0.7)])),
      sig.output(1, sig.iir(sig.fir(x, [f(0.2), f(0.4), f(0.2)]), [f(-1.6), f(0.81)])),
      sig.output(2, sig.fir(xi, [sig.int(3), sig.int(-2), sig.int(7)])),
      sig.output(3, sig.fir(xi, [sig.int(3), f(0.5)])),
      sig.output(4, sig.iir(xi, [sig.int(1), sig.int(-1)])),
      sig.output(5, sig.iir(x, [sig.mul(f(-1), g), f(0.25)])),
      sig.output(6, sig.iir(sig.iir(x, [f(-0.5)]), [])),
    ];
    const lowered = lowerFilters(roots);
    expect(reachable(lowered).some((s) => s.kind === "fir" || s.kind === "iir")).toBe(false);
    const opts = { samples: 300, inputs: [noise(300, 3)], controls: { "/g": (t: number) => (t < 150 ? 0.3 : -0.6) } };
    const a = evaluate(roots, opts);
    const b = evaluate(lowered, opts);
    a.forEach((v, i) => expect(bitEqual(v, b[i]!), `output ${i}`).toBe(true));
  });
  it("returns the same roots when there is no filter", () => {
    const roots = [sig.output(0, sig.add(sig.input(0), f(1)))];
    expect(lowerFilters(roots)).toBe(roots);
  });
});

describe("revealed filters on every backend", () => {
  const source = [
    'import("stdfaust.lib");',
    "process = fi.tf2(0.2, 0.3, 0.4, -0.5, 0.25) <: fi.fir((0.1, 0.2, 0.3, 0.4)), fi.iir((0.5, 0.2), (-0.3, 0.1, 0.05)),",
    "  (_ <: _, @(1)*0.5, @(3)*0.25 :> _), fi.lowpass(4, 1000);",
  ].join("\n");
  const prog = { text: source, path: "/virtual/reveal.dsp" };
  const passes = "fir-reveal,iir-reveal";
  const n = 2000;
  const peak = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  it("the passes give fir and iir nodes and the evaluator agrees with the original within 1e-9 of the peak", () => {
    const p = compileSignals(prog, { precision: "double" });
    const o = optimizeProgram(p, passes);
    const kinds = reachable(o.program.outputs).map((s) => s.kind);
    expect(kinds.filter((k) => k === "fir").length).toBeGreaterThanOrEqual(4);
    expect(kinds.filter((k) => k === "iir").length).toBeGreaterThanOrEqual(4); // tf2, fi.iir, and fi.lowpass(4)'s two sections (gains computed from the sample rate)
    const inputs = [(() => Float64Array.from({ length: n }, (_, t) => (t === 0 ? 1 : 0)))()];
    const before = evaluate(p.outputs, { samples: n, inputs });
    const after = evaluate(o.program.outputs, { samples: n, inputs });
    before.forEach((v, i) => {
      const bound = 1e-9 * Math.max(1, peak(v));
      v.forEach((s, t) => expect(Math.abs(s - after[i]![t]!), `output ${i} sample ${t}`).toBeLessThanOrEqual(bound));
    });
  });

  it("js, interp, wasm, c and cpp render the same samples (double, within 1e-12 of the peak), and js matches the evaluator", () => {
    const m = compileFir(prog, { double: true, passes });
    const js = renderDsp(instantiate(m, "js")(), { samples: n, double: true });
    const interp = renderDsp(instantiate(m, "interp")(), { samples: n, double: true });
    const wasm = renderReference(wasmReference(m), { samples: n }).data;
    const c = runNative("c", [{ module: m, samples: n }])[0]!;
    const cpp = runNative("cpp", [{ module: m, samples: n }])[0]!;
    for (const [name, data] of [["interp", interp], ["wasm", wasm], ["c", c], ["cpp", cpp]] as const)
      js.forEach((v, i) => {
        const bound = 1e-12 * Math.max(1, peak(v));
        v.forEach((s, t) => expect(Math.abs(s - data[i]![t]!), `${name} output ${i} sample ${t}`).toBeLessThanOrEqual(bound));
      });
    // the backends compute what the evaluator computes on the revealed graph (no libm call here: bit for bit)
    const o = optimizeProgram(compileSignals(prog, { precision: "double" }), passes);
    const ev = evaluate(o.program.outputs, { samples: n, inputs: [Float64Array.from({ length: n }, (_, t) => (t === 0 ? 1 : 0))] });
    ev.forEach((v, i) => expect(bitEqual(v, js[i]!), `output ${i}`).toBe(true));
  });
});

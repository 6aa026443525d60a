// fad and rad on every backend: the differential runner with faustlab's own
// signal evaluator as the reference (the real Faust does not know fad/rad),
// js first, then interp, wasm, c and cpp compared with js; and the two
// learning examples of the Faust project's talk converging.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { DIFF_BACKENDS, describeResult, diffPrograms, type DiffProgram } from "../../harness/difftest.ts";
import { compileFir, instantiate } from "../../driver/compile.ts";
import { renderDsp } from "../backends/render.ts";
import { projectPath } from "../../core/paths.ts";
import { compileSignals } from "../../driver/signals.ts";
import { evaluate } from "../../core/signals/evaluate.ts";
import fc from "fast-check";
import { arbDiffGraph } from "../../harness/arbitrary/autodiff.ts";
import { expandAutodiff } from "./autodiff.ts";
import { generateFir } from "../codegen/generate.ts";
import { buildUI } from "./ui.ts";
import { checkProgram } from "../../core/signals/intervals.ts";

const programs: Record<string, string> = {
  onepole: `p = hslider("p", 0.5, 0, 0.9, 0.01); process = fad(_ : + ~ *(p), p);`,
  product: `x = hslider("x", 0.7, -2, 2, 0.01); y = hslider("y", 0.3, -2, 2, 0.01); process = fad(x * y + sin(x) * _, (x, y, _));`,
  radff: `import("stdfaust.lib"); x = hslider("x", 0.7, -2, 2, 0.01); y = hslider("y", 0.3, -2, 2, 0.01); process = rad(ma.tanh(x * _) + pow(1.5 + y, x) + atan2(y, 2), (x, y));`,
  radstate: `p = hslider("p", 0.5, 0, 0.9, 0.01); process = rad(_ : + ~ *(p) : sin, p);`,
  // back-propagation through time: a biquad, delays and prefix, a gradient read by a later
  // recursion (a second phase with state), a primal read with the gradient (a block array)
  radtf2: `import("stdfaust.lib"); a1 = hslider("a1", -0.5, -1, 1, 0.01); b0 = hslider("b0", 0.3, -1, 1, 0.01); process = rad(fi.tf2(b0, 0.2, 0.1, a1, 0.3, _), (b0, a1, _));`,
  raddelays: `g = hslider("g", 0.3, 0, 1, 0.01); process = rad(_ <: prefix(g, _ * g) + (_ * g)@3 + (_ : + ~ *(0.5 * g)) @ 20, g);`,
  // fad over a stateful rad: the tangent of a block-reversed lane is the block reversal of tangents
  radnested: `p = hslider("p", 0.5, 0, 0.9, 0.01); process = fad(rad(_ : + ~ *(p) : sin, p), p);`,
  radconsumed: `p = hslider("p", 0.5, 0, 0.9, 0.01); process = rad(_ : + ~ *(p), p) : (_ <: _, _), (+ ~ _) : _, *;`,
  nested: `x = hslider("x", 0.7, -2, 2, 0.01); process = fad(rad(sin(x * x), x), x);`,
  delays: `g = hslider("g", 0.3, 0, 1, 0.01); d = hslider("d", 3, 1, 8, 0.01); process = fad(_ <: (_ * g)@(d) + prefix(g, _ * g)' + (_@2 * g), (g, d));`,
  tables: `import("stdfaust.lib"); f = hslider("f", 440, 100, 1000, 1); process = fad(os.osc(f), f);`,
  tf2: `import("stdfaust.lib"); a1 = hslider("a1", -0.5, -1, 1, 0.01); b0 = hslider("b0", 0.3, -1, 1, 0.01); process = fad(fi.tf2(b0, 0.2, 0.1, a1, 0.3, _), (b0, a1));`,
};

describe("fad/rad on every backend (js, interp, wasm, c, cpp)", () => {
  it("renders the same samples as the signal evaluator", async () => {
    const progs: DiffProgram[] = Object.entries(programs).map(([name, text]) => ({ name, text, path: `/virtual/${name}.dsp` }));
    const results = await diffPrograms(progs, { backends: DIFF_BACKENDS, reference: "signals", samples: 1024, backendTolerance: 1e-9 });
    const bad = results.map((r, i) => [progs[i]!.name, r] as const).filter(([, r]) => r.status !== "pass");
    expect(bad.map(([n, r]) => `${n}: ${describeResult(r)}`)).toEqual([]);
  }, 120_000);
  it("rad with state: blocks of 100 samples (the gradient's horizon is the compute call)", async () => {
    const progs: DiffProgram[] = ["radtf2", "radconsumed"].map((name) => ({ name, text: programs[name]!, path: `/virtual/${name}.dsp` }));
    const results = await diffPrograms(progs, { backends: DIFF_BACKENDS, reference: "signals", samples: 450, blockSize: 100, backendTolerance: 1e-9 });
    expect(results.map((r, i) => `${progs[i]!.name}: ${describeResult(r)}`).filter((_, i) => results[i]!.status !== "pass")).toEqual([]);
  }, 120_000);
  it("rad with state: a compute call longer than the tape block is cut into blocks of tapeBlock samples", () => {
    const text = programs.radtf2!;
    const m = compileFir({ text, path: "/virtual/long.dsp" }, { double: true, tapeBlock: 64 });
    const got = renderDsp(instantiate(m, "js")(), { samples: 300, sampleRate: 44100, blockSize: 300, double: true, input: (_c, i) => Math.sin(0.1 * i) });
    const p = compileSignals({ text, path: "/virtual/long.dsp" }, { precision: "double" });
    const want = evaluate(p.outputs, { samples: 300, blockSize: 64, inputs: [Float64Array.from({ length: 300 }, (_, i) => Math.sin(0.1 * i))] });
    want.forEach((w, k) => w.forEach((v, i) => expect(Math.abs(got[k]![i]! - v)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v)))));
  });
});

describe("rad with state on random graphs: generated code equals the evaluator", () => {
  it("js and the FIR interpreter, blocks of 16 over 48 samples, double", () => {
    const N = 48;
    const x = Float64Array.from({ length: N }, (_, i) => Math.sin(0.37 * i) * 0.8 + 0.1 * Math.cos(1.9 * i));
    fc.assert(
      fc.property(arbDiffGraph(), ({ roots, seeds }) => {
        const outputs = expandAutodiff("rad", roots, seeds);
        const want = evaluate(outputs, { samples: N, blockSize: 16, inputs: [x] });
        const m = generateFir({ name: "g", inputs: 1, outputs, ui: buildUI(outputs, "g"), info: checkProgram(outputs) }, { precision: "double", tapeBlock: 16 });
        for (const backend of ["js", "interp"] as const) {
          const got = renderDsp(instantiate(m, backend)(), { samples: N, sampleRate: 44100, blockSize: 48, double: true, input: (_c, i) => x[i]! });
          want.forEach((w, k) =>
            w.forEach((v, i) => {
              if (!(Math.abs(got[k]![i]! - v) <= 1e-9 * Math.max(1, Math.abs(v)))) throw new Error(`${backend} output ${k} sample ${i}: ${got[k]![i]} vs ${v}`);
            }),
          );
        }
      }),
      { numRuns: 40, seed: 20261204 },
    );
  }, 120_000);
});

function renderFile(file: string, samples: number): Float64Array[] {
  const m = compileFir({ text: fs.readFileSync(file, "utf8"), path: file }, { double: true });
  return renderDsp(instantiate(m, "js")(), { samples, sampleRate: 44100, blockSize: 512, double: true, input: () => 0 });
}

describe("the talk's learning examples converge", () => {
  it("learning a gain: within 1e-9 of the target after 2,000 samples", () => {
    const [gain] = renderFile(projectPath("libraries", "examples", "learn_gain.dsp"), 2000);
    expect(Math.abs(gain![1999]! - 0.5)).toBeLessThan(1e-9);
  });
  it("learning fi.tf2's five coefficients from pink noise: within 0.01 after 50,000 samples", () => {
    const outs = renderFile(projectPath("libraries", "examples", "learn_biquad.dsp"), 50_000);
    const targets = [0.1, 0.2, 0.1, -1.0, 0.4];
    const learned = targets.map((_, k) => outs[k]![49_999]!);
    learned.forEach((v, k) => expect(Math.abs(v - targets[k]!)).toBeLessThan(0.01));
  }, 60_000);
});

describe("optimizers.lib", () => {
  const rules: [string, number][] = [["sgd(0.05)", 1e-6], ["sign_sgd(0.0005)", 2e-3], ["rmsprop(0.001)", 2e-3], ["adam(0.001)", 2e-3], ["nadam(0.001)", 2e-3]];
  it.each(rules)("optimize_1D with %s learns a gain of 0.7 in 20,000 samples", (rule, tol) => {
    const text = `import("stdfaust.lib"); import("optimizers.lib");
      model(g, x) = g * x; x = os.osc(440);
      process = optimize_1D(model, ${rule}, -1, 1, 0.7 * x, x);`;
    const m = compileFir({ text, path: "/virtual/opt1.dsp" }, { double: true });
    const [g] = renderDsp(instantiate(m, "js")(), { samples: 20_000, sampleRate: 44100, blockSize: 512, double: true, input: () => 0 });
    expect(Math.abs(g![19_999]! - 0.7)).toBeLessThan(tol);
  });
  it("optimize_2D learns a gain and an offset", () => {
    const text = `import("stdfaust.lib"); import("optimizers.lib");
      model(g, b, x) = g * x + b; x = os.osc(440);
      process = optimize_2D(model, sgd(0.05), sgd(0.05), -1, 1, -1, 1, 0.7 * x - 0.2, x);`;
    const m = compileFir({ text, path: "/virtual/opt2.dsp" }, { double: true });
    const [g, b] = renderDsp(instantiate(m, "js")(), { samples: 20_000, sampleRate: 44100, blockSize: 512, double: true, input: () => 0 });
    expect(Math.abs(g![19_999]! - 0.7)).toBeLessThan(1e-6);
    expect(Math.abs(b![19_999]! + 0.2)).toBeLessThan(1e-6);
  });
});


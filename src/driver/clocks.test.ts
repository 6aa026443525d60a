// Clock domains (ondemand, upsampling, downsampling): the acceptance
// cases on the signal evaluator, exactly, and every backend (js, interp, wasm,
// c, cpp) against the evaluator on the acceptance cases and on multi-rate
// programs of the kind faust-rs tests (nested domains, filters using ma.SR,
// delays and tables inside a body, controls as clocks).
import { describe, expect, it } from "vitest";
import { DIFF_BACKENDS, describeResult, diffPrograms, type DiffProgram } from "../harness/difftest.ts";
import { compileFir, instantiate } from "./compile.ts";
import { loadProgram } from "./program.ts";
import { renderDsp } from "../chain/backends/render.ts";
import { evaluate } from "../core/signals/evaluate.ts";
import { reachable } from "../core/signals/graph.ts";
import { printSignals } from "../core/signals/print.ts";
import { parseSignals } from "../core/signals/parse.ts";

const ones = (n: number) => new Float64Array(n).fill(1);

function evalProgram(text: string, samples: number, input: (i: number) => number = () => 1): number[][] {
  const p = loadProgram({ text, path: "/virtual/clock.dsp" });
  const inputs = Array.from({ length: p.inputs }, () => Float64Array.from({ length: samples }, (_, i) => input(i)));
  return evaluate(p.outputs, { samples, inputs }).map((a) => [...a]);
}

describe("clock domains: the acceptance cases", () => {
  it("(3,_) : ondemand(+~_) with input 1 gives 3(n+1)", () => {
    expect(evalProgram("process = (3,_) : ondemand(+~_);", 6)).toEqual([[3, 6, 9, 12, 15, 18]]);
  });
  it("(2,_) : upsampling(+~_) gives the running sum of x (the input reaches only the last inner run)", () => {
    expect(evalProgram("process = (2,_) : upsampling(+~_);", 6)).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(evalProgram("process = (2,_) : upsampling(+~_);", 6, (i) => i + 1)).toEqual([[1, 3, 6, 10, 15, 21]]);
  });
  it("(2,_) : downsampling(+~_) gives 1,1,2,2,3,3", () => {
    expect(evalProgram("process = (2,_) : downsampling(+~_);", 6)).toEqual([[1, 1, 2, 2, 3, 3]]);
  });
  it("js and the FIR interpreter render the same values with input 1", () => {
    const cases: [string, number[]][] = [
      ["process = (3,_) : ondemand(+~_);", [3, 6, 9, 12, 15, 18]],
      ["process = (2,_) : upsampling(+~_);", [1, 2, 3, 4, 5, 6]],
      ["process = (2,_) : downsampling(+~_);", [1, 1, 2, 2, 3, 3]],
    ];
    for (const [text, want] of cases)
      for (const backend of ["js", "interp"] as const) {
        const m = compileFir({ text, path: "/virtual/clock.dsp" }, { double: true });
        const [out] = renderDsp(instantiate(m, backend)(), { samples: 6, sampleRate: 44100, blockSize: 4, double: true, input: () => 1 });
        expect([...out!], `${backend}: ${text}`).toEqual(want);
      }
  });
  it("the state inside a body advances only when it runs, its outputs hold (0 before the first run)", () => {
    // the clock is 1 at samples 1, 4, 7: the counter inside counts runs, not samples
    const text = "clk = (+(1) ~ _) % 3 == 2; process = (clk, 0) : ondemand(\\(z).(z + (1 : + ~ _)));";
    expect(evalProgram(text, 9)).toEqual([[0, 1, 1, 1, 2, 2, 2, 3, 3]]);
  });
  it("ma.SR is SR·H inside upsampling, SR/H inside downsampling, compounded when nested, the same inside ondemand", () => {
    const sr = 'SR = fconstant(int fSamplingFreq, <math.h>);';
    expect(evalProgram(`${sr} process = (4, 0) : upsampling(\\(z).(z + SR));`, 1)).toEqual([[176400]]);
    expect(evalProgram(`${sr} process = (4, 0) : downsampling(\\(z).(z + SR));`, 1)).toEqual([[11025]]);
    expect(evalProgram(`${sr} process = (2, 0) : upsampling(\\(z).((4, z) : downsampling(+(SR))));`, 1)).toEqual([[44100 / 2]]);
    expect(evalProgram(`${sr} process = (3, 0) : ondemand(+(SR));`, 1)).toEqual([[44100]]);
  });
  it("constant clocks simplify: 0 gives 0s, 1 the body itself (no domain)", () => {
    for (const mode of ["ondemand", "upsampling", "downsampling"]) {
      const zero = loadProgram({ text: `process = (0,_) : ${mode}(+~_);`, path: "/virtual/z.dsp" });
      expect(zero.outputs.map((o) => printSignals([o]).includes("clocked"))).toEqual([false]);
      expect(evalProgram(`process = (0,_) : ${mode}(+~_);`, 3)).toEqual([[0, 0, 0]]);
      const one = loadProgram({ text: `process = (1,_) : ${mode}(+~_);`, path: "/virtual/o.dsp" });
      expect(reachable(one.outputs).some((s) => s.kind === "clocked")).toBe(false);
      expect(evalProgram(`process = (1,_) : ${mode}(+~_);`, 3)).toEqual([[1, 2, 3]]);
    }
  });
  it("a domain's signal text reads back to the same graph", () => {
    const p = loadProgram({ text: "process = (2,_) : upsampling(+~_ : @(3));", path: "/virtual/t.dsp" });
    const text = printSignals(p.outputs);
    const { roots } = parseSignals(text, "t.sig");
    expect(printSignals(roots)).toBe(text);
    expect([...evaluate(roots, { samples: 8, inputs: [ones(8)] })[0]!]).toEqual([...evaluate(p.outputs, { samples: 8, inputs: [ones(8)] })[0]!]);
  });
});

const programs: Record<string, string> = {
  ondemand: "process = (3,_) : ondemand(+~_);",
  upsampling: "process = (2,_) : upsampling(+~_);",
  downsampling: "process = (2,_) : downsampling(+~_);",
  ondemand1: "process = 1 : (3,_) : ondemand(+~_);",
  downsampling1: "process = 1 : (2,_) : downsampling(+~_);",
  gate: `import("stdfaust.lib"); gate = os.lf_squarewave(300) > 0; process = (gate, _) : ondemand(fi.lowpass(2, 800));`,
  srFilterUp: `import("stdfaust.lib"); body(x) = (x + 0.2 * os.osc(440)) : fi.lowpass(2, 3000); process = (3, _) : upsampling(body);`,
  srFilterDown: `import("stdfaust.lib"); body(x) = (x + 0.2 * os.osc(440)) : fi.lowpass(2, 3000); process = (3, _) : downsampling(body);`,
  nested: "process = (2, 1) : upsampling(\\(x).((3, x) : downsampling(+ ~ _), (x : + ~ _)));",
  delays: "process = ((3, _) : downsampling(@(4))), ((2, _) : upsampling(_ <: _ + @(3)));",
  counted: `c = hslider("c", 2, 0, 4, 1); process = (c, _) : ondemand(+ ~ *(0.5));`,
  tables: `import("stdfaust.lib"); body(x) = os.osc(1000) + rwtable(8, 0.0, (+(1) ~ _) % 8, x * 0.5, (+(3) ~ _) % 8); process = (2, _) : downsampling(body);`,
};

describe("clock domains on every backend (js, interp, wasm, c, cpp)", () => {
  it("renders the signal evaluator's samples", async () => {
    const progs: DiffProgram[] = Object.entries(programs).map(([name, text]) => ({ name, text, path: `/virtual/${name}.dsp` }));
    const results = await diffPrograms(progs, { backends: DIFF_BACKENDS, reference: "signals", samples: 1024, backendTolerance: 1e-9 });
    const bad = results.map((r, i) => [progs[i]!.name, r] as const).filter(([, r]) => r.status !== "pass");
    expect(bad.map(([n, r]) => `${n}: ${describeResult(r)}`)).toEqual([]);
  }, 180_000);
});

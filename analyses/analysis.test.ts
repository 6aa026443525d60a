import { describe, expect, it } from "vitest";
import type { SignalGraph } from "../src/core/signals/graph.ts";
import { sig } from "../src/core/signals/signal.ts";
import { AnalysisManager, type Analysis } from "./analysis.ts";
import { transferAnalysis } from "./transfer.ts";

const x = sig.input(0);
const g: SignalGraph = { inputs: 1, outputs: [sig.add(x, sig.mul(sig.delay1(x), sig.float(0.5)))] };

/** An analysis with parameters: records each computation with its parameters. */
const calls: string[] = [];
const scaled: Analysis<number, { readonly rate: number; readonly mode: string }> = {
  name: "scaled",
  summary: "test-only",
  params: { rate: 44100, mode: "a" },
  compute(graph, _am, p) {
    calls.push(`${p.rate}/${p.mode}`);
    return graph.outputs.length * p.rate;
  },
  print: (n) => `${n}\n`,
};

describe("analyses with parameters", () => {
  it("are computed once per (graph, analysis, parameters), defaults filled in", () => {
    calls.length = 0;
    const am = new AnalysisManager(g);
    expect(am.get(scaled)).toBe(44100);
    expect(am.get(scaled, { rate: 44100 })).toBe(44100); // the defaults: the same set
    expect(am.get(scaled, { mode: "a", rate: 44100 })).toBe(44100);
    expect(am.get(scaled, { rate: 48000 })).toBe(48000);
    expect(am.get(scaled, { rate: 48000 })).toBe(48000);
    expect(calls).toEqual(["44100/a", "48000/a"]);
    expect(am.cached(scaled, { rate: 48000 })).toBe(true);
    expect(am.cached(scaled, { rate: 96000 })).toBe(false);
    expect(() => am.get(scaled, { bogus: 1 } as never)).toThrow(/no parameter 'bogus'/);
  });

  it("a new graph keeps every parameter set of a preserved analysis, and drops them all otherwise", () => {
    calls.length = 0;
    const am = new AnalysisManager(g);
    am.get(scaled);
    am.get(scaled, { rate: 48000 });
    const g2: SignalGraph = { inputs: 1, outputs: [x] };
    am.advance(g2, [scaled as Analysis<unknown>]);
    expect(am.cached(scaled, { rate: 48000 })).toBe(true);
    const g3: SignalGraph = { inputs: 1, outputs: [sig.delay1(x)] };
    am.advance(g3, []);
    expect(am.cached(scaled)).toBe(false);
    expect(am.get(scaled, { rate: 48000 })).toBe(48000);
    expect(calls).toEqual(["44100/a", "48000/a", "48000/a"]);
  });

  it("the transfer analysis takes the sample rate and the region selection", () => {
    const am = new AnalysisManager(g);
    const all = am.get(transferAnalysis);
    expect(am.get(transferAnalysis, { "sample-rate": 44100, regions: "all" })).toBe(all);
    const fir = am.get(transferAnalysis, { regions: "factorable" });
    expect(fir.length).toBe(1); // a one-tap FIR region is factorable when FIR stages are
    expect(am.get(transferAnalysis, { regions: "factorable-recursive" }).length).toBe(0);
  });
});

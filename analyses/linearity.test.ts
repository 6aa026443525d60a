import { describe, expect, it } from "vitest";
import { compileSignals } from "../src/driver/signals.ts";
import type { SignalGraph } from "../src/core/signals/graph.ts";
import { printSignalsNamed } from "../src/core/signals/print.ts";
import { sig, type Sig } from "../src/core/signals/signal.ts";
import { computeLinearity, linearityRemarks, type NodeLinearity } from "./linearity.ts";
import { findRegions } from "./lti-regions.ts";

function compile(body: string): SignalGraph {
  const p = compileSignals({ path: "/virtual/lin.dsp", text: `import("stdfaust.lib");\nprocess = ${body};\n` });
  return { inputs: p.inputs, outputs: p.outputs };
}
/** The class of the (first) output. */
function outClass(body: string): NodeLinearity {
  const g = compile(body);
  return computeLinearity(g).nodes.get(g.outputs[0]!)!;
}

describe("linearity: node classes in the program's inputs", () => {
  it("inputs, gains, sums and delays are lti; constants, controls and sources are told apart", () => {
    expect(outClass("_ <: _, @(3) :> *(0.5)").cls).toBe("lti");
    expect(outClass("_ + 1").cls).toBe("lti"); // affine: the constant is one more input of the region
    expect(outClass("fi.lowpass(2,1000)").cls).toBe("lti");
    expect(outClass(`hslider("g",0.5,0,1,0.01)`).cls).toBe("parameter");
    expect(outClass("no.noise").cls).toBe("source");
    expect(outClass("0.5*ma.SR").cls).toBe("constant");
  });

  it("slider-driven gains, delays and selectors are ltv at block rate; a product with a source is ltv at sample rate", () => {
    expect(outClass(`*(hslider("g",0.5,0,1,0.01))`)).toMatchObject({ cls: "ltv", rate: "block" });
    expect(outClass(`fi.tf2(0.1,0.2,0.1,hslider("a1",-0.5,-1,1,0.01),0.25)`)).toMatchObject({ cls: "ltv", rate: "block" });
    expect(outClass(`@(hslider("d",3,0,10,1))`)).toMatchObject({ cls: "ltv", rate: "block" });
    expect(outClass(`_ <: select2(button("b"), _, *(0.5))`)).toMatchObject({ cls: "ltv", rate: "block" });
    expect(outClass("_ * os.osc(440)")).toMatchObject({ cls: "ltv", rate: "sample" });
  });

  it("nonlinear nodes carry their reason and the node that introduced it", () => {
    expect(outClass("sin")).toMatchObject({ cls: "nonlinear", reason: "`sin` of a signal" });
    expect(outClass("_ <: *")).toMatchObject({ cls: "nonlinear", reason: "product of two signals" });
    expect(outClass("int")).toMatchObject({ cls: "nonlinear" });
    expect(outClass("_ <: select2(_ > 0, _, *(0.5))")).toMatchObject({ cls: "nonlinear", reason: "select2 on a signal-dependent selector" });
    expect(outClass("_ > 0")).toMatchObject({ cls: "nonlinear", reason: "`gt` of a signal" });
    expect(outClass("/")).toMatchObject({ cls: "nonlinear", reason: "division by a signal" });
    // inherited through a filter: the origin is the sin node
    const g = compile("sin : fi.lowpass(2,1000)");
    const r = computeLinearity(g);
    const n = r.nodes.get(g.outputs[0]!)!;
    expect(n.cls).toBe("nonlinear");
    expect(n.origin?.kind).toBe("math1");
  });

  it("int-natured signal arithmetic is not the real-valued linear system", () => {
    expect(outClass("int : *(3)")).toMatchObject({ cls: "nonlinear" });
    const x = sig.intcast(sig.input(0));
    const g: SignalGraph = { inputs: 1, outputs: [sig.add(x, x)] };
    expect(computeLinearity(g).nodes.get(g.outputs[0]!)!.cls).toBe("nonlinear");
    expect(computeLinearity(g).forms.has(g.outputs[0]!)).toBe(false);
  });

  it("recursions are solved as a fixpoint: a nonlinearity on the loop reaches every node of the cycle", () => {
    const g = compile("+ ~ sin");
    const r = computeLinearity(g);
    const loop = [...r.nodes].filter(([s]) => s.kind === "proj" || s.kind === "delay1");
    expect(loop.length).toBeGreaterThan(0);
    for (const [, n] of loop) expect(n.cls).toBe("nonlinear");
    // and a linear recursion stays lti
    const h = compile("+ ~ *(0.5)");
    for (const [s, n] of computeLinearity(h).nodes) if (s.kind === "proj") expect(n.cls).toBe("lti");
  });

  it("a recursion driven by nothing but constants is a source, not lti", () => {
    const [y] = sig.recursion("lin_test_counter", 1, ([y]) => [sig.add(sig.float(1), sig.mul(sig.float(0.5), sig.delay1(y!)))]);
    const g: SignalGraph = { inputs: 0, outputs: [y!] };
    expect(computeLinearity(g).nodes.get(y!)!.cls).toBe("source");
  });

  it("FL810 remarks: one per node that introduces a reason, with its source span", () => {
    // spans belong to the compilation: the remarks look them up in its table
    const p = compileSignals({ path: "/virtual/lin.dsp", text: `import("stdfaust.lib");\nprocess = sin : fi.lowpass(2,1000) : cos;\n` });
    const g: SignalGraph = { inputs: p.inputs, outputs: p.outputs };
    const { name } = printSignalsNamed(g.outputs, { localGroupNames: true });
    const rs = linearityRemarks(computeLinearity(g), "tf-reconstruct", name, p.spans.lookup);
    expect(rs.map((d) => d.code)).toEqual(["FL810", "FL810"]);
    expect(rs.map((d) => d.message).sort()).toEqual([
      expect.stringContaining("not LTI: `cos` of a signal"),
      expect.stringContaining("not LTI: `sin` of a signal"),
    ]);
    // where normalization kept the source node, the remark points at it
    expect(rs.find((d) => d.message.includes("sin"))!.span).toBeDefined();
  });
});

describe("lti-regions", () => {
  const regions = (body: string) => {
    const g = compile(body);
    return { g, r: findRegions(g, computeLinearity(g)) };
  };

  it("fi.lowpass(4,1000): one region spanning both recursions, from the input to the output", () => {
    const { g, r } = regions("fi.lowpass(4,1000)");
    expect(r.regions).toHaveLength(1);
    const x = r.regions[0]!;
    expect(x.kind).toBe("lti");
    expect(x.groups).toHaveLength(2);
    expect(x.inputs.map((s) => s.kind)).toEqual(["input"]);
    expect(x.outputs).toEqual([g.outputs[0]]);
  });

  it("a nonlinear node splits two filters into two regions; the second reads it as its input", () => {
    const { r } = regions("fi.lowpass(2,1000) : sin : fi.highpass(2,500)");
    const big = r.regions.filter((x) => x.groups.length > 0);
    expect(big).toHaveLength(2);
    expect(big.map((x) => x.inputs.map((s: Sig) => s.kind).join())).toEqual(expect.arrayContaining(["input", "math1"]));
  });

  it("parallel filters on the same inputs are one multi-input/multi-output region", () => {
    const { g, r } = regions("(_,_) <: (+ : fi.lowpass(2,1000)), (- : @(2))");
    expect(r.regions).toHaveLength(1);
    expect(r.regions[0]!.inputs).toHaveLength(2);
    expect(r.regions[0]!.outputs).toEqual([...g.outputs]);
  });

  it("a region does not cross a clock-domain boundary: the filter inside a domain and the one outside are two regions", () => {
    const { r } = regions("fi.lowpass(2,1000) : (2, _) : downsampling(fi.highpass(2,500)) : fi.lowpass(2,2000)");
    const big = r.regions.filter((x) => x.groups.length > 0);
    expect(big).toHaveLength(3);
    // the body's region reads the domain's value (din), the last one the domain's held output
    expect(big.map((x) => x.inputs.map((s: Sig) => s.kind).join()).sort()).toEqual(["clockout", "din", "input"]);
    for (const x of big) expect(x.members.some((m) => m.kind === "din" || m.kind === "clockout" || m.kind === "clocked")).toBe(false);
  });

  it("slider coefficients make an ltv region", () => {
    const { r } = regions(`fi.lowpass(2, hslider("fc",1000,10,10000,1))`);
    expect(r.regions.map((x) => x.kind)).toEqual(["ltv"]);
  });
});

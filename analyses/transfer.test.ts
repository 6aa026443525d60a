import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSignals } from "../src/driver/signals.ts";
import { arbSignalGraph } from "../src/harness/arbitrary/signals.ts";
import { evaluate } from "../src/core/signals/evaluate.ts";
import { inputsRead, type SignalGraph } from "../src/core/signals/graph.ts";
import { freshRecName, sig, type Sig } from "../src/core/signals/signal.ts";
import { computeLinearity } from "./linearity.ts";
import { findRegions } from "./lti-regions.ts";
import { computeTransfer, evalExpr, exprToSig, impulseResponse, impulseResponseStages, type PairTransfer, type RegionTransfer } from "./transfer.ts";

const N = 512;

function compile(body: string, name = "t"): SignalGraph {
  const p = compileSignals({ path: `/virtual/${name}.dsp`, text: `import("stdfaust.lib");\nprocess = ${body};\n` }, { precision: "double" });
  return { inputs: p.inputs, outputs: p.outputs };
}

function transfers(g: SignalGraph, sampleRate?: number): RegionTransfer[] {
  return computeTransfer(findRegions(g, computeLinearity(g)), { sampleRate });
}

/** The graph's response at output j to a unit impulse on input i (others silent). */
function graphImpulse(g: SignalGraph, i: number, j: number, n = N): Float64Array {
  const inputs = Array.from({ length: Math.max(g.inputs, inputsRead(g.outputs)) }, (_, k) => {
    const a = new Float64Array(n);
    if (k === i) a[0] = 1;
    return a;
  });
  return evaluate(g.outputs, { samples: n, inputs })[j]!;
}

function maxDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k]! - y[k]!));
  return m;
}
const peak = (x: ArrayLike<number>) => Math.max(1, ...Array.from(x, Math.abs));

/**
 * Every (program input → graph output) pair of the LTI regions: the
 * reconstructed H's impulse response equals the graph's within 1e-9 of the
 * peak. Returns the pairs checked.
 */
function checkAgainstGraph(g: SignalGraph): PairTransfer<number>[] {
  const checked: PairTransfer<number>[] = [];
  for (const t of transfers(g)) {
    if (t.kind !== "lti") continue;
    if (!t.region.inputs.every((x) => x.kind === "input")) continue;
    for (const p of t.pairs) {
      const j = g.outputs.indexOf(p.output);
      if (j < 0 || p.input.kind !== "input") continue;
      const want = graphImpulse(g, p.input.index, j);
      // the cascade as the source factors it (the expanded B/A of a narrow high-order filter is ill-conditioned)
      const got = impulseResponseStages(p.stages, N);
      expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-9 * peak(want));
      if (p.a.length <= 5) expect(maxDiff(impulseResponse(p.b, p.a, N), want)).toBeLessThanOrEqual(1e-9 * peak(want));
      checked.push(p);
    }
  }
  return checked;
}

const only = (g: SignalGraph): PairTransfer<number> => {
  const ps = checkAgainstGraph(g);
  expect(ps).toHaveLength(1);
  return ps[0]!;
};

describe("transfer: library filters against their evaluated impulse responses", () => {
  it("fi.tf2 gives back its coefficients", () => {
    const p = only(compile("fi.tf2(0.1,0.2,0.1,-0.5,0.25)"));
    expect(p.b).toEqual([0.1, 0.2, 0.1].map((x) => expect.closeTo(x, 15)));
    expect(p.a).toEqual([1, -0.5, 0.25].map((x) => expect.closeTo(x, 15)));
    expect(p.sections).toHaveLength(1);
  });

  it("fi.lowpass(4, 1000) is one region of order 4 kept as its 2 sections", () => {
    const p = only(compile("fi.lowpass(4,1000)"));
    expect(p.a).toHaveLength(5);
    expect(p.sections.map((s) => s.a.length)).toEqual([3, 3]);
    // the product of the sections is A
    const prod = [1, 0, 0, 0, 0];
    const [s0, s1] = p.sections.map((s) => s.a as number[]);
    for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) prod[i + k] = (i + k === 0 ? 0 : prod[i + k]!) + s0![i]! * s1![k]!;
    prod[0] = 1;
    expect(maxDiff(prod, p.a)).toBeLessThan(1e-12);
    // a lowpass: H(1) = 1
    const dc = p.b.reduce((x, y) => x + y) / p.a.reduce((x, y) => x + y);
    expect(dc).toBeCloseTo(1, 9);
  });

  it("fi.highpass(3, 500): order 3 from a second- and a first-order section", () => {
    const p = only(compile("fi.highpass(3,500)"));
    expect(p.a).toHaveLength(4);
    expect(p.sections.map((s) => s.a.length - 1)).toEqual([2, 1]);
    expect(p.b.reduce((x, y) => x + y)).toBeCloseTo(0, 12); // no DC
  });

  it("fi.peak_eq, shelves, resonators, svf, comb and allpass filters, FIR with @", () => {
    for (const body of [
      "fi.peak_eq(6,1000,100)",
      "fi.lowshelf(3,6,500)",
      "fi.highshelf(2,-6,2000)",
      "fi.resonlp(1000,5,1)",
      "fi.resonbp(1000,5,1)",
      "fi.svf.lp(1000,0.7)",
      "fi.svf.bell(1000,2,6)",
      "fi.fb_comb(8,5,0.5,0.3)",
      "fi.ff_comb(8,3,0.5,0.7)",
      "fi.allpass_comb(8,5,0.5)",
      "fi.iir((0.5,0.25,0.125),(0.1,-0.2))",
      "fi.dcblocker",
      "_ <: _, @(3) :> +",
      "fi.lowpass(8,50)",
      "fi.highpass(8,50)",
      "fi.lowpass(3,100) : fi.highpass(5,2000) : fi.peak_eq(-3,500,50)",
    ])
      expect(checkAgainstGraph(compile(body)).length, body).toBeGreaterThan(0);
  });

  it("the FIR `_ <: _, @(3) :> +` is 1 + z^-3", () => {
    const p = only(compile("_ <: _, @(3) :> +"));
    expect(p.a).toEqual([1]);
    expect(p.b).toEqual([1, 0, 0, 1]);
  });

  it("fi.allpass_comb is an allpass: |B| reversed is A up to the gain", () => {
    const p = only(compile("fi.allpass_comb(8,5,0.5)"));
    const n = p.a.length - 1;
    const b = [...p.b, ...Array(Math.max(0, n + 1 - p.b.length)).fill(0)];
    for (let k = 0; k <= n; k++) expect(Math.abs(b[n - k]!)).toBeCloseTo(Math.abs(p.a[k]!), 12);
  });

  it("a two-input/two-output mixer with delays is one region with a state space", () => {
    const g = compile("(_,_) <: (+ : fi.lowpass(2,1000)), (- : @(2)), (_*0.5 + @(1)*0.25)", "mix");
    const ts = transfers(g).filter((t) => t.kind === "lti");
    const pairs = checkAgainstGraph(g);
    expect(pairs.length).toBeGreaterThanOrEqual(5);
    const mimo = ts.find((t) => t.region.inputs.length === 2 && t.region.outputs.length >= 2);
    expect(mimo).toBeDefined();
    // simulate (A, B, C, D) and compare with the graph on a random input
    const ss = (mimo as Extract<RegionTransfer, { kind: "lti" }>).stateSpace!;
    const u = [0, 1].map(() => Float64Array.from({ length: 64 }, (_, k) => Math.sin(0.3 * k * k + 1)));
    const want = evaluate(g.outputs, { samples: 64, inputs: u });
    let x = ss.A.map(() => 0);
    for (let t = 0; t < 64; t++) {
      const ut = mimo!.region.inputs.map((s) => u[(s as Sig & { index: number }).index]![t]!);
      mimo!.region.outputs.forEach((o, r) => {
        const j = g.outputs.indexOf(o);
        if (j < 0) return;
        const y = ss.C[r]!.reduce((acc, c, k) => acc + c * x[k]!, 0) + ss.D[r]!.reduce((acc, d, k) => acc + d * ut[k]!, 0);
        expect(Math.abs(y - want[j]![t]!)).toBeLessThan(1e-12);
      });
      x = ss.A.map((row, k) => row.reduce((acc, a, l) => acc + a * x[l]!, 0) + ss.B[k]!.reduce((acc, b, l) => acc + b * ut[l]!, 0));
    }
  });

  it("a region behind a nonlinear node takes that node as its input", () => {
    const g = compile("sin : fi.lowpass(2,1000)");
    const t = transfers(g).find((x) => x.kind === "lti" && x.states > 0)!;
    expect(t.region.inputs.map((s) => s.kind)).toEqual(["math1"]);
    expect((t as Extract<RegionTransfer, { kind: "lti" }>).pairs[0]!.a).toHaveLength(3);
  });

  it("the sample rate is an option", () => {
    const g = compile("fi.lowpass(2,1000)");
    const a44 = (transfers(g)[0] as Extract<RegionTransfer, { kind: "lti" }>).pairs[0]!.a;
    const a96 = (transfers(g, 96000)[0] as Extract<RegionTransfer, { kind: "lti" }>).pairs[0]!.a;
    expect(a44[1]).not.toBeCloseTo(a96[1]!, 3);
  });
});

describe("transfer: ltv regions get coefficients as expressions of the parameters", () => {
  const init = (s: Sig) => evaluate([s], { samples: 1 })[0]![0]!;

  it("fi.tf2 with slider coefficients: b and a are the sliders", () => {
    const sl = (n: string, v: number) => `hslider("${n}",${v},-1,1,0.01)`;
    const g = compile(`fi.tf2(${sl("b0", 0.1)},${sl("b1", 0.2)},${sl("b2", 0.1)},${sl("a1", -0.5)},${sl("a2", 0.25)})`);
    const [t] = transfers(g);
    expect(t!.kind).toBe("ltv");
    const p = (t as Extract<RegionTransfer, { kind: "ltv" }>).pairs[0]!;
    const leaves = (e: (typeof p.b)[number]) => e.terms.flatMap((m) => m.f.map(([s]) => (s as Sig & { label: string }).label));
    expect(p.b.map(leaves)).toEqual([["b0"], ["b1"], ["b2"]]);
    expect(p.a.map(leaves)).toEqual([[], ["a1"], ["a2"]]);
    expect(p.b.map((e) => evalExpr(e, init))).toEqual([0.1, 0.2, 0.1].map((x) => expect.closeTo(x, 12)));
    expect(p.a.map((e) => evalExpr(e, init))).toEqual([1, -0.5, 0.25].map((x) => expect.closeTo(x, 12)));
  });

  it("a long slider-driven cascade is computed stage by stage", () => {
    const live = compile(`fi.lowpass(12, hslider("fc",1000,10,10000,1))`);
    const fixed = compile("fi.lowpass(12, 1000)");
    const tl = transfers(live).find((t) => t.kind === "ltv") as Extract<RegionTransfer, { kind: "ltv" }>;
    const tf = transfers(fixed).find((t) => t.kind === "lti") as Extract<RegionTransfer, { kind: "lti" }>;
    expect(tl.pairs[0]!.stages).toHaveLength(6);
    tl.pairs[0]!.stages.forEach((st, k) => {
      const a = st.a.map((e) => evaluate([exprToSig(e)], { samples: 1 })[0]![0]!);
      expect(maxDiff(a, tf.pairs[0]!.stages[k]!.a)).toBeLessThan(1e-12);
    });
  });

  it("fi.lowpass with a slider cutoff: the expressions, rebuilt as signals, give the constant filter's coefficients", () => {
    const live = compile(`fi.lowpass(3, hslider("fc",1000,10,10000,1))`);
    const fixed = compile("fi.lowpass(3, 1000)");
    const tl = transfers(live).find((t) => t.kind === "ltv") as Extract<RegionTransfer, { kind: "ltv" }>;
    const tf = transfers(fixed).find((t) => t.kind === "lti") as Extract<RegionTransfer, { kind: "lti" }>;
    const pl = tl.pairs[0]!, pf = tf.pairs[0]!;
    expect(pl.sections.length).toBe(pf.sections.length);
    const b = pl.b.map((e) => evaluate([exprToSig(e)], { samples: 1 })[0]![0]!);
    const a = pl.a.map((e) => evaluate([exprToSig(e)], { samples: 1 })[0]![0]!);
    expect(maxDiff(b, pf.b)).toBeLessThan(1e-12);
    expect(maxDiff(a, pf.a)).toBeLessThan(1e-12);
  });
});

// ---------------------------------------------------------------------------
// Properties

/** A random stable rational filter: poles and zeros inside the unit circle, in conjugate pairs. */
const arbFilter = fc
  .record({
    order: fc.integer({ min: 1, max: 16 }),
    seeds: fc.array(fc.tuple(fc.double({ min: 0.05, max: 0.97, noNaN: true }), fc.double({ min: 0, max: Math.PI, noNaN: true })), { minLength: 16, maxLength: 16 }),
    zeros: fc.array(fc.tuple(fc.double({ min: 0.05, max: 1.2, noNaN: true }), fc.double({ min: 0, max: Math.PI, noNaN: true })), { minLength: 16, maxLength: 16 }),
    gain: fc.double({ min: 0.01, max: 10, noNaN: true }),
    cascade: fc.boolean(),
  })
  .map(({ order, seeds, zeros, gain, cascade }) => {
    const sections = (roots: [number, number][]) => {
      const secs: number[][] = [];
      let left = order;
      for (const [r, th] of roots) {
        if (left === 0) break;
        if (left >= 2) secs.push([1, -2 * r * Math.cos(th), r * r]), (left -= 2);
        else secs.push([1, -r]), (left -= 1);
      }
      return secs;
    };
    return { order, den: sections(seeds), num: sections(zeros), gain, cascade };
  });

function polyMul(p: readonly number[], q: readonly number[]): number[] {
  const r = Array<number>(p.length + q.length - 1).fill(0);
  p.forEach((x, i) => q.forEach((y, j) => (r[i + j] += x * y)));
  return r;
}

/** y = Σ b_k x[n-k] − Σ a_k y[n-k] as a signal graph (direct form I, one recursion). */
function directForm(x: Sig, b: readonly number[], a: readonly number[]): Sig {
  const tap = (s: Sig, k: number) => (k === 0 ? s : k === 1 ? sig.delay1(s) : sig.delay(s, sig.int(k)));
  let ff: Sig = sig.mul(tap(x, 0), sig.float(b[0]!));
  for (let k = 1; k < b.length; k++) ff = sig.add(ff, sig.mul(tap(x, k), sig.float(b[k]!)));
  if (a.length === 1) return ff;
  const [y] = sig.recursion(freshRecName("df"), 1, ([y]) => {
    let acc = ff;
    for (let k = 1; k < a.length; k++) acc = sig.sub(acc, sig.mul(sig.delay(y!, sig.int(k)), sig.float(a[k]!)));
    return [acc];
  });
  return y!;
}

const near = (got: readonly number[], want0: readonly number[]) => {
  const want = [...want0];
  while (want.length > 1 && want[want.length - 1] === 0) want.pop();
  const scale = Math.max(1, ...want.map(Math.abs));
  expect(got.length).toBe(want.length);
  expect(maxDiff(got, want)).toBeLessThanOrEqual(1e-9 * scale);
};

describe("transfer: properties", () => {
  it("random stable filters built as graphs (direct form or cascade) give back their H within 1e-9", () => {
    fc.assert(
      fc.property(arbFilter, ({ den, num, gain, cascade }) => {
        const x = sig.input(0);
        let out: Sig;
        const a = den.reduce(polyMul, [1]);
        const b = num.reduce(polyMul, [gain]);
        if (cascade) {
          // one section per denominator factor, the numerator on the first
          out = x;
          den.forEach((d, k) => (out = directForm(out, k === 0 ? b : [1], d)));
        } else out = directForm(x, b, a);
        const g: SignalGraph = { inputs: 1, outputs: [out] };
        const ts = transfers(g).filter((t) => t.kind === "lti");
        expect(ts).toHaveLength(1);
        const p = (ts[0] as Extract<RegionTransfer, { kind: "lti" }>).pairs[0]!;
        near(p.a, a);
        near(p.b, b);
        expect(p.sections.length).toBe(cascade ? den.length : 1);
        const want = graphImpulse(g, 0, 0, 256);
        expect(maxDiff(impulseResponseStages(p.stages, 256), want)).toBeLessThanOrEqual(1e-9 * peak(want));
        expect(p.stages.length).toBe(cascade ? den.length : 1);
      }),
      { numRuns: 60 },
    );
  });

  it("random graphs: the analyses never throw, and every LTI region fed by program inputs matches the evaluator", () => {
    fc.assert(
      fc.property(arbSignalGraph({ finite: true, maxSize: 25 }), (roots) => {
        const g: SignalGraph = { inputs: inputsRead(roots), outputs: roots };
        const lin = computeLinearity(g);
        for (const s of roots) expect(lin.nodes.has(s)).toBe(true);
        for (const t of transfers(g)) {
          if (t.kind !== "lti" || !t.region.inputs.every((x) => x.kind === "input")) continue;
          for (const p of t.pairs) {
            const j = g.outputs.indexOf(p.output);
            if (j < 0 || p.input.kind !== "input") continue;
            const want = graphImpulse(g, p.input.index, j, 64);
            if (!want.every(Number.isFinite) || peak(want) > 1e6) continue; // unstable: nothing to compare within a bound
            expect(maxDiff(impulseResponseStages(p.stages, 64), want)).toBeLessThanOrEqual(1e-9 * peak(want));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

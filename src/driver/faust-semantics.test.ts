// Semantics Faust has and faustlab once lacked (issue 20), against the reference
// compiler: enable/control with Faust's suspension (src/core/signals/conditions.ts;
// the programs of corpus/programs/enable/), an rwtable keeping its initial
// content's nature, lowest/highest (the bounds of the interval analysis). Each program gives the reference's samples on the signal
// evaluator and on every backend. Then the conditions themselves (CNF,
// absorption, the control's gate reaching only x, tables' generators untouched).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir } from "../../corpus/manifest.ts";
import { DIFF_BACKENDS, describeResult, diffPrograms, type DiffProgram } from "../harness/difftest.ts";
import { compileReference, renderReference } from "../harness/oracle.ts";
import { loadProgram } from "./program.ts";
import { compileFir, instantiate } from "./compile.ts";
import { renderDsp } from "../chain/backends/render.ts";
import { evaluate } from "../core/signals/evaluate.ts";
import { condKey, conditions, lineShape } from "../core/signals/conditions.ts";
import { reachable } from "../core/signals/graph.ts";
import { sig } from "../core/signals/signal.ts";
import { printSignals } from "../core/signals/print.ts";
import { parseSignals } from "../core/signals/parse.ts";

const dir = path.join(corpusDir, "programs");
const files = [
  ...fs.readdirSync(path.join(dir, "enable")).filter((f) => f.endsWith(".dsp")).sort().map((f) => `enable/${f}`),
  "tables/rwtable_int_content.dsp",
  "math/lowest_highest.dsp",
];
const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");

describe("programs where faustlab gives the reference's samples", () => {
  it.each(files)("%s: the signal evaluator gives the reference's samples", async (f) => {
    const n = 256;
    const text = read(f);
    const ref = renderReference(await compileReference(text, f, { double: true, sourceDir: path.dirname(path.join(dir, f)) }), { samples: n }).data;
    const p = loadProgram({ text, path: path.join(dir, f) });
    const inputs = Array.from({ length: p.inputs }, () => Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)));
    const got = evaluate(p.outputs, { samples: n, inputs });
    expect(got.length).toBe(ref.length);
    got.forEach((o, k) => expect([...o], `${f} out${k}`).toEqual([...ref[k]!]));
  });

  it("every backend renders the reference's samples", async () => {
    const progs: DiffProgram[] = files.map((f) => ({ name: f, path: path.join(dir, f), text: read(f) }));
    const results = await diffPrograms(progs, { backends: DIFF_BACKENDS, reference: "faust", samples: 2048 });
    const bad = results.map((r, i) => [files[i]!, r] as const).filter(([, r]) => r.status !== "pass");
    expect(bad.map(([n, r]) => `${n}: ${describeResult(r)}`)).toEqual([]);
  }, 180_000);

});

describe("enable/control", () => {
  it("enable(x, y) is x·y where y ≠ 0 (Faust's control(x·y, y ≠ 0)), held elsewhere", () => {
    const p = loadProgram({ text: "process = _ <: enable(_, _ + 2), enable(_, 0.5);", path: "/virtual/e.dsp" });
    const out = evaluate(p.outputs, { samples: 3, inputs: [Float64Array.from([1, 0, 0])] });
    expect(out.map((o) => [...o])).toEqual([[3, 0, 0], [0.5, 0, 0]]);
  });
});

describe("execution conditions", () => {
  const x = sig.input(0);
  const a = sig.binop("gt", sig.input(1), sig.float(0));
  const b = sig.binop("gt", sig.input(2), sig.float(0));
  it("the gate reaches x only; a node under two gates gets their disjunction, nested gates their conjunction", () => {
    const inner = sig.binop("mul", x, sig.float(2));
    const root = sig.binop("add", sig.control(sig.control(inner, b), a), sig.control(inner, b));
    const c = conditions([root]);
    expect(c.any).toBe(true);
    // inner: (a ∧ b) ∨ b = b (absorption)
    expect(condKey(c.exec(inner))).toBe(condKey([[b]]));
    expect(c.exec(a)).toEqual([]);
    const only = sig.control(sig.control(inner, b), a);
    const c2 = conditions([only]);
    expect(condKey(c2.exec(inner))).toBe(condKey([[a], [b]].sort((p, q) => p[0]!.id - q[0]!.id)));
    expect(c2.exec(b).map((cl) => cl.map((s) => s.id))).toEqual([[a.id]]);
  });
  it("a table's generator is computed at init, unconditioned", () => {
    const gen = sig.binop("add", sig.delay1(sig.int(1)), sig.int(2));
    const t = sig.rdtable(sig.table(sig.int(4), gen), sig.int(3));
    const c = conditions([sig.control(t, a)]);
    expect(condKey(c.exec(t))).toBe(condKey([[a]]));
    expect(reachable([gen]).every((s) => c.exec(s).length === 0)).toBe(true);
  });
  it("line shapes: shifted arrays up to 16 samples, power-of-two rings beyond", () => {
    expect(lineShape(16)).toEqual({ ring: false, size: 17 });
    expect(lineShape(17)).toEqual({ ring: true, size: 32 });
    expect(lineShape(25)).toEqual({ ring: true, size: 32 });
  });
});

describe("group metadata", () => {
  it("stay on the widgets' group path and survive the signal text", () => {
    const p = loadProgram({ text: 'process = hgroup("G[m:1][style:knob]", hslider("h:H[k:v]/f", 1, 0, 2, 0.1));', path: "/virtual/g.dsp" });
    const w = reachable(p.outputs).find((s) => s.kind === "hslider");
    expect(w?.kind === "hslider" && w.path).toEqual([
      { orient: "h", label: "G", meta: [["m", "1"], ["style", "knob"]] },
      { orient: "h", label: "H", meta: [["k", "v"]] },
    ]);
    const text = printSignals(p.outputs);
    expect(printSignals(parseSignals(text, "g.sig").roots)).toBe(text);
  });
});

describe("foreign constants and variables", () => {
  const render = (text: string, backend: "js" | "interp") => {
    const m = compileFir({ text, path: "/virtual/f.dsp" }, { double: true });
    return renderDsp(instantiate(m, backend)(), { samples: 6, sampleRate: 48000, blockSize: 4, double: true, input: () => 0 }).map((o) => [...o]);
  };
  it("the ones the libraries use: the sample rate and the compute call's length (count)", () => {
    const text = "process = fconstant(int fSamplingFreq, <math.h>), fvariable(int count, <math.h>);";
    for (const backend of ["js", "interp"] as const)
      expect(render(text, backend)).toEqual([
        [48000, 48000, 48000, 48000, 48000, 48000],
        [4, 4, 4, 4, 2, 2],
      ]);
  });
  it("any other is FL603, naming it and the known ones", () => {
    expect(() => compileFir({ text: "process = fconstant(float M_PI, <math.h>);", path: "/virtual/p.dsp" })).toThrow(/constant 'M_PI' is not available.*'fSamplingFreq'/);
    expect(() => compileFir({ text: "process = fvariable(float fFoo, <foo.h>);", path: "/virtual/v.dsp" })).toThrow(/variable 'fFoo' is not available.*'count'/);
  });
});

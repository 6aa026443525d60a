// Programs of any size: the size families that overflowed the JavaScript stack
// or took exponential time (issue 14) compile, with the right arity and
// samples, and runaway recursions give located diagnostics. Speed is measured
// in benchmarks/scale.bench.ts, never here.

import { describe, expect, it } from "vitest";
import { compileFir } from "./compile.ts";
import { loadJs } from "../chain/backends/js.ts";
import { renderDsp } from "../chain/backends/render.ts";
import { wasmModule } from "../chain/backends/wasm.ts";
import { runCli, tempTree } from "../cli/testutil.ts";
import { sizeFamilies } from "./scale.ts";

const family = (name: string) => sizeFamilies.find((f) => f.name === name)!;

/** Compiles to FIR, checks the wasm encodes, and renders 3 samples with the JS backend (impulse on every input). */
function run(src: string): { ins: number; outs: Float64Array[] } {
  const m = compileFir({ text: src, path: "/scale/p.dsp" }, { double: true });
  expect(wasmModule(m).bytes.length).toBeGreaterThan(0);
  const dsp = loadJs(m)();
  return { ins: dsp.getNumInputs(), outs: renderDsp(dsp, { samples: 3, double: true }) };
}

describe("size families compile at sizes that overflowed the stack", () => {
  it("a sum of 2,000 infix terms", () => {
    const r = run(family("sum").source(2000));
    expect(r.ins).toBe(0);
    expect([...r.outs[0]!]).toEqual([2000, 2000, 2000]);
  });
  it("a sum of 2,000 inputs", () => {
    const r = run(`process = ${Array(2000).fill("_").join(" + ")};`);
    expect(r.ins).toBe(2000);
    expect([...r.outs[0]!]).toEqual([2000, 0, 0]);
  });
  it("par(i, 2000, _)", () => {
    const r = run(family("par").source(2000));
    expect(r.ins).toBe(2000);
    expect(r.outs.length).toBe(2000);
    expect(r.outs.every((o) => o[0] === 1 && o[1] === 0)).toBe(true);
  });
  it("seq(i, 2000, _ : +(1))", () => {
    const r = run(family("seq").source(2000));
    expect(r.ins).toBe(1);
    expect([...r.outs[0]!]).toEqual([2001, 2000, 2000]);
  });
  it("the DAG doubling seq(i, 60, _ <: _, _ :> _) is not expanded as a tree", () => {
    const r = run(family("dag").source(60));
    expect(r.ins).toBe(1);
    expect([...r.outs[0]!]).toEqual([2 ** 60, 0, 0]);
  });
  it("a deep with chain and ro.interleave", () => {
    expect([...run(family("with").source(500)).outs[0]!]).toEqual([500, 500, 500]);
    const r = run(family("interleave").source(40));
    expect(r.ins).toBe(160);
    // interleave(N=40, M=4): output 1 is input 40
    expect(r.outs.length).toBe(160);
  });
});

describe("runaway recursion and missing process: located diagnostics, exit 1", () => {
  const tree = tempTree("scale");
  const probe = async (name: string, text: string) => {
    const file = tree.write(name, text);
    const r = await runCli("compile", file, "-lang", "wasm", "-o", tree.dir + "/out.wasm");
    return { ...r, file };
  };
  it("f(x) = f(x+1) at the top level: the definition, the call and the chain of calls", async () => {
    const r = await probe("rec1.dsp", "f(x) = f(x+1);\nprocess = f(0);\n");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${r.file}:1:1: error FL403`);
    expect(r.err).toContain("'f' never stops calling itself");
    expect(r.err).toContain(`${r.file}:2:11: note: 'process' calls 'f' here`);
    expect(r.err).toContain(`${r.file}:1:8: note: 'f' calls 'f' here`);
    expect(r.err).not.toMatch(/internal error/i);
  });
  it("f(x) = f(x+1) in a with", async () => {
    // (named g: box spans are still per process, not per compilation, so the very same
    // definition `f(x) = f(x+1)` in two files of one process is located in the first)
    const r = await probe("rec2.dsp", "process = g(1) with { g(x) = g(x+1); };\n");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${r.file}:1:23: error FL403`);
    expect(r.err).toContain(`${r.file}:1:11: note: 'process' calls 'g' here`);
    expect(r.err).toContain(`${r.file}:1:30: note: 'g' calls 'g' here`);
  });
  it("fi.lowpass(_, 100): a signal where a number was needed", async () => {
    const r = await probe("lp.dsp", 'import("stdfaust.lib");\nprocess = fi.lowpass(_, 100);\n');
    expect(r.code).toBe(1);
    expect(r.err).toContain("error FL403");
    expect(r.err).toContain("is a signal where a number was needed");
    expect(r.err).toContain(`${r.file}:2:11: note: 'process' calls 'lowpass' here`);
  });
  it("a file without process: FL401 in that file", async () => {
    const r = await probe("noproc.dsp", "foo = 1;\n");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${r.file}:1:1: error FL401`);
  });
});

// Lockstep bundles (one loop over the lanes of independent recursions of one
// shape, src/chain/codegen/generate.ts) give the samples of scalar emission
// (-no-lockstep), bit for bit: on the suite sample (every 15th accepted library
// test, the corpus) in double precision with the JS backend, and on the
// programs with bundles in single and double precision with the FIR
// interpreter, wasm, C and C++.
import { describe, expect, it } from "vitest";
import { compileFir, instantiate } from "../driver/compile.ts";
import { firstMismatch, suiteSample, type SampleProgram } from "./suite-sample.ts";
import { renderDsp } from "../chain/backends/render.ts";
import { wasmModule, wasmReference } from "../chain/backends/wasm.ts";
import { printWast } from "../chain/backends/wasm-wast.ts";
import { runNative } from "../chain/backends/native.ts";
import { renderReference } from "./oracle.ts";
import { testSignal } from "./difftest.ts";
import { DiagnosticError } from "../core/diagnostics.ts";
import type { FirModule, Stmt } from "../core/fir/fir.ts";

const N = 1024;
const noise = testSignal();

function compile(p: SampleProgram, lockstep: boolean, double = true): FirModule | undefined {
  try {
    return compileFir({ text: p.text, path: p.path }, { double, lockstep });
  } catch (e) {
    if (e instanceof DiagnosticError) return undefined;
    throw e;
  }
}

/** The lane loops of a module's compute (loops whose variable the generator names l<n>). */
function laneLoops(m: FirModule): number {
  let n = 0;
  const walk = (ss: readonly Stmt[]) => {
    for (const s of ss) {
      if (s.kind === "for") {
        if (/^l\d+$/.test(s.name)) n++;
        walk(s.body);
      } else if (s.kind === "if") (walk(s.then), walk(s.else));
      else if (s.kind === "block") walk(s.body);
    }
  };
  walk(m.functions.compute);
  return n;
}

type Backend = "js" | "interp" | "wasm" | "c" | "cpp";
function render(ms: readonly FirModule[], backend: Backend, double: boolean): Float64Array[][] {
  const opts = { samples: N, sampleRate: 44100, blockSize: 256 };
  if (backend === "c" || backend === "cpp") {
    const input = (m: FirModule) => Array.from({ length: m.inputs }, (_, c) => Float64Array.from({ length: N }, (_, i) => noise(c, i)));
    return runNative(backend, ms.map((m) => ({ module: m, ...opts, input: input(m) })));
  }
  return ms.map((m) => (backend === "wasm" ? renderReference(wasmReference(m), { ...opts, input: noise }).data : renderDsp(instantiate(m, backend)(), { ...opts, input: noise, double })));
}

const banks: SampleProgram[] = [
  ["resonbp bank", "process = no.noise <: par(i, 8, fi.resonbp(100*(i+1), 30, 0.1)) :> _;"],
  ["tf2 bank", "process = par(i, 8, fi.tf2(0.2 + 0.01*i, 0.3, 0.1 - 0.005*i, -1.1 - 0.02*i, 0.4 + 0.03*i));"],
  ["stereo lowpass", 'process = par(i, 2, fi.lowpass(4, hslider("f", 1000, 20, 20000, 1)));'],
  ["comb bank", "process = _ <: par(i, 4, fi.fb_fcomb(64, 40, 1, 0.5 + 0.1*i)) :> _;"], // one delay length: int literals are part of the shape
].map(([id, text]) => ({ id: id!, text: `import("stdfaust.lib");\n${text}`, path: `/virtual/${id!.replace(/ /g, "-")}.dsp` }));

describe("lockstep bundles give the samples of scalar emission", () => {
  const progs = suiteSample();
  const bundled: SampleProgram[] = [...banks];

  it(`on ${progs.length} programs (every 15th library test, the corpus), js backend, double`, () => {
    const bad: string[] = [];
    for (const p of progs) {
      const a = compile(p, true);
      const b = compile(p, false);
      if (!a || !b) {
        if (a || b) bad.push(`${p.id}: compiled only ${a ? "with" : "without"} lockstep`);
        continue;
      }
      if (laneLoops(b)) bad.push(`${p.id}: a lane loop with -no-lockstep`);
      if (!laneLoops(a)) continue;
      bundled.push(p);
      const d = firstMismatch(render([b], "js", true)[0]!, render([a], "js", true)[0]!);
      if (d) bad.push(`${p.id}: ${d}`);
    }
    expect(bad).toEqual([]);
    expect(bundled.length - banks.length).toBeGreaterThan(3);
  }, 600_000);

  it("wasm runs a lane loop W lanes at a time in simd128 (f32x4, f64x2), the same samples", () => {
    for (const double of [false, true]) {
      const m = compile(banks[0]!, true, double)!;
      const text = printWast(wasmModule(m).spec);
      expect(text).toContain(double ? "f64x2.mul" : "f32x4.mul");
      expect(text).toContain("v128.store");
      expect(firstMismatch(render([compile(banks[0]!, false, double)!], "wasm", double)[0]!, render([m], "wasm", double)[0]!)).toBeUndefined();
    }
  });

  it("the banks have lane loops", () => {
    for (const p of banks) expect(laneLoops(compile(p, true)!), p.id).toBeGreaterThan(0);
  });

  for (const double of [false, true])
    it(`on the programs with bundles, every backend, ${double ? "double" : "single"} precision`, () => {
      const few = bundled.filter((p, i) => i < banks.length || i % 3 === 0);
      const withL = few.map((p) => compile(p, true, double)!);
      const without = few.map((p) => compile(p, false, double)!);
      const base = render(without, "js", double);
      for (const be of ["js", "interp", "wasm", "c", "cpp"] as const) {
        const got = render(withL, be, double);
        const scalar = be === "js" ? base : render(without, be, double);
        few.forEach((p, k) => expect(firstMismatch(scalar[k]!, got[k]!), `${p.id} ${be}`).toBeUndefined());
      }
    }, 600_000);
});

// The cost of fad and rad: compile time and render throughput of a body alone
// and differentiated with respect to N seeds, for a stateful body (a cascade of
// N one-pole filters, one slider each: fad carries N tangent lanes through
// every recursion, rad back-propagates through time over the block) and an
// instantaneous one (a waveshaper with N slider
// coefficients: rad takes its reverse sweep). Throughput is in M frames/s
// (one frame = one sample of every output), float, blocks of 512, input 0.5.
// The real compiler renders the primal alone in the same run (it has no fad);
// -O is the default optimizing pipeline (O1) on the derivative graphs, with
// the number of signal nodes before and after.

import { compileFir, instantiate } from "../src/driver/compile.ts";
import { compileSignals } from "../src/driver/signals.ts";
import { reachable } from "../src/core/signals/graph.ts";
import { compileReference, instantiateReference } from "../src/harness/oracle.ts";
import { DEFAULT_OPTIMIZING } from "../passes/registry.ts";
import { optimizeProgram } from "../src/driver/optimize.ts";
import { bestOf, type BenchResult } from "./types.ts";

const SEEDS = [1, 2, 4, 8];
const MAX = Math.max(...SEEDS);
const sliders = Array.from({ length: MAX }, (_, k) => `p${k} = hslider("p${k}", ${(0.3 + 0.05 * k).toFixed(2)}, 0, 0.9, 0.01);`).join("\n");
const cascade = `cascade = ${Array.from({ length: MAX }, (_, k) => `(+ ~ *(p${k}))`).join(" : ")} : *(0.01);`;
const shaper = `shaper(x) = ${Array.from({ length: MAX }, (_, k) => `p${k} * sin(${k + 1} * x)`).join(" + ")};`;
const seedList = (n: number) => (n === 1 ? "p0" : `(${Array.from({ length: n }, (_, k) => `p${k}`).join(", ")})`);

let unique = 0;
const N_SAMPLES = 1 << 17;
const BS = 512;

async function measure(src: string, passes?: string): Promise<{ compileMs: number; mfps: number; nodes: number }> {
  const name = () => `adbench${unique++}`;
  const compileMs = await bestOf(2, () => compileFir({ text: src, path: `/bench/${name()}.dsp` }, { name: name(), passes }));
  const m = compileFir({ text: src, path: `/bench/${name()}.dsp` }, { name: name(), passes });
  let p = compileSignals({ text: src, path: `/bench/${name()}.dsp` }, { name: name() });
  if (passes) p = optimizeProgram(p, passes).program;
  const dsp = instantiate(m, "js")();
  dsp.init(44100);
  const ins = Array.from({ length: m.inputs }, () => new Float32Array(BS).fill(0.5));
  const outs = Array.from({ length: m.outputs }, () => new Float32Array(BS));
  const ms = await bestOf(3, () => {
    for (let i = 0; i < N_SAMPLES; i += BS) dsp.compute(BS, ins, outs);
  });
  return { compileMs, mfps: N_SAMPLES / ms / 1000, nodes: reachable(p.outputs).length };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const note = "float, blocks of 512";
  for (const [body, def] of [["cascade", cascade], ["shaper", shaper]] as const) {
    const primal = `${sliders}\n${def}\nprocess = ${body === "cascade" ? "cascade" : "shaper"};`;
    const base = await measure(primal);
    results.push({ name: `${body}: primal compile`, value: base.compileMs, unit: "ms" });
    results.push({ name: `${body}: primal render`, value: base.mfps, unit: "M frames/s", note });
    const c = await compileReference(primal, `adref${unique++}`);
    const inst = instantiateReference(c, 44100, BS);
    for (let k = 0; k < c.meta.inputs; k++) inst.input(k).fill(0.5);
    const refMs = await bestOf(3, () => {
      for (let i = 0; i < N_SAMPLES; i += BS) inst.compute(BS);
    });
    results.push({ name: `${body}: reference primal render`, value: N_SAMPLES / refMs / 1000, unit: "M frames/s", note });
    results.push({ name: `${body}: reference primal compile`, value: c.compileMs, unit: "ms" });
    for (const n of SEEDS) {
      for (const mode of ["fad", "rad"] as const) {
        const src = `${sliders}\n${def}\nprocess = ${mode}(${body}, ${seedList(n)});`;
        const r = await measure(src);
        results.push({ name: `${body}: ${mode} N=${n} compile`, value: r.compileMs, unit: "ms", note: `${(r.compileMs / base.compileMs).toFixed(2)}× the primal` });
        results.push({ name: `${body}: ${mode} N=${n} render`, value: r.mfps, unit: "M frames/s", note: `${(base.mfps / r.mfps).toFixed(2)}× slower than the primal; ${r.nodes} nodes` });
        if (n === MAX) {
          const o = await measure(src, DEFAULT_OPTIMIZING);
          results.push({ name: `${body}: ${mode} N=${n} -O render`, value: o.mfps, unit: "M frames/s", note: `${r.nodes} → ${o.nodes} nodes` });
        }
      }
    }
  }
  return results;
}

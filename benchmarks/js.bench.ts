// Render throughput of faustlab's JS backend next to the reference compiler's
// wasm output, same programs, float (single precision), blocks of 512, inputs
// held at 0.5, controls at their defaults. Also the FIR interpreter, for scale.

import { compileFir, instantiate } from "../src/driver/compile.ts";
import { compileReference, instantiateReference } from "../src/harness/oracle.ts";
import { bestOf, type BenchResult } from "./types.ts";

const programs: [string, string][] = [
  ["os.osc(440)", 'import("stdfaust.lib"); process = os.osc(440);'],
  ["fi.lowpass(4,1000)", 'import("stdfaust.lib"); process = fi.lowpass(4, 1000);'],
  ["re.mono_freeverb(0.5,0.5,0.5,0)", 'import("stdfaust.lib"); process = re.mono_freeverb(0.5, 0.5, 0.5, 0);'],
  ["dm.zita_light", 'import("stdfaust.lib"); process = dm.zita_light;'],
];

let unique = 0;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const n = 1 << 18;
  const bs = 512;
  for (const [name, src] of programs) {
    const m = compileFir({ text: src, path: `/bench/bench${unique}.dsp` }, { name: `bench${unique++}` });
    for (const backend of ["js", "interp"] as const) {
      const dsp = instantiate(m, backend)();
      dsp.init(44100);
      const ins = Array.from({ length: m.inputs }, () => new Float32Array(bs).fill(0.5));
      const outs = Array.from({ length: m.outputs }, () => new Float32Array(bs));
      const total = backend === "js" ? n : n / 16;
      const ms = await bestOf(3, () => {
        for (let i = 0; i < total; i += bs) dsp.compute(bs, ins, outs);
      });
      results.push({ name: `faustlab ${backend} render ${name}`, value: (total * m.outputs) / ms / 1000, unit: "M samples/s", note: "float, blocks of 512" });
    }
    const c = await compileReference(src, `bench${unique++}`);
    const inst = instantiateReference(c, 44100, bs);
    for (let k = 0; k < c.meta.inputs; k++) inst.input(k).fill(0.5);
    const ms = await bestOf(3, () => {
      for (let i = 0; i < n; i += bs) inst.compute(bs);
    });
    results.push({ name: `reference wasm render ${name}`, value: (n * c.meta.outputs) / ms / 1000, unit: "M samples/s", note: "float, blocks of 512" });
  }
  return results;
}

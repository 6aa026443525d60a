// The reference compiler's own speed, in this process: compile time of a few
// programs (libfaust 2.88.0 in wasm, standard library parsed on each call as
// libfaust does) and render throughput of its wasm output. These are the
// figures faustlab's own front end and backends are compared with.

import { compileReference, instantiateReference } from "../src/harness/oracle.ts";
import { bestOf, type BenchResult } from "./types.ts";

const programs: [string, string][] = [
  ["os.osc(440)", 'import("stdfaust.lib"); process = os.osc(440);'],
  ["fi.lowpass(4,1000)", 'import("stdfaust.lib"); process = fi.lowpass(4, 1000);'],
  ["re.mono_freeverb(0.5,0.5,0.5,0)", 'import("stdfaust.lib"); process = re.mono_freeverb(0.5, 0.5, 0.5, 0);'],
  ["dm.zita_light", 'import("stdfaust.lib"); process = dm.zita_light;'],
  ["re.zita_rev1_stereo", 'import("stdfaust.lib"); process = re.zita_rev1_stereo(0, 200, 6000, 3, 2, 44100);'],
];

let unique = 0;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [name, src] of programs) {
    const ms = await bestOf(3, () => compileReference(src, `bench${unique++}`));
    results.push({ name: `reference compile ${name}`, value: ms, unit: "ms", note: "best of 3" });
  }
  const n = 1 << 18;
  for (const [name, src] of programs.slice(0, 4)) {
    const c = await compileReference(src, `bench${unique++}`);
    const inst = instantiateReference(c, 44100, 512);
    for (let k = 0; k < c.meta.inputs; k++) inst.input(k).fill(0.5);
    const ms = await bestOf(3, () => {
      for (let i = 0; i < n; i += 512) inst.compute(512);
    });
    results.push({ name: `reference wasm render ${name}`, value: (n * c.meta.outputs) / ms / 1000, unit: "M samples/s", note: "float, blocks of 512" });
  }
  return results;
}

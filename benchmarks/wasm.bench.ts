// faustlab's wasm against the real compiler's wasm (libfaust 2.88.0 in this
// process, src/harness/oracle.ts), on the same programs (benchmarks/programs.ts),
// float and double, blocks of 128 and 512. Both modules run in the same
// driver (instantiateReference: buffers after the struct, compute(dsp, count,
// ins, outs)), the same noise on every input, controls at their defaults.
// Timings alternate between the two modules (best of several rounds) so a
// busy machine hurts both alike. Each program gives three figures: faustlab
// M samples/s, reference M samples/s, and the ratio faustlab / reference.

import { compileFir } from "../src/driver/compile.ts";
import { wasmReference } from "../src/chain/backends/wasm.ts";
import { compileReference, instantiateReference, type CompiledReference } from "../src/harness/oracle.ts";
import { BACKEND_PROGRAMS, BENCH_PASSES, benchPassesNote, noise } from "./programs.ts";
import type { BenchResult } from "./types.ts";

const SAMPLES = 1 << 16; // per timed run and channel (short runs, many rounds: the best round dodges a busy machine)
const ROUNDS = 41;

let unique = 0;

/** Returns a function rendering SAMPLES samples and the instance's output count. */
function renderer(c: CompiledReference, bs: number): () => void {
  const inst = instantiateReference(c, 44100, bs);
  const n = noise(bs);
  for (let k = 0; k < c.meta.inputs; k++) inst.input(k).set(n);
  return () => {
    for (let i = 0; i < SAMPLES; i += bs) inst.compute(bs);
  };
}

/**
 * Best time (ms) of each of two functions, alternated over ROUNDS rounds after
 * a warm-up long enough for V8 to tier both modules up to optimized code.
 */
export function alternate(a: () => void, b: () => void, rounds = ROUNDS): [number, number] {
  for (let w = 0; w < 8; w++) {
    a();
    b();
  }
  let ta = Infinity;
  let tb = Infinity;
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    a();
    ta = Math.min(ta, performance.now() - t0);
    t0 = performance.now();
    b();
    tb = Math.min(tb, performance.now() - t0);
  }
  return [ta, tb];
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [label, src] of BACKEND_PROGRAMS) {
    for (const double of [false, true]) {
      const prec = double ? "double" : "float";
      let ours: CompiledReference;
      let ref: CompiledReference;
      try {
        const name = `wbench${unique++}`;
        ours = wasmReference(compileFir({ text: src, path: `/bench/${name}.dsp` }, { name, double, passes: BENCH_PASSES }));
        ref = await compileReference(src, name, { double });
      } catch (e) {
        results.push({ name: `wasm ${label} ${prec}: skipped`, value: 0, unit: "", note: (e as Error).message.split("\n")[0] });
        continue;
      }
      for (const bs of [128, 512]) {
        const [tOurs, tRef] = alternate(renderer(ours, bs), renderer(ref, bs));
        const rate = (ms: number) => (SAMPLES * Math.max(1, ours.meta.outputs)) / ms / 1000;
        const note = `${prec}, blocks of ${bs}, best of ${ROUNDS}, ${benchPassesNote}`;
        results.push({ name: `faustlab wasm ${label}`, value: rate(tOurs), unit: "M samples/s", note });
        results.push({ name: `reference wasm ${label}`, value: rate(tRef), unit: "M samples/s", note });
        results.push({ name: `wasm ratio ${label}`, value: tRef / tOurs, unit: "× (faustlab/reference)", note });
      }
    }
  }
  return results;
}

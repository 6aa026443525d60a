// Lockstep bundles: faustlab's wasm with bundles (one loop over the lanes of
// independent recursions of one shape, the default) and without
// (-no-lockstep), each against the real compiler's wasm (libfaust 2.88.0 in
// this process), float, blocks of 512, in the driver of wasm.bench.ts; the
// three modules are timed in turn each round, in a rotating order (the first
// timed of a pair ran up to 35% faster on identical modules), best of 41
// rounds of 2^16 samples. Figures per
// program: M samples/s of each, the ratios faustlab / reference with and
// without lockstep, and the number of lane loops in the module.

import { compileFir } from "../src/driver/compile.ts";
import { wasmReference } from "../src/chain/backends/wasm.ts";
import { compileReference, instantiateReference, type CompiledReference } from "../src/harness/oracle.ts";
import type { FirModule, Stmt } from "../src/core/fir/fir.ts";
import { BENCH_PASSES, benchPassesNote, noise } from "./programs.ts";
import type { BenchResult } from "./types.ts";

const SAMPLES = 1 << 16;
const BS = 512;

export const LOCKSTEP_PROGRAMS: readonly (readonly [string, string])[] = [
  ["resonbp bank ×8", "process = no.noise <: par(i, 8, fi.resonbp(100*(i+1), 30, 0.1)) :> _;"],
  ["tf2 bank, 8 channels", "process = par(i, 8, fi.tf2(0.2 + 0.01*i, 0.3, 0.1 - 0.005*i, -1.1 - 0.02*i, 0.4 + 0.03*i));"],
  ["stereo lowpass(4)", 'process = par(i, 2, fi.lowpass(4, hslider("f", 1000, 20, 20000, 1)));'],
  ["re.mono_freeverb", "process = re.mono_freeverb(0.5, 0.5, 0.5, 0);"],
  ["dm.zita_light", "process = dm.zita_light;"],
];

function renderer(c: CompiledReference): () => void {
  const inst = instantiateReference(c, 44100, BS);
  const n = noise(BS);
  for (let k = 0; k < c.meta.inputs; k++) inst.input(k).set(n);
  return () => {
    for (let i = 0; i < SAMPLES; i += BS) inst.compute(BS);
  };
}

function laneLoops(m: FirModule): number {
  let n = 0;
  const walk = (ss: readonly Stmt[]) => {
    for (const s of ss)
      if (s.kind === "for") (/^l\d+$/.test(s.name) && n++, walk(s.body));
      else if (s.kind === "if") (walk(s.then), walk(s.else));
      else if (s.kind === "block") walk(s.body);
  };
  walk(m.functions.compute);
  return n;
}

/** Best time (ms) of each function, the three timed in turn every round (the order within a round rotates), after a warm-up. */
function rounds(fs: readonly (() => void)[], n = 41): number[] {
  for (let w = 0; w < 8; w++) for (const f of fs) f();
  const best = fs.map(() => Infinity);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < fs.length; j++) {
      const k = (j + r) % fs.length;
      const t0 = performance.now();
      fs[k]!();
      best[k] = Math.min(best[k]!, performance.now() - t0);
    }
  return best;
}

let unique = 0;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const [label, body] of LOCKSTEP_PROGRAMS) {
    const src = `import("stdfaust.lib");\n${body}`;
    const name = `lbench${unique++}`;
    const mOn = compileFir({ text: src, path: `/bench/${name}.dsp` }, { name, passes: BENCH_PASSES });
    const mOff = compileFir({ text: src, path: `/bench/${name}.dsp` }, { name, passes: BENCH_PASSES, lockstep: false });
    const ref = await compileReference(src, name, {});
    const rate = (ms: number) => (SAMPLES * Math.max(1, ref.meta.outputs)) / ms / 1000;
    const [tOn, tOff, tRef] = rounds([renderer(wasmReference(mOn)), renderer(wasmReference(mOff)), renderer(ref)]);
    const note = `float, blocks of ${BS}, best of 41, ${benchPassesNote}, ${laneLoops(mOn)} lane loops`;
    results.push({ name: `lockstep wasm ${label}`, value: rate(tOn), unit: "M samples/s", note });
    results.push({ name: `no-lockstep wasm ${label}`, value: rate(tOff), unit: "M samples/s", note });
    results.push({ name: `reference wasm ${label}`, value: rate(tRef), unit: "M samples/s", note });
    results.push({ name: `lockstep ratio ${label}`, value: tRef / tOn, unit: "× (faustlab/reference)", note });
    results.push({ name: `no-lockstep ratio ${label}`, value: tRef / tOff, unit: "× (faustlab/reference)", note });
    results.push({ name: `lockstep / no-lockstep ${label}`, value: tOff / tOn, unit: "×", note });
  }
  return results;
}

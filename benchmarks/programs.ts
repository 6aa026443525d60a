// The programs the backend benchmarks (wasm.bench.ts, cpp.bench.ts) render:
// typical library DSP, controls at their defaults. Each is [label, source].

export const BACKEND_PROGRAMS: readonly (readonly [string, string])[] = [
  ["os.osc(440)", 'import("stdfaust.lib"); process = os.osc(440);'],
  ["fi.lowpass(4,1000)", 'import("stdfaust.lib"); process = fi.lowpass(4, 1000);'],
  ["re.mono_freeverb", 'import("stdfaust.lib"); process = re.mono_freeverb(0.5, 0.5, 0.5, 0);'],
  ["dm.zita_light", 'import("stdfaust.lib"); process = dm.zita_light;'],
  ["pf.phaser2_mono", 'import("stdfaust.lib"); process = pf.phaser2_mono(4, 0, 1000, 400, 1.5, 1500, 0.5, 1, 0.5, 0);'],
  ["peak_eq+svf cascade", 'import("stdfaust.lib"); process = fi.peak_eq(6, 1000, 100) : fi.peak_eq(-3, 3000, 300) : fi.peak_eq(4, 8000, 1000) : fi.svf.lp(5000, 0.7);'],
  ["pm.ks (string, noise excitation)", 'import("stdfaust.lib"); process = pm.ks(pm.f2l(220), 0.1);'],
  ["pm.clarinetModel", 'import("stdfaust.lib"); process = pm.clarinetModel(pm.f2l(220), 0.8, 0.5, 0.5);'],
];

/** Deterministic noise in [-0.5, 0.5) (a 32-bit LCG), the input of every benchmarked program. */
export function noise(length: number, seed = 1): Float64Array {
  const out = new Float64Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

/**
 * The pass pipeline faustlab compiles the benchmarked programs with:
 * FAUSTLAB_BENCH_PASSES, default `Ofast` (the speed pipeline; the real
 * compiler, which faustlab is compared with, always optimizes). Set it to ""
 * to measure faustlab without passes.
 */
export const BENCH_PASSES: string | undefined = (() => {
  const v = process.env.FAUSTLAB_BENCH_PASSES ?? "Ofast";
  return v === "" ? undefined : v;
})();
/** How a figure names faustlab's pipeline. */
export const benchPassesNote = BENCH_PASSES === undefined ? "faustlab without passes" : `faustlab -passes ${BENCH_PASSES}`;

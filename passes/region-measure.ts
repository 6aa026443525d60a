// The measured check of the algebraic passes ("never worse"): a region's
// float32 accuracy as the source writes it, against a candidate rewrite of it,
// both measured against the source evaluated in double.
//
//   measureRegion(inputs, source, candidate) → { source, candidate }   SNR in dB
//
// The region is cut out of its program: each of its sample-rate inputs is read
// from a program input (white noise, Faust's no.noise sequence, rounded to
// float32; input k starts k·n samples further along it), so what feeds the
// region elsewhere (a loop around it, another filter) does not enter the
// measure; and again on a unit impulse on every input (the impulse response:
// what a transient, or a program whose input is a click, shows). A candidate
// is no worse when it is no worse on both signals: on noise the roundoff of
// the states dominates, on the impulse the error of the response itself, and
// one can rank two forms apart from the other (a resonator bank in parallel
// form, 1.4 dB better on noise, 0.7 dB worse on its impulse). Controls are at their defaults, the sample rate is `sampleRate`.
// The evaluator (src/core/signals/evaluate.ts) rounds every float result to
// float32 in `precision: "single"`, as the generated code does, so the figure
// is the one the compiled program would show for that region, to within the
// rounding of math functions (computed in double, then rounded).

import { evaluate } from "../src/core/signals/evaluate.ts";
import { substitute } from "../src/core/signals/rewrite.ts";
import { sig, type Sig } from "../src/core/signals/signal.ts";
import { faustNoise } from "../analyses/zdomain/errors.ts";
import { DEFAULT_SAMPLE_RATE } from "../analyses/transfer.ts";

/** Samples of noise a region is measured on. */
export const MEASURE_SAMPLES = 8192;

export interface RegionAccuracy {
  /** float32 SNR (dB) of the source's form against the source in double, on noise (Infinity: equal; NaN: not finite). */
  readonly source: number;
  /** float32 SNR (dB) of the candidate against the source in double, on noise. */
  readonly candidate: number;
  /** The same two on a unit impulse. */
  readonly impulse: { readonly source: number; readonly candidate: number };
}

export interface MeasureOptions {
  readonly samples?: number;
  readonly sampleRate?: number;
}

/** `roots` with each of `inputs` replaced by program input k (the region cut out of its program). */
function cut(roots: readonly Sig[], inputs: readonly Sig[]): Sig[] {
  const index = new Map(inputs.map((x, k) => [x, k] as const));
  return substitute(roots, (s) => (index.has(s) ? sig.input(index.get(s)!) : undefined)).roots;
}

/** 10·log10(Σ truth² / Σ (got − truth)²) over the outputs given. */
function snr(truth: readonly Float64Array[], got: readonly Float64Array[]): number {
  let signal = 0;
  let noise = 0;
  truth.forEach((t, k) => {
    const g = got[k]!;
    for (let i = 0; i < t.length; i++) {
      signal += t[i]! * t[i]!;
      const e = g[i]! - t[i]!;
      noise += e * e;
    }
  });
  if (!Number.isFinite(noise)) return NaN;
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

/**
 * The float32 accuracy of the region whose outputs are `source` (reading the
 * sample-rate signals `inputs`), and of `candidate` (the same outputs
 * rewritten, reading the same inputs), against `source` in double, output by
 * output.
 */
export function measureRegion(inputs: readonly Sig[], source: readonly Sig[], candidate: readonly Sig[], opts: MeasureOptions = {}): RegionAccuracy[] {
  const n = opts.samples ?? MEASURE_SAMPLES;
  const sampleRate = opts.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const noise = faustNoise(n * Math.max(1, inputs.length));
  const channels = inputs.map((_, k) => noise.subarray(k * n, (k + 1) * n));
  const src = cut(source, inputs);
  const cand = cut(candidate, inputs);
  const click = new Float64Array(n);
  click[0] = 1;
  const on = (inputs: Float64Array[]) => {
    const truth = evaluate(src, { samples: n, inputs, sampleRate });
    const single = (roots: Sig[]) => evaluate(roots, { samples: n, inputs, sampleRate, precision: "single" });
    const s32 = single(src);
    const c32 = single(cand);
    return truth.map((t, k) => ({ source: snr([t], [s32[k]!]), candidate: snr([t], [c32[k]!]) }));
  };
  const noisy = on(channels);
  const impulse = on(inputs.map(() => click));
  return noisy.map((m, k) => ({ ...m, impulse: impulse[k]! }));
}

type Pair = { readonly source: number; readonly candidate: number };
const better = (m: Pair) => !Number.isNaN(m.candidate) && (Number.isNaN(m.source) || m.candidate > m.source);
const atLeast = (m: Pair) => Number.isNaN(m.source) || (!Number.isNaN(m.candidate) && m.candidate >= m.source);

/** Is the candidate better than the source on noise or on the impulse (a NaN, an unstable rendering, is never better)? */
export function improves(m: RegionAccuracy): boolean {
  return better(m) || better(m.impulse);
}

/** Is the candidate at least as good as the source on noise and on the impulse? */
export function noWorse(m: RegionAccuracy): boolean {
  return atLeast(m) && atLeast(m.impulse);
}

// Rounding-error analysis of a cascade of realized sections, and the
// structure choice it drives.
//
// Model (white input of variance s^2; float32 round-to-nearest): every
// arithmetic result v_i adds an independent white error of variance
// c * E[v_i^2], c = 0.541 * 2^-46 / 12 (ulp^2/12 averaged over a log-uniform
// significand). E[v_i^2] = s^2 ||f_i||^2 with f_i the response from the
// cascade input to op i, and the error reaches the output through g_i, the
// response from op i to the cascade output. Coefficient rounding adds the
// deterministic error (h_q - h) filtered by the rest of the cascade. Per
// section the terms are separable (upstream and downstream transfers do not
// depend on the structures in exact arithmetic), so the best structure can be
// chosen section by section.

import { cabs } from "./complex.ts";
import { type Section, filterCascadeDF1 } from "./sos.ts";
import {
  type Realization,
  type Round,
  type StructureKind,
  STRUCTURES,
  checkStability,
  designFromSection,
  exact,
  float32,
  isRefusal,
  quantize,
  run,
  stateSize,
  step,
} from "./structures.ts";

export const FLOAT32_ROUNDING_VARIANCE = (0.541 * Math.pow(2, -46)) / 12;

/** Impulse-response length after which the slowest pole's energy tail is below 1e-9 (bounded). */
export function analysisLength(sections: readonly Section[], cap = 1 << 18): number {
  let r = 0;
  for (const s of sections) for (const p of s.poles) r = Math.max(r, cabs(p));
  if (r === 0) return 64;
  const n = Math.ceil(Math.log(1e-9) / (2 * Math.log(r))) + 64;
  return Math.max(256, Math.min(cap, n));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function sumSq(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}

export interface SectionEstimate {
  readonly kind: StructureKind;
  /** Rounding-noise power at the cascade output relative to the output signal power. */
  readonly roundingNsr: number;
  /** Coefficient-quantization error power relative to the output signal power. */
  readonly quantizationNsr: number;
  readonly nsr: number;
  readonly snrDb: number;
}

export interface SectionRefusal {
  readonly kind: StructureKind;
  readonly reason: string;
}

export interface SectionChoice {
  readonly index: number;
  readonly estimates: readonly SectionEstimate[];
  readonly refused: readonly SectionRefusal[];
  readonly best: StructureKind;
  readonly realization: Realization;
}

export interface CascadeChoice {
  readonly sections: readonly SectionChoice[];
  /** Estimated float32 SNR (dB) of the whole cascade with the chosen structures. */
  readonly snrDb: number;
}

/**
 * Estimated float32 error of realization r used as section `index` of the
 * cascade, given the upstream impulse response u (the cascade input to this
 * section's input) and the downstream sections.
 */
export function estimateSection(
  r: Realization,
  exactSection: Realization,
  u: Float64Array,
  downstream: readonly Section[],
  outputPower: number,
): SectionEstimate {
  const L = u.length;
  const ops = new Map<number, number>();
  const record: Round = (op, v) => {
    ops.set(op, (ops.get(op) ?? 0) + v * v);
    return v;
  };
  run(r, u, record);
  // Noise gain of op i: injecting 1 at op i from a zero state yields an
  // immediate output y_i0 and a next state s_i; the error then reaches the
  // cascade output as y_i0 * d + sum_j s_ij * w_j, where d is the downstream
  // impulse response and w_j the downstream-filtered free response of state
  // e_j (one sample later). So the gain is the quadratic form v^T G v with
  // v = (y_i0, s_i) and G the Gram matrix of (d, w_1, ..., w_n).
  const n = stateSize(r);
  const basis: Float64Array[] = [];
  const unit = new Float64Array(L);
  unit[0] = 1;
  basis.push(filterCascadeDF1(downstream, unit));
  for (let j = 0; j < n; j++) {
    const st = new Float64Array(n);
    st[j] = 1;
    const free = new Float64Array(L);
    for (let t = 1; t < L; t++) free[t] = step(r, st, 0, exact);
    basis.push(filterCascadeDF1(downstream, free));
  }
  const G: number[][] = basis.map((a) => basis.map((b) => dot(a, b)));
  let rounding = 0;
  for (const [op, e2] of ops) {
    if (e2 === 0) continue;
    const st = new Float64Array(n);
    const y0 = step(r, st, 0, (o, v) => (o === op ? v + 1 : v));
    const v = [y0, ...st];
    let gain = 0;
    for (let a = 0; a < v.length; a++) for (let b = 0; b < v.length; b++) gain += v[a]! * G[a]![b]! * v[b]!;
    rounding += e2 * Math.max(gain, 0);
  }
  rounding *= FLOAT32_ROUNDING_VARIANCE;
  const yq = run(quantize(r), u, exact);
  const y = run(exactSection, u, exact);
  for (let t = 0; t < L; t++) yq[t] = yq[t]! - y[t]!;
  const quant = sumSq(filterCascadeDF1(downstream, yq));
  const roundingNsr = rounding / outputPower;
  const quantizationNsr = quant / outputPower;
  const nsr = roundingNsr + quantizationNsr;
  return { kind: r.kind, roundingNsr, quantizationNsr, nsr, snrDb: -10 * Math.log10(nsr) };
}

/**
 * For each section, estimate every candidate structure and keep the best
 * stable one (refusing structures that are unstable in double or become
 * unstable with float32 coefficients). Throws RangeError if no candidate is
 * stable for some section (the filter itself is then unstable).
 */
export function chooseStructures(
  sections: readonly Section[],
  candidates: readonly StructureKind[] = STRUCTURES,
  length = analysisLength(sections),
): CascadeChoice {
  const impulse = new Float64Array(length);
  impulse[0] = 1;
  const h = filterCascadeDF1(sections, impulse);
  const outputPower = sumSq(h);
  let u: Float64Array = impulse;
  const out: SectionChoice[] = [];
  let total = 0;
  sections.forEach((s, index) => {
    const downstream = sections.slice(index + 1);
    const estimates: SectionEstimate[] = [];
    const refused: SectionRefusal[] = [];
    const reals = new Map<StructureKind, Realization>();
    const reference = designFromSection("df1", s) as Realization;
    for (const kind of candidates) {
      const r = designFromSection(kind, s);
      if (isRefusal(r)) {
        refused.push(r);
        continue;
      }
      const st = checkStability(r);
      if (!st.stable) {
        refused.push({ kind, reason: st.reason ?? "unstable" });
        continue;
      }
      reals.set(kind, r);
      estimates.push(estimateSection(r, reference, u, downstream, outputPower));
    }
    if (estimates.length === 0) throw new RangeError(`section ${index}: no stable structure (${refused.map((r) => `${r.kind}: ${r.reason}`).join("; ")})`);
    const best = estimates.reduce((a, b) => (b.nsr < a.nsr ? b : a));
    total += best.nsr;
    out.push({ index, estimates, refused, best: best.kind, realization: reals.get(best.kind)! });
    u = filterCascadeDF1([s], u);
  });
  return { sections: out, snrDb: -10 * Math.log10(total) };
}

/** Uniform-structure cascade estimate (every section in `kind`), or null when some section refuses it. */
export function estimateUniform(sections: readonly Section[], kind: StructureKind, length = analysisLength(sections)): number | null {
  try {
    const c = chooseStructures(sections, [kind], length);
    return c.snrDb;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------ simulation

/** Run a cascade of realizations; R = float32 also rounds the coefficients. */
export function runCascade(realizations: readonly Realization[], input: ArrayLike<number>, R: Round = exact): Float64Array {
  let cur: ArrayLike<number> = input;
  for (const r of realizations) cur = run(R === float32 ? quantize(r) : r, cur, R);
  return Float64Array.from(cur);
}

/** Faust's no.noise: the 32-bit LCG y = 12345 + 1103515245 y[n-1] (wrapping), divided by 2^31 - 1, in float32. */
export function faustNoise(n: number): Float64Array {
  const out = new Float64Array(n);
  let state = 0;
  for (let t = 0; t < n; t++) {
    state = (Math.imul(state, 1103515245) + 12345) | 0;
    out[t] = Math.fround(Math.fround(state) / 2147483647);
  }
  return out;
}

export interface Comparison {
  readonly snrDb: number;
  readonly maxAbsError: number;
  readonly finite: boolean;
}

/** SNR of `test` against `ref`: 10 log10(sum ref^2 / sum (test - ref)^2). */
export function compareSignals(ref: ArrayLike<number>, test: ArrayLike<number>): Comparison {
  let sig = 0;
  let err = 0;
  let maxAbs = 0;
  let finite = true;
  for (let i = 0; i < ref.length; i++) {
    const d = test[i]! - ref[i]!;
    if (!Number.isFinite(test[i]!)) finite = false;
    sig += ref[i]! * ref[i]!;
    err += d * d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  return { snrDb: finite ? 10 * Math.log10(sig / err) : -Infinity, maxAbsError: finite ? maxAbs : Infinity, finite };
}

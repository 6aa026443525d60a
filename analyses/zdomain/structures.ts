// Section structures: for each, the map from a section (its roots, or its
// biquad coefficients) to the structure's coefficients, a per-sample step
// function written once against a rounding hook (identity in double,
// Math.fround in float32, value recording / impulse injection for the noise
// analysis), and the linear-algebra facts used to check stability of the
// quantized structure.
//
// Structures (first-order sections use the same structure with b2 = a2 = 0,
// except the TPT/SVF form which has a one-pole variant):
//   df1      direct form I
//   df2t     direct form II transposed
//   svf      trapezoidal state-variable filter in Simper's form: stores
//            1/(1 + g(g + k)), g/(...), g^2/(...) and the mixing m0, m1, m2
//   tpt      the same filter in Zavalishin's TPT form: high-pass computed
//            first, stores g, k + g, 1/(1 + g k + g^2) and hp/bp/lp mixing
//            (first-order sections: the one-pole TPT form for both)
//   coupled  Gold–Rader coupled form (complex pole pairs only)
//   delta    delta-operator transposed form: stores 2 + a1 and 1 + a1 + a2
//            (and 2 b0 + b1, b0 + b1 + b2), computed accurately from the roots

import { type Complex, cabs } from "./complex.ts";
import { type DD, dd, ddAdd, ddAddD, ddToNumber, twoProd, twoSum } from "./dd.ts";
import { type Biquad, type Section, sectionFromBiquad } from "./sos.ts";
import { assertNever } from "../../src/core/assert.ts";

export type StructureKind = "df1" | "df2t" | "svf" | "tpt" | "coupled" | "delta";
export const STRUCTURES: readonly StructureKind[] = ["df1", "df2t", "svf", "tpt", "coupled", "delta"];

/** Rounding hook: op is a stable index of the arithmetic operation within one step. */
export type Round = (op: number, v: number) => number;

export const exact: Round = (_op, v) => v;
export const float32: Round = (_op, v) => Math.fround(v);

/** A section realized in a structure: named coefficients and the step function's state size. */
export interface Realization {
  readonly kind: StructureKind;
  /** 'svf' on a first-order section is the one-pole TPT variant. */
  readonly order: 1 | 2;
  readonly coeffs: readonly number[];
  readonly names: readonly string[];
}

// ------------------------------------------------------------ invariants

/**
 * Quantities the structures need, computed as accurately as the source
 * allows: from the roots (products of 1 - p, 1 + p, ...) or, for bare
 * coefficients, as exact sums of the given doubles rounded once.
 */
export interface Invariants {
  readonly order: 1 | 2;
  readonly q: Biquad;
  /** A(1) = 1 + a1 + a2 */
  readonly A1: number;
  /** A(-1) = 1 - a1 + a2 */
  readonly Am1: number;
  /** 1 - a2 */
  readonly oneMinusA2: number;
  /** 2 + a1 */
  readonly twoPlusA1: number;
  /** B(1) = b0 + b1 + b2 */
  readonly B1: number;
  /** B(-1) = b0 - b1 + b2 */
  readonly Bm1: number;
  /** b0 - b2 */
  readonly b0MinusB2: number;
  /** 2 b0 + b1 */
  readonly twoB0PlusB1: number;
  /** the upper pole of a complex pair, if any */
  readonly complexPole: Complex | null;
}

function ddSumN(xs: readonly number[]): number {
  let acc: DD = dd(0);
  for (const x of xs) acc = ddAddD(acc, x);
  return ddToNumber(acc);
}

/** Invariants from bare coefficients (exact sums of the given doubles). */
export function invariantsFromBiquad(q: Biquad): Invariants {
  const order = q.a2 === 0 && q.b2 === 0 ? 1 : 2;
  const disc = q.a1 * q.a1 - 4 * q.a2;
  const complexPole = disc < 0 ? { re: -q.a1 / 2, im: Math.sqrt(-disc) / 2 } : null;
  return {
    order,
    q,
    A1: ddSumN([1, q.a1, q.a2]),
    Am1: ddSumN([1, -q.a1, q.a2]),
    oneMinusA2: ddSumN([1, -q.a2]),
    twoPlusA1: ddSumN([2, q.a1]),
    B1: ddSumN([q.b0, q.b1, q.b2]),
    Bm1: ddSumN([q.b0, -q.b1, q.b2]),
    b0MinusB2: ddSumN([q.b0, -q.b2]),
    twoB0PlusB1: ddSumN([2 * q.b0, q.b1]),
    complexPole,
  };
}

/** prod (c - s r_i) over a conjugate-closed root list, real result (c = 1, s = +-1). */
function prodShift(rs: readonly Complex[], s: number): number {
  let re = 1;
  let im = 0;
  for (const r of rs) {
    const fr = 1 - s * r.re;
    const fi = -s * r.im;
    const nr = re * fr - im * fi;
    im = re * fi + im * fr;
    re = nr;
  }
  return re;
}

/** 1 - r1 r2 for a root pair (|r|^2 for a conjugate pair), in dd. */
function oneMinusProduct(rs: readonly Complex[]): number {
  if (rs.length < 2) return 1;
  const [p, q] = rs as [Complex, Complex];
  // Re(p q) = p.re q.re - p.im q.im
  let acc = dd(1);
  const a = twoProd(p.re, q.re);
  const b = twoProd(p.im, q.im);
  acc = ddAdd(acc, { hi: -a.hi, lo: -a.lo });
  acc = ddAdd(acc, b);
  return ddToNumber(acc);
}

/** Invariants from the section's roots (accurate when poles or zeros approach z = +-1). */
export function invariantsFromSection(s: Section): Invariants {
  const q = s.biquad;
  const order = s.poles.length <= 1 && s.zeros.length <= 1 ? 1 : 2;
  const g = s.gain;
  const sumOneMinus = (rs: readonly Complex[], n: number) => {
    // sum over n slots of (1 - r_i), absent roots count as r = 0
    let acc = dd(0);
    for (let i = 0; i < n; i++) acc = ddAdd(acc, twoSum(1, -(rs[i]?.re ?? 0)));
    return ddToNumber(acc);
  };
  const cp = s.poles.find((p) => p.im > 0) ?? null;
  return {
    order,
    q,
    A1: prodShift(s.poles, 1),
    Am1: prodShift(s.poles, -1),
    oneMinusA2: oneMinusProduct(s.poles),
    twoPlusA1: sumOneMinus(s.poles, 2),
    B1: g * prodShift(s.zeros, 1),
    Bm1: g * prodShift(s.zeros, -1),
    b0MinusB2: g * oneMinusProduct(s.zeros),
    twoB0PlusB1: g * sumOneMinus(s.zeros, 2),
    complexPole: cp,
  };
}

// ------------------------------------------------------------ designs

export interface DesignRefusal {
  readonly kind: StructureKind;
  readonly reason: string;
}

const NAMES: Record<StructureKind, readonly string[]> = {
  df1: ["b0", "b1", "b2", "a1", "a2"],
  df2t: ["b0", "b1", "b2", "a1", "a2"],
  svf: ["c1", "c2", "c3", "m0", "m1", "m2"],
  tpt: ["g", "kg", "d", "mhp", "mbp", "mlp"],
  coupled: ["sigma", "omega", "d", "c1", "c2"],
  delta: ["beta0", "beta1", "beta2", "alpha1", "alpha2"],
};
const NAMES_SVF1 = ["G", "mx", "mlp"];

/** Coefficients of a structure for a section (from its invariants), or why it does not apply. */
export function design(kind: StructureKind, inv: Invariants): Realization | DesignRefusal {
  const { q } = inv;
  switch (kind) {
    case "df1":
    case "df2t":
      return { kind, order: inv.order, coeffs: [q.b0, q.b1, q.b2, q.a1, q.a2], names: NAMES[kind] };
    case "delta":
      return {
        kind,
        order: inv.order,
        coeffs: [q.b0, inv.twoB0PlusB1, inv.B1, inv.twoPlusA1, inv.A1],
        names: NAMES.delta,
      };
    case "coupled": {
      const p = inv.complexPole;
      if (p === null || p.im <= 0) return { kind, reason: "the coupled form needs a complex pole pair" };
      const sigma = p.re;
      const omega = p.im;
      const d = q.b0;
      const c1 = q.b1 - q.b0 * q.a1;
      const c2 = (q.b2 - q.b0 * q.a2 + c1 * sigma) / omega;
      return { kind, order: 2, coeffs: [sigma, omega, d, c1, c2], names: NAMES.coupled };
    }
    case "svf":
    case "tpt": {
      if (!(inv.A1 > 0) || !(inv.Am1 > 0)) return { kind, reason: "the TPT form needs A(1) > 0 and A(-1) > 0 (a stable denominator)" };
      if (inv.order === 1 && q.a2 === 0 && q.b2 === 0) {
        // one-pole TPT: A = (1+g) + (g-1) z^-1 normalized; g = A(1)/A(-1)
        const g = inv.A1 / inv.Am1;
        const G = g / (1 + g);
        const mx = (inv.Bm1 * (1 + g)) / 2;
        const mlp = (inv.B1 * (1 + g)) / (2 * g) - mx;
        return { kind, order: 1, coeffs: [G, mx, mlp], names: NAMES_SVF1 };
      }
      const g = Math.sqrt(inv.A1 / inv.Am1);
      const gk = (2 * inv.oneMinusA2) / inv.Am1;
      const D0 = 4 / inv.Am1; // 1 + g k + g^2
      const c1 = 1 / D0; // 1 / (1 + g (g + k))
      const c2 = g * c1;
      const c3 = g * c2;
      const m0 = (inv.Bm1 * D0) / 4;
      const m2 = (inv.B1 * D0) / (4 * g * g) - m0;
      const m1 = (inv.b0MinusB2 * D0 - m0 * 2 * gk) / (2 * g);
      if (kind === "tpt") {
        // Zavalishin's form: hp first, outputs hp/bp/lp; y = m0 x + m1 bp + m2 lp
        // with x = hp + k bp + lp
        const k = gk / g;
        return { kind, order: 2, coeffs: [g, k + g, 1 / D0, m0, m0 * k + m1, m0 + m2], names: NAMES.tpt };
      }
      return { kind, order: 2, coeffs: [c1, c2, c3, m0, m1, m2], names: NAMES.svf };
    }
    default:
      return assertNever(kind);
  }
}


export function isRefusal(r: Realization | DesignRefusal): r is DesignRefusal {
  return "reason" in r;
}

export function designFromSection(kind: StructureKind, s: Section): Realization | DesignRefusal {
  return design(kind, invariantsFromSection(s));
}

/** The map from (b0, b1, b2, a1, a2) to a structure's coefficients. */
export function designFromBiquad(kind: StructureKind, q: Biquad): Realization | DesignRefusal {
  if (kind === "coupled") {
    // the pole pair from the root finder, more accurate than the quadratic formula near z = 1
    const s = sectionFromBiquad(q);
    return design(kind, { ...invariantsFromBiquad(q), complexPole: s.poles.find((p) => p.im > 0) ?? null });
  }
  return design(kind, invariantsFromBiquad(q));
}

/** Round every coefficient to float32. */
export function quantize(r: Realization): Realization {
  return { ...r, coeffs: r.coeffs.map((c) => Math.fround(c)) };
}

export function stateSize(r: Realization): number {
  return r.order === 1 && (r.kind === "svf" || r.kind === "tpt") ? 1 : r.kind === "df1" ? 4 : 2;
}

// ------------------------------------------------------------ step functions

/**
 * One sample through the structure: reads and updates `s` (the state, of
 * length stateSize), returns the output. Every arithmetic result passes
 * through R with a stable op index.
 */
export function step(r: Realization, s: Float64Array, x: number, R: Round): number {
  const c = r.coeffs;
  switch (r.kind) {
    case "df1": {
      // s = [x1, x2, y1, y2]
      let acc = R(0, c[0]! * x);
      acc = R(2, acc + R(1, c[1]! * s[0]!));
      acc = R(4, acc + R(3, c[2]! * s[1]!));
      acc = R(6, acc - R(5, c[3]! * s[2]!));
      const y = R(8, acc - R(7, c[4]! * s[3]!));
      s[1] = s[0]!;
      s[0] = x;
      s[3] = s[2]!;
      s[2] = y;
      return y;
    }
    case "df2t": {
      const y = R(1, R(0, c[0]! * x) + s[0]!);
      const s1 = R(5, R(4, R(2, c[1]! * x) - R(3, c[3]! * y)) + s[1]!);
      const s2 = R(8, R(6, c[2]! * x) - R(7, c[4]! * y));
      s[0] = s1;
      s[1] = s2;
      return y;
    }
    case "delta": {
      // D^-1 accumulators: y = beta0 x + s1; s1 += beta1 x - alpha1 y + s2; s2 += beta2 x - alpha2 y
      const y = R(1, R(0, c[0]! * x) + s[0]!);
      const u1 = R(5, R(4, R(2, c[1]! * x) - R(3, c[3]! * y)) + s[1]!);
      const u2 = R(8, R(6, c[2]! * x) - R(7, c[4]! * y));
      s[0] = R(9, s[0]! + u1);
      s[1] = R(10, s[1]! + u2);
      return y;
    }
    case "coupled": {
      // state-space [sigma -omega; omega sigma], input into the first state
      const [sigma, omega, d, c1, c2] = c as [number, number, number, number, number];
      const y = R(4, R(2, R(0, d * x) + R(1, c1 * s[0]!)) + R(3, c2 * s[1]!));
      const n1 = R(8, R(7, R(5, sigma * s[0]!) - R(6, omega * s[1]!)) + x);
      const n2 = R(11, R(9, omega * s[0]!) + R(10, sigma * s[1]!));
      s[0] = n1;
      s[1] = n2;
      return y;
    }
    case "tpt": {
      if (r.order === 1) return onePoleStep(c, s, x, R);
      {
        // hp = (x - (k + g) s1 - s2) d; bp = g hp + s1; s1 = bp + g hp; lp = g bp + s2; s2 = lp + g bp
        const [g, kg, d, mhp, mbp, mlp] = c as [number, number, number, number, number, number];
        const hp = R(4, R(3, R(2, R(0, x - R(1, kg * s[0]!)) - s[1]!) * d));
        const v1 = R(5, g * hp);
        const bp = R(6, v1 + s[0]!);
        s[0] = R(7, bp + v1);
        const v2 = R(8, g * bp);
        const lp = R(9, v2 + s[1]!);
        s[1] = R(10, lp + v2);
        return R(15, R(13, R(11, mhp * hp) + R(12, mbp * bp)) + R(14, mlp * lp));
      }
    }
    case "svf": {
      if (r.order === 1) return onePoleStep(c, s, x, R);
      // trapezoidal SVF: v3 = x - ic2; v1 = c1 ic1 + c2 v3; v2 = ic2 + c2 ic1 + c3 v3
      const [c1, c2, c3, m0, m1, m2] = c as [number, number, number, number, number, number];
      const ic1 = s[0]!;
      const ic2 = s[1]!;
      const v3 = R(0, x - ic2);
      const v1 = R(3, R(1, c1 * ic1) + R(2, c2 * v3));
      const v2 = R(7, R(6, ic2 + R(4, c2 * ic1)) + R(5, c3 * v3));
      s[0] = R(9, R(8, 2 * v1) - ic1);
      s[1] = R(11, R(10, 2 * v2) - ic2);
      return R(16, R(14, R(12, m0 * x) + R(13, m1 * v1)) + R(15, m2 * v2));
    }
    default:
      return assertNever(r.kind);
  }
}

/** One-pole TPT: v = (x - s) G; lp = v + s; s = lp + v; y = mx x + mlp lp. */
function onePoleStep(c: readonly number[], s: Float64Array, x: number, R: Round): number {
  const [G, mx, mlp] = c as [number, number, number];
  const v = R(1, R(0, x - s[0]!) * G);
  const lp = R(2, v + s[0]!);
  s[0] = R(3, lp + v);
  return R(6, R(4, mx * x) + R(5, mlp * lp));
}

/** Number of distinct op indices step() may pass to R. */
export function opCount(r: Realization): number {
  switch (r.kind) {
    case "df1":
    case "df2t":
      return 9;
    case "delta":
      return 11;
    case "coupled":
      return 12;
    case "svf":
      return r.order === 1 ? 7 : 17;
    case "tpt":
      return r.order === 1 ? 7 : 16;
    default:
      return assertNever(r.kind);
  }
}

/** Run a realization over an input signal. */
export function run(r: Realization, input: ArrayLike<number>, R: Round = exact): Float64Array {
  const s = new Float64Array(stateSize(r));
  const out = new Float64Array(input.length);
  for (let t = 0; t < input.length; t++) out[t] = step(r, s, input[t]!, R);
  return out;
}

export function impulse(r: Realization, n: number, R: Round = exact): Float64Array {
  const x = new Float64Array(n);
  if (n > 0) x[0] = 1;
  return run(r, x, R);
}

// ------------------------------------------------------------ linear algebra of a realization

/** State-space matrices (A, B, C, D) of a realization, extracted from its step function in double. */
export function stateSpace(r: Realization): { A: number[][]; B: number[]; C: number[]; D: number } {
  const n = stateSize(r);
  const A: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const C = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) {
    const s = new Float64Array(n);
    s[j] = 1;
    C[j] = step(r, s, 0, exact);
    for (let i = 0; i < n; i++) A[i]![j] = s[i]!;
  }
  const s = new Float64Array(n);
  const D = step(r, s, 1, exact);
  return { A, B: Array.from(s), C, D };
}

/** The recursive 2x2 (or 1x1) part of the state matrix (df1's 4x4 form reduces to its y-part). */
function recursivePart(r: Realization): number[][] {
  const { A } = stateSpace(r);
  if (r.kind === "df1")
    return [
      [A[2]![2]!, A[2]![3]!],
      [A[3]![2]!, A[3]![3]!],
    ];
  return A;
}

/**
 * Spectral radius of the state matrix; computed from M = A - I when the
 * poles are far from 0, so that poles near z = 1 keep their distance to 1.
 */
export function poleRadius(r: Realization): number {
  const A = recursivePart(r);
  if (A.length === 1) return Math.abs(A[0]![0]!);
  // eigenvalues of a 2x2 matrix shifted by c, moduli of (c + lambda)
  const radius = (c: number): number => {
    const m00 = A[0]![0]! - c;
    const m11 = A[1]![1]! - c;
    const tr = m00 + m11;
    const det = m00 * m11 - A[0]![1]! * A[1]![0]!;
    const disc = tr * tr - 4 * det;
    if (disc >= 0) {
      const sq = Math.sqrt(disc);
      const l1 = tr >= 0 ? (tr + sq) / 2 : (tr - sq) / 2;
      const l2 = l1 !== 0 ? det / l1 : tr - l1;
      return Math.max(Math.abs(c + l1), Math.abs(c + l2));
    }
    return cabs({ re: c + tr / 2, im: Math.sqrt(-disc) / 2 });
  };
  // shifted by 1 near the unit circle (keeps the distance to 1), unshifted near 0
  const near1 = radius(1);
  return near1 > 0.5 ? near1 : radius(0);
}

/** x*y - u*v with one rounding (dd products). */
function det2(x: number, y: number, u: number, v: number): number {
  const p = twoProd(x, y);
  const q = twoProd(u, v);
  return ddToNumber(ddAdd(p, { hi: -q.hi, lo: -q.lo }));
}

/**
 * Jury's conditions for z^2 + a1 z + a2 = det(zI - A), evaluated on A and on
 * M = A - I with dd products: det(A) < 1, A(1) = det(M) > 0, and
 * A(-1) = det(A + I) > 0. Exact for the stored coefficients of the direct
 * forms (a stored a2 that rounds to 1 is unstable), robust near z = 1.
 */
export function juryStable(r: Realization): boolean {
  const A = recursivePart(r);
  if (A.length === 1) return Math.abs(A[0]![0]!) < 1;
  const [[p, q], [u, v]] = A as [[number, number], [number, number]];
  const detA = det2(p, v, q, u);
  const detM = det2(p - 1, v - 1, q, u);
  const detP = det2(p + 1, v + 1, q, u);
  return detA < 1 && detM > 0 && detP > 0;
}

export interface StabilityVerdict {
  readonly stable: boolean;
  readonly radius: number;
  readonly radiusFloat32: number;
  readonly reason?: string;
}

/** Poles strictly inside the unit circle (Jury), in double and with coefficients rounded to float32. */
export function checkStability(r: Realization): StabilityVerdict {
  const radius = poleRadius(r);
  const radiusFloat32 = poleRadius(quantize(r));
  if (!juryStable(r) || !(radius < 1))
    return { stable: false, radius, radiusFloat32, reason: `a pole on or outside the unit circle in double (radius ${radius})` };
  if (!juryStable(quantize(r)) || !(radiusFloat32 < 1))
    return { stable: false, radius, radiusFloat32, reason: `float32 coefficients put a pole on or outside the unit circle (radius ${radiusFloat32})` };
  return { stable: true, radius, radiusFloat32 };
}


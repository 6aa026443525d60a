// Real polynomials in z^-1, as filters are written:
//   B(z) = p[0] + p[1] z^-1 + ... + p[n] z^-n.
// Read as descending powers of z, the same array is z^n B(z); so the roots of
// the array (leading coefficient first) are the zeros of B in the z-plane.
// A transfer function is H(z) = B(z)/A(z) with a[0] = 1 after normalization.

import { type Complex, cx, cadd, cmul, cabs, cconj, cdist } from "./complex.ts";
import { type DD, dd, ddSub, ddMulD, ddToNumber } from "./dd.ts";

export type Poly = readonly number[];

/** A rational transfer function B(z)/A(z), both in z^-1. */
export interface TransferFunction {
  readonly b: Poly;
  readonly a: Poly;
}

/**
 * Zeros, poles, gain in the z^-1 form:
 *   H(z) = k z^-delay prod(1 - z_i z^-1) / prod(1 - p_i z^-1).
 * Zeros or poles at the origin contribute nothing and are normally absent.
 */
export interface Zpk {
  readonly z: readonly Complex[];
  readonly p: readonly Complex[];
  readonly k: number;
  readonly delay?: number;
}

/** Evaluate sum p[k] w^k (w = z^-1) at a complex point. */
export function evalW(p: Poly, w: Complex): Complex {
  let acc = cx(0);
  for (let k = p.length - 1; k >= 0; k--) acc = cadd(cmul(acc, w), cx(p[k]!));
  return acc;
}

/** Evaluate B(z) = sum p[k] z^-k. */
export function evalZ(p: Poly, z: Complex): Complex {
  if (z.re === 0 && z.im === 0) {
    const q = trimTrailing(p);
    return q.length === 0 ? cx(0) : cx(q.length === 1 ? q[0]! : Infinity);
  }
  const d = z.re * z.re + z.im * z.im;
  return evalW(p, cx(z.re / d, -z.im / d));
}

/** Frequency response of B at angular frequency theta (radians/sample): B(e^{i theta}). */
export function evalFreq(p: Poly, theta: number): Complex {
  return evalW(p, cx(Math.cos(theta), -Math.sin(theta)));
}

/** Real evaluation of sum p[k] x^k. */
export function evalReal(p: Poly, x: number): number {
  let acc = 0;
  for (let k = p.length - 1; k >= 0; k--) acc = acc * x + p[k]!;
  return acc;
}

export function polyMul(p: Poly, q: Poly): number[] {
  if (p.length === 0 || q.length === 0) return [];
  const r = new Array<number>(p.length + q.length - 1).fill(0);
  for (let i = 0; i < p.length; i++) for (let j = 0; j < q.length; j++) r[i + j]! += p[i]! * q[j]!;
  return r;
}

export function polyAdd(p: Poly, q: Poly): number[] {
  const r = new Array<number>(Math.max(p.length, q.length)).fill(0);
  for (let i = 0; i < p.length; i++) r[i]! += p[i]!;
  for (let i = 0; i < q.length; i++) r[i]! += q[i]!;
  return r;
}

export function polyScale(p: Poly, s: number): number[] {
  return p.map((x) => x * s);
}

/** Derivative with respect to the polynomial's own variable (x = z^-1): d/dx sum p[k] x^k. */
export function polyDerivW(p: Poly): number[] {
  const r: number[] = [];
  for (let k = 1; k < p.length; k++) r.push(k * p[k]!);
  return r;
}

/**
 * Derivative of a polynomial given in descending powers (c[0] x^n + ... + c[n]),
 * as the root finder sees z^n B(z); the result is again in descending powers.
 */
export function polyDerivDesc(c: readonly number[]): number[] {
  const n = c.length - 1;
  const r: number[] = [];
  for (let k = 0; k < n; k++) r.push(c[k]! * (n - k));
  return r;
}

/** Remove trailing zero coefficients (they only lengthen the array). */
export function trimTrailing(p: Poly): number[] {
  let n = p.length;
  while (n > 0 && p[n - 1] === 0) n--;
  return p.slice(0, n);
}

/** Split B(z) = z^-d C(z) with C[0] != 0: returns d and C (trailing zeros trimmed). */
export function splitDelay(p: Poly): { delay: number; rest: number[] } {
  let d = 0;
  while (d < p.length && p[d] === 0) d++;
  return { delay: d, rest: trimTrailing(p.slice(d)) };
}

/** Product of (1 - r z^-1) over complex roots, complex coefficients. */
export function polyFromRootsComplex(roots: readonly Complex[]): Complex[] {
  let c: Complex[] = [cx(1)];
  for (const r of roots) {
    const next: Complex[] = new Array(c.length + 1).fill(cx(0));
    for (let i = 0; i < c.length; i++) {
      next[i] = cadd(next[i]!, c[i]!);
      next[i + 1] = cadd(next[i + 1]!, cmul(c[i]!, cx(-r.re, -r.im)));
    }
    c = next;
  }
  return c;
}

/**
 * Pair a conjugate-closed set into real values and one representative
 * (positive imaginary part) per complex pair, as scipy's _cplxreal does.
 * A value is real when |im| <= tol * |z|; pairs match by nearest conjugate.
 * Throws RangeError when the set is not closed under conjugation.
 */
export function cplxReal(zs: readonly Complex[], tol = 100 * Number.EPSILON): { real: number[]; pairs: Complex[] } {
  const real: number[] = [];
  const upper: Complex[] = [];
  const lower: Complex[] = [];
  for (const z of zs) {
    if (Math.abs(z.im) <= tol * cabs(z)) real.push(z.re);
    else if (z.im > 0) upper.push(z);
    else lower.push(z);
  }
  if (upper.length !== lower.length) throw new RangeError("cplxReal: values are not closed under conjugation");
  const used = new Array<boolean>(lower.length).fill(false);
  const pairs: Complex[] = [];
  for (const u of upper) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < lower.length; j++) {
      if (used[j]) continue;
      const d = cdist(u, cconj(lower[j]!));
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (bestD > Math.max(1e3 * tol * (cabs(u) + 1e-300), 1e-300) && bestD > 1e-8 * cabs(u))
      throw new RangeError(`cplxReal: ${u.re}+${u.im}i has no conjugate partner`);
    used[best] = true;
    const l = lower[best]!;
    pairs.push(cx((u.re + l.re) / 2, (u.im - l.im) / 2));
  }
  real.sort((x, y) => x - y);
  pairs.sort((x, y) => x.re - y.re || x.im - y.im);
  return { real, pairs };
}

/**
 * Real polynomial prod(1 - r z^-1) from a conjugate-closed set of roots.
 * Complex pairs enter as exact real quadratics 1 - 2 Re(r) z^-1 + |r|^2 z^-2.
 */
export function polyFromRoots(roots: readonly Complex[]): number[] {
  const { real, pairs } = cplxReal(roots);
  let p: number[] = [1];
  for (const q of pairs) p = polyMul(p, [1, -2 * q.re, q.re * q.re + q.im * q.im]);
  for (const r of real) p = polyMul(p, [1, -r]);
  return p;
}

/** The transfer function of a Zpk (a[0] = 1). */
export function zpkToTf(zpk: Zpk): TransferFunction {
  const b = polyScale(polyFromRoots(zpk.z), zpk.k);
  const d = zpk.delay ?? 0;
  return { b: d > 0 ? [...new Array<number>(d).fill(0), ...b] : b, a: polyFromRoots(zpk.p) };
}

/** Normalize so that a[0] = 1 (throws RangeError when a[0] = 0: not causal as written). */
export function normalizeTf(tf: TransferFunction): TransferFunction {
  const a0 = tf.a[0];
  if (a0 === undefined || a0 === 0) throw new RangeError("normalizeTf: a[0] must be non-zero");
  if (a0 === 1) return { b: trimTrailing(tf.b), a: trimTrailing(tf.a) };
  return { b: trimTrailing(tf.b.map((x) => x / a0)), a: trimTrailing(tf.a.map((x) => x / a0)) };
}

/** Frequency response H(e^{i theta}) of a transfer function. */
export function freqResponse(tf: TransferFunction, theta: number): Complex {
  const w = cx(Math.cos(theta), -Math.sin(theta));
  const num = evalW(tf.b, w);
  const den = evalW(tf.a, w);
  const d = den.re * den.re + den.im * den.im;
  return cx((num.re * den.re + num.im * den.im) / d, (num.im * den.re - num.re * den.im) / d);
}

/** The first n samples of the impulse response of B/A (direct recursion in double). */
export function impulseResponse(tf: TransferFunction, n: number): Float64Array {
  const { b, a } = normalizeTf(tf);
  const h = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let acc = t < b.length ? b[t]! : 0;
    for (let k = 1; k < a.length && k <= t; k++) acc -= a[k]! * h[t - k]!;
    h[t] = acc;
  }
  return h;
}

/**
 * The first n samples of the impulse response of B/A by the direct recursion
 * in double-double, rounded to double: a reference for ill-conditioned
 * denominators, where the recursion in double loses digits.
 */
export function impulseResponseDD(tf: TransferFunction, n: number): Float64Array {
  const { b, a } = normalizeTf(tf);
  const h: DD[] = [];
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let acc: DD = dd(t < b.length ? b[t]! : 0);
    for (let k = 1; k < a.length && k <= t; k++) acc = ddSub(acc, ddMulD(h[t - k]!, a[k]!));
    h.push(acc);
    out[t] = ddToNumber(acc);
  }
  return out;
}

/** Maximum relative coefficient difference max|p-q| / max|p| (arrays padded with zeros). */
export function coeffDistance(p: Poly, q: Poly): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    num = Math.max(num, Math.abs((p[i] ?? 0) - (q[i] ?? 0)));
    den = Math.max(den, Math.abs(p[i] ?? 0));
  }
  return den === 0 ? num : num / den;
}

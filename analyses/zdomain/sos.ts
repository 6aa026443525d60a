// Second-order sections: pole–zero pairing and ordering (scipy's zpk2sos
// 'nearest' / 'keep_odd' semantics, MATLAB's 'up' / 'down' order), gain
// distribution, and Jackson's L2 / L-infinity scaling of partial cascades.
//
// A section keeps its zeros and poles besides its expanded biquad, so that
// structures can derive their coefficients from the roots (1 + a1 + a2 =
// |1 - p|^2 is accurate from p, not from a1 and a2 when poles approach z = 1).

import { type Complex, cx, cabs, cconj, cdist, cmul, csub } from "./complex.ts";
import {
  type Poly,
  type TransferFunction,
  type Zpk,
  cplxReal,
  normalizeTf,
  polyMul,
  polyScale,
  splitDelay,
  trimTrailing,
} from "./poly.ts";
import { rootsZ, type RootOptions } from "./roots.ts";

/** H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2). First order: b2 = a2 = 0. */
export interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/**
 * One section: gain * prod(1 - z_i z^-1) / prod(1 - p_i z^-1), at most two
 * zeros and two poles (a real pair or a conjugate pair, stored as both
 * members), and its expanded biquad.
 */
export interface Section {
  readonly zeros: readonly Complex[];
  readonly poles: readonly Complex[];
  readonly gain: number;
  readonly biquad: Biquad;
}

export type Pairing = "nearest" | "keep_odd";
export type Order = "up" | "down";

export interface SosOptions {
  /** scipy's pairing rule (default 'nearest'). */
  readonly pairing?: Pairing;
  /** 'up' (default, scipy's and MATLAB's default): poles closest to the unit circle in the last section; 'down' reverses. */
  readonly order?: Order;
}

export interface Sos {
  readonly sections: readonly Section[];
  /** Pure delay z^-delay in front of the cascade (leading zero numerator coefficients). */
  readonly delay: number;
}

/** Real polynomial 1 - (sum) z^-1 + (product) z^-2 from up to two roots (a real pair or a conjugate pair). */
export function quadFromRoots(rs: readonly Complex[]): number[] {
  const nz = rs.filter((r) => !(r.re === 0 && r.im === 0));
  if (nz.length === 0) return [1];
  if (nz.length === 1) {
    if (nz[0]!.im !== 0) throw new RangeError("quadFromRoots: a lone complex root");
    return [1, -nz[0]!.re];
  }
  if (nz.length > 2) throw new RangeError("quadFromRoots: more than two roots");
  const [p, q] = nz as [Complex, Complex];
  if (p.im !== 0 || q.im !== 0) {
    if (cdist(p, cconj(q)) > 1e-12 * (cabs(p) + 1)) throw new RangeError("quadFromRoots: roots are not a conjugate pair");
    return [1, -2 * p.re, p.re * p.re + p.im * p.im];
  }
  return [1, -(p.re + q.re), p.re * q.re];
}

export function makeSection(zeros: readonly Complex[], poles: readonly Complex[], gain: number): Section {
  const zs = zeros.filter((r) => !(r.re === 0 && r.im === 0));
  const ps = poles.filter((r) => !(r.re === 0 && r.im === 0));
  const b = polyScale(quadFromRoots(zs), gain);
  const a = quadFromRoots(ps);
  return { zeros: zs, poles: ps, gain, biquad: { b0: b[0] ?? 0, b1: b[1] ?? 0, b2: b[2] ?? 0, a1: a[1] ?? 0, a2: a[2] ?? 0 } };
}

export function withGain(s: Section, gain: number): Section {
  return makeSection(s.zeros, s.poles, gain);
}

/** A section from a biquad's coefficients (its roots computed by the root finder). */
export function sectionFromBiquad(q: Biquad): Section {
  const zr = q.b0 !== 0 ? rootsZ([q.b0, q.b1, q.b2]).roots : q.b1 !== 0 ? rootsZ([q.b1, q.b2]).roots : [];
  const pr = rootsZ([1, q.a1, q.a2]).roots;
  const zeros = zr.filter((r) => !(r.re === 0 && r.im === 0));
  const poles = pr.filter((r) => !(r.re === 0 && r.im === 0));
  return { zeros, poles, gain: q.b0 !== 0 ? q.b0 : q.b1, biquad: q };
}

export function biquadNum(q: Biquad): number[] {
  return trimTrailing([q.b0, q.b1, q.b2]);
}

export function biquadDen(q: Biquad): number[] {
  return trimTrailing([1, q.a1, q.a2]);
}

// ---------------------------------------------------------------- pairing

interface Pool {
  real: number[];
  cplx: Complex[]; // upper-half representatives of conjugate pairs
}

function pool(vals: readonly Complex[]): Pool {
  const { real, pairs } = cplxReal(vals);
  return { real, cplx: pairs };
}

const dUnit = (v: Complex) => Math.abs(1 - cabs(v));

function argmin<T>(xs: readonly T[], f: (x: T) => number): number {
  let best = -1;
  let bd = Infinity;
  xs.forEach((x, i) => {
    const d = f(x);
    if (d < bd) {
      bd = d;
      best = i;
    }
  });
  return best;
}

/** Remove and return the nearest real value (or null). */
function takeNearestReal(p: Pool, to: Complex): number | null {
  const i = argmin(p.real, (x) => cdist(cx(x), to));
  if (i < 0) return null;
  return p.real.splice(i, 1)[0]!;
}

function takeNearestComplex(p: Pool, to: Complex): Complex | null {
  const i = argmin(p.cplx, (x) => cdist(x, to));
  if (i < 0) return null;
  return p.cplx.splice(i, 1)[0]!;
}

/** Nearest of either kind; complex representatives are listed before real values (ties go to complex). */
function takeNearestAny(p: Pool, to: Complex): Complex | null {
  const all: Complex[] = [...p.cplx, ...p.real.map((x) => cx(x))];
  const i = argmin(all, (x) => cdist(x, to));
  if (i < 0) return null;
  if (i < p.cplx.length) return p.cplx.splice(i, 1)[0]!;
  return cx(p.real.splice(i - p.cplx.length, 1)[0]!);
}

function expand(v: Complex): Complex[] {
  return v.im === 0 ? [v] : [v, cconj(v)];
}

/**
 * Zeros/poles/gain to second-order sections. Zeros and poles must each be
 * closed under conjugation. Gain goes to the first section (use
 * distributeGain / scaleSections to move it).
 */
export function zpkToSos(zpk: Zpk, opts: SosOptions = {}): Sos {
  const pairing = opts.pairing ?? "nearest";
  const zs = zpk.z.slice();
  const ps = zpk.p.slice();
  // pad with roots at the origin to equal counts (they vanish in z^-1 form)
  while (zs.length < ps.length) zs.push(cx(0));
  while (ps.length < zs.length) ps.push(cx(0));
  if (pairing === "nearest" && ps.length % 2 === 1) {
    zs.push(cx(0));
    ps.push(cx(0));
  }
  const nSections = Math.max(1, Math.ceil(ps.length / 2));
  const Z = pool(zs);
  const P = pool(ps);
  const sections: Section[] = new Array(nSections);
  for (let si = nSections - 1; si >= 0; si--) {
    const allP: Complex[] = [...P.cplx, ...P.real.map((x) => cx(x))];
    if (allP.length === 0) {
      sections[si] = makeSection([], [], 1);
      continue;
    }
    const ip = argmin(allP, dUnit);
    const p1 = allP[ip]!;
    if (ip < P.cplx.length) P.cplx.splice(ip, 1);
    else P.real.splice(ip - P.cplx.length, 1);
    let zsec: Complex[];
    let psec: Complex[];
    if (p1.im === 0 && P.real.length === 0) {
      // odd real pole left alone: first-order section with the nearest real zero
      const z1 = takeNearestReal(Z, p1);
      zsec = z1 === null ? [] : [cx(z1)];
      psec = [p1];
    } else {
      // Keep the last real zero for the final first-order section: for a
      // complex pole (scipy's rule), and also for a real pole when an odd
      // number of real poles would remain after pairing it with another one
      // (scipy leaves that case undefined; it arises with more zeros than
      // poles).
      let z1: Complex | null;
      const keepRealZero = Z.real.length === 1 && (p1.im !== 0 || P.real.length % 2 === 0);
      if (keepRealZero) z1 = takeNearestComplex(Z, p1) ?? takeNearestAny(Z, p1);
      else z1 = takeNearestAny(Z, p1);
      if (z1 === null) {
        // no zeros left (cannot happen after padding; kept total for safety)
        psec = p1.im !== 0 ? expand(p1) : [p1, ...(P.real.length > 0 ? [cx(P.real.splice(argmin(P.real, (x) => dUnit(cx(x))), 1)[0]!)] : [])];
        zsec = [];
      } else if (p1.im !== 0 && z1.im !== 0) {
        psec = expand(p1);
        zsec = expand(z1);
      } else if (p1.im !== 0) {
        psec = expand(p1);
        const z2 = takeNearestReal(Z, p1);
        zsec = z2 === null ? [z1] : [z1, cx(z2)];
      } else if (z1.im !== 0) {
        zsec = expand(z1);
        const p2 = takeNearestReal(P, z1);
        psec = p2 === null ? [p1] : [p1, cx(p2)];
      } else {
        const ip2 = argmin(P.real, (x) => dUnit(cx(x)));
        const p2 = ip2 < 0 ? null : P.real.splice(ip2, 1)[0]!;
        psec = p2 === null ? [p1] : [p1, cx(p2)];
        const z2 = p2 === null ? null : takeNearestReal(Z, cx(p2));
        zsec = z2 === null ? [z1] : [z1, cx(z2)];
      }
    }
    sections[si] = makeSection(zsec, psec, 1);
  }
  // Whatever could not be paired (never with scipy-compatible inputs) goes
  // into extra sections, so that no root is lost.
  const leftZ = [...Z.cplx.flatMap(expand), ...Z.real.map((x) => cx(x))];
  const leftP = [...P.cplx.flatMap(expand), ...P.real.map((x) => cx(x))];
  while (leftZ.length > 0 || leftP.length > 0) {
    const take = (xs: Complex[]) => (xs.length > 0 && xs[0]!.im !== 0 ? xs.splice(0, 2) : xs.splice(0, Math.min(2, xs.filter((x) => x.im === 0).length >= 2 && xs[1]!.im === 0 ? 2 : 1)));
    sections.push(makeSection(take(leftZ), take(leftP), 1));
  }
  sections[0] = withGain(sections[0]!, zpk.k);
  const ordered = opts.order === "down" ? sections.slice().reverse() : sections;
  return { sections: ordered, delay: zpk.delay ?? 0 };
}

/** Zeros, poles and gain of B/A (roots by the Aberth–Ehrlich finder). */
export function tfToZpk(tf: TransferFunction, rootOpts: RootOptions = {}): Zpk {
  const { b, a } = normalizeTf(tf);
  const { delay, rest } = splitDelay(b);
  if (rest.length === 0) return { z: [], p: rootsZ(a, rootOpts).roots.filter((r) => !(r.re === 0 && r.im === 0)), k: 0, delay: 0 };
  const z = rootsZ(rest, rootOpts).roots.filter((r) => !(r.re === 0 && r.im === 0));
  const p = rootsZ(a, rootOpts).roots.filter((r) => !(r.re === 0 && r.im === 0));
  return { z, p, k: rest[0]!, delay };
}

export function tfToSos(tf: TransferFunction, opts: SosOptions & { roots?: RootOptions } = {}): Sos {
  return zpkToSos(tfToZpk(tf, opts.roots), opts);
}

/** Multiply the cascade out (including the delay). */
export function sosToTf(sos: Sos): TransferFunction {
  let b: Poly = [1];
  let a: Poly = [1];
  for (const s of sos.sections) {
    b = polyMul(b, biquadNum(s.biquad));
    a = polyMul(a, biquadDen(s.biquad));
  }
  const d = sos.delay;
  return { b: d > 0 ? [...new Array<number>(d).fill(0), ...b] : b, a };
}

export function sosToZpk(sos: Sos): Zpk {
  let k = 1;
  const z: Complex[] = [];
  const p: Complex[] = [];
  for (const s of sos.sections) {
    k *= s.gain;
    z.push(...s.zeros);
    p.push(...s.poles);
  }
  return { z, p, k, delay: sos.delay };
}

// ---------------------------------------------------------- responses

/** Section response at e^{i theta}, from its roots (accurate near z = 1). */
export function sectionResponse(s: Section, theta: number): Complex {
  const w = cx(Math.cos(theta), -Math.sin(theta)); // z^-1
  let num = cx(s.gain);
  for (const r of s.zeros) num = cmul(num, csub(cx(1), cmul(r, w)));
  let den = cx(1);
  for (const r of s.poles) den = cmul(den, csub(cx(1), cmul(r, w)));
  const d = den.re * den.re + den.im * den.im;
  return cx((num.re * den.re + num.im * den.im) / d, (num.im * den.re - num.re * den.im) / d);
}

export function cascadeResponse(sections: readonly Section[], theta: number): Complex {
  let h = cx(1);
  for (const s of sections) h = cmul(h, sectionResponse(s, theta));
  return h;
}

/** Impulse response of a cascade (direct form I per section, double precision). */
export function cascadeImpulse(sos: Sos, n: number): Float64Array {
  const x = new Float64Array(n);
  if (sos.delay < n) x[sos.delay] = 1;
  return filterCascadeDF1(sos.sections, x);
}

export function filterCascadeDF1(sections: readonly Section[], input: Float64Array): Float64Array {
  let cur = input;
  for (const s of sections) {
    const { b0, b1, b2, a1, a2 } = s.biquad;
    const out = new Float64Array(cur.length);
    let x1 = 0,
      x2 = 0,
      y1 = 0,
      y2 = 0;
    for (let t = 0; t < cur.length; t++) {
      const x = cur[t]!;
      const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      out[t] = y;
    }
    cur = out;
  }
  return cur;
}

/** Grid size for norms: fine enough to resolve the sharpest resonance. */
export function gridSize(sections: readonly Section[]): number {
  let rmax = 0;
  for (const s of sections) for (const p of s.poles) rmax = Math.max(rmax, cabs(p));
  const dist = Math.max(1 - rmax, 1e-7);
  let n = 4096;
  while (n < 64 / dist && n < 1 << 20) n *= 2;
  return n;
}

export type Norm = "l2" | "linf";

/**
 * L2 norm (Parseval: trapezoid over a full period, exact up to aliasing of
 * the impulse-response tail r^N) or L-infinity norm (grid maximum, refined by
 * golden-section search around the best grid point) of a cascade.
 */
export function cascadeNorm(sections: readonly Section[], norm: Norm, n = gridSize(sections)): number {
  const mag2 = (th: number) => {
    const h = cascadeResponse(sections, th);
    return h.re * h.re + h.im * h.im;
  };
  if (norm === "l2") {
    // theta_m = pi m / n, m = 0..n, half weights at both ends (symmetric real filter)
    let s = 0.5 * (mag2(0) + mag2(Math.PI));
    for (let m = 1; m < n; m++) s += mag2((Math.PI * m) / n);
    return Math.sqrt(s / n);
  }
  let best = 0;
  let bestM = 0;
  for (let m = 0; m <= n; m++) {
    const v = mag2((Math.PI * m) / n);
    if (v > best) {
      best = v;
      bestM = m;
    }
  }
  let lo = (Math.PI * Math.max(0, bestM - 1)) / n;
  let hi = (Math.PI * Math.min(n, bestM + 1)) / n;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = hi - g * (hi - lo);
  let d = lo + g * (hi - lo);
  let fc = mag2(c);
  let fd = mag2(d);
  for (let it = 0; it < 60; it++) {
    if (fc > fd) {
      hi = d;
      d = c;
      fd = fc;
      c = hi - g * (hi - lo);
      fc = mag2(c);
    } else {
      lo = c;
      c = d;
      fc = fd;
      d = lo + g * (hi - lo);
      fd = mag2(d);
    }
  }
  return Math.sqrt(Math.max(best, fc, fd));
}

/** Total gain of a cascade (product of section gains). */
export function totalGain(sections: readonly Section[]): number {
  return sections.reduce((k, s) => k * s.gain, 1);
}

export type GainPolicy = "first" | "last" | "even";

/** Move the total gain to the first or last section, or spread |k|^(1/n) evenly (sign on the first). */
export function distributeGain(sos: Sos, policy: GainPolicy): Sos {
  const k = totalGain(sos.sections);
  const n = sos.sections.length;
  const gains = sos.sections.map(() => 1);
  if (policy === "first") gains[0] = k;
  else if (policy === "last") gains[n - 1] = k;
  else {
    const m = Math.pow(Math.abs(k), 1 / n);
    gains.fill(m);
    gains[0] = k < 0 ? -m : m;
    if (k === 0) gains[0] = 0;
  }
  return { sections: sos.sections.map((s, i) => withGain(s, gains[i]!)), delay: sos.delay };
}

/**
 * Jackson's scaling: section i's numerator gain is chosen so that the
 * transfer from the cascade input to the output of section i has unit norm
 * (L2 or L-infinity), for every section but the last, which takes the
 * remaining gain so that the overall transfer function is unchanged.
 */
export function scaleSections(sos: Sos, norm: Norm): Sos {
  const k = totalGain(sos.sections);
  const shapes = sos.sections.map((s) => withGain(s, 1));
  const n = shapes.length;
  const out: Section[] = [];
  let prod = 1;
  const gridN = gridSize(shapes);
  for (let i = 0; i < n; i++) {
    if (i === n - 1) {
      out.push(withGain(shapes[i]!, k / prod));
      break;
    }
    const partial = [...out, shapes[i]!];
    const nrm = cascadeNorm(partial, norm, gridN);
    const g = nrm > 0 && Number.isFinite(nrm) ? 1 / nrm : 1;
    out.push(withGain(shapes[i]!, g));
    prod *= g;
  }
  return { sections: out, delay: sos.delay };
}

/** Helper for tests and callers: sections as scipy-style rows [b0, b1, b2, 1, a1, a2]. */
export function sosRows(sos: Sos): number[][] {
  return sos.sections.map((s) => [s.biquad.b0, s.biquad.b1, s.biquad.b2, 1, s.biquad.a1, s.biquad.a2]);
}


// Polynomial roots: Aberth–Ehrlich simultaneous iteration, evaluated in
// double-double so that the roots of ill-conditioned filter polynomials (poles
// clustered near z = 1) come out as the exact roots of the given double
// coefficients, to about the last bit. Then: clusters that are a perturbed
// multiple root collapse to one multiple root when the polynomial rebuilt
// with it stays within rounding of the input (backward-error test), and the
// roots of real polynomials are made exactly conjugate-closed.

import { type Complex, cx, cabs, cconj, cdist } from "./complex.ts";
import { type DD, hornerDD, ddToNumber } from "./dd.ts";
import { polyDerivDesc, splitDelay, type Poly } from "./poly.ts";

const EPS = Number.EPSILON;

export interface RootOptions {
  /** Iteration cap for the Aberth sweep (default 600). */
  readonly maxIterations?: number;
  /**
   * Collapse clusters into multiple roots when the polynomial rebuilt from
   * the collapsed set stays within rounding of the input (default true).
   * 'refit' also lets the cofactor be refitted (the input divided by the
   * collapsed factor): it recognises more perturbed multiple roots, but it
   * also merges the ill-conditioned distinct poles of low-cutoff
   * Butterworth/Chebyshev denominators, which are then within rounding of a
   * polynomial with a multiple root.
   */
  readonly clusters?: boolean | "refit";
}

export interface RootResult {
  /** Roots (conjugate pairs adjacent, positive imaginary part first; real roots have im === 0). */
  readonly roots: Complex[];
  /** Multiplicity of each returned root as recognised (1 unless a cluster collapsed). */
  readonly multiplicity: number[];
  /** Every approximation's last correction fell below a few ulps. */
  readonly converged: boolean;
  readonly iterations: number;
  /**
   * max_k |c_k - rebuilt_k| / max_k |c_k| for the polynomial rebuilt from the
   * roots in double (meaningful for moderate degrees: rebuilding a
   * high-degree polynomial from its roots in double loses accuracy by itself).
   */
  readonly backwardError: number;
  /** Largest pointwise backward error |p(r)| / sum |c_k| |r|^(n-k) over the roots (p in dd). */
  readonly residual: number;
}

function ddc(v: { re: DD; im: DD }): Complex {
  return cx(ddToNumber(v.re), ddToNumber(v.im));
}

/** Newton-polygon starting points (Bini): radii from the upper convex hull of (k, log|c_k|). */
function initialGuesses(desc: readonly number[]): Complex[] {
  const n = desc.length - 1;
  // ascending index i <-> coefficient of x^i = desc[n - i]
  const pts: { i: number; l: number }[] = [];
  for (let i = 0; i <= n; i++) {
    const v = Math.abs(desc[n - i]!);
    if (v > 0) pts.push({ i, l: Math.log(v) });
  }
  const hull: { i: number; l: number }[] = [];
  for (const p of pts) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // remove b if it lies on or below segment a-p
      if ((b.l - a.l) * (p.i - a.i) <= (p.l - a.l) * (b.i - a.i)) hull.pop();
      else break;
    }
    hull.push(p);
  }
  const guesses: Complex[] = [];
  const sigma = 0.7;
  for (let s = 1; s < hull.length; s++) {
    const a = hull[s - 1]!;
    const b = hull[s]!;
    const m = b.i - a.i;
    const r = Math.exp((a.l - b.l) / m);
    for (let j = 0; j < m; j++) {
      const th = (2 * Math.PI * j) / m + (2 * Math.PI * s) / n + sigma;
      guesses.push(cx(r * Math.cos(th), r * Math.sin(th)));
    }
  }
  return guesses;
}

/** |p(z)| bound from rounding the coefficients: eps * sum |c_k| |z|^(n-k). */
function coefficientScale(desc: readonly number[], z: Complex): number {
  const az = cabs(z);
  let s = 0;
  for (const c of desc) s = s * az + Math.abs(c);
  return s;
}

interface Eval {
  p: Complex;
  dp: Complex;
}

function evalDD(desc: readonly number[], z: Complex): Eval {
  const r = hornerDD(desc, z.re, z.im);
  return { p: ddc(r.p), dp: ddc(r.dp) };
}

function cdivs(a: Complex, b: Complex): Complex {
  // Smith division, inline copy kept local for speed in the hot loop
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const r = b.im / b.re;
    const d = b.re + b.im * r;
    return cx((a.re + a.im * r) / d, (a.im - a.re * r) / d);
  }
  const r = b.re / b.im;
  const d = b.re * r + b.im;
  return cx((a.re * r + a.im) / d, (a.im * r - a.re) / d);
}

/** Aberth–Ehrlich iteration (Gauss–Seidel order) on a polynomial with non-zero leading and constant terms. */
function aberth(desc: readonly number[], maxIterations: number): { z: Complex[]; converged: boolean[]; iterations: number } {
  const n = desc.length - 1;
  const z = initialGuesses(desc);
  const done = new Array<boolean>(n).fill(false);
  let it = 0;
  for (; it < maxIterations; it++) {
    let active = 0;
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      active++;
      const zi = z[i]!;
      const { p, dp } = evalDD(desc, zi);
      if (p.re === 0 && p.im === 0) {
        done[i] = true;
        continue;
      }
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dr = zi.re - z[j]!.re;
        const di = zi.im - z[j]!.im;
        const d2 = dr * dr + di * di;
        if (d2 === 0) continue;
        sr += dr / d2;
        si -= di / d2;
      }
      let w: Complex;
      if (dp.re === 0 && dp.im === 0) {
        w = cx(1e-3 * (cabs(zi) + 1e-3), 1e-3 * (cabs(zi) + 1e-3)); // kick off a critical point
      } else {
        const ratio = cdivs(p, dp);
        // w = ratio / (1 - ratio * S)
        const den = cx(1 - (ratio.re * sr - ratio.im * si), -(ratio.re * si + ratio.im * sr));
        w = den.re === 0 && den.im === 0 ? ratio : cdivs(ratio, den);
      }
      if (!Number.isFinite(w.re) || !Number.isFinite(w.im)) {
        done[i] = true;
        continue;
      }
      const next = cx(zi.re - w.re, zi.im - w.im);
      z[i] = next;
      if (cabs(w) <= 2 * EPS * cabs(next)) done[i] = true;
    }
    if (active === 0) break;
  }
  return { z, converged: done, iterations: it };
}

/** Rebuild c0 * prod(x - r) in descending powers, complex arithmetic, real part returned. */
function rebuild(lead: number, roots: readonly Complex[]): number[] {
  let re: number[] = [lead];
  let im: number[] = [0];
  for (const r of roots) {
    const nre = new Array<number>(re.length + 1).fill(0);
    const nim = new Array<number>(re.length + 1).fill(0);
    for (let k = 0; k < re.length; k++) {
      nre[k]! += re[k]!;
      nim[k]! += im[k]!;
      nre[k + 1]! -= re[k]! * r.re - im[k]! * r.im;
      nim[k + 1]! -= re[k]! * r.im + im[k]! * r.re;
    }
    re = nre;
    im = nim;
  }
  return re;
}

function relCoeffError(desc: readonly number[], rebuilt: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < desc.length; k++) {
    num = Math.max(num, Math.abs(desc[k]! - (rebuilt[k] ?? 0)));
    den = Math.max(den, Math.abs(desc[k]!));
  }
  return num / den;
}

/**
 * Backward error of a root set, coefficient by coefficient, relative to the
 * natural rounding scale of building the polynomial from those roots:
 * max_k |c_k - rebuilt_k| / (|lead| * A_k), A = coefficients of prod(x + |r_i|).
 */
function componentwiseError(desc: readonly number[], rebuilt: readonly number[], roots: readonly Complex[]): number {
  let abs: number[] = [1];
  for (const r of roots) {
    const m = cabs(r);
    const next = new Array<number>(abs.length + 1).fill(0);
    for (let k = 0; k < abs.length; k++) {
      next[k]! += abs[k]!;
      next[k + 1]! += abs[k]! * m;
    }
    abs = next;
  }
  const lead = Math.abs(desc[0]!);
  let e = 0;
  for (let k = 0; k < desc.length; k++) {
    const d = Math.abs(desc[k]! - (rebuilt[k] ?? 0));
    e = Math.max(e, d / (lead * Math.max(abs[k]!, Math.abs(desc[k]!) / lead)));
  }
  return e;
}

/** lead * prod(x - r), descending powers, complex coefficients. */
function rebuildComplex(lead: number, roots: readonly Complex[]): Complex[] {
  let c: Complex[] = [cx(lead)];
  for (const r of roots) {
    const next: Complex[] = new Array(c.length + 1).fill(cx(0));
    for (let k = 0; k < c.length; k++) {
      next[k] = cx(next[k]!.re + c[k]!.re, next[k]!.im + c[k]!.im);
      next[k + 1] = cx(next[k + 1]!.re - (c[k]!.re * r.re - c[k]!.im * r.im), next[k + 1]!.im - (c[k]!.re * r.im + c[k]!.im * r.re));
    }
    c = next;
  }
  return c;
}

/** Quotient of p (real, descending) by monic f, computed from the leading coefficients. */
function divideForward(p: readonly number[], f: readonly Complex[]): Complex[] {
  const m = f.length - 1;
  const nq = p.length - m;
  const q: Complex[] = [];
  const rem: Complex[] = p.map((x) => cx(x));
  for (let k = 0; k < nq; k++) {
    const c = rem[k]!;
    q.push(c);
    for (let j = 0; j <= m; j++) {
      const t = rem[k + j]!;
      rem[k + j] = cx(t.re - (c.re * f[j]!.re - c.im * f[j]!.im), t.im - (c.re * f[j]!.im + c.im * f[j]!.re));
    }
  }
  return q;
}

/** Quotient of p by f computed from the trailing coefficients (f's constant term non-zero). */
function divideBackward(p: readonly number[], f: readonly Complex[]): Complex[] {
  const m = f.length - 1;
  const nq = p.length - m;
  const rev = (xs: readonly Complex[]) => xs.slice().reverse();
  const fr = rev(f);
  const f0 = fr[0]!;
  const d = f0.re * f0.re + f0.im * f0.im;
  if (d === 0) return divideForward(p, f);
  const inv = cx(f0.re / d, -f0.im / d);
  const rem: Complex[] = p.slice().reverse().map((x) => cx(x));
  const q: Complex[] = [];
  for (let k = 0; k < nq; k++) {
    const r = rem[k]!;
    const c = cx(r.re * inv.re - r.im * inv.im, r.re * inv.im + r.im * inv.re);
    q.push(c);
    for (let j = 0; j <= m; j++) {
      const t = rem[k + j]!;
      rem[k + j] = cx(t.re - (c.re * fr[j]!.re - c.im * fr[j]!.im), t.im - (c.re * fr[j]!.im + c.im * fr[j]!.re));
    }
  }
  return rev(q);
}

/** Real part of the product of two complex polynomials (descending). */
function mulComplexReal(a: readonly Complex[], b: readonly Complex[]): number[] {
  const r = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) r[i + j]! += a[i]!.re * b[j]!.re - a[i]!.im * b[j]!.im;
  return r;
}

/** Newton on the (m-1)-th derivative, which has a simple root at an m-fold root. */
function refineMultiple(desc: readonly number[], c: Complex, m: number, radius: number): Complex {
  let d: readonly number[] = desc;
  for (let k = 1; k < m; k++) d = polyDerivDesc(d);
  let z = c;
  for (let it = 0; it < 60; it++) {
    const { p, dp } = evalDD(d, z);
    if (dp.re === 0 && dp.im === 0) break;
    const w = cdivs(p, dp);
    const next = cx(z.re - w.re, z.im - w.im);
    if (cdist(next, c) > 2 * radius + 8 * EPS * cabs(c)) return c;
    z = next;
    if (cabs(w) <= EPS * cabs(z)) break;
  }
  return z;
}

/** Group approximations whose uncertainty disks overlap; try collapsing each group to one multiple root. */
function collapseClusters(desc: readonly number[], z: Complex[], refit: boolean): { z: Complex[]; mult: number[] } {
  const n = z.length;
  const radius = z.map((zi) => {
    const { p, dp } = evalDD(desc, zi);
    const adp = cabs(dp);
    const scale = cabs(p) + EPS * coefficientScale(desc, zi);
    return adp === 0 ? Infinity : (n * scale) / adp;
  });
  const parent = z.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if (cdist(z[i]!, z[j]!) <= radius[i]! + radius[j]!) parent[find(i)] = find(j);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(i);
  }
  let current = z.slice();
  const lead = desc[0]!;
  let baseErr = componentwiseError(desc, rebuild(lead, current), current);
  const tol = 16 * (n + 1) * EPS;
  const mult = new Array<number>(n).fill(1);
  const done = new Set<number>();
  // Candidate centres of a cluster: its centroid, and the root of p^(m-1)
  // near it (Newton); the one with the smaller backward error is kept.
  const centers = (members: readonly number[]): Complex[] => {
    const m = members.length;
    let cr = 0;
    let ci = 0;
    let spread = 0;
    for (const i of members) {
      cr += current[i]!.re / m;
      ci += current[i]!.im / m;
    }
    const centroid = cx(cr, ci);
    for (const i of members) spread = Math.max(spread, cdist(current[i]!, centroid));
    return [centroid, refineMultiple(desc, centroid, m, spread)];
  };
  // Backward error of a trial root set in which some clusters are
  // collapsed: the other roots were computed for the perturbed polynomial, so
  // the cofactor is recomputed by dividing the input by the collapsed factor
  // (forward or backward division, whichever fits better).
  const collapsedError = (trial: readonly Complex[], collapsed: ReadonlySet<number>): number => {
    const factor = [...collapsed].map((i) => trial[i]!);
    const direct = componentwiseError(desc, rebuild(lead, trial), trial);
    if (!refit || factor.length === n) return direct;
    const f = rebuildComplex(1, factor);
    let best = direct;
    for (const q of [divideForward(desc, f), divideBackward(desc, f)]) {
      const re = mulComplexReal(f, q);
      best = Math.min(best, componentwiseError(desc, re, trial));
    }
    return best;
  };
  const attempt = (sets: readonly (readonly number[])[]): boolean => {
    let trial = current.slice();
    const collapsed = new Set<number>(done);
    for (const members of sets) for (const i of members) collapsed.add(i);
    for (const members of sets) {
      // prefer the root of p^(m-1) (a simple root: exact when the multiple
      // root is) unless the centroid fits clearly better
      const [centroid, refined] = centers(members) as [Complex, Complex];
      const withCenter = (c: Complex) => {
        const t = trial.slice();
        for (const i of members) t[i] = c;
        return t;
      };
      const tr = withCenter(refined);
      const tc = withCenter(centroid);
      const er = collapsedError(tr, collapsed);
      const ec = collapsedError(tc, collapsed);
      trial = er <= tol || er <= 4 * ec ? tr : tc;
    }
    const err = collapsedError(trial, collapsed);
    if (err > Math.max(tol, 4 * baseErr)) return false;
    current = trial;
    baseErr = Math.max(baseErr, err);
    for (const members of sets)
      for (const i of members) {
        mult[i] = members.length;
        done.add(i);
      }
    return true;
  };
  // All candidate clusters at once first (their perturbations may cancel in
  // zero coefficients, as in (1 - z^-2)^4), then one at a time, repeating
  // while something changes.
  let pending = [...groups.values()].filter((g) => g.length >= 2);
  if (pending.length > 1 && attempt(pending)) pending = [];
  for (let changed = true; changed && pending.length > 0; ) {
    changed = false;
    const refused: number[][] = [];
    for (const members of pending) {
      if (attempt([members])) changed = true;
      else refused.push(members);
    }
    pending = refused;
  }
  // A group may hold a multiple root plus nearby simple roots (overlapping
  // uncertainty disks): try tight sub-clusters, largest first.
  for (const group of pending) {
    let left = group.slice();
    for (let size = left.length - 1; size >= 2 && left.length >= 2; size--) {
      let found = true;
      while (found && left.length >= size) {
        found = false;
        const tried = new Set<string>();
        for (const i of left) {
          const sub = left
            .slice()
            .sort((a, b) => cdist(current[a]!, current[i]!) - cdist(current[b]!, current[i]!))
            .slice(0, size)
            .sort((a, b) => a - b);
          const key = sub.join(",");
          if (tried.has(key)) continue;
          tried.add(key);
          // only a sub-cluster well separated from the rest of its group: a
          // perturbed m-fold root must not be split into a (m-1)-fold root
          // and a stray member
          const m = sub.length;
          const cen = cx(sub.reduce((a, j) => a + current[j]!.re, 0) / m, sub.reduce((a, j) => a + current[j]!.im, 0) / m);
          const spread = Math.max(...sub.map((j) => cdist(current[j]!, cen)));
          const gap = Math.min(...left.filter((j) => !sub.includes(j)).map((j) => cdist(current[j]!, cen)));
          if (!(gap > 10 * spread)) continue;
          if (attempt([sub])) {
            left = left.filter((j) => !sub.includes(j));
            found = true;
            break;
          }
        }
      }
    }
  }
  return { z: current, mult };
}

/**
 * Make a root set of a real polynomial conjugate-closed: greedy matching of
 * z_i with conj(z_j) by distance (a root matched with itself is real).
 */
function enforceConjugates(z: readonly Complex[], mult: readonly number[]): { roots: Complex[]; mult: number[] } {
  const n = z.length;
  const cand: { i: number; j: number; d: number }[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) cand.push({ i, j, d: i === j ? 2 * Math.abs(z[i]!.im) : cdist(z[i]!, cconj(z[j]!)) });
  cand.sort((a, b) => a.d - b.d || a.i - b.i || a.j - b.j);
  const used = new Array<boolean>(n).fill(false);
  const real: { x: number; m: number }[] = [];
  const pairs: { c: Complex; m: number }[] = [];
  for (const { i, j } of cand) {
    if (used[i] || used[j]) continue;
    used[i] = used[j] = true;
    if (i === j) real.push({ x: z[i]!.re, m: mult[i]! });
    else {
      const a = z[i]!;
      const b = z[j]!;
      const im = (Math.abs(a.im) + Math.abs(b.im)) / 2;
      pairs.push({ c: cx((a.re + b.re) / 2, im), m: Math.min(mult[i]!, mult[j]!) });
    }
  }
  pairs.sort((a, b) => a.c.re - b.c.re || a.c.im - b.c.im);
  real.sort((a, b) => a.x - b.x);
  const roots: Complex[] = [];
  const m: number[] = [];
  for (const p of pairs) {
    roots.push(p.c, cconj(p.c));
    m.push(p.m, p.m);
  }
  for (const r of real) {
    roots.push(cx(r.x));
    m.push(r.m);
  }
  return { roots, mult: m };
}

/** A few safeguarded Newton steps in dd (simple roots only): keep a step only if it lowers |p|. */
function polish(desc: readonly number[], z: Complex, real: boolean): Complex {
  let cur = z;
  let { p, dp } = evalDD(desc, cur);
  for (let it = 0; it < 8; it++) {
    if (dp.re === 0 && dp.im === 0) break;
    const w = cdivs(p, dp);
    const next = real ? cx(cur.re - w.re) : cx(cur.re - w.re, cur.im - w.im);
    const e = evalDD(desc, next);
    if (cabs(e.p) >= cabs(p)) break;
    cur = next;
    p = e.p;
    dp = e.dp;
    if (cabs(w) <= EPS * cabs(cur)) break;
  }
  return cur;
}

/**
 * Roots of c[0] x^n + c[1] x^(n-1) + ... + c[n] (descending powers, real
 * coefficients). Zero leading coefficients are dropped; zero trailing
 * coefficients give exact roots at 0.
 */
export function polyRoots(coeffs: readonly number[], opts: RootOptions = {}): RootResult {
  let start = 0;
  while (start < coeffs.length && coeffs[start] === 0) start++;
  let end = coeffs.length;
  let zerosAtOrigin = 0;
  while (end > start + 1 && coeffs[end - 1] === 0) {
    end--;
    zerosAtOrigin++;
  }
  const desc = coeffs.slice(start, end);
  for (const c of desc) if (!Number.isFinite(c)) throw new RangeError("polyRoots: non-finite coefficient");
  const n = desc.length - 1;
  const origin = (roots: Complex[], mult: number[]) => {
    for (let i = 0; i < zerosAtOrigin; i++) {
      roots.push(cx(0));
      mult.push(zerosAtOrigin);
    }
  };
  if (n <= 0) {
    const roots: Complex[] = [];
    const mult: number[] = [];
    origin(roots, mult);
    return { roots, multiplicity: mult, converged: true, iterations: 0, backwardError: 0, residual: 0 };
  }
  let roots: Complex[];
  let mult: number[];
  let converged = true;
  let iterations = 0;
  if (n === 1) {
    roots = [cx(-desc[1]! / desc[0]!)];
    mult = [1];
  } else {
    const ab = aberth(desc, opts.maxIterations ?? 600);
    iterations = ab.iterations;
    converged = ab.converged.every((x) => x);
    let z = ab.z;
    let m = new Array<number>(n).fill(1);
    const clusters = opts.clusters ?? true;
    if (clusters !== false) {
      const cc = collapseClusters(desc, z, clusters === "refit");
      z = cc.z;
      m = cc.mult;
    }
    const ec = enforceConjugates(z, m);
    roots = ec.roots.map((r, i) => (ec.mult[i]! === 1 ? polish(desc, r, r.im === 0) : r));
    // polishing a pair member: mirror the upper one onto the lower one
    for (let i = 0; i + 1 < roots.length; i++) {
      const a = roots[i]!;
      if (a.im > 0 && ec.roots[i + 1]!.im < 0) {
        roots[i + 1] = cconj(a);
        i++;
      }
    }
    mult = ec.mult;
  }
  const backwardError = relCoeffError(desc, rebuild(desc[0]!, roots));
  let residual = 0;
  for (const r of roots) residual = Math.max(residual, cabs(evalDD(desc, r).p) / coefficientScale(desc, r));
  origin(roots, mult);
  return { roots, multiplicity: mult, converged, iterations, backwardError, residual };
}

/**
 * The zeros in the z-plane of a z^-1 polynomial B(z) = p[0] + p[1] z^-1 + ...
 * (leading zeros are a pure delay and trailing zeros a shorter polynomial:
 * neither gives a zero of B away from the origin).
 */
export function rootsZ(p: Poly, opts: RootOptions = {}): RootResult {
  const { rest } = splitDelay(p);
  return polyRoots(rest, opts);
}

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cx, cabs, type Complex } from "./complex.ts";
import { polyFromRoots, polyMul, coeffDistance } from "./poly.ts";
import { polyRoots, rootsZ } from "./roots.ts";
import { loadFixtures, rootSetError } from "./fixtures.ts";
import { arbRootSet } from "../../src/harness/arbitrary/filters.ts";

const EPS = Number.EPSILON;

function conjugateClosed(rs: readonly Complex[]): boolean {
  return rs.every((r) => r.im === 0 || rs.some((s) => s.re === r.re && s.im === -r.im));
}

describe("Aberth–Ehrlich on the scipy fixtures (orders 1-16, 50 Hz to 5 kHz at 44.1 kHz)", () => {
  const cases = loadFixtures();

  it("finds the exact roots of every denominator as given (mpmath, 80 digits) to a few ulps", () => {
    let worst = 0;
    for (const c of cases) {
      const r = rootsZ(c.a);
      const e = rootSetError(r.roots, c.exactRoots.a);
      worst = Math.max(worst, e);
      expect(e, c.id).toBeLessThanOrEqual(8 * EPS);
      expect(r.backwardError, c.id).toBeLessThanOrEqual(8 * EPS);
      expect(r.residual, c.id).toBeLessThanOrEqual(4 * EPS);
      expect(r.converged, c.id).toBe(true);
      expect(conjugateClosed(r.roots), c.id).toBe(true);
      expect(r.multiplicity.every((m) => m === 1), c.id).toBe(true);
      // never worse than numpy's companion-matrix eigenvalues
      expect(e, c.id).toBeLessThanOrEqual(Math.max(rootSetError(c.numpyRoots.a, c.exactRoots.a), 8 * EPS));
    }
    expect(worst).toBeLessThan(1e-15);
  });

  it("recovers the design poles as far as the coefficients determine them", () => {
    // fi.lowpass(8, 50): the exact roots of the double-rounded denominator
    // already differ from the design poles by 1e-2: nobody can do better
    // from (b, a); from zpk nothing is lost.
    const c = cases.find((x) => x.id === "butter-lowpass-8-50")!;
    const e = rootSetError(rootsZ(c.a).roots, c.zpk.p);
    expect(e).toBeCloseTo(rootSetError(c.exactRoots.a, c.zpk.p), 12);
    const c4 = cases.find((x) => x.id === "butter-lowpass-4-1000")!;
    expect(rootSetError(rootsZ(c4.a).roots, c4.zpk.p)).toBeLessThan(1e-12);
  });

  it("collapses multiple zeros at z = -1 and z = +1 (Butterworth, Chebyshev I, band-pass numerators)", () => {
    for (const c of cases) {
      if (c.family !== "butter" && c.family !== "cheby1") continue;
      const r = rootsZ(c.b);
      expect(rootSetError(r.roots, c.zpk.z), c.id).toBeLessThanOrEqual(1e-15);
      expect(r.backwardError, c.id).toBeLessThanOrEqual(16 * c.order * EPS);
      if (c.order > 1) expect(Math.max(...r.multiplicity), c.id).toBeGreaterThan(1);
    }
  });

  it("finds the simple zeros of elliptic and Chebyshev II numerators exactly", () => {
    for (const c of cases) {
      if (c.family !== "ellip" && c.family !== "cheby2") continue;
      const r = rootsZ(c.b);
      expect(rootSetError(r.roots, c.exactRoots.b), c.id).toBeLessThanOrEqual(8 * EPS);
    }
  });
});

describe("root finder properties", () => {
  it("random stable sets of roots (orders 1-16): roots -> polynomial -> roots", () => {
    fc.assert(
      fc.property(arbRootSet({ minOrder: 1, maxOrder: 16, minSeparation: 0.05 }), (roots) => {
        const p = polyFromRoots(roots);
        const r = rootsZ(p);
        expect(r.roots.length).toBe(roots.length);
        expect(conjugateClosed(r.roots)).toBe(true);
        expect(r.backwardError).toBeLessThanOrEqual(64 * EPS);
        // forward error within the conditioning of each root: |dr| <= kappa * eps
        // (kappa = sum |p_k||r|^(n-k) / |p'(r)|), as the coefficients were rounded
        const n = roots.length;
        const used = new Array<boolean>(n).fill(false);
        for (const g of roots) {
          let best = -1;
          let bd = Infinity;
          r.roots.forEach((w, j) => {
            if (used[j]) return;
            const d = cabs(cx(w.re - g.re, w.im - g.im));
            if (d < bd) {
              bd = d;
              best = j;
            }
          });
          used[best] = true;
          let dp = cx(1);
          for (const o of roots) if (o !== g) dp = cx(dp.re * (g.re - o.re) - dp.im * (g.im - o.im), dp.re * (g.im - o.im) + dp.im * (g.re - o.re));
          let scale = 0;
          for (const c of p) scale = scale * cabs(g) + Math.abs(c);
          const kappa = scale / cabs(dp);
          expect(bd).toBeLessThanOrEqual(64 * kappa * EPS + 4 * EPS);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("recognises exact multiple roots (exactly representable coefficients)", () => {
    // dyadic roots: the multiplied-out polynomial is exact, its roots are exact multiples
    const dy = fc.integer({ min: -60, max: 60 }).filter((k) => k !== 0).map((k) => k / 64);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), dy, fc.array(dy, { maxLength: 4 }), (m, x, others) => {
        fc.pre(others.every((o) => Math.abs(o - x) > 0.1));
        const os = [...new Set(others)];
        const p = polyMul(polyFromRoots(new Array(m).fill(cx(x))), polyFromRoots(os.map((o) => cx(o))));
        fc.pre(p.every((c) => Number.isInteger(c * 2 ** 48)) && p.every((c) => Math.abs(c) < 2 ** 4));
        const r = rootsZ(p);
        const near = r.roots.filter((z) => cabs(cx(z.re - x, z.im)) < 0.05);
        expect(near.length).toBe(m);
        expect(r.multiplicity[r.roots.indexOf(near[0]!)]).toBe(m);
        for (const z of near) expect(z).toEqual(cx(x));
      }),
      { numRuns: 100 },
    );
  });

  it("keeps the centre of a perturbed multiple root (strict and 'refit' cluster modes)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.double({ min: -0.95, max: 0.95, noNaN: true }).filter((x) => Math.abs(x) > 0.05),
        arbRootSet({ minOrder: 0, maxOrder: 6, minSeparation: 0.1 }),
        (m, x, others) => {
          fc.pre(others.every((o) => cabs(cx(o.re - x, o.im)) > 0.3));
          const p = polyMul(polyFromRoots(new Array(m).fill(cx(x))), polyFromRoots(others));
          for (const mode of [true, "refit"] as const) {
            const r = rootsZ(p, { clusters: mode });
            const near = r.roots.filter((z) => cabs(cx(z.re - x, z.im)) < 0.1);
            expect(near.length).toBe(m);
            const cr = near.reduce((s, z) => s + z.re, 0) / m;
            expect(Math.abs(cr - x)).toBeLessThanOrEqual(1e-9);
            // 'refit' judges the collapse with a refitted cofactor but returns
            // the other roots as found for the input, hence a looser bound
            expect(coeffDistance(p, polyFromRoots(r.roots))).toBeLessThanOrEqual(mode === "refit" ? 1e-10 : 1e-12);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("high degree: a 129-tap windowed-sinc FIR, pointwise backward error ~ eps", () => {
    const n = 128;
    const h: number[] = [];
    for (let i = 0; i <= n; i++) {
      const t = i - n / 2;
      const w = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / n);
      h.push(w * (t === 0 ? 0.2 : Math.sin(0.2 * Math.PI * t) / (Math.PI * t)));
    }
    const r = rootsZ(h);
    expect(r.roots.length).toBe(n);
    expect(r.converged).toBe(true);
    expect(r.residual).toBeLessThanOrEqual(16 * EPS);
    expect(conjugateClosed(r.roots)).toBe(true);
  });

  it("handles degenerate inputs: constants, zero coefficients, linear, roots at the origin", () => {
    expect(polyRoots([3]).roots).toEqual([]);
    expect(polyRoots([0, 0, 2, -1]).roots).toEqual([cx(0.5)]);
    const r = polyRoots([1, 0, 0]);
    expect(r.roots).toEqual([cx(0), cx(0)]);
    expect(rootsZ([0, 1, -0.25, 0]).roots).toEqual([cx(0.25)]);
    const unit = polyRoots([1, 0, 0, 0, 1]); // z^4 + 1
    expect(unit.roots.length).toBe(4);
    for (const z of unit.roots) expect(Math.abs(cabs(z) - 1)).toBeLessThanOrEqual(4 * EPS);
    expect(() => polyRoots([1, NaN])).toThrow(RangeError);
  });
});

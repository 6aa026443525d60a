import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { type Complex, cx, cpolar } from "./complex.ts";
import { makeSection, zpkToSos, type Section } from "./sos.ts";
import {
  STRUCTURES,
  designFromSection,
  designFromBiquad,
  isRefusal,
  impulse,
  run,
  checkStability,
  poleRadius,
  stateSpace,
  quantize,
  float32,
  type Realization,
} from "./structures.ts";
import { impulseResponse } from "./poly.ts";
import { loadFixtures } from "./fixtures.ts";

function directImpulse(s: Section, n: number): Float64Array {
  const q = s.biquad;
  return impulseResponse({ b: [q.b0, q.b1, q.b2], a: [1, q.a1, q.a2] }, n);
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}

/** Random stable sections: a conjugate pole pair, a real pair or one real pole; 0-2 zeros; radius up to 0.999. */
const arbSection: fc.Arbitrary<Section> = fc
  .tuple(
    fc.constantFrom("complex", "real2", "real1"),
    fc.double({ min: 0.01, max: 0.999, noNaN: true }),
    fc.double({ min: 0.001, max: Math.PI - 0.001, noNaN: true }),
    fc.double({ min: -0.999, max: 0.999, noNaN: true }),
    fc.constantFrom("none", "complex", "real2", "real1"),
    fc.double({ min: 0, max: 1.5, noNaN: true }),
    fc.double({ min: 0, max: Math.PI, noNaN: true }),
    fc.double({ min: -1.5, max: 1.5, noNaN: true }),
    fc.double({ min: -10, max: 10, noNaN: true }).filter((g) => Math.abs(g) > 1e-3),
  )
  .map(([pk, r, th, x, zk, zr, zth, zx, g]) => {
    const poles: Complex[] = pk === "complex" ? [cpolar(r, th), cpolar(r, -th)] : pk === "real2" ? [cx(r), cx(x)] : [cx(x === 0 ? 0.5 : x)];
    const zeros: Complex[] =
      zk === "none" ? [] : zk === "complex" ? [cpolar(zr, zth), cpolar(zr, -zth)] : zk === "real2" ? [cx(zr), cx(zx)] : [cx(zx)];
    return makeSection(pk === "real1" ? (zk === "none" ? [] : [cx(zx)]) : zeros, poles, g);
  });

describe("section structures", () => {
  it("every structure's impulse response equals the section's direct evaluation (1e-9, double)", () => {
    fc.assert(
      fc.property(arbSection, (s) => {
        const n = 512;
        const ref = directImpulse(s, n);
        for (const kind of STRUCTURES) {
          for (const r of [designFromSection(kind, s), designFromBiquad(kind, s.biquad)]) {
            if (isRefusal(r)) {
              expect(kind).toBe("coupled"); // only the coupled form refuses stable sections (real poles)
              expect(s.poles.every((p) => p.im === 0)).toBe(true);
              continue;
            }
            expect(relDiff(impulse(r, n), ref), `${kind}`).toBeLessThanOrEqual(1e-9);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("realizes every section of the fixture designs (zpk form) exactly", () => {
    for (const c of loadFixtures()) {
      for (const s of zpkToSos(c.zpk).sections) {
        const ref = directImpulse(s, 256);
        for (const kind of STRUCTURES) {
          const r = designFromSection(kind, s);
          if (isRefusal(r)) continue;
          expect(relDiff(impulse(r, 256), ref), `${c.id} ${kind}`).toBeLessThanOrEqual(1e-9);
        }
      }
    }
  });

  it("state-space extraction gives the poles: spectral radius = max |pole| (double)", () => {
    fc.assert(
      fc.property(arbSection, (s) => {
        const want = Math.max(...s.poles.map((p) => Math.hypot(p.re, p.im)));
        // two-state structures have two eigenvalues (a first-order section's
        // second one is 0); close eigenvalues are ill-conditioned: an error of
        // about eps / separation, at most sqrt(eps) (a Jordan block)
        const [p1, p2] = [s.poles[0]!, s.poles[1] ?? cx(0)];
        const sep = Math.hypot(p1.re - p2.re, p1.im - p2.im);
        const tol = 1e-9 + Math.min(8 * Number.EPSILON / sep, 4 * Math.sqrt(Number.EPSILON));
        for (const kind of STRUCTURES) {
          const r = designFromSection(kind, s);
          if (isRefusal(r)) continue;
          expect(Math.abs(poleRadius(r) - want), kind).toBeLessThanOrEqual(tol);
          expect(checkStability(r).radius).toBeLessThan(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a realization whose float32 coefficients are unstable (poles 1e-9 from the unit circle)", () => {
    const s = makeSection([cx(-1), cx(-1)], [cpolar(1 - 1e-9, 0.01), cpolar(1 - 1e-9, -0.01)], 1e-5);
    const verdict = (k: (typeof STRUCTURES)[number]) => checkStability(designFromSection(k, s) as Realization);
    expect(verdict("df1").stable).toBe(false);
    expect(verdict("df2t").stable).toBe(false);
    expect(verdict("df2t").reason).toMatch(/float32/);
    expect(verdict("delta").stable).toBe(true);
    expect(verdict("coupled").stable).toBe(true);
    expect(verdict("tpt").stable).toBe(true);
    // the TPT form's 1/(1 + g(g + k)) loses the tiny damping k in float32 here
    expect(verdict("svf").stable).toBe(false);
  });

  it("refuses unstable sections in double", () => {
    const s = makeSection([], [cx(1.05), cx(0.2)], 1);
    for (const kind of STRUCTURES) {
      const r = designFromSection(kind, s);
      if (isRefusal(r)) continue; // the TPT form refuses A(1) <= 0 at design time
      expect(checkStability(r).stable, kind).toBe(false);
    }
    expect(isRefusal(designFromSection("svf", s))).toBe(true);
  });

  it("state-space D is b0 and quantization rounds every coefficient to float32", () => {
    const s = makeSection([cx(0.3)], [cpolar(0.9, 0.2), cpolar(0.9, -0.2)], 0.7);
    for (const kind of STRUCTURES) {
      const r = designFromSection(kind, s) as Realization;
      expect(stateSpace(r).D).toBeCloseTo(0.7, 14);
      for (const c of quantize(r).coeffs) expect(Math.fround(c)).toBe(c);
    }
  });

  it("float32 runs stay close to double on a benign section", () => {
    const s = makeSection([cx(-1), cx(-1)], [cpolar(0.7, 0.5), cpolar(0.7, -0.5)], 0.1);
    const x = Float64Array.from({ length: 1000 }, (_, i) => Math.fround(Math.sin(i * 0.37)));
    for (const kind of STRUCTURES) {
      const r = designFromSection(kind, s) as Realization;
      const a = run(r, x);
      const b = run(quantize(r), x, float32);
      expect(relDiff(b, a), kind).toBeLessThan(1e-5);
      expect(relDiff(b, a), kind).toBeGreaterThan(0);
    }
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cx } from "./complex.ts";
import { impulseResponse, impulseResponseDD, zpkToTf, coeffDistance, normalizeTf } from "./poly.ts";
import {
  zpkToSos,
  tfToSos,
  sosToTf,
  sosRows,
  scaleSections,
  distributeGain,
  cascadeNorm,
  cascadeImpulse,
  totalGain,
  sectionFromBiquad,
  makeSection,
} from "./sos.ts";
import { loadFixtures } from "./fixtures.ts";
import { arbStableZpk } from "../../src/harness/arbitrary/filters.ts";

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

describe("zpkToSos against scipy.signal.zpk2sos", () => {
  const cases = loadFixtures();
  for (const pairing of ["nearest", "keep_odd"] as const) {
    it(`pairing '${pairing}': the same sections in the same order on all ${cases.length} designs`, () => {
      for (const c of cases) {
        const rows = sosRows(zpkToSos(c.zpk, { pairing }));
        const want = c.sos[pairing];
        expect(rows.length, c.id).toBe(want.length);
        rows.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - want[i]![j]!), `${c.id} [${i}][${j}]`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want[i]![j]!)))));
      }
    });
  }

  it("order 'up' puts the poles closest to the unit circle last; 'down' reverses", () => {
    const c = cases.find((x) => x.id === "ellip-lowpass-8-1000")!;
    const up = zpkToSos(c.zpk, { order: "up" }).sections;
    const down = zpkToSos(c.zpk, { order: "down" }).sections;
    const r = (s: (typeof up)[number]) => Math.max(...s.poles.map((p) => Math.hypot(p.re, p.im)));
    for (let i = 1; i < up.length; i++) expect(r(up[i]!)).toBeGreaterThanOrEqual(r(up[i - 1]!));
    expect(down.map(r)).toEqual(up.map(r).reverse());
  });

  it("tfToSos on the (b, a) form of well-conditioned designs gives scipy's sections", () => {
    for (const c of cases) {
      if (c.cutoff[0] !== 5000 || c.order > 8) continue;
      const rows = sosRows(tfToSos({ b: c.b, a: c.a }));
      const want = c.sos.nearest;
      // the gain sits in the first section in both; compare the cascades by coefficients
      expect(rows.length, c.id).toBe(want.length);
      rows.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - want[i]![j]!), c.id).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[i]![j]!)))));
    }
  });

  it("tfToSos on every (b, a) fixture multiplies back to (b, a) within rounding", () => {
    for (const c of cases) {
      const tf = sosToTf(tfToSos({ b: c.b, a: c.a }));
      expect(coeffDistance(c.a, tf.a), c.id).toBeLessThanOrEqual(1e-14);
      expect(coeffDistance(c.b, tf.b), c.id).toBeLessThanOrEqual(1e-13);
    }
  });
});

describe("second-order sections on random stable filters (orders 1-16)", () => {
  it("factor into sections and multiply back: impulse response within 1e-9", () => {
    fc.assert(
      fc.property(arbStableZpk({ maxOrder: 16, maxRadius: 0.95 }), fc.constantFrom("nearest", "keep_odd"), (zpk, pairing) => {
        const tf = normalizeTf(zpkToTf(zpk));
        const n = 512;
        // reference: the direct recursion in double-double (in double it is
        // itself off by ~1e-9 when poles cluster)
        const h = impulseResponseDD(tf, n);
        const sos = tfToSos(tf, { pairing });
        expect(relDiff(cascadeImpulse(sos, n), h), "cascade").toBeLessThanOrEqual(1e-9);
        // multiplied back: the same coefficients within rounding (multiplying
        // out in double is itself ill-conditioned when poles cluster, so the
        // impulse response of the product is not compared)
        const back = sosToTf(sos);
        expect(coeffDistance(tf.a, back.a), "a multiplied back").toBeLessThanOrEqual(1e-13);
        expect(coeffDistance(tf.b, back.b), "b multiplied back").toBeLessThanOrEqual(1e-12);
        // from zpk directly, without the root finder: the pairing does not
        // change the filter (compared with the other pairing; the rounded
        // (b, a) above is itself a slightly different filter when poles cluster)
        const other = pairing === "nearest" ? "keep_odd" : "nearest";
        expect(relDiff(cascadeImpulse(zpkToSos(zpk, { pairing }), n), cascadeImpulse(zpkToSos(zpk, { pairing: other }), n))).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it("pure delays survive the factorization", () => {
    const sos = tfToSos({ b: [0, 0, 1, 0.5], a: [1, -0.5] });
    expect(sos.delay).toBe(2);
    const h = cascadeImpulse(sos, 8);
    expect(Array.from(h)).toEqual(Array.from(impulseResponse({ b: [0, 0, 1, 0.5], a: [1, -0.5] }, 8)));
  });

  it("L2 and L-infinity scaling: unit partial-cascade norms, unchanged overall response", () => {
    fc.assert(
      fc.property(arbStableZpk({ minOrder: 2, maxOrder: 10, maxRadius: 0.95 }), fc.constantFrom("l2", "linf"), (zpk, norm) => {
        const sos = zpkToSos(zpk);
        const scaled = scaleSections(sos, norm);
        const n = 512;
        expect(relDiff(cascadeImpulse(scaled, n), cascadeImpulse(sos, n))).toBeLessThanOrEqual(1e-9);
        for (let i = 1; i < scaled.sections.length; i++) expect(cascadeNorm(scaled.sections.slice(0, i), norm)).toBeCloseTo(1, 9);
        expect(totalGain(scaled.sections)).toBeCloseTo(totalGain(sos.sections), 9);
      }),
      { numRuns: 60 },
    );
  });

  it("the L2 norm from the frequency grid equals the impulse response energy", () => {
    fc.assert(
      fc.property(arbStableZpk({ minOrder: 1, maxOrder: 8, maxRadius: 0.9 }), (zpk) => {
        const sos = zpkToSos(zpk);
        const h = cascadeImpulse(sos, 4096);
        let e = 0;
        for (const v of h) e += v * v;
        expect(cascadeNorm(sos.sections, "l2")).toBeCloseTo(Math.sqrt(e), 9 - Math.max(0, Math.ceil(Math.log10(Math.sqrt(e)))));
      }),
      { numRuns: 60 },
    );
  });

  it("L-infinity norm of a resonance equals its peak gain", () => {
    // |H| of 1/(1 - 2 r cos(t) z^-1 + r^2 z^-2) peaks near t; compare with a very fine scan
    const r = 0.999;
    const t = 0.3;
    const s = makeSection([], [cx(r * Math.cos(t), r * Math.sin(t)), cx(r * Math.cos(t), -r * Math.sin(t))], 1);
    let peak = 0;
    for (let k = 0; k <= 200000; k++) {
      const th = t - 0.01 + (0.02 * k) / 200000;
      const c = Math.cos(th);
      const si = Math.sin(th);
      const re = 1 + s.biquad.a1 * c + s.biquad.a2 * Math.cos(2 * th);
      const im = -(s.biquad.a1 * si + s.biquad.a2 * Math.sin(2 * th));
      peak = Math.max(peak, 1 / Math.hypot(re, im));
    }
    expect(cascadeNorm([s], "linf") / peak).toBeCloseTo(1, 8);
  });

  it("gain distribution keeps the total gain", () => {
    const sos = zpkToSos({ z: [cx(-1), cx(-1), cx(0.5)], p: [cx(0.9, 0.1), cx(0.9, -0.1), cx(0.3)], k: -0.02 });
    for (const policy of ["first", "last", "even"] as const) {
      const d = distributeGain(sos, policy);
      expect(totalGain(d.sections)).toBeCloseTo(-0.02, 15);
      expect(relDiff(cascadeImpulse(d, 64), cascadeImpulse(sos, 64))).toBeLessThanOrEqual(1e-14);
    }
  });

  it("sectionFromBiquad recovers zeros and poles", () => {
    const s = makeSection([cx(0.5, 0.5), cx(0.5, -0.5)], [cx(0.8), cx(-0.3)], 2);
    const t = sectionFromBiquad(s.biquad);
    expect(t.gain).toBe(2);
    expect(t.poles.map((p) => p.re).sort()).toEqual([-0.3, 0.8].sort());
    expect(Math.abs(t.zeros[0]!.im)).toBeCloseTo(0.5, 14);
  });
});

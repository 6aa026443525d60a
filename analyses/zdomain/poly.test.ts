import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cx, cdiv, cmul, cabs, cpolar } from "./complex.ts";
import { twoSum, twoProd, ddAdd, dd, ddToNumber, hornerDD, accurateSum } from "./dd.ts";
import {
  evalZ,
  evalW,
  evalFreq,
  polyMul,
  polyFromRoots,
  polyFromRootsComplex,
  polyDerivW,
  polyDerivDesc,
  splitDelay,
  normalizeTf,
  impulseResponse,
  zpkToTf,
  cplxReal,
  freqResponse,
  coeffDistance,
} from "./poly.ts";

describe("complex", () => {
  it("division inverts multiplication", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), (ar, ai, r, th) => {
        const a = cx(ar, ai);
        const b = cpolar(r, th);
        const q = cdiv(cmul(a, b), b);
        expect(cabs(cx(q.re - a.re, q.im - a.im))).toBeLessThanOrEqual(1e-13 * (cabs(a) + 1));
      }),
    );
  });
});

describe("double-double", () => {
  it("twoSum and twoProd are error-free", () => {
    // away from underflow (|x| >= 1e-100), where the transformations are exact
    const arb = fc.double({ min: -1e10, max: 1e10, noNaN: true }).filter((x) => x === 0 || Math.abs(x) >= 1e-100);
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const s = twoSum(a, b);
        expect(s.hi).toBe(a + b);
        // Dekker's fast two-sum (valid for |x| >= |y|) must agree with Knuth's branch-free one
        const [x, y] = Math.abs(a) >= Math.abs(b) ? [a, b] : [b, a];
        expect(s.lo === y - (s.hi - x)).toBe(true);
        const p = twoProd(a, b);
        expect(p.hi).toBe(a * b);
        expect(Math.abs(p.lo)).toBeLessThanOrEqual(Math.abs(p.hi) * Number.EPSILON);
        // exact on small integers: (2^27+1)^2 = 2^54 + 2^28 + 1
        const q = twoProd(134217729, 134217729);
        expect(q.hi + q.lo).toBe(q.hi);
        expect(BigInt(q.hi) + BigInt(q.lo)).toBe(134217729n * 134217729n);
      }),
    );
  });

  it("recovers what double arithmetic loses", () => {
    expect(ddToNumber(ddAdd(ddAdd(dd(1), dd(1e-30)), dd(-1)))).toBe(1e-30);
    expect(accurateSum([1, 1e-20, -1])).toBe(1e-20);
    // (x - 1)^4 at x = 1 + 2^-20: double Horner loses everything, dd does not
    const c = [1, -4, 6, -4, 1];
    const x = 1 + Math.pow(2, -20);
    const { p } = hornerDD(c, x, 0);
    expect(ddToNumber(p.re)).toBeCloseTo(Math.pow(2, -80), 95);
  });
});

describe("z^-1 polynomials", () => {
  it("evaluates B(z) = sum p_k z^-k", () => {
    const p = [1, 2, 3];
    const z = cx(2, 0);
    expect(evalZ(p, z).re).toBeCloseTo(1 + 2 / 2 + 3 / 4, 15);
    expect(evalW(p, cx(0.5)).re).toBeCloseTo(1 + 1 + 0.75, 15);
    expect(evalFreq([1, 1], Math.PI).re).toBeCloseTo(0, 15);
  });

  it("multiplies and differentiates", () => {
    expect(polyMul([1, 1], [1, -1])).toEqual([1, 0, -1]);
    expect(polyDerivW([1, 2, 3])).toEqual([2, 6]);
    expect(polyDerivDesc([1, 2, 3])).toEqual([2, 2]);
  });

  it("builds real polynomials from conjugate-closed roots, equal to the complex product", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0.1, max: 1.2, noNaN: true }), fc.double({ min: 0.1, max: 3, noNaN: true })), { maxLength: 6 }), fc.array(fc.double({ min: -1.2, max: 1.2, noNaN: true }).filter((x) => Math.abs(x) > 0.05), { maxLength: 3 }), (pairs, reals) => {
        const roots = [...pairs.flatMap(([r, t]) => [cpolar(r, t), cpolar(r, -t)]), ...reals.map((x) => cx(x))];
        const p = polyFromRoots(roots);
        const pc = polyFromRootsComplex(roots);
        expect(p.length).toBe(roots.length + 1);
        pc.forEach((c, i) => {
          expect(Math.abs(c.re - p[i]!)).toBeLessThanOrEqual(1e-12 * 4 ** roots.length);
          expect(Math.abs(c.im)).toBeLessThanOrEqual(1e-12 * 4 ** roots.length);
        });
        for (const r of roots) expect(cabs(evalZ(p, r))).toBeLessThanOrEqual(1e-10 * 4 ** roots.length);
      }),
    );
  });

  it("splits delays and trims; refuses a[0] = 0", () => {
    expect(splitDelay([0, 0, 1, 2, 0])).toEqual({ delay: 2, rest: [1, 2] });
    expect(normalizeTf({ b: [2, 4], a: [2, 1] })).toEqual({ b: [1, 2], a: [1, 0.5] });
    expect(() => normalizeTf({ b: [1], a: [0, 1] })).toThrow(RangeError);
  });

  it("cplxReal pairs conjugates and refuses unpaired values", () => {
    const { real, pairs } = cplxReal([cx(0.5, 0.2), cx(0.1), cx(0.5, -0.2)]);
    expect(real).toEqual([0.1]);
    expect(pairs).toEqual([cx(0.5, 0.2)]);
    expect(() => cplxReal([cx(0.5, 0.2)])).toThrow(RangeError);
  });

  it("impulse response of B/A matches the geometric series and the frequency response", () => {
    const h = impulseResponse({ b: [1], a: [1, -0.5] }, 8);
    h.forEach((v, i) => expect(v).toBe(0.5 ** i));
    const tf = zpkToTf({ z: [cx(-1)], p: [cx(0.5)], k: 2 });
    expect(coeffDistance(tf.b, [2, 2])).toBe(0);
    expect(freqResponse(tf, 0).re).toBeCloseTo(8, 14);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbSignalGraph } from "../src/harness/arbitrary/signals.ts";
import { evaluate } from "../src/core/signals/evaluate.ts";
import { freshRecName, sig, type Sig } from "../src/core/signals/signal.ts";
import { verifySignals } from "../src/core/signals/verify.ts";
import { delayMerge, exactBounds } from "./delay-merge.ts";

const x = sig.input(0);
const slider = sig.hslider("d", sig.float(10), sig.float(0), sig.float(100), sig.float(1));
const clamp = (e: Sig, hi: number) => sig.math2("min", sig.int(hi), sig.math2("max", sig.int(0), e));
const merge = (roots: Sig[], factor = true) => delayMerge(roots, { factor });

function sameSamples(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((u, k) => u.every((v, i) => Object.is(v, b[k]![i]) || (Number.isNaN(v) && Number.isNaN(b[k]![i]!))));
}
const INPUTS = [0, 1].map((c) => Float64Array.from({ length: 48 }, (_, t) => Math.sin(t * (0.9 + c)) * (t % 7 === 0 ? -3 : 1)));

describe("delay-merge: exact bounds", () => {
  it("bounds min/max with literals whatever the other operand is", () => {
    expect(exactBounds(clamp(sig.intcast(slider), 100))).toEqual([0, 100]);
    expect(exactBounds(slider)).toBeUndefined();
    expect(exactBounds(sig.intcast(slider))).toBeUndefined();
    const sr = sig.math2("min", sig.float(192000), sig.math2("max", sig.float(1), sig.fconst("int", "fSamplingFreq")));
    expect(exactBounds(sr)).toEqual([1, 192000]);
    expect(exactBounds(sig.mul(sr, sig.float(0.5)))).toEqual([0.5, 96000]);
  });
  it("refuses int arithmetic that could wrap and conversions out of the int range", () => {
    expect(exactBounds(sig.add(sig.int(2147483647), clamp(sig.intcast(slider), 1)))).toBeUndefined();
    expect(exactBounds(sig.intcast(sig.mul(sig.math2("min", sig.float(1e10), sig.math2("max", sig.float(0), slider)), sig.float(1))))).toBeUndefined();
  });
});

describe("delay-merge: rules", () => {
  it("merges constant chains", () => {
    const r = merge([sig.delay1(sig.delay1(x)), sig.delay1(sig.delay(x, sig.int(3)))]);
    expect(r.roots).toEqual([sig.delay(x, sig.int(2)), sig.delay(x, sig.int(4))]);
    expect(r.stats["chains-merged"]).toBe(2);
  });
  it("merges a variable chain when the amount is provably in [0, INT_MAX - m], off cycles", () => {
    const d = clamp(sig.intcast(slider), 1000);
    const r = merge([sig.delay(sig.delay1(x), d), sig.delay(x, sig.int(5))]);
    expect(r.roots[0]).toBe(sig.delay(x, sig.add(d, sig.int(1))));
    expect(r.stats["lines-merged"]).toBe(1);
    // a float amount is converted first: int(d) + 1, not int(d + 1)
    const f = sig.math2("min", sig.float(99.5), sig.math2("max", sig.float(0), slider));
    expect(merge([sig.delay(sig.delay1(x), f)]).roots[0]).toBe(sig.delay(x, sig.add(sig.intcast(f), sig.int(1))));
  });
  it("merges an inner variable amount only when it is constant after init", () => {
    const sr = sig.math2("min", sig.float(192000), sig.math2("max", sig.float(1), sig.fconst("int", "fSamplingFreq")));
    const d = sig.intcast(sig.mul(sr, sig.float(0.001)));
    expect(merge([sig.delay1(sig.delay(x, d))]).roots[0]).toBe(sig.delay(x, sig.add(d, sig.int(1))));
    const v = clamp(sig.intcast(slider), 1000);
    expect(merge([sig.delay1(sig.delay(x, v))]).roots[0]).toBe(sig.delay1(sig.delay(x, v)));
  });
  it("does not merge unbounded amounts or variable chains on a recursion cycle", () => {
    const un = sig.delay(sig.delay1(x), sig.intcast(slider));
    expect(merge([un]).roots[0]).toBe(un);
    const d = clamp(sig.intcast(slider), 1000);
    const [y] = sig.recursion(freshRecName("echo"), 1, ([y]) => [sig.add(x, sig.mul(sig.float(0.5), sig.delay(sig.delay1(y!), d)))]);
    expect(merge([y!]).roots[0]).toBe(y);
  });
  it("moves a positive constant factor or float() out of a delay when the inner signal has a line", () => {
    const r = merge([sig.delay(sig.mul(x, sig.float(2)), sig.int(3)), sig.delay(x, sig.int(5))]);
    expect(r.roots[0]).toBe(sig.mul(sig.delay(x, sig.int(3)), sig.float(2)));
    expect(r.stats["factors-moved"]).toBe(1);
    const neg = sig.delay(sig.mul(x, sig.float(-2)), sig.int(3));
    expect(merge([neg, sig.delay(x, sig.int(5))]).roots[0]).toBe(neg); // -2 * (+0) = -0
    const negInt = sig.delay(sig.mul(x, sig.int(-2)), sig.int(3)); // a float product by an int: still -0
    expect(merge([negInt, sig.delay(x, sig.int(5))]).roots[0]).toBe(negInt);
    const i = sig.intcast(slider);
    expect(merge([sig.delay(sig.mul(i, sig.int(-2)), sig.int(3)), sig.delay(i, sig.int(5))]).roots[0]).toBe(sig.mul(sig.delay(i, sig.int(3)), sig.int(-2)));
    const twice = sig.mul(x, sig.float(2)); // read by two delays: left alone
    expect(merge([sig.delay(twice, sig.int(3)), sig.delay(twice, sig.int(4)), sig.delay(x, sig.int(5))]).stats["factors-moved"]).toBe(0);
    const alone = sig.delay(sig.mul(x, sig.float(2)), sig.int(3));
    expect(merge([alone]).roots[0]).toBe(alone); // no line of x to share
    expect(merge([sig.delay(sig.mul(x, sig.float(2)), sig.int(3)), sig.delay(x, sig.int(5))], false).stats["factors-moved"]).toBe(0);
    expect(merge([sig.delay1(sig.floatcast(i)), sig.delay(i, sig.int(4))]).roots[0]).toBe(sig.floatcast(sig.delay1(i)));
  });
});

describe("delay-merge: properties on random graphs", () => {
  it("keeps every output bit-identical (the evaluator), yields a well-formed graph, and is idempotent", () => {
    let changed = 0;
    fc.assert(
      fc.property(arbSignalGraph({ maxSize: 30 }), (roots) => {
        const r = merge(roots);
        expect(verifySignals(r.roots)).toEqual([]);
        if (r.roots.some((s, i) => s !== roots[i])) changed++;
        expect(sameSamples(evaluate(roots, { samples: 48, inputs: INPUTS }), evaluate(r.roots, { samples: 48, inputs: INPUTS }))).toBe(true);
        expect(merge(r.roots).roots).toEqual(r.roots);
      }),
      { numRuns: 400 },
    );
    expect(changed).toBeGreaterThan(0); // chains are rare in random graphs: see the next property
  });
  it("merges chains on random graphs with clamped amounts exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: -3, max: 30 }), (hi, m, k) => {
        const d = clamp(sig.intcast(sig.mul(sig.input(1), sig.float(k))), hi);
        // the variable amount outermost merges; inside (read m samples ago) it must not
        const g = [sig.delay(sig.delay(x, sig.int(m)), d), sig.delay1(sig.delay(x, d))];
        const r = merge(g);
        expect(r.roots[0]).toBe(sig.delay(x, sig.add(d, sig.int(m))));
        expect(r.roots[1]).toBe(g[1]);
        expect(sameSamples(evaluate(g, { samples: 48, inputs: INPUTS }), evaluate(r.roots, { samples: 48, inputs: INPUTS }))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

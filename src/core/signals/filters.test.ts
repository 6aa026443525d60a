// The explicit filter kinds `fir` and `iir`: evaluator semantics, types,
// printer/parser round trip, verifier.

import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate.ts";
import { parseSignals } from "./parse.ts";
import { printSignals } from "./print.ts";
import { freshRecName, sig, type Sig } from "./signal.ts";
import { typeOf } from "./types.ts";
import { verifySignals } from "./verify.ts";

const f = (v: number) => sig.float(v);
const noise = (n: number, seed = 1) => {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
};

describe("fir and iir in the evaluator", () => {
  it("fir: y[n] = c0·x[n] + c1·x[n−1] + …, summed left to right from c0·x[n]", () => {
    const x = noise(64);
    const c = [0.1, -0.7, 0.3, 1e-3];
    const [y] = evaluate([sig.fir(sig.input(0), c.map(f))], { samples: 64, inputs: [x] });
    for (let n = 0; n < 64; n++) {
      let acc = c[0]! * x[n]!;
      for (let k = 1; k < c.length; k++) acc = acc + c[k]! * (n - k >= 0 ? x[n - k]! : 0);
      expect(Object.is(y![n], acc)).toBe(true);
    }
  });
  it("iir: y[n] = x[n] − a1·y[n−1] − a2·y[n−2], subtracted left to right (a0 = 1)", () => {
    const x = noise(64, 7);
    const a = [-1.2, 0.5];
    const [y] = evaluate([sig.iir(sig.input(0), a.map(f))], { samples: 64, inputs: [x] });
    const ref: number[] = [];
    for (let n = 0; n < 64; n++) {
      let acc = x[n]!;
      for (let k = 1; k <= a.length; k++) acc = acc - a[k - 1]! * (n - k >= 0 ? ref[n - k]! : 0);
      ref.push(acc);
      expect(Object.is(y![n], acc)).toBe(true);
    }
  });
  it("impulse responses: a fir plays its taps, a one-pole iir decays geometrically", () => {
    const imp = [Float64Array.from({ length: 6 }, (_, t) => (t === 0 ? 1 : 0))];
    const [h] = evaluate([sig.fir(sig.input(0), [f(0.5), f(0.25), f(0.125)])], { samples: 6, inputs: imp });
    expect([...h!]).toEqual([0.5, 0.25, 0.125, 0, 0, 0]);
    const [g] = evaluate([sig.iir(sig.input(0), [f(-0.5)])], { samples: 5, inputs: imp });
    expect([...g!]).toEqual([1, 0.5, 0.25, 0.125, 0.0625]);
    const [same] = evaluate([sig.iir(sig.input(0), [])], { samples: 3, inputs: imp });
    expect([...same!]).toEqual([1, 0, 0]);
  });
  it("int natured when x and every coefficient are int: 32-bit wrapping like add/mul", () => {
    const big = sig.int(0x40000000);
    const s = sig.fir(sig.int(3), [big, big]);
    expect(typeOf(s).nature).toBe("int");
    // 3·2^30 wraps to -2^30, then + the same from the second sample on
    expect([...evaluate([s], { samples: 3 })[0]!]).toEqual([-1073741824, -2147483648, -2147483648]);
    expect(typeOf(sig.fir(sig.int(3), [big, f(0.5)])).nature).toBe("float");
    const i = sig.iir(sig.int(1), [sig.int(-2)]);
    expect(typeOf(i).nature).toBe("int");
    expect([...evaluate([i], { samples: 4 })[0]!]).toEqual([1, 3, 7, 15]);
  });
  it("coefficients are signals read each sample (a control: a time-varying filter)", () => {
    const g = sig.hslider("g", f(0.5), f(0), f(1), f(0.01));
    const s = sig.iir(sig.float(1), [sig.mul(f(-1), g)]);
    expect(typeOf(s).variability).toBe("sample");
    const [y] = evaluate([s], { samples: 4, controls: { "/g": (t: number) => (t < 2 ? 0.5 : 0) } });
    expect([...y!]).toEqual([1, 1.5, 1, 1]);
  });
  it("a filter inside a recursion is scheduled through its x edge like any operation", () => {
    const [y] = sig.recursion(freshRecName("firrec"), 1, ([y]) => [sig.add(sig.float(1), sig.fir(sig.delay1(y!), [f(0.5), f(0.5)]))]);
    expect(verifySignals([y!])).toEqual([]);
    const [v] = evaluate([y!], { samples: 4 });
    // y0 = 1; y1 = 1 + 0.5·1 = 1.5; y2 = 1 + 0.5·1.5 + 0.5·1 = 2.25; y3 = 1 + 0.5·2.25 + 0.5·1.5
    expect([...v!]).toEqual([1, 1.5, 2.25, 2.875]);
  });
});

describe("fir and iir in the text form and the verifier", () => {
  it("print ∘ parse gives the same nodes", () => {
    const x = sig.input(0);
    const g = sig.hslider("g", f(0.5), f(0), f(1), f(0.01));
    const roots: Sig[] = [sig.output(0, sig.fir(sig.iir(x, [f(-0.5), g]), [f(0.2), sig.int(1), f(-0.0)])), sig.output(1, sig.iir(x, []))];
    const text = printSignals(roots);
    expect(text).toContain("= fir %");
    expect(text).toMatch(/= iir %\d+, \[%\d+, %\d+\]/);
    expect(text).toMatch(/= iir %\d+, \[\]/);
    expect(parseSignals(text, "t.sig").roots).toEqual(roots);
  });
  it("parses a hand-written filter", () => {
    const p = parseSignals("%0 = input 0\n%1 = float 0.5\n%2 = fir %0, [%1, %1]\n%3 = iir %2, [%1]\nreturn %3\n", "t.sig");
    const r = p.roots[0]!;
    expect(r.kind).toBe("iir");
    if (r.kind === "iir") expect(r.x).toBe(sig.fir(sig.input(0), [f(0.5), f(0.5)]));
  });
  it("a fir needs a coefficient; an instantaneous cycle through its x is rejected", () => {
    const bad = verifySignals([sig.fir(sig.input(0), [])]).map((p) => `${p.diagnostic.code} ${p.diagnostic.message}`);
    expect(bad).toEqual([expect.stringMatching(/^FL570 .*a fir needs at least one coefficient/)]);
    const [y] = sig.recursion(freshRecName("firinst"), 1, ([y]) => [sig.fir(y!, [f(0), f(0.5)])]);
    expect(verifySignals([y!]).map((p) => p.diagnostic.code)).toEqual(["FL571"]);
  });
});

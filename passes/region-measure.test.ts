import { describe, expect, it } from "vitest";
import { freshRecName, sig, type Sig } from "../src/core/signals/signal.ts";
import { improves, measureRegion, noWorse } from "./region-measure.ts";

/** y = x·g + y'·p, the division form y = x/k + y'·p when `divide`. */
function onePole(x: Sig, p: number, k: number, divide: boolean): Sig {
  const [y] = sig.recursion(freshRecName("op"), 1, ([q]) => [sig.add(divide ? sig.div(x, sig.float(k)) : sig.mul(x, sig.float(1 / k)), sig.mul(sig.float(p), sig.delay1(q!)))]);
  return y!;
}

describe("measureRegion", () => {
  it("measures the source and the candidate against the source in double, output by output, cut at the region's inputs", () => {
    // the region reads a nonlinear node; the measure replaces it by noise
    const u = sig.math1("sin", sig.input(0));
    const src = onePole(u, 0.999, 3, true);
    const same = measureRegion([u], [src], [src]);
    expect(same).toHaveLength(1);
    expect(same[0]!.source).toBe(same[0]!.candidate);
    expect(same[0]!.source).toBeGreaterThan(100);
    expect(same[0]!.source).toBeLessThan(160);
    expect(noWorse(same[0]!)).toBe(true);
    expect(improves(same[0]!)).toBe(false);
    // a candidate that is another filter is far off
    const other = measureRegion([u], [src], [onePole(u, 0.99, 3, true)]);
    expect(other[0]!.candidate).toBeLessThan(30);
    expect(noWorse(other[0]!)).toBe(false);
  });
  it("x/2 and x·0.5 round alike in float32: the candidate measures the same, so it does not improve", () => {
    const u = sig.input(0);
    const src = onePole(u, 0.5, 2, true);
    const m = measureRegion([u], [src], [onePole(u, 0.5, 2, false)])[0]!;
    expect(m.candidate).toBe(m.source);
    expect(m.source).toBeGreaterThan(140);
    expect(improves(m)).toBe(false);
    expect(noWorse(m)).toBe(true);
  });
  it("measures on a unit impulse too: no worse means no worse on both signals, better means better on one", () => {
    const u = sig.input(0);
    const m = measureRegion([u], [onePole(u, 0.999, 3, true)], [onePole(u, 0.999, 3, false)])[0]!;
    expect(m.impulse.source).toBeGreaterThan(100);
    expect(m.impulse.source).not.toBe(m.source); // the impulse is another signal than the noise
    expect(m.impulse.candidate).toBeGreaterThan(100);
    // a form better on noise and worse on the impulse (a resonator bank in parallel form) is not taken
    const split = { source: 143.0, candidate: 144.4, impulse: { source: 144.5, candidate: 143.8 } };
    expect(improves(split)).toBe(true);
    expect(noWorse(split)).toBe(false);
    const both = { source: 143.0, candidate: 144.4, impulse: { source: 144.5, candidate: 144.5 } };
    expect(noWorse(both) && improves(both)).toBe(true);
    const unstableOnClick = { source: 143.0, candidate: 144.4, impulse: { source: 144.5, candidate: NaN } };
    expect(noWorse(unstableOnClick)).toBe(false);
  });
  it("an unstable candidate is never better, an unstable source always worse", () => {
    const u = sig.input(0);
    const bad = onePole(u, 1.5, 1, false);
    const good = onePole(u, 0.9, 3, true);
    const m = measureRegion([u], [good], [bad])[0]!;
    expect(noWorse(m)).toBe(false);
    expect(improves(m)).toBe(false);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbSignalGraph } from "../src/harness/arbitrary/signals.ts";
import { evaluate } from "../src/core/signals/evaluate.ts";
import { reachable, recGroups } from "../src/core/signals/graph.ts";
import { sig, type Sig } from "../src/core/signals/signal.ts";
import { assertWellFormed } from "../src/core/signals/verify.ts";
import { dceGraph } from "./dce.ts";

const x = sig.input(0);
const y = sig.input(1);
const n = 24;
const inputs = [Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 3), Float64Array.from({ length: n }, (_, i) => ((i * 37) % 11) - 5)];
const values = (roots: readonly Sig[]) => evaluate(roots, { samples: n, inputs });
const bar = (v: Sig, label = "level") => sig.hbargraph(label, sig.float(0), sig.float(1), v);

describe("dce: recursion signals", () => {
  it("a group of 3 signals of which 1 is read is rebuilt with that one", () => {
    const [p] = sig.recursion("d3", 3, ([p, q, r]) => [sig.add(x, sig.delay1(p)), sig.mul(y, sig.delay1(q)), sig.sub(sig.delay1(r), x)]);
    const r = dceGraph([p!]);
    const gs = recGroups(r.roots);
    expect(gs).toHaveLength(1);
    expect(gs[0]!.bodies).toHaveLength(1);
    expect(r.stats["signals-removed"]).toBe(2);
    expect(r.remarks[0]!.message).toMatch(/@d3: signals 1, 2 of 3 never read/);
    expect(values(r.roots)).toEqual(values([p!]));
  });

  it("a body read by a needed body stays", () => {
    const [p] = sig.recursion("d2", 2, ([p, q]) => [sig.add(x, sig.delay1(q)), sig.add(y, sig.delay1(p))]);
    const r = dceGraph([p!]);
    expect(r.roots[0]).toBe(p);
    expect(r.stats["signals-removed"]).toBe(0);
  });

  it("only the signals reached transitively stay (0 reads 2, 1 is dead)", () => {
    const [p] = sig.recursion("d4", 3, ([p, q, r]) => [sig.add(x, sig.delay1(r)), sig.delay1(q), sig.add(y, sig.delay1(p))]);
    const r = dceGraph([p!]);
    expect(recGroups(r.roots)[0]!.bodies).toHaveLength(2);
    expect(values(r.roots)).toEqual(values([p!]));
  });

  it("a dead signal showing a bargraph stays (the display is an effect)", () => {
    const [p] = sig.recursion("d5", 2, ([p, q]) => [sig.add(x, sig.delay1(p)), bar(sig.add(y, sig.delay1(q)))]);
    const r = dceGraph([p!]);
    expect(r.roots[0]).toBe(p);
  });

  it("signals=false keeps the group", () => {
    const [p] = sig.recursion("d6", 2, ([p, q]) => [sig.add(x, sig.delay1(p)), sig.delay1(q)]);
    expect(dceGraph([p!], { signals: false }).roots[0]).toBe(p);
    expect(dceGraph([p!]).roots[0]).not.toBe(p);
  });
});

describe("dce: attach", () => {
  it("attach(x, y) → x when y shows nothing", () => {
    const r = dceGraph([sig.output(0, sig.attach(x, sig.mul(y, sig.hslider("g", sig.float(0), sig.float(0), sig.float(1), sig.float(0.1)))))]);
    expect(r.roots[0]).toBe(sig.output(0, x));
    expect(r.stats["attach-removed"]).toBe(1);
  });

  it("keeps attach of a bargraph, also one inside a recursion", () => {
    const a = sig.attach(x, bar(y));
    expect(dceGraph([a]).roots[0]).toBe(a);
    const [p] = sig.recursion("d7", 1, ([p]) => [bar(sig.add(y, sig.delay1(p)))]);
    const b = sig.attach(x, sig.mul(p!, sig.float(2)));
    expect(dceGraph([b]).roots[0]).toBe(b);
  });

  it("removes nested attaches down to the value, inside groups too", () => {
    const [p] = sig.recursion("d8", 1, ([p]) => [sig.attach(sig.attach(sig.add(x, sig.delay1(p)), y), sig.float(1))]);
    const r = dceGraph([p!]);
    expect(reachable(r.roots).some((s) => s.kind === "attach")).toBe(false);
    expect(r.stats["attach-removed"]).toBe(2);
    expect(values(r.roots)).toEqual(values([p!]));
  });

  it("attach=false keeps them", () => {
    const a = sig.attach(x, y);
    expect(dceGraph([a], { attach: false }).roots[0]).toBe(a);
  });
});

describe("dce: enable/control", () => {
  it("enable(x, c) and control(x, c) → x for a constant the code finds nonzero", () => {
    for (const c of [sig.int(1), sig.int(-3), sig.float(0.5), sig.float(NaN), sig.float(-Infinity)]) {
      expect(dceGraph([sig.enable(x, c)]).roots[0]).toBe(x);
      expect(dceGraph([sig.control(x, c)]).roots[0]).toBe(x);
    }
  });

  it("keeps them for zero, for a float that is zero in single precision, and for a signal", () => {
    for (const c of [sig.int(0), sig.float(0), sig.float(-0), sig.float(1e-50), y]) {
      const e = sig.enable(x, c);
      expect(dceGraph([e]).roots[0]).toBe(e);
    }
  });
});

describe("dce: properties on random graphs", () => {
  it("keeps every value exactly (evaluator), never grows, and is idempotent", () => {
    fc.assert(
      fc.property(arbSignalGraph({ maxSize: 40 }), fc.nat(), (roots0, k) => {
        // wrap some roots in attach and enable so those rules fire too
        const roots = roots0.map((r, i) =>
          r.kind === "output" ? r : (k >> i) % 3 === 1 ? sig.attach(r, sig.add(r, y)) : (k >> i) % 3 === 2 ? sig.enable(r, sig.int(1)) : r,
        );
        const r = dceGraph(roots);
        assertWellFormed(r.roots);
        const a = values(roots);
        const b = values(r.roots);
        expect(b.every((ch, c) => ch.every((v, i) => Object.is(v, a[c]![i]) || (Number.isNaN(v) && Number.isNaN(a[c]![i]!))))).toBe(true);
        expect(reachable(r.roots).length).toBeLessThanOrEqual(reachable(roots).length);
        const again = dceGraph(r.roots);
        expect(again.roots.every((s, i) => s === r.roots[i])).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

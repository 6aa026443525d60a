import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbSignalGraph } from "../src/harness/arbitrary/signals.ts";
import { evaluate } from "../src/core/signals/evaluate.ts";
import { reachable } from "../src/core/signals/graph.ts";
import { freshRecName, sig, type Sig } from "../src/core/signals/signal.ts";
import { verifySignals } from "../src/core/signals/verify.ts";
import { constantLattice, constProp, VARYING } from "./const-prop.ts";

const x = sig.input(0);
const slider = sig.hslider("g", sig.float(0.5), sig.float(0), sig.float(1), sig.float(0.01));
const rec1 = (build: (y: Sig) => Sig) => sig.recursion(freshRecName("cp"), 1, ([y]) => [build(y!)])[0]!;
const prop = (s: Sig) => constProp([sig.output(0, s)]).roots[0]!;
const out = (s: Sig) => sig.output(0, s);
const valueOf = (s: Sig) => constantLattice([s]).get(s);

/** Bit-identical sample arrays (every NaN equals every NaN; -0 and +0 differ). */
function sameSamples(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.length === b.length && a.every((u, k) => u.every((v, i) => Object.is(v, b[k]![i]) || (Number.isNaN(v) && Number.isNaN(b[k]![i]!))));
}
const INPUTS = [0, 1].map((c) => Float64Array.from({ length: 40 }, (_, t) => Math.sin(t * (0.7 + c)) * (t % 5 === 0 ? 1e10 : 1)));

describe("const-prop: recursions", () => {
  it("finds y = y' and y = 0.5*y' constant 0", () => {
    expect(prop(rec1((y) => sig.delay1(y)))).toBe(out(sig.int(0)));
    expect(prop(rec1((y) => sig.mul(sig.float(0.5), sig.delay1(y))))).toBe(out(sig.float(0)));
    // y = y' + 0 (int): the int literal of an int node
    expect(prop(rec1((y) => sig.add(sig.delay1(y), sig.int(0))))).toBe(out(sig.int(0)));
  });
  it("leaves y = y' + 1 and y = x + y' varying", () => {
    const counter = rec1((y) => sig.add(sig.delay1(y), sig.int(1)));
    expect(prop(counter)).toBe(out(counter));
    const acc = rec1((y) => sig.add(x, sig.delay1(y)));
    expect(prop(acc)).toBe(out(acc));
  });
  it("resolves a select2 inside a recursion whose selector is a constant recursion", () => {
    // s = s' (0 forever); y = select2(s, x + y', y' + 1): picks x + y'
    const s = rec1((s) => sig.delay1(s));
    const y = rec1((y) => sig.select2(s, sig.add(x, sig.delay1(y)), sig.add(sig.delay1(y), sig.int(1))));
    const r = constProp([out(y)]);
    expect(r.stats["selects-resolved"]).toBe(1);
    const text = reachable(r.roots).map((n) => n.kind);
    expect(text).not.toContain("select2");
    expect(r.stats["recursions-folded"]).toBe(1); // s
  });
  it("uses the branch taken only: y = select2(c, 0, y' + 1) with c 0 is 0 (the conditional part)", () => {
    const c = rec1((c) => sig.mul(sig.delay1(c), sig.int(3))); // 0 forever
    const y = rec1((y) => sig.select2(c, sig.mul(sig.delay1(y), sig.float(0.5)), sig.add(sig.delay1(y), sig.float(1))));
    expect(prop(y)).toBe(out(sig.float(0)));
  });
  it("folds mutually recursive constant signals and keeps the varying ones", () => {
    const [a, b] = sig.recursion(freshRecName("cp2"), 2, ([a, b]) => [sig.mul(sig.delay1(b!), sig.int(2)), sig.add(sig.delay1(a!), x)]);
    const r = constProp([out(a!), out(b!)]);
    expect(r.roots[0]).toBe(out(a!)); // a = 2*b' varies because b does
    const [c, d] = sig.recursion(freshRecName("cp3"), 2, ([c, d]) => [sig.delay1(d!), sig.add(sig.delay1(c!), sig.delay1(d!))]);
    const r2 = constProp([out(c!), out(sig.add(d!, x))]);
    expect(r2.roots[0]).toBe(out(sig.int(0)));
    expect(reachable(r2.roots).some((n) => n.kind === "rec")).toBe(false);
  });
});

describe("const-prop: delays and exact folding", () => {
  it("folds delays of 0 only", () => {
    expect(valueOf(sig.delay1(sig.float(5)))).toBe(VARYING); // 0, 5, 5, …
    expect(valueOf(sig.delay(sig.int(0), sig.intcast(slider)))).toBe(sig.int(0));
    expect(valueOf(sig.delay1(sig.float(-0)))).toBe(VARYING); // +0 then -0
    expect(valueOf(sig.prefix(sig.float(2), sig.float(2)))).toBe(sig.float(2));
    expect(valueOf(sig.prefix(sig.float(2), sig.float(3)))).toBe(VARYING);
    expect(valueOf(sig.delay(sig.float(3), sig.int(0)))).toBe(sig.float(3));
  });
  it("folds operators, primitives and casts as the run time computes them", () => {
    expect(valueOf(sig.add(sig.int(2147483647), sig.add(sig.int(1), sig.delay1(sig.int(0)))))).toBe(sig.int(-2147483648)); // wraps
    expect(valueOf(sig.math1("sqrt", sig.add(sig.float(2), sig.delay1(sig.float(0)))))).toBe(sig.float(Math.SQRT2));
    // round(2.5) at run time is C's round (3), not rint (2) as Faust folds it
    expect(valueOf(sig.math1("round", sig.add(sig.float(2.5), sig.delay1(sig.float(0)))))).toBe(sig.float(3));
  });
  it("does not fold where Faust's folding differs from the run time", () => {
    const z = sig.delay1(sig.float(0));
    expect(valueOf(sig.intcast(sig.add(sig.float(3e9), z)))).toBe(VARYING); // saturates vs wraps
    expect(valueOf(sig.div(sig.float(1), sig.add(sig.float(0), z)))).toBe(VARYING); // x/0: Faust rejects
    expect(valueOf(sig.rem(sig.int(7), sig.mul(sig.int(0), sig.delay1(sig.int(0)))))).toBe(VARYING);
    expect(valueOf(sig.math1("sqrt", sig.add(sig.float(-1), z)))).toBe(VARYING); // NaN, Faust: out of domain
    expect(valueOf(sig.shl(sig.add(sig.float(1e10), z), sig.int(1)))).toBe(VARYING);
  });
  it("gives a float literal to a float node: select2 of an int and a float branch", () => {
    const s = sig.select2(sig.delay1(sig.int(0)), sig.int(1), sig.mul(slider, sig.float(2)));
    expect(prop(s)).toBe(out(sig.float(1)));
    // a select2 resolved to an int branch keeps its float nature through float()
    const t = sig.select2(sig.delay1(sig.int(0)), sig.intcast(slider), sig.mul(slider, sig.float(2)));
    expect(prop(t)).toBe(out(sig.floatcast(sig.intcast(slider))));
  });
  it("treats controls, inputs and foreign values as varying, and keeps bargraphs", () => {
    expect(valueOf(slider)).toBe(VARYING);
    expect(valueOf(sig.fconst("float", "fSamplingFreq"))).toBe(VARYING);
    const bg = sig.attach(sig.float(1), sig.hbargraph("m", sig.float(0), sig.float(1), x));
    expect(prop(sig.add(bg, sig.float(1)))).toBe(out(sig.add(bg, sig.float(1))));
  });
  it("folds a table read of a constant generator and a constant waveform", () => {
    const t = sig.table(sig.int(8), sig.mul(sig.delay1(sig.float(0)), sig.float(2)));
    expect(valueOf(sig.rdtable(t, sig.intcast(sig.mul(slider, sig.float(7)))))).toBe(sig.float(0));
    expect(valueOf(sig.waveform([sig.int(2), sig.int(2)]))).toBe(sig.int(2));
  });
});

describe("const-prop: properties on random graphs", () => {
  it("keeps every output bit-identical (the evaluator), yields a well-formed graph, and is idempotent", () => {
    let changed = 0;
    fc.assert(
      fc.property(arbSignalGraph({ maxSize: 30 }), (roots) => {
        const r = constProp(roots);
        expect(verifySignals(r.roots)).toEqual([]);
        if (r.roots.some((s, i) => s !== roots[i])) changed++;
        const before = evaluate(roots, { samples: 40, inputs: INPUTS });
        const after = evaluate(r.roots, { samples: 40, inputs: INPUTS });
        expect(sameSamples(before, after)).toBe(true);
        const again = constProp(r.roots);
        expect(again.roots).toEqual(r.roots);
      }),
      { numRuns: 400 },
    );
    expect(changed).toBeGreaterThan(5); // the property is not vacuous
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbSignalGraph } from "../../harness/arbitrary/signals.ts";
import { evaluate } from "./evaluate.ts";
import { groupMembers, instantOrder, reachable, recGroups, segments } from "./graph.ts";
import { rewrite } from "./rewrite.ts";
import { parseSignals } from "./parse.ts";
import { printSignals } from "./print.ts";
import { freshRecName, sig, type Sig } from "./signal.ts";
import { verifySignals } from "./verify.ts";

const x = sig.input(0);

describe("walking recursion as a graph", () => {
  it("finds the members of a recursion: y = x + a*y[n-1]", () => {
    const a = sig.float(0.9);
    const [y] = sig.recursion(freshRecName("iir"), 1, ([y]) => [sig.add(x, sig.mul(a, sig.delay1(y!)))]);
    const g = y!.kind === "proj" ? y!.group : undefined!;
    const members = groupMembers(g);
    // g, its body (add), mul, delay1, and the projection; not x nor a
    expect(new Set(members)).toEqual(new Set([g, g.bodies[0]!, sig.mul(a, sig.delay1(y!)), sig.delay1(y!), y!]));
    expect(recGroups([sig.output(0, y!)])).toEqual([g]);
  });
  it("orders nodes within a sample, cutting edges at delays", () => {
    const [y] = sig.recursion(freshRecName("ord"), 1, ([y]) => [sig.add(x, sig.delay1(y!))]);
    const r = instantOrder([y!]);
    expect("order" in r).toBe(true);
    if ("order" in r) {
      const pos = (s: Sig) => r.order.indexOf(s);
      expect(pos(x)).toBeLessThan(pos(sig.add(x, sig.delay1(y!))));
      expect(pos(sig.add(x, sig.delay1(y!)))).toBeLessThan(pos(y!));
    }
  });
  it("walks very deep graphs without overflowing the stack", () => {
    let s: Sig = x;
    for (let i = 0; i < 100_000; i++) s = sig.add(s, sig.int(i % 7));
    expect(reachable([s]).length).toBe(100_000 + 1 + 7);
    expect(segments([s])[0]!.nodes.at(-1)).toBe(s);
    expect("order" in instantOrder([s])).toBe(true);
    const text = printSignals([s]);
    expect(parseSignals(text).roots[0]).toBe(s);
    expect(verifySignals([s])).toEqual([]);
    expect(evaluate([s], { samples: 2, inputs: [[1, 2]] })[0]!.length).toBe(2);
  });
});

describe("rewrite", () => {
  it("returns the same graph when nothing changes", () => {
    const [y] = sig.recursion(freshRecName("same"), 1, ([y]) => [sig.add(x, sig.delay1(y!))]);
    const roots = [sig.output(0, sig.mul(y!, sig.float(2)))];
    expect(rewrite(roots, (s) => s)).toEqual(roots);
  });
  it("rebuilds a recursion group whose body changes, leaving the old one intact", () => {
    const mk = (c: number) => sig.recursion(freshRecName("pole"), 1, ([y]) => [sig.add(x, sig.mul(sig.float(c), sig.delay1(y!)))])[0]!;
    const y = mk(0.5);
    const before = printSignals([y]);
    const [y2] = rewrite([y], (s) => (s === sig.float(0.5) ? sig.float(0.25) : s));
    expect(y2).not.toBe(y);
    expect(printSignals([y])).toBe(before);
    expect(verifySignals([y2!])).toEqual([]);
    const imp = [[1, 0, 0, 0]];
    expect([...evaluate([y2!], { samples: 4, inputs: imp })[0]!]).toEqual([1, 0.25, 0.0625, 0.015625]);
    expect(evaluate([y2!], { samples: 4, inputs: imp })).toEqual(evaluate([mk(0.25)], { samples: 4, inputs: imp }));
  });
  it("rebuilds nested groups that read a changed outer group", () => {
    const [outer] = sig.recursion(freshRecName("outer"), 1, ([o]) => {
      const [inner] = sig.recursion(freshRecName("inner"), 1, ([i]) => [sig.add(sig.delay1(o!), sig.mul(sig.float(0.5), sig.delay1(i!)))]);
      return [sig.add(x, sig.mul(sig.float(0.5), inner!))];
    });
    const [out2] = rewrite([outer!], (s) => (s === x ? sig.mul(x, sig.float(2)) : s));
    expect(verifySignals([out2!])).toEqual([]);
    const inp = [[1, 0, 0, 0, 0, 0]];
    const a = evaluate([outer!], { samples: 6, inputs: inp })[0]!;
    const b = evaluate([out2!], { samples: 6, inputs: inp })[0]!;
    expect([...b]).toEqual([...a].map((v) => 2 * v));
    expect(recGroups([out2!]).every((g) => !recGroups([outer!]).includes(g))).toBe(true);
  });
  it("preserves semantics when scaling every input (property)", () => {
    fc.assert(
      fc.property(arbSignalGraph({ finite: true }), (roots) => {
        // replacing input(i) by input(i) * 1.0 changes every group that reads an input but not the values
        const one = sig.float(1);
        const r2 = rewrite(roots, (s) => (s.kind === "input" ? sig.mul(s, one) : s));
        expect(verifySignals(r2)).toEqual([]);
        const ins = [Float64Array.from({ length: 12 }, (_, i) => Math.cos(i)), Float64Array.from({ length: 12 }, (_, i) => i % 4)];
        expect(evaluate(r2, { samples: 12, inputs: ins })).toEqual(evaluate(roots, { samples: 12, inputs: ins }));
        // and rewriting back to the identity keeps the nodes
        expect(rewrite(r2, (s) => s)).toEqual(r2);
      }),
      { numRuns: 150 },
    );
  });
});

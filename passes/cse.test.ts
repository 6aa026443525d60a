import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildGraph, arbSignalGraph } from "../src/harness/arbitrary/signals.ts";
import { evaluate } from "../src/core/signals/evaluate.ts";
import { instantOrder, recGroups } from "../src/core/signals/graph.ts";
import { printSignals } from "../src/core/signals/print.ts";
import { sig, type Sig } from "../src/core/signals/signal.ts";
import { assertWellFormed } from "../src/core/signals/verify.ts";
import { cseGraph, isCommutative } from "./cse.ts";

const x = sig.input(0);
const y = sig.input(1);
const text = (roots: readonly Sig[]) => printSignals(roots, { localGroupNames: true });

/** A one-pole filter y = in + k*y' with its own group name, operands in the given order. */
function onePole(name: string, input: Sig, k: number, swapped = false): Sig {
  const [p] = sig.recursion(name, 1, ([p]) => {
    const fb = swapped ? sig.mul(sig.delay1(p), sig.float(k)) : sig.mul(sig.float(k), sig.delay1(p));
    return [swapped ? sig.add(fb, input) : sig.add(input, fb)];
  });
  return p!;
}

describe("cse: commutative operands", () => {
  it("a+b and b+a become one node, the operands of sub stay", () => {
    const r = cseGraph([sig.add(x, y), sig.add(y, x), sig.sub(x, y), sig.sub(y, x)]);
    expect(r.roots[0]).toBe(r.roots[1]);
    expect(r.roots[2]).not.toBe(r.roots[3]);
    expect(r.roots[2]).toBe(sig.sub(x, y));
    expect(r.stats["nodes-merged"]).toBe(1);
  });

  it("every commutative binop is ordered, the order is structural (not by creation)", () => {
    for (const op of ["add", "mul", "and", "or", "xor", "eq", "ne"] as const) {
      const r = cseGraph([sig.binop(op, x, y), sig.binop(op, y, x)]);
      expect(r.roots[0], op).toBe(r.roots[1]);
    }
    for (const op of ["sub", "div", "rem", "shl", "ashr", "lshr", "gt", "lt", "ge", "le"] as const) expect(isCommutative(sig.binop(op, x, y)), op).toBe(false);
  });

  it("puts constants last", () => {
    const r = cseGraph([sig.add(sig.float(2), x)]);
    expect(r.roots[0]).toBe(sig.add(x, sig.float(2)));
  });

  it("min/max: commutative on ints only (float fmin/fmax differ on ±0 and NaN across backends)", () => {
    const i = sig.intcast(x);
    const j = sig.intcast(y);
    expect(isCommutative(sig.math2("min", i, j))).toBe(true);
    expect(isCommutative(sig.math2("max", i, j))).toBe(true);
    expect(isCommutative(sig.math2("min", x, y))).toBe(false);
    expect(isCommutative(sig.math2("max", i, y))).toBe(false);
    const r = cseGraph([sig.math2("max", i, j), sig.math2("max", j, i), sig.math2("max", x, y), sig.math2("max", y, x)]);
    expect(r.roots[0]).toBe(r.roots[1]);
    expect(r.roots[2]).not.toBe(r.roots[3]);
  });

  it("commutative=false keeps operand order", () => {
    const r = cseGraph([sig.add(x, y), sig.add(y, x)], { commutative: false });
    expect(r.roots).toEqual([sig.add(x, y), sig.add(y, x)]);
  });
});

describe("cse: recursion groups", () => {
  it("two loops equal up to renaming become one group", () => {
    const a = onePole("ga", x, 0.5);
    const b = onePole("gb", x, 0.5);
    const r = cseGraph([sig.output(0, sig.sub(a, b))]);
    const out = r.roots[0]!;
    expect(out.kind === "output" && out.x.kind === "binop" && out.x.x === out.x.y).toBe(true);
    expect(recGroups(r.roots)).toHaveLength(1);
    expect(r.stats["groups-merged"]).toBe(1);
    expect(r.remarks.map((d) => d.message).join("\n")).toMatch(/@ga, @gb compute the same signals/);
  });

  it("also when their bodies differ by operand order", () => {
    const a = onePole("gc", x, 0.25);
    const b = onePole("gd", x, 0.25, true);
    const r = cseGraph([sig.sub(a, b)]);
    expect(recGroups(r.roots)).toHaveLength(1);
  });

  it("loops with other coefficients stay apart", () => {
    const r = cseGraph([sig.sub(onePole("ge", x, 0.5), onePole("gf", x, 0.75))]);
    expect(recGroups(r.roots)).toHaveLength(2);
    expect(r.stats["groups-merged"]).toBe(0);
  });

  it("a group two of whose signals are equal up to renaming keeps one", () => {
    const [p, q] = sig.recursion("g2", 2, ([p, q]) => [sig.add(x, sig.delay1(p)), sig.add(sig.delay1(q), x)]);
    const r = cseGraph([sig.sub(p!, q!)]);
    const [g] = recGroups(r.roots);
    expect(g!.bodies).toHaveLength(1);
    expect(r.stats["signals-merged"]).toBe(1);
  });

  it("mutually recursive signals that are equal collapse (p = x + q', q = x + p')", () => {
    const [p, q] = sig.recursion("g3", 2, ([p, q]) => [sig.add(x, sig.delay1(q)), sig.add(x, sig.delay1(p))]);
    const r = cseGraph([sig.output(0, p!), sig.output(1, q!)]);
    expect((r.roots[0] as { x: Sig }).x).toBe((r.roots[1] as { x: Sig }).x);
    const [g] = recGroups(r.roots);
    expect(g!.bodies).toHaveLength(1);
    const before = evaluate([p!, q!], { samples: 16, inputs: [Float64Array.from({ length: 16 }, (_, i) => i % 3)] });
    const after = evaluate(r.roots, { samples: 16, inputs: [Float64Array.from({ length: 16 }, (_, i) => i % 3)] });
    expect(after).toEqual(before);
  });

  it("nested groups reading the outer group are merged too", () => {
    const nested = (outer: string, inner: string) => {
      const [o] = sig.recursion(outer, 1, ([o]) => {
        const [i] = sig.recursion(inner, 1, ([i]) => [sig.add(sig.delay1(o), sig.delay1(i))]);
        return [sig.add(x, sig.mul(sig.float(0.5), sig.delay1(i!)))];
      });
      return o!;
    };
    const r = cseGraph([sig.sub(nested("o1", "i1"), nested("o2", "i2"))]);
    expect(recGroups(r.roots)).toHaveLength(2);
  });

  it("groups that share a signal but differ otherwise stay apart (a merged group reading itself without delay would be an instantaneous cycle)", () => {
    // g = [b, float(h1)], h = [b, x + h1']: g's signal 0 and h's signal 0 are one body
    const b = sig.mul(x, sig.float(2));
    const h = sig.declareRec("hp", 2);
    const g = sig.declareRec("gp", 2);
    sig.defineRec(h, [b, sig.add(x, sig.delay1(sig.proj(h, 1)))]);
    sig.defineRec(g, [b, sig.floatcast(sig.proj(h, 1))]);
    const roots = [sig.proj(g, 1), sig.proj(h, 0), sig.proj(g, 0)];
    const r = cseGraph(roots);
    expect("cycle" in instantOrder(r.roots)).toBe(false);
    expect(r.stats["groups-kept-apart"]).toBe(2);
    expect(r.remarks.some((d) => /instantaneous/.test(d.message))).toBe(false);
    const inp = { samples: 8, inputs: [Float64Array.from({ length: 8 }, (_, i) => i)] };
    expect(evaluate(r.roots, inp)).toEqual(evaluate(roots, inp));
  });

  it("groups=false merges no group but still orders operands", () => {
    const a = onePole("gg", x, 0.5);
    const b = onePole("gh", x, 0.5);
    const r = cseGraph([sig.sub(a, b), sig.add(y, a), sig.add(a, y)], { groups: false });
    expect(recGroups(r.roots)).toHaveLength(2);
    expect(r.roots[1]).toBe(r.roots[2]);
  });

  it("over its budget, falls back to groups=false with a remark", () => {
    const r = cseGraph([sig.sub(onePole("gi", x, 0.5), onePole("gj", x, 0.5))], { budget: 1 });
    expect(recGroups(r.roots)).toHaveLength(2);
    expect(r.remarks[0]!.message).toMatch(/budget/);
  });

  it("refines long chains with little work (only nodes whose children changed class are looked at again)", () => {
    const loop = (name: string) => {
      const [p] = sig.recursion(name, 1, ([p]) => {
        let s: Sig = sig.delay1(p);
        for (let i = 0; i < 2000; i++) s = sig.add(s, sig.int(i % 7));
        return [s];
      });
      return p!;
    };
    const r = cseGraph([sig.sub(loop("chain1"), loop("chain2"))], { budget: 100_000 });
    expect(r.remarks.some((d) => /budget/.test(d.message))).toBe(false);
    expect(recGroups(r.roots)).toHaveLength(1);
  });

  it("keeps a group whose bodies do not change (same node, same name)", () => {
    const [a] = sig.recursion("gk", 1, ([p]) => [sig.sub(x, sig.delay1(p))]);
    const r = cseGraph([a!]);
    expect(r.roots[0]).toBe(a);
    expect(r.stats["operands-swapped"]).toBe(0);
  });
});

const instr = fc.record({
  op: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  i: fc.oneof(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  f: fc.oneof(fc.double(), fc.constantFrom(0, 1, 0.5, -1)),
});
const inputs = (n: number) => [Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) * 3), Float64Array.from({ length: n }, (_, i) => ((i * 37) % 11) - 5)];
const sameValues = (a: Float64Array[], b: Float64Array[]) =>
  a.length === b.length && a.every((ch, k) => ch.every((v, i) => Object.is(v, b[k]![i]) || (Number.isNaN(v) && Number.isNaN(b[k]![i]!))));

describe("cse: properties on random graphs", () => {
  it("keeps every value exactly (evaluator), and is idempotent", () => {
    fc.assert(
      fc.property(arbSignalGraph({ maxSize: 40 }), (roots) => {
        const r = cseGraph(roots);
        assertWellFormed(r.roots);
        const n = 24;
        expect(sameValues(evaluate(r.roots, { samples: n, inputs: inputs(n) }), evaluate(roots, { samples: n, inputs: inputs(n) }))).toBe(true);
        const again = cseGraph(r.roots);
        expect(again.roots.every((s, i) => s === r.roots[i])).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("a graph built twice (other group names) becomes one", () => {
    fc.assert(
      fc.property(fc.array(instr, { minLength: 1, maxLength: 30 }), (is) => {
        const a = buildGraph(is);
        const b = buildGraph(is);
        const r = cseGraph([...a, ...b]);
        for (let i = 0; i < a.length; i++) expect(r.roots[i]).toBe(r.roots[a.length + i]);
      }),
      { numRuns: 150 },
    );
  });

  it("the result does not depend on operand order or group names (same printed text)", () => {
    const a = cseGraph([sig.output(0, sig.add(onePole("gl", x, 0.5), y))]);
    const b = cseGraph([sig.output(0, sig.add(y, onePole("gm", x, 0.5, true)))]);
    expect(text(b.roots)).toBe(text(a.roots));
  });
});

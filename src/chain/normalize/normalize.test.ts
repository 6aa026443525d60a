import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbSignalGraph } from "../../harness/arbitrary/signals.ts";
import { evaluate } from "../../core/signals/evaluate.ts";
import { recGroups } from "../../core/signals/graph.ts";
import { compareSignals } from "../../core/signals/order.ts";
import { printSignals } from "../../core/signals/print.ts";
import { nodeCount, sig, type Sig } from "../../core/signals/signal.ts";
import { typeOf } from "../../core/signals/types.ts";
import { verifySignals } from "../../core/signals/verify.ts";
import { arbArith } from "../../harness/arbitrary/programs.ts";
import { normalize } from "./normalize.ts";
import { INPUTS, SAMPLES, allFinite, codeOf, evaluateAll, hasUndefinedIntConversion } from "../../harness/normalize-util.ts";

const x = sig.input(0);
const y = sig.input(1);
const ix = sig.intcast(sig.mul(x, sig.float(64)));
const iy = sig.intcast(sig.mul(y, sig.float(64)));
const N = (s: Sig): Sig => normalize([s])[0]!;
const slider = sig.hslider("g", sig.float(0.5), sig.float(0), sig.float(1), sig.float(0.01));

describe("constant folding of binary operators", () => {
  it("wraps int + - * to 32 bits", () => {
    expect(N(sig.add(sig.int(2147483647), sig.int(1)))).toBe(sig.int(-2147483648));
    expect(N(sig.sub(sig.int(-2147483648), sig.int(1)))).toBe(sig.int(2147483647));
    expect(N(sig.mul(sig.int(65536), sig.int(65536)))).toBe(sig.int(0));
  });
  it("divides in float, and rejects a division by zero like Faust", () => {
    expect(N(sig.div(sig.int(7), sig.int(2)))).toBe(sig.float(3.5));
    expect(N(sig.div(sig.int(6), sig.int(3)))).toBe(sig.float(2));
    expect(codeOf(() => N(sig.div(sig.int(7), sig.int(0))))).toBe("FL520");
    expect(codeOf(() => N(sig.div(sig.float(7), sig.float(0))))).toBe("FL520");
    expect(codeOf(() => N(sig.div(x, sig.int(0))))).toBe("FL520");
  });
  it("takes C's truncating remainder on ints and fmod on floats; % by 0 is an error", () => {
    expect(N(sig.rem(sig.int(-7), sig.int(3)))).toBe(sig.int(-1));
    expect(N(sig.rem(sig.int(7), sig.int(-3)))).toBe(sig.int(1));
    expect(N(sig.rem(sig.float(7.5), sig.int(2)))).toBe(sig.float(1.5));
    expect(codeOf(() => N(sig.rem(sig.int(7), sig.int(0))))).toBe("FL521");
    // Faust: "% by 0 in IN[0] % 0", "division by 0 in IN[0] / 0.0"
    expect(() => N(sig.rem(x, sig.int(0)))).toThrow("% by 0 in IN[0] % 0");
    expect(() => N(sig.div(x, sig.float(0)))).toThrow("division by 0 in IN[0] / 0");
    expect(codeOf(() => N(sig.math2("fmod", x, sig.int(0))))).toBe("FL521");
    expect(codeOf(() => N(sig.math2("remainder", x, sig.int(0))))).toBe("FL522");
  });
  it("shifts modulo 32 and converts float operands of int operators", () => {
    expect(N(sig.shl(sig.int(1), sig.int(33)))).toBe(sig.int(2));
    expect(N(sig.ashr(sig.int(-8), sig.int(1)))).toBe(sig.int(-4));
    expect(N(sig.lshr(sig.int(-8), sig.int(1)))).toBe(sig.int(2147483644));
    expect(N(sig.and(sig.float(3.7), sig.int(1)))).toBe(sig.int(1));
    expect(N(sig.xor(sig.int(5), sig.int(3)))).toBe(sig.int(6));
  });
  it("gives int 0 or 1 for comparisons", () => {
    expect(N(sig.lt(sig.float(1.5), sig.int(2)))).toBe(sig.int(1));
    expect(N(sig.eq(sig.float(2), sig.int(2)))).toBe(sig.int(1));
    expect(N(sig.ne(sig.float(NaN), sig.float(NaN)))).toBe(sig.int(1));
  });
});

describe("constant folding of primitives and casts", () => {
  it("folds every math primitive in double precision", () => {
    expect(N(sig.math1("sin", sig.float(1)))).toBe(sig.float(Math.sin(1)));
    expect(N(sig.math1("exp10", sig.int(2)))).toBe(sig.float(100));
    expect(N(sig.math1("abs", sig.int(-2147483648)))).toBe(sig.int(-2147483648));
    expect(N(sig.math1("floor", sig.float(-0.5)))).toBe(sig.float(-1));
    expect(N(sig.math1("rint", sig.float(2.5)))).toBe(sig.float(2));
    // Faust folds round() with rint()
    expect(N(sig.math1("round", sig.float(2.5)))).toBe(sig.float(2));
    expect(N(sig.math1("log", sig.int(0)))).toBe(sig.float(-Infinity));
    expect(N(sig.math2("pow", sig.int(2), sig.int(10)))).toBe(sig.float(1024));
    expect(N(sig.math2("min", sig.int(3), sig.int(5)))).toBe(sig.int(3));
    expect(N(sig.math2("min", sig.int(1), sig.float(2.5)))).toBe(sig.float(1));
    expect(N(sig.math2("atan2", sig.float(1), sig.float(1)))).toBe(sig.float(Math.PI / 4));
    expect(N(sig.math2("remainder", sig.float(5), sig.float(2)))).toBe(sig.float(1));
  });
  it("rejects what Faust rejects while folding", () => {
    expect(codeOf(() => N(sig.math1("sqrt", sig.int(-1))))).toBe("FL523");
    expect(codeOf(() => N(sig.math1("log", sig.int(-1))))).toBe("FL523");
    expect(codeOf(() => N(sig.math1("log10", sig.float(-1))))).toBe("FL523");
    expect(codeOf(() => N(sig.math1("acos", sig.int(2))))).toBe("FL523");
    expect(codeOf(() => N(sig.math1("asin", sig.int(-2))))).toBe("FL523");
    expect(codeOf(() => N(sig.math2("fmod", sig.int(7), sig.int(0))))).toBe("FL521");
    expect(codeOf(() => N(sig.math2("remainder", sig.int(1), sig.int(0))))).toBe("FL522");
    expect(N(sig.math2("pow", sig.int(-1), sig.float(0.5)))).toBe(sig.float(NaN));
  });
  it("truncates and saturates int() of constants, NaN giving 0", () => {
    expect(N(sig.intcast(sig.float(3.7)))).toBe(sig.int(3));
    expect(N(sig.intcast(sig.float(-3.7)))).toBe(sig.int(-3));
    expect(N(sig.intcast(sig.float(3e9)))).toBe(sig.int(2147483647));
    expect(N(sig.intcast(sig.float(-3e9)))).toBe(sig.int(-2147483648));
    expect(N(sig.intcast(sig.float(NaN)))).toBe(sig.int(0));
    expect(N(sig.floatcast(sig.int(3)))).toBe(sig.float(3));
  });
  it("removes casts to the nature a signal already has", () => {
    expect(N(sig.intcast(ix))).toBe(ix);
    expect(N(sig.floatcast(x))).toBe(x);
    expect(N(sig.intcast(x))).toBe(sig.intcast(x));
  });
  it("selects with a constant selector as int(sel) == 0, and merges equal branches", () => {
    expect(N(sig.select2(sig.int(0), x, y))).toBe(x);
    expect(N(sig.select2(sig.int(2), x, y))).toBe(y);
    expect(N(sig.select2(sig.float(0.5), x, y))).toBe(x);
    expect(N(sig.select2(y, x, x))).toBe(x);
    // the result keeps select2's nature: float when one branch is float
    expect(N(sig.select2(sig.int(0), sig.int(1), sig.float(2)))).toBe(sig.float(1));
  });
  it("folds enable and control with a constant 0 or 1", () => {
    expect(N(sig.enable(x, sig.int(0)))).toBe(sig.float(0));
    expect(N(sig.control(ix, sig.int(0)))).toBe(sig.int(0));
    expect(N(sig.enable(x, sig.int(1)))).toBe(x);
    expect(N(sig.enable(x, sig.int(2)))).toBe(sig.enable(x, sig.int(2)));
  });
});

describe("algebraic simplification", () => {
  it("removes neutral elements and absorbs zero", () => {
    expect(N(sig.add(x, sig.float(0)))).toBe(x);
    expect(N(sig.add(sig.int(0), ix))).toBe(ix);
    expect(N(sig.sub(x, sig.int(0)))).toBe(x);
    expect(N(sig.mul(x, sig.float(1)))).toBe(x);
    expect(N(sig.div(x, sig.int(1)))).toBe(x);
    expect(N(sig.mul(x, sig.int(0)))).toBe(sig.float(0));
    expect(N(sig.mul(ix, sig.int(0)))).toBe(sig.int(0));
  });
  it("cancels x - x and x / x, as Faust does", () => {
    expect(N(sig.sub(x, x))).toBe(sig.float(0));
    expect(N(sig.sub(ix, ix))).toBe(sig.int(0));
    expect(N(sig.div(x, x))).toBe(sig.float(1));
    expect(N(sig.sub(sig.add(x, y), x))).toBe(y);
  });
  it("gathers constants and like terms", () => {
    expect(N(sig.add(sig.mul(sig.float(2), x), sig.mul(x, sig.float(3))))).toBe(sig.mul(x, sig.float(5)));
    expect(N(sig.add(sig.add(x, sig.float(1)), sig.float(2)))).toBe(sig.add(x, sig.float(3)));
    expect(N(sig.mul(sig.mul(x, sig.float(2)), sig.float(3)))).toBe(sig.mul(x, sig.float(6)));
    expect(N(sig.sub(sig.float(0), x))).toBe(sig.mul(x, sig.float(-1)));
    expect(N(sig.sub(x, sig.float(1)))).toBe(sig.sub(x, sig.float(1)));
    expect(N(sig.add(x, sig.float(-1)))).toBe(sig.sub(x, sig.float(1)));
  });
  it("is canonical: commuted and reassociated sums and products are the same node", () => {
    expect(N(sig.add(x, y))).toBe(N(sig.add(y, x)));
    expect(N(sig.mul(x, y))).toBe(N(sig.mul(y, x)));
    expect(N(sig.add(sig.add(x, y), slider))).toBe(N(sig.add(slider, sig.add(y, x))));
    expect(N(sig.mul(sig.div(x, y), slider))).toBe(N(sig.div(sig.mul(slider, x), y)));
    // slower factors and terms come first
    const p = N(sig.mul(x, slider));
    expect(p.kind === "binop" && p.x).toBe(slider);
  });
  it("factorizes common divisors as Faust does (gcd of greatest complexity first)", () => {
    const z = sig.input(2);
    // a*x + a*y → (x + y)*a
    expect(N(sig.add(sig.mul(slider, x), sig.mul(y, slider)))).toBe(sig.mul(slider, N(sig.add(x, y))));
    // 2*x + 2 → (x + 1)*2
    expect(N(sig.add(sig.mul(sig.float(2), x), sig.float(2)))).toBe(sig.mul(sig.add(x, sig.float(1)), sig.float(2)));
    // 3*x + 2*y: no common divisor (terms in structural order)
    const [x3, y2] = [sig.mul(x, sig.float(3)), sig.mul(y, sig.float(2))];
    expect(N(sig.add(sig.mul(sig.float(3), x), sig.mul(sig.float(2), y)))).toBe(compareSignals(x, y) < 0 ? sig.add(x3, y2) : sig.add(y2, x3));
    // x*y + x*z + y*z → x*(y + z) + y*z (the first pair of greatest complexity)
    const r = N(sig.add(sig.add(sig.mul(x, y), sig.mul(x, z)), sig.mul(y, z)));
    expect(r).toBe(N(sig.add(sig.mul(x, sig.add(y, z)), sig.mul(y, z))));
    // int coefficients are only gathered when they divide exactly
    expect(N(sig.add(sig.mul(ix, sig.int(4)), sig.mul(iy, sig.int(4))))).toBe(sig.mul(sig.add(ix, iy), sig.int(4)));
  });
  it("removes double negations", () => {
    expect(N(sig.sub(sig.float(0), sig.sub(sig.float(0), x)))).toBe(x);
    expect(N(sig.mul(sig.mul(x, sig.int(-1)), sig.int(-1)))).toBe(x);
    expect(N(sig.sub(sig.int(0), sig.sub(sig.int(0), ix)))).toBe(ix);
  });
  it("flattens ±1 × a sum into the enclosing sum", () => {
    expect(N(sig.add(x, sig.mul(sig.float(-1), sig.sub(x, y))))).toBe(y);
    expect(N(sig.sub(sig.float(0), sig.sub(x, y)))).toBe(sig.sub(y, x));
  });
  it("flattens a ±1 × sum that factorization gathers, in the same step (idempotence)", () => {
    // (x + 0.5) + ((x + 0.5) + (x + 0.5)) / 2: factorizing 0.5 + 0.5*(2x + 1) gives 1*(x + 1)
    const a = sig.add(x, sig.float(0.5));
    const once = N(sig.add(a, sig.div(sig.add(a, a), sig.float(2))));
    expect(once).toBe(sig.add(sig.mul(x, sig.float(2)), sig.float(1)));
    expect(N(once)).toBe(once);
  });
  it("wraps int coefficients", () => {
    const r = N(sig.add(sig.mul(sig.int(2147483647), ix), ix));
    expect(r).toBe(sig.mul(ix, sig.int(-2147483648)));
    expect(N(sig.sub(ix, sig.int(-2147483648)))).toBe(sig.add(ix, sig.int(-2147483648)));
  });
  it("never adds or multiplies int terms of a float sum in int", () => {
    const big = sig.mul(ix, sig.int(2147483647)); // int, wraps on its own
    const s = sig.add(big, sig.add(iy, sig.float(0.5)));
    const r = N(s);
    expect(typeOf(r).nature).toBe("float");
    expect(evaluate([r], { samples: SAMPLES, inputs: INPUTS })[0]).toEqual(evaluate([s], { samples: SAMPLES, inputs: INPUTS })[0]);
    const p = sig.mul(sig.div(ix, sig.float(2)), iy);
    expect(evaluate(normalize([p]), { samples: SAMPLES, inputs: INPUTS })[0]).toEqual(evaluate([p], { samples: SAMPLES, inputs: INPUTS })[0]);
  });
  it("applies Faust's rules for the other operators, keeping the nature", () => {
    expect(N(sig.shl(ix, sig.int(0)))).toBe(ix);
    expect(N(sig.shl(x, sig.int(0)))).toBe(sig.intcast(x));
    expect(N(sig.and(x, sig.int(-1)))).toBe(sig.intcast(x));
    expect(N(sig.and(ix, sig.int(0)))).toBe(sig.int(0));
    expect(N(sig.or(ix, sig.int(0)))).toBe(ix);
    expect(N(sig.or(sig.int(-1), ix))).toBe(sig.int(-1));
    expect(N(sig.xor(ix, ix))).toBe(sig.int(0));
    expect(N(sig.eq(x, x))).toBe(sig.int(1));
    expect(N(sig.ge(x, x))).toBe(sig.int(1));
    expect(N(sig.gt(x, x))).toBe(sig.int(0));
    expect(N(sig.rem(ix, ix))).toBe(sig.int(0));
    expect(N(sig.rem(x, x))).toBe(sig.float(0));
    expect(N(sig.and(x, x))).toBe(sig.intcast(x));
    const b = sig.lt(x, y);
    expect(N(sig.and(sig.int(1), b))).toBe(b);
    expect(N(sig.or(b, sig.int(1)))).toBe(sig.int(1));
    expect(N(sig.and(sig.int(1), ix))).toBe(sig.and(sig.int(1), ix));
  });
});

describe("cost", () => {
  it("normalizes a long chain of additions with a constant number of new nodes per addition", () => {
    let s: Sig = x;
    for (let i = 2; i < 400; i++) s = sig.add(sig.add(s, sig.mul(sig.float(i), sig.delay(y, sig.int(i)))), sig.float(0.25));
    const before = nodeCount();
    const r = N(s);
    expect(nodeCount() - before).toBeLessThan(10 * 400); // rebuilding every prefix would take ~80000
    expect(evaluate([r], { samples: SAMPLES, inputs: INPUTS })).toEqual(evaluate([s], { samples: SAMPLES, inputs: INPUTS }));
  });
});

describe("delays", () => {
  it("removes zero delays and delays of zero, but not of other constants", () => {
    expect(N(sig.delay(x, sig.int(0)))).toBe(x);
    expect(N(sig.delay1(sig.int(0)))).toBe(sig.int(0));
    expect(N(sig.delay(sig.float(0), sig.int(3)))).toBe(sig.float(0));
    expect(N(sig.delay(sig.float(0), y))).toBe(sig.float(0));
    // 5' is 0 at t = 0, then 5
    expect(N(sig.delay1(sig.int(5)))).toBe(sig.delay1(sig.int(5)));
    expect(evaluate(normalize([sig.delay(sig.int(2), sig.int(3))]), { samples: 4 })[0]).toEqual(Float64Array.from([0, 0, 0, 2]));
  });
  it("merges constant delays; one sample is delay1", () => {
    expect(N(sig.delay1(sig.delay1(x)))).toBe(sig.delay(x, sig.int(2)));
    expect(N(sig.delay(sig.delay1(x), sig.int(2)))).toBe(sig.delay(x, sig.int(3)));
    expect(N(sig.delay1(sig.delay(x, sig.int(4))))).toBe(sig.delay(x, sig.int(5)));
    expect(N(sig.delay(x, sig.int(1)))).toBe(sig.delay1(x));
    expect(N(sig.delay(x, sig.float(2.0)))).toBe(sig.delay(x, sig.int(2)));
    // a variable delay of a delay is not merged
    expect(N(sig.delay(sig.delay1(x), ix))).toBe(sig.delay(sig.delay1(x), ix));
  });
  it("moves constant and control-rate factors out of delays", () => {
    expect(N(sig.delay1(sig.mul(sig.float(0.5), x)))).toBe(sig.mul(sig.delay1(x), sig.float(0.5)));
    expect(N(sig.delay1(sig.div(x, sig.float(4))))).toBe(sig.mul(sig.delay1(x), sig.float(0.25)));
    expect(N(sig.delay1(sig.mul(slider, x)))).toBe(sig.mul(slider, sig.delay1(x)));
    expect(N(sig.delay(sig.mul(sig.float(2), slider), sig.int(3)))).toBe(sig.mul(sig.delay(slider, sig.int(3)), sig.float(2)));
    expect(N(sig.delay(sig.mul(sig.float(2), x), ix))).toBe(sig.mul(sig.delay(x, ix), sig.float(2)));
    // not through sums (the first samples would differ)
    expect(N(sig.delay1(sig.add(x, sig.float(1))))).toBe(sig.delay1(sig.add(x, sig.float(1))));
  });
  it("leaves negative constant delays to checkProgram", () => {
    expect(N(sig.delay(x, sig.int(-1)))).toBe(sig.delay(x, sig.int(-1)));
  });
});

describe("recursion", () => {
  it("rebuilds a group whose body changes, keeping the cycle through delay1", () => {
    const [r] = sig.recursion("nz.a", 1, ([p]) => [sig.add(x, sig.mul(sig.float(0.5), sig.delay1(sig.add(p!, sig.float(0)))))]);
    const out = N(r!);
    expect(verifySignals([out])).toEqual([]);
    expect(out.kind).toBe("proj");
    const g = recGroups([out])[0]!;
    expect(g.name).not.toBe("nz.a");
    expect(printSignals([out])).toContain("delay1 %0");
    expect(evaluate([out], { samples: SAMPLES, inputs: INPUTS })[0]).toEqual(evaluate([r!], { samples: SAMPLES, inputs: INPUTS })[0]);
  });
  it("replaces the projections of a recursion that no longer reads itself by its bodies", () => {
    // y = x + 0*y' → x
    const [r] = sig.recursion("nz.gone", 1, ([p]) => [sig.add(x, sig.mul(sig.float(0), sig.delay1(p!)))]);
    expect(N(sig.mul(r!, sig.float(2)))).toBe(sig.mul(x, sig.float(2)));
    // a group that never read itself (A ~ ! in Faust)
    const [c] = sig.recursion("nz.never", 1, () => [sig.add(y, sig.float(0))]);
    expect(N(c!)).toBe(y);
    // y = y'/-2 + 0.5 + y'*0.5 → 0.5, and a second group reading it
    const [a] = sig.recursion("nz.half", 1, ([p]) => [sig.add(sig.add(sig.div(sig.delay1(p!), sig.float(-2)), sig.float(0.5)), sig.mul(sig.float(0.5), sig.delay1(p!)))]);
    const [b] = sig.recursion("nz.user", 1, ([q]) => [sig.add(a!, sig.mul(sig.float(0.5), sig.delay1(q!)))]);
    const out = N(b!);
    expect(printSignals([out])).not.toContain("nz.half");
    expect(evaluate([out], { samples: SAMPLES })).toEqual(evaluate([b!], { samples: SAMPLES }));
  });
  it("keeps a group already in normal form", () => {
    const [r] = sig.recursion("nz.b", 1, ([p]) => [sig.add(sig.delay1(p!), sig.int(1))]);
    expect(N(r!)).toBe(r);
  });
  it("is idempotent on nested and mutually recursive groups", () => {
    const [a, b] = sig.recursion("nz.c", 2, ([p, q]) => {
      const [inner] = sig.recursion("nz.c.in", 1, ([z]) => [sig.add(sig.mul(sig.delay1(z!), sig.float(0.25)), sig.delay1(p!))]);
      return [sig.add(sig.add(sig.delay1(q!), x), sig.float(0)), sig.mul(sig.float(1), sig.sub(inner!, sig.delay1(p!)))];
    });
    const once = normalize([a!, b!]);
    expect(normalize(once)).toEqual(once);
    expect(verifySignals(once)).toEqual([]);
    const e0 = evaluate([a!, b!], { samples: SAMPLES, inputs: INPUTS });
    const e1 = evaluate(once, { samples: SAMPLES, inputs: INPUTS });
    expect(e1).toEqual(e0);
  });
  it("terminates on a long chain of groups", () => {
    let s: Sig = x;
    for (let i = 0; i < 300; i++) {
      const prev: Sig = s;
      s = sig.recursion(`nz.chain${i}`, 1, ([p]): Sig[] => [sig.add(prev, sig.mul(sig.float(0.5), sig.delay1(sig.mul(sig.float(1), p!))))])[0]!;
    }
    const out = N(s);
    expect(recGroups([out])).toHaveLength(300);
    expect(verifySignals([out])).toEqual([]);
  });
});

describe("properties", () => {
  const runs = Number(process.env.NZ_RUNS ?? 150);
  const same = (a: Float64Array, b: Float64Array) => a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i]!)));

  it("keeps the exact value of int graphs", () => {
    fc.assert(
      fc.property(arbArith("int"), (roots) => {
        const before = evaluate(roots, { samples: SAMPLES, inputs: INPUTS });
        const after = evaluate(normalize(roots), { samples: SAMPLES, inputs: INPUTS });
        for (let i = 0; i < roots.length; i++) if (!same(before[i]!, after[i]!)) return false;
        return true;
      }),
      { numRuns: runs },
    );
  });

  it("keeps the exact value of closed constant expressions, or rejects them like Faust", () => {
    fc.assert(
      fc.property(arbArith("closed"), (roots) => {
        const values = evaluateAll(roots, 2);
        fc.pre(!hasUndefinedIntConversion(values));
        let out: Sig[];
        const code = codeOf(() => (out = normalize(roots)));
        if (code) return ["FL520", "FL521", "FL522", "FL523"].includes(code);
        // closed expressions fold to constants
        if (!out!.every((s) => s.kind === "int" || s.kind === "float")) return false;
        const before = evaluate(roots, { samples: 2 });
        const after = evaluate(out!, { samples: 2 });
        for (let i = 0; i < roots.length; i++) if (!same(before[i]!, after[i]!)) return false;
        return true;
      }),
      { numRuns: runs },
    );
  });

  it("keeps the value of float graphs within a tight relative tolerance (reassociation in double)", () => {
    fc.assert(
      fc.property(arbArith("float"), (roots) => {
        const values = evaluateAll(roots);
        fc.pre(allFinite(values));
        let scale = 1;
        for (const v of values.values()) for (const s of v) scale = Math.max(scale, Math.abs(s));
        const before = evaluate(roots, { samples: SAMPLES, inputs: INPUTS });
        const after = evaluate(normalize(roots), { samples: SAMPLES, inputs: INPUTS });
        for (let i = 0; i < roots.length; i++)
          for (let t = 0; t < SAMPLES; t++) if (Math.abs(before[i]![t]! - after[i]![t]!) > 1e-12 * scale * values.size) return false;
        return true;
      }),
      { numRuns: runs },
    );
  });

  it("is idempotent and keeps graphs well formed", () => {
    fc.assert(
      fc.property(fc.oneof(arbArith("int"), arbArith("float")), (roots) => {
        const once = normalize(roots);
        return verifySignals(once).length === 0 && normalize(once).every((s, i) => s === once[i]);
      }),
      { numRuns: runs },
    );
  });

  it("keeps every output's nature", () => {
    fc.assert(
      fc.property(fc.oneof(arbArith("int"), arbArith("float")), (roots) =>
        normalize(roots).every((s, i) => typeOf(s).nature === typeOf(roots[i]!).nature),
      ),
      { numRuns: runs },
    );
  });
});

describe("robustness on the signal IR's random graphs", () => {
  it("either normalizes to a well-formed, idempotent graph of the same natures, or reports a folding error", () => {
    fc.assert(
      fc.property(arbSignalGraph(), (roots) => {
        let out: Sig[] = [];
        const code = codeOf(() => (out = normalize(roots)));
        if (code) return ["FL520", "FL521", "FL522", "FL523"].includes(code);
        return (
          verifySignals(out).length === 0 &&
          normalize(out).every((s, i) => s === out[i]) &&
          out.every((s, i) => typeOf(s).nature === typeOf(roots[i]!).nature)
        );
      }),
      { numRuns: Number(process.env.NZ_RUNS ?? 150) },
    );
  });
});

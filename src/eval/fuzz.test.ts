// Robustness of the evaluator on random programs: whatever the program,
// evaluation ends with a box or with catalog diagnostics, never an exception,
// a stack overflow or a hang (the step bound keeps each run short).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "./eval.ts";
import { catalog } from "../diagnostics.ts";
import { checkEvaluated } from "./arity.ts";


/** Random Faust expressions over a few names, numbers and every construct the evaluator handles. */
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("_", "!", "+", "*", "-", "mem", "0", "1", "2", "0.5", "3", "-1", "x", "y", "n", "f", "g", "h", "i"),
    fc.tuple(tie("e"), fc.constantFrom(":", ",", "<:", ":>", "~", "+", "*", "/", "%", "@", "<"), tie("e")).map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(fc.constantFrom("f", "g", "h", "k", "+", "*", "\\(x).(x)", "\\(x,y).(x-y)"), fc.array(tie("e"), { minLength: 1, maxLength: 3 })).map(([fn, as]) => `${fn}(${as.join(", ")})`),
    fc.tuple(fc.constantFrom("par", "seq", "sum", "prod"), fc.constantFrom("0", "1", "3", "n", "-1", "2.5"), tie("e")).map(([op, n, b]) => `${op}(i, ${n}, ${b})`),
    fc.tuple(tie("e"), tie("e")).map(([b, d]) => `(${b} with { x = ${d}; })`),
    tie("e").map((b) => `hslider("v%i", ${b}, 0, 1, 0.1)`),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => `route(2, 2, ${a}, ${b})`),
    tie("e").map((b) => `inputs(${b})`),
    tie("e").map((b) => `(${b} letrec { 'x = x + 1; })`),
    tie("e").map((b) => `environment { x = ${b}; }.x`),
  ),
})).e;

const program = fc
  .tuple(expr, expr, expr, expr, expr, fc.constantFrom("0", "1", "2", "3", "0.5", "1+1", "_", "-1"))
  .map(
    ([f, g, h, k0, k, n]) =>
      [
        "x = 1; y = 2; i = 0;",
        `n = ${n};`,
        `f(x) = ${f};`,
        `g = ${g};`,
        `h(x, y) = ${h};`,
        `k(0) = ${k0};`,
        `k(m) = ${k};`,
        "process = f(1), g, h(n), k(n);",
      ].join("\n") + "\n",
  );

describe("evaluator robustness", () => {
  it("ends every random program with a box or catalog diagnostics", () => {
    fc.assert(
      fc.property(program, (text) => {
        const r = evaluateProgram({ text, path: "fuzz.dsp" }, { maxSteps: 200_000 });
        for (const d of r.diagnostics) expect(catalog).toHaveProperty(d.code);
        if (r.process) expect(checkEvaluated(r.process)).toBeUndefined();
        else expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
      }),
      { numRuns: 400, seed: 4242 },
    );
  }, 60_000);
});

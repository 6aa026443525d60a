// Robustness of the evaluator on random programs: whatever the program,
// evaluation ends with a box or with catalog diagnostics, never an exception,
// a stack overflow or a hang (the step bound keeps each run short).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateProgram } from "../../driver/signals.ts";
import { catalog } from "../../core/diagnostics.ts";
import { checkEvaluated } from "./arity.ts";
import { arbProgram } from "../../harness/arbitrary/boxes.ts";

describe("evaluator robustness", () => {
  it("ends every random program with a box or catalog diagnostics", () => {
    fc.assert(
      fc.property(arbProgram({ letrec: true }), (text) => {
        const r = evaluateProgram({ text, path: "fuzz.dsp" }, { maxSteps: 200_000 });
        for (const d of r.diagnostics) expect(catalog).toHaveProperty(d.code);
        if (r.process) expect(checkEvaluated(r.process)).toBeUndefined();
        else expect(r.diagnostics.some((d) => d.severity === "error")).toBe(true);
      }),
      { numRuns: 400, seed: 4242 },
    );
  }, 60_000);
});

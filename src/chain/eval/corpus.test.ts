// The conformance corpus through the evaluator: every accepted program
// evaluates to a box whose arity is the reference's, every rejected one gets
// an error diagnostic, except those only a later stage can reject.

import path from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir, expectedErrors, readManifest } from "../../../corpus/manifest.ts";
import { evaluateProgram } from "../../driver/signals.ts";
import { checkEvaluated } from "./arity.ts";

/**
 * Rejected programs the evaluator accepts on purpose: the reference rejects
 * them in propagation or typing, after evaluation.
 */
const laterStage: Readonly<Record<string, string>> = {
  "programs/errors/negative_delay.dsp": "the delay's interval is computed by typing (intervals)",
  "programs/errors/no_outputs.dsp": "a program without outputs is rejected after evaluation",
  "programs/errors/table_size.dsp": "a table size is a signal input of rdtable; its constness is checked on signals",
};

/** The diagnostic code the evaluator (or the front end) gives each rejected program. */
const expectedCodes: Readonly<Record<string, string>> = {
  "programs/errors/bad_ui_range.dsp": "FL405",
  "programs/errors/endless_definition.dsp": "FL402",
  "programs/errors/lexer_error.dsp": "FL103",
  "programs/errors/merge_arity.dsp": "FL414",
  "programs/errors/missing_import.dsp": "FL301",
  "programs/errors/no_process.dsp": "FL401",
  "programs/errors/pattern_args.dsp": "FL407",
  "programs/errors/rec_arity.dsp": "FL415",
  "programs/errors/route_nonconstant.dsp": "FL416",
  "programs/errors/seq_arity.dsp": "FL412",
  "programs/errors/split_arity.dsp": "FL413",
  "programs/errors/syntax_error.dsp": "FL202",
  "programs/errors/undefined_symbol.dsp": "FL401",
  "programs/errors/waveform_syntax.dsp": "FL201",
};

const manifest = readManifest();

describe("corpus through the evaluator", () => {
  for (const e of manifest) {
    if (e.accepted) {
      it(`${e.path} evaluates to ${e.inputs}->${e.outputs}`, () => {
        const r = evaluateProgram(path.join(corpusDir, e.path));
        expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
        expect(r.arity).toEqual({ ins: e.inputs, outs: e.outputs });
        expect(checkEvaluated(r.process!)).toBeUndefined();
      });
    } else if (laterStage[e.path]) {
      it(`${e.path} evaluates (rejected later: ${laterStage[e.path]})`, () => {
        const r = evaluateProgram(path.join(corpusDir, e.path));
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      });
    } else {
      it(`${e.path} is rejected with ${expectedCodes[e.path]}`, () => {
        const r = evaluateProgram(path.join(corpusDir, e.path));
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        expect(errors.map((d) => d.code)).toContain(expectedCodes[e.path]);
        expect(r.process).toBeUndefined();
        // evaluation errors say what the reference says
        const first = errors[0]!;
        if (first.code.startsWith("FL4") && first.code !== "FL401" && first.code !== "FL402") {
          expect(first.message).toContain(expectedErrors[e.path]!);
        }
      });
    }
  }

  it("every rejected program is either rejected or listed as a later-stage rejection", () => {
    for (const e of manifest) if (!e.accepted) expect(Boolean(expectedCodes[e.path]) !== Boolean(laterStage[e.path]), e.path).toBe(true);
  });
});

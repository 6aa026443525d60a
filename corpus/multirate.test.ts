// The multi-rate programs of corpus/multirate/ (clock domains: the real
// Faust 2.88 does not know them, so they are not in the reference-checked
// manifest): each NAME.dsp's NAME.expected holds its impulse response (the
// contract format, double precision). The signal evaluator gives those
// samples, and every backend (js, interp, wasm, c, cpp) the evaluator's.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir } from "./manifest.ts";
import { parseImpulse } from "../src/driver/impulse.ts";
import { loadProgram } from "../src/driver/program.ts";
import { evaluate } from "../src/core/signals/evaluate.ts";
import { DIFF_BACKENDS, describeResult, diffPrograms, type DiffProgram } from "../src/harness/difftest.ts";

const dir = path.join(corpusDir, "multirate");
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".dsp")).sort();

describe("corpus/multirate", () => {
  it("has programs, each with its expected impulse response", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(fs.existsSync(path.join(dir, f.replace(/\.dsp$/, ".expected"))), f).toBe(true);
  });

  it.each(files)("%s: the signal evaluator gives the expected samples", (f) => {
    const file = path.join(dir, f);
    const { header, outputs } = parseImpulse(fs.readFileSync(file.replace(/\.dsp$/, ".expected"), "utf8"));
    const n = Number(header.n);
    const p = loadProgram({ text: fs.readFileSync(file, "utf8"), path: file });
    const inputs = Array.from({ length: p.inputs }, () => Float64Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)));
    const got = evaluate(p.outputs, { samples: n, inputs, sampleRate: Number(header.sr) });
    expect(got.map((o) => [...o])).toEqual(outputs);
  });

  it("every backend renders the evaluator's samples", async () => {
    const progs: DiffProgram[] = files.map((f) => ({ name: f, path: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), "utf8") }));
    const results = await diffPrograms(progs, { backends: DIFF_BACKENDS, reference: "signals", samples: 2048, backendTolerance: 1e-9 });
    const bad = results.map((r, i) => [files[i]!, r] as const).filter(([, r]) => r.status !== "pass");
    expect(bad.map(([n, r]) => `${n}: ${describeResult(r)}`)).toEqual([]);
  }, 180_000);
});

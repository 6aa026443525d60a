// The differential runner: unit behaviour, then faustlab against the
// reference on the corpus and on every 10th accepted library test (the full
// run is `npm run conformance`).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeResult, diffProgram, firstDifference, type DiffResult } from "./difftest.ts";
import { extractLibraryTests } from "./libtests.ts";

describe("differential runner", () => {
  it("compares within a tolerance scaled by the peak, NaN equal to NaN", () => {
    expect(firstDifference([[1, NaN, 0]], [[1 + 1e-12, NaN, 0]], 1e-9)).toBeUndefined();
    expect(firstDifference([[1000, 0]], [[1000, 5e-7]], 1e-9)).toBeUndefined();
    expect(firstDifference([[0.5, 0]], [[0.5, 5e-7]], 1e-9)).toEqual({ output: 0, index: 1, expected: 0, got: 5e-7 });
    expect(firstDifference([[0, 1]], [[0, NaN]], 1e-9)).toMatchObject({ index: 1 });
  });

  it("passes a program both compile the same, with inputs driven by an impulse and by noise", async () => {
    const r = await diffProgram({ text: "process = _ <: +~*(0.5), @(3);", path: "/t/a.dsp" });
    expect(r).toEqual({ status: "pass", inputs: 1, outputs: 2 });
  });

  it("classifies failures", async () => {
    expect((await diffProgram({ text: "process = foo;", path: "/t/b.dsp" })).status).toBe("reference-failed");
    // soundfiles: the reference compiles them, faustlab's backends do not yet
    const sf = await diffProgram({ text: 'process = 0, 0 : soundfile("s", 1) : !, !, _;', path: "/t/c.dsp" });
    expect(sf.status).toBe("rejected");
    expect(describeResult(sf)).toMatch(/rejected: FL600: .*soundfile/);
  });
});

function tally(results: [string, DiffResult][]) {
  const counts: Record<string, number> = {};
  for (const [, r] of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const failures = results.filter(([, r]) => r.status !== "pass" && r.status !== "reference-failed").map(([id, r]) => `${id}: ${describeResult(r)}`);
  return { counts, failures };
}

describe("faustlab agrees with the reference", () => {
  it("on the corpus", async () => {
    const corpus = path.join(import.meta.dirname, "..", "corpus");
    const manifest = JSON.parse(fs.readFileSync(path.join(corpus, "manifest.json"), "utf8")) as { path: string; accepted: boolean }[];
    const results: [string, DiffResult][] = [];
    for (const e of manifest.filter((e) => e.accepted)) {
      const file = path.join(corpus, e.path);
      results.push([e.path, await diffProgram({ text: fs.readFileSync(file, "utf8"), path: file })]);
    }
    const { counts, failures } = tally(results);
    // never a crash, a wrong arity or a disagreement between the JS backend and the interpreter
    expect(failures.filter((f) => /: (crashed|arity|backends)/.test(f))).toEqual([]);
    expect(counts.pass ?? 0).toBeGreaterThanOrEqual(Math.ceil(0.95 * results.length));
  });

  it("on every 10th accepted library test", async () => {
    const lib = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "..", "corpus", "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
    const accepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
    const tests = extractLibraryTests().filter((t) => accepted.has(t.id)).filter((_, i) => i % 10 === 0);
    const results: [string, DiffResult][] = [];
    for (const t of tests) results.push([t.id, await diffProgram({ text: t.source, path: `/library-tests/${t.id}.dsp`, name: t.name }, { samples: 2048 })]);
    const { counts, failures } = tally(results);
    expect(failures.filter((f) => /: (crashed|arity|backends)/.test(f))).toEqual([]);
    expect(counts.pass ?? 0).toBeGreaterThanOrEqual(Math.ceil(0.95 * results.length));
  });
});

// The differential runner: unit behaviour, then faustlab against the
// reference on the corpus and on every 10th accepted library test with the
// in-process backends (js, interp, wasm), and on a spread of 15 programs with
// all five (the C and C++ builds are slow; the full run is
// `npm run conformance`).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DIFF_BACKENDS, describeResult, describeVerdict, diffProgram, diffPrograms, firstDifference, largestError, libmCalls, type DiffProgram, type DiffResult } from "./difftest.ts";
import { renderNativeBatch } from "./difftest-native.ts";
import { compileFir } from "../driver/compile.ts";
import { extractLibraryTests } from "../driver/libtests.ts";
import { projectPath } from "../core/paths.ts";

describe("differential runner", () => {
  it("compares within a tolerance scaled by the peak, NaN equal to NaN", () => {
    expect(firstDifference([[1, NaN, 0]], [[1 + 1e-12, NaN, 0]], 1e-9)).toBeUndefined();
    expect(firstDifference([[1000, 0]], [[1000, 5e-7]], 1e-9)).toBeUndefined();
    expect(firstDifference([[0.5, 0]], [[0.5, 5e-7]], 1e-9)).toEqual({ output: 0, index: 1, expected: 0, got: 5e-7 });
    expect(firstDifference([[0, 1]], [[0, NaN]], 1e-9)).toMatchObject({ index: 1 });
    expect(largestError([[4, 0.5]], [[4, 0.5]])).toBe(0);
    expect(largestError([[4, 0.5]], [[4, 0.5 + 2 ** -20]])).toBe(2 ** -22);
  });

  it("passes a program all five backends compile the same, with inputs driven by an impulse and by noise", async () => {
    const r = await diffProgram({ text: "process = _ <: +~*(0.5), @(3);", path: "/t/a.dsp" }, { backends: DIFF_BACKENDS });
    expect(r).toEqual({
      status: "pass",
      inputs: 1,
      outputs: 2,
      verdicts: ["interp", "wasm", "c", "cpp"].map((backend) => ({ backend, status: "exact" })),
    });
  });

  it("classifies failures", async () => {
    expect((await diffProgram({ text: "process = foo;", path: "/t/b.dsp" })).status).toBe("reference-failed");
    // soundfiles: the reference compiles them, faustlab's backends do not yet
    const sf = await diffProgram({ text: 'process = 0, 0 : soundfile("s", 1) : !, !, _;', path: "/t/c.dsp" });
    expect(sf.status).toBe("rejected");
    expect(describeResult(sf)).toMatch(/rejected: FL600: .*soundfile/);
  });

  it("reports a backend that cannot run as a 'backends' failure naming it, the others still judged", async () => {
    const saved = process.env["CXX"];
    process.env["CXX"] = "/nonexistent/faustlab-no-cxx";
    try {
      const r = await diffProgram({ text: "process = _ * 0.25;", path: "/t/d.dsp" }, { backends: ["js", "wasm", "cpp"] });
      expect(r.status).toBe("backends");
      if (r.status !== "backends") return;
      expect(r.verdicts[0]).toEqual({ backend: "wasm", status: "exact" });
      expect(r.verdicts[1]).toMatchObject({ backend: "cpp", status: "failed" });
      expect(describeResult(r)).toMatch(/^backends: cpp failed: FL610: no C\+\+ compiler/);
    } finally {
      if (saved === undefined) delete process.env["CXX"];
      else process.env["CXX"] = saved;
    }
  });

  it("finds the C library functions whose last bit may differ from V8's, and names the cause of a difference", () => {
    const m = compileFir({ text: "process = _ <: sin, floor(_) + pow(_, 2), sqrt;", path: "/t/g.dsp" }, { double: true });
    expect(libmCalls(m)).toEqual(["pow", "sin"]);
    expect(libmCalls(compileFir({ text: "process = sqrt(_) : floor;", path: "/t/h.dsp" }, { double: true }))).toEqual([]);
    expect(describeVerdict({ backend: "c", status: "differs", cause: "libm", signal: "noise", output: 1, index: 332, expected: 0.5, got: 0.5000000000012 })).toBe(
      "c differs (libm, noise): output 1 sample 332: expected 0.5, got 0.5000000000012",
    );
  });

  it("native batches: inputs and outputs bit for bit, one build per batch, retried program by program when it fails", async () => {
    const m1 = compileFir({ text: "process = _ * 3, _ : +;", path: "/t/e.dsp" }, { double: true });
    const m2 = compileFir({ text: "process = 1 : +~_;", path: "/t/f.dsp" }, { double: true });
    const x = Float64Array.from([0.1, -2.5e-300, 1 / 3, 7]);
    const y = Float64Array.from([1e300, 0.2, -0, 5]);
    const jobs = [
      { module: m1, samples: 4, sampleRate: 44100, blockSize: 3, inputSets: [[x, y], [y, x]] },
      { module: m2, samples: 4, sampleRate: 44100, blockSize: 2, inputSets: [[]] },
    ];
    const [r1, r2] = await renderNativeBatch("c", jobs);
    expect(r1).toEqual({ ok: true, outputs: [[Float64Array.from(x, (v, i) => v * 3 + y[i]!)], [Float64Array.from(y, (v, i) => v * 3 + x[i]!)]] });
    expect(r2).toEqual({ ok: true, outputs: [[Float64Array.from([1, 2, 3, 4])]] });
    const bad = await renderNativeBatch("cpp", jobs, { flags: ["-DFAUSTFLOAT=no_such_type"] });
    expect(bad.map((r) => (r.ok ? "ok" : r.diagnostic.code))).toEqual(["FL611", "FL611"]);
  });
});

function tally(ids: readonly string[], results: readonly DiffResult[]) {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const failures = results.map((r, i) => [ids[i]!, r] as const).filter(([, r]) => r.status !== "pass" && r.status !== "reference-failed").map(([id, r]) => `${id}: ${describeResult(r)}`);
  return { counts, failures };
}

const corpusDir = projectPath("corpus");

function corpusPrograms(): [string, DiffProgram][] {
  const manifest = JSON.parse(fs.readFileSync(path.join(corpusDir, "manifest.json"), "utf8")) as { path: string; accepted: boolean }[];
  return manifest.filter((e) => e.accepted).map((e) => [e.path, { text: fs.readFileSync(path.join(corpusDir, e.path), "utf8"), path: path.join(corpusDir, e.path) }]);
}

function libraryPrograms(): [string, DiffProgram][] {
  const lib = JSON.parse(fs.readFileSync(path.join(corpusDir, "library-manifest.json"), "utf8")) as { tests: { id: string; accepted: boolean }[] };
  const accepted = new Set(lib.tests.filter((t) => t.accepted).map((t) => t.id));
  return extractLibraryTests()
    .filter((t) => accepted.has(t.id))
    .map((t) => [t.id, { text: t.source, path: `/library-tests/${t.id}.dsp`, name: t.name }]);
}

describe("faustlab agrees with the reference, and its backends with each other", () => {
  it("on the corpus (js, interp, wasm)", async () => {
    const progs = corpusPrograms();
    const results = await diffPrograms(
      progs.map(([, p]) => p),
      { backends: ["js", "interp", "wasm"] },
    );
    const { counts, failures } = tally(
      progs.map(([id]) => id),
      results,
    );
    // never a crash, a wrong arity or a disagreement between the backends
    expect(failures.filter((f) => /: (crashed|arity|backends)/.test(f) || /also/.test(f))).toEqual([]);
    expect(counts.pass ?? 0).toBeGreaterThanOrEqual(Math.ceil(0.95 * results.length));
    for (const r of results) if ("verdicts" in r) expect(r.verdicts.map((v) => v.status)).toEqual(["exact", "exact"]);
  });

  it("on every 10th accepted library test (js, interp, wasm)", async () => {
    const progs = libraryPrograms().filter((_, i) => i % 10 === 0);
    const results = await diffPrograms(
      progs.map(([, p]) => p),
      { samples: 2048, backends: ["js", "interp", "wasm"] },
    );
    const { counts, failures } = tally(
      progs.map(([id]) => id),
      results,
    );
    expect(failures.filter((f) => /: (crashed|arity|backends)/.test(f) || /also/.test(f))).toEqual([]);
    expect(counts.pass ?? 0).toBeGreaterThanOrEqual(Math.ceil(0.95 * results.length));
    // the interpreter and the wasm backend are bit-identical to the JS backend
    for (const r of results) if ("verdicts" in r) expect(r.verdicts.map((v) => v.status)).toEqual(["exact", "exact"]);
  });

  it("on a spread of 15 programs, all five backends (C and C++ within 1e-12 of js)", async () => {
    const lib = libraryPrograms();
    const corpus = corpusPrograms();
    const progs = [...lib.filter((_, i) => i % Math.floor(lib.length / 10) === 5).slice(0, 10), ...corpus.filter((_, i) => i % Math.floor(corpus.length / 5) === 3).slice(0, 5)];
    expect(progs).toHaveLength(15);
    const results = await diffPrograms(
      progs.map(([, p]) => p),
      { samples: 2048, backends: DIFF_BACKENDS },
    );
    const { failures } = tally(
      progs.map(([id]) => id),
      results,
    );
    expect(failures.filter((f) => /: (crashed|arity|backends)/.test(f) || /also/.test(f))).toEqual([]);
    const rendered = results.filter((r) => "verdicts" in r);
    expect(rendered.length).toBeGreaterThanOrEqual(14);
    for (const r of rendered) if ("verdicts" in r) expect(r.verdicts.map((v) => v.backend)).toEqual(["interp", "wasm", "c", "cpp"]);
  });
});
